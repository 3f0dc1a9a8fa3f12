#include "source/parse.h"

#include <gtest/gtest.h>

namespace paiban::source {
namespace {

SyntaxTree parse_ok(const std::string& text) {
  DiagnosticSink sink;
  auto tree = parse_source(TextFile("r.md", text), sink);
  EXPECT_TRUE(tree);
  EXPECT_EQ(sink.format_all(), "");
  return tree ? *tree : SyntaxTree{};
}

std::string parse_errors(const std::string& text) {
  DiagnosticSink sink;
  parse_source(TextFile("r.md", text), sink);
  return sink.format_all();
}

TEST(Parse, FrontMatterAndBlocksWithSpans) {
  auto t = parse_ok("---\ntitle: 报告\nissuer: 凉州区教育局\ndate: 2023-01\n---\n\n# 基本情况\n\n## 办学规模\n\n现有学校9所。\n");
  EXPECT_EQ(t.front.title, "报告");
  EXPECT_EQ(t.front.issuer, "凉州区教育局");
  EXPECT_EQ(t.front.date, "2023-01");
  ASSERT_EQ(t.blocks.size(), 3u);
  EXPECT_EQ(t.blocks[0].kind, BlockKind::Heading);
  EXPECT_EQ(t.blocks[0].level, 1);
  EXPECT_EQ(t.blocks[0].runs[0].text, "基本情况");
  EXPECT_EQ(t.blocks[0].span.to_string(), "r.md:7:1");
  EXPECT_EQ(t.blocks[1].level, 2);
  EXPECT_EQ(t.blocks[2].kind, BlockKind::Paragraph);
  EXPECT_EQ(t.blocks[2].runs[0].text, "现有学校9所。");
  EXPECT_EQ(t.blocks[2].span.to_string(), "r.md:11:1");
}

TEST(Parse, SoftBreakBetweenCjkGivesNoSpace) {
  auto t = parse_ok("---\ntitle: t\n---\n职普协\n调发展，one\ntwo。\n");
  ASSERT_EQ(t.blocks.size(), 1u);
  EXPECT_EQ(t.blocks[0].runs[0].text, "职普协调发展，one two。");
}

TEST(Parse, EmphasisAndStrongBecomeStyledRuns) {
  auto t = parse_ok("---\ntitle: t\n---\n甲*乙*丙**丁**\n");
  const auto& runs = t.blocks[0].runs;
  ASSERT_EQ(runs.size(), 4u);
  EXPECT_EQ(runs[1].text, "乙");
  EXPECT_EQ(runs[1].style, InlineStyle::Emphasis);
  EXPECT_EQ(runs[3].text, "丁");
  EXPECT_EQ(runs[3].style, InlineStyle::Strong);
  // Inline spans count code points: 乙 is column 3 (after 甲 and *).
  EXPECT_EQ(runs[1].span.to_string(), "r.md:4:3");
}

TEST(Parse, UnnumberedHeadingAttribute) {
  auto t = parse_ok("---\ntitle: t\n---\n# 前言 {.unnumbered}\n");
  EXPECT_FALSE(t.blocks[0].numbered);
  EXPECT_EQ(t.blocks[0].runs[0].text, "前言");
}

TEST(Parse, ContinuationParagraphAttribute) {
  auto t = parse_ok("---\ntitle: t\n---\n续前文。 {.continue}\n\n新段落。\n");
  ASSERT_EQ(t.blocks.size(), 2u);
  EXPECT_TRUE(t.blocks[0].continuation);
  EXPECT_EQ(t.blocks[0].runs[0].text, "续前文。");
  EXPECT_FALSE(t.blocks[1].continuation);
}

TEST(Parse, ListsKeepTheirItems) {
  auto t = parse_ok("---\ntitle: t\n---\n1. 甲\n2. 乙\n");
  ASSERT_EQ(t.blocks.size(), 1u);
  EXPECT_EQ(t.blocks[0].kind, BlockKind::List);
  EXPECT_TRUE(t.blocks[0].ordered);
  ASSERT_EQ(t.blocks[0].children.size(), 2u);
  EXPECT_EQ(t.blocks[0].children[1].children[0].runs[0].text, "乙");
}

TEST(Parse, YamlErrorInFrontMatterPointsIntoTheFile) {
  EXPECT_EQ(parse_errors("---\ntitle: 报告\ndate: [2023\n---\n正文\n"),
            "r.md:4:1: error: front matter: end of sequence flow not found\n"
            "  hint: the front matter is YAML between two lines of ---, e.g. `title: 报告标题`\n");
}

TEST(Parse, UnknownFrontMatterKey) {
  EXPECT_EQ(parse_errors("---\ntitle: t\nauthr: x\n---\n"),
            "r.md:3:1: error: front matter: unknown key \"authr\"\n"
            "  hint: known keys: title, issuer, date, layout\n");
}

TEST(Parse, MissingOrUnclosedFrontMatter) {
  EXPECT_EQ(parse_errors("# 标题\n").substr(0, 47), "r.md:1:1: error: the report has no front matter");
  EXPECT_EQ(parse_errors("---\ntitle: t\n"),
            "r.md:1:1: error: the front matter is not closed\n"
            "  hint: end the front matter with a line of three dashes: ---\n");
}

TEST(Parse, UnsupportedBlockIsAnErrorAtItsLine) {
  EXPECT_EQ(parse_errors("---\ntitle: t\n---\n\n> 引文\n"),
            "r.md:5:1: error: block_quote is not supported yet\n"
            "  hint: write headings (#), paragraphs, lists, *emphasis* and **strong** text\n");
}

}  // namespace
}  // namespace paiban::source
