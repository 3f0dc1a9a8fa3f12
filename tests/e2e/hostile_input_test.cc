// Hostile input that used to crash, hang or read outside the report: each
// is an error with a position, exit 1 and no PDF.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <regex>

#include "support/test_support.h"

namespace paiban {
namespace {

namespace fs = std::filesystem;
using testing::run_command;
using testing::TempDir;

const std::string kPaiban = PAIBAN_BINARY;

/// Writes FILES into DIR/r and builds it to DIR/r.pdf.
testing::CommandResult build(TempDir& dir, const std::map<std::string, std::string>& files,
                             const std::string& extra = "", const std::string& env = "") {
  for (const auto& [name, content] : files) dir.write("r/" + name, content);
  return run_command(env + kPaiban + " build " + (dir.path() / "r").string() + " -o " + (dir.path() / "r.pdf").string() +
                     extra);
}

/// The diagnostics with the temporary folder's path shown as "<dir>".
std::string shown(const TempDir& dir, std::string text) {
  std::string prefix = dir.path().string();
  for (size_t at; (at = text.find(prefix)) != std::string::npos;) text.replace(at, prefix.size(), "<dir>");
  return text;
}

const std::string kFront = "---\ntitle: t\ndata: [data.yaml]\n---\n\n";

TEST(HostileInput, YamlDirOfItsOwnFolder) {
  TempDir dir;
  auto r = build(dir, {{"report.md", kFront + "正文。\n"}, {"data.yaml", "s: {yaml_dir: .}\n"}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(shown(dir, r.err),
            "<dir>/r/data.yaml:1:15: error: yaml_dir \".\" includes <dir>/r/data.yaml, which is already being read: it "
            "would include itself\n"
            "  hint: keep the per-school files in a folder of their own, e.g. yaml_dir: schools\n");
  EXPECT_FALSE(fs::exists(dir.path() / "r.pdf"));
}

TEST(HostileInput, LongExpressionsInTheText) {
  std::string sum = "1", fields = "x", indexes = "l";
  for (int i = 0; i < 6000; ++i) sum += "+1";
  for (int i = 0; i < 200000; ++i) fields += ".a", indexes += "[0]";
  for (const std::string& e : {sum, fields, indexes}) {
    TempDir dir;
    auto r = build(dir, {{"report.md", kFront + "正文{{ " + e + " }}。\n"}, {"data.yaml", "x: {a: 1}\nl: [1]\n"}});
    EXPECT_EQ(r.exit_code, 1) << r.err.substr(0, 300);
    EXPECT_NE(r.err.find(": error: the expression is too long: more than 256 operations in a chain\n"), std::string::npos)
        << r.err.substr(0, 300);
  }
}

TEST(HostileInput, AnOverflowIsAnErrorNotInf) {
  TempDir dir;
  auto r = build(dir, {{"report.md", kFront + "值{{ big * 10 }}。\n"}, {"data.yaml", "big: 1e308\n"}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(shown(dir, r.err),
            "<dir>/r/report.md:6:9: error: the result is too large to be a number\n"
            "  hint: a value beyond ±1.8e308 cannot be printed\n");
}

TEST(HostileInput, AColspanBeyondTheColumns) {
  TempDir dir;
  auto r = build(dir, {{"report.md", kFront + "```table\ncaption: 表\nrows: t\ncolumns: [a, b]\nheader:\n"
                                              "  - [{text: 乙, colspan: 2147483647}]\n```\n"},
                       {"data.yaml", "t: [{a: 1, b: 2}]\n"}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(shown(dir, r.err),
            "<dir>/r/report.md:11:25: error: colspan must be a whole number from 1 to 2\n"
            "<dir>/r/report.md:11:5: error: table: header row 1 covers 1 of the 2 columns\n");
}

TEST(HostileInput, AContentsBlockThatIsAScalar) {
  TempDir dir;
  auto r = build(dir, {{"report.md", "---\ntitle: t\n---\n\n```contents\ntoc\n```\n"}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(shown(dir, r.err), "<dir>/r/report.md:5:1: error: contents: expected `lists: [toc, tables, cases]`\n");
}

/// The installed report layout with LINE replaced by REPLACEMENT.
std::string layout_with(const std::string& line, const std::string& replacement) {
  std::string text = testing::read_file(testing::source_dir() + "/layouts/report.yaml");
  size_t at = text.find(line);
  EXPECT_NE(at, std::string::npos) << line;
  return text.replace(at, line.size(), replacement);
}

TEST(HostileInput, LayoutLengthsOutOfRange) {
  struct Case {
    std::string from, to, message;
  };
  const Case cases[] = {
      {"  size: 12pt ", "  size: 0pt ", "look.yaml:12:9: error: a type size \"0pt\" is out of range"},
      {"  size: 12pt ", "  size: nanpt ", "look.yaml:12:9: error: a type size \"nanpt\" is out of range"},
      {"  size: 12pt ", "  size: -12pt ", "look.yaml:12:9: error: a type size \"-12pt\" is out of range"},
      {"  line-height: 22pt", "  line-height: nanpt", "look.yaml:13:16: error: a line height \"nanpt\" is out of range"},
      {"  line-height: 22pt", "  line-height: 0.001pt", "look.yaml:13:16: error: a line height \"0.001pt\" is out of range"},
      {"  line-height: 22pt", "  line-height: 2pt",
       "look.yaml:1:1: error: body: a line height of 2 pt is less than half the type size (12 pt)"},
      {"  indent: 2 ", "  indent: nan ", "look.yaml:14:11: error: a number of em \"nan\" is out of range"},
      {"  indent: 2 ", "  indent: 1e15 ", "look.yaml:14:11: error: a number of em \"1e15\" is out of range"},
      {"  width: 210mm", "  width: 1e20mm", "look.yaml:4:10: error: a page size \"1e20mm\" is out of range"},
  };
  for (const auto& c : cases) {
    TempDir dir;
    auto r = build(dir, {{"report.md", "---\ntitle: t\nlayout: look.yaml\n---\n\n正文。\n"},
                         {"look.yaml", layout_with(c.from, c.to)}});
    EXPECT_EQ(r.exit_code, 1) << c.to;
    EXPECT_NE(r.err.find("/r/look.yaml:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.to << "\n" << r.err;
    EXPECT_FALSE(fs::exists(dir.path() / "r.pdf"));
  }
}

/// A resource root with the installed layouts and FONTS_YAML as fonts.yaml.
std::string root_with_fonts(TempDir& dir, const std::string& fonts_yaml) {
  std::string root = (dir.path() / "root").string();
  fs::create_directories(root + "/layouts");
  fs::copy_file(testing::source_dir() + "/layouts/report.yaml", root + "/layouts/report.yaml");
  dir.write("root/fonts/fonts.yaml", fonts_yaml);
  return root;
}

TEST(HostileInput, FontsYamlThatIsNotAMapOrHasABadFaceIndex) {
  {
    TempDir dir;
    std::string root = root_with_fonts(dir, "just a scalar\n");
    auto r = build(dir, {{"report.md", "---\ntitle: t\n---\n\n正文。\n"}}, "", "PAIBAN_HOME=" + root + " ");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(shown(dir, r.err),
              "<dir>/root/fonts/fonts.yaml:1:1: error: expected a \"roles\" map\n"
              "  hint: roles:\n  song:\n    cjk: [Noto Serif CJK SC]\n");
  }
  {
    TempDir dir;
    std::string root = root_with_fonts(dir, "roles:\n  song:\n    cjk: [\"x.ttc#abc\"]\n");
    auto r = build(dir, {{"report.md", "---\ntitle: t\n---\n\n正文。\n"}}, "", "PAIBAN_HOME=" + root + " ");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(shown(dir, r.err).find("<dir>/root/fonts/fonts.yaml:3:11: error: face index \"abc\" is not a whole number "
                                     "from 0 to 255\n"),
              std::string::npos)
        << r.err;
  }
}

TEST(HostileInput, FontsCommandWithALayoutRoleThatFontsYamlLacks) {
  TempDir dir;
  dir.write("r/report.md", "---\ntitle: t\n---\n\n正文。\n");
  dir.write("look.yaml", layout_with("body:\n  role: song\n", "body:\n  role: nosuch\n"));
  auto r = run_command(kPaiban + " fonts " + (dir.path() / "r").string() + " --layout " + (dir.path() / "look.yaml").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("error: the layout uses font role \"nosuch\", which fonts.yaml does not define"), std::string::npos)
      << r.err;
}

TEST(HostileInput, FrontMatterLayoutIsConfined) {
  for (const char* path : {"/etc/shadow", "/dev/zero", "../look.yaml", "sub/../../look.yaml"}) {
    TempDir dir;
    auto r = build(dir, {{"report.md", std::string("---\ntitle: t\nlayout: ") + path + "\n---\n\n正文。\n"}});
    EXPECT_EQ(r.exit_code, 1) << path;
    EXPECT_EQ(r.err.substr(0, r.err.find('\n')),
              (dir.path() / "r").string() + "/report.md:3:9: error: layout \"" + path + "\" is outside the report folder")
        << r.err;
  }
  // A symlink in the report folder that leads out.
  TempDir dir;
  dir.write("outside.yaml", testing::read_file(testing::source_dir() + "/layouts/report.yaml"));
  dir.write("r/report.md", "---\ntitle: t\nlayout: look.yaml\n---\n\n正文。\n");
  fs::create_symlink(dir.path() / "outside.yaml", dir.path() / "r/look.yaml");
  auto r = build(dir, {});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(shown(dir, r.err.substr(0, r.err.find('\n'))),
            "<dir>/r/report.md:3:9: error: layout \"<dir>/r/look.yaml\" leads to <dir>/outside.yaml, outside the folder "
            "it must stay in");
}

TEST(HostileInput, FrontMatterLayoutIsFoundInTheReportFolderNotTheWorkingDirectory) {
  TempDir dir;
  dir.write("r/report.md", "---\ntitle: t\nlayout: look.yaml\n---\n\n正文。\n");
  dir.write("r/look.yaml", testing::read_file(testing::source_dir() + "/layouts/report.yaml"));
  // Run from elsewhere: the report's own look.yaml is the one read.
  auto r = run_command("cd / && " + kPaiban + " build " + (dir.path() / "r").string() + " -o " +
                       (dir.path() / "r.pdf").string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir.path() / "r.pdf"));
  // And an installed layout by name.
  dir.write("r/report.md", "---\ntitle: t\nlayout: gbt9704\n---\n\n正文。\n");
  r = run_command("cd / && " + kPaiban + " build " + (dir.path() / "r").string() + " -o " + (dir.path() / "r.pdf").string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(HostileInput, CommandLineLayoutMustBeARegularFile) {
  TempDir dir;
  dir.write("r/report.md", "---\ntitle: t\n---\n\n正文。\n");
  auto r = build(dir, {}, " --layout /dev/zero");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "/dev/zero:1:1: error: this is a device, not a file\n");
  ASSERT_EQ(mkfifo((dir.path() / "fifo.yaml").c_str(), 0600), 0);
  r = build(dir, {}, " --layout " + (dir.path() / "fifo.yaml").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(shown(dir, r.err), "<dir>/fifo.yaml:1:1: error: this is a pipe (FIFO), not a file\n");
}

TEST(HostileInput, DataFilesThatAreNotRegularFilesOrLeadOut) {
  {
    TempDir dir;
    dir.write("r/report.md", kFront + "正文。\n");
    ASSERT_EQ(mkfifo((dir.path() / "r/data.yaml").c_str(), 0600), 0);
    auto r = build(dir, {});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(shown(dir, r.err), "<dir>/r/report.md:3:8: error: data file \"<dir>/r/data.yaml\": this is a pipe (FIFO), not a file\n");
  }
  {
    TempDir dir;
    dir.write("secret.yaml", "secret: 42\n");
    dir.write("r/report.md", kFront + "正文{{ secret }}。\n");
    fs::create_symlink(dir.path() / "secret.yaml", dir.path() / "r/data.yaml");
    auto r = build(dir, {});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(shown(dir, r.err),
              "<dir>/r/report.md:3:8: error: data file \"<dir>/r/data.yaml\" leads to <dir>/secret.yaml, outside the "
              "folder it must stay in\n"
              "  hint: a report reads only files inside its own folder: copy the file in rather than linking to it\n");
  }
  {
    TempDir dir;
    auto r = build(dir, {{"report.md", "---\ntitle: t\ndata: [.]\n---\n\n正文。\n"}});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(shown(dir, r.err), "<dir>/r/report.md:3:8: error: data file \"<dir>/r/.\": this is a folder, not a file\n");
  }
  {
    // report.md a folder.
    TempDir dir;
    fs::create_directories(dir.path() / "r/report.md");
    auto r = build(dir, {});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(shown(dir, r.err), "<dir>/r/report.md:1:1: error: this is a folder, not a file\n");
  }
}

TEST(HostileInput, SymlinkedTablesFolderAndYamlDir) {
  TempDir dir;
  dir.write("outside/t.csv", "a\nSECRET\n");
  dir.write("outside/s.yaml", "name: SECRET\n");
  dir.write("r/report.md", kFront + "正文。\n");
  dir.write("r/data.yaml", "t: {csv: tables/t.csv}\ns: {yaml_dir: schools}\n");
  fs::create_symlink(dir.path() / "outside", dir.path() / "r/tables");
  fs::create_symlink(dir.path() / "outside", dir.path() / "r/schools");
  auto r = build(dir, {});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(shown(dir, r.err),
            "<dir>/r/data.yaml:1:10: error: file \"<dir>/r/tables/t.csv\" leads to <dir>/outside/t.csv, outside the "
            "folder it must stay in\n"
            "  hint: a report reads only files inside its own folder: copy the file in rather than linking to it\n"
            "<dir>/r/data.yaml:2:15: error: folder \"<dir>/r/schools\" leads to <dir>/outside, outside the folder it "
            "must stay in\n"
            "  hint: a report reads only files inside its own folder: copy the file in rather than linking to it\n");
}

TEST(HostileInput, BuildDotNamesThePdfAfterTheFolder) {
  TempDir dir;
  dir.write("liangzhou/report.md", "---\ntitle: t\n---\n\n正文。\n");
  auto r = run_command("cd " + (dir.path() / "liangzhou").string() + " && " + kPaiban + " build .");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "output/liangzhou.pdf: 2 pages\n");
  EXPECT_TRUE(fs::exists(dir.path() / "liangzhou/output/liangzhou.pdf"));
}

TEST(HostileInput, NulBytesAndCarriageReturns) {
  {
    TempDir dir;
    auto r = build(dir, {{"report.md", std::string("---\ntitle: t\n---\n\n正文") + '\0' + "。\n"}});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(shown(dir, r.err), "<dir>/r/report.md:5:3: error: a NUL byte: this is not a text file\n"
                                 "  hint: save the file as plain UTF-8 text\n");
  }
  {
    TempDir dir;
    auto r = build(dir, {{"report.md", "---\rtitle: t\r---\r\r正文。\r"}});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(shown(dir, r.err), "<dir>/r/report.md:1:1: error: the lines end in CR alone (old Mac line endings)\n"
                                 "  hint: save the file with LF (or CR LF) line endings\n");
  }
}

}  // namespace
}  // namespace paiban

namespace paiban {
namespace {

namespace fs = std::filesystem;
using testing::run_command;
using testing::TempDir;

/// A report with one two-column table whose first cell is CELL.
void table_report(TempDir& dir, const std::string& cell) {
  dir.write("r/report.md", "---\ntitle: t\ndata: [d.yaml]\n---\n\n```table\ncaption: 表\nrows: t\ncolumns: [a, b]\n```\n");
  dir.write("r/d.yaml", "t: [{a: \"" + cell + "\", b: x}]\n");
}

TEST(HostileInput, AnUnbreakableCellIsBrokenInsideWithAWarning) {
  TempDir dir;
  table_report(dir, std::string(3000, 'a'));
  std::string report = (dir.path() / "r").string(), pdf = (dir.path() / "r.pdf").string();
  auto r = run_command(std::string(PAIBAN_BINARY) + " build " + report + " -o " + pdf);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // (The column: the type area, 156 mm, less column b and the cell's padding.)
  EXPECT_EQ(r.err, report + "/d.yaml:1:9: warning: table cell: the text is broken inside a word to fit its column "
                            "(420.9pt wide)\n"
                            "  hint: shorten the text or add spaces where it may break\n");
  // Every one of the 3000 letters is on the page, within the type area.
  std::string text = run_command("pdftotext " + pdf + " -").out;
  EXPECT_EQ(std::count(text.begin(), text.end(), 'a'), 3000);
  auto bbox = run_command("pdftotext -bbox " + pdf + " - | grep -o 'xMax=\"[0-9.]*\"' | tr -dc '0-9.\\n' | sort -n | tail -1");
  EXPECT_LT(std::stod(bbox.out), 595.3 - 26 * 72 / 25.4 + 0.5) << bbox.out;  // the right margin: 26 mm
  // --strict: an error, no PDF.
  fs::remove(pdf);
  r = run_command(std::string(PAIBAN_BINARY) + " build --strict " + report + " -o " + pdf);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/d.yaml:1:9: error: table cell: the text is broken inside a word"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(pdf));
}

TEST(HostileInput, ARowTallerThanAPageIsAnError) {
  TempDir dir;
  std::string han;
  for (int i = 0; i < 30000; ++i) han += "中";
  table_report(dir, han);
  std::string report = (dir.path() / "r").string(), pdf = (dir.path() / "r.pdf").string();
  auto r = run_command(std::string(PAIBAN_BINARY) + " build " + report + " -o " + pdf);
  EXPECT_EQ(r.exit_code, 1);
  std::regex expected(report + "/d.yaml:1:9: error: table: row 1 is [0-9]+pt tall, more than a page holds below the "
                               "table's header \\([0-9]+pt\\)\n"
                               "  hint: a row is not split across pages: put the long text in a paragraph, or split it "
                               "over several rows\n");
  EXPECT_TRUE(std::regex_match(r.err, expected)) << r.err;
  EXPECT_FALSE(fs::exists(pdf));
}

}  // namespace
}  // namespace paiban

namespace paiban {
namespace {

TEST(HostileInput, LayoutDiagnosticsCountColumnsInCodePointsAndNameTheRolesPlace) {
  testing::TempDir dir;
  dir.write("r/report.md", "---\ntitle: t\nlayout: look.yaml\n---\n\n正文。\n");
  std::string layout = testing::read_file(testing::source_dir() + "/layouts/report.yaml");
  size_t at = layout.find("  1: {role: hei-bold, size: 16pt,");
  ASSERT_NE(at, std::string::npos);
  layout.replace(at, std::string("  1: {role: hei-bold, size: 16pt,").size(), "  1: {role: 黑体粗, size: 0pt,");
  dir.write("r/look.yaml", layout);
  auto r = testing::run_command(std::string(PAIBAN_BINARY) + " build " + (dir.path() / "r").string() + " -o " +
                                (dir.path() / "r.pdf").string());
  EXPECT_EQ(r.exit_code, 1);
  std::string look = (dir.path() / "r/look.yaml").string();
  EXPECT_EQ(r.err, look + ":23:24: error: a type size \"0pt\" is out of range\n"
                          "  hint: a type size is at least 1pt and at most 500pt\n");
  // With the size right, the undefined role at its place.
  layout.replace(layout.find("size: 0pt,"), 10, "size: 16pt,");
  dir.write("r/look.yaml", layout);
  r = testing::run_command(std::string(PAIBAN_BINARY) + " build " + (dir.path() / "r").string() + " -o " +
                           (dir.path() / "r.pdf").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.substr(0, r.err.find('\n')),
            look + ":23:13: error: the layout uses font role \"黑体粗\", which fonts.yaml does not define");
}

}  // namespace
}  // namespace paiban

namespace paiban {
namespace {

TEST(HostileInput, AsterisksInsideAnExpressionAreNotEmphasis) {
  testing::TempDir dir;
  dir.write("r/report.md", "---\ntitle: t\ndata: [d.yaml]\n---\n\n值{{ x*2*3 }}与*强调*与{{ a_b_ }}。\n");
  dir.write("r/d.yaml", "x: 7\na_b_: 5\n");
  std::string pdf = (dir.path() / "r.pdf").string();
  auto r = testing::run_command(std::string(PAIBAN_BINARY) + " build " + (dir.path() / "r").string() + " -o " + pdf);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  std::string text = testing::run_command("pdftotext " + pdf + " -").out;
  EXPECT_NE(text.find("值 42 与强调与 5。"), std::string::npos) << text;
}

}  // namespace
}  // namespace paiban
