// The composer, rule by rule, with exact break positions and widths.
// Body size 12 pt, so 1 em = 12 pt; widths are given in em.
#include "compose/compose.h"

#include <gtest/gtest.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include "compose/punctuation.h"
#include "support/default_fonts.h"
#include "text/shape.h"

namespace paiban::compose {
namespace {

constexpr double kEm = 12;

struct Composed {
  text::ShapedParagraph para;
  std::vector<Line> lines;
  /// The text of each line.
  std::vector<std::string> texts() const {
    std::vector<std::string> out;
    for (const auto& l : lines) {
      std::string s;
      for (size_t g = l.glyph_begin; g < l.glyph_end; ++g)
        if (para.glyphs[g].first_in_cluster)
          s += para.text.substr(para.glyphs[g].cluster, para.glyphs[g].cluster_end - para.glyphs[g].cluster);
      out.push_back(s);
    }
    return out;
  }
};

ComposeSettings settings(double width_em, BreakStrategy strategy = BreakStrategy::Optimal,
                         Justify justify = Justify::Yes) {
  ComposeSettings s;
  s.width_pt = width_em * kEm;
  s.em_pt = kEm;
  s.strategy = strategy;
  s.justify = justify;
  return s;
}

Composed compose(const std::string& text, const ComposeSettings& s) {
  DiagnosticSink sink;
  Composed c;
  c.para = text::shape_paragraph({{text, "song", kEm, {}}}, testing::default_fonts(), sink);
  EXPECT_EQ(sink.format_all(), "");
  c.lines = compose_paragraph(c.para, testing::default_fonts(), s);
  return c;
}

std::string han(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += "国";
  return s;
}

// --- 2. Where a line may break ------------------------------------------------

TEST(Classify, AHanIdeographOrAWideCharacterIsAnIdeographAsICUSays) {
  // Outside the marks classify names, a code point is Latin (prefers_latin_face), else an
  // ideograph when ICU calls it Han or wide or full-width, else other. Over the whole BMP.
  for (char32_t cp = 0; cp < 0x10000; ++cp) {
    CharClass c = classify(cp);
    if (c != CharClass::Ideograph && c != CharClass::Latin && c != CharClass::Other) continue;  // a named mark
    UErrorCode err = U_ZERO_ERROR;
    UScriptCode script = uscript_getScript(static_cast<UChar32>(cp), &err);
    int width = u_getIntPropertyValue(static_cast<UChar32>(cp), UCHAR_EAST_ASIAN_WIDTH);
    CharClass expected = text::prefers_latin_face(cp) ? CharClass::Latin
                         : script == USCRIPT_HAN || width == U_EA_WIDE || width == U_EA_FULLWIDTH ? CharClass::Ideograph
                                                                                                 : CharClass::Other;
    ASSERT_EQ(static_cast<int>(c), static_cast<int>(expected)) << std::hex << static_cast<uint32_t>(cp);
  }
  EXPECT_EQ(classify(U'中'), CharClass::Ideograph);
  EXPECT_EQ(classify(U'A'), CharClass::Latin);
}

TEST(LineStart, ProhibitedMarksPullTheCharacterBefore) {
  // 9 Han fill a 9 em line; the mark may not start line 2, so 国 goes with it.
  for (const char* mark : {"。", "．", "，", "、", "：", "；", "！", "？", "‼", "⁇", "”", "’", "」", "』", "）", "》",
                           "〉", "】", "〗", "〕", "］", "｝", "～", "·", "‧"}) {
    auto c = compose(han(9) + mark + han(5), settings(9, BreakStrategy::FirstFit));
    ASSERT_GE(c.lines.size(), 2u) << mark;
    EXPECT_EQ(c.texts()[0], han(8)) << mark;
    EXPECT_EQ(c.texts()[1].substr(0, 3 + std::string(mark).size()), "国" + std::string(mark)) << mark;
  }
}

TEST(LineEnd, ProhibitedOpeningMarksGoToTheNextLine) {
  for (const char* mark : {"“", "‘", "「", "『", "（", "《", "〈", "【", "〖", "〔", "［", "｛"}) {
    auto c = compose(han(8) + mark + han(6), settings(9, BreakStrategy::FirstFit));
    ASSERT_GE(c.lines.size(), 2u) << mark;
    EXPECT_EQ(c.texts()[0], han(8)) << mark;
    EXPECT_EQ(c.texts()[1].substr(0, std::string(mark).size()), mark) << mark;
  }
}

TEST(LineBreak, NeverInsideOrBeforeDashesAndEllipses) {
  // ——: not before it, not inside: 国×7 | 国——国…
  auto dash = compose(han(8) + "——" + han(5), settings(9, BreakStrategy::FirstFit));
  EXPECT_EQ(dash.texts()[0], han(7));
  EXPECT_EQ(dash.texts()[1].substr(0, 9), "国——");
  auto dots = compose(han(8) + "……" + han(5), settings(9, BreakStrategy::FirstFit));
  EXPECT_EQ(dots.texts()[0], han(7));
  EXPECT_EQ(dots.texts()[1].substr(0, 9), "国……");
}

TEST(LineBreak, NumbersAndLatinWordsStayWhole) {
  for (const char* token : {"12.3%", "1+X", "2020-2021", "1000M", "17.4:1", "A/B", "Knuth"}) {
    auto c = compose(han(7) + token + han(8), settings(9, BreakStrategy::FirstFit));
    bool whole = false;
    for (const auto& t : c.texts()) whole |= t.find(token) != std::string::npos;
    EXPECT_TRUE(whole) << token << " was split: " << c.texts()[0] << " | " << c.texts()[1];
  }
}

TEST(LineBreak, HardBreakEndsALineUnjustified) {
  auto c = compose("国国\n国国国", settings(9));
  ASSERT_EQ(c.lines.size(), 2u);
  EXPECT_EQ(c.texts()[0], "国国");
  EXPECT_DOUBLE_EQ(c.lines[0].width_pt, 24);
}

// --- 3. Punctuation width ------------------------------------------------------

TEST(PunctuationWidth, LineEndMarkIsTrimmedToHalfAnEm) {
  // 8 Han + ， = 8.5 em once the comma loses its blank half: a perfect line.
  auto c = compose(han(8) + "，" + han(5), settings(8.5));
  ASSERT_EQ(c.texts()[0], han(8) + "，");
  EXPECT_DOUBLE_EQ(c.lines[0].natural_pt, 8.5 * kEm);
  EXPECT_DOUBLE_EQ(c.lines[0].width_pt, 8.5 * kEm);
  // Nothing was stretched: every Han sits on the 1 em grid.
  for (int i = 0; i < 9; ++i) EXPECT_DOUBLE_EQ(c.lines[0].x[i], i * kEm);
}

TEST(PunctuationWidth, LineStartOpeningBracketIsTrimmedByHalfAnEm) {
  auto c = compose(han(8) + "（" + han(6), settings(9, BreakStrategy::FirstFit));
  ASSERT_EQ(c.texts()[1].substr(0, 3), "（");
  // Its pen starts ½ em left of the margin, so its ink meets the margin.
  EXPECT_DOUBLE_EQ(c.lines[1].x[0], -0.5 * kEm);
  EXPECT_DOUBLE_EQ(c.lines[1].x[1], 0.5 * kEm);
}

TEST(PunctuationWidth, AdjacentMarksTakeOneAndAHalfEm) {
  struct Case {
    const char* text;
    std::vector<double> x;  // pen positions in em
  } cases[] = {
      {"国。”国", {0, 1, 1.5, 2.5}},
      {"国，“国”", {0, 1, 1.5, 2.5, 3.5}},
      {"国）、国", {0, 1, 1.5, 2.5}},
      {"国》（国", {0, 1, 1.5, 2.5}},
      {"国”“国", {0, 1, 1.5, 2.5}},
      {"国（《国", {0, 1, 1.5, 2.5}},  // the second mark gives up its blank left half
  };
  for (const auto& c : cases) {
    auto r = compose(c.text, settings(20, BreakStrategy::Optimal, Justify::No));
    ASSERT_EQ(r.lines.size(), 1u);
    ASSERT_EQ(r.lines[0].x.size(), c.x.size()) << c.text;
    for (size_t i = 0; i < c.x.size(); ++i) {
      EXPECT_DOUBLE_EQ(r.lines[0].x[i], c.x[i] * kEm) << c.text << " glyph " << i;
    }
  }
}

TEST(PunctuationWidth, MidLineMarksKeepAFullEmInQuanjiao) {
  auto r = compose("国，国。国", settings(20, BreakStrategy::Optimal, Justify::No));
  EXPECT_EQ(r.lines[0].x, (std::vector<double>{0, 12, 24, 36, 48}));
}

TEST(PunctuationWidth, KaimingAndBanjiaoSchemes) {
  auto kaiming = settings(20, BreakStrategy::Optimal, Justify::No);
  kaiming.punctuation = PunctuationScheme::Kaiming;
  // Kaiming: ， takes ½ em, 。 keeps 1 em.
  EXPECT_EQ(compose("国，国。国", kaiming).lines[0].x, (std::vector<double>{0, 12, 18, 30, 42}));
  auto banjiao = kaiming;
  banjiao.punctuation = PunctuationScheme::Banjiao;
  EXPECT_EQ(compose("国，国。国", banjiao).lines[0].x, (std::vector<double>{0, 12, 18, 30, 36}));
}

// --- 4. Chinese–Latin spacing --------------------------------------------------

TEST(HanLatinSpacing, QuarterEmBetweenHanAndLatin) {
  auto r = compose("中文AB中", settings(20, BreakStrategy::Optimal, Justify::No));
  // A and B in Liberation Serif: 1479/2048 and 1366/2048 em.
  double a = 12.0 * 1479 / 2048, b = 12.0 * 1366 / 2048;
  EXPECT_EQ(r.lines[0].x, (std::vector<double>{0, 12, 27, 27 + a, 27 + a + b + 3}));
}

TEST(HanLatinSpacing, TypedSpacesBetweenHanAndDigitsAreIgnored) {
  auto typed = compose("增加 298 人", settings(20, BreakStrategy::Optimal, Justify::No));
  auto clean = compose("增加298人", settings(20, BreakStrategy::Optimal, Justify::No));
  // Same positions for the characters; the typed spaces sit at the gap starts.
  std::vector<double> typed_chars;
  for (size_t g = 0; g < typed.para.glyphs.size(); ++g)
    if (typed.para.text[typed.para.glyphs[g].cluster] != ' ') typed_chars.push_back(typed.lines[0].x[g]);
  EXPECT_EQ(typed_chars, clean.lines[0].x);
  EXPECT_DOUBLE_EQ(clean.lines[0].x[2], 27);  // 2 em + ¼ em
}

TEST(HanLatinSpacing, NoneNextToFullWidthMarksOrInsideBrackets) {
  auto r = compose("国（2023）国，1", settings(20, BreakStrategy::Optimal, Justify::No));
  const auto& x = r.lines[0].x;
  EXPECT_DOUBLE_EQ(x[1], 12);  // （
  EXPECT_DOUBLE_EQ(x[2], 24);  // 2 directly after （
  EXPECT_DOUBLE_EQ(x[6], 48);  // ） directly after 3
  EXPECT_DOUBLE_EQ(x[8], 72);  // ， …
  EXPECT_DOUBLE_EQ(x[9], 84);  // … and 1 directly after it
}

TEST(HanLatinSpacing, NoneAtLineEnds) {
  // The break falls between 国 and 2023: no gap is left at the end of line 1
  // nor at the start of line 2.
  auto c = compose(han(9) + "2023年" + han(6), settings(9, BreakStrategy::FirstFit));
  ASSERT_EQ(c.texts()[0], han(9));
  EXPECT_DOUBLE_EQ(c.lines[0].width_pt, 9 * kEm);
  EXPECT_DOUBLE_EQ(c.lines[1].x[0], 0);
}

// --- 5. Justification ----------------------------------------------------------

TEST(Justification, EveryLineButTheLastIsFlush) {
  std::string text = "中职学校学生规模保持稳中有升，全日制在校学生10266人。与上一年相比，在校生总数增加298人，"
                     "增幅3.0%。2022年高中阶段招生（含辖区外中职校入学学生）持续实现职普协调发展。";
  auto s = settings(20.5);
  s.first_indent_pt = 2 * kEm;
  auto c = compose(text, s);
  ASSERT_GE(c.lines.size(), 3u);
  for (size_t i = 0; i + 1 < c.lines.size(); ++i) EXPECT_NEAR(c.lines[i].width_pt, 20.5 * kEm, 1e-6) << i;
  EXPECT_LT(c.lines.back().width_pt, 20.5 * kEm);
  EXPECT_DOUBLE_EQ(c.lines[0].x[0], 2 * kEm);  // the first-line indent
}

TEST(Justification, LatinSpacesStretchBeforeHanGaps) {
  // "ab cd" + Han: the line is 1 pt short; the typed space takes all of it.
  auto probe = compose("国ab cd国", settings(40, BreakStrategy::Optimal, Justify::No));
  double natural = probe.lines[0].width_pt;
  auto s = settings(0);
  s.width_pt = natural + 1;
  auto c = compose("国ab cd国国国国国国国国国国国国国国国国国国国国国国国国", s);
  ASSERT_GE(c.lines.size(), 2u);
  ASSERT_EQ(c.texts()[0], "国ab cd国");
  // Han–Latin gaps first get their share only after the space is at ½ em;
  // here the space alone (¼ em + 1 pt ≤ ½ em) absorbs the 1 pt.
  EXPECT_NEAR(c.lines[0].x[4] - c.lines[0].x[3], probe.lines[0].x[4] - probe.lines[0].x[3] + 1, 1e-9);
  EXPECT_NEAR(c.lines[0].x[1] - c.lines[0].x[0], probe.lines[0].x[1] - probe.lines[0].x[0], 1e-9);
}

TEST(Justification, LastLineHoldsAtLeastTwoCharacters) {
  // 9 Han in 8 em: first fit leaves 国 alone; the composer sets 7 + 2.
  auto first_fit = compose(han(9), settings(8, BreakStrategy::FirstFit));
  EXPECT_EQ(first_fit.texts(), (std::vector<std::string>{han(8), han(1)}));
  auto optimal = compose(han(9), settings(8));
  EXPECT_EQ(optimal.texts(), (std::vector<std::string>{han(7), han(2)}));
  EXPECT_NEAR(optimal.lines[0].width_pt, 8 * kEm, 1e-9);
  // A character plus a mark is still a lone character.
  auto mark = compose(han(9) + "。", settings(8));
  EXPECT_EQ(mark.texts(), (std::vector<std::string>{han(7), han(2) + "。"}));
}

TEST(Justification, ShrinksPunctuationBeforePushingOut) {
  // 8 Han with a mid-line comma: 9 em natural, 8.5 em with the comma at ½ em.
  auto c = compose("国国国，国国国国国", settings(8.5));
  ASSERT_EQ(c.lines.size(), 1u);
  EXPECT_NEAR(c.lines[0].width_pt, 8.5 * kEm, 1e-9);
  EXPECT_DOUBLE_EQ(c.lines[0].x[4], 3.5 * kEm);
  EXPECT_FALSE(c.lines[0].overfull);
}

TEST(Justification, OverlongWordIsReportedOverfull) {
  auto c = compose("国Pneumonoultramicroscopicsilicovolcanoconiosis", settings(8));
  // The word is not cut: it runs past the margin, and the line says so.
  EXPECT_EQ(c.texts(), (std::vector<std::string>{"国Pneumonoultramicroscopicsilicovolcanoconiosis"}));
  EXPECT_TRUE(c.lines[0].overfull);
  EXPECT_GT(c.lines[0].width_pt, 8 * kEm);
}

}  // namespace
}  // namespace paiban::compose

namespace paiban::compose {
namespace {

TEST(Justification, InATableCellAnOverlongWordIsBrokenInside) {
 for (BreakStrategy strategy : {BreakStrategy::Optimal, BreakStrategy::FirstFit}) {
  ComposeSettings s = settings(8);
  s.break_long_words = true;
  s.strategy = strategy;
  auto c = compose("国Pneumonoultramicroscopicsilicovolcanoconiosis", s);
  // Broken where the line is full, inside the word, each break marked; no
  // line past the measure.
  ASSERT_GT(c.lines.size(), 1u);
  std::string joined;
  for (size_t i = 0; i < c.lines.size(); ++i) {
    joined += c.texts()[i];
    EXPECT_LE(c.lines[i].width_pt, 8 * kEm + 0.01) << i;
    EXPECT_FALSE(c.lines[i].overfull) << i;
    // A break inside the word is marked; the one after 国 is allowed.
    if (i + 1 < c.lines.size()) EXPECT_EQ(c.lines[i].forced_break, c.texts()[i] != "国") << i << c.texts()[i];
  }
  EXPECT_EQ(joined, "国Pneumonoultramicroscopicsilicovolcanoconiosis");
 }
}

TEST(WordBreak, NarrowLinesBreakBetweenWordsFirstWhenAsked) {
  // ICU's words: 生|均|仪器|设备|值, 河西|市|第一|职业|技术|学校.
  ComposeSettings s = settings(3, BreakStrategy::Optimal, Justify::No);
  EXPECT_EQ(compose("生均仪器设备值", s).texts(), (std::vector<std::string>{"生均", "仪器设", "备值"}));
  s.inside_word_penalty = 1000;
  // Char by char, 3 em would give 生均仪 / 器设备 / 值; by words it does not cut 仪器 or 设备.
  EXPECT_EQ(compose("生均仪器设备值", s).texts(), (std::vector<std::string>{"生均", "仪器", "设备值"}));
  s.width_pt = 4 * kEm;
  EXPECT_EQ(compose("河西市第一职业技术学校", s).texts(), (std::vector<std::string>{"河西市", "第一职业", "技术学校"}));
  s.inside_word_penalty = 0;
  EXPECT_EQ(compose("河西市第一职业技术学校", s).texts(), (std::vector<std::string>{"河西市第", "一职业技", "术学校"}));
  // In a cell a lone last character may be better than a broken word, at a
  // cost that a shorter line does not pay: 在校生 / 数; 体质测评 / 合格率.
  s.inside_word_penalty = 1000;
  s.min_last_line_chars = 1;
  s.lone_last_penalty = 500;
  s.width_pt = 3 * kEm;
  EXPECT_EQ(compose("在校生数", s).texts(), (std::vector<std::string>{"在校生", "数"}));
  s.width_pt = 6 * kEm;
  EXPECT_EQ(compose("体质测评合格率", s).texts(), (std::vector<std::string>{"体质测评", "合格率"}));
}

// --- The composition cache -----------------------------------------------------

TEST(ComposeCache, ARepeatedParagraphIsTakenFromTheCacheAndEverySettingIsPartOfTheKey) {
  const std::string text = han(20) + "，" + han(10);
  const auto uncached = compose(text, settings(9));
  ComposeCache cache;
  ComposeCache::Scope scope(&cache);
  auto first = compose(text, settings(9));
  auto again = compose(text, settings(9));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.hits(), 1u);
  ASSERT_EQ(again.lines.size(), uncached.lines.size());
  for (size_t i = 0; i < again.lines.size(); ++i) {
    EXPECT_EQ(again.lines[i].glyph_end, uncached.lines[i].glyph_end);
    EXPECT_EQ(again.lines[i].x, uncached.lines[i].x);
    EXPECT_EQ(again.lines[i].width_pt, uncached.lines[i].width_pt);
  }
  // A narrower measure, another indent, ragged right, first fit: each is composed afresh.
  auto narrow = compose(text, settings(7));
  EXPECT_EQ(narrow.lines.front().width_pt, 7 * kEm);
  EXPECT_EQ(narrow.texts().front(), han(7));
  ComposeSettings indented = settings(9);
  indented.first_indent_pt = 2 * kEm;
  EXPECT_EQ(compose(text, indented).texts().front(), han(7));
  ComposeSettings ragged = settings(9, BreakStrategy::Optimal, Justify::No);
  ragged.min_last_line_chars = 1;
  compose(text, ragged);
  compose(text, settings(9, BreakStrategy::FirstFit));
  EXPECT_EQ(cache.size(), 5u);
  EXPECT_EQ(cache.hits(), 1u);
  // The same text in another size is another paragraph.
  DiagnosticSink sink;
  auto big = text::shape_paragraph({{text, "song", 2 * kEm, {}}}, testing::default_fonts(), sink);
  auto lines = compose_paragraph(big, testing::default_fonts(), settings(9));
  EXPECT_EQ(cache.size(), 6u);
  EXPECT_LT(lines.front().glyph_end, 9u);
}

}  // namespace
}  // namespace paiban::compose
