// The built binary on real input, checked the way a user would: with
// qpdf, poppler and the exact diagnostics on stderr.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <tuple>
#include <regex>
#include <sstream>

#include "bbox_lines.h"
#include "support/test_support.h"

namespace paiban {
namespace {

namespace fs = std::filesystem;
using testing::run_command;
using testing::TempDir;

const std::string kPaiban = PAIBAN_BINARY;

/// The file and face index fontconfig gives PATTERN, as `paiban fonts` prints them.
std::string fc_match(const std::string& pattern) {
  return run_command("fc-match -f '%{file}#%{index}' '" + pattern + "'").out;
}

std::string default_report() { return testing::source_dir() + "/data/liangzhou-2023"; }

std::string without_whitespace(const std::string& s) {
  std::string out;
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) out += c;
  return out;
}

/// The PDF gate: what every PDF paiban writes must pass.
void expect_clean_pdf(const std::string& pdf) {
  auto check = run_command("qpdf --check " + pdf);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("No syntax or stream encoding errors found"), std::string::npos) << check.out;
  EXPECT_EQ(check.out.find("WARNING"), std::string::npos) << check.out;
  EXPECT_EQ(check.err, "");

  auto fonts = run_command("pdffonts " + pdf);
  EXPECT_EQ(fonts.err, "");
  std::istringstream rows(fonts.out);
  std::string row;
  int n = 0, font_rows = 0;
  while (std::getline(rows, row)) {
    if (++n <= 2) continue;  // header lines
    ++font_rows;
    EXPECT_NE(row.find("Identity-H       yes yes yes"), std::string::npos) << "not embedded+subset+ToUnicode: " << row;
  }
  EXPECT_GE(font_rows, 2);

  for (const char* tool : {"pdfinfo", "pdftotext -q-no", "pdftoppm -r 20 -png"}) {
    std::string cmd = std::string(tool) == "pdftotext -q-no" ? "pdftotext " + pdf + " /dev/null"
                      : std::string(tool).starts_with("pdftoppm") ? std::string(tool) + " " + pdf + " /dev/null"
                                                                  : std::string(tool) + " " + pdf;
    auto r = run_command(cmd);
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_EQ(r.err, "") << cmd;
  }
}

int page_count(const std::string& pdf) {
  auto info = run_command("pdfinfo " + pdf);
  std::smatch m;
  std::regex re("Pages:\\s+(\\d+)");
  return std::regex_search(info.out, m, re) ? std::stoi(m[1]) : -1;
}

/// The data checks that fail on the default report: the published report's
/// own inconsistencies (data/liangzhou-2023/FINDINGS.md).
const std::vector<std::string> kFindings = {
    "表2 2022年中职在校生数等于全日制在校学生数（1.1.2）",
    "专业技能课合格率（2.3所印）等于表6 2022年专业技能合格人数÷参加人数",
    "体质测评合格率（2.3所印）等于表6 2022年体质测评合格人数÷参加人数",
    "巩固率（2.3所印）等于表6 2022年应届人数÷入校人数",
    "毕业生总数（4.2.1所印）等于2.4和表6的毕业生总数",
    "就业率（2.4所印）等于就业人数÷毕业生总数",
    "升学占比（2.4所印）等于升入高一级院校人数÷毕业生总数",
    "第三产业占比（2.4所印）等于第三产业人数÷直接就业人数",
    "学校推荐就业占比（2.4所印）等于学校推荐人数÷直接就业人数",
    "无法评估和不满意占比（2.4所印）等于1−三项满意人数÷调查人数",
};

/// The names of the failed checks in a run's diagnostics, and whether
/// anything else was reported.
std::vector<std::string> failed_checks(const std::string& err, std::string& other) {
  std::vector<std::string> names;
  std::istringstream in(err);
  std::string line;
  std::regex check(R"re(: warning: check "(.*)" fails: )re");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, check)) names.push_back(m[1]);
    else if (!line.starts_with("  ")) other += line + "\n";
  }
  return names;
}

TEST(DefaultReport, BuildsAndPassesThePdfGate) {
  TempDir dir;
  std::string pdf = (dir.path() / "r.pdf").string();
  auto r = run_command(kPaiban + " build " + default_report() + " -o " + pdf);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string other;
  EXPECT_EQ(failed_checks(r.err, other).size(), kFindings.size());
  EXPECT_EQ(other, "");
  EXPECT_EQ(r.out, pdf + ": " + std::to_string(page_count(pdf)) + " pages\n");
  EXPECT_GE(page_count(pdf), 20);
  EXPECT_LT(std::filesystem::file_size(pdf), 1500u * 1024);
  expect_clean_pdf(pdf);
}

/// A block of text on a page read back from its word boxes: the words that
/// touch on a line (a gap under 5 pt; cells of a row are 8 pt or more apart,
/// less a trimmed half em where a line opens with a bracket or quote)
/// or stack on the next line (less than 2 pt between the boxes; rows are 6 pt
/// apart, paragraph lines 5 pt) with overlapping x ranges. A table cell is one
/// such block, its lines in reading order.
struct TextBlock {
  int page;
  double x0, y0, x1, y1;
  std::string text;
};

std::vector<TextBlock> text_blocks(const std::string& pdf, double top, double bottom) {
  std::vector<testing::BoxWord> words;
  std::vector<int> pages;
  for (const auto& line : testing::read_box_lines(pdf))
    for (const auto& w : line.words)
      if (w.y0 >= top && w.y1 <= bottom) words.push_back(w), pages.push_back(line.page);
  std::vector<size_t> parent(words.size());
  for (size_t i = 0; i < parent.size(); ++i) parent[i] = i;
  auto find = [&](size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  for (size_t i = 0; i < words.size(); ++i)
    for (size_t j = i + 1; j < words.size() && pages[j] == pages[i]; ++j) {
      const auto &a = words[i], &b = words[j];
      double v_overlap = std::min(a.y1, b.y1) - std::max(a.y0, b.y0);
      double h_overlap = std::min(a.x1, b.x1) - std::max(a.x0, b.x0);
      double h_gap = std::max(a.x0, b.x0) - std::min(a.x1, b.x1);
      double v_gap = std::max(a.y0, b.y0) - std::min(a.y1, b.y1);
      // One line: the middles of the boxes within 3 pt (a Latin word's box is
      // shorter than a Han one's, on the same baseline).
      bool same_line = std::abs((a.y0 + a.y1) - (b.y0 + b.y1)) / 2 < 3 && h_gap < 5;
      bool stacked = h_overlap > 0 && v_gap < 2 && v_overlap < 0.5 * std::min(a.y1 - a.y0, b.y1 - b.y0);
      if (same_line || stacked) parent[find(i)] = find(j);
    }
  std::map<size_t, std::vector<size_t>> groups;
  for (size_t i = 0; i < words.size(); ++i) groups[find(i)].push_back(i);
  std::vector<TextBlock> blocks;
  for (auto& [root, members] : groups) {
    // Lines top to bottom (by the middle of the boxes), words left to right.
    std::sort(members.begin(), members.end(), [&](size_t a, size_t b) {
      double ma = (words[a].y0 + words[a].y1) / 2, mb = (words[b].y0 + words[b].y1) / 2;
      if (std::abs(ma - mb) > 4) return ma < mb;
      return words[a].x0 < words[b].x0;
    });
    TextBlock t{pages[root], 1e9, 1e9, -1e9, -1e9, ""};
    for (size_t i : members) {
      t.x0 = std::min(t.x0, words[i].x0), t.y0 = std::min(t.y0, words[i].y0);
      t.x1 = std::max(t.x1, words[i].x1), t.y1 = std::max(t.y1, words[i].y1);
      t.text += words[i].text;
    }
    blocks.push_back(t);
  }
  std::sort(blocks.begin(), blocks.end(), [](const TextBlock& a, const TextBlock& b) {
    return std::tie(a.page, a.y0, a.x0) < std::tie(b.page, b.y0, b.x0);
  });
  return blocks;
}

/// True if B may come after A in a table's reading order: further right (in
/// the same row, or in a row below a label that spans rows and is centred on
/// them), or in a row below, or on a later page.
bool reads_after(const TextBlock& a, const TextBlock& b) {
  if (b.page != a.page) return b.page > a.page;
  return b.x0 >= a.x1 - 0.5 || b.y0 >= a.y1 - 0.5;
}

/// Checks the reference's table cells in order: each one is a block of the
/// PDF whole (not a piece of a longer cell, nor pieces found here and there)
/// and comes after the previous cell in reading order. Returns the failures.
std::vector<std::string> missing_cells(const std::vector<TextBlock>& blocks, const std::vector<std::string>& cells) {
  std::vector<std::string> failures;
  const TextBlock* previous = nullptr;
  for (const auto& cell : cells) {
    const TextBlock* found = nullptr;
    for (const auto& b : blocks)
      if (b.text == cell && (!previous || reads_after(*previous, b))) {
        found = &b;
        break;
      }
    if (!found) {
      failures.push_back(cell);
      continue;
    }
    previous = found;
  }
  return failures;
}

TEST(TableCellCheck, ACellIsFoundWholeAndInOrder) {
  std::vector<TextBlock> blocks = {{1, 100, 100, 140, 115, "序号"}, {1, 150, 100, 250, 115, "学校名称"},
                                   {1, 100, 120, 140, 135, "1"},    {1, 150, 120, 250, 150, "凉州区职业中等专业学校"},
                                   {2, 100, 100, 140, 115, "2"},    {2, 150, 100, 250, 115, "武威师范学校"}};
  EXPECT_EQ(missing_cells(blocks, {"序号", "学校名称", "1", "凉州区职业中等专业学校", "2", "武威师范学校"}),
            std::vector<std::string>{});
  // Made-up cells, a piece of a cell, cells out of their order.
  EXPECT_EQ(missing_cells(blocks, {"99999"}), std::vector<std::string>{"99999"});
  EXPECT_EQ(missing_cells(blocks, {"表10"}), std::vector<std::string>{"表10"});
  EXPECT_EQ(missing_cells(blocks, {"职业中等"}), std::vector<std::string>{"职业中等"});
  EXPECT_EQ(missing_cells(blocks, {"武威师范学校", "学校名称"}), std::vector<std::string>{"学校名称"});
  EXPECT_EQ(missing_cells(blocks, {"1", "序号"}), std::vector<std::string>{"序号"});
}

TEST(DefaultReport, ExtractedTextHoldsEveryParagraphAndTableCellOfTheReference) {
  TempDir dir;
  std::string pdf = (dir.path() / "r.pdf").string();
  ASSERT_EQ(run_command(kPaiban + " build " + default_report() + " -o " + pdf).exit_code, 0);
  // The type area only (no running header, no page number), so that a
  // paragraph running over a page break reads on unbroken.
  std::string text = without_whitespace(run_command("pdftotext -x 0 -y 80 -W 596 -H 685 " + pdf + " -").out);

  std::istringstream expected(testing::read_file(testing::source_dir() + "/tests/e2e/reference/liangzhou-2023.txt"));
  std::string line;
  int items = 0;
  std::vector<std::string> cells;
  while (std::getline(expected, line)) {
    if (line.empty() || line[0] == '#') continue;
    ++items;
    // A paragraph must read on whole; a table cell must be a cell of the PDF,
    // whole, after the one before it.
    if (line.starts_with("cell: ")) cells.push_back(without_whitespace(line.substr(6)));
    else EXPECT_NE(text.find(without_whitespace(line)), std::string::npos) << "missing from the PDF: " << line;
  }
  EXPECT_GT(items, 500);
  EXPECT_GT(cells.size(), 400u);
  EXPECT_EQ(missing_cells(text_blocks(pdf, 80, 765), cells), std::vector<std::string>{})
      << "cells missing from the PDF, or not where the reference has them";
  for (const char* heading : {"前言", "1.基本情况", "1.1办学规模", "1.1.1中等职业学校结构", "1.2.2设施设备",
                              "2.学生发展质量", "2.6技能大赛", "3.6.4教师荣誉", "挑战1：职业教育重视程度不够",
                              "7.3积极推进实施产教融合发展工程"})
    EXPECT_NE(text.find(heading), std::string::npos) << heading;
}

TEST(DefaultReport, SameInputGivesTheSameBytes) {
  TempDir dir;
  std::string a = (dir.path() / "a.pdf").string(), b = (dir.path() / "b.pdf").string();
  ASSERT_EQ(run_command(kPaiban + " build " + default_report() + " -o " + a).exit_code, 0);
  ASSERT_EQ(run_command(kPaiban + " build " + default_report() + " -o " + b).exit_code, 0);
  EXPECT_EQ(testing::read_file(a), testing::read_file(b));
}

TEST(DefaultReport, DefaultOutputPathIsOutputSlashFolderName) {
  TempDir dir;
  auto r = run_command("cd " + dir.path().string() + " && " + kPaiban + " build " + default_report());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir.path() / "output" / "liangzhou-2023.pdf"));
}

TEST(Cli, CheckReportsTheReportsRealInconsistenciesWithoutWritingAPdf) {
  TempDir dir;
  auto r = run_command("cd " + dir.path().string() + " && " + kPaiban + " check " + default_report());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string other;
  EXPECT_EQ(failed_checks(r.err, other), kFindings);
  EXPECT_EQ(other, "");
  // Each comes with both values and where each is from.
  EXPECT_NE(r.err.find("structure[1].vocational_students = 10391 ("), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("tables/structure.csv:3:"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir.path() / "output"));
  // With --strict they are errors.
  auto strict = run_command(kPaiban + " check --strict " + default_report());
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_NE(strict.err.find(": error: check \"表2 2022年中职在校生数"), std::string::npos);
}

TEST(Cli, FontsListsEveryRole) {
  auto r = run_command(kPaiban + " fonts");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("song\tcjk\tNoto Serif CJK SC:style=Regular\t" + fc_match("Noto Serif CJK SC:style=Regular") + "\n"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("hei-bold\tlatin\tLiberation Sans:style=Bold\t" + fc_match("Liberation Sans:style=Bold") + "\n"),
            std::string::npos) << r.out;
}

TEST(Cli, UsageErrorsExitWithTwo) {
  EXPECT_EQ(run_command(kPaiban).exit_code, 2);
  EXPECT_EQ(run_command(kPaiban + " build").exit_code, 2);
  EXPECT_EQ(run_command(kPaiban + " build x --no-such-flag").exit_code, 2);
  EXPECT_EQ(run_command(kPaiban + " --help").exit_code, 0);
}

/// A broken report next to a previous good PDF: the diagnostic is exact, the
/// exit code 1, and the previous PDF is left as it was with nothing beside it.
struct BadInput {
  const char* name;
  std::string report_md;  ///< empty: no report.md at all
  bool broken_fonts = false;
  std::string expected;  ///< stderr, with {DIR} for the report folder and {ROOT} for the resource root
};

class BadInputTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadInputTest, ExactDiagnosticExitOneAndThePreviousPdfStays) {
  const BadInput& c = GetParam();
  TempDir dir;
  std::string report = (dir.path() / "report").string();
  fs::create_directories(report);
  if (!c.report_md.empty()) dir.write("report/report.md", c.report_md);
  // A resource root of our own when the fonts are to be broken.
  std::string root = testing::source_dir();
  if (c.broken_fonts) {
    root = (dir.path() / "root").string();
    fs::create_directories(root + "/layouts");
    fs::copy_file(testing::source_dir() + "/layouts/report.yaml", root + "/layouts/report.yaml");
    dir.write("root/fonts/fonts.yaml", "roles:\n  song:\n    cjk: [\"Noto Serif CJK SC\"]\n    latin: [\"Times New Roman\"]\n");
  }
  std::string out_dir = (dir.path() / "out").string();
  std::string pdf = dir.write("out/report.pdf", "previous good PDF");

  auto r = run_command("PAIBAN_HOME=" + root + " " + kPaiban + " build " + report + " -o " + pdf);
  std::string expected = std::regex_replace(std::regex_replace(c.expected, std::regex("\\{DIR\\}"), report),
                                            std::regex("\\{ROOT\\}"), root);
  EXPECT_EQ(r.err, expected);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(testing::read_file(pdf), "previous good PDF");
  int files = 0;
  for (auto& e : fs::directory_iterator(out_dir)) (void)e, ++files;
  EXPECT_EQ(files, 1) << "a temporary file was left in the output folder";
}

INSTANTIATE_TEST_SUITE_P(
    Cli, BadInputTest,
    ::testing::Values(
        BadInput{"UnreadableFile", "", false,
                 "{DIR}/report.md:1:1: error: cannot read file: No such file or directory\n"},
        BadInput{"InvalidUtf8", "---\ntitle: 报告\n---\n\n正文\xD5\xFD文\n", false,
                 "{DIR}/report.md:5:3: error: invalid UTF-8: byte 0xD5 does not start a valid sequence\n"
                 "  hint: save the file as UTF-8 (GBK and other legacy encodings are not read)\n"},
        BadInput{"YamlErrorInFrontMatter", "---\ntitle: 报告\nissuer: [凉州区\n---\n\n正文\n", false,
                 "{DIR}/report.md:4:1: error: front matter: end of sequence flow not found\n"
                 "  hint: the front matter is YAML between two lines of ---, e.g. `title: 报告标题`\n"},
        BadInput{"FontNotInstalled", "---\ntitle: 报告\n---\n\n正文\n", true,
                 "{ROOT}/fonts/fonts.yaml:4:13: error: font \"Times New Roman\" is not installed\n"
                 "  hint: install it (the defaults come with: apt-get install fonts-noto-cjk fonts-liberation2), "
                 "or copy its file into fonts/ and name the file here\n"},
        BadInput{"MissingGlyph", "---\ntitle: 报告\n---\n\n正文\U0001F600。\n", false,
                 "{DIR}/report.md:5:3: error: no font of role \"song\" has U+1F600 (\U0001F600)\n"
                 "  hint: add a font that has it to the role's chain in fonts/fonts.yaml\n"}),
    [](const ::testing::TestParamInfo<BadInput>& info) { return info.param.name; });

}  // namespace
}  // namespace paiban

namespace paiban {
namespace {

TEST(Cli, OverfullLineIsAWarningAndWithStrictAnError) {
  TempDir dir;
  dir.write("r/report.md",
            // (a number: a Latin word this long is hyphenated)
            "---\ntitle: 报告\n---\n\n正文31415926535897932384626433832795028841971693993751"
            "05820974944592307816406286208998628034825342117067982148086513282306647093844609。\n");
  std::string report = (dir.path() / "r").string(), pdf = (dir.path() / "r.pdf").string();
  auto r = run_command(kPaiban + " build " + report + " -o " + pdf);
  EXPECT_EQ(r.exit_code, 0);
  std::regex warning(report + "/report.md:5:1: warning: line 1 of this paragraph \\(page 1\\) is overfull by "
                              "[0-9]+\\.[0-9]{2}pt\n  hint: rephrase, or allow a break in the long word or number\n");
  EXPECT_TRUE(std::regex_match(r.err, warning)) << r.err;
  EXPECT_TRUE(fs::exists(pdf));

  fs::remove(pdf);
  auto strict = run_command(kPaiban + " build --strict " + report + " -o " + pdf);
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_NE(strict.err.find("/report.md:5:1: error: line 1 of this paragraph (page 1) is overfull by "), std::string::npos)
      << strict.err;
  EXPECT_FALSE(fs::exists(pdf));
}

}  // namespace
}  // namespace paiban

namespace paiban {
namespace {

TEST(Cli, FontsWithAReportNamesWhatNoFontOfTheRoleCovers) {
  TempDir dir;
  dir.write("r/report.md", "---\ntitle: 报告\n---\n\n正文\U0001F600。**粗体**\n");
  auto r = run_command(kPaiban + " fonts " + (dir.path() / "r").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("song\tmissing: U+1F600 \U0001F600\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("song-bold\tcovers every character\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("kai-bold\tcjk\tAR PL UKai CN:style=Bold\t" + fc_match("AR PL UKai CN") + "\tsynthetic bold\n"),
            std::string::npos);
}

TEST(Cli, SyntheticBoldIsFillPlusStrokeOfTheRegularFace) {
  TempDir dir;
  dir.write("r/report.md", "---\ntitle: 报告\n---\n\n**楷体加粗**与楷体。\n");
  std::string layout = testing::read_file(testing::source_dir() + "/layouts/report.yaml");
  layout.replace(layout.find("strong-role: song-bold"), 22, "strong-role: kai-bold");
  layout.replace(layout.find("role: song\n"), 11, "role: kai\n");
  dir.write("bold.yaml", layout);
  std::string pdf = (dir.path() / "b.pdf").string();
  auto r = run_command(kPaiban + " build " + (dir.path() / "r").string() + " --layout " + (dir.path() / "bold.yaml").string() +
                       " -o " + pdf);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // One embedded UKai: the emboldened text uses the same font program …
  auto fonts = run_command("pdffonts " + pdf).out;
  size_t ukai = 0;
  for (size_t p = fonts.find("+UKaiCN"); p != std::string::npos; p = fonts.find("+UKaiCN", p + 1)) ++ukai;
  EXPECT_EQ(ukai, 1u) << fonts;
  // … drawn in text render mode 2 (fill, then stroke) with a 0.36 pt line (0.03 em at 12 pt).
  auto content = run_command("qpdf --qdf --object-streams=disable " + pdf + " - | grep -a -c '^2 Tr 0.36 w$'");
  EXPECT_EQ(content.out, "1\n");
  auto text = run_command("pdftotext -f 2 " + pdf + " -").out;
  EXPECT_NE(text.find("楷体加粗与楷体。"), std::string::npos) << text;
}

}  // namespace
}  // namespace paiban

namespace paiban {
namespace {

TEST(Cli, SyntheticObliqueIsASkewedTextMatrix) {
  TempDir dir;
  std::string root = (dir.path() / "root").string();
  fs::create_directories(root + "/layouts");
  fs::copy_file(testing::source_dir() + "/layouts/report.yaml", root + "/layouts/report.yaml");
  std::string fonts = testing::read_file(testing::source_dir() + "/fonts/fonts.yaml");
  // 宋 in UKai slanted: UKai has no italic face.
  const std::string regular = "cjk: [\"Noto Serif CJK SC:style=Regular\"]";
  fonts.replace(fonts.find(regular), regular.size(), "cjk: [\"AR PL UKai CN:style=Italic\"]");
  dir.write("root/fonts/fonts.yaml", fonts);
  auto listed = run_command("PAIBAN_HOME=" + root + " " + kPaiban + " fonts");
  EXPECT_NE(listed.out.find("song\tcjk\tAR PL UKai CN:style=Italic\t" + fc_match("AR PL UKai CN") + "\t"
                            "synthetic oblique\n"),
            std::string::npos) << listed.out;
  dir.write("r/report.md", "---\ntitle: 报告\n---\n\n斜体的楷书。\n");
  std::string pdf = (dir.path() / "o.pdf").string();
  auto r = run_command("PAIBAN_HOME=" + root + " " + kPaiban + " build " + (dir.path() / "r").string() + " -o " + pdf);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto content = run_command("qpdf --qdf --object-streams=disable " + pdf + " - | grep -a -c '^1 0 0.2126 1 '");
  EXPECT_NE(content.out, "0\n");
  EXPECT_NE(run_command("pdftotext -f 2 " + pdf + " -").out.find("斜体的楷书。"), std::string::npos);
}

}  // namespace
}  // namespace paiban
