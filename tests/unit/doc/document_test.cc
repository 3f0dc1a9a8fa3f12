#include "doc/document.h"

#include <gtest/gtest.h>

#include "source/parse.h"
#include "support/no_data.h"

namespace paiban::doc {
namespace {

Document build(const std::string& body, DiagnosticSink& sink) {
  auto tree = source::parse_source(TextFile("r.md", "---\ntitle: 报告\n---\n" + body), sink);
  return build_document(*tree, testing::no_data(), sink);
}

TEST(Document, NumbersHeadingsDecimally) {
  DiagnosticSink sink;
  Document d = build("# 前言 {.unnumbered}\n# 甲\n## 乙\n### 丙\n### 丁\n## 戊\n# 己\n## 庚\n", sink);
  std::vector<std::string> numbers;
  for (const auto& b : d.blocks) numbers.push_back(b.number);
  EXPECT_EQ(numbers, (std::vector<std::string>{"", "1.", "1.1", "1.1.1", "1.1.2", "1.2", "2.", "2.1"}));
  EXPECT_EQ(d.meta.title, "报告");
  EXPECT_EQ(sink.format_all(), "");
}

TEST(Document, WarnsWhenALevelIsSkipped) {
  DiagnosticSink sink;
  Document d = build("# 甲\n### 乙\n", sink);
  EXPECT_EQ(d.blocks[1].number, "1.0.1");
  EXPECT_EQ(sink.format_all(),
            "r.md:5:1: warning: heading level jumps from 1 to 3\n  hint: use 2 # for the next level down\n");
}

TEST(Document, FlattensListsWithMarkers) {
  DiagnosticSink sink;
  Document d = build("3. 甲\n4. 乙\n\n   续\n\n- 丙\n", sink);
  ASSERT_EQ(d.blocks.size(), 4u);
  EXPECT_EQ(d.blocks[0].marker, "3.");
  EXPECT_EQ(d.blocks[1].marker, "4.");
  EXPECT_EQ(d.blocks[2].marker, "");  // the item's second paragraph
  EXPECT_EQ(d.blocks[2].list_depth, 1);
  EXPECT_EQ(d.blocks[3].marker, "•");
  EXPECT_EQ(plain_text(d.blocks[2].runs), "续");
}

}  // namespace
}  // namespace paiban::doc
