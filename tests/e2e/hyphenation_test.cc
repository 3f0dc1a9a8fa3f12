// Latin words hyphenated in Chinese text: a paragraph of long English
// company names, read back from the PDF. The glyphs' positions come from
// the content stream (mutool trace), the copied text from poppler
// (pdftotext), the hyphen's glyph from the font the PDF embeds.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "base/text_file.h"
#include "support/test_support.h"

namespace paiban {
namespace {

using testing::run_command;

// Body text of the default layout: 12 pt (so 1 em = 12 pt).
constexpr double kEm = 12;

// Names whose words are longer than the room a justified line leaves:
// without hyphenation the lines holding them spread their Han characters.
const char* const kNames[] = {
    "International Business Machines Corporation", "Mitsubishi UFJ Financial Group",
    "Schlumberger Technology Incorporated",        "ThyssenKrupp Elevator Manufacturing",
    "Bristol-Myers Squibb Pharmaceuticals",        "Nippon Telegraph and Telephone Corporation",
    "Hewlett Packard Enterprise Development",      "Telecommunications Infrastructure Consultancy",
    "Electromechanical Engineering Laboratories",  "Pharmaceutical Manufacturing Cooperative",
};

std::string document() {
  std::string md = "---\ntitle: 合作企业\n---\n\n# 合作企业\n\n";
  md += "五、长串英文：本年度与学校开展校企合作的企业有";
  const char* joins[] = {"、", "，以及", "；其次是", "、", "和", "；另有", "、", "与", "，还有", "。"};
  for (size_t i = 0; i < std::size(kNames); ++i) md += std::string(kNames[i]) + joins[i];
  md += "这些企业每年接收实习学生，共建实训基地，派出技术人员担任兼职教师，合作内容涵盖"
        "Telecommunications、Pharmaceuticals、Electromechanical三个方向。\n";
  return md;
}

/// One glyph as drawn: its text (from ToUnicode), glyph ID, pen position and advance (pt).
struct Glyph {
  std::string text;
  unsigned gid = 0;
  double x = 0, y = 0, adv = 0, size = 0;
  std::string font;
};

/// The glyphs of page PAGE (1-based) grouped in lines (by baseline, top to bottom), each left to right.
std::vector<std::vector<Glyph>> glyph_lines(const std::string& pdf, int page) {
  auto trace = run_command("mutool trace " + pdf + " " + std::to_string(page)).out;
  std::map<double, std::vector<Glyph>, std::greater<double>> by_y;
  const std::regex span(R"re(<span font="([^"]*)".* trm="([\d.]+) )re");
  const std::regex g(R"re(<g unicode="([^"]*)" glyph="([^"]*)" x="([-\d.]+)" y="([-\d.]+)" adv="([-\d.]+)")re");
  std::istringstream in(trace);
  std::string l, font;
  double size = 0;
  std::smatch m;
  while (std::getline(in, l)) {
    if (std::regex_search(l, m, span)) font = m[1], size = std::stod(m[2]);
    else if (std::regex_search(l, m, g)) {
      Glyph glyph{m[1], 0, std::stod(m[3]), std::stod(m[4]), std::stod(m[5]) * size, size, font};
      glyph.gid = static_cast<unsigned>(std::stoul(m[2].str(), nullptr, 0));
      by_y[std::round(glyph.y * 10) / 10].push_back(glyph);
    }
  }
  std::vector<std::vector<Glyph>> out;
  for (auto& [y, glyphs] : by_y) {
    std::sort(glyphs.begin(), glyphs.end(), [](const Glyph& a, const Glyph& b) { return a.x < b.x; });
    out.push_back(std::move(glyphs));
  }
  return out;
}

bool han(const std::string& s) {
  size_t i = 0;
  char32_t c = s.empty() ? 0 : next_code_point(s, i);
  return c >= 0x4E00 && c <= 0x9FFF;
}

std::string strip_spaces(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '\n' && c != '\f' && c != '\t') out += c;
  return out;
}

struct Rendered {
  int exit_code = -1;
  std::string err, pdf;
  std::vector<std::vector<Glyph>> body;  ///< the paragraph's lines, page 2 on (page 1: the cover)
  int pages = 0;
};

Rendered render(const testing::TempDir& dir, const std::string& env = "") {
  Rendered r;
  dir.write("r/report.md", document());
  r.pdf = (dir.path() / "r.pdf").string();
  auto run = run_command(env + std::string(PAIBAN_BINARY) + " build " + (dir.path() / "r").string() + " -o " + r.pdf);
  r.exit_code = run.exit_code;
  r.err = run.err;
  auto info = run_command("pdfinfo " + r.pdf).out;
  std::smatch m;
  if (std::regex_search(info, m, std::regex(R"(Pages:\s+(\d+))"))) r.pages = std::stoi(m[1]);
  for (int p = 1; p <= r.pages; ++p)
    for (auto& line : glyph_lines(r.pdf, p)) {
      // The paragraph's lines: body-size glyphs, more than ten of them.
      if (line.size() > 10 && std::abs(line.front().size - kEm) < 0.01) r.body.push_back(std::move(line));
    }
  return r;
}

/// The largest extra space between two Han characters of the justified
/// lines (all but the paragraph's last), in em; and how many pairs were measured.
std::pair<double, int> widest_han_gap(const Rendered& r) {
  double widest = 0;
  int pairs = 0;
  for (size_t i = 0; i + 1 < r.body.size(); ++i) {
    const auto& line = r.body[i];
    for (size_t k = 0; k + 1 < line.size(); ++k) {
      if (!han(line[k].text) || !han(line[k + 1].text)) continue;
      double extra = (line[k + 1].x - line[k].x - line[k].adv) / kEm;
      widest = std::max(widest, extra);
      ++pairs;
    }
  }
  return {widest, pairs};
}

TEST(Hyphenation, JustifiedLinesKeepHanCharactersWithinAFifteenthOfAnEmOfEachOther) {
  testing::TempDir dir;
  Rendered r = render(dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("apart"), std::string::npos) << r.err;  // no line reported loose
  ASSERT_GE(r.body.size(), 6u);
  auto [widest, pairs] = widest_han_gap(r);
  EXPECT_GT(pairs, 40);
  EXPECT_LE(widest, 0.15 + 1e-3);
  // Every line but the last is justified: it ends at the measure's right edge.
  double right = 0;
  for (const auto& line : r.body) right = std::max(right, line.back().x + line.back().adv);
  for (size_t i = 0; i + 1 < r.body.size(); ++i) {
    const Glyph& last = r.body[i].back();
    // A line-end mark loses its blank half (½ em).
    double end = last.x + last.adv;
    EXPECT_TRUE(std::abs(end - right) < 0.05 || std::abs(end - kEm / 2 - right) < 0.05) << "line " << i + 1;
  }
}

TEST(Hyphenation, BrokenWordsEndWithAVisibleHyphenThatCopyingDrops) {
  testing::TempDir dir;
  Rendered r = render(dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Lines that end with a hyphen glyph: it follows a letter at once, in
  // that letter's face, and the letters before it and those starting the
  // next line make one of the names' words.
  std::set<std::string> words;
  for (const char* name : kNames) {
    std::istringstream in(name);
    for (std::string w; in >> w;) words.insert(w);
  }
  auto letter = [](const std::string& s) { return s.size() == 1 && std::isalpha(static_cast<unsigned char>(s[0])); };
  int hyphenated = 0;
  for (size_t i = 0; i + 1 < r.body.size(); ++i) {
    const auto& line = r.body[i];
    if (line.back().text != "-" || !letter(line[line.size() - 2].text)) continue;
    const Glyph& last = line.back();
    const Glyph& before = line[line.size() - 2];
    EXPECT_EQ(last.font, before.font);
    EXPECT_NEAR(last.x, before.x + before.adv, 0.01);
    std::string head, tail;
    for (size_t k = line.size() - 1; k-- > 0 && letter(line[k].text);) head = line[k].text + head;
    for (size_t k = 0; k < r.body[i + 1].size() && letter(r.body[i + 1][k].text); ++k) tail += r.body[i + 1][k].text;
    EXPECT_TRUE(words.count(head + tail)) << head << "-" << tail;
    EXPECT_GE(head.size(), 2u);
    EXPECT_GE(tail.size(), 3u);
    ++hyphenated;
  }
  EXPECT_GE(hyphenated, 1);
  // The hyphen has an empty /ActualText: poppler gives the word whole
  // (each name found in the text, spaces and line ends aside), and the
  // only hyphen in the text is the one the source has (Bristol-Myers).
  // -raw: in its reading-order mode poppler joins a line ending in a
  // hyphen to the next by itself, which would hide a hyphen left in the text.
  auto text = run_command("pdftotext -raw " + r.pdf + " -").out;
  std::string flat = strip_spaces(text);
  for (const char* name : kNames) EXPECT_NE(flat.find(strip_spaces(name)), std::string::npos) << name << "\n" << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '-'), 1) << text;
  // In the content stream: a marked-content span around the hyphen.
  auto qdf = run_command("qpdf --qdf --object-streams=disable " + r.pdf + " -").out;
  EXPECT_NE(qdf.find("/Span <</ActualText ()>> BDC"), std::string::npos);
}

TEST(Hyphenation, WithoutPatternsAWarningNamesWhereItLookedAndWordsStayWhole) {
  testing::TempDir dir;
  Rendered r = render(dir, "PAIBAN_HYPHENATION=" + (dir.path() / "none.dic").string() + " ");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Latin words are not hyphenated"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("none.dic"), std::string::npos) << r.err;
  auto qdf = run_command("qpdf --qdf --object-streams=disable " + r.pdf + " -").out;
  EXPECT_EQ(qdf.find("/ActualText ()"), std::string::npos);
  // The oracle above fails here: without hyphenation the long words leave
  // lines that spread their Han characters past the limit, and they are reported.
  auto [widest, pairs] = widest_han_gap(r);
  EXPECT_GT(widest, 0.15);
  EXPECT_NE(r.err.find("apart (at most 0.15 em)"), std::string::npos) << r.err;
}

TEST(Hyphenation, TheLayoutCanTurnItOff) {
  testing::TempDir dir;
  std::string layout = testing::read_file(testing::source_dir() + "/layouts/report.yaml");
  ASSERT_NE(layout.find("hyphenate: true"), std::string::npos);
  layout.replace(layout.find("hyphenate: true"), 15, "hyphenate: false");
  dir.write("r/plain.yaml", layout);
  dir.write("r/report.md", document());
  std::string pdf = (dir.path() / "r.pdf").string();
  auto run = run_command(std::string(PAIBAN_BINARY) + " build " + (dir.path() / "r").string() + " --layout " +
                         (dir.path() / "r/plain.yaml").string() + " -o " + pdf);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err.find("not hyphenated"), std::string::npos) << run.err;  // asked for: no warning
  auto qdf = run_command("qpdf --qdf --object-streams=disable " + pdf + " -").out;
  EXPECT_EQ(qdf.find("/ActualText ()"), std::string::npos);
}

}  // namespace
}  // namespace paiban
