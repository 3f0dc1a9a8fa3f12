// Features that the default report shows, each on a small document of its
// own, read back from the PDF (pdftotext; positions in pt from the page's top left).
#include <gtest/gtest.h>

#include <cmath>
#include <regex>

#include "bbox_lines.h"
#include "support/test_support.h"

namespace paiban {
namespace {

using testing::run_command;
using Line = testing::BoxLine;

constexpr double kMm = 72 / 25.4;

struct Built {
  int exit_code = -1;
  std::string err, pdf;
  std::vector<Line> lines;
};

/// Builds FILES (name → content) as a report folder; LAYOUT: --layout, if any.
Built build(const testing::TempDir& dir, const std::vector<std::pair<std::string, std::string>>& files,
            const std::string& layout = "") {
  for (const auto& [name, content] : files) dir.write("r/" + name, content);
  Built b;
  b.pdf = (dir.path() / "r.pdf").string();
  auto r = run_command(std::string(PAIBAN_BINARY) + " build " + (dir.path() / "r").string() +
                       (layout.empty() ? "" : " --layout " + layout) + " -o " + b.pdf);
  b.exit_code = r.exit_code;
  b.err = r.err;
  if (r.exit_code == 0) b.lines = testing::read_box_lines(b.pdf);
  return b;
}

const Line* find(const std::vector<Line>& lines, const std::string& text, int page = 0) {
  for (const auto& l : lines)
    if ((page == 0 || l.page == page) && l.text().find(text) != std::string::npos) return &l;
  return nullptr;
}

TEST(YamlDirAndExpr, AFolderOfRecordsSummedByAnExpressionReachesTheText) {
  testing::TempDir dir;
  Built b = build(dir, {{"report.md", "---\ntitle: 汇总\ndata: [data.yaml]\n---\n\n全区在校生{{ total }}人，共{{ count(schools) }}所学校，"
                                      "第一所是{{ schools[0].name }}。\n"},
                        {"data.yaml", "schools: {yaml_dir: schools}\ntotal: {expr: \"sum(schools.enrolment)\"}\n"},
                        {"schools/01-east.yaml", "name: 东校\nenrolment: 1200\n"},
                        {"schools/02-west.yaml", "name: 西校\nenrolment: 834\n"},
                        {"schools/03-north.yaml", "name: 北校\nenrolment: 66\n"}});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  std::string text;
  for (const auto& l : b.lines) text += l.text();
  // 1200 + 834 + 66, three files in file-name order.
  EXPECT_NE(text.find("全区在校生2100人，共3所学校，第一所是东校。"), std::string::npos) << text;
  // A correction in one file reaches the total.
  dir.write("r/schools/03-north.yaml", "name: 北校\nenrolment: 166\n");
  Built again = build(dir, {});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  text.clear();
  for (const auto& l : again.lines) text += l.text();
  EXPECT_NE(text.find("全区在校生2200人"), std::string::npos) << text;
}

TEST(NoToc, AHeadingMarkedNotocIsInTheTextButNotInTheContents) {
  testing::TempDir dir;
  Built b = build(dir, {{"report.md", "---\ntitle: 测试报告\n---\n\n```contents\nlists: [toc]\n```\n\n# 第一章标题\n\n正文一。\n\n"
                                      "## 列入目录的小节\n\n正文二。\n\n## 不入目录的小节 {.notoc}\n\n正文三。\n\n# 第二章标题\n\n正文四。\n"}});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  const Line* toc_title = nullptr;
  for (const auto& l : b.lines)
    if (l.text() == "目录") toc_title = &l;
  ASSERT_NE(toc_title, nullptr);
  const int toc = toc_title->page;
  EXPECT_NE(find(b.lines, "第一章标题", toc), nullptr);
  EXPECT_NE(find(b.lines, "列入目录的小节", toc), nullptr);
  EXPECT_NE(find(b.lines, "第二章标题", toc), nullptr);
  EXPECT_EQ(find(b.lines, "不入目录的小节", toc), nullptr);
  // In the text it is numbered like its sibling: 1.2 after 1.1.
  const Line* body = nullptr;
  for (const auto& l : b.lines)
    if (l.page > toc && l.text().find("不入目录的小节") != std::string::npos) body = &l;
  ASSERT_NE(body, nullptr);
  EXPECT_EQ(body->text(), "1.2不入目录的小节");
}

TEST(ChineseNumbering, HeadingsAreNumberedOneTwoThreeInTheOfficialLayout) {
  testing::TempDir dir;
  Built b = build(dir, {{"report.md", "---\ntitle: 编号\n---\n\n# 总体情况\n\n正文。\n\n## 办学规模\n\n正文。\n\n"
                                      "### 学校数量\n\n正文。\n\n#### 城区学校\n\n正文。\n\n### 在校生\n\n正文。\n\n"
                                      "## 师资队伍\n\n正文。\n\n# 存在问题\n\n正文。\n"}},
                  "gbt9704");
  ASSERT_EQ(b.exit_code, 0) << b.err;
  // GB/T 9704 §7.3.3: 一、 / （一） / 1. / （1）, no mark after （一） or （1）.
  for (const char* heading : {"一、总体情况", "（一）办学规模", "1.学校数量", "（1）城区学校", "2.在校生", "（二）师资队伍",
                              "二、存在问题"})
    EXPECT_NE(find(b.lines, heading), nullptr) << heading;
  EXPECT_EQ(find(b.lines, "（一）、"), nullptr);
}

TEST(OutsidePageNumbers, OddPagesRightEvenPagesLeftOneCharacterIn) {
  testing::TempDir dir;
  std::string md = "---\ntitle: 页码\n---\n\n";
  for (int i = 0; i < 60; ++i) md += "这是用来填满页面的正文段落，每段两行左右，检查页码的位置是否符合公文格式的要求。\n\n";
  Built b = build(dir, {{"report.md", md}}, "gbt9704");
  ASSERT_EQ(b.exit_code, 0) << b.err;
  // layouts/gbt9704.yaml: type area from 28 mm to 184 mm; one character (the 16 pt grid pitch) in.
  const double left = 28 * kMm, right = 184 * kMm, one = 156 * kMm / 28;
  int odd = 0, even = 0;
  for (const auto& l : b.lines) {
    std::smatch m;
    std::string t = l.text();
    if (!std::regex_match(t, m, std::regex("—([0-9]+)—"))) continue;
    int n = std::stoi(m[1]);
    // 7 mm below the type area (225 mm from 37 mm).
    EXPECT_GT(l.y0, (37 + 225) * kMm);
    EXPECT_LT(l.y0, (37 + 225 + 7) * kMm + 4);
    if (n % 2 == 1) {
      EXPECT_NEAR(l.x1, right - one, 1.5) << t;
      ++odd;
    } else {
      EXPECT_NEAR(l.x0, left + one, 1.5) << t;
      ++even;
    }
  }
  EXPECT_GE(odd, 2);
  EXPECT_GE(even, 1);
}

TEST(RunningHeader, TheTitleCentredOverARuleOnEveryPageButTheCover) {
  testing::TempDir dir;
  std::string md = "---\ntitle: 页眉测试报告\nissuer: 教育局\ndate: 2024年1月\n---\n\n";
  for (int i = 0; i < 50; ++i) md += "正文段落，用来把文字排到第二页以后，检查每一页的页眉是否都在版心上方居中。\n\n";
  Built b = build(dir, {{"report.md", md}});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  int pages = 0;
  for (const auto& l : b.lines) pages = std::max(pages, l.page);
  ASSERT_GE(pages, 3);
  // layouts/report.yaml: type area 28 mm to 184 mm, from 30 mm at the top; the header 12 mm above it.
  const double centre = (28 + (210 - 26)) / 2.0 * kMm;
  for (int p = 2; p <= pages; ++p) {
    SCOPED_TRACE("page " + std::to_string(p));
    const Line* top = nullptr;
    for (const auto& l : b.lines)
      if (l.page == p && (!top || l.y0 < top->y0)) top = &l;
    ASSERT_NE(top, nullptr);
    EXPECT_EQ(top->text(), "页眉测试报告");
    EXPECT_NEAR((top->x0 + top->x1) / 2, centre, 1);
    EXPECT_LT(top->y1, 30 * kMm - 10 * kMm);
  }
  // Not on the cover: its only lines are the cover's.
  for (const auto& l : b.lines)
    if (l.page == 1) EXPECT_GT(l.y0, 30 * kMm) << l.text();
}

TEST(UnitCaption, ATablesUnitIsPrintedWithItsCaption) {
  testing::TempDir dir;
  Built b = build(dir, {{"report.md", "---\ntitle: 单位\n---\n\n| 学校 | 在校生 |\n|:---|---:|\n| 东校 | 1200 |\n\n"
                                      "{#tab-a caption=\"在校生情况\" unit=\"人\"}\n"}});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  const Line* caption = find(b.lines, "在校生情况");
  ASSERT_NE(caption, nullptr);
  const Line* unit = find(b.lines, "（单位：人）");
  ASSERT_NE(unit, nullptr);
  // On the caption's line, after it, or on the line under it; above the table.
  EXPECT_GE(unit->y0, caption->y0 - 1);
  const Line* cell = find(b.lines, "东校");
  ASSERT_NE(cell, nullptr);
  EXPECT_LT(unit->y1, cell->y0);
}

TEST(ListHanging, AnItemsSecondLineStartsUnderItsTextNotUnderItsMarker) {
  testing::TempDir dir;
  std::string item(40, ' ');
  item.clear();
  for (int i = 0; i < 50; ++i) item += "列";
  Built b = build(dir, {{"report.md", "---\ntitle: 列表\n---\n\n1. " + item + "\n2. 短项。\n"}});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  const Line* first = nullptr;
  const Line* second = nullptr;
  for (size_t i = 0; i + 1 < b.lines.size(); ++i)
    if (b.lines[i].text().rfind("1.", 0) == 0 && b.lines[i].text().find("列列") != std::string::npos) {
      first = &b.lines[i];
      second = &b.lines[i + 1];
    }
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_EQ(second->text().rfind("列", 0), 0u) << second->text();
  // The marker's word ends where the item's text begins; the second line starts there.
  ASSERT_GE(first->words.size(), 2u);
  double text_x = 1e9;
  for (const auto& w : first->words)
    if (w.text.find("列") != std::string::npos) text_x = std::min(text_x, w.x0);
  EXPECT_NEAR(second->x0, text_x, 1.0);
  EXPECT_GT(second->x0, first->x0 + 6);  // hangs: not back at the marker
}

}  // namespace
}  // namespace paiban
