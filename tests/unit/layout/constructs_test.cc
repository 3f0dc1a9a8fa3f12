// The Markdown constructs on the page: struck text, links, footnotes, block
// quotes, rules, hard breaks, aligned paragraphs and pipe tables, each
// asserted by positions in pt against layouts/report.yaml (A4; margins 30 mm
// top, 28 bottom, 28 left, 26 right; 小四 body on 22 pt, 2 em indent) and the
// font's own advances.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "layout/paginate.h"
#include "layout/prepare.h"
#include "support/default_fonts.h"
#include "support/report_fixture.h"

namespace paiban::layout {
namespace {

constexpr double kMm = 72 / 25.4;
constexpr double kLeft = 28 * kMm, kRight = 595.276 - 26 * kMm, kBottom = 28 * kMm, kTop = 841.89 - 30 * kMm;

/// The rules inside the type area (not the running header's).
std::vector<Rule> body_rules(const Page& page) {
  std::vector<Rule> out;
  for (const auto& r : page.rules)
    if (r.y0 < kTop + 0.01) out.push_back(r);
  return out;
}

LayoutSpec report_spec() {
  DiagnosticSink sink;
  return *load_layout(testing::source_dir() + "/layouts/report.yaml", sink);
}

struct Laid {
  std::unique_ptr<testing::ReportFixture> fixture;
  Pages pages;
};

Laid lay_out(const std::string& body, const LayoutSpec& spec = report_spec()) {
  Laid l;
  // No cover: the first page is the body's.
  l.fixture = std::make_unique<testing::ReportFixture>(std::map<std::string, std::string>{
      {"report.md", "---\ntitle: 测试\n---\n" + body}});
  EXPECT_EQ(l.fixture->diagnostics(), "");
  LayoutSpec s = spec;
  s.cover_page = false;
  l.pages = paginate(l.fixture->document, s, testing::default_fonts(), l.fixture->sink);
  return l;
}

/// A glyph as placed: its pen position, advance and baseline.
struct Placed {
  double x = 0, advance = 0, y = 0, size = 0;
  std::string text;
  Color color;
};

std::vector<Placed> placed(const Page& page) {
  std::vector<Placed> out;
  for (const auto& r : page.runs) {
    double x = r.x;
    for (const auto& g : r.glyphs) {
      out.push_back({x, g.advance, r.y, r.size, g.text, r.color});
      x += g.advance;
    }
  }
  return out;
}

/// The first glyph standing for TEXT (one character) at or after FROM.
const Placed* find(const std::vector<Placed>& glyphs, const std::string& text, size_t from = 0) {
  for (size_t i = from; i < glyphs.size(); ++i)
    if (glyphs[i].text == text) return &glyphs[i];
  return nullptr;
}

/// A face's own advance for a character at SIZE (not the engine's tables).
double advance_of(const std::string& text, const std::string& role, double size) {
  DiagnosticSink quiet;
  auto shaped = text::shape_paragraph({{text, role, size, {}}}, testing::default_fonts(), quiet);
  double w = 0;
  for (const auto& g : shaped.glyphs) w += g.advance;
  return w;
}

TEST(Constructs, StrikethroughIsALineThroughExactlyTheStruckGlyphs) {
  Laid l = lay_out("甲~~删除~~乙\n");
  ASSERT_EQ(l.pages.pages.size(), 1u);
  auto g = placed(l.pages.pages[0]);
  const Placed* del = find(g, "删");
  const Placed* after = find(g, "乙");
  ASSERT_TRUE(del && after);
  auto rules = body_rules(l.pages.pages[0]);
  ASSERT_EQ(rules.size(), 1u);
  const Rule& strike = rules[0];
  EXPECT_NEAR(strike.x0, del->x, 0.01);
  EXPECT_NEAR(strike.x1, after->x, 0.01);  // 删除 end where 乙 starts
  EXPECT_NEAR(strike.y0, del->y + 0.3 * 12, 0.01);
  EXPECT_EQ(strike.y0, strike.y1);
}

TEST(Constructs, LinkIsAUriAreaOverItsTextInTheLinkColour) {
  Laid l = lay_out("请访问[教育部网站](https://www.moe.gov.cn/)查询。\n");
  const Page& page = l.pages.pages.at(0);
  auto g = placed(page);
  const Placed* first = find(g, "教");
  const Placed* next = find(g, "查");
  ASSERT_TRUE(first && next);
  ASSERT_EQ(page.links.size(), 1u);
  EXPECT_EQ(page.links[0].uri, "https://www.moe.gov.cn/");
  EXPECT_NEAR(page.links[0].x0, first->x, 0.01);
  EXPECT_NEAR(page.links[0].x1, next->x, 0.01);
  EXPECT_LT(page.links[0].y0, first->y);
  EXPECT_GT(page.links[0].y1, first->y + 0.8 * 12);
  EXPECT_EQ(first->color, (Color{0, 0.2, 0.6}));  // links: color of the layout
  EXPECT_EQ(find(g, "请")->color, (Color{}));
}

TEST(Constructs, FootnoteAtTheFootOfItsPageUnderAShortRule) {
  Laid l = lay_out("正文有一个注释[^a]。\n\n[^a]: 数据来源：学校财务处。\n");
  ASSERT_EQ(l.pages.pages.size(), 1u);
  const Page& page = l.pages.pages[0];
  auto g = placed(page);
  const Placed* mark = find(g, "①");
  ASSERT_TRUE(mark);
  const Placed* body = find(g, "正");
  // The mark in the text: raised 0.45 em, at 0.6 of the text size.
  EXPECT_NEAR(mark->y, body->y + 0.45 * 12, 0.01);
  EXPECT_NEAR(mark->size, 0.6 * 12, 0.01);
  // The note: its own mark ① then its text, 9 pt on 14 pt, its line at the type area's foot.
  const Placed* note_mark = find(g, "①", (mark - g.data()) + 1);
  ASSERT_TRUE(note_mark);
  EXPECT_NEAR(note_mark->size, 9, 0.01);
  EXPECT_NEAR(note_mark->x, kLeft, 0.01);
  EXPECT_NEAR(note_mark->y, kBottom + 14 - baseline_in_box(14, 9), 0.01);
  const Placed* note_text = find(g, "数");
  ASSERT_TRUE(note_text);
  EXPECT_NEAR(note_text->y, note_mark->y, 0.01);
  EXPECT_NEAR(note_text->x, kLeft + advance_of("①", "song", 9), 0.01);
  // The rule: a quarter of the measure, 6 pt above the notes.
  auto rules = body_rules(page);
  ASSERT_EQ(rules.size(), 1u);
  const Rule& rule = rules[0];
  EXPECT_NEAR(rule.x0, kLeft, 0.01);
  EXPECT_NEAR(rule.x1 - rule.x0, (kRight - kLeft) / 4, 0.01);
  EXPECT_NEAR(rule.y0, kBottom + 14 + 6, 0.01);
}

TEST(Constructs, FootnoteMarksRestartOnEveryPageAndFollowTheLayout) {
  std::string body = "第一页的注释[^a]和[^b]。\n\n{.pagebreak}\n\n第二页的注释[^c]。\n\n"
                     "[^a]: 甲。\n[^b]: 乙。\n[^c]: 丙。\n";
  Laid l = lay_out(body);
  ASSERT_EQ(l.pages.pages.size(), 2u);
  auto g1 = placed(l.pages.pages[0]), g2 = placed(l.pages.pages[1]);
  EXPECT_TRUE(find(g1, "①") && find(g1, "②"));
  EXPECT_TRUE(find(g2, "①"));  // ③ restarts as ① on the new page
  EXPECT_FALSE(find(g2, "③"));
  LayoutSpec continuous = report_spec();
  continuous.footnotes.numbering = FootnoteNumbering::Document;
  Laid c = lay_out(body, continuous);
  auto c2 = placed(c.pages.pages.at(1));
  EXPECT_TRUE(find(c2, "③"));
  EXPECT_FALSE(find(c2, "①"));
}

TEST(Constructs, BodyShrinksToMakeRoomForTheNotes) {
  std::string text;
  for (int i = 0; i < 120; ++i) text += "职业教育质量年度报告编制工作。";
  Laid l = lay_out("开头[^a]" + text + "\n\n[^a]: " + std::string(300, 'x') + "\n");
  ASSERT_GE(l.pages.pages.size(), 2u);
  const Page& page = l.pages.pages[0];
  auto rules = body_rules(page);
  ASSERT_EQ(rules.size(), 1u);
  const Rule& rule = rules[0];
  double lowest_body = kTop;
  for (const auto& p : placed(page))
    if (p.size == 12) lowest_body = std::min(lowest_body, p.y);
  EXPECT_GT(lowest_body - 0.12 * 12, rule.y0);  // the body's last line stays above the rule
  EXPECT_LT(lowest_body, rule.y0 + 2 * 22);     // … and the page is otherwise full
}

TEST(Constructs, ANoteTooLongForItsPageContinuesOnTheNext) {
  std::string note;
  for (int i = 0; i < 60; ++i) note += "这是一条很长的注释，用来检验脚注跨页接排。";
  Laid l = lay_out("正文[^long]。\n\n{.pagebreak}\n\n下一页。\n\n[^long]: " + note + "\n");
  ASSERT_EQ(l.pages.pages.size(), 2u);
  auto note_lines = [&](const Page& page) {
    std::set<long> baselines;
    for (const auto& p : placed(page))
      if (std::abs(p.size - 9) < 0.01 && p.y < kTop) baselines.insert(std::lround(p.y * 100));  // (not the header)
    return baselines.size();
  };
  size_t first = note_lines(l.pages.pages[0]), second = note_lines(l.pages.pages[1]);
  const double half = (kTop - kBottom) / 2;
  EXPECT_EQ(first, static_cast<size_t>(std::floor(half / 14)));  // half the type area, in 14 pt lines
  EXPECT_GT(second, 0u);
  // Every line of the note is set once: the two parts add up to the note composed whole.
  std::string whole = "①" + note;
  std::string set;
  for (const auto& page : l.pages.pages)
    for (const auto& p : placed(page))
      if (std::abs(p.size - 9) < 0.01 && p.y < kTop) set += p.text;
  EXPECT_TRUE(set == whole) << set.size() << " bytes set of " << whole.size();
  // The continuation sits at the second page's foot, under its own rule.
  EXPECT_EQ(body_rules(l.pages.pages[1]).size(), 1u);
}

TEST(Constructs, NotesOfTableCellsAndCaseBoxesGoToTheirPageFoot) {
  Laid l = lay_out("| 项目 | 数 |\n|---|---|\n| 经费[^a] | 1 |\n\n```case 案例 {#case-a}\n案例正文[^b]。\n```\n\n"
                   "[^a]: 甲注。\n[^b]: 乙注。\n");
  ASSERT_EQ(l.pages.pages.size(), 1u);
  auto g = placed(l.pages.pages[0]);
  const Placed* jia = find(g, "甲");
  const Placed* yi = find(g, "乙");
  ASSERT_TRUE(jia && yi);
  EXPECT_NEAR(yi->y, kBottom + 14 - baseline_in_box(14, 9), 0.01);  // the last note on the foot's last line
  EXPECT_NEAR(jia->y, yi->y + 14, 0.01);
  const Placed* mark_b = find(g, "②");
  ASSERT_TRUE(mark_b);
  EXPECT_GT(mark_b->y, kTop - 300);  // the case's mark, in the text above
}

TEST(Constructs, BlockQuoteIsIndentedTwoEmBothSidesInKai) {
  std::string text;
  for (int i = 0; i < 8; ++i) text += "引用的话应当缩进排出。";
  Laid l = lay_out("> " + text + "\n");
  const Page& page = l.pages.pages.at(0);
  auto g = placed(page);
  const Placed* first = find(g, "引");
  ASSERT_TRUE(first);
  EXPECT_NEAR(first->x, kLeft + 24 + 24, 0.01);  // 2 em quote indent + 2 em first-line indent
  double right = 0;
  for (const auto& p : g)
    if (p.size == 12) right = std::max(right, p.x + p.advance);
  EXPECT_LE(right, kRight - 24 + 0.01);
  EXPECT_GT(right, kRight - 24 - 12);
  for (const auto& r : page.runs)
    if (r.size == 12) EXPECT_EQ(testing::default_fonts().face(r.face).path.find("ukai") != std::string::npos, true);
}

TEST(Constructs, RuleAcrossTheMeasure) {
  Laid l = lay_out("上文。\n\n---\n\n下文。\n");
  const Page& page = l.pages.pages.at(0);
  auto rules = body_rules(page);
  ASSERT_EQ(rules.size(), 1u);
  const Rule& r = rules[0];
  EXPECT_NEAR(r.x0, kLeft, 0.01);
  EXPECT_NEAR(r.x1, kRight, 0.01);
  auto g = placed(page);
  EXPECT_LT(r.y0, find(g, "上")->y);
  EXPECT_GT(r.y0, find(g, "下")->y);
}

TEST(Constructs, HardBreaksAndARightAlignedSignature) {
  Laid l = lay_out("凉州区教育局  \n2024年3月1日\n{.right}\n");
  auto g = placed(l.pages.pages.at(0));
  const Placed* issuer_end = find(g, "局");
  const Placed* date_end = find(g, "日");
  ASSERT_TRUE(issuer_end && date_end);
  EXPECT_LT(date_end->y, issuer_end->y - 21.9);  // two lines
  EXPECT_NEAR(issuer_end->x + issuer_end->advance, kRight, 0.01);
  EXPECT_NEAR(date_end->x + date_end->advance, kRight, 0.01);
}

TEST(Constructs, IdeographicSpacesAtALineStartAreKept) {
  Laid l = lay_out("附件：1.甲  \n　　　2.乙\n");
  auto g = placed(l.pages.pages.at(0));
  const Placed* two = find(g, "2");
  ASSERT_TRUE(two);
  EXPECT_NEAR(two->x, kLeft + 3 * 12, 0.01);  // three U+3000 of 1 em, no indent after a hard break
}

TEST(Constructs, PipeTableCellsFollowTheDelimiterRow) {
  Laid l = lay_out("| 序号 | 名称 | 数量 |\n|:---:|:---|---:|\n| 1 | 甲乙丙丁戊己庚辛 | 12 |\n| 2 | 甲 | 3 |\n\n"
                   "{#tab-a caption=\"测试\"}\n");
  const Page& page = l.pages.pages.at(0);
  auto g = placed(page);
  // Column edges: the table's vertical rules.
  std::vector<double> xs;
  for (const auto& r : body_rules(page))
    if (std::abs(r.x0 - r.x1) < 1e-9 && std::find_if(xs.begin(), xs.end(), [&](double x) { return std::abs(x - r.x0) < 0.01; }) == xs.end())
      xs.push_back(r.x0);
  std::sort(xs.begin(), xs.end());
  ASSERT_EQ(xs.size(), 4u);
  const double pad = 4;  // layouts/report.yaml tables.padding-x
  const Placed* one = find(g, "1", find(g, "序") - g.data());  // (after the caption's 表1)
  EXPECT_NEAR(one->x + one->advance / 2, (xs[0] + xs[1]) / 2, 0.01);  // centred
  const Placed* jia = find(g, "甲");
  EXPECT_NEAR(jia->x, xs[1] + pad, 0.01);                             // left
  const Placed* three = find(g, "3");
  EXPECT_NEAR(three->x + three->advance, xs[3] - pad, 0.01);          // right
  EXPECT_EQ(l.pages.anchors.count("tab-a"), 1u);
}

}  // namespace
}  // namespace paiban::layout
