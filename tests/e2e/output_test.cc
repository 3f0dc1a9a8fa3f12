// Output hygiene: no temporary file left behind by an interrupted build, and
// those of killed runs removed by the next build of the same file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "support/test_support.h"

namespace paiban {
namespace {

namespace fs = std::filesystem;
using testing::run_command;
using testing::TempDir;

const std::string kPaiban = PAIBAN_BINARY;

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Output, SigintAndSigtermDuringTheWriteLeaveNoTemporaryFile) {
  for (const char* signal : {"INT", "TERM"}) {
    TempDir dir;
    dir.write("r/report.md", "---\ntitle: t\n---\n\n正文。\n");
    dir.write("out/r.pdf", "previous PDF");
    fs::path out = dir.path() / "out";
    // The build stops once its temporary file is written (a test hook); the
    // signal comes then.
    auto r = run_command("(PAIBAN_TEST_FAULTS=write:hang " + kPaiban + " build " + (dir.path() / "r").string() + " -o " +
                         (out / "r.pdf").string() + " & pid=$!; for i in $(seq 200); do ls -a " + out.string() +
                         " | grep -q '^\\.r\\.pdf\\.' && break; sleep 0.05; done; ls -a " + out.string() +
                         " | grep -c '^\\.r\\.pdf\\.'; kill -" + signal + " $pid; wait $pid; echo $?)");
    EXPECT_EQ(r.out, std::string("1\n") + (std::string(signal) == "INT" ? "130\n" : "143\n")) << signal << r.err;
    EXPECT_EQ(files_in(out), std::vector<std::string>{"r.pdf"}) << signal;
    EXPECT_EQ(testing::read_file((out / "r.pdf").string()), "previous PDF");
  }
}

TEST(Output, TemporaryFilesOfKilledRunsAreRemovedByTheNextBuild) {
  TempDir dir;
  dir.write("r/report.md", "---\ntitle: t\n---\n\n正文。\n");
  fs::path out = dir.path() / "out";
  // A run killed outright (its process gone), one of the older naming an
  // hour old, one of a run still writing (this process), and another
  // output's.
  std::string live = ".r.pdf." + std::to_string(getpid()) + ".LIVE01";
  for (const std::string& name : {std::string(".r.pdf.4194303.DEAD01"), std::string(".r.pdf.OLD001"), live,
                                  std::string(".other.pdf.4194303.DEAD02")})
    dir.write("out/" + name, "partial");
  run_command("touch -d '1 hour ago' " + (out / ".r.pdf.OLD001").string());
  auto r = run_command(kPaiban + " build " + (dir.path() / "r").string() + " -o " + (out / "r.pdf").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(files_in(out), (std::vector<std::string>{".other.pdf.4194303.DEAD02", live, "r.pdf"}));
}

TEST(Output, ABatchRemovesTheTemporaryFilesOfKilledRunsOfEachReportItWrites) {
  // The folder is listed once for all the reports of the batch: each report's own stale
  // files go, another output's and a live one stay.
  TempDir dir;
  dir.write("t/report.md", "---\ntitle: \"{{ name }}报告\"\ndata: [school.yaml]\n---\n\n{{ name }}。\n");
  dir.write("t/school.yaml", "name: 样例\n");
  dir.write("d/a.yaml", "name: 甲校\n");
  dir.write("d/b.yaml", "name: 乙校\n");
  fs::path out = dir.path() / "out";
  std::string live = ".b.pdf." + std::to_string(getpid()) + ".LIVE01";
  for (const std::string& name : {std::string(".a.pdf.4194303.DEAD01"), std::string(".b.pdf.4194303.DEAD02"), live,
                                  std::string(".c.pdf.4194303.DEAD03")})
    dir.write("out/" + name, "partial");
  auto r = run_command(kPaiban + " batch -j 1 " + (dir.path() / "t").string() + " " + (dir.path() / "d").string() +
                       " -o " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(files_in(out), (std::vector<std::string>{live, ".c.pdf.4194303.DEAD03", "a.pdf", "b.pdf"}));
}

}  // namespace
}  // namespace paiban
