// Headings keep with what follows them on every report in data/, in each
// layout: no page ends with a heading (tests/support: headings_at_page_foot,
// which the PDF gate applies to every PDF the suite writes).
#include <gtest/gtest.h>

#include <filesystem>

#include "support/test_support.h"

namespace paiban {
namespace {

namespace fs = std::filesystem;
using testing::run_command;

TEST(HeadingsAtPageFoot, NoneInTheReportsOfData) {
  testing::TempDir dir;
  int built = 0;
  for (const auto& e : fs::directory_iterator(testing::source_dir() + "/data")) {
    if (!fs::exists(e.path() / "report.md")) continue;
    for (const char* layout : {"report", "gbt9704"}) {
      std::string pdf = (dir.path() / (e.path().filename().string() + "-" + layout + ".pdf")).string();
      auto r = run_command(std::string(PAIBAN_BINARY) + " build " + e.path().string() + " --layout " + layout + " -o " + pdf);
      ASSERT_EQ(r.exit_code, 0) << r.err;
      EXPECT_EQ(testing::headings_at_page_foot(pdf), "") << e.path().filename() << " in " << layout;
      ++built;
    }
  }
  EXPECT_GE(built, 4);
}

TEST(HeadingsAtPageFoot, NoneInTheSchoolReports) {
  testing::TempDir dir;
  std::string out = (dir.path() / "schools").string();
  auto r = run_command(std::string(PAIBAN_BINARY) + " batch " + testing::source_dir() + "/data/school-template " +
                       testing::source_dir() + "/data/schools -o " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int checked = 0;
  for (const auto& e : fs::directory_iterator(out)) {
    if (e.path().extension() != ".pdf") continue;
    EXPECT_EQ(testing::headings_at_page_foot(e.path().string()), "") << e.path().filename();
    ++checked;
  }
  EXPECT_GE(checked, 5);
}

}  // namespace
}  // namespace paiban
