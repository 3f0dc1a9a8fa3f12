// paiban diff: what a correction changed between two copies of a report. The
// expectations come from the data files and from the two PDFs read back
// (pdftotext -bbox, qpdf --json, paiban check), never from the diff's own tables.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "e2e/pdf_inspect.h"
#include "support/test_support.h"

namespace paiban {
namespace {

namespace fs = std::filesystem;
using testing::run_command;
using testing::TempDir;

const std::string kPaiban = PAIBAN_BINARY;

/// Two copies of the district report under DIR: old/ and new/.
void copy_report(const TempDir& dir) {
  for (const char* name : {"old", "new"})
    fs::copy(testing::source_dir() + "/data/liangzhou-2023", dir.path() / name, fs::copy_options::recursive);
}

std::string read(const fs::path& p) { return testing::read_file(p.string()); }
void write(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

/// Replaces the first FROM in FILE with TO; returns the 1-based line it was on.
int edit(const fs::path& file, const std::string& from, const std::string& to) {
  std::string s = read(file);
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at == std::string::npos) return 0;
  s.replace(at, from.size(), to);
  write(file, s);
  return 1 + static_cast<int>(std::count(s.begin(), s.begin() + at, '\n'));
}

/// A word of pdftotext -bbox: page (1-based), box in PDF coordinates (origin bottom left).
struct Word {
  int page;
  double x0, y0, x1, y1;
  std::string text;
};

std::vector<Word> words(const std::string& pdf) {
  auto r = run_command("pdftotext -bbox " + pdf + " -");
  std::vector<Word> out;
  std::istringstream in(r.out);
  std::string l;
  int page = 0;
  double height = 0;
  const std::regex page_re(R"re(<page width="([\d.]+)" height="([\d.]+)")re");
  const std::regex word_re(R"re(xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>)re");
  std::smatch m;
  while (std::getline(in, l)) {
    if (std::regex_search(l, m, page_re)) ++page, height = std::stod(m[2]);
    else if (std::regex_search(l, m, word_re))
      out.push_back({page, std::stod(m[1]), height - std::stod(m[4]), std::stod(m[3]), height - std::stod(m[2]), m[5]});
  }
  return out;
}

/// The words of NEW that OLD does not have at the same place with the same text.
std::vector<Word> changed_words(const std::vector<Word>& old_words, const std::vector<Word>& new_words) {
  std::multiset<std::string> before;
  auto key = [](const Word& w) { return fmt::format("{}|{:.0f}|{:.0f}|{}", w.page, w.x0, w.y0, w.text); };
  for (const auto& w : old_words) before.insert(key(w));
  std::vector<Word> out;
  for (const auto& w : new_words) {
    auto it = before.find(key(w));
    if (it == before.end()) out.push_back(w);
    else before.erase(it);
  }
  return out;
}

/// A glyph of mutool's structured text: page (1-based), its box and baseline in PDF coordinates.
struct Glyph {
  int page;
  double x0, x1, baseline;
  std::string text;
};

std::vector<Glyph> glyphs(const std::string& pdf) {
  auto r = run_command("mutool draw -q -F stext -o - " + pdf + " 2>/dev/null");
  std::vector<Glyph> out;
  std::istringstream in(r.out);
  std::string l;
  int page = 0;
  double height = 0;
  const std::regex page_re(R"re(<page [^>]*height="([\d.]+)")re");
  const std::regex char_re(R"re(<char quad="([\d.-]+) [\d.-]+ ([\d.-]+) [^"]*" x="[\d.-]+" y="([\d.-]+)"[^>]* c="([^"]*)")re");
  std::smatch m;
  while (std::getline(in, l)) {
    if (std::regex_search(l, m, page_re)) ++page, height = std::stod(m[1]);
    else if (std::regex_search(l, m, char_re) && m[4] != " ")
      out.push_back({page, std::stod(m[1]), std::stod(m[2]), height - std::stod(m[3]), m[4]});
  }
  return out;
}

struct Annotation {
  int page;  // 1-based
  double x0, y0, x1, y1;
  std::vector<double> quads;
  std::string contents;
};

/// The /Highlight annotations of PDF, and each page's content stream data.
std::vector<Annotation> highlights(const std::string& pdf, std::vector<std::string>* contents = nullptr) {
  auto j = nlohmann::json::parse(run_command("qpdf --json --json-stream-data=inline " + pdf).out);
  const auto& objects = j["qpdf"][1];
  auto object = [&](const std::string& ref) -> const nlohmann::json& { return objects["obj:" + ref]; };
  std::vector<Annotation> out;
  for (size_t p = 0; p < j["pages"].size(); ++p) {
    const auto& page = object(j["pages"][p]["object"].get<std::string>())["value"];
    if (contents) {
      std::string data;
      for (const auto& c : j["pages"][p]["contents"]) data += object(c.get<std::string>())["stream"]["data"].get<std::string>();
      contents->push_back(data);
    }
    if (!page.contains("/Annots")) continue;
    for (const auto& ref : page["/Annots"]) {
      const auto& a = object(ref.get<std::string>())["value"];
      if (a.value("/Subtype", "") != "/Highlight") continue;
      Annotation h{static_cast<int>(p) + 1, a["/Rect"][0], a["/Rect"][1], a["/Rect"][2], a["/Rect"][3], {}, {}};
      for (const auto& q : a["/QuadPoints"]) h.quads.push_back(q.get<double>());
      std::string c = a.value("/Contents", "");
      h.contents = c.rfind("u:", 0) == 0 ? c.substr(2) : c;
      EXPECT_TRUE(a.contains("/Popup")) << "a highlight without its popup";
      out.push_back(h);
    }
  }
  return out;
}

/// The printed page number of PDF's page PAGE (1-based), from its labels.
std::string label(const std::string& pdf, int page) { return testing::PdfInspector(pdf).label(page - 1); }

/// Names of the checks `paiban check` reports failing.
std::set<std::string> failing_checks(const fs::path& dir) {
  auto r = run_command(kPaiban + " check " + dir.string());
  std::set<std::string> out;
  const std::regex re("check \"([^\"]+)\" fails");
  for (std::sregex_iterator it(r.err.begin(), r.err.end(), re), end; it != end; ++it) out.insert((*it)[1]);
  return out;
}

std::string two(double x) { return fmt::format("{:.2f}", std::round(x * 100) / 100 + 0.0); }

/// The rectangles of the annotations cover exactly EXPECTED: each word is
/// covered by a quad and each quad covers a word, their x extents equal within
/// 1 pt (a value printed against a literal, 17.6 of 17.6:1, shares one edge of
/// the word and ends inside it), the word's middle inside the quad vertically;
/// and each quad begins and ends with the glyphs it covers (mutool's boxes).
void expect_cover(const std::vector<Annotation>& annotations, const std::vector<Word>& expected,
                  const std::vector<Glyph>& glyphs) {
  std::vector<bool> covered(expected.size(), false);
  for (const auto& a : annotations) {
    ASSERT_EQ(a.quads.size() % 8, 0u);
    for (size_t q = 0; q < a.quads.size(); q += 8) {
      // Quads in readers' order: top left, top right, bottom left, bottom right.
      double qx0 = a.quads[q], qy1 = a.quads[q + 1], qx1 = a.quads[q + 2], qy0 = a.quads[q + 5];
      EXPECT_LE(a.x0, qx0 + 0.01);
      EXPECT_GE(a.x1, qx1 - 0.01);
      EXPECT_LE(a.y0, qy0 + 0.01);
      EXPECT_GE(a.y1, qy1 - 0.01);
      // The glyphs whose middle it covers on their baseline begin and end at its edges, within 1 pt.
      double g0 = 1e9, g1 = -1e9;
      for (const auto& g : glyphs)
        if (g.page == a.page && g.baseline > qy0 && g.baseline < qy1 && (g.x0 + g.x1) / 2 > qx0 && (g.x0 + g.x1) / 2 < qx1)
          g0 = std::min(g0, g.x0), g1 = std::max(g1, g.x1);
      EXPECT_NEAR(g0, qx0, 1) << "page " << a.page << ": " << a.contents;
      EXPECT_NEAR(g1, qx1, 1) << "page " << a.page << ": " << a.contents;
      bool any = false;
      for (size_t k = 0; k < expected.size(); ++k) {
        const Word& w = expected[k];
        double mid = (w.y0 + w.y1) / 2;
        bool same = std::abs(w.x0 - qx0) <= 1 && std::abs(w.x1 - qx1) <= 1;
        bool part = (std::abs(w.x0 - qx0) <= 1 && qx1 < w.x1 + 1) || (std::abs(w.x1 - qx1) <= 1 && qx0 > w.x0 - 1);
        if (w.page == a.page && (same || part) && mid > qy0 && mid < qy1)
          covered[k] = any = true;
      }
      EXPECT_TRUE(any) << "page " << a.page << ": a highlight at x " << qx0 << "–" << qx1 << ", y " << qy0 << "–" << qy1
                       << " covers no changed word (" << a.contents << ")";
    }
  }
  for (size_t k = 0; k < expected.size(); ++k)
    EXPECT_TRUE(covered[k]) << "page " << expected[k].page << ": \"" << expected[k].text << "\" at x " << expected[k].x0
                            << "–" << expected[k].x1 << " has no highlight";
}

int sum_enrolment(const fs::path& schools) {
  int total = 0;
  const std::regex re(R"(\nenrolment: (\d+))");
  for (const auto& e : fs::directory_iterator(schools)) {
    std::smatch m;
    std::string s = read(e.path());
    if (std::regex_search(s, m, re)) total += std::stoi(m[1]);
  }
  return total;
}

TEST(Diff, OneSchoolsEnrolment) {
  TempDir dir;
  copy_report(dir);
  const fs::path old_dir = dir.path() / "old", new_dir = dir.path() / "new";
  const fs::path school = new_dir / "schools" / "05-wuwei-xinxi.yaml";
  // 301 → 426 brings the nine schools to table 2's 10391 vocational students.
  const int line = edit(school, "enrolment: 301", "enrolment: 426");
  const int old_total = sum_enrolment(old_dir / "schools"), new_total = sum_enrolment(new_dir / "schools");
  ASSERT_EQ(new_total - old_total, 125);
  const int total_2021 = 9968;  // data.yaml students.total_2021
  ASSERT_NE(read(new_dir / "data.yaml").find(fmt::format("total_2021: {}", total_2021)), std::string::npos);

  const std::string old_pdf = (dir.path() / "old.pdf").string(), new_pdf = (dir.path() / "new.pdf").string(),
                    marked = (dir.path() / "marked.pdf").string();
  ASSERT_EQ(run_command(kPaiban + " build " + old_dir.string() + " -o " + old_pdf).exit_code, 0);
  ASSERT_EQ(run_command(kPaiban + " build " + new_dir.string() + " -o " + new_pdf).exit_code, 0);
  auto r = run_command(kPaiban + " diff " + old_dir.string() + " " + new_dir.string() + " --pdf " + marked);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err, "");
  const std::string& out = r.out;

  // The changed input, first, at the school file's line.
  EXPECT_EQ(out.find(fmt::format("{}:{}:", school.string(), line)), 0u) << out;
  EXPECT_NE(out.find("301 → 426"), std::string::npos) << out;

  // 1.1.2: the total, the increase and the growth rate, on the page that prints them.
  auto new_words = words(new_pdf), old_words = words(old_pdf);
  int total_page = 0;
  for (const auto& w : new_words)
    if (w.text == std::to_string(new_total)) total_page = w.page;
  ASSERT_GT(total_page, 0);
  const std::string page = label(new_pdf, total_page);
  auto growth = [&](int total) { return fmt::format("{:.1f}%", std::round((total - total_2021) * 1000.0 / total_2021) / 10); };
  for (auto [before, after] : {std::pair{std::to_string(old_total), std::to_string(new_total)},
                               {std::to_string(old_total - total_2021), std::to_string(new_total - total_2021)},
                               {growth(old_total), growth(new_total)}}) {
    std::regex re(fmt::format("\n  第{}页第\\d+行 1\\.1\\.2 中等职业教育规模：{} → {}\n    原：[^\n]*{}[^\n]*\n    新：[^\n]*{}",
                              page, std::regex_replace(before, std::regex("[.%]"), "\\$&"),
                              std::regex_replace(after, std::regex("[.%]"), "\\$&"),
                              std::regex_replace(before, std::regex("[.%]"), "\\$&"),
                              std::regex_replace(after, std::regex("[.%]"), "\\$&")));
    EXPECT_TRUE(std::regex_search(out, re)) << before << " → " << after << " on page " << page << "\n" << out;
  }

  // Tables 3 and 4: each item's 2022 value per student (the CSV's y2022 ÷ the total), to 2 decimals.
  for (auto [table, csv] : {std::pair{"表3", "resources.csv"}, {"表4", "equipment.csv"}}) {
    std::istringstream rows(read(new_dir / "tables" / csv));
    std::string row;
    std::getline(rows, row);
    int changed = 0;
    while (std::getline(rows, row)) {
      std::vector<std::string> f;
      std::stringstream ss(row);
      for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
      double y2022 = std::stod(f[5]);
      std::string before = two(y2022 / old_total), after = two(y2022 / new_total);
      if (before == after) continue;
      ++changed;
      std::regex re(fmt::format("\n  第\\d+页 {} {} / {} / [^\n]*：{} → {}\n", table, f[1], f[2], before, after));
      EXPECT_TRUE(std::regex_search(out, re)) << table << " " << f[1] << ": " << before << " → " << after << "\n" << out;
    }
    EXPECT_GT(changed, 0) << table;
  }

  // The checks whose result flips, as paiban check reports them.
  auto before = failing_checks(old_dir), after = failing_checks(new_dir);
  std::set<std::string> flipped;
  for (const auto& c : before)
    if (!after.count(c)) {
      flipped.insert(c);
      EXPECT_NE(out.find(fmt::format("检查“{}”：不符 → 相符", c)), std::string::npos) << c;
    }
  for (const auto& c : after)
    if (!before.count(c)) {
      flipped.insert(c);
      EXPECT_NE(out.find(fmt::format("检查“{}”：相符 → 不符", c)), std::string::npos) << c;
    }
  EXPECT_GE(flipped.size(), 2u);
  size_t listed = 0;
  for (size_t at = out.find("检查“"); at != std::string::npos; at = out.find("检查“", at + 1)) ++listed;
  EXPECT_EQ(listed, flipped.size()) << out;

  // The pages whose content changed: those with a word that changed.
  auto changed = changed_words(old_words, new_words);
  ASSERT_FALSE(changed.empty());
  std::set<int> pages;
  for (const auto& w : changed) pages.insert(w.page);
  std::string page_list;
  for (int p : pages) page_list += (page_list.empty() ? "" : "、") + label(new_pdf, p);
  EXPECT_NE(out.find("内容有变化的页：" + page_list + "\n"), std::string::npos) << page_list << "\n" << out;

  // The marked PDF: its highlights cover exactly the words that changed, each popup
  // holding the old text; its pages' content is the build's, stream for stream.
  std::vector<std::string> built_contents, marked_contents;
  auto built = highlights(new_pdf, &built_contents);
  EXPECT_TRUE(built.empty());
  auto annotations = highlights(marked, &marked_contents);
  EXPECT_EQ(marked_contents, built_contents);
  expect_cover(annotations, changed, glyphs(marked));
  bool old_total_noted = false;
  for (const auto& a : annotations) old_total_noted = old_total_noted || a.contents == "原：" + std::to_string(old_total);
  EXPECT_TRUE(old_total_noted);
  EXPECT_EQ(testing::pdf_gate(marked), "");

  // --json: the same places for tools.
  auto j = run_command(kPaiban + " diff --json " + old_dir.string() + " " + new_dir.string());
  ASSERT_EQ(j.exit_code, 1);
  auto json = nlohmann::json::parse(j.out);
  EXPECT_FALSE(json["identical"].get<bool>());
  ASSERT_EQ(json["inputs"].size(), 1u);
  EXPECT_EQ(json["inputs"][0]["file"], school.string());
  EXPECT_EQ(json["inputs"][0]["line"], line);
  EXPECT_EQ(json["inputs"][0]["old"], "301");
  EXPECT_EQ(json["inputs"][0]["new"], "426");
  bool total_place = false;
  for (const auto& p : json["places"])
    if (p["kind"] == "value" && p["new"] == std::to_string(new_total)) {
      total_place = true;
      EXPECT_EQ(p["page"], page);
      ASSERT_FALSE(p["rects"].empty());
      EXPECT_EQ(p["rects"][0]["page"], total_page);
    }
  EXPECT_TRUE(total_place);
}

TEST(Diff, TextEdit) {
  TempDir dir;
  copy_report(dir);
  const fs::path old_dir = dir.path() / "old", new_dir = dir.path() / "new";
  const std::string from = "特编制凉州区2023年中等职业教育质量年度报告。", to = "特编制凉州区2023年中等职业教育质量年度报告（修订稿）。";
  const int line = edit(new_dir / "report.md", from, to);
  const std::string old_pdf = (dir.path() / "old.pdf").string(), marked = (dir.path() / "marked.pdf").string();
  ASSERT_EQ(run_command(kPaiban + " build " + old_dir.string() + " -o " + old_pdf).exit_code, 0);
  auto r = run_command(kPaiban + " diff " + old_dir.string() + " " + new_dir.string() + " --pdf " + marked);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  // The paragraph, at its line in report.md, old and new, on its page; no data changed.
  int page = 0;
  auto new_words = words(marked);
  for (const auto& w : new_words)
    if (w.text.find("修订稿") != std::string::npos) page = w.page;
  ASSERT_GT(page, 0);
  std::string expected = fmt::format("{}:{}:1: 改动段落\n  第{}页 段落\n    原：根据", (new_dir / "report.md").string(), line,
                                     label(marked, page));
  EXPECT_EQ(r.out.find(expected), 0u) << expected << "\n" << r.out;
  EXPECT_NE(r.out.find("    新：根据《甘肃省教育厅关于做好2023年职业教育质量年度报告编制、发布和报送工作的通知》要求，" + to),
            std::string::npos)
      << r.out;
  // One input, the paragraph: no data changed.
  int inputs = 0;
  std::istringstream lines(r.out);
  for (std::string l; std::getline(lines, l);)
    if (!l.empty() && l[0] != ' ' && l.rfind("其他变化", 0) != 0 && l.rfind("目录中", 0) != 0 && l.rfind("内容有变化", 0) != 0 &&
        l.rfind("删去的页", 0) != 0)
      ++inputs;
  EXPECT_EQ(inputs, 1) << r.out;
  // Its highlight covers the paragraph's lines: each changed word is in it.
  auto changed = changed_words(words(old_pdf), new_words);
  ASSERT_FALSE(changed.empty());
  auto annotations = highlights(marked);
  ASSERT_EQ(annotations.size(), 1u);
  testing::PdfInspector inspector(marked);
  const std::string highlighted = inspector.text_in(page - 1, annotations[0].x0, annotations[0].y0, annotations[0].x1, annotations[0].y1);
  EXPECT_NE(highlighted.find("（修订稿）"), std::string::npos) << highlighted;
  EXPECT_EQ(highlighted.rfind("根据", 0), 0u) << highlighted;
  for (const auto& w : changed) {
    // The words that changed on the paragraph's lines (what follows it may move too).
    if (w.page != page || (w.y0 + w.y1) / 2 < annotations[0].y0 || (w.y0 + w.y1) / 2 > annotations[0].y1) continue;
    bool in = false;
    for (size_t q = 0; q < annotations[0].quads.size(); q += 8) {
      double mid = (w.y0 + w.y1) / 2;
      in = in || (w.x0 >= annotations[0].quads[q] - 1 && w.x1 <= annotations[0].quads[q + 2] + 1 &&
                  mid > annotations[0].quads[q + 5] && mid < annotations[0].quads[q + 1]);
    }
    EXPECT_TRUE(in) << w.text;
  }
  EXPECT_EQ(annotations[0].contents.rfind("原文：根据", 0), 0u);
}

TEST(Diff, AddedCsvRow) {
  TempDir dir;
  copy_report(dir);
  const fs::path old_dir = dir.path() / "old", new_dir = dir.path() / "new";
  const fs::path csv = new_dir / "tables" / "majors.csv";
  std::string s = read(csv);
  const int line = 1 + static_cast<int>(std::count(s.begin(), s.end(), '\n'));
  // A major of a group the table already has, at the end.
  std::string last = s.substr(s.rfind('\n', s.size() - 2) + 1);
  std::string industry = last.substr(0, last.find(',')), rest = last.substr(last.find(',') + 1);
  std::string group = rest.substr(0, rest.find(','));
  write(csv, s + fmt::format("{},{},无人机应用技术,40,40,1\n", industry, group));
  auto r = run_command(kPaiban + " diff " + old_dir.string() + " " + new_dir.string());
  ASSERT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out.find(fmt::format("{}:{}:1: 新增一行 majors[", csv.string(), line)), 0u) << r.out;
  EXPECT_NE(r.out.find(fmt::format("表9 新增行 {} / {} / 无人机应用技术：40｜40｜1", industry, group)), std::string::npos) << r.out;
  // The totals row of table 9 grows by the new row.
  std::istringstream rows(read(old_dir / "tables" / "majors.csv"));
  std::string row;
  std::getline(rows, row);
  int students = 0, admitted = 0, points = 0;
  while (std::getline(rows, row)) {
    std::vector<std::string> f;
    std::stringstream ss(row);
    for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
    students += std::stoi(f[3]), admitted += std::stoi(f[4]), points += std::stoi(f[5]);
  }
  for (auto [column, before, added] : {std::tuple{"专业学生人数", students, 40}, {"招生人数", admitted, 40}, {"点数", points, 1}})
    EXPECT_NE(r.out.find(fmt::format("表9 合计 / {}：{} → {}", column, before, before + added)), std::string::npos)
        << column << "\n" << r.out;
  // The checks that flip, as paiban check reports them.
  auto before = failing_checks(old_dir), after = failing_checks(new_dir);
  size_t flips = 0;
  for (const auto& c : before)
    if (!after.count(c)) {
      ++flips;
      EXPECT_NE(r.out.find(fmt::format("检查“{}”：不符 → 相符", c)), std::string::npos) << c;
    }
  for (const auto& c : after)
    if (!before.count(c)) {
      ++flips;
      EXPECT_NE(r.out.find(fmt::format("检查“{}”：相符 → 不符", c)), std::string::npos) << c;
    }
  EXPECT_GE(flips, 1u);
}

TEST(Diff, ChartValue) {
  TempDir dir;
  for (const char* name : {"old", "new"})
    fs::copy(testing::source_dir() + "/data/figures-example", dir.path() / name, fs::copy_options::recursive);
  const fs::path data = dir.path() / "new" / "data.yaml";
  const int line = edit(data, "admitted: 545", "admitted: 600");
  const std::string marked = (dir.path() / "marked.pdf").string();
  auto r = run_command(kPaiban + " diff " + (dir.path() / "old").string() + " " + (dir.path() / "new").string() + " --pdf " + marked);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out.find(fmt::format("{}:{}:", data.string(), line)), 0u) << r.out;
  // Every chart drawn from enrolment with an admitted series, by the number its caption prints.
  std::string md = read(dir.path() / "new" / "report.md");
  const std::regex chart(R"(```chart\n(?:[^`]*\n)?caption: ([^\n]+)\n(?:[^`]*\n)?rows: enrolment\n[^`]*value: admitted, label: ([^}]+)\})");
  std::string text = run_command("pdftotext " + marked + " -").out;
  int charts = 0;
  for (std::sregex_iterator it(md.begin(), md.end(), chart), end; it != end; ++it) {
    std::smatch m;
    ASSERT_TRUE(std::regex_search(text, m, std::regex("图 ?(\\d+) " + (*it)[1].str() + "\n"))) << (*it)[1];
    EXPECT_NE(r.out.find(fmt::format(" 图{} 2022年 / {}：545 → 600\n", m[1].str(), (*it)[2].str())), std::string::npos)
        << m[1] << "\n" << r.out;
    ++charts;
  }
  EXPECT_EQ(charts, 3);
  // The chart that prints its values has 600 highlighted where it is printed.
  auto annotations = highlights(marked);
  bool on_label = false;
  for (const auto& w : words(marked))
    if (w.text == "600")
      for (const auto& a : annotations)
        on_label = on_label || (a.page == w.page && std::abs(a.x0 - w.x0) <= 1 && std::abs(a.x1 - w.x1) <= 1);
  std::string seen;
  for (const auto& a : annotations) seen += fmt::format(" page {} x {:.1f}–{:.1f};", a.page, a.x0, a.x1);
  EXPECT_TRUE(on_label) << annotations.size() << " highlights:" << seen;
}

TEST(Diff, ContentsPageNumbersThatMove) {
  TempDir dir;
  copy_report(dir);
  const fs::path old_dir = dir.path() / "old", new_dir = dir.path() / "new";
  std::string more = "本节补充说明：";
  for (int i = 0; i < 12; ++i) more += "各校认真落实学籍管理制度，规范招生行为，在校生数据逐校核实。";
  edit(new_dir / "report.md", "### 中等职业教育规模", more + "\n\n### 中等职业教育规模");
  const std::string old_pdf = (dir.path() / "old.pdf").string(), new_pdf = (dir.path() / "new.pdf").string();
  ASSERT_EQ(run_command(kPaiban + " build " + old_dir.string() + " -o " + old_pdf).exit_code, 0);
  auto r = run_command(kPaiban + " diff " + old_dir.string() + " " + new_dir.string() + " --pdf " + new_pdf);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  size_t at = r.out.find("目录中页码变动的条目：\n");
  ASSERT_NE(at, std::string::npos) << r.out;
  // Each entry listed: its heading or caption printed on those pages of the two PDFs' bodies.
  auto body_page = [](const std::string& pdf, const std::string& title) {
    testing::PdfInspector inspector(pdf);
    for (size_t p = 0; p < inspector.page_count(); ++p) {
      std::string l = inspector.label(p);
      if (l.empty() || !std::isdigit(static_cast<unsigned char>(l[0]))) continue;  // the contents pages are roman
      std::string text = run_command(fmt::format("pdftotext -f {0} -l {0} {1} -", p + 1, pdf)).out;
      if (text.find(title + "\n") != std::string::npos) return l;
    }
    return std::string();
  };
  const std::regex entry(R"(\n  第[IVX]+页 ([^\n]+)：第(\d+)页 → 第(\d+)页(?=\n))");
  std::string list = r.out.substr(at - 1);
  int entries = 0;
  for (std::sregex_iterator it(list.begin(), list.end(), entry), end; it != end && entries < 4; ++it, ++entries) {
    std::string title = (*it)[1];
    if (title.rfind("表", 0) == 0 || title.rfind("案例", 0) == 0 || title.rfind("挑战", 0) == 0) continue;
    EXPECT_EQ(body_page(old_pdf, title), (*it)[2].str()) << title;
    EXPECT_EQ(body_page(new_pdf, title), (*it)[3].str()) << title;
  }
  EXPECT_GT(entries, 2) << r.out;
  // Each moved entry's page number is highlighted on the contents page, its popup holding the old one.
  size_t listed = 0;
  for (std::sregex_iterator it(list.begin(), list.end(), entry), end; it != end; ++it) ++listed;
  testing::PdfInspector inspector(new_pdf);
  size_t on_contents = 0;
  for (const auto& a : highlights(new_pdf)) {
    std::string l = inspector.label(a.page - 1);
    if (l.empty() || std::isdigit(static_cast<unsigned char>(l[0]))) continue;
    ++on_contents;
    EXPECT_EQ(a.contents.rfind("原页码：", 0), 0u) << a.contents;
    std::string number = inspector.text_in(a.page - 1, a.x0, a.y0, a.x1, a.y1);
    EXPECT_TRUE(!number.empty() && std::all_of(number.begin(), number.end(), ::isdigit)) << number;
  }
  EXPECT_EQ(on_contents, listed);
}

TEST(Diff, NoChange) {
  TempDir dir;
  copy_report(dir);
  auto r = run_command(kPaiban + " diff " + (dir.path() / "old").string() + " " + (dir.path() / "new").string());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
  // A comment edited in a data file changes no output.
  edit(dir.path() / "new" / "data.yaml", "# 1.1.2 上一年在校生", "# 1.1.2 上一年的在校生");
  r = run_command(kPaiban + " diff " + (dir.path() / "old").string() + " " + (dir.path() / "new").string());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  // A datum nothing prints or checks: listed, and the outputs are the same.
  std::ofstream(dir.path() / "new" / "data.yaml", std::ios::app) << "draft_note: 待复核\n";
  r = run_command(kPaiban + " diff " + (dir.path() / "old").string() + " " + (dir.path() / "new").string());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("新增数据 draft_note：待复核（输出不变）\n"), std::string::npos) << r.out;
}

TEST(Diff, UsageAndErrors) {
  TempDir dir;
  auto r = run_command(kPaiban + " diff " + testing::source_dir() + "/data/example");
  EXPECT_EQ(r.exit_code, 2);  // NEW_DIR is missing
  r = run_command(kPaiban + " diff " + testing::source_dir() + "/data/example " + (dir.path() / "nowhere").string());
  EXPECT_EQ(r.exit_code, 2);  // trouble, as diff(1)
  EXPECT_NE(r.err.find((dir.path() / "nowhere").string() + ": error: not a report folder"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace paiban
