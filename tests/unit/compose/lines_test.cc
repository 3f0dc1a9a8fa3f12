#include "compose/lines.h"

#include <gtest/gtest.h>

#include "support/default_fonts.h"
#include "support/test_support.h"

namespace paiban::compose {
namespace {

std::vector<size_t> offsets(std::string_view text) {
  std::vector<size_t> out;
  for (const auto& o : line_break_opportunities(text)) out.push_back(o.offset);
  return out;
}

TEST(BreakOpportunities, ChineseStrictRules) {
  struct Case {
    const char* text;
    std::vector<size_t> expected;  // byte offsets where a next line may start
  } cases[] = {
      // Not before ， (line-start prohibited): 中|文，|测|试
      {"中文，测试", {3, 9, 12, 15}},
      // Not after “ nor before ”: “双元”|育|人。
      {"“双元”育人。", {6, 12, 15, 21}},
      // Latin words stay whole; the break is after the space.
      {"abc def", {4, 7}},
      // A number stays whole with its sign and unit: 增|幅|12.3%。
      {"增幅12.3%。", {3, 6, 14}},
  };
  for (const auto& c : cases) EXPECT_EQ(offsets(c.text), c.expected) << c.text;
}

TEST(BreakOpportunities, HardBreakIsMandatory) {
  auto ops = line_break_opportunities("甲\n乙");
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0].offset, 4u);
  EXPECT_TRUE(ops[0].mandatory);
}

class Lines : public ::testing::Test {
 protected:
  text::ShapedParagraph shape(const std::string& s) {
    DiagnosticSink sink;
    return text::shape_paragraph({{s, "song", 12, {}}}, *fonts_, sink);
  }
  const fonts::FontSet* fonts_ = &testing::default_fonts();
};

TEST_F(Lines, FortyHanAtTenPerLineGiveFourFlushLines) {
  std::string s;
  for (int i = 0; i < 40; ++i) s += "国";
  auto p = shape(s);
  auto lines = break_lines_first_fit(p, 120.0, 0, Justify::Yes);
  ASSERT_EQ(lines.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(lines[i].glyph_begin, i * 10);
    EXPECT_EQ(lines[i].glyph_end, i * 10 + 10);
    EXPECT_DOUBLE_EQ(lines[i].natural_width, 120.0);
    EXPECT_DOUBLE_EQ(lines[i].gap_adjust, 0.0);
  }
  EXPECT_TRUE(lines[3].ends_paragraph);
}

TEST_F(Lines, FirstLineIndentAndJustification) {
  // 2 em indent at 12 pt: the first line holds 8 of the 10 characters of 120 pt.
  std::string s;
  for (int i = 0; i < 15; ++i) s += "国";
  auto lines = break_lines_first_fit(shape(s), 125.0, 24.0, Justify::Yes);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].glyph_end, 8u);
  EXPECT_DOUBLE_EQ(lines[0].indent, 24.0);
  // 101 pt available, 96 pt of glyphs: 5 pt over 7 gaps.
  EXPECT_NEAR(lines[0].gap_adjust, 5.0 / 7.0, 1e-9);
  // The last line is not stretched.
  EXPECT_EQ(lines[1].glyph_end, 15u);
  EXPECT_DOUBLE_EQ(lines[1].gap_adjust, 0.0);
}

TEST_F(Lines, ProhibitedLineStartMovesTheCharacterBefore) {
  // 9 Han + ， in 10 em of width... then the comma may not start line 2:
  // "国国国国国国国国国国，国": the comma is glued to the 10th character, so
  // the 10th moves down with it.
  auto lines = break_lines_first_fit(shape("国国国国国国国国国国，国"), 120.0, 0, Justify::Yes);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].glyph_end, 9u);
  EXPECT_EQ(lines[1].glyph_begin, 9u);
}

TEST_F(Lines, TrailingSpaceIsNotPartOfTheLine) {
  auto p = shape("aaaa bbbb");
  // "aaaa " fits in 30 pt (aaaa is 4 × 5.328 = 21.3 pt); "bbbb" does not.
  auto lines = break_lines_first_fit(p, 30.0, 0, Justify::No);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].glyph_end, 4u);
  EXPECT_EQ(lines[1].glyph_begin, 5u);
  EXPECT_NEAR(lines[0].natural_width, 4 * 12.0 * 909 / 2048, 1e-9);
}

TEST_F(Lines, OverlongWordIsSetOverfull) {
  auto lines = break_lines_first_fit(shape("abcdefghij"), 20.0, 0, Justify::Yes);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(lines[0].overfull);
}

}  // namespace
}  // namespace paiban::compose
