// Hostile input: limits, and no reading outside the report's folder.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "support/test_support.h"

namespace paiban {
namespace {

namespace fs = std::filesystem;
using testing::run_command;
using testing::TempDir;

const std::string kPaiban = PAIBAN_BINARY;

struct BuildRun {
  testing::CommandResult result;
  std::string report;
};

BuildRun build(TempDir& dir, const std::map<std::string, std::string>& files, const std::string& env = "") {
  for (const auto& [name, content] : files) dir.write("r/" + name, content);
  BuildRun r;
  r.report = (dir.path() / "r").string();
  r.result = run_command(env + kPaiban + " build " + r.report + " -o " + (dir.path() / "r.pdf").string());
  return r;
}

TEST(Hostile, ListsNestedTooDeep) {
  std::string md = "---\ntitle: t\n---\n\n";
  for (int i = 0; i < 20; ++i) md += std::string(2 * i, ' ') + "- 项\n";
  TempDir dir;
  BuildRun r = build(dir, {{"report.md", md}});
  EXPECT_EQ(r.result.exit_code, 1);
  EXPECT_EQ(r.result.err, r.report + "/report.md:21:33: error: lists nested more than 16 deep\n"
                                     "  hint: a report's lists need two or three levels\n");
  EXPECT_FALSE(fs::exists(dir.path() / "r.pdf"));
}

TEST(Hostile, TableWithTooManyRows) {
  std::string csv = "a\n";
  for (int i = 0; i <= 100000; ++i) csv += "1\n";
  TempDir dir;
  BuildRun r = build(dir, {{"report.md", "---\ntitle: t\ndata: [d.yaml]\n---\n\n```table\ncaption: 大表\nrows: t\ncolumns: [a]\n```\n"},
                      {"d.yaml", "t: {csv: t.csv}\n"},
                      {"t.csv", csv}});
  EXPECT_EQ(r.result.exit_code, 1);
  EXPECT_EQ(r.result.err, r.report + "/report.md:8:7: error: table: 100001 rows, more than the 100000 a table may have\n");
}

TEST(Hostile, DataFilesOutsideTheReportFolder) {
  for (const char* path : {"../secret.yaml", "/etc/passwd", "tables/../../secret.yaml"}) {
    TempDir dir;
    dir.write("secret.yaml", "x: 1\n");
    BuildRun r = build(dir, {{"report.md", std::string("---\ntitle: t\ndata: [\"") + path + "\"]\n---\n\n正文。\n"}});
    EXPECT_EQ(r.result.exit_code, 1) << path;
    EXPECT_EQ(r.result.err, r.report + "/report.md:3:8: error: data file \"" + path +
                                "\" is outside the report folder\n"
                                "  hint: data files are named relative to the report folder, e.g. data.yaml or "
                                "tables/majors.csv\n")
        << path;
  }
  // … and a CSV a data file names.
  TempDir dir;
  BuildRun r = build(dir, {{"report.md", "---\ntitle: t\ndata: [d.yaml]\n---\n\n正文。\n"}, {"d.yaml", "t: {csv: ../t.csv}\n"}});
  EXPECT_EQ(r.result.exit_code, 1);
  EXPECT_NE(r.result.err.find("d.yaml:1:10: error: path \"../t.csv\" leaves the report folder"), std::string::npos)
      << r.result.err;
}

TEST(Hostile, FontFilesOutsideTheFontsFolder) {
  TempDir dir;
  std::string root = (dir.path() / "root").string();
  fs::create_directories(root + "/layouts");
  fs::copy_file(testing::source_dir() + "/layouts/report.yaml", root + "/layouts/report.yaml");
  dir.write("root/fonts/fonts.yaml", "roles:\n  song:\n    cjk: [\"../../etc/evil.ttf\"]\n");
  BuildRun r = build(dir, {{"report.md", "---\ntitle: t\n---\n\n正文。\n"}}, "PAIBAN_HOME=" + root + " ");
  EXPECT_EQ(r.result.exit_code, 1);
  EXPECT_NE(r.result.err.find("fonts.yaml:3:11: error: font file \"../../etc/evil.ttf\" is outside the fonts folder"),
            std::string::npos)
      << r.result.err;
}

TEST(Hostile, AFileTooLargeToBeAReport) {
  TempDir dir;
  std::string report = dir.write("r/report.md", "---\ntitle: t\n---\n\n");
  fs::resize_file(report, (64 << 20) + 1);
  auto r = run_command(kPaiban + " check " + (dir.path() / "r").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, report + ":1:1: error: the file is larger than 64 MB\n");
}

// Under a tight memory limit fontconfig cannot map its caches; had it not loaded them before the limit,
// it would rescan the fonts, fail to open them too, and (as root) write empty caches that every later
// process believes: no font installed. A private fontconfig with a cold cache shows it.
TEST(Hostile, AMemoryLimitedBuildLeavesFontconfigsCachesWhole) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves terabytes of address space, so paiban sets no memory limit under it";
#endif
  TempDir dir;
  std::string conf = (dir.path() / "fonts.conf").string(), cache = (dir.path() / "cache").string();
  dir.write("fonts.conf", "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig>\n"
                          "  <dir>/usr/share/fonts</dir>\n  <cachedir>" + cache + "</cachedir>\n"
                          "  <include ignore_missing=\"yes\">/etc/fonts/conf.d</include>\n</fontconfig>\n");
  std::string env = "FONTCONFIG_FILE=" + conf + " ";
  auto r = run_command(env + kPaiban + " --max-memory-mb 60 build " + testing::source_dir() + "/data/liangzhou-2023 -o " +
                       (dir.path() / "r.pdf").string());
  EXPECT_EQ(r.exit_code, 1) << r.err;  // (fontconfig reading its configuration under the limit crashed)
  auto match = run_command(env + "fc-match -f '%{family}' 'Noto Serif CJK SC:style=Regular'");
  EXPECT_NE(match.out.find("Noto Serif CJK SC"), std::string::npos) << match.out;
}

TEST(Hostile, MemoryLimitGivesAnErrorNotACrash) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves terabytes of address space, so paiban sets no memory limit under it";
#endif
  TempDir dir;
  auto r = run_command(kPaiban + " --max-memory-mb 60 build " + testing::source_dir() + "/data/liangzhou-2023 -o " +
                       (dir.path() / "r.pdf").string());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("data/liangzhou-2023: error: out of memory: the build needs more than the memory limit "
                       "(60 MB, --max-memory-mb)\n  hint: "),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(dir.path() / "r.pdf"));
}

// Where the limit falls inside ICU's dictionary break engine (which it builds on first use of
// Han text, megabytes), ICU crashed, or built it again at every break past the time limit.
TEST(Hostile, WhereTheLimitFallsInsideIcuTheBuildRunsOutOfMemory) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves terabytes of address space, so paiban sets no memory limit under it";
#endif
  TempDir dir;
  std::string pdf = (dir.path() / "r.pdf").string();
  for (int mb = 222; mb <= 252; mb += 3) {
    auto r = run_command(kPaiban + " --max-seconds 15 --max-memory-mb " + std::to_string(mb) + " build " +
                         testing::source_dir() + "/data/liangzhou-2023 -o " + pdf);
    if (r.exit_code == 0) continue;
    EXPECT_EQ(r.exit_code, 1) << "at " << mb << " MB: " << r.err;
    EXPECT_NE(r.err.find(": error: out of memory"), std::string::npos) << "at " << mb << " MB: " << r.err;
    EXPECT_FALSE(fs::exists(pdf)) << mb;
    fs::remove(pdf);
  }
}

// Whatever the limit, the build ends in a PDF or in an error, never in a crash: the limit falls
// at a different place in each (reading, fonts, shaping, subsetting, writing), on any thread.
TEST(Hostile, AtAnyMemoryLimitABuildEndsInAPdfOrAnError) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves terabytes of address space, so paiban sets no memory limit under it";
#endif
  TempDir dir;
  std::string pdf = (dir.path() / "r.pdf").string();
  int built = 0, refused = 0;
  for (int mb = 16; mb <= 320; mb += 8) {
    auto r = run_command(kPaiban + " --max-memory-mb " + std::to_string(mb) + " build " + testing::source_dir() +
                         "/data/figures-example -o " + pdf);
    if (r.exit_code == 0) {
      ++built;
      EXPECT_TRUE(fs::exists(pdf)) << mb;
    } else {
      ++refused;
      EXPECT_EQ(r.exit_code, 1) << "at " << mb << " MB: " << r.err;
      // (Out of memory, whichever library it ran out in: not a font that "cannot load", say.)
      EXPECT_NE(r.err.find(": error: out of memory: "), std::string::npos) << "at " << mb << " MB: " << r.err;
      EXPECT_FALSE(fs::exists(pdf)) << mb;
    }
    fs::remove(pdf);
  }
  EXPECT_GT(built, 0);    // (the sweep reaches limits the build fits in
  EXPECT_GT(refused, 0);  //  and limits it does not)
}

}  // namespace
}  // namespace paiban

namespace paiban {
namespace {

TEST(Hostile, ABuildOverTheTimeLimitStopsWithAnError) {
  // A 100,000-row table takes seconds; the limit is one.
  std::string csv = "a,b\n";
  for (int i = 0; i < 100000; ++i) csv += std::to_string(i) + ",项目\n";
  TempDir dir;
  for (const auto& [name, content] : std::map<std::string, std::string>{
           {"report.md", "---\ntitle: t\ndata: [d.yaml]\n---\n\n```table\ncaption: 大表\nrows: t\ncolumns: [a, b]\n```\n"},
           {"d.yaml", "t: {csv: t.csv}\n"},
           {"t.csv", csv}})
    dir.write("r/" + name, content);
  std::string pdf = dir.write("out/r.pdf", "previous PDF");
  auto r = run_command(kPaiban + " --max-seconds 1 build " + (dir.path() / "r").string() + " -o " + pdf);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, (dir.path() / "r").string() + ": error: the build took longer than the time limit (1 s, --max-seconds)\n");
  EXPECT_EQ(testing::read_file(pdf), "previous PDF");
}

}  // namespace
}  // namespace paiban
