// Hyphenation of Latin words: the patterns' points (as TeX's US English
// patterns break the words, The TeXbook, appendix H), and the composer
// breaking a line at one with a hyphen that fills the measure.
#include "compose/hyphenate.h"

#include <gtest/gtest.h>

#include "compose/compose.h"
#include "support/default_fonts.h"

namespace paiban::compose {
namespace {

constexpr double kEm = 12;

const Hyphenator& patterns() {
  const Hyphenator* h = english_hyphenator();
  if (!h) ADD_FAILURE() << "no hyphenation patterns (the hyphen-en-us package)";
  static Hyphenator none("");
  return h ? *h : none;
}

TEST(Hyphenator, BreaksWordsAsTheUsEnglishPatternsDo) {
  const Hyphenator& h = patterns();
  EXPECT_EQ(h.points("hyphenation"), (std::vector<size_t>{2, 6}));          // hy-phen-ation
  EXPECT_EQ(h.points("concatenation"), (std::vector<size_t>{3, 7, 9}));     // con-cate-na-tion
  EXPECT_EQ(h.points("International"), (std::vector<size_t>{2, 5, 7}));    // In-ter-na-tional: capitals too
  EXPECT_EQ(h.points("manufacturing"), (std::vector<size_t>{3, 4, 7, 10}));  // man-u-fac-tur-ing
}

TEST(Hyphenator, LeavesAcronymsShortWordsAndTheEndsAlone) {
  const Hyphenator& h = patterns();
  EXPECT_TRUE(h.points("UNESCO").empty());
  EXPECT_TRUE(h.points("the").empty());
  // Two letters at least before a hyphen, three after it.
  for (size_t at : h.points("electromechanical")) {
    EXPECT_GE(at, 2u);
    EXPECT_LE(at, std::string("electromechanical").size() - 3);
  }
}

TEST(Hyphenator, AMissingDictionaryGivesNoPoints) {
  Hyphenator h("/nonexistent/hyph_xx.dic");
  EXPECT_FALSE(h.ok());
  EXPECT_TRUE(h.points("hyphenation").empty());
}

struct Set {
  text::ShapedParagraph para;
  std::vector<Line> lines;
  std::string text(size_t i) const {
    std::string s;
    for (size_t g = lines[i].glyph_begin; g < lines[i].glyph_end; ++g)
      if (para.glyphs[g].first_in_cluster)
        s += para.text.substr(para.glyphs[g].cluster, para.glyphs[g].cluster_end - para.glyphs[g].cluster);
    return s;
  }
};

Set set(const std::string& text, double width_em, bool hyphenate) {
  ComposeSettings s;
  s.width_pt = width_em * kEm;
  s.em_pt = kEm;
  s.hyphenator = hyphenate ? &patterns() : nullptr;
  DiagnosticSink sink;
  Set out;
  out.para = text::shape_paragraph({{text, "song", kEm, {}}}, testing::default_fonts(), sink);
  out.lines = compose_paragraph(out.para, testing::default_fonts(), s);
  return out;
}

TEST(HyphenatedBreak, TheLineEndsInsideTheWordWithAHyphenAtTheMeasure) {
  // 8 Han (8 em) and a ¼ em gap leave the word 3.75 em on a 12 em line:
  // "Inter" fits with its hyphen; the whole word does not.
  Set c = set("国国国国国国国国International国国国国国国国国国国国国国国国", 12, true);
  ASSERT_GE(c.lines.size(), 2u);
  const Line& first = c.lines[0];
  ASSERT_TRUE(first.hyphenated) << c.text(0);
  std::string t = c.text(0);
  ASSERT_GE(t.size(), 5u);
  EXPECT_TRUE(t.size() >= 5 && (t.substr(t.size() - 5) == "Inter" || t.substr(t.size() - 7) == "Interna" ||
                                t.substr(t.size() - 2) == "In"))
      << t;
  // The hyphen follows the word's last glyph and ends at the measure.
  const auto& last = c.para.glyphs[first.glyph_end - 1];
  EXPECT_NEAR(first.hyphen_x, first.x.back() + last.advance, 1e-6);
  EXPECT_NEAR(first.hyphen_x + first.hyphen_advance, 12 * kEm, 1e-6);
  EXPECT_NEAR(first.width_pt, 12 * kEm, 1e-6);
  EXPECT_GT(first.hyphen_advance, 0.2 * kEm);
  EXPECT_LE(first.han_extra_pt, 0.15 * kEm + 1e-9);
  EXPECT_FALSE(first.loose);
  // The rest of the word starts the next line.
  EXPECT_EQ(c.text(1).substr(0, 1).find_first_of("abcdefghijklmnopqrstuvwxyz"), 0u) << c.text(1);
}

TEST(HyphenatedBreak, WithoutPatternsTheHanCharactersSpreadAndTheLineIsLoose) {
  Set c = set("国国国国国国国国International国国国国国国国国国国国国国国国", 12, false);
  ASSERT_GE(c.lines.size(), 2u);
  EXPECT_FALSE(c.lines[0].hyphenated);
  // The word cannot share a line with the Han before it: n Han alone on a
  // 12 em line, (12 − n) em over n − 1 gaps, far past 0.15 em; reported.
  const std::string t = c.text(0);
  ASSERT_EQ(t.find_first_not_of("\xE5\x9B\xBD"), std::string::npos) << t;
  const double n = static_cast<double>(t.size() / 3);
  ASSERT_GE(n, 2);
  EXPECT_TRUE(c.lines[0].loose);
  EXPECT_NEAR(c.lines[0].han_extra_pt, (12 - n) * kEm / (n - 1), 1e-6);
  EXPECT_GT(c.lines[0].han_extra_pt, 0.15 * kEm);
  EXPECT_NEAR(c.lines[0].width_pt, 12 * kEm, 1e-6);
}

TEST(LatinSpaces, StretchBeforeHanCharactersPassTheLimit) {
  // Short words and Han: the spaces take the stretch past ½ em before a Han gap passes 0.15 em.
  Set c = set("国国国国国国 on an old map of the city 国国国国国国国国国国国国国国国国国", 14, false);
  ASSERT_GE(c.lines.size(), 2u);
  EXPECT_LE(c.lines[0].han_extra_pt, 0.15 * kEm + 1e-9);
  EXPECT_NEAR(c.lines[0].width_pt, 14 * kEm, 1e-6);
}

}  // namespace
}  // namespace paiban::compose
