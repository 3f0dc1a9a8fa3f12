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
            "  hint: known keys: title, issuer, date, note, subject, keywords, layout, data, document, issuer-mark, "
            "doc-number, copy-number, secrecy, urgency, signer, to, signature, seal, remark, cc, printed-by, printed-date, "
            "attachments\n");
}

TEST(Parse, AMistypedNoticeKeyGetsDidYouMean) {
  EXPECT_TRUE(parse_errors("---\ntitle: t\nprinted_date: x\n---\n")
                  .starts_with("r.md:3:1: error: front matter: unknown key \"printed_date\"\n"
                               "  hint: did you mean \"printed-date\"?\n  hint: known keys: title,"));
}

TEST(Parse, TheNoticeKeysAreRead) {
  auto tree = parse_ok("---\ntitle: t\ndocument: notice\ndoc-number: 河东教发〔2024〕35号\ncopy-number: \"000012\"\n"
                       "cc: [市教育局, 区政府办公室]\nattachments: 提纲\nseal: images/seal.png\n---\n");
  EXPECT_EQ(tree.front.document, "notice");
  EXPECT_EQ(tree.front.doc_number, "河东教发〔2024〕35号");
  EXPECT_EQ(tree.front.copy_number, "000012");
  EXPECT_EQ(tree.front.cc, (std::vector<std::string>{"市教育局", "区政府办公室"}));
  EXPECT_EQ(tree.front.attachments, std::vector<std::string>{"提纲"});
  EXPECT_EQ(tree.front.spans.at("seal").line, 8);
  EXPECT_EQ(tree.front.spans.at("seal").col, 7);
}

TEST(Parse, ADocNumbersBracketsAreItsYearsSixCornered) {
  // Quoted: the column counts the quote; the bracket is the value's fourth character.
  EXPECT_TRUE(parse_errors("---\ntitle: t\ndoc-number: \"凉教发(2024)12号\"\n---\n")
                  .starts_with("r.md:3:17: error: front matter: doc-number \"凉教发(2024)12号\" puts the year in () rather than 〔〕"));
  EXPECT_TRUE(parse_errors("---\ntitle: t\ndoc-number: 凉教发〔2024〕第12号\n---\n")
                  .starts_with("r.md:3:22: error: front matter: doc-number \"凉教发〔2024〕第12号\": no 第 before the number"));
  EXPECT_EQ(parse_errors("---\ntitle: t\ndoc-number: 凉教发〔2024〕12号\n---\n"), "");
}

TEST(Parse, MissingOrUnclosedFrontMatter) {
  EXPECT_EQ(parse_errors("# 标题\n").substr(0, 47), "r.md:1:1: error: the report has no front matter");
  EXPECT_EQ(parse_errors("---\ntitle: t\n"),
            "r.md:1:1: error: the front matter is not closed\n"
            "  hint: end the front matter with a line of three dashes: ---\n");
}

TEST(Parse, RawHtmlIsAnErrorAtItsLine) {
  EXPECT_EQ(parse_errors("---\ntitle: t\n---\n\n<div>引文</div>\n"),
            "r.md:5:1: error: raw HTML is not part of a report's source\n"
            "  hint: write the text as Markdown; a table is a pipe table or a ```table block\n");
}

/// The runs of a one-paragraph document, as style:text pairs.
std::vector<std::pair<unsigned, std::string>> runs_of(const std::string& markdown) {
  auto t = parse_ok("---\ntitle: t\n---\n" + markdown);
  std::vector<std::pair<unsigned, std::string>> out;
  if (t.blocks.empty()) return out;
  for (const auto& r : t.blocks[0].runs) out.push_back({static_cast<unsigned>(r.style), r.text});
  return out;
}

TEST(Parse, CjkFriendlyStrongNextToChinesePunctuation) {
  using V = std::vector<std::pair<unsigned, std::string>>;
  // The closing ** follows 。 and precedes a Han character; CommonMark alone leaves the stars as text.
  EXPECT_EQ(runs_of("**（一）加强组织领导。**各学校要落实。\n"), (V{{2, "（一）加强组织领导。"}, {0, "各学校要落实。"}}));
  // The opening ** follows a Han character and precedes “.
  EXPECT_EQ(runs_of("培养**“双师型”**教师。\n"), (V{{0, "培养"}, {2, "“双师型”"}, {0, "教师。"}}));
  EXPECT_EQ(runs_of("~~删除~~的文字\n"), (V{{4, "删除"}, {0, "的文字"}}));
  // An escaped star is a star; a code span keeps its stars and no joiner reaches the text.
  EXPECT_EQ(runs_of("转义的\\*星号。\n"), (V{{0, "转义的*星号。"}}));
  EXPECT_EQ(runs_of("代码`a**b`。\n"), (V{{0, "代码a**b。"}}));
}

TEST(Parse, SpansAfterAJoinerKeepTheirSourceColumn) {
  // A joiner goes in before the closing **; {{ is the 12th code point of the line, joiner not counted.
  DiagnosticSink sink;
  parse_source(TextFile("r.md", "---\ntitle: t\n---\n**（一）领导。**各{{ }}\n"), sink);
  EXPECT_EQ(sink.format_all().substr(0, 27), "r.md:4:12: error: empty {{ ");
}

TEST(Parse, LinksFootnotesBreaksAndPipeTables) {
  auto t = parse_ok("---\ntitle: t\n---\n见[网站](https://a.cn/x)和<https://b.cn>，注[^src]。\\\n下一行\n\n"
                    "| 序号 | 名称 | 数 |\n|:---:|:---|---:|\n| 1 | **甲** | 2 |\n\n{#tab-x caption=\"获奖\" unit=\"项\"}\n\n"
                    "[^src]: 来源：财务处。\n");
  ASSERT_EQ(t.blocks.size(), 3u);
  const auto& p = t.blocks[0].runs;
  ASSERT_GE(p.size(), 7u);
  EXPECT_EQ(p[1].text, "网站");
  EXPECT_EQ(p[1].url, "https://a.cn/x");
  EXPECT_EQ(p[3].url, "https://b.cn");
  EXPECT_EQ(p[5].kind, InlineKind::FootnoteRef);
  EXPECT_EQ(p[5].text, "src");
  EXPECT_EQ(p[7].kind, InlineKind::LineBreak);
  const Block& table = t.blocks[1];
  EXPECT_EQ(table.kind, BlockKind::PipeTable);
  EXPECT_EQ(table.id, "tab-x");
  EXPECT_EQ(table.caption, "获奖");
  EXPECT_EQ(table.title, "项");
  EXPECT_EQ(table.columns, (std::vector<ColumnAlign>{ColumnAlign::Center, ColumnAlign::Left, ColumnAlign::Right}));
  ASSERT_EQ(table.children.size(), 2u);
  EXPECT_TRUE(table.children[0].numbered);  // the header row
  EXPECT_EQ(table.children[1].children[1].runs[0].style, InlineStyle::Strong);
  EXPECT_EQ(t.blocks[2].kind, BlockKind::Footnote);
  EXPECT_EQ(t.blocks[2].id, "src");
}

TEST(Parse, RightAlignedParagraphWithHardBreaks) {
  auto t = parse_ok("---\ntitle: t\n---\n凉州区教育局  \n2024年3月1日\n{.right}\n");
  ASSERT_EQ(t.blocks.size(), 1u);
  EXPECT_EQ(t.blocks[0].align, ParagraphAlign::Right);
  ASSERT_EQ(t.blocks[0].runs.size(), 3u);
  EXPECT_EQ(t.blocks[0].runs[1].kind, InlineKind::LineBreak);
  EXPECT_EQ(t.blocks[0].runs[2].text, "2024年3月1日");
}

TEST(Parse, DirectivesKeepTheirBodyAndPosition) {
  auto t = parse_ok("---\ntitle: t\n---\n\n```table\nid: tab-a\ncaption: 甲\n```\n\n"
                    "```case 教材建设 {#case-a}\n第一段。\n\n第二段。\n```\n\n```contents\nlists: [toc]\n```\n");
  ASSERT_EQ(t.blocks.size(), 3u);
  EXPECT_EQ(t.blocks[0].kind, BlockKind::Table);
  EXPECT_EQ(t.blocks[0].spec, "id: tab-a\ncaption: 甲\n");
  EXPECT_EQ(t.blocks[0].spec_line, 5);  // YAML line 1 is file line 6
  EXPECT_EQ(t.blocks[1].kind, BlockKind::Case);
  EXPECT_EQ(t.blocks[1].title, "教材建设");
  EXPECT_EQ(t.blocks[1].id, "case-a");
  ASSERT_EQ(t.blocks[1].children.size(), 2u);
  EXPECT_EQ(t.blocks[1].children[1].runs[0].text, "第二段。");
  EXPECT_EQ(t.blocks[1].children[1].span.to_string(), "r.md:13:1");
  EXPECT_EQ(t.blocks[2].kind, BlockKind::Contents);
}

TEST(Parse, UnknownDirectiveHasADidYouMean) {
  EXPECT_EQ(parse_errors("---\ntitle: t\n---\n```tabel\nid: x\n```\n"),
            "r.md:4:1: error: unknown directive \"tabel\"\n"
            "  hint: did you mean \"table\"?\n"
            "  hint: directives: table, case, contents, chart, figure\n");
}

TEST(Parse, ReferencesAndValuesBecomeTheirOwnRuns) {
  auto t = parse_ok("---\ntitle: t\n---\n名单见[@tab-schools]，共{{ schools.count | 0 }}所。\n");
  const auto& runs = t.blocks[0].runs;
  ASSERT_EQ(runs.size(), 5u);
  EXPECT_EQ(runs[0].text, "名单见");
  EXPECT_EQ(runs[1].kind, InlineKind::Reference);
  EXPECT_EQ(runs[1].text, "tab-schools");
  EXPECT_EQ(runs[1].span.to_string(), "r.md:4:4");
  EXPECT_EQ(runs[3].kind, InlineKind::Value);
  EXPECT_EQ(runs[3].text, "schools.count");
  EXPECT_EQ(runs[3].format, "0");
  EXPECT_EQ(runs[3].span.to_string(), "r.md:4:23");
  EXPECT_EQ(runs[4].text, "所。");
}

TEST(Parse, HeadingIdsAndPageBreaks) {
  auto t = parse_ok("---\ntitle: t\n---\n# 基本情况 {#sec-basic .notoc}\n\n{.pagebreak}\n");
  EXPECT_EQ(t.blocks[0].id, "sec-basic");
  EXPECT_FALSE(t.blocks[0].in_contents);
  EXPECT_EQ(t.blocks[1].kind, BlockKind::PageBreak);
}

TEST(Parse, UnknownAttributeIsAnError) {
  EXPECT_EQ(parse_errors("---\ntitle: t\n---\n# 前言 {.unumbered}\n"),
            "r.md:4:3: error: unknown attribute \".unumbered\"\n"
            "  hint: known here: #id .unnumbered .notoc .appendix .attachment\n");
}

TEST(Parse, DuplicateFrontMatterKey) {
  EXPECT_EQ(parse_errors("---\ntitle: 甲\ntitle: 乙\n---\n"),
            "r.md:3:1: error: duplicate key \"title\"\n  hint: \"title\" is first defined on line 2\n");
}

TEST(ParseCache, AnUnchangedSourceIsNotParsedAgainAndAChangedOrBrokenOneIs) {
  ParseCache cache;
  ParseCache::Scope scope(&cache);
  const std::string text = "---\ntitle: 报告\n---\n\n# 概况\n\n学校有{{ schools | count }}所。\n";
  DiagnosticSink sink;
  auto first = parse_source(TextFile("r.md", text), sink);
  auto second = parse_source(TextFile("r.md", text), sink);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(cache.hits(), 1u);
  ASSERT_EQ(second->blocks.size(), 2u);
  EXPECT_EQ(second->blocks[1].span.to_string(), "r.md:7:1");
  EXPECT_EQ(second->front.title, "报告");
  // The same text in another file is that file's: its spans name it.
  auto other = parse_source(TextFile("s.md", text), sink);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->blocks[1].span.to_string(), "s.md:7:1");
  EXPECT_EQ(cache.hits(), 1u);
  // One paragraph added: parsed again, and the new text is what comes back.
  auto changed = parse_source(TextFile("s.md", text + "\n第二段。\n"), sink);
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->blocks.size(), 3u);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_FALSE(sink.has_errors());
  // An error is reported on every build: what had one is not kept.
  const std::string broken = "---\ntitle: 报告\n";
  for (int build = 1; build <= 2; ++build) {
    DiagnosticSink each;
    parse_source(TextFile("r.md", broken), each);
    EXPECT_EQ(each.error_count(), 1) << "build " << build;
  }
  EXPECT_EQ(cache.hits(), 1u);
}

}  // namespace
}  // namespace paiban::source
