// The example reports of data/ as their readers get them: a school's 2024
// quality report (data/school-2024) and a district bureau's notice
// (data/notice-2024), built by the binary and read back with poppler and qpdf.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <regex>
#include <sstream>

#include "bbox_lines.h"
#include "pdf_inspect.h"
#include "support/test_support.h"

namespace paiban {
namespace {

using testing::BoxLine;
using testing::run_command;

// A4 and the type areas of the layouts, from layouts/report.yaml (margins
// left 28 mm, right 26 mm, top 30 mm, bottom 28 mm) and layouts/gbt9704.yaml
// (left 28 mm, right 26 mm, top 37 mm, bottom 35 mm).
constexpr double kMm = 72 / 25.4;
constexpr double kPageWidth = 595.276, kPageHeight = 841.89;
struct TypeArea {
  double left, right, top, bottom;  ///< pt from the page's top left
};
constexpr TypeArea kReportArea{28 * kMm, kPageWidth - 26 * kMm, 30 * kMm, kPageHeight - 28 * kMm};
constexpr TypeArea kNoticeArea{28 * kMm, kPageWidth - 26 * kMm, 37 * kMm, kPageHeight - 35 * kMm};
constexpr double kGridPitch = 156 * kMm / 28, kGridLine = 225 * kMm / 22;  // GB/T 9704: 28 × 22

std::string squeeze(const std::string& s) {
  std::string out;
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) out += c;
  return out;
}

/// stderr without the warning that names a substitute face (and its hint):
/// no free 仿宋 is packaged, so the GB/T 9704 layout's fangsong role names
/// LXGW WenKai as a stand-in on every machine without a licensed face.
std::string without_substitute_faces(const std::string& err) {
  std::istringstream in(err);
  std::string line, out;
  bool skipping = false;
  const std::regex substitute(R"re(: warning: font role "[a-z-]+" sets .* a substitute$)re");
  while (std::getline(in, line)) {
    if (std::regex_search(line, substitute)) {
      skipping = true;
      continue;
    }
    if (skipping && line.starts_with("  ")) continue;
    skipping = false;
    out += line + "\n";
  }
  return out;
}

/// One example built once: its stderr, text per page, text lines with boxes
/// and its objects uncompressed.
struct Built {
  int exit_code = -1;
  std::string out, err, pdf;
  std::vector<std::string> pages;  ///< pdftotext of each page
  std::vector<BoxLine> lines;      ///< pdftotext -bbox-layout
  std::string qdf;                 ///< qpdf --qdf: the objects as text
  std::string all_text() const {
    std::string s;
    for (const auto& p : pages) s += p;
    return s;
  }
  /// The lines whose text, whitespace removed, starts with PREFIX.
  std::vector<const BoxLine*> lines_starting(const std::string& prefix) const {
    std::vector<const BoxLine*> found;
    for (const auto& l : lines)
      if (squeeze(l.text()).starts_with(prefix)) found.push_back(&l);
    return found;
  }
};

Built build_example(const std::string& name, const testing::TempDir& dir) {
  Built b;
  b.pdf = (dir.path() / (name + ".pdf")).string();
  auto r = run_command(std::string(PAIBAN_BINARY) + " build " + testing::source_dir() + "/data/" + name + " -o " +
                       b.pdf);
  b.exit_code = r.exit_code;
  b.out = r.out;
  b.err = r.err;
  if (r.exit_code != 0) return b;
  auto info = run_command("pdfinfo " + b.pdf);
  std::smatch m;
  int pages = std::regex_search(info.out, m, std::regex("Pages:\\s+(\\d+)")) ? std::stoi(m[1]) : 0;
  for (int i = 1; i <= pages; ++i)
    b.pages.push_back(
        run_command("pdftotext -f " + std::to_string(i) + " -l " + std::to_string(i) + " " + b.pdf + " -").out);
  b.lines = testing::read_box_lines(b.pdf);
  b.qdf = run_command("qpdf --qdf --object-streams=disable " + b.pdf + " -").out;
  return b;
}

/// What Markdown syntax looks like when it leaks into the PDF as text.
const char* const kSyntax[] = {"|---", "**", "~~", "[^", "](", "{.right}", "{#", "{{", "}}"};

std::vector<std::string> leaked_syntax(const std::string& text) {
  std::vector<std::string> found;
  for (const char* s : kSyntax)
    if (text.find(s) != std::string::npos) found.push_back(s);
  return found;
}

/// A signature block: each of LINES, in order, a line of its own on the last
/// page whose right edge is the type area's (within 1 pt), one under the other.
void expect_right_aligned_on_last_page(const Built& b, const std::vector<std::string>& lines, const TypeArea& area) {
  const int last = static_cast<int>(b.pages.size());
  double previous_y = 0;
  for (const auto& text : lines) {
    const BoxLine* found = nullptr;
    for (const auto& l : b.lines)
      if (l.page == last && squeeze(l.text()) == text) found = &l;
    ASSERT_NE(found, nullptr) << text << " is not a line of its own on page " << last;
    EXPECT_NEAR(found->x1, area.right, 1.0) << text << ": right edge";
    EXPECT_GT(found->x0, area.left + 100) << text << ": set flush left";
    EXPECT_GT(found->y0, previous_y) << text << ": above the line before it";
    previous_y = found->y1;
  }
}

// --- data/school-2024 -----------------------------------------------------

class SchoolReport : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    static testing::TempDir dir;
    built_ = new Built(build_example("school-2024", dir));
  }
  static void TearDownTestSuite() { delete built_; }
  static Built* built_;
};
Built* SchoolReport::built_ = nullptr;

TEST_F(SchoolReport, BuildsWithoutAWarning) {
  EXPECT_EQ(built_->exit_code, 0) << built_->err;
  EXPECT_EQ(built_->err, "");
  EXPECT_EQ(built_->out, built_->pdf + ": " + std::to_string(built_->pages.size()) + " pages\n");
  // cover, 前言, 目录, 表目录, 案例目录, then the seven parts: 10–16 pages.
  EXPECT_GE(built_->pages.size(), 10u);
  EXPECT_LE(built_->pages.size(), 16u);
}

TEST_F(SchoolReport, PassesThePdfGate) {
  ASSERT_EQ(built_->exit_code, 0);
  EXPECT_EQ(testing::pdf_gate(built_->pdf), "");
}

TEST_F(SchoolReport, NoMarkdownSyntaxReachesThePdf) {
  ASSERT_FALSE(built_->pages.empty());
  EXPECT_EQ(leaked_syntax(built_->all_text()), std::vector<std::string>{});
}

TEST_F(SchoolReport, PrintsTheSevenPartsTablesCasesAndFigures) {
  std::string text = squeeze(built_->all_text());
  for (const char* part : {"1.人才培养", "2.服务贡献", "3.文化传承", "4.国际合作", "5.产教融合", "6.发展保障", "7.面临挑战"})
    EXPECT_EQ(built_->lines_starting(part).size(), 2u) << part << ": in 目录 and as a heading";
  // A data table with its unit, a pipe table with the caption line after it.
  EXPECT_NE(text.find("表12024年各专业学生及毕业去向情况（单位：人）"), std::string::npos);
  EXPECT_NE(text.find("表22024年学生技能大赛获奖情况（单位：人）"), std::string::npos);
  EXPECT_NE(text.find("表62024年专任教师结构（单位：人）"), std::string::npos);
  EXPECT_NE(text.find("获奖情况见表2。"), std::string::npos) << "[@tab-contests]";
  // Case boxes, numbered through the document.
  EXPECT_NE(text.find("【案例分享1】以赛促教，机电专业走上国赛领奖台"), std::string::npos);
  EXPECT_NE(text.find("【案例分享3】产业学院让课堂连着车间"), std::string::npos);
  // Values computed from data.yaml and tables/majors.csv: 1153 ÷ 1200, 921 ÷ 942, 131 ÷ 186.
  EXPECT_NE(text.find("满意度为96.1%"), std::string::npos);
  EXPECT_NE(text.find("毕业生去向落实率为97.8%"), std::string::npos);
  EXPECT_NE(text.find("占专任教师的70.4%"), std::string::npos);
  // Struck text is kept, without its tildes.
  EXPECT_NE(text.find("自我诊断。原定于2024年上半年完成的诊改平台升级因经费调整推迟至2025年实施。"), std::string::npos);
  // Strong text closed next to Chinese punctuation, and the footnote's text.
  EXPECT_NE(text.find("（一）抓实日常行为养成。学校实行"), std::string::npos);
  EXPECT_NE(text.find("“双师型”教师131人"), std::string::npos);
  EXPECT_NE(text.find("①数据来源：学校2024年6月组织的学生和家长网络问卷调查"), std::string::npos);
}

// The sample photos are placed as the files' own DCT bytes (one image object for a photo used twice),
// and the three charts follow data.yaml and tables/majors.csv.
TEST_F(SchoolReport, CarriesPhotosAndChartsListedInTheListOfFigures) {
  ASSERT_EQ(built_->exit_code, 0);
  auto list = run_command("pdfimages -list " + built_->pdf).out;
  std::istringstream rows(list);
  int photos = 0;
  for (std::string l; std::getline(rows, l);)
    if (std::regex_search(l, std::regex("\\bimage\\s+1200\\s+800\\s+rgb\\s+3\\s+8\\s+jpeg\\b"))) ++photos;
  EXPECT_EQ(photos, 3) << list;  // 图2, and the two photos of 图4
  std::string text = squeeze(built_->all_text());
  for (const char* caption : {"图12024年各专业在校生构成", "图2机电专业学生在实训车间备赛（样例图片）", "图32024年各类社会培训人次",
                              "图4产业学院实训场景（样例图片）", "图52023—2024年各项经费收入对比"}) {
    EXPECT_EQ(built_->lines_starting(caption).size(), 2u) << caption << ": in 图目录 and under the figure";
  }
  EXPECT_NE(text.find("（a）直播运营实训室"), std::string::npos);
  EXPECT_NE(text.find("（b）生产性实训车间"), std::string::npos);
  // Chart text from the data: the pie's legend (majors.csv), the bars' value labels (data.yaml).
  EXPECT_NE(text.find("护理602人"), std::string::npos);
  EXPECT_NE(text.find("2140"), std::string::npos);  // 企业职工岗位培训 people
  EXPECT_NE(text.find("3365"), std::string::npos);  // 财政生均拨款 2024
  EXPECT_NE(text.find("见表3和图3。"), std::string::npos);
}

TEST_F(SchoolReport, PassesTheGateAsPdfA) {
  static testing::TempDir dir;
  std::string pdf = (dir.path() / "a.pdf").string();
  auto r = run_command(std::string(PAIBAN_BINARY) + " build --pdfa " + testing::source_dir() + "/data/school-2024 -o " + pdf);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(testing::pdf_gate(pdf), "");
}

TEST_F(SchoolReport, FootnotesSitAtTheFootOfThePageOfTheirMark) {
  struct Note {
    std::string mark_line, note;
  };
  // 1.2 在校体验 and 6.2 经费投入 each carry one footnote.
  for (const Note& n : {Note{"满意度为97.4%①", "①数据来源：学校2024年6月"}, Note{"11,217元①", "①数据来源：学校财务处"}}) {
    const BoxLine* mark = nullptr;
    for (const auto& l : built_->lines)
      if (squeeze(l.text()).find(n.mark_line) != std::string::npos) mark = &l;
    auto notes = built_->lines_starting(n.note);
    ASSERT_NE(mark, nullptr) << n.mark_line;
    ASSERT_EQ(notes.size(), 1u) << n.note;
    const BoxLine& note = *notes.front();
    EXPECT_EQ(note.page, mark->page) << n.note;
    // Below every line of the body on that page, inside the type area.
    double last_body = 0;
    for (const auto& l : built_->lines)
      if (l.page == note.page && l.y0 >= kReportArea.top && l.y1 <= kReportArea.bottom &&
          !squeeze(l.text()).starts_with("①") && !squeeze(l.text()).starts_with("②"))
        last_body = std::max(last_body, l.y1);
    EXPECT_GT(note.y0, last_body) << n.note;
    EXPECT_LE(note.y1, kReportArea.bottom + 0.5) << n.note;
    EXPECT_NEAR(note.x0, kReportArea.left, 0.5) << n.note;
  }
}

TEST_F(SchoolReport, TheSignatureIsSetRight) {
  ASSERT_FALSE(built_->pages.empty());
  expect_right_aligned_on_last_page(*built_, {"河西市第一职业中等专业学校", "2024年12月"}, kReportArea);
}

TEST_F(SchoolReport, LinksAreUriAnnotations) {
  // [信息公开栏目](https://…) and the autolink <https://www.moe.gov.cn/>.
  EXPECT_NE(built_->qdf.find("/URI (https://www.hxyz.edu.cn/xxgk/)"), std::string::npos);
  EXPECT_NE(built_->qdf.find("/URI (https://www.moe.gov.cn/)"), std::string::npos);
  EXPECT_NE(built_->qdf.find("/URI (https://www.chinaeducenter.cn/)"), std::string::npos);
}

/// The text under the /URI annotations to URL, in order (a link broken over
/// two lines has a rectangle on each).
std::string text_under_links(const std::string& pdf, const std::string& url) {
  testing::PdfInspector inspector(pdf);
  std::string text;
  for (size_t i = 0; i < inspector.page_count(); ++i) {
    const nlohmann::json& page = inspector.object(inspector.json()["pages"][i]["object"]);
    if (!page.contains("/Annots")) continue;
    for (const auto& ref : page["/Annots"]) {
      const nlohmann::json& a = inspector.object(ref.get<std::string>());
      if (!a.contains("/A") || a["/A"].value("/URI", "") != "u:" + url) continue;
      const auto& r = a["/Rect"];
      // 3 pt in from each side: pdftotext's crop takes a neighbour that touches the box.
      text += inspector.text_in(i, r[0].get<double>() + 3, r[1].get<double>(), r[2].get<double>() - 3,
                                r[3].get<double>());
    }
  }
  return text;
}

TEST_F(SchoolReport, LinkRectanglesCoverTheLinkText) {
  ASSERT_EQ(built_->exit_code, 0);
  EXPECT_EQ(text_under_links(built_->pdf, "https://www.hxyz.edu.cn/xxgk/"), "信息公开栏目");
  EXPECT_EQ(text_under_links(built_->pdf, "https://www.moe.gov.cn/"), "https://www.moe.gov.cn/");
}

// A link's rectangle ends where its text ends. Fails today: at a line end the
// rectangle over "“鲁班工坊”" keeps the closing quote's full advance, 6 pt past
// the margin where the mark was trimmed to ½ em.
TEST_F(SchoolReport, LinkRectanglesStayInsideTheTypeArea) {
  testing::PdfInspector inspector(built_->pdf);
  int links = 0;
  for (size_t i = 0; i < inspector.page_count(); ++i) {
    const nlohmann::json& page = inspector.object(inspector.json()["pages"][i]["object"]);
    if (!page.contains("/Annots")) continue;
    for (const auto& ref : page["/Annots"]) {
      const nlohmann::json& a = inspector.object(ref.get<std::string>());
      if (!a.contains("/A")) continue;
      ++links;
      EXPECT_GE(a["/Rect"][0].get<double>(), kReportArea.left - 0.5) << a["/A"]["/URI"];
      EXPECT_LE(a["/Rect"][2].get<double>(), kReportArea.right + 0.5) << a["/A"]["/URI"];
    }
  }
  EXPECT_EQ(links, 5);
}

// --- data/notice-2024 -----------------------------------------------------

class Notice : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    static testing::TempDir dir;
    built_ = new Built(build_example("notice-2024", dir));
  }
  static void TearDownTestSuite() { delete built_; }
  static Built* built_;
};
Built* Notice::built_ = nullptr;

TEST_F(Notice, BuildsWithoutAWarningButTheNamedSubstituteFace) {
  EXPECT_EQ(built_->exit_code, 0) << built_->err;
  EXPECT_EQ(without_substitute_faces(built_->err), "");
  EXPECT_EQ(built_->out, built_->pdf + ": " + std::to_string(built_->pages.size()) + " pages\n");
}

TEST_F(Notice, PassesThePdfGate) {
  ASSERT_EQ(built_->exit_code, 0);
  EXPECT_EQ(testing::pdf_gate(built_->pdf), "");
}

TEST_F(Notice, NoMarkdownSyntaxReachesThePdf) {
  ASSERT_FALSE(built_->pages.empty());
  EXPECT_EQ(leaked_syntax(built_->all_text()), std::vector<std::string>{});
}

TEST_F(Notice, HeadingsAreNumberedInTheChineseStyle) {
  // # → 一、, ## → （一）, ### → 1., #### → （1）, each a line of its own,
  // indented 2 grid characters (156 mm ÷ 28 each) like the paragraphs.
  for (const char* heading : {"一、编制范围和内容", "（一）编制范围", "（二）报告内容", "1.突出质量和特色",
                              "（1）人才培养质量计分卡；", "（3）学生满意度调查表。", "二、工作要求",
                              "（三）按时报送发布"}) {
    bool found = false;
    for (const auto& l : built_->lines)
      if (squeeze(l.text()) == heading) {
        found = true;
        EXPECT_NEAR(l.x0, kNoticeArea.left + 2 * kGridPitch, 0.5) << heading;
      }
    EXPECT_TRUE(found) << heading;
  }
  std::string text = squeeze(built_->all_text());
  EXPECT_NE(text.find("各中等职业学校："), std::string::npos);
  EXPECT_NE(text.find("（教职成司函〔2024〕29号）"), std::string::npos);
}

TEST_F(Notice, TheEmailAddressIsALink) {
  EXPECT_NE(built_->qdf.find("/URI (mailto:zjk@hdjy.gov.cn)"), std::string::npos);
}

// 附件说明 (GB/T 9704 7.3.4), from the front matter's `attachments`: "附件：1.…"
// and the second name on a line of its own, its "2." under the "1." as the
// standard asks. (The rest of the notice, its head, signature and 版记, is
// measured in notice_test.cc.)
TEST_F(Notice, AttachmentNamesStandOneUnderTheOther) {
  auto first = built_->lines_starting("附件：1.中等职业学校质量年度报告编写提纲");
  auto second = built_->lines_starting("2.中等职业学校质量年度报告数据表");
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(squeeze(first.front()->text()), "附件：1.中等职业学校质量年度报告编写提纲");
  EXPECT_EQ(second.front()->page, first.front()->page);
  EXPECT_NEAR(second.front()->y0 - first.front()->y0, kGridLine, 1.0) << "the next grid line";
  // The second name's "2." under the first's "1.", three grid characters after "附件：" begins.
  EXPECT_NEAR(second.front()->x0, first.front()->x0 + 3 * kGridPitch, 1.0);
}

}  // namespace
}  // namespace paiban
