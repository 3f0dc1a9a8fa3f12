// paiban watch: a rebuild writes the bytes a fresh build writes, and a
// replaced report folder is followed.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/test_support.h"

namespace paiban {
namespace {

namespace fs = std::filesystem;
using testing::run_command;
using testing::TempDir;

const std::string kPaiban = PAIBAN_BINARY;

/// Waits (up to 10 s) until LOG holds NEEDLE COUNT times.
void wait_for(const std::string& log, const std::string& needle, int count) {
  for (int i = 0; i < 200; ++i) {
    std::string text = testing::read_file(log);
    int n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    if (n >= count) return;
    run_command("sleep 0.05");
  }
}

TEST(WatchEqualsBuild, ARebuildAfterAnEditWritesTheBytesOfAFreshBuild) {
  TempDir dir;
  fs::path report = dir.path() / "r";
  ASSERT_EQ(run_command("cp -rL " + testing::source_dir() + "/data/liangzhou-2023 " + report.string()).exit_code, 0);
  std::string pdf = (dir.path() / "w.pdf").string(), log = (dir.path() / "watch.log").string();
  run_command("(" + kPaiban + " watch " + report.string() + " -o " + pdf + " --exit-after 1 > " + log + " 2>&1 &)");
  wait_for(log, " pages, ", 1);
  // The first build, then an edit of the text, then a rebuild.
  std::string md = testing::read_file((report / "report.md").string());
  size_t at = md.find("\n\n", md.find("\n---\n") + 5);
  ASSERT_NE(at, std::string::npos);
  md.insert(at + 2, "新增的一段正文。\n\n");
  dir.write("r/report.md", md);
  wait_for(log, "after a change", 1);
  ASSERT_NE(testing::read_file(log).find("after a change"), std::string::npos) << testing::read_file(log);
  std::string fresh = (dir.path() / "b.pdf").string();
  auto r = run_command(kPaiban + " build " + report.string() + " -o " + fresh);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string watched = testing::read_file(pdf), built = testing::read_file(fresh);
  EXPECT_EQ(watched.size(), built.size());
  EXPECT_TRUE(watched == built) << "watch and build differ";
  // The cover title at its own size (26 pt), not a heading's.
  EXPECT_NE(run_command("qpdf --qdf --object-streams=disable " + pdf + " - | grep -a -c ' 26 Tf'").out, "0\n");
}

TEST(WatchEqualsBuild, AReplacedReportFolderIsFollowed) {
  TempDir dir;
  fs::path report = dir.path() / "r";
  ASSERT_EQ(run_command("cp -rL " + testing::source_dir() + "/data/example " + report.string()).exit_code, 0);
  std::string pdf = (dir.path() / "w.pdf").string(), log = (dir.path() / "watch.log").string();
  run_command("(" + kPaiban + " watch " + report.string() + " -o " + pdf + " --exit-after 2 > " + log + " 2>&1 &)");
  wait_for(log, " pages, ", 1);
  // The folder replaced by a new copy with a correction (as a checkout or an
  // unpacked archive does), then an edit inside the new folder.
  ASSERT_EQ(run_command("cp -r " + report.string() + " " + report.string() + ".new && sed -i 's/total_2022: 1503/total_2022: 1530/' " +
                        report.string() + ".new/data.yaml && mv " + report.string() + " " + report.string() + ".old && mv " +
                        report.string() + ".new " + report.string())
                .exit_code,
            0);
  wait_for(log, "after a change", 1);
  EXPECT_NE(run_command("pdftotext " + pdf + " -").out.find("在校生 1530 人"), std::string::npos) << testing::read_file(log);
  std::string data = testing::read_file((report / "data.yaml").string());
  data.replace(data.find("total_2022: 1530"), 16, "total_2022: 1531");
  dir.write("r/data.yaml", data);
  wait_for(log, "after a change", 2);
  EXPECT_NE(run_command("pdftotext " + pdf + " -").out.find("在校生 1531 人"), std::string::npos) << testing::read_file(log);
}

}  // namespace
}  // namespace paiban
