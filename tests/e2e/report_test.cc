// The default report as the bureau prints it: lists, numbering, breaks,
// and a data correction flowing through to every page.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "pdf_inspect.h"
#include "support/test_support.h"

namespace paiban {
namespace {

namespace fs = std::filesystem;
using testing::run_command;

const std::string kPaiban = PAIBAN_BINARY;

class DefaultReportPdf : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    static testing::TempDir dir;
    pdf_ = (dir.path() / "r.pdf").string();
    auto r = run_command(kPaiban + " build " + testing::source_dir() + "/data/liangzhou-2023 -o " + pdf_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    inspector_ = new testing::PdfInspector(pdf_);
    for (size_t i = 0; i < inspector_->page_count(); ++i)
      pages_.push_back(run_command("pdftotext -f " + std::to_string(i + 1) + " -l " + std::to_string(i + 1) + " " + pdf_ + " -").out);
  }
  static void TearDownTestSuite() { delete inspector_; }
  static std::string pdf_;
  static testing::PdfInspector* inspector_;
  static std::vector<std::string> pages_;  ///< pdftotext of each page
};
std::string DefaultReportPdf::pdf_;
testing::PdfInspector* DefaultReportPdf::inspector_ = nullptr;
std::vector<std::string> DefaultReportPdf::pages_;

TEST_F(DefaultReportPdf, EveryListEntryCarriesThePageOfItsTarget) {
  std::vector<std::string> failures;
  // 目录: 前言, 7 chapters, 27 sections and 3 challenges (levels 1–2); 表目录: 9; 案例目录: 5.
  int links = inspector_->check_links(failures);
  EXPECT_EQ(links, 38 + 9 + 5);
  EXPECT_EQ(failures, std::vector<std::string>{});
}

/// The page index and position in the whole text where NEEDLE first appears
/// on a body page.
long find_in_body(const std::vector<std::string>& pages, const std::string& needle, size_t first_body) {
  long offset = 0;
  for (size_t i = 0; i < pages.size(); ++i) {
    size_t p = i >= first_body ? pages[i].find(needle) : std::string::npos;
    if (p != std::string::npos) return offset + static_cast<long>(p);
    offset += static_cast<long>(pages[i].size());
  }
  return -1;
}

TEST_F(DefaultReportPdf, TablesOneToNineAndCasesOneToFiveInOrder) {
  size_t first_body = 0;
  while (first_body < pages_.size() && inspector_->label(first_body) != "1") ++first_body;
  ASSERT_LT(first_body, pages_.size());
  long previous = -1;
  for (int n = 1; n <= 9; ++n) {
    long at = find_in_body(pages_, "表 " + std::to_string(n) + " ", first_body);
    EXPECT_GT(at, previous) << "表" << n;
    previous = at;
  }
  previous = -1;
  for (int n = 1; n <= 5; ++n) {
    long at = find_in_body(pages_, "【案例分享 " + std::to_string(n) + "】", first_body);
    EXPECT_GT(at, previous) << "案例分享" << n;
    previous = at;
  }
}

TEST_F(DefaultReportPdf, TableNineShowsItsHeaderAndAContinuedCaptionOnEveryPage) {
  std::vector<size_t> spans;
  for (size_t i = 0; i < pages_.size(); ++i)
    if (pages_[i].find("2022 年专业情况统计（单位：人、个）") != std::string::npos &&
        pages_[i].find("表 9 2022") != std::string::npos)
      spans.push_back(i);
  ASSERT_GE(spans.size(), 2u) << "table 9 (51 rows) spans pages";
  for (size_t k = 0; k < spans.size(); ++k) {
    const std::string& t = pages_[spans[k]];
    bool continued = t.find("续表 9 2022 年专业情况统计") != std::string::npos;
    EXPECT_EQ(continued, k > 0) << "page " << spans[k];
    for (const char* header : {"产业类别", "专业大类", "专业名称", "专业学生人数", "招生人数", "点数"})
      EXPECT_NE(t.find(header), std::string::npos) << header << " on page " << spans[k];
  }
  // The pages follow each other, and the totals row closes the last one.
  for (size_t k = 1; k < spans.size(); ++k) EXPECT_EQ(spans[k], spans[k - 1] + 1);
  EXPECT_NE(pages_[spans.back()].find("合计"), std::string::npos);
  EXPECT_NE(pages_[spans.back()].find("10266"), std::string::npos);
  // The continuation's first row repeats the row-spanning industry label.
  EXPECT_NE(pages_[spans[1]].find("第三产业"), std::string::npos);
}

TEST(Regeneration, ACorrectionInOneDataFileReachesEveryDependentFigure) {
  testing::TempDir dir;
  fs::path report = dir.path() / "liangzhou-2023";
  fs::copy(testing::source_dir() + "/data/liangzhou-2023", report, fs::copy_options::recursive);
  // 1.1.2's 全日制在校学生 10266, the sum of the school files, becomes 10300:
  // 凉州区职业中专 5238 → 5272.
  std::string school = testing::read_file((report / "schools/04-liangzhou-zhizhuan.yaml").string());
  size_t at = school.find("enrolment: 5238");
  ASSERT_NE(at, std::string::npos);
  school.replace(at, 15, "enrolment: 5272");
  dir.write("liangzhou-2023/schools/04-liangzhou-zhizhuan.yaml", school);
  std::string pdf = (dir.path() / "r.pdf").string();
  auto r = run_command(kPaiban + " build " + report.string() + " -o " + pdf);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string text;
  for (char c : run_command("pdftotext " + pdf + " -").out)
    if (!std::isspace(static_cast<unsigned char>(c))) text += c;
  // The sentence, the difference and the growth rate (10300 − 9968 = 332, 3.3%).
  EXPECT_NE(text.find("全日制在校学生10300人"), std::string::npos);
  EXPECT_NE(text.find("在校生总数增加332人，增幅3.3%"), std::string::npos);
  EXPECT_EQ(text.find("全日制在校学生10266人"), std::string::npos);
  // Table 3's per-student land area (663538.41 ÷ 10300 = 64.42, was 64.63),
  // and table 5's figures computed from it: +31.42, +95.2%, +8.7%.
  EXPECT_NE(text.find("64.42"), std::string::npos);
  EXPECT_EQ(text.find("64.63"), std::string::npos);
  EXPECT_NE(text.find("+31.42"), std::string::npos);
  EXPECT_NE(text.find("+95.2%"), std::string::npos);
  EXPECT_NE(text.find("+8.7%"), std::string::npos);
  // And the check that table 9 sums to the total now fails.
  EXPECT_NE(r.err.find("sum(majors.students) = 10266"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace paiban
