// Landscape tables: a wide table asked for with {.landscape}, or too wide
// for the page at its narrowest columns, goes onto pages turned a quarter:
// the sheet stays A4 portrait with /Rotate 90, so a viewer shows the page
// landscape; the table reads upright there, breaks over pages under its
// repeated header, and the running header and page number sit at the top
// and foot of the turned page. Read back with qpdf and pdftotext (which
// applies /Rotate, as a viewer does).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <regex>
#include <sstream>

#include "support/test_support.h"

namespace paiban {
namespace {

using testing::run_command;

constexpr double kMm = 72 / 25.4;

/// A pipe table of SCHOOLS rows and 14 columns (a name and 13 figures).
std::string wide_table(int schools, const std::string& attributes) {
  std::string t = "| 学校 |";
  const char* heads[] = {"在校生数", "毕业生数", "专任教师", "双师型教师", "生师比", "升学率", "就业率",
                         "对口就业率", "实训工位", "校企合作企业", "订单培养人数", "技能大赛获奖", "社会培训人次"};
  for (const char* h : heads) t += std::string(" ") + h + " |";
  t += "\n|:---|";
  for (size_t i = 0; i < std::size(heads); ++i) t += "---:|";
  t += "\n";
  for (int s = 1; s <= schools; ++s) {
    t += "| 河西市第" + std::to_string(s) + "职业技术学校 |";
    for (size_t i = 0; i < std::size(heads); ++i) t += " " + std::to_string(1000 + 37 * s + 101 * static_cast<int>(i)) + ".5 |";
    t += "\n";
  }
  return t + "\n" + attributes + "\n";
}

std::string document(const std::string& attributes) {
  return "---\ntitle: 各校指标汇编\n---\n\n# 办学指标\n\n各校主要指标见下表，数据来自各校年报。\n\n## 各校指标\n\n" +
         wide_table(30, attributes) + "\n表后的文字回到竖排页面，接着叙述。\n";
}

struct PageInfo {
  bool rotated = false;
  std::string media_box;
  double width = 0, height = 0;  ///< as pdftotext shows the page (turned by /Rotate)
  struct Line {
    double x0, y0, x1, y1;
    std::string text;
  };
  std::vector<Line> lines;
  std::vector<Line> words;
};

/// Each page's /Rotate and /MediaBox (qpdf) and its text lines (pdftotext -bbox-layout).
std::vector<PageInfo> read_pages(const std::string& pdf) {
  std::vector<PageInfo> pages;
  auto qdf = run_command("qpdf --qdf --object-streams=disable " + pdf + " -").out;
  const std::regex page(R"(%% Page \d+\n%% Original object ID: \d+ 0\n\d+ 0 obj\n<<([\s\S]*?)\n>>)");
  for (auto it = std::sregex_iterator(qdf.begin(), qdf.end(), page); it != std::sregex_iterator(); ++it) {
    PageInfo p;
    std::string dict = (*it)[1];
    std::smatch m;
    p.rotated = std::regex_search(dict, m, std::regex(R"(/Rotate (\d+))")) && m[1] == "90";
    if (std::regex_search(dict, m, std::regex(R"(/MediaBox \[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\])")))
      p.media_box = fmt::format("{:g} {:g} {:.1f} {:.1f}", std::stod(m[1]), std::stod(m[2]), std::stod(m[3]), std::stod(m[4]));
    pages.push_back(p);
  }
  auto xml = run_command("pdftotext -bbox-layout " + pdf + " -").out;
  std::istringstream in(xml);
  std::string l;
  int index = -1;
  const std::regex page_size(R"re(<page width="([\d.]+)" height="([\d.]+)")re");
  const std::regex line(R"re(<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)")re");
  const std::regex word(R"re(<word [^>]*>(.*)</word>)re");
  std::smatch m;
  while (std::getline(in, l)) {
    if (std::regex_search(l, m, page_size)) {
      // poppler gives the sheet's size and positions on the page as shown (turned by /Rotate).
      if (++index >= static_cast<int>(pages.size())) pages.emplace_back();
      double w = std::stod(m[1]), h = std::stod(m[2]);
      pages[index].width = pages[index].rotated ? h : w;
      pages[index].height = pages[index].rotated ? w : h;
    } else if (index >= 0 && std::regex_search(l, m, line)) {
      pages[index].lines.push_back({std::stod(m[1]), std::stod(m[2]), std::stod(m[3]), std::stod(m[4]), ""});
    } else if (index >= 0 && !pages[index].lines.empty() && std::regex_search(l, m, word)) {
      pages[index].lines.back().text += m[1].str();
      std::smatch b;
      if (std::regex_search(l, b, std::regex(R"re(xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)")re")))
        pages[index].words.push_back({std::stod(b[1]), std::stod(b[2]), std::stod(b[3]), std::stod(b[4]), m[1]});
    }
  }
  return pages;
}

const PageInfo::Line* find_line(const PageInfo& p, const std::string& text) {
  for (const auto& l : p.lines)
    if (l.text.find(text) != std::string::npos) return &l;
  return nullptr;
}

void expect_landscape_table_pages(const std::vector<PageInfo>& pages) {
  std::vector<size_t> turned;
  for (size_t i = 0; i < pages.size(); ++i)
    if (pages[i].rotated) turned.push_back(i);
  // Thirty rows take two turned pages, one after the other.
  ASSERT_EQ(turned.size(), 2u);
  EXPECT_EQ(turned[1], turned[0] + 1);
  for (size_t i : turned) {
    SCOPED_TRACE("page " + std::to_string(i + 1));
    const PageInfo& p = pages[i];
    // The sheet is A4 portrait; the viewer shows it turned, landscape.
    EXPECT_EQ(p.media_box, "0 0 595.3 841.9");
    // The running header: the title, centred at the top of the turned page,
    // 12 mm above its type area (whose top is the sheet's 28 mm binding margin).
    const PageInfo::Line* header = find_line(p, "各校指标汇编");
    ASSERT_NE(header, nullptr);
    EXPECT_NEAR((header->x0 + header->x1) / 2, (p.width + (28 - 30) * kMm) / 2, 2);  // the type area's centre
    EXPECT_LT(header->y1, 28 * kMm - 10 * kMm);
    EXPECT_GT(header->y0, 8 * kMm);
    // The page number: centred at its foot.
    const PageInfo::Line* lowest = &p.lines.front();
    for (const auto& l : p.lines)
      if (l.y1 > lowest->y1) lowest = &l;
    EXPECT_TRUE(std::regex_match(lowest->text, std::regex("[0-9]+"))) << lowest->text;
    EXPECT_GT(lowest->y0, p.height - 26 * kMm);
    EXPECT_NEAR((lowest->x0 + lowest->x1) / 2, (p.width + (28 - 30) * kMm) / 2, 2);
    // The table reads across the turned page: its header row on one line, left to right.
    const PageInfo::Line* head = find_line(p, "升学率");
    ASSERT_NE(head, nullptr);
    EXPECT_LT(head->y1 - head->y0, 20);
    // Fourteen columns across the turned page: a row's first and last
    // figures on one baseline, further apart than an upright type area is wide.
    double spread = 0;
    for (const auto& a : p.words)
      for (const auto& b : p.words)
        if (std::regex_match(a.text, std::regex(R"(\d+\.5)")) && std::regex_match(b.text, std::regex(R"(\d+\.5)")) &&
            std::abs(a.y1 - b.y1) < 0.5)
          spread = std::max(spread, b.x1 - a.x0);
    EXPECT_GT(spread, 595.28 - 54 * kMm);
    EXPECT_LT(spread, p.width - 58 * kMm + 0.5);
  }
  // The heading just before the table goes with it onto the turned page.
  EXPECT_NE(find_line(pages[turned[0]], "1.1各校指标"), nullptr);
  // The caption on the first, 续表 on the second.
  EXPECT_NE(find_line(pages[turned[0]], "表1各校主要指标"), nullptr);
  EXPECT_NE(find_line(pages[turned[1]], "续表1"), nullptr);
  // The text before stays upright; so does the text after, on a new page.
  ASSERT_GT(turned[0], 0u);
  EXPECT_FALSE(pages[turned[0] - 1].rotated);
  ASSERT_LT(turned[1] + 1, pages.size());
  EXPECT_FALSE(pages[turned[1] + 1].rotated);
  EXPECT_NE(find_line(pages[turned[1] + 1], "表后的文字"), nullptr);
  EXPECT_EQ(pages[turned[1] + 1].media_box, "0 0 595.3 841.9");
}

TEST(LandscapeTable, AskedForItGoesOntoTurnedPagesWithHeaderAndNumberWhereAReaderLooks) {
  testing::TempDir dir;
  dir.write("r/report.md", document("{#tab-wide caption=\"各校主要指标\" .landscape}"));
  std::string pdf = (dir.path() / "r.pdf").string();
  auto r = run_command(std::string(PAIBAN_BINARY) + " build " + (dir.path() / "r").string() + " -o " + pdf);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("landscape pages"), std::string::npos) << r.err;  // asked for: no warning
  expect_landscape_table_pages(read_pages(pdf));
}

TEST(LandscapeTable, TooWideAtItsNarrowestColumnsItTurnsByItselfWithAWarning) {
  testing::TempDir dir;
  dir.write("r/report.md", document("{#tab-wide caption=\"各校主要指标\"}"));
  std::string pdf = (dir.path() / "r.pdf").string();
  auto r = run_command(std::string(PAIBAN_BINARY) + " build " + (dir.path() / "r").string() + " -o " + pdf);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("report.md:11:1: warning: 表1 is"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("it is set on landscape pages"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("{.landscape}"), std::string::npos) << r.err;
  expect_landscape_table_pages(read_pages(pdf));
}

TEST(LandscapeTable, ANarrowTableStaysUpright) {
  testing::TempDir dir;
  dir.write("r/report.md", "---\ntitle: 指标\n---\n\n# 指标\n\n| 学校 | 在校生数 |\n|:---|---:|\n| 一校 | 1200 |\n");
  std::string pdf = (dir.path() / "r.pdf").string();
  auto r = run_command(std::string(PAIBAN_BINARY) + " build " + (dir.path() / "r").string() + " -o " + pdf);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const auto& p : read_pages(pdf)) EXPECT_FALSE(p.rotated);
}

TEST(LandscapeTable, ADataTableAsksWithLandscapeTrue) {
  testing::TempDir dir;
  dir.write("r/report.md",
            "---\ntitle: 指标\ndata: [data.yaml]\n---\n\n# 指标\n\n```table\ncaption: 在校生\nlandscape: true\nrows: schools\n"
            "header:\n  - [学校, 在校生数]\ncolumns:\n  - {value: name}\n  - {value: students}\n```\n");
  dir.write("r/data.yaml", "schools:\n  - {name: 一校, students: 1200}\n  - {name: 二校, students: 900}\n");
  std::string pdf = (dir.path() / "r.pdf").string();
  auto r = run_command(std::string(PAIBAN_BINARY) + " build " + (dir.path() / "r").string() + " -o " + pdf);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int turned = 0;
  for (const auto& p : read_pages(pdf)) turned += p.rotated;
  EXPECT_EQ(turned, 1);
  // Not true or false: an error at the value.
  dir.write("r/report.md",
            "---\ntitle: 指标\ndata: [data.yaml]\n---\n\n# 指标\n\n```table\ncaption: 在校生\nlandscape: maybe\nrows: schools\n"
            "header:\n  - [学校]\ncolumns:\n  - {value: name}\n```\n");
  r = run_command(std::string(PAIBAN_BINARY) + " build " + (dir.path() / "r").string() + " -o " + pdf);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("report.md:10:12: error: table: landscape is true or false"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace paiban
