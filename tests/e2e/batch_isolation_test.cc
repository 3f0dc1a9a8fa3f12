// paiban batch: each school in its own process, so that one school's crash,
// hang or memory blow-up ends that school only.
#include <gtest/gtest.h>

#include <filesystem>
#include <fmt/format.h>

#include "support/test_support.h"

namespace paiban {
namespace {

namespace fs = std::filesystem;
using testing::run_command;
using testing::TempDir;

const std::string kPaiban = PAIBAN_BINARY;

std::vector<std::string> pdfs_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".pdf") out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

/// The nine school files in DIR/schools; returns the folder.
std::string schools(TempDir& dir) {
  fs::path to = dir.path() / "schools";
  fs::copy(testing::source_dir() + "/data/liangzhou-2023/schools", to, fs::copy_options::recursive);
  return to.string();
}

std::string batch(const std::string& schools_dir, const std::string& out, const std::string& before = "",
                  const std::string& after = "") {
  return before + kPaiban + after + " batch " + testing::source_dir() + "/data/school-template " + schools_dir + " -o " + out;
}

// (AddressSanitizer, with abort_on_error, turns the segmentation fault into an abort.)
#if defined(__SANITIZE_ADDRESS__)
const std::string kCrash = "(signal 6, Aborted)";
#else
const std::string kCrash = "(signal 11, Segmentation fault)";
#endif

TEST(BatchIsolation, ACrashingAndAHangingSchoolEndOnlyThemselves) {
  TempDir dir;
  std::string in = schools(dir), out = (dir.path() / "out").string();
  for (const char* jobs : {" -j 2", " -j 1"}) {
    fs::remove_all(out);
    auto r = run_command(batch(in, out, "PAIBAN_TEST_FAULTS=02-wuwei-shifan:crash,05-wuwei-xinxi:hang ",
                               " --max-seconds 2") + jobs);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(pdfs_in(out), (std::vector<std::string>{"01-gansu-ligong.pdf", "03-wuwei-tiyu.pdf", "04-liangzhou-zhizhuan.pdf",
                                                       "06-wuwei-shengwu.pdf", "07-liangzhou-xingyu.pdf", "08-wuwei-keji.pdf",
                                                       "09-liangzhou-wanrong.pdf"}))
        << jobs;
    std::string summary = r.err.substr(r.err.find("paiban batch: "));
    summary = summary.substr(summary.find('\n') + 1);
    EXPECT_EQ(summary, "  failed: " + in + "/02-wuwei-shifan.yaml\n"
                       "    " + in + "/02-wuwei-shifan.yaml: error: the report crashed " + kCrash + "\n"
                       "      hint: its previous PDF, if any, is left as it was; the other reports are not affected\n"
                       "  failed: " + in + "/05-wuwei-xinxi.yaml\n"
                       "    " + in + "/05-wuwei-xinxi.yaml: error: the report took longer than the time limit (2 s, --max-seconds)\n"
                       "      hint: its previous PDF, if any, is left as it was; the other reports are not affected\n")
        << jobs;
    EXPECT_NE(r.err.find("paiban batch: 7 rendered, 2 failed, "), std::string::npos) << r.err;
  }
}

TEST(BatchIsolation, ASchoolOverItsMemoryLimit) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves terabytes of address space, so paiban sets no memory limit under it";
#endif
  TempDir dir;
  std::string in = schools(dir), out = (dir.path() / "out").string();
  auto r = run_command(batch(in, out, "PAIBAN_TEST_FAULTS=03-wuwei-tiyu:memory ", " --max-memory-mb 300") + " -j 2");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(pdfs_in(out).size(), 8u);
  EXPECT_NE(r.err.find("03-wuwei-tiyu.yaml: error: the report ran out of memory (the limit is 300 MB, --max-memory-mb)\n"),
            std::string::npos)
      << r.err;
}

TEST(BatchIsolation, HostileSchoolFilesFailAlone) {
  TempDir dir;
  std::string in = schools(dir), out = (dir.path() / "out").string();
  // An alias bomb, a school's data folder that includes itself, and a
  // 20,000-term expression.
  std::string bomb = "a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n";
  for (int i = 1; i <= 9; ++i) {
    bomb += fmt::format("a{}: &a{} [", i, i);
    for (int k = 0; k < 10; ++k) bomb += fmt::format("{}*a{}", k ? ", " : "", i - 1);
    bomb += "]\n";
  }
  std::string terms = "1";
  for (int i = 0; i < 20000; ++i) terms += "+1";
  auto append = [&](const char* name, const std::string& text) {
    std::string path = in + "/" + name;
    std::string old = testing::read_file(path);
    dir.write("schools/" + std::string(name), old + text);
  };
  append("02-wuwei-shifan.yaml", bomb);
  append("04-liangzhou-zhizhuan.yaml", "extra: {yaml_dir: .}\n");  // (it includes 02 too: the folder is checked first)
  append("06-wuwei-shengwu.yaml", "extra: {expr: \"" + terms + "\"}\n");
  for (const char* jobs : {" -j 2", " -j 1"}) {
    fs::remove_all(out);
    auto r = run_command(batch(in, out) + jobs);
    EXPECT_EQ(r.exit_code, 1) << jobs;
    EXPECT_EQ(pdfs_in(out).size(), 6u) << jobs << r.err;
    EXPECT_NE(r.err.find("paiban batch: 6 rendered, 3 failed, "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("02-wuwei-shifan.yaml:"), std::string::npos);
    EXPECT_NE(r.err.find(": error: the data holds more than 250000 values\n"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(": error: yaml_dir \".\" includes "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(": error: the expression is too long: more than 256 operations in a chain\n"), std::string::npos)
        << r.err;
  }
}

TEST(BatchIsolation, TheSameBytesAsABuildOfOneSchool) {
  // -j 1 and -j 3 give the same bytes.
  TempDir dir;
  std::string in = schools(dir);
  ASSERT_EQ(run_command(batch(in, (dir.path() / "a").string()) + " -j 1").exit_code, 0);
  ASSERT_EQ(run_command(batch(in, (dir.path() / "b").string()) + " -j 3").exit_code, 0);
  for (const auto& name : pdfs_in(dir.path() / "a"))
    EXPECT_EQ(testing::read_file((dir.path() / "a" / name).string()), testing::read_file((dir.path() / "b" / name).string()))
        << name;
  // A worker keeps what it shaped and composed from one school to the next:
  // each school rendered alone, by a worker that rendered nothing before, is
  // the same to the byte as the ninth school of a -j 1 run.
  size_t compared = 0;
  for (const auto& entry : fs::directory_iterator(in)) {
    if (entry.path().extension() != ".yaml") continue;
    fs::path alone = dir.path() / ("alone-" + entry.path().stem().string());
    fs::create_directories(alone / "in");
    fs::copy_file(entry.path(), alone / "in" / entry.path().filename());
    ASSERT_EQ(run_command(batch((alone / "in").string(), (alone / "out").string()) + " -j 1").exit_code, 0);
    const std::string name = entry.path().stem().string() + ".pdf";
    EXPECT_EQ(testing::read_file((alone / "out" / name).string()), testing::read_file((dir.path() / "a" / name).string()))
        << name;
    ++compared;
  }
  EXPECT_EQ(compared, 9u);
}

}  // namespace
}  // namespace paiban
