#include <gtest/gtest.h>

#include <algorithm>

#include "layout/layout_spec.h"
#include "layout/paginate.h"
#include "source/parse.h"
#include "support/default_fonts.h"
#include "support/no_data.h"
#include "support/test_support.h"

namespace paiban::layout {
namespace {

TEST(ParseLength, Units) {
  EXPECT_DOUBLE_EQ(*parse_length("12pt"), 12.0);
  EXPECT_DOUBLE_EQ(*parse_length("25.4mm"), 72.0);
  EXPECT_DOUBLE_EQ(*parse_length("2.54cm"), 72.0);
  EXPECT_DOUBLE_EQ(*parse_length("1in"), 72.0);
  EXPECT_FALSE(parse_length("12"));
  EXPECT_FALSE(parse_length("12px"));
  EXPECT_FALSE(parse_length("pt"));
}

TEST(ParseLength, ChineseTypeSizes) {
  struct Case {
    const char* name;
    double pt;
  } cases[] = {{"初号", 42}, {"小初", 36}, {"一号", 26}, {"小一", 24}, {"二号", 22}, {"小二", 18},
               {"三号", 16}, {"小三", 15}, {"四号", 14}, {"小四", 12}, {"五号", 10.5}, {"小五", 9},
               {"六号", 7.5}, {"小六", 6.5}, {"七号", 5.5}, {"八号", 5}};
  for (const auto& c : cases) EXPECT_EQ(parse_length(c.name), std::optional<double>(c.pt)) << c.name;
  EXPECT_FALSE(parse_length("九号"));
}

TEST(LoadLayout, DefaultLayoutIsA4WithTheReportsMargins) {
  DiagnosticSink sink;
  auto spec = load_layout(testing::source_dir() + "/layouts/report.yaml", sink);
  ASSERT_TRUE(spec) << sink.format_all();
  EXPECT_NEAR(spec->page_width, 595.276, 0.001);
  EXPECT_NEAR(spec->page_height, 841.89, 0.001);
  EXPECT_NEAR(spec->type_width(), (210 - 28 - 26) * 72 / 25.4, 1e-9);
  EXPECT_EQ(spec->body.role, "song");
  EXPECT_DOUBLE_EQ(spec->body.size, 12);
  EXPECT_DOUBLE_EQ(spec->body.line_height, 22);
  EXPECT_EQ(spec->headings[0].text.role, "hei-bold");
  EXPECT_DOUBLE_EQ(spec->headings[0].text.size, 16);
}

TEST(LoadLayout, TheGbt9704NoticeMeasuresAreTheStandards) {
  DiagnosticSink sink;
  auto spec = load_layout(testing::source_dir() + "/layouts/gbt9704.yaml", sink);
  ASSERT_TRUE(spec) << sink.format_all();
  const double mm = 72 / 25.4;
  EXPECT_EQ(spec->document, DocumentKind::Report);  // a notice by its front matter
  EXPECT_NEAR(spec->notice.mark_top, 35 * mm, 1e-9);
  EXPECT_NEAR(spec->notice.rule_gap, 4 * mm, 1e-9);
  EXPECT_NEAR(spec->notice.thick_rule, 0.35 * mm, 1e-9);
  EXPECT_NEAR(spec->notice.thin_rule, 0.25 * mm, 1e-9);
  EXPECT_EQ(spec->notice.title.role, "xiaobiaosong");
  EXPECT_DOUBLE_EQ(spec->notice.title.size, 22);
  EXPECT_DOUBLE_EQ(spec->notice.foot.size, 14);
  EXPECT_EQ(spec->notice.red, (Color{1, 0, 0}));
}

TEST(LoadLayout, ALayoutMayMakeEveryDocumentANotice) {
  testing::TempDir dir;
  DiagnosticSink sink;
  auto spec = load_layout(dir.write("n.yaml", "body: {role: song}\ndocument: notice\n"), sink);
  ASSERT_TRUE(spec) << sink.format_all();
  EXPECT_EQ(spec->document, DocumentKind::Notice);
  auto roles = roles_used(*spec);
  EXPECT_NE(std::find(roles.begin(), roles.end(), "xiaobiaosong"), roles.end());
  DiagnosticSink bad;
  std::string path = dir.write("b.yaml", "body: {role: song}\ndocument: letter\n");
  EXPECT_FALSE(load_layout(path, bad));
  EXPECT_EQ(bad.format_all(), path + ":2:11: error: unknown document kind \"letter\"\n"
                              "  hint: report (cover, contents, body) or notice (a GB/T 9704 公文: 版头, 主体, 版记)\n");
}

TEST(LoadLayout, UnknownKeyAndBadLengthAreErrorsAtTheirPosition) {
  testing::TempDir dir;
  std::string path = dir.write("bad.yaml", "page:\n  widht: 210mm\nbody:\n  role: song\n  size: 12\n");
  DiagnosticSink sink;
  EXPECT_FALSE(load_layout(path, sink));
  EXPECT_EQ(sink.format_all(),
            path + ":2:3: error: page: unknown key \"widht\"\n"
                   "  hint: known keys: height, margin-bottom, margin-left, margin-right, margin-top, width\n" +
                path + ":5:9: error: expected a length, got \"12\"\n"
                       "  hint: write a number with a unit (12pt, 25mm, 1.5cm, 1in) or a 号 size (三号, 小四)\n");
}

class Paginate : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    DiagnosticSink sink;
    spec_ = new LayoutSpec(*load_layout(testing::source_dir() + "/layouts/report.yaml", sink));
  }
  static void TearDownTestSuite() { delete spec_; }
  Pages lay_out(const std::string& body) {
    DiagnosticSink sink;
    auto tree = source::parse_source(TextFile("r.md", "---\ntitle: 测试报告\n---\n" + body), sink);
    auto doc = doc::build_document(*tree, testing::no_data(), sink);
    doc.meta.title.clear();  // no title block, no running header
    Pages pages = paginate(doc, *spec_, *fonts_, sink);
    EXPECT_EQ(sink.format_all(), "");
    return pages;
  }
  const fonts::FontSet* fonts_ = &testing::default_fonts();
  static LayoutSpec* spec_;
};
LayoutSpec* Paginate::spec_ = nullptr;

/// Body-text runs on a page (the page number excluded), grouped by baseline.
std::vector<double> baselines(const Page& page, double min_y) {
  std::vector<double> ys;
  for (const auto& r : page.runs)
    if (r.y > min_y && (ys.empty() || ys.back() != r.y)) ys.push_back(r.y);
  return ys;
}

TEST_F(Paginate, LinesFillThePageThenFlowOn) {
  // The type area is 239 mm = 677.48 pt: 30 lines of 22 pt.
  // 40 paragraphs of one line each: 30 on page 1, 10 on page 2.
  std::string body;
  for (int i = 0; i < 40; ++i) body += "第" + std::to_string(i) + "段。\n\n";
  Pages pages = lay_out(body);
  ASSERT_EQ(pages.pages.size(), 2u);
  double min_y = spec_->margin_bottom;
  auto first = baselines(pages.pages[0], min_y);
  ASSERT_EQ(first.size(), 30u);
  // First baseline: top margin + (22 - 12) / 2 + 0.88 × 12 from the top.
  EXPECT_NEAR(first[0], (297 - 30) * 72 / 25.4 - 5 - 10.56, 1e-6);
  EXPECT_NEAR(first[0] - first[1], 22.0, 1e-9);
  EXPECT_EQ(baselines(pages.pages[1], min_y).size(), 10u);
  EXPECT_EQ(pages.pages[1].number, 2);
}

TEST_F(Paginate, ParagraphIsIndentedTwoEm) {
  Pages pages = lay_out("凉州辖区内现有中等职业学校9所。\n");
  const GlyphRun& run = pages.pages[0].runs[0];
  EXPECT_NEAR(run.x, spec_->margin_left + 24.0, 1e-9);
  EXPECT_EQ(run.glyphs[0].text, "凉");
}

TEST_F(Paginate, ContinuationParagraphIsNotIndented) {
  Pages pages = lay_out("续前文。 {.continue}\n");
  EXPECT_NEAR(pages.pages[0].runs[0].x, spec_->margin_left, 1e-9);
}

TEST_F(Paginate, JustifiedLinesEndAtTheRightMargin) {
  std::string s;
  for (int i = 0; i < 100; ++i) s += "国";
  Pages pages = lay_out(s + "\n");
  const Page& page = pages.pages[0];
  // The first line: one run; its pen ends exactly at the measure's end.
  const GlyphRun& run = page.runs[0];
  double end = run.x;
  for (const auto& g : run.glyphs) end += g.advance;
  double last_advance = run.glyphs.back().advance;
  EXPECT_NEAR(end, spec_->page_width - spec_->margin_right, 1e-6);
  EXPECT_NEAR(last_advance, 12.0, 1e-9);  // no stretch after the last glyph
}

TEST_F(Paginate, HeadingKeepsWithTheNextTwoLines) {
  // 29 one-line paragraphs leave one line free: the heading moves to page 2.
  std::string body;
  for (int i = 0; i < 29; ++i) body += "段落。\n\n";
  Pages pages = lay_out(body + "# 标题\n\n正文一行。\n");
  ASSERT_EQ(pages.pages.size(), 2u);
  const auto& runs = pages.pages[1].runs;
  ASSERT_FALSE(runs.empty());
  EXPECT_EQ(runs[0].glyphs[0].text, "1");  // "1. 标题" heads page 2
  EXPECT_EQ(runs[0].size, 16.0);
}

TEST_F(Paginate, EveryPageGetsItsNumber) {
  std::string body;
  for (int i = 0; i < 70; ++i) body += "段落。\n\n";
  Pages pages = lay_out(body);
  ASSERT_EQ(pages.pages.size(), 3u);
  const GlyphRun& number = pages.pages[2].runs.back();
  EXPECT_EQ(number.glyphs[0].text, "3");
  EXPECT_NEAR(number.y, spec_->margin_bottom - spec_->footer_offset, 1e-9);
}

TEST_F(Paginate, ThePageLimitIsAnErrorAtTheBlockThatPassesIt) {
  // 70 one-line paragraphs make three pages; a limit of two stops at the
  // paragraph that would open the third (line 4 + 2 × 60 = 124: the 61st).
  std::string body;
  for (int i = 0; i < 70; ++i) body += "段落。\n\n";
  LayoutSpec limited = *spec_;
  limited.max_pages = 2;
  DiagnosticSink sink;
  auto tree = source::parse_source(TextFile("r.md", "---\ntitle: 测试报告\n---\n" + body), sink);
  auto doc = doc::build_document(*tree, testing::no_data(), sink);
  doc.meta.title.clear();
  paginate(doc, limited, *fonts_, sink);
  EXPECT_EQ(sink.format_all().substr(0, sink.format_all().find(": error")), "r.md:124:1");
  EXPECT_NE(sink.format_all().find(": error: the document runs to more than 2 pages\n"), std::string::npos)
      << sink.format_all();
}

}  // namespace
}  // namespace paiban::layout
