// The default report in the GB/T 9704-2012 official-document layout, read
// back from its PDF: the character grid and the page numbers.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <regex>
#include <sstream>

#include "base/text_file.h"
#include "bbox_lines.h"
#include "clreq_marks.h"
#include "support/test_support.h"

namespace paiban {
namespace {

using Line = testing::BoxLine;
inline std::vector<Line> lines_of(const std::string& pdf) { return testing::read_box_lines(pdf); }

// layouts/gbt9704.yaml: type area 156 × 225 mm from 28 mm left and 37 mm top.
constexpr double kMm = 72 / 25.4;
constexpr double kLeft = 28 * kMm, kRight = (28 + 156) * kMm, kTop = 37 * kMm, kBottom = (37 + 225) * kMm;
constexpr double kPitch = 156 * kMm / 28, kLine = 225 * kMm / 22;

class Gbt9704 : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    static testing::TempDir dir;
    std::string pdf = (dir.path() / "g.pdf").string();
    auto r = testing::run_command(std::string(PAIBAN_BINARY) + " build " + testing::source_dir() +
                                  "/data/liangzhou-2023 --layout gbt9704 -o " + pdf);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    err_ = r.err;
    lines_ = lines_of(pdf);
  }
  static std::vector<Line> lines_;
  static std::string err_;
};
std::vector<Line> Gbt9704::lines_;
std::string Gbt9704::err_;

bool all_full_width(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    char32_t c = next_code_point(s, i);
    if (testing::is_half_width_latin(c) || c == ' ') return false;
  }
  return true;
}

TEST_F(Gbt9704, FullBodyLinesHoldExactlyTwentyEightCharacters) {
  int checked = 0;
  for (size_t index = 0; index + 1 < lines_.size(); ++index) {
    const Line& line = lines_[index];
    // A line is short of the grid only when what follows could not join it:
    // a Latin word or number (half-width, unbreakable) or an opening mark,
    // which may not end a line.
    std::string next;
    for (size_t k = index + 1; k < lines_.size() && next.empty(); ++k)
      if (lines_[k].y0 >= kTop - 2 && lines_[k].y1 <= kBottom + 2)  // the next line of text, not a page number
        for (const auto& w : lines_[k].words) next += w.text;
    size_t at = 0;
    char32_t next_first = next.empty() ? 0 : next_code_point(next, at);
    if (testing::is_half_width_latin(next_first) || testing::in(testing::kNoLineEnd, next_first)) continue;
    // Body lines on the grid that run to the right edge of the type area.
    if (line.y0 < kTop || line.y1 > kBottom + 2 || std::abs(line.x0 - kLeft) > 0.5 || line.x1 < kRight - 1) continue;
    std::string text;
    for (const auto& w : line.words) text += w.text;
    if (!all_full_width(text)) continue;
    int chars = 0;
    double last_x = 0;
    for (const auto& w : line.words) last_x = w.x1;
    for (size_t i = 0; i < text.size();) {
      next_code_point(text, i);
      ++chars;
    }
    // Marks that may not start a line hang past the edge (one or two, ”。):
    // they are not among the 28.
    int hanging = 0;
    if (last_x > kRight + 0.5) {
      std::vector<char32_t> cps;
      for (size_t i = 0; i < text.size();) cps.push_back(next_code_point(text, i));
      for (size_t k = cps.size(); k-- > 0 && hanging < 2 && testing::in(testing::kNoLineStart, cps[k]);) ++hanging;
    }
    EXPECT_TRUE(chars == 28 || (hanging > 0 && chars > 28 && chars <= 28 + hanging))
        << "page " << line.page << ": " << chars << " characters, " << hanging << " hanging: " << text;
    ++checked;
  }
  EXPECT_GT(checked, 100);
}

TEST_F(Gbt9704, FullPagesHoldTwentyTwoLinesOnTheGrid) {
  std::map<int, std::vector<double>> baselines;  // page → line tops in the type area
  std::map<int, bool> has_table;
  for (const auto& line : lines_) {
    if (line.y0 < kTop - 2 || line.y1 > kBottom + 2) continue;
    double h = line.y1 - line.y0;
    // Table text (四号) is shorter than the 三号 grid lines, titles (二号) taller.
    if (h < 17 || h > 21) has_table[line.page] = true;
    baselines[line.page].push_back(line.y0);
  }
  int full = 0;
  for (auto& [page, ys] : baselines) {
    if (has_table[page]) continue;
    std::sort(ys.begin(), ys.end());
    ys.erase(std::unique(ys.begin(), ys.end(), [](double a, double b) { return std::abs(a - b) < 1; }), ys.end());
    EXPECT_LE(ys.size(), 22u) << "page " << page;
    // Lines sit on the grid's rows (within the 1.5 pt by which the boxes of
    // the 仿宋, 黑体 and Latin faces differ).
    for (size_t i = 1; i < ys.size(); ++i) {
      double off = std::fmod(ys[i] - ys[0], kLine);
      EXPECT_LT(std::min(off, kLine - off), 1.5) << "page " << page << " is off the grid";
    }
    full += ys.size() == 22;
  }
  EXPECT_GE(full, 5);
}

TEST_F(Gbt9704, PageNumbersAreDashedAndOutside) {
  const std::regex number("^— ?(\\d+) ?—$");
  int seen = 0;
  for (const auto& line : lines_) {
    if (line.y0 < kBottom) continue;
    std::string text;
    for (const auto& w : line.words) text += (text.empty() ? "" : " ") + w.text;
    std::smatch m;
    if (!std::regex_match(text, m, number)) continue;
    int n = std::stoi(m[1]);
    if (n % 2 == 1) EXPECT_NEAR(line.x1, kRight - kPitch, 0.5) << text;  // odd: right, one character in
    else EXPECT_NEAR(line.x0, kLeft + kPitch, 0.5) << text;              // even: left, one character in
    // The number's em box starts 7 mm below the type area: its baseline is
    // 7 mm + 0.88 em down, and pdftotext's box reaches Noto Serif CJK's
    // descent (0.286 em) below the baseline.
    EXPECT_NEAR(line.y1 - 0.286 * 14, kBottom + 7 * kMm + 0.88 * 14, 0.3) << text;
    ++seen;
  }
  EXPECT_GT(seen, 20);
}

TEST_F(Gbt9704, TheFangsongSubstituteIsNamed) {
  EXPECT_NE(err_.find("warning: font role \"fangsong\" sets 仿宋 with LXGW WenKai:style=Light, a substitute"),
            std::string::npos) << err_;
}

}  // namespace
}  // namespace paiban
