// Pagination of report elements: tables, case boxes, contents lists, pages.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "layout/paginate.h"
#include "layout/prepare.h"
#include "support/default_fonts.h"
#include "support/report_fixture.h"

namespace paiban::layout {
namespace {

const LayoutSpec& spec() {
  static LayoutSpec s = [] {
    DiagnosticSink sink;
    return *load_layout(testing::source_dir() + "/layouts/report.yaml", sink);
  }();
  return s;
}

struct Laid {
  std::unique_ptr<testing::ReportFixture> fixture;
  Pages pages;
};

Laid lay_out(const std::map<std::string, std::string>& files) {
  Laid l;
  l.fixture = std::make_unique<testing::ReportFixture>(files);
  EXPECT_EQ(l.fixture->diagnostics(), "");
  l.pages = paginate(l.fixture->document, spec(), testing::default_fonts(), l.fixture->sink);
  return l;
}

/// The text of a page's runs in drawing order.
std::string text_of(const Page& page) {
  std::string s;
  for (const auto& r : page.runs)
    for (const auto& g : r.glyphs) s += g.text;
  return s;
}

std::string text_of_run(const GlyphRun& r) {
  std::string s;
  for (const auto& g : r.glyphs) s += g.text;
  return s;
}

/// The page's text line by line: runs on one baseline joined left to right.
std::set<std::string> lines_of(const Page& page) {
  std::map<long, std::vector<std::pair<double, std::string>>> by_baseline;
  for (const auto& r : page.runs) {
    std::string s;
    for (const auto& g : r.glyphs) s += g.text;
    by_baseline[std::lround(r.y * 100)].push_back({r.x, s});
  }
  std::set<std::string> out;
  for (auto& [y, parts] : by_baseline) {
    std::sort(parts.begin(), parts.end());
    std::string line;
    for (const auto& [x, t] : parts) line += t;
    out.insert(line);
  }
  return out;
}

size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

std::map<std::string, std::string> long_table(int rows) {
  std::string csv = "industry,major,students\n";
  for (int i = 1; i <= rows; ++i)
    csv += fmt::format("{},专业{}号,{}\n", i <= 10 ? "第一产业" : i <= 45 ? "第二产业" : "第三产业", i, 100 + i);
  return {{"report.md", "---\ntitle: 报告\ndata: [data.yaml]\n---\n\n"
                        "```table\nid: tab-a\ncaption: 专业统计\nrows: majors\n"
                        "header:\n  - [产业类别, 专业名称, 学生数]\n"
                        "columns:\n  - {value: industry, merge: down}\n  - {value: major}\n  - {value: students, total: sum}\n"
                        "total: {label: 合计, span: 2}\n```\n"},
          {"data.yaml", "majors: {csv: majors.csv}\n"},
          {"majors.csv", csv}};
}

TEST(TableFlow, BreaksBetweenRowsRepeatingHeaderUnderContinuedCaption) {
  auto files = long_table(80);
  Laid l = lay_out(files);
  // Cover page + table pages.
  ASSERT_GE(l.pages.pages.size(), 4u);
  std::vector<std::set<std::string>> texts;
  for (size_t i = 1; i < l.pages.pages.size(); ++i) {
    std::string t = text_of(l.pages.pages[i]);
    texts.push_back(lines_of(l.pages.pages[i]));
    EXPECT_EQ(count(t, "产业类别"), 1u) << "page " << i;  // the header on every page
    if (i == 1) EXPECT_NE(t.find("表1 专业统计"), std::string::npos);
    else EXPECT_NE(t.find("续表1 专业统计"), std::string::npos) << "page " << i;
  }
  // Every row is on exactly one page, whole: its name and its number together.
  for (int r = 1; r <= 80; ++r) {
    int pages_with_row = 0;
    for (const auto& t : texts) {
      for (const auto& line : t) pages_with_row += line.ends_with(fmt::format("专业{}号{}", r, 100 + r));
    }
    EXPECT_EQ(pages_with_row, 1) << r;
  }
  // 合计: 80 × 100 + (1 + … + 80) = 11240, on the last page.
  EXPECT_TRUE(texts.back().count("合计11240"));
}

TEST(TableFlow, RowSpanningLabelIsRepeatedOnTheContinuation) {
  Laid l = lay_out(long_table(80));
  // 第二产业 spans rows 11–45, across the first page break.
  ASSERT_GE(l.pages.pages.size(), 3u);
  size_t pages_with_label = 0;
  for (const auto& p : l.pages.pages) pages_with_label += count(text_of(p), "第二产业");
  EXPECT_GE(pages_with_label, 2u);
  // On the continuation page the label stands in its column, left of the
  // names, centred on the rows of its span that this page holds (the first
  // row here up to 专业45号).
  const Page& second = l.pages.pages[2];
  const GlyphRun* label = nullptr;
  std::map<int, const GlyphRun*> rows;  // row number → the run of its name's 专业
  for (size_t i = 0; i < second.runs.size(); ++i) {
    std::string t = text_of_run(second.runs[i]);
    if (t == "第二产业") label = &second.runs[i];
    // A name is 专业 (CJK face), its number (Latin face), 号.
    if (t == "专业" && i + 1 < second.runs.size()) rows[std::stoi(text_of_run(second.runs[i + 1]))] = &second.runs[i];
  }
  ASSERT_TRUE(label) << text_of(second);
  ASSERT_FALSE(rows.empty());
  int first = rows.begin()->first;
  ASSERT_GT(first, 11);
  ASSERT_LE(first, 45);
  ASSERT_TRUE(rows.count(45));
  for (const auto& [n, run] : rows) EXPECT_LT(label->x, run->x) << n;
  EXPECT_NEAR(label->y, (rows[first]->y + rows[45]->y) / 2, 1.0)
      << "rows " << first << "–45 at " << rows[first]->y << "–" << rows[45]->y;
  // Not repeated further down the page.
  EXPECT_EQ(count(text_of(second), "第二产业"), 1u);
}

TEST(TableFlow, CaptionNeverStaysAloneAtThePageFoot) {
  // 29 lines of text leave room for the caption but not for the header and a row.
  std::string body;
  for (int i = 0; i < 28; ++i) body += "段落。\n\n";
  auto files = long_table(3);
  files["report.md"].insert(files["report.md"].find("```table"), body);
  Laid l = lay_out(files);
  // The caption is on one page only, the page after the paragraphs', with the header.
  ASSERT_EQ(l.pages.pages.size(), 3u);
  EXPECT_EQ(count(text_of(l.pages.pages[1]), "段落。"), 28u);
  EXPECT_EQ(count(text_of(l.pages.pages[1]), "表1 专业统计"), 0u);
  std::string t = text_of(l.pages.pages[2]);
  EXPECT_EQ(count(t, "表1 专业统计"), 1u);
  EXPECT_NE(t.find("产业类别"), std::string::npos);
}

TEST(CaseFlow, BreaksWithAnOpenFrameAndContinuedTitle) {
  std::string paragraphs;
  for (int i = 0; i < 12; ++i)
    paragraphs += "凉州区职业中专制定了学前教育、电子商务、护理等专业工作手册式教材编制计划，已经完成了《网店美工》《舞蹈》"
                  "《急救护理》等6门课程活页式、工作手册式教材的编写，并在教学中使用。\n\n";
  std::string body;
  for (int i = 0; i < 12; ++i) body += "正文段落。\n\n";
  Laid l = lay_out({{"report.md", "---\ntitle: 报告\n---\n\n" + body + "```case 教材建设\n" + paragraphs + "```\n"}});
  // Cover, then the box across two pages.
  ASSERT_EQ(l.pages.pages.size(), 3u);
  const Page& first = l.pages.pages[1];
  const Page& second = l.pages.pages[2];
  EXPECT_NE(text_of(first).find("【案例分享1】教材建设"), std::string::npos);
  EXPECT_NE(text_of(second).find("【案例分享1】教材建设（续）"), std::string::npos);
  ASSERT_EQ(first.rects.size(), 1u);
  ASSERT_EQ(second.rects.size(), 1u);
  EXPECT_TRUE(first.rects[0].top);
  EXPECT_FALSE(first.rects[0].bottom);  // open at the break
  EXPECT_FALSE(second.rects[0].top);
  EXPECT_TRUE(second.rects[0].bottom);
  // The first part reaches the foot of the type area.
  EXPECT_NEAR(first.rects[0].y, spec().margin_bottom, 0.01);
}

TEST(ContentsFlow, EntriesCarryThePageOfTheirTargetAndLinkToIt) {
  std::string body = "# 前言 {.unnumbered}\n\n序。\n\n```contents\nlists: [toc]\n```\n\n";
  for (int c = 1; c <= 3; ++c) {
    body += fmt::format("# 第{}章\n\n", c);
    for (int i = 0; i < 40; ++i) body += "正文段落。\n\n";
  }
  Laid l = lay_out({{"report.md", "---\ntitle: 报告\n---\n\n" + body}});
  // Cover, 前言 (I), 目录 (II), then the body from 1.
  const auto& pages = l.pages.pages;
  EXPECT_EQ(pages[0].style, NumberStyle::None);
  EXPECT_EQ(pages[1].style, NumberStyle::Roman);
  EXPECT_EQ(pages[1].number, 1);
  EXPECT_EQ(pages[2].number, 2);
  EXPECT_EQ(pages[3].style, NumberStyle::Arabic);
  EXPECT_EQ(pages[3].number, 1);
  const std::string toc = text_of(pages[2]);
  // 第1章 on page 1; 40 one-line paragraphs + heading: 第2章 on page 2, 第3章 on page 3.
  for (int c = 1; c <= 3; ++c) {
    const Anchor& a = l.pages.anchors.at(fmt::format("heading-{}", c + 1));
    std::string expected = fmt::format("{}. 第{}章{}", c, c, page_number_text(pages[a.page].number, pages[a.page].style));
    EXPECT_NE(toc.find(expected), std::string::npos) << expected << " in " << toc;
  }
  EXPECT_NE(toc.find("前言I"), std::string::npos);
  // One link per entry, each to an anchor that exists.
  ASSERT_EQ(pages[2].links.size(), 4u);
  for (const auto& link : pages[2].links) EXPECT_TRUE(l.pages.anchors.count(link.target)) << link.target;
  // The leaders are round dots.
  size_t dotted = 0;
  for (const auto& r : pages[2].rules) dotted += r.dot_pitch > 0;
  EXPECT_EQ(dotted, 4u);
}

TEST(HeadingFlow, AMultiLineHeadingHangsAtItsNumbersWidth) {
  std::string title;
  for (int i = 0; i < 30; ++i) title += "很长";
  Laid l = lay_out({{"report.md", "---\ntitle: 报告\n---\n\n# 章\n\n## " + title + "\n\n正文。\n"}});
  const Page& page = l.pages.pages[1];
  // The runs of the 14 pt heading: "1.1 " then its title over two lines.
  std::vector<const GlyphRun*> heading;
  for (const auto& r : page.runs)
    if (r.size == 14) heading.push_back(&r);
  ASSERT_GE(heading.size(), 3u);
  const GlyphRun* number = heading[0];
  EXPECT_EQ(number->glyphs[0].text, "1");
  double number_width = 0;
  for (const auto& g : number->glyphs) number_width += g.advance;
  // The second line starts where the title's first character started.
  const GlyphRun* first_title = heading[1];
  const GlyphRun* second_line = heading.back();
  EXPECT_LT(second_line->y, first_title->y);
  EXPECT_NEAR(first_title->x, spec().margin_left + number_width, 0.01);
  EXPECT_NEAR(second_line->x, first_title->x, 0.01);
}

TEST(ContentsFlow, ListTightensRatherThanSpillAFewLines) {
  // 28 chapters: at 24 pt the 目录 holds 26 entries under its title, so 2
  // would spill onto a page of their own; under 10% tighter, all 28 fit.
  std::string body = "# 前言 {.unnumbered}\n\n序。\n\n```contents\nlists: [toc]\n```\n\n";
  for (int c = 1; c <= 27; ++c) body += fmt::format("# 第{}章\n\n正文。\n\n", c);
  Laid l = lay_out({{"report.md", "---\ntitle: 报告\n---\n\n" + body}});
  const auto& pages = l.pages.pages;
  // Cover, 前言 (I), 目录 (II) — one page — then the body from 1.
  EXPECT_EQ(pages[3].style, NumberStyle::Arabic);
  EXPECT_EQ(pages[3].number, 1);
  EXPECT_EQ(pages[2].links.size(), 28u);
  // The entries are closer than 24 pt, but no closer than 90% of it.
  std::vector<double> ys;
  for (const auto& link : pages[2].links) ys.push_back(link.y1);
  double pitch = ys[0] - ys[1];
  EXPECT_LT(pitch, 24.0);
  EXPECT_GE(pitch, 0.9 * 24.0);
}

TEST(PageFlow, NoWidowsNorOrphans) {
  // 28 one-line paragraphs, then a 4-line paragraph: 2 lines fit; they go,
  // and 2 follow (never 1 + 3, nor 3 + 1).
  std::string body;
  for (int i = 0; i < 28; ++i) body += "段落。\n\n";
  std::string para;
  for (int i = 0; i < 140; ++i) para += "国";
  Laid l = lay_out({{"report.md", "---\ntitle: 报告\n---\n\n" + body + para + "\n\n" + para + "\n"}});
  ASSERT_GE(l.pages.pages.size(), 3u);
  const std::string page1 = text_of(l.pages.pages[1]), page2 = text_of(l.pages.pages[2]);
  // Each line holds 36 or 37 国: page 1 ends with two lines of the first long paragraph.
  size_t first_on_page1 = count(page1, "国");
  EXPECT_GE(first_on_page1, 70u);
  EXPECT_LE(first_on_page1, 76u);
}

TEST(PageFlow, FullPagesEndOnTheSameBaseline) {
  std::string body;
  for (int s = 0; s < 12; ++s) {
    body += fmt::format("## 小节{}\n\n", s);
    for (int i = 0; i < 7; ++i) body += "正文段落正文段落正文段落。\n\n";
  }
  Laid l = lay_out({{"report.md", "---\ntitle: 报告\n---\n\n# 章\n\n" + body}});
  ASSERT_GE(l.pages.pages.size(), 4u);
  // The lowest body baseline (page number excluded) of each full page.
  auto last_baseline = [&](const Page& p) {
    double y = 1e9;
    for (const auto& r : p.runs)
      if (r.y > spec().margin_bottom - 1) y = std::min(y, r.y);
    return y;
  };
  double a = last_baseline(l.pages.pages[1]), b = last_baseline(l.pages.pages[2]);
  EXPECT_NEAR(a, b, 0.01);
  // The body grid's 30th line.
  EXPECT_NEAR(a, spec().page_height - spec().margin_top - 29 * 22 - baseline_in_box(22, 12), 0.01);
}

}  // namespace
}  // namespace paiban::layout

namespace paiban::layout {
namespace {

/// The index of the first page whose text holds NEEDLE, or -1.
int page_with(const Pages& pages, const std::string& needle) {
  for (size_t i = 0; i < pages.pages.size(); ++i)
    if (text_of(pages.pages[i]).find(needle) != std::string::npos) return static_cast<int>(i);
  return -1;
}

/// FILLER one-line paragraphs, then a run of two headings, then AFTER: for
/// every amount of filler the headings go on the page where what follows
/// them starts.
void expect_headings_kept_with(const std::string& after, const std::string& first_text,
                               const std::map<std::string, std::string>& extra = {}) {
  for (int filler = 20; filler <= 34; ++filler) {
    SCOPED_TRACE(filler);
    std::string body;
    for (int i = 0; i < filler; ++i) body += "段落。\n\n";
    std::map<std::string, std::string> files = extra;
    files["report.md"] = "---\ntitle: 报告\n" + std::string(extra.empty() ? "" : "data: [data.yaml]\n") + "---\n\n" +
                         body + "# 第一章\n\n## 第一节\n\n" + after;
    Laid l = lay_out(files);
    int chapter = page_with(l.pages, "第一章"), section = page_with(l.pages, "第一节");
    int follows = page_with(l.pages, first_text);
    ASSERT_GE(chapter, 0);
    EXPECT_EQ(chapter, section);
    EXPECT_EQ(section, follows);
  }
}

TEST(HeadingFlow, KeepsWithTheFirstLinesOfAParagraph) {
  // Three lines: two at the foot would leave the third alone on the next
  // page, so all three go together, and the headings with them.
  std::string three;
  for (int i = 0; i < 18; ++i) three += "长段落文字";
  expect_headings_kept_with(three + "\n", "长段落");
  std::string six;
  for (int i = 0; i < 40; ++i) six += "长段落文字";
  expect_headings_kept_with(six + "\n", "长段落");
}

TEST(HeadingFlow, KeepsWithAShortTableKeptWhole) {
  auto files = long_table(4);
  std::string table = files["report.md"].substr(files["report.md"].find("```table"));
  files.erase("report.md");
  expect_headings_kept_with(table, "表1 专业统计", files);
}

TEST(HeadingFlow, KeepsWithTheTopOfABox) {
  std::string paragraphs;
  for (int i = 0; i < 3; ++i)
    paragraphs += "凉州区职业中专制定了学前教育、电子商务、护理等专业工作手册式教材编制计划，已经完成了《网店美工》《舞蹈》"
                  "《急救护理》等6门课程活页式、工作手册式教材的编写，并在教学中使用。\n\n";
  expect_headings_kept_with("```case 教材建设\n" + paragraphs + "```\n", "教材建设");
}

}  // namespace
}  // namespace paiban::layout

#include <unicode/ubrk.h>

namespace paiban::layout {
namespace {

/// ICU's word boundaries for Chinese (its dictionary), as byte offsets.
std::set<size_t> icu_words(const std::string& text) {
  std::set<size_t> out;
  UErrorCode status = U_ZERO_ERROR;
  UBreakIterator* bi = ubrk_open(UBRK_WORD, "zh", nullptr, 0, &status);
  UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  ubrk_setUText(bi, ut, &status);
  for (int32_t b = ubrk_first(bi); b != UBRK_DONE; b = ubrk_next(bi)) out.insert(static_cast<size_t>(b));
  utext_close(ut);
  ubrk_close(bi);
  return out;
}

/// The lines of a composed cell, as text.
std::vector<std::string> cell_lines(const TextBlock& t) {
  std::vector<std::string> out;
  for (const auto& l : t.lines) {
    std::string s;
    for (size_t g = l.glyph_begin; g < l.glyph_end; ++g)
      if (t.shaped.glyphs[g].first_in_cluster)
        s += t.shaped.text.substr(t.shaped.glyphs[g].cluster, t.shaped.glyphs[g].cluster_end - t.shaped.glyphs[g].cluster);
    out.push_back(s);
  }
  return out;
}

TEST(WideTable, TwelveIndicatorColumnsKeepNamesToThreeLinesAndHeaderWordsWhole) {
  const char* names[] = {"河西市第一职业技术学校", "凉州区职业中等专业学校", "武威信息工程职业学校", "武威生物制药技术学校",
                         "凉州兴宇职业技术学校",   "武威科技中等专业学校",   "凉州区万荣艺术学校",   "甘肃省理工中等专业学校",
                         "武威市体育运动学校",     "武威师范学校",           "民勤县职业中等专业学校", "古浪县职业教育中心"};
  std::string csv = "name,a,b,c,d,e,f,g,h,i,j,k\n";
  for (int r = 0; r < 12; ++r)
    csv += fmt::format("{},{},{},{},{}.{},{},{}.{}%,{}.{}%,{},{}.{},{},{}\n", names[r], 1200 + 37 * r, 96 + r, 58 + r,
                       12 + r % 5, r, 31 + r, 60 + r, r, 90 + r % 9, r, 300 + r, 1 + r % 4, r, 40 + r, 7 + r);
  std::string md =
      "---\ntitle: 报告\ndata: [data.yaml]\n---\n\n```table\nid: tab-i\ncaption: 各校办学指标\nrows: schools\n"
      "header:\n  - [学校名称, 在校生数, 专任教师数, 双师型教师数, 生师比, 实训工位数, 升学率, 就业率, 生均仪器设备值, "
      "生均图书, 专业数, 合作企业数]\n"
      "columns:\n  - {value: name}\n";
  for (char k = 'a'; k <= 'k'; ++k) md += fmt::format("  - {{value: {}}}\n", k);
  md += "```\n";
  Laid l = lay_out({{"report.md", md}, {"data.yaml", "schools: {csv: s.csv}\n"}, {"s.csv", csv}});
  const doc::Table& table = *l.fixture->document.blocks[0].table;
  DiagnosticSink sink;
  TableLayout t = prepare_table(table, spec(), testing::default_fonts(), sink);
  EXPECT_LE(t.width(), spec().type_width() + 0.01);
  for (size_t i = 0; i < table.body.size(); ++i) {
    const auto lines = cell_lines(t.body_text[i]);
    if (table.body[i].column == 0) EXPECT_LE(lines.size(), 3u) << table.body[i].text;
    else EXPECT_EQ(lines.size(), 1u) << table.body[i].text;  // numbers are not broken
  }
  // A header label breaks only between ICU's words: 生均 / 仪器 / 设备值, not 生均仪 / 器设备值.
  for (size_t i = 0; i < table.header.size(); ++i) {
    const auto lines = cell_lines(t.header_text[i]);
    std::set<size_t> words = icu_words(table.header[i].text);
    size_t at = 0;
    for (size_t k = 0; k + 1 < lines.size(); ++k) {
      at += lines[k].size();
      EXPECT_TRUE(words.count(at)) << table.header[i].text << " breaks after " << lines[k];
    }
  }
  // The twelve rows and the header on the table's page: one page after the cover.
  EXPECT_EQ(l.pages.pages.size(), 2u);
}

}  // namespace
}  // namespace paiban::layout

namespace paiban::layout {
namespace {

/// Where each number of a page is set: for a run holding a number, the pen
/// x of its decimal point (or of its % sign, or of its end, when it has none).
std::map<std::string, double> point_x(const Page& page) {
  std::map<std::string, double> out;
  for (const auto& r : page.runs) {
    std::string t = text_of_run(r);
    if (t.empty() || !(std::isdigit(static_cast<unsigned char>(t[0])))) continue;
    double x = r.x, point = -1, percent = -1;
    for (const auto& g : r.glyphs) {
      if (g.text == "." && point < 0) point = x;
      if (g.text == "%") percent = x;
      x += g.advance;
    }
    out[t] = point >= 0 ? point : percent >= 0 ? percent : x;
  }
  return out;
}

TEST(TableNumbers, AlignOnTheDecimalPointAndYearsAreText) {
  std::string csv = "year,area,share\n2021年,590860.6,97.9%\n2022年,663538.41,100%\n2023年,12,5.25%\n2024年,7.5,12.5%\n";
  Laid l = lay_out({{"report.md", "---\ntitle: 报告\ndata: [data.yaml]\n---\n\n```table\nid: tab-n\ncaption: 面积\n"
                                  "rows: r\nheader:\n  - [年份, 面积, 占比]\ncolumns:\n  - {value: year}\n"
                                  "  - {value: area}\n  - {value: share}\n```\n"},
                    {"data.yaml", "r: {csv: r.csv}\n"},
                    {"r.csv", csv}});
  ASSERT_EQ(l.pages.pages.size(), 2u);
  auto x = point_x(l.pages.pages[1]);
  for (const char* n : {"590860.6", "663538.41", "12", "7.5", "97.9%", "100%", "5.25%", "12.5%"})
    ASSERT_TRUE(x.count(n)) << n;
  // The points of a column in one place; an integer's after its last digit,
  // a percentage without one before its %.
  EXPECT_NEAR(x["663538.41"], x["590860.6"], 0.01);
  EXPECT_NEAR(x["12"], x["590860.6"], 0.01);
  EXPECT_NEAR(x["7.5"], x["590860.6"], 0.01);
  EXPECT_NEAR(x["100%"], x["97.9%"], 0.01);
  EXPECT_NEAR(x["5.25%"], x["97.9%"], 0.01);
  EXPECT_NEAR(x["12.5%"], x["97.9%"], 0.01);
  // 2021年 is text: the year labels keep their own alignment, all alike.
  std::vector<double> years;
  for (const auto& r : l.pages.pages[1].runs)
    if (text_of_run(r).starts_with("20")) years.push_back(r.x);
  ASSERT_EQ(years.size(), 4u);
  for (double y : years) EXPECT_NEAR(y, years[0], 0.01);
}

}  // namespace
}  // namespace paiban::layout

namespace paiban::layout {
namespace {

/// A page's lines (runs on one baseline, left to right): text, left and right edges.
struct SetLine {
  std::string text;
  double x0 = 1e9, x1 = -1e9;
};
std::vector<SetLine> set_lines(const Page& page) {
  std::map<long, SetLine> by_baseline;
  std::map<long, std::vector<std::pair<double, std::string>>> parts;
  for (const auto& r : page.runs) {
    long y = -std::lround(r.y * 100);
    SetLine& l = by_baseline[y];
    double x = r.x;
    for (const auto& g : r.glyphs) x += g.advance;
    l.x0 = std::min(l.x0, r.x);
    l.x1 = std::max(l.x1, x);
    parts[y].push_back({r.x, text_of_run(r)});
  }
  std::vector<SetLine> out;
  for (auto& [y, l] : by_baseline) {
    std::sort(parts[y].begin(), parts[y].end());
    for (const auto& [x, t] : parts[y]) l.text += t;
    out.push_back(l);
  }
  return out;
}

TEST(Balanced, TheCoverTitleBreaksIntoLinesOfNearEqualLengthBetweenWords) {
  Laid l = lay_out({{"report.md", "---\ntitle: 凉州区中等职业教育质量年度报告（2023年）\n---\n\n正文。\n"}});
  auto lines = set_lines(l.pages.pages[0]);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[0].text, "凉州区中等职业教育");
  EXPECT_EQ(lines[1].text, "质量年度报告（2023年）");
  const double em = spec().cover.title.size;
  double w0 = lines[0].x1 - lines[0].x0, w1 = lines[1].x1 - lines[1].x0;
  // 9 em and 11 em, where breaking for the widest first line would give 13 and 7.
  EXPECT_NEAR(w0, 9 * em, 0.01);
  EXPECT_LE(std::abs(w1 - w0), 2.1 * em);
  // Both centred on the type area.
  const double middle = spec().margin_left + spec().type_width() / 2;
  EXPECT_NEAR((lines[0].x0 + lines[0].x1) / 2, middle, 0.01);
  EXPECT_NEAR((lines[1].x0 + lines[1].x1) / 2, middle, 0.5 * em);
}

TEST(Balanced, ACaptionOfTwoLinesToo) {
  auto files = long_table(3);
  const std::string caption = "凉州区各中等职业学校二〇二二年各专业大类在校学生人数与招生人数及专业点数和毕业生就业情况统计";
  files["report.md"].replace(files["report.md"].find("专业统计"), std::string("专业统计").size(), caption);
  Laid l = lay_out(files);
  std::vector<SetLine> caption_lines;
  for (const auto& line : set_lines(l.pages.pages[1]))
    if (line.text.find("表1") == 0 || (!caption_lines.empty() && caption_lines.size() < 2)) caption_lines.push_back(line);
  ASSERT_EQ(caption_lines.size(), 2u);
  double w0 = caption_lines[0].x1 - caption_lines[0].x0, w1 = caption_lines[1].x1 - caption_lines[1].x0;
  EXPECT_LE(std::abs(w1 - w0), 2 * spec().table.caption.size) << caption_lines[0].text << " / " << caption_lines[1].text << " " << w0 << " " << w1;
}

}  // namespace
}  // namespace paiban::layout

namespace paiban::layout {
namespace {

TEST(ContentsFlow, OnlyANumberHangsNotTheFirstWordOfAnUnnumberedTitle) {
  const std::string long_title = "凉州区各中等职业学校各专业大类在校学生人数与招生人数及专业点数和毕业生就业情况说明";
  Laid l = lay_out({{"report.md", "---\ntitle: 报告\n---\n\n```contents\nlists: [toc]\n```\n\n# 基本情况\n\n## " + long_title +
                                      "\n\n段落。\n\n## 附录 " + long_title + " {.unnumbered}\n\n段落。\n"}});
  const Page* contents = nullptr;
  for (const auto& p : l.pages.pages)
    if (text_of(p).find("目录") != std::string::npos) contents = &p;
  ASSERT_TRUE(contents);
  auto lines = set_lines(*contents);
  auto entry = [&](const std::string& start) -> std::pair<const SetLine*, const SetLine*> {
    for (size_t i = 0; i + 1 < lines.size(); ++i)
      if (lines[i].text.starts_with(start)) return {&lines[i], &lines[i + 1]};
    return {nullptr, nullptr};
  };
  auto [numbered, numbered_next] = entry("1.1");
  auto [appendix, appendix_next] = entry("附录");
  ASSERT_TRUE(numbered && appendix);
  // 1.1's title runs on under its first character, past the number …
  EXPECT_GT(numbered_next->x0, numbered->x0 + 12);
  // … an unnumbered title's under its first character, the entry's start.
  EXPECT_NEAR(appendix_next->x0, appendix->x0, 0.01) << appendix->text << " / " << appendix_next->text;
}

TEST(PageFlow, ALongDocumentsBlocksKeepTheirOrderAndTheirDiagnosticsTheirs) {
  // Long enough that its blocks are prepared on two threads: each paragraph still lands in
  // its own place, and the errors come in source order, as if one thread had prepared them.
  std::string body;
  const std::vector<int> missing = {3, 97, 151, 240};  // paragraphs with a character no font has
  for (int i = 1; i <= 240; ++i) {
    body += fmt::format("第{}段：学校全日制在校学生人数稳步增长，专业设置对接区域产业需求。", i);
    if (std::find(missing.begin(), missing.end(), i) != missing.end()) body += "\uE000";
    body += "\n\n";
  }
  testing::ReportFixture f({{"report.md", "---\ntitle: 报告\n---\n\n" + body}});
  ASSERT_EQ(f.diagnostics(), "");
  Pages pages = paginate(f.document, spec(), testing::default_fonts(), f.sink);
  std::string all;
  for (const auto& p : pages.pages) all += text_of(p);
  size_t at = 0;
  for (int i = 1; i <= 240; ++i) {
    size_t found = all.find(fmt::format("第{}段：", i), at);
    ASSERT_NE(found, std::string::npos) << "paragraph " << i << " is missing or out of order";
    at = found;
  }
  std::vector<int> lines;
  for (const auto& d : f.sink.all())
    if (d.severity == Severity::Error) lines.push_back(d.span.line);
  // Front matter: 3 lines and a blank one; paragraph i is on line 5 + 2 (i - 1).
  std::vector<int> expected;
  for (int i : missing) expected.push_back(5 + 2 * (i - 1));
  EXPECT_EQ(lines, expected) << f.diagnostics();
}

TEST(PageFlow, EveryGlyphAPageDrawsIsAmongThoseAnnouncedBeforePlacing) {
  // The fonts are subset from the glyphs announced once the text is shaped, beside
  // pagination; a glyph drawn but not announced makes the face be subset a second time.
  // Each construct's text below uses characters of its own.
  std::string body = "```contents\nlists: [toc, tables, cases]\n```\n\n# 概况\n\n正文甲乙丙[^n]。\n\n"
                     "[^n]: 注释丁戊己。\n\n"
                     "| 项目 | 人数 |\n|---|---:|\n| 庚辛 | 12 |\n\n"
                     "{#tab-a caption=\"壬癸表\" unit=\"人\" note=\"数据来源：子丑寅卯÷辰巳＝午。\"}\n\n"
                     "```case 未申酉 {#case-a}\n戌亥案例正文。\n```\n";
  std::map<fonts::FaceId, std::set<unsigned>> announced;
  testing::ReportFixture f({{"report.md", "---\ntitle: 天地玄黄报告\nissuer: 宇宙洪荒局\ndate: 2024年1月\n---\n\n" + body}});
  ASSERT_EQ(f.diagnostics(), "");
  Pages pages = paginate(f.document, spec(), testing::default_fonts(), f.sink,
                         [&](const GlyphSets& g) { announced = {g.begin(), g.end()}; });
  ASSERT_FALSE(announced.empty());
  std::string drawn;
  size_t glyphs = 0;
  for (const auto& page : pages.pages)
    for (const auto& r : page.runs)
      for (const auto& g : r.glyphs) {
        ++glyphs;
        drawn += g.text;
        EXPECT_TRUE(announced[testing::default_fonts().face(r.face).base].count(g.gid))
            << "\"" << g.text << "\" (glyph " << g.gid << ") is drawn but was not announced";
      }
  for (const char* word : {"午", "壬癸表", "注释丁戊己", "戌亥", "天地玄黄报告"})
    EXPECT_NE(drawn.find(word), std::string::npos) << word;
  EXPECT_GT(glyphs, 100u);
}

}  // namespace
}  // namespace paiban::layout
