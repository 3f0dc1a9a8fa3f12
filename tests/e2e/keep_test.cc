// Headings keep with what follows them on every report in data/, in each
// layout: no page ends with a heading (tests/support: headings_at_page_foot,
// which the PDF gate applies to every PDF the suite writes).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include <sstream>

#include "support/test_support.h"

namespace paiban {
namespace {

namespace fs = std::filesystem;
using testing::run_command;

/// Pages of PDF (1-based) whose text ends more than a quarter of the type
/// area above its foot, where the next page does not start a top-level
/// part (a chapter, 前言, a contents list) and the document goes on. The type
/// area is found from the pages themselves: from the highest to the lowest
/// text line of the body over the document, the page numbers left out.
std::vector<int> blank_stretches(const std::string& pdf) {
  auto words = run_command("pdftotext -bbox-layout " + pdf + " -").out;
  std::vector<std::vector<std::pair<double, double>>> pages;  // per page: line top and bottom
  std::vector<std::string> last_text;
  const std::regex line(R"re(<line xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)")re");
  const std::regex word(R"re(<word [^>]*>(.*)</word>)re");
  std::istringstream in(words);
  std::string l;
  std::smatch m;
  std::vector<std::vector<std::string>> texts;
  while (std::getline(in, l)) {
    if (l.find("<page ") != std::string::npos) pages.emplace_back(), texts.emplace_back();
    else if (!pages.empty() && std::regex_search(l, m, line)) pages.back().push_back({std::stod(m[1]), std::stod(m[2])}), texts.back().emplace_back();
    else if (!pages.empty() && !texts.back().empty() && std::regex_search(l, m, word)) texts.back().back() += m[1].str();
  }
  // A landscape table starts its own turned pages: the page before it and
  // its own pages end where they end (a page-breaking block), and the
  // turned pages' lines do not measure the upright type area.
  const std::vector<bool> turned = testing::turned_pages(pdf);
  auto is_turned = [&](size_t p) { return p < turned.size() && turned[p]; };
  // Page numbers: the lowest line of a page when it is a number alone.
  const std::regex number(R"re(^[-—–]*([0-9]+|[IVXLCDM]+)[-—–]*$)re");
  double top = 1e9, bottom = 0;
  std::vector<double> last(pages.size(), -1), first(pages.size(), 1e9);
  for (size_t p = 0; p < pages.size(); ++p) {
    size_t lowest = 0;
    for (size_t i = 0; i < pages[p].size(); ++i)
      if (pages[p][i].second > pages[p][lowest].second) lowest = i;
    for (size_t i = 0; i < pages[p].size(); ++i) {
      if (i == lowest && std::regex_match(texts[p][i], number)) continue;
      last[p] = std::max(last[p], pages[p][i].second);
      first[p] = std::min(first[p], pages[p][i].first);
    }
    if (p > 0 && last[p] > 0 && !is_turned(p)) bottom = std::max(bottom, last[p]);  // not the cover
  }
  // The running header sits above the type area: the top is the highest
  // line of a page's body below it, the lowest of the pages' first lines.
  std::vector<double> firsts;
  for (size_t p = 1; p < pages.size(); ++p)
    if (first[p] < 1e9 && !is_turned(p)) firsts.push_back(first[p]);
  auto json = nlohmann::json::parse(run_command("qpdf --json --json-key=outlines " + pdf).out, nullptr, false);
  std::set<int> part_starts;  // 0-based pages where a top-level outline entry is
  if (!json.is_discarded() && json.contains("outlines"))
    for (const auto& item : json["outlines"])
      if (item.contains("destpageposfrom1")) part_starts.insert(item["destpageposfrom1"].get<int>() - 1);
  std::vector<int> out;
  if (firsts.empty()) return out;
  top = *std::min_element(firsts.begin(), firsts.end());
  const double quarter = (bottom - top) / 4;
  for (size_t p = 1; p + 1 < pages.size(); ++p) {
    if (last[p] < 0 || part_starts.count(static_cast<int>(p + 1))) continue;
    if (is_turned(p) || is_turned(p + 1)) continue;
    if (bottom - last[p] > quarter) out.push_back(static_cast<int>(p + 1));
  }
  return out;
}

TEST(BlankStretches, NoneOverAQuarterOfTheTypeAreaInTheReportsOfData) {
  testing::TempDir dir;
  for (const auto& e : fs::directory_iterator(testing::source_dir() + "/data")) {
    if (!fs::exists(e.path() / "report.md")) continue;
    for (const char* layout : {"report", "gbt9704"}) {
      std::string pdf = (dir.path() / (e.path().filename().string() + "-" + layout + ".pdf")).string();
      auto r = run_command(std::string(PAIBAN_BINARY) + " build " + e.path().string() + " --layout " + layout + " -o " + pdf);
      ASSERT_EQ(r.exit_code, 0) << r.err;
      EXPECT_EQ(blank_stretches(pdf), std::vector<int>{}) << e.path().filename() << " in " << layout;
    }
  }
}

/// The nine school reports of `paiban batch data/school-template data/schools`, rendered once into DIR.
std::vector<fs::path> school_pdfs(const testing::TempDir& dir) {
  std::string out = (dir.path() / "schools").string();
  auto r = run_command(std::string(PAIBAN_BINARY) + " batch " + testing::source_dir() + "/data/school-template " +
                       testing::source_dir() + "/data/schools -o " + out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<fs::path> pdfs;
  for (const auto& e : fs::directory_iterator(out))
    if (e.path().extension() == ".pdf") pdfs.push_back(e.path());
  return pdfs;
}

TEST(BlankStretches, NoneOverAQuarterOfTheTypeAreaInTheSchoolReports) {
  testing::TempDir dir;
  auto pdfs = school_pdfs(dir);
  for (const auto& pdf : pdfs) EXPECT_EQ(blank_stretches(pdf.string()), std::vector<int>{}) << pdf.filename();
  EXPECT_EQ(pdfs.size(), 9u);
}

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
  auto pdfs = school_pdfs(dir);
  for (const auto& pdf : pdfs) EXPECT_EQ(testing::headings_at_page_foot(pdf.string()), "") << pdf.filename();
  EXPECT_GE(pdfs.size(), 5u);
}

}  // namespace
}  // namespace paiban
