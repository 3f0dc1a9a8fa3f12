// `{.appendix}`: the tables after such a heading are 附表1, 附表2, … in a
// sequence of their own, with their own list (附表目录) and continuation
// caption (续附表N); read back from the PDF.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <regex>

#include "bbox_lines.h"
#include "support/test_support.h"

namespace paiban {
namespace {

using testing::run_command;
using testing::TempDir;

std::string squeeze(const std::string& s) {
  std::string out;
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) out += c;
  return out;
}

/// A report with two body tables, then 附件 with three tables, the last long
/// enough to continue on a second page.
std::string report(const std::string& lists) {
  std::string long_rows;
  for (int i = 1; i <= 60; ++i) long_rows += fmt::format("| {} | 指标{}号 | {} |\n", i, i, 100 + i);
  return "---\ntitle: 报告\ndata: [data.yaml]\n---\n\n"
         "```contents\nlists: " + lists + "\n```\n\n"
         "# 正文\n\n见[@tab-body]和[@tab-a2]。\n\n"
         "| 项目 | 数 |\n|---|---:|\n| 甲 | {{ a }} |\n\n{#tab-body caption=\"正文一\"}\n\n"
         "| 项目 | 数 |\n|---|---:|\n| 乙 | 2 |\n\n{#tab-body2 caption=\"正文二\"}\n\n"
         "# 附件 {.unnumbered .appendix}\n\n"
         "```table\nid: tab-a1\ncaption: 计分卡\nrows: rows\nheader:\n  - [项目, 数]\n"
         "columns:\n  - {value: name}\n  - {value: n, total: sum}\ntotal: {label: 合计}\n```\n\n"
         "| 序号 | 指标 | 数 |\n|:---:|---|---:|\n" + long_rows + "\n{#tab-a2 caption=\"资源表\"}\n";
}

struct Pages {
  int exit_code;
  std::string err;
  std::vector<std::string> pages;  ///< each page's text, whitespace removed
};

Pages build(TempDir& dir, const std::string& lists, const std::string& layout = "") {
  dir.write("r/report.md", report(lists));
  dir.write("r/data.yaml", "a: 7\nrows:\n  - {name: 甲, n: 3}\n  - {name: 乙, n: 4}\n");
  std::string pdf = (dir.path() / "r.pdf").string();
  std::string with_layout;
  if (!layout.empty()) {
    dir.write("look.yaml", layout);
    with_layout = " --layout " + (dir.path() / "look.yaml").string();
  }
  auto r = run_command(std::string(PAIBAN_BINARY) + " build " + (dir.path() / "r").string() + with_layout + " -o " + pdf);
  Pages p{r.exit_code, r.err, {}};
  if (r.exit_code != 0) return p;
  std::smatch m;
  std::string info = run_command("pdfinfo " + pdf).out;
  int n = std::regex_search(info, m, std::regex("Pages:\\s+(\\d+)")) ? std::stoi(m[1]) : 0;
  for (int i = 1; i <= n; ++i)
    p.pages.push_back(squeeze(run_command(fmt::format("pdftotext -f {} -l {} {} -", i, i, pdf)).out));
  return p;
}

int page_with(const Pages& p, const std::string& text, int from = 0) {
  for (size_t i = from; i < p.pages.size(); ++i)
    if (p.pages[i].find(text) != std::string::npos) return static_cast<int>(i);
  return -1;
}

TEST(Appendix, TablesAfterItAre附表InASequenceOfTheirOwn) {
  TempDir dir;
  Pages p = build(dir, "[toc, tables, appendix-tables]");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_EQ(p.err, "");
  // 表目录 lists the body's tables only; 附表目录 the appendix's, with their pages.
  int tables = page_with(p, "表目录"), appendix = page_with(p, "附表目录");
  ASSERT_GE(tables, 0);
  ASSERT_GE(appendix, 0);
  EXPECT_NE(p.pages[tables].find("表1正文一"), std::string::npos) << p.pages[tables];
  EXPECT_NE(p.pages[tables].find("表2正文二"), std::string::npos);
  EXPECT_EQ(p.pages[tables].find("附表"), std::string::npos) << p.pages[tables];
  EXPECT_NE(p.pages[appendix].find("附表1计分卡"), std::string::npos) << p.pages[appendix];
  EXPECT_NE(p.pages[appendix].find("附表2资源表"), std::string::npos);
  // The body's captions and reference; the counter starts again at 1 after 附件.
  int body = page_with(p, "表1正文一", appendix + 1);
  ASSERT_GT(body, appendix);
  EXPECT_NE(p.pages[body].find("见表1和附表2。"), std::string::npos) << p.pages[body];
  EXPECT_NE(p.pages[body].find("表2正文二"), std::string::npos);
  EXPECT_EQ(page_with(p, "表3", appendix + 1), -1) << "附件's tables are not 表3, 表4";
  int a1 = page_with(p, "附表1计分卡", appendix + 1);
  ASSERT_GE(a1, body);
  EXPECT_NE(p.pages[a1].find("合计7"), std::string::npos);
  // The long table continues under 续附表2, the header repeated.
  int a2 = page_with(p, "附表2资源表", appendix + 1);
  ASSERT_GE(a2, a1);
  int cont = page_with(p, "续附表2资源表", a2 + 1);
  ASSERT_EQ(cont, a2 + 1) << "the continuation";
  EXPECT_NE(p.pages[cont].find("序号指标"), std::string::npos) << p.pages[cont];
  // Every row once, in the table's pages.
  for (int i = 1; i <= 60; ++i) {
    int on = 0;
    for (int k = a2; k < static_cast<int>(p.pages.size()); ++k)
      on += p.pages[k].find(fmt::format("指标{}号{}", i, 100 + i)) != std::string::npos;
    EXPECT_EQ(on, 1) << "row " << i;
  }
  // The list's page numbers are the tables' pages (body pages count from 1 after the front matter).
  int first_body = page_with(p, "正文", appendix + 1);
  EXPECT_NE(p.pages[appendix].find(fmt::format("附表2资源表{}", a2 - first_body + 1)), std::string::npos)
      << p.pages[appendix];
}

TEST(Appendix, Without附表目录The表目录ListsThemAll) {
  TempDir dir;
  Pages p = build(dir, "[toc, tables]");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  int tables = page_with(p, "表目录");
  ASSERT_GE(tables, 0);
  for (const char* entry : {"表1正文一", "表2正文二", "附表1计分卡", "附表2资源表"})
    EXPECT_NE(p.pages[tables].find(entry), std::string::npos) << entry << " in " << p.pages[tables];
  EXPECT_EQ(page_with(p, "附表目录"), -1);
}

TEST(Appendix, TheLayoutNamesTheWords) {
  TempDir dir;
  std::string layout = testing::read_file(testing::source_dir() + "/layouts/report.yaml");
  // (a labels: section of the test's own; report.yaml has none)
  ASSERT_EQ(layout.find("\nlabels:"), std::string::npos);
  layout += "labels:\n  appendix-table: 附录表\n  appendix-table-continued: 附录表（续）\n  appendix-tables: 附录表目录\n";
  Pages p = build(dir, "[appendix-tables]", layout);
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_NE(page_with(p, "附录表目录"), -1);
  EXPECT_NE(page_with(p, "附录表1计分卡"), -1);
  EXPECT_NE(page_with(p, "附录表（续）2资源表"), -1);
  EXPECT_EQ(page_with(p, "附表"), -1);
}

TEST(Appendix, AnUnknownListNamesIt) {
  TempDir dir;
  Pages p = build(dir, "[toc, appendix]");
  EXPECT_EQ(p.exit_code, 1);
  EXPECT_NE(p.err.find("error: contents: unknown list \"appendix\"\n"
                       "  hint: lists: toc (目录), tables (表目录), cases (案例目录), figures (图目录), appendix-tables (附表目录)"),
            std::string::npos)
      << p.err;
}

}  // namespace
}  // namespace paiban
