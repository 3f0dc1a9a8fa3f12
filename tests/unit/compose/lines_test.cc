#include "compose/lines.h"

#include <gtest/gtest.h>


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

}  // namespace
}  // namespace paiban::compose
