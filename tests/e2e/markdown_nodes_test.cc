// Every node type cmark-gfm and its extensions (table, strikethrough,
// autolink, footnotes) produce, read back from the PDF: rendered (its text
// on the page, no syntax left), or refused with an exact positioned error.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <regex>

#include "pdf_inspect.h"
#include "support/test_support.h"

namespace paiban {
namespace {

using testing::run_command;
const std::string kPaiban = PAIBAN_BINARY;

// Each rendered node type and a text of it that must be on the page.
const char* const kDocument = R"md(---
title: 节点测试
---

# 标题节点

段落节点：**强调节点（strong）**，*emph节点*，~~删除线节点~~，`code节点`，
软换行节点，硬换行节点\
第二行。[链接节点](https://example.org/link)与<https://example.org/auto>及www.example.com。注释节点[^n]。

> 引用节点。

- 列表项节点

1. 有序列表节点

---

| 表头节点 | 数值 |
|:---|---:|
| 表格单元节点 | 7 |

[^n]: 脚注定义节点。
)md";

class MarkdownNodes : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    static testing::TempDir dir;
    dir.write("r/report.md", kDocument);
    pdf_ = (dir.path() / "nodes.pdf").string();
    auto r = run_command(kPaiban + " build " + (dir.path() / "r").string() + " -o " + pdf_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    err_ = r.err;
    text_ = run_command("pdftotext " + pdf_ + " -").out;
    text_.erase(std::remove_if(text_.begin(), text_.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); }),
                text_.end());
  }
  static std::string pdf_, text_, err_;
};
std::string MarkdownNodes::pdf_, MarkdownNodes::text_, MarkdownNodes::err_;

TEST_F(MarkdownNodes, EveryRenderedNodeIsOnThePageWithoutItsSyntax) {
  EXPECT_EQ(err_, "");
  for (const char* t : {"1.标题节点", "段落节点：强调节点（strong），emph节点，删除线节点，code节点，软换行节点，硬换行节点",
                        "第二行。链接节点与https://example.org/auto及www.example.com。注释节点①。", "引用节点。",
                        "•列表项节点", "1.有序列表节点", "表头节点", "表格单元节点", "①脚注定义节点。"})
    EXPECT_NE(text_.find(t), std::string::npos) << t << "\n" << text_;
  for (const char* syntax : {"**", "~~", "`", "[^", "](", "|", "---", "> ", "\\"})
    EXPECT_EQ(text_.find(syntax), std::string::npos) << syntax;
}

TEST_F(MarkdownNodes, LinksAndAutolinksAreUriAnnotationsOverTheirText) {
  auto pdf = testing::PdfInspector(pdf_);
  std::map<std::string, std::string> uris;  // URI → the text its rectangle covers
  for (size_t i = 0; i < pdf.page_count(); ++i) {
    const auto& page = pdf.object(pdf.json()["pages"][i]["object"]);
    if (!page.contains("/Annots")) continue;
    for (const auto& ref : page["/Annots"]) {
      const auto& a = pdf.object(ref.get<std::string>());
      if (!a.contains("/A")) continue;
      const auto& rect = a["/Rect"];
      uris[a["/A"]["/URI"].get<std::string>().substr(2)] =
          pdf.text_in(i, rect[0].get<double>() + 2, rect[1].get<double>(), rect[2].get<double>() - 2,
                      rect[3].get<double>());
    }
  }
  EXPECT_EQ(uris["https://example.org/link"], "链接节点");
  EXPECT_EQ(uris["https://example.org/auto"], "https://example.org/auto");
  EXPECT_EQ(uris["http://www.example.com"], "www.example.com");
}

TEST(MarkdownReferences, ACrossReferenceLinksToItsTargetsPage) {
  testing::TempDir dir;
  std::string filler;
  for (int i = 0; i < 40; ++i) filler += "职业教育质量年度报告编制工作稳步推进。";
  dir.write("r/report.md", "---\ntitle: t\n---\n见[@tab-a]。\n\n" + filler + "\n\n{.pagebreak}\n\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n\n"
                           "{#tab-a caption=\"测试表\"}\n");
  std::string pdf = (dir.path() / "r.pdf").string();
  auto r = run_command(kPaiban + " build " + (dir.path() / "r").string() + " -o " + pdf);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto inspect = testing::PdfInspector(pdf);
  int from = -1, to = -1;
  for (size_t i = 0; i < inspect.page_count(); ++i) {
    const auto& page = inspect.object(inspect.json()["pages"][i]["object"]);
    if (!page.contains("/Annots")) continue;
    for (const auto& ref : page["/Annots"]) {
      const auto& a = inspect.object(ref.get<std::string>());
      if (!a.contains("/Dest")) continue;
      const auto& rect = a["/Rect"];
      EXPECT_EQ(inspect.text_in(i, rect[0].get<double>() + 1, rect[1].get<double>(), rect[2].get<double>() - 1,
                                rect[3].get<double>()),
                "表1");
      from = static_cast<int>(i);
      to = inspect.page_index(a["/Dest"][0]);
    }
  }
  ASSERT_GE(from, 0);
  EXPECT_NE(inspect.text_in(to, 0, 0, 595, 842).find("表1测试表"), std::string::npos);  // the page that holds the table
  EXPECT_GT(to, from);
}

/// The diagnostics of building a report whose body is BODY.
std::string errors_of(const std::string& body) {
  testing::TempDir dir;
  dir.write("r/report.md", "---\ntitle: t\n---\n" + body);
  std::string out = (dir.path() / "r.pdf").string();
  auto r = run_command(kPaiban + " build " + (dir.path() / "r").string() + " -o " + out);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(out));
  std::string s = r.err, prefix = (dir.path() / "r").string() + "/";
  for (size_t p; (p = s.find(prefix)) != std::string::npos;) s.erase(p, prefix.size());
  return s;
}

TEST(MarkdownRefused, EachRefusedNodeIsAnErrorAtItsPosition) {
  EXPECT_EQ(errors_of("<div>块</div>\n"),
            "report.md:4:1: error: raw HTML is not part of a report's source\n"
            "  hint: write the text as Markdown; a table is a pipe table or a ```table block\n");
  EXPECT_EQ(errors_of("正文<b>粗</b>。\n"),
            "report.md:4:3: error: raw HTML is not part of a report's source\n"
            "  hint: write the text as Markdown: **strong**, *emphasis*, ~~struck~~, [text](url)\n"
            "report.md:4:7: error: raw HTML is not part of a report's source\n"
            "  hint: write the text as Markdown: **strong**, *emphasis*, ~~struck~~, [text](url)\n");
  EXPECT_EQ(errors_of("```\ncode\n```\n"),
            "report.md:4:1: error: code blocks are not supported\n"
            "  hint: a fenced block names a directive: ```table, ```case or ```contents\n");
  EXPECT_EQ(errors_of("正文[^x]。\n"),
            "report.md:4:3: error: footnote [^x] is not defined\n"
            "  hint: define it on a line of its own: [^x]: 注释的文字。\n");
  EXPECT_EQ(errors_of("# 一\n\n## 二\n\n### 三\n\n#### 四\n\n##### 五\n"),
            "report.md:12:1: error: a level-5 heading: the layout styles and numbers headings down to level 4\n"
            "  hint: use at most 4 # signs, or write a paragraph with **strong** text\n");
}

TEST(MarkdownRefused, AnUnusedFootnoteIsAWarning) {
  testing::TempDir dir;
  dir.write("r/report.md", "---\ntitle: t\n---\n正文。\n\n[^a]: 没有引用的注释。\n");
  auto r = run_command(kPaiban + " build " + (dir.path() / "r").string() + " -o " + (dir.path() / "r.pdf").string());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.err.find("report.md:6:7: warning: footnote [^a] is defined but never referred to"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace paiban
