// data/school-template, the school report in the 2024 structure of
// 教职成司函〔2024〕29号, rendered by paiban batch for the nine schools of
// data/schools: the seven parts, the case photos, and 附表1–6 whose cells
// hold each school's figures, read back from the PDF row by row and compared
// with values computed here from the school's own YAML file.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "bbox_lines.h"
#include "support/test_support.h"

namespace paiban {
namespace {

namespace fs = std::filesystem;
using testing::BoxLine;
using testing::run_command;
using testing::TempDir;

const std::string kPaiban = PAIBAN_BINARY;

std::string squeeze(const std::string& s) {
  std::string out;
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) out += c;
  return out;
}

/// One school's PDF read back.
struct School {
  std::string stem;
  YAML::Node data;
  std::vector<BoxLine> lines;
  std::string text;  ///< all of it, whitespace removed
  int pages = 0;
};

/// The lines, whitespace removed, that start with PREFIX.
std::vector<const BoxLine*> lines_starting(const School& s, const std::string& prefix) {
  std::vector<const BoxLine*> out;
  for (const auto& l : s.lines)
    if (squeeze(l.text()).starts_with(prefix)) out.push_back(&l);
  return out;
}

/// The lines that are 附件 or its 目录 entry (附件 and a page number).
std::vector<const BoxLine*> appendix_lines(const School& s) {
  std::vector<const BoxLine*> out;
  for (const auto& l : s.lines) {
    std::string t = squeeze(l.text());
    if (t.starts_with("附件") && t.find_first_not_of("0123456789", 6) == std::string::npos) out.push_back(&l);
  }
  return out;
}

/// The row of table CAPTION (the caption's last line on the page, so not its
/// 附表目录 entry) whose first text cell is LABEL: every line on the row's
/// page whose middle lies within the label's line, left to right, joined by
/// " | ". Empty when there is no such row.
std::string table_row(const School& s, const std::string& caption, const std::string& label) {
  auto captions = lines_starting(s, caption);
  if (captions.empty()) return "";
  const BoxLine* cap = captions.back();
  // The row below the caption: on its page or (a continuation) the next.
  const BoxLine* key = nullptr;
  for (const auto& l : s.lines)
    if ((l.page == cap->page && l.y0 > cap->y1) || l.page == cap->page + 1)
      if (squeeze(l.text()) == label) {
        key = &l;
        break;
      }
  if (!key) return "";
  std::vector<const BoxLine*> row;
  for (const auto& l : s.lines) {
    double mid = (l.y0 + l.y1) / 2;
    if (l.page == key->page && mid > key->y0 && mid < key->y1) row.push_back(&l);
  }
  std::sort(row.begin(), row.end(), [](const BoxLine* a, const BoxLine* b) { return a->x0 < b->x0; });
  std::string out;
  for (const auto* l : row) out += (out.empty() ? "" : " | ") + squeeze(l->text());
  return out;
}

/// A number as the template prints it with "0.0".
std::string one_decimal(double v) { return fmt::format("{:.1f}", std::round(v * 10) / 10); }

double num(const YAML::Node& n) { return n.as<double>(); }

class SchoolTemplate : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // (deleted in TearDownTestSuite, which runs the PDF gate on each of the nine PDFs)
    dir_ = new TempDir;
    out_ = new std::string((dir_->path() / "out").string());
    auto r = run_command(kPaiban + " batch " + testing::source_dir() + "/data/school-template " + testing::source_dir() +
                         "/data/schools -o " + *out_);
    exit_code_ = r.exit_code;
    err_ = new std::string(r.err);
    schools_ = new std::vector<School>;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(testing::source_dir() + "/data/schools")) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      School s;
      s.stem = f.stem().string();
      s.data = YAML::LoadFile(f.string());
      std::string pdf = (fs::path(*out_) / (s.stem + ".pdf")).string();
      s.lines = testing::read_box_lines(pdf);
      for (const auto& l : s.lines) {
        s.text += squeeze(l.text());
        s.pages = std::max(s.pages, l.page);
      }
      schools_->push_back(std::move(s));
    }
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete schools_;
    delete err_;
    delete out_;
  }
  static int exit_code_;
  static std::string *err_, *out_;
  static std::vector<School>* schools_;
  static TempDir* dir_;
};
TempDir* SchoolTemplate::dir_ = nullptr;
int SchoolTemplate::exit_code_ = -1;
std::string* SchoolTemplate::err_ = nullptr;
std::string* SchoolTemplate::out_ = nullptr;
std::vector<School>* SchoolTemplate::schools_ = nullptr;

TEST_F(SchoolTemplate, NineSchoolsRenderWithoutAWarning) {
  EXPECT_EQ(exit_code_, 0) << *err_;
  EXPECT_NE(err_->find("paiban batch: 9 rendered, 0 failed, "), std::string::npos) << *err_;
  EXPECT_EQ(err_->find("warning"), std::string::npos) << *err_;
  ASSERT_EQ(schools_->size(), 9u);
  for (const auto& s : *schools_) {
    EXPECT_GE(s.pages, 12) << s.stem;
    EXPECT_LE(s.pages, 22) << s.stem;
  }
}

TEST_F(SchoolTemplate, TheSevenPartsOf2024AndTheAppendix) {
  for (const auto& s : *schools_) {
    const std::string name = s.data["name"].as<std::string>();
    EXPECT_NE(s.text.find(name + "质量年度报告（2024年）"), std::string::npos) << s.stem;
    EXPECT_NE(s.text.find("样例数据"), std::string::npos) << s.stem;
    int n = 0;
    for (const char* part : {"人才培养", "服务贡献", "文化传承", "国际合作", "产教融合", "发展保障", "面临挑战"}) {
      std::string heading = fmt::format("{}.{}", ++n, part);
      // in 目录 (with its page number) and as the chapter's heading
      auto found = lines_starting(s, heading);
      ASSERT_EQ(found.size(), 2u) << s.stem << ": " << heading;
      EXPECT_EQ(squeeze(found.back()->text()), heading) << s.stem;
      EXPECT_LT(found.front()->page, found.back()->page);
    }
    // 附件, unnumbered, after 面临挑战: its 目录 entry (附件 and the page) and its heading.
    auto appendix = appendix_lines(s);
    ASSERT_EQ(appendix.size(), 2u) << s.stem;
    EXPECT_EQ(squeeze(appendix.back()->text()), "附件");
    EXPECT_GT(appendix.back()->page, lines_starting(s, "7.面临挑战").back()->page);
  }
}

TEST_F(SchoolTemplate, SixIndicatorTablesNumbered附表1To6InTheirOwnList) {
  const char* const captions[] = {"人才培养质量计分卡", "教学资源表", "国际影响表", "服务贡献表", "落实政策表", "学生满意度"};
  for (const auto& s : *schools_) {
    ASSERT_FALSE(appendix_lines(s).empty()) << s.stem;
    int appendix_page = appendix_lines(s).back()->page;
    auto list = lines_starting(s, "附表目录");
    ASSERT_EQ(list.size(), 1u) << s.stem;
    for (int i = 0; i < 6; ++i) {
      std::string caption = fmt::format("附表{}{}", i + 1, captions[i]);
      auto found = lines_starting(s, caption);
      ASSERT_EQ(found.size(), 2u) << s.stem << ": " << caption << " in 附表目录 and over its table";
      EXPECT_EQ(found.front()->page, list.front()->page) << s.stem << ": " << caption;
      EXPECT_EQ(squeeze(found.back()->text()), caption) << s.stem;
      EXPECT_GE(found.back()->page, appendix_page) << s.stem << ": " << caption << " under 附件";
    }
    // The body's tables are 表1–表4, and 表目录 lists no 附表.
    auto tables_list = lines_starting(s, "表目录");
    ASSERT_EQ(tables_list.size(), 1u);
    for (const auto& l : s.lines) {
      if (l.page == tables_list.front()->page) {
        EXPECT_EQ(squeeze(l.text()).find("附表"), std::string::npos) << s.stem;
      }
    }
    EXPECT_EQ(lines_starting(s, "表42023—2024年经费收入情况").size(), 2u) << s.stem;
    EXPECT_EQ(lines_starting(s, "表5").size(), 0u) << s.stem;
  }
}

TEST_F(SchoolTemplate, TheIndicatorCellsHoldEachSchoolsFigures) {
  for (const auto& s : *schools_) {
    const YAML::Node& d = s.data;
    const YAML::Node& y = d["y2023"];
    SCOPED_TRACE(s.stem);
    // 附表1: counts as written, rates computed from them.
    EXPECT_EQ(table_row(s, "附表1", "全日制在校生数"),
              fmt::format("1 | 全日制在校生数 | 人 | {} | {}", y["enrolment"].as<int>(), d["enrolment"].as<int>()));
    EXPECT_EQ(table_row(s, "附表1", "毕业去向落实率"),
              fmt::format("3 | 毕业去向落实率 | % | {} | {}", one_decimal(100 * num(y["employed"]) / num(y["graduates"])),
                          one_decimal(100 * num(d["employed"]) / num(d["graduates"]))));
    // 附表2: 生师比 as N:1.
    EXPECT_EQ(table_row(s, "附表2", "生师比"),
              fmt::format("2 | 生师比 | — | {}:1 | {}:1", one_decimal(num(y["enrolment"]) / num(y["teachers"])),
                          one_decimal(num(d["enrolment"]) / num(d["teachers"]["full_time"]))));
    // 附表3
    EXPECT_EQ(table_row(s, "附表3", "国际合作项目"),
              fmt::format("2 | 国际合作项目 | 个 | {} | {}", y["projects"].as<int>(), d["international"]["projects"].as<int>()));
    // 附表4: the total of social service income, computed from its parts.
    double training = 0;
    for (const auto& t : d["training"]) training += num(t["income_wan"]);
    std::string income_2023;
    for (const auto& f : d["funding"])
      if (f["source"].as<std::string>() == "社会服务收入") income_2023 = one_decimal(num(f["y2023"]));
    EXPECT_EQ(table_row(s, "附表4", "社会服务收入合计"),
              fmt::format("7 | 社会服务收入合计 | 万元 | {} | {}", income_2023,
                          one_decimal(num(d["service"]["tech_service_wan"]) + training)));
    // 附表5: the funding's totals.
    double f2023 = 0, f2024 = 0;
    for (const auto& f : d["funding"]) f2023 += num(f["y2023"]), f2024 += num(f["y2024"]);
    EXPECT_EQ(table_row(s, "附表5", "经费收入合计"),
              fmt::format("1 | 经费收入合计 | 万元 | {} | {}", one_decimal(f2023), one_decimal(f2024)));
    EXPECT_EQ(table_row(s, "附表5", "在岗教职工"), fmt::format("6 | 在岗教职工 | 人 | — | {}", d["teachers"]["staff"].as<int>()));
    // 附表6: a data table, the rate computed per row.
    const YAML::Node& first = d["satisfaction"][0];
    EXPECT_EQ(table_row(s, "附表6", first["item"].as<std::string>()),
              fmt::format("1 | {} | {} | {} | {}%", first["item"].as<std::string>(), first["surveyed"].as<int>(),
                          first["satisfied"].as<int>(), one_decimal(100 * num(first["satisfied"]) / num(first["surveyed"]))));
  }
}

TEST_F(SchoolTemplate, EachCaseHasItsSamplePhoto) {
  for (const auto& s : *schools_) {
    SCOPED_TRACE(s.stem);
    for (const char* c : {"【案例分享1】以赛促学，练就过硬技能", "【案例分享2】校园文化节，人人都上场", "【案例分享3】订单班：课堂连着岗位"})
      EXPECT_NE(s.text.find(c), std::string::npos) << c;
    for (const char* f : {"图1实训车间的技能训练（样例图片）", "图2校园文化节的运动场（样例图片）", "图3订单班的计算机实训室（样例图片）"})
      EXPECT_NE(s.text.find(f), std::string::npos) << f;
    // The three JPEGs of the template folder, each embedded once.
    auto list = run_command("pdfimages -list " + (fs::path(*out_) / (s.stem + ".pdf")).string()).out;
    int jpegs = 0;
    for (size_t p = list.find(" jpeg "); p != std::string::npos; p = list.find(" jpeg ", p + 1)) ++jpegs;
    EXPECT_EQ(jpegs, 3) << list;
  }
}

TEST(SchoolTemplateCorrection, AChangedFigureReachesItsCellsAndTotals) {
  TempDir dir;
  fs::path schools = dir.path() / "schools";
  fs::create_directories(schools);
  fs::copy(testing::source_dir() + "/data/schools/04-liangzhou-zhizhuan.yaml", schools);
  std::string path = (schools / "04-liangzhou-zhizhuan.yaml").string();
  std::string text = testing::read_file(path);
  // Last year's teachers 277 → 300 (生师比 5076 ÷ 300 = 16.9), and a training
  // course's income 22 → 30 (the social service total 98.5 → 106.5).
  for (auto [from, to] : {std::pair{"  teachers: 277 ", "  teachers: 300 "},
                          std::pair{"people: 1100, income_wan: 22}", "people: 1100, income_wan: 30}"}}) {
    size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, std::string(from).size(), to);
  }
  dir.write("schools/04-liangzhou-zhizhuan.yaml", text);
  fs::path out = dir.path() / "out";
  auto r = run_command(kPaiban + " batch " + testing::source_dir() + "/data/school-template " + schools.string() + " -o " +
                       out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The school's own check says the funding line no longer agrees with its parts.
  EXPECT_NE(r.err.find("warning: check \"社会服务收入等于技术服务与培训到账经费之和\" fails"), std::string::npos) << r.err;
  School s;
  s.lines = testing::read_box_lines((out / "04-liangzhou-zhizhuan.pdf").string());
  EXPECT_EQ(table_row(s, "附表2", "生师比"), "2 | 生师比 | — | 16.9:1 | 17.6:1");
  EXPECT_EQ(table_row(s, "附表4", "社会服务收入合计"), "7 | 社会服务收入合计 | 万元 | 45.0 | 106.5");
  EXPECT_EQ(table_row(s, "附表4", "社会培训到账经费"), "5 | 社会培训到账经费 | 万元 | — | 42.1");
  // The body's training table totals the new figure too.
  std::string all;
  for (const auto& l : s.lines) all += squeeze(l.text());
  EXPECT_NE(all.find("到账经费42.1万元"), std::string::npos);
}

}  // namespace
}  // namespace paiban
