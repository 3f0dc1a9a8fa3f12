// The GB/T 9704 character grid on a document of its own: a full line holds
// its 28 cells. Where a number or Latin word does not fit the cells left,
// one mark gives up its blank half (GB/T 15834 §5.1.10) to take it, rather
// than the line going short and spreading its characters over the cells.
// Glyph positions from the content stream (mutool trace).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <regex>
#include <sstream>

#include "base/text_file.h"
#include "support/test_support.h"

namespace paiban {
namespace {

using testing::run_command;

// layouts/gbt9704.yaml: the type area is 156 mm wide from 28 mm; 28 cells of 156/28 mm; 三号 (16 pt) body.
constexpr double kMm = 72 / 25.4;
constexpr double kLeft = 28 * kMm, kRight = (28 + 156) * kMm, kPitch = 156 * kMm / 28;

struct Glyph {
  std::string text;
  double x = 0, adv = 0;
};

/// Body lines (16 pt glyphs) of every page, top to bottom, each left to right.
std::vector<std::vector<Glyph>> body_lines(const std::string& pdf) {
  auto trace = run_command("mutool trace " + pdf).out;
  std::map<std::pair<int, double>, std::vector<Glyph>> lines;
  const std::regex span(R"re(trm="([\d.]+) )re");
  const std::regex g(R"re(<g unicode="([^"]*)" glyph="[^"]*" x="([-\d.]+)" y="([-\d.]+)" adv="([-\d.]+)")re");
  std::istringstream in(trace);
  std::string l;
  double size = 0;
  int page = 0;
  std::smatch m;
  while (std::getline(in, l)) {
    if (l.rfind("<page ", 0) == 0) ++page;
    if (std::regex_search(l, m, span)) size = std::stod(m[1]);
    else if (std::regex_search(l, m, g) && std::abs(size - 16) < 0.01)
      lines[{page, -std::round(std::stod(m[3]) * 10) / 10}].push_back({m[1], std::stod(m[2]), std::stod(m[4]) * size});
  }
  std::vector<std::vector<Glyph>> out;
  for (auto& [key, glyphs] : lines) {
    std::sort(glyphs.begin(), glyphs.end(), [](const Glyph& a, const Glyph& b) { return a.x < b.x; });
    out.push_back(std::move(glyphs));
  }
  return out;
}

bool wide(const std::string& s) {
  size_t i = 0;
  return !s.empty() && next_code_point(s, i) >= 0x2E80;
}

std::string text_of(const std::vector<Glyph>& line) {
  std::string s;
  for (const auto& g : line) s += g.text;
  return s;
}

std::string han(int n) {
  static const char* const words[] = {"凉", "州", "区", "职", "业", "教", "育", "质", "量", "年", "度", "报", "告"};
  std::string s;
  for (int i = 0; i < n; ++i) s += words[i % 13];
  return s;
}

TEST(Grid, ANumberThatOneMarksBlankHalfMakesRoomForKeepsTheLineOnTheGrid) {
  testing::TempDir dir;
  // Paragraph 1: its first line (2 cells of indent) holds 23 characters and 。
  // (24 cells); 2023 (four half-width digits, 32 pt) is 0.4 pt more than the
  // two cells left. Paragraph 2: a full line of 26 cells with 、 in it, then
  // 100% (2.4 cells).
  std::string md = "---\ntitle: 网格\nlayout: gbt9704\n---\n\n";
  md += han(23) + "。2023年6月，" + han(40) + "。\n\n";
  md += han(26) + han(20) + "、" + han(5) + "100%" + han(30) + "。\n";
  dir.write("r/report.md", md);
  std::string pdf = (dir.path() / "r.pdf").string();
  auto r = run_command(std::string(PAIBAN_BINARY) + " build " + (dir.path() / "r").string() + " -o " + pdf);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = body_lines(pdf);
  ASSERT_GE(lines.size(), 6u);

  int full = 0, squeezed = 0;
  for (const auto& line : lines) {
    SCOPED_TRACE(text_of(line));
    const Glyph& last = line.back();
    // Where it ends: a wide character fills its cell, a narrow one its advance.
    const double end = last.x + (wide(last.text) ? kPitch : last.adv);
    if (end < kRight - 1) continue;  // a paragraph's last line
    ++full;
    // It ends at the type area's right edge.
    EXPECT_NEAR(end, kRight, 0.05);
    // Its wide characters sit in their cells: each a whole cell from the
    // one before (never spread), but after one mark that gave up part of
    // its blank half (at most half a cell).
    int cells_given = 0;
    for (size_t k = 0; k + 1 < line.size(); ++k) {
      if (!wide(line[k].text) || !wide(line[k + 1].text)) continue;
      double step = line[k + 1].x - line[k].x;
      if (std::abs(step - kPitch) < 0.05) continue;
      EXPECT_TRUE(step < kPitch && step >= 0.4 * kPitch && (line[k].text == "、" || line[k].text == "。" ||
                                                                 line[k].text == "，"))
          << "step " << step << " after " << line[k].text;
      ++cells_given;
    }
    EXPECT_LE(cells_given, 1);
    // Up to that mark, the characters are on the grid: at the left edge
    // plus a whole number of cells.
    for (const auto& g : line) {
      if (!wide(g.text)) break;
      double cells = (g.x - kLeft) / kPitch;
      EXPECT_NEAR(cells, std::round(cells), 0.01) << g.text;
      if (g.text == "、" || g.text == "。" || g.text == "，") break;
    }
  }
  EXPECT_GE(full, 4);
  // The two lines the numbers end: "…。2023" and "…、…100%", full.
  for (const auto& line : lines) {
    std::string t = text_of(line);
    if (t.size() >= 4 && t.substr(t.size() - 4) == "2023") {
      ++squeezed;
      EXPECT_EQ(t, han(23) + "。2023");
      EXPECT_NEAR(line.back().x + line.back().adv, kRight, 0.05);
      // 。 keeps its place in its cell; the digits start 0.4 pt into its blank half.
      EXPECT_NEAR(line[23].x, kLeft + 25 * kPitch, 0.01);
    }
    if (t.size() >= 4 && t.substr(t.size() - 4) == "100%") {
      ++squeezed;
      EXPECT_NE(t.find("、"), std::string::npos);
      EXPECT_NEAR(line.back().x + line.back().adv, kRight, 0.05);
    }
  }
  EXPECT_EQ(squeezed, 2) << "each number ends the line it was short of";
}

}  // namespace
}  // namespace paiban
