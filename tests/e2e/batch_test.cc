// paiban batch: one report per school from the template and per-school data.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/test_support.h"

namespace paiban {
namespace {

namespace fs = std::filesystem;
using testing::run_command;
using testing::TempDir;

const std::string kPaiban = PAIBAN_BINARY;

std::string data_dir() { return testing::source_dir() + "/data"; }

std::vector<std::string> pdfs_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".pdf") out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Batch, NineSchoolReportsEachPassThePdfGate) {
  TempDir dir;
  auto r = run_command(kPaiban + " batch " + data_dir() + "/school-template " + data_dir() + "/schools -o " +
                       dir.path().string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("paiban batch: 9 rendered, 0 failed, "), std::string::npos) << r.err;
  auto pdfs = pdfs_in(dir.path());
  ASSERT_EQ(pdfs.size(), 9u);
  EXPECT_EQ(pdfs.front(), "01-gansu-ligong.pdf");
  for (const auto& name : pdfs) {
    std::string pdf = (dir.path() / name).string();
    auto check = run_command("qpdf --check " + pdf);
    EXPECT_EQ(check.exit_code, 0) << name << check.out;
    auto fonts = run_command("pdffonts " + pdf);
    EXPECT_EQ(fonts.err, "") << name;
    EXPECT_EQ(fonts.out.find(" no "), std::string::npos) << name << fonts.out;
    EXPECT_EQ(run_command("pdftotext " + pdf + " /dev/null").err, "") << name;
    EXPECT_EQ(run_command("pdftoppm -r 10 " + pdf + " " + (dir.path() / "x").string()).err, "") << name;
  }
  // The school's own name and published facts, and the sample-data mark on the cover.
  auto text = run_command("pdftotext " + (dir.path() / "04-liangzhou-zhizhuan.pdf").string() + " -").out;
  EXPECT_NE(text.find("凉州区职业中等专业学校质量"), std::string::npos);
  EXPECT_NE(text.find("样例数据"), std::string::npos);
  EXPECT_NE(text.find("全日制在校学生 5238 人"), std::string::npos);
  EXPECT_NE(text.find("教育部首批 1+X 证书制度试点院校"), std::string::npos);
}

TEST(Batch, ABrokenSchoolFileDoesNotStopTheOthers) {
  TempDir dir;
  fs::path schools = dir.path() / "schools", out = dir.path() / "out";
  fs::copy(data_dir() + "/liangzhou-2023/schools", schools);
  fs::create_directories(out);
  // School 05's file gets a YAML error; its previous PDF must survive.
  std::string broken = testing::read_file((schools / "05-wuwei-xinxi.yaml").string());
  dir.write("schools/05-wuwei-xinxi.yaml", broken + "majors: [unclosed\n");
  dir.write("out/05-wuwei-xinxi.pdf", "previous PDF");
  auto r = run_command(kPaiban + " batch " + data_dir() + "/school-template " + schools.string() + " -o " + out.string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("paiban batch: 8 rendered, 1 failed, "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("  failed: " + (schools / "05-wuwei-xinxi.yaml").string()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("05-wuwei-xinxi.yaml:"), std::string::npos);
  EXPECT_NE(r.err.find(": error: malformed YAML"), std::string::npos) << r.err;
  EXPECT_EQ(testing::read_file((out / "05-wuwei-xinxi.pdf").string()), "previous PDF");
  auto pdfs = pdfs_in(out);
  EXPECT_EQ(pdfs.size(), 9u);  // 8 new + the old one
  for (const auto& name : pdfs)
    if (name != "05-wuwei-xinxi.pdf") EXPECT_EQ(testing::read_file((out / name).string()).substr(0, 5), "%PDF-");
}

TEST(Batch, TheSameBytesOnOneThreadAndOnEight) {
  TempDir dir;
  fs::path one = dir.path() / "j1", eight = dir.path() / "j8";
  ASSERT_EQ(run_command(kPaiban + " batch -j 1 " + data_dir() + "/school-template " + data_dir() + "/schools -o " +
                        one.string()).exit_code, 0);
  ASSERT_EQ(run_command(kPaiban + " batch -j 8 " + data_dir() + "/school-template " + data_dir() + "/schools -o " +
                        eight.string()).exit_code, 0);
  auto names = pdfs_in(one);
  ASSERT_EQ(names.size(), 9u);
  for (const auto& name : names)
    EXPECT_EQ(testing::read_file((one / name).string()), testing::read_file((eight / name).string())) << name;
}

TEST(Batch, ACorrectionInASchoolFileReachesBothReports) {
  TempDir dir;
  fs::path district = dir.path() / "liangzhou-2023";
  fs::copy(data_dir() + "/liangzhou-2023", district, fs::copy_options::recursive);
  // 凉州区职业中专's enrolment, 5238 in the published report, becomes 5272.
  std::string school = testing::read_file((district / "schools/04-liangzhou-zhizhuan.yaml").string());
  size_t at = school.find("enrolment: 5238");
  ASSERT_NE(at, std::string::npos);
  school.replace(at, 15, "enrolment: 5272");
  // (its sample majors follow, so that the school's own check still holds)
  school.replace(school.find("students: 2096"), 14, "students: 2130");
  dir.write("liangzhou-2023/schools/04-liangzhou-zhizhuan.yaml", school);

  std::string pdf = (dir.path() / "district.pdf").string();
  auto r = run_command(kPaiban + " build " + district.string() + " -o " + pdf);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string text;
  for (char c : run_command("pdftotext " + pdf + " -").out)
    if (!std::isspace(static_cast<unsigned char>(c))) text += c;
  // The district's total is the sum of the school files: 10266 + 34.
  EXPECT_NE(text.find("全日制在校学生10300人"), std::string::npos);

  fs::path out = dir.path() / "schools-out";
  ASSERT_EQ(run_command(kPaiban + " batch " + data_dir() + "/school-template " + (district / "schools").string() +
                        " -o " + out.string()).exit_code, 0);
  std::string school_text = run_command("pdftotext " + (out / "04-liangzhou-zhizhuan.pdf").string() + " -").out;
  EXPECT_NE(school_text.find("全日制在校学生 5272 人"), std::string::npos);
}

}  // namespace
}  // namespace paiban

namespace paiban {
namespace {

TEST(Watch, RebuildsWhenADataFileChanges) {
  TempDir dir;
  fs::path report = dir.path() / "r";
  fs::copy(testing::source_dir() + "/data/example", report, fs::copy_options::recursive);
  std::string pdf = (dir.path() / "w.pdf").string(), log = (dir.path() / "watch.log").string();
  // paiban watch in the background; it stops by itself after one rebuild.
  run_command("(" + kPaiban + " watch " + report.string() + " -o " + pdf + " --exit-after 1 > " + log +
              " 2>&1 &) ; for i in $(seq 100); do [ -s " + log + " ] && break; sleep 0.05; done");
  ASSERT_NE(testing::read_file(log).find(": 7 pages, "), std::string::npos) << testing::read_file(log);
  EXPECT_NE(run_command("pdftotext " + pdf + " -").out.find("在校生 1503 人"), std::string::npos);
  // A correction: 1503 students become 1530.
  std::string data = testing::read_file((report / "data.yaml").string());
  data.replace(data.find("total_2022: 1503"), 16, "total_2022: 1530");
  dir.write("r/data.yaml", data);
  run_command("for i in $(seq 100); do grep -q 'after a change' " + log + " && break; sleep 0.05; done");
  std::string out = testing::read_file(log);
  EXPECT_NE(out.find("ms after a change to " + (report / "data.yaml").string()), std::string::npos) << out;
  EXPECT_NE(run_command("pdftotext " + pdf + " -").out.find("在校生 1530 人"), std::string::npos);
}

}  // namespace
}  // namespace paiban
