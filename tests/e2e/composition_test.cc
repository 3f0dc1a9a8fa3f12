// The default report read back from its PDF (pdftotext -bbox-layout): the
// clreq rules hold on every line paiban set.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "base/text_file.h"
#include "bbox_lines.h"
#include "clreq_marks.h"
#include "support/test_support.h"

namespace paiban {
namespace {

using TextLine = testing::BoxLine;
using Word = testing::BoxWord;
inline std::vector<TextLine> read_lines(const std::string& pdf) { return testing::read_box_lines(pdf); }

char32_t first_char(const std::string& s) {
  size_t i = 0;
  return next_code_point(s, i);
}
char32_t last_char(const std::string& s) {
  char32_t c = 0;
  for (size_t i = 0; i < s.size();) c = next_code_point(s, i);
  return c;
}
using testing::in;
using testing::is_han;
using testing::kFullWidthMarks;
using testing::kNoLineEnd;
using testing::kNoLineStart;
bool is_latin_alnum(char32_t c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// layouts/report.yaml: A4, margins 28 mm left and 26 mm right, 12 pt body on 22 pt.
constexpr double kLeft = 28 * 72 / 25.4, kRight = 595.2756 - 26 * 72 / 25.4, kEm = 12;
constexpr double kTop = 30 * 72 / 25.4, kBottom = 841.8898 - 28 * 72 / 25.4;

class DefaultReportLines : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    static testing::TempDir dir;
    std::string pdf = (dir.path() / "r.pdf").string();
    auto r = testing::run_command(std::string(PAIBAN_BINARY) + " build " + testing::source_dir() +
                                  "/data/liangzhou-2023 -o " + pdf);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (auto& line : read_lines(pdf)) {
      if (line.y0 < kTop - 2 || line.y1 > kBottom + 2) continue;  // running header, page number
      // Body text is 12 pt: its Chinese words' boxes are 17.2 pt tall;
      // headings are taller, tables (10.5 pt) and Latin-only words shorter.
      double tallest = 0;
      for (const auto& w : line.words) tallest = std::max(tallest, w.y1 - w.y0);
      // Level-3 headings are 12 pt too: they start with their number (or 挑战).
      static const std::regex number(R"re(^\d+(\.\d+)*\.?$)re");
      bool heading = !line.words.empty() && (std::regex_match(line.words[0].text, number) ||
                                             line.words[0].text.starts_with("挑战"));
      if (tallest > 16.5 && tallest < 17.5 && !heading) body_.push_back(line);
      all_.push_back(line);
    }
  }
  static std::vector<TextLine> body_, all_;
};
std::vector<TextLine> DefaultReportLines::body_, DefaultReportLines::all_;

TEST_F(DefaultReportLines, NoLineStartsOrEndsWithAProhibitedMark) {
  ASSERT_GT(body_.size(), 100u);
  for (const auto& line : all_) {
    std::string t = line.text();
    EXPECT_FALSE(in(kNoLineStart, first_char(t))) << "page " << line.page << ": " << t;
    EXPECT_FALSE(in(kNoLineEnd, last_char(t))) << "page " << line.page << ": " << t;
  }
}

TEST_F(DefaultReportLines, EveryLineButAParagraphsLastIsFlushRight) {
  int checked = 0;
  for (size_t i = 0; i + 1 < body_.size(); ++i) {
    const TextLine& line = body_[i];
    const TextLine& next = body_[i + 1];
    // The paragraph goes on when the next body line starts at the margin
    // (not indented) right below, or at the top of the next page.
    bool below = next.page == line.page && std::abs(next.y0 - line.y0 - 22) < 0.5;
    // … or heads the next page, with nothing (a title, a table) above it.
    bool next_page = false;
    if (next.page == line.page + 1)
      for (const auto& l : all_)
        if (l.page == next.page) {
          next_page = l.y0 == next.y0 && l.x0 == next.x0;
          break;
        }
    bool continues = std::abs(next.x0 - kLeft) < 0.5 && (below || next_page);
    if (!continues) continue;
    // A full-width mark at the line end keeps its 1 em box in pdftotext's
    // view, but paiban trimmed its blank half: its ink meets the margin.
    double right = line.x1;
    if (in(kFullWidthMarks, last_char(line.text()))) right -= kEm / 2;
    EXPECT_NEAR(right, kRight, 1.0) << "page " << line.page << ": " << line.text();
    ++checked;
  }
  EXPECT_GT(checked, 80);
}

TEST_F(DefaultReportLines, HanLatinGapsAreAQuarterEmOrSo) {
  int gaps = 0;
  for (const auto& line : body_)
    for (size_t i = 0; i + 1 < line.words.size(); ++i) {
      char32_t a = last_char(line.words[i].text), b = first_char(line.words[i + 1].text);
      if (!((is_han(a) && is_latin_alnum(b)) || (is_latin_alnum(a) && is_han(b)))) continue;
      double gap = (line.words[i + 1].x0 - line.words[i].x1) / kEm;
      EXPECT_GE(gap, 0.2 - 1e-3) << line.text();
      EXPECT_LE(gap, 0.3 + 1e-3) << line.text();
      ++gaps;
    }
  EXPECT_GT(gaps, 50);
}

}  // namespace
}  // namespace paiban
