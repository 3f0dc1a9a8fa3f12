#include "support/test_support.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <tuple>
#include <vector>
#include <sstream>

namespace paiban::testing {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "paiban-test-XXXXXX").string();
  path_ = mkdtemp(tmpl.data());
}

std::string pdf_gate(const std::string& pdf) {
  std::string problems;
  auto expect = [&](const std::string& what, const CommandResult& r, bool stdout_matters = false) {
    if (r.exit_code != 0 || !r.err.empty() || (stdout_matters && !r.out.empty()))
      problems += what + ": exit " + std::to_string(r.exit_code) + " " + r.err + (stdout_matters ? r.out : "") + "\n";
  };
  auto qpdf = run_command("qpdf --check " + pdf);
  if (qpdf.exit_code != 0 || qpdf.out.find("No syntax or stream encoding errors found") == std::string::npos ||
      qpdf.out.find("WARNING") != std::string::npos)
    problems += "qpdf --check: " + qpdf.out + qpdf.err + "\n";
  auto fonts = run_command("pdffonts " + pdf);
  expect("pdffonts", fonts);
  std::istringstream rows(fonts.out);
  std::string row;
  for (int n = 0; std::getline(rows, row);)
    if (++n > 2 && row.find("yes yes yes") == std::string::npos) problems += "font not embedded+subset+ToUnicode: " + row + "\n";
  expect("pdfinfo", run_command("pdfinfo " + pdf + " > /dev/null"));
  expect("pdftotext", run_command("pdftotext " + pdf + " /dev/null"));
  expect("pdftoppm", run_command("pdftoppm -r 10 " + pdf + " > /dev/null"));
  // Debian's mutool is built without colour management and says so on every run.
  expect("mutool draw",
         run_command("mutool draw -q -r 10 -o /dev/null -F pgm " + pdf + " 2>&1 | { grep -v 'ICC support is not available' || true; }"),
         true);
  // Ghostscript repairs what it can quietly: its messages say what it had to
  // do (an error, a "****" warning, a font it had to substitute).
  expect("ghostscript",
         run_command("gs -dSAFER -dBATCH -dNOPAUSE -dPDFSTOPONERROR -sDEVICE=nullpage " + pdf +
                     " 2>&1 | { grep -iE 'error|\\*\\*\\*\\*|substitute' || true; }"),
         true);
  return problems;
}

namespace {

struct PageLine {
  double y0, y1;
  std::string text;  ///< whitespace removed
};

/// Every page's text lines, top to bottom, from pdftotext -bbox-layout; and
/// the page heights.
std::vector<std::vector<PageLine>> page_lines(const std::string& pdf, std::vector<double>& heights) {
  auto r = run_command("pdftotext -bbox-layout " + pdf + " -");
  std::vector<std::vector<PageLine>> pages;
  std::istringstream in(r.out);
  std::string l;
  const std::regex page(R"re(<page width="([\d.]+)" height="([\d.]+)")re");
  const std::regex box(R"re(yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)\">(.*?)(</word>)?$)re");
  std::smatch m;
  while (std::getline(in, l)) {
    if (std::regex_search(l, m, page)) {
      pages.emplace_back();
      heights.push_back(std::stod(m[2]));
    } else if (pages.empty()) {
      continue;
    } else if (l.find("<line ") != std::string::npos && std::regex_search(l, m, box)) {
      pages.back().push_back({std::stod(m[1]), std::stod(m[2]), ""});
    } else if (l.find("<word ") != std::string::npos && std::regex_search(l, m, box) && !pages.back().empty()) {
      pages.back().back().text += m[3].str();
    }
  }
  for (auto& p : pages)
    std::stable_sort(p.begin(), p.end(), [](const PageLine& a, const PageLine& b) { return a.y0 < b.y0; });
  return pages;
}

std::string without_spaces(const std::string& s) {
  std::string out;
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) out += c;
  return out;
}

struct OutlineEntry {
  int page;    ///< 0-based
  double top;  ///< PDF y of the destination
  std::string title;
};

void collect_outline(const nlohmann::json& items, std::vector<OutlineEntry>& out) {
  for (const auto& item : items) {
    if (item.contains("destpageposfrom1") && item.contains("dest") && item["dest"].is_array() &&
        item["dest"].size() >= 3 && item["dest"][2].is_number())
      out.push_back({item["destpageposfrom1"].get<int>() - 1, item["dest"][2].get<double>(),
                     without_spaces(item.value("title", ""))});
    if (item.contains("kids")) collect_outline(item["kids"], out);
  }
}

}  // namespace

/// Per page: turned a quarter (/Rotate 90: a landscape table's pages).
std::vector<bool> turned_pages(const std::string& pdf) {
  auto qdf = run_command("qpdf --qdf --object-streams=disable " + pdf + " -").out;
  std::vector<bool> out;
  const std::regex page(R"(%% Page \d+\n%% Original object ID: \d+ 0\n\d+ 0 obj\n<<([\s\S]*?)\n>>)");
  for (auto it = std::sregex_iterator(qdf.begin(), qdf.end(), page); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1].str().find("/Rotate 90") != std::string::npos);
  return out;
}

std::string headings_at_page_foot(const std::string& pdf) {
  auto json = nlohmann::json::parse(run_command("qpdf --json --json-key=outlines " + pdf).out, nullptr, false);
  if (json.is_discarded() || !json.contains("outlines")) return "";
  std::vector<OutlineEntry> outline;
  collect_outline(json["outlines"], outline);
  std::vector<double> heights;
  auto pages = page_lines(pdf, heights);
  // Each heading's lines: from the first line at or below its destination,
  // as many as spell its title.
  std::map<int, std::vector<std::pair<size_t, size_t>>> heading_lines;  // page → [first, last] line indices
  std::vector<std::tuple<int, size_t, std::string>> ends;               // page, last line, title
  for (const auto& e : outline) {
    if (e.page < 0 || e.page >= static_cast<int>(pages.size()) || e.title.empty()) continue;
    const auto& lines = pages[e.page];
    double top = heights[e.page] - e.top;
    size_t i = 0;
    while (i < lines.size() && lines[i].y0 < top - 1) ++i;
    std::string spelled;
    size_t last = i;
    for (size_t k = i; k < lines.size() && spelled.size() < e.title.size(); ++k) {
      spelled += lines[k].text;
      last = k;
    }
    if (i >= lines.size() || spelled != e.title) continue;  // not set as its outline entry reads
    heading_lines[e.page].push_back({i, last});
    ends.push_back({e.page, last, e.title});
  }
  const std::regex page_number(R"re(^[-—–]*([0-9]+|[IVXLCDM]+)[-—–]*$)re");
  std::string problems;
  std::vector<bool> turned;
  for (const auto& [page, last, title] : ends) {
    const auto& lines = pages[page];
    bool last_page = true;
    for (size_t p = page + 1; p < pages.size(); ++p) last_page = last_page && pages[p].size() <= 2;
    int following = 0;
    for (size_t k = last + 1; k < lines.size(); ++k) {
      bool heading = false;
      for (auto [a, b] : heading_lines[page]) heading = heading || (k >= a && k <= b);
      bool footer = k + 1 == lines.size() && std::regex_match(lines[k].text, page_number);
      if (!heading && !footer) ++following;
    }
    // Fewer than two lines may follow when they are all of what follows: the
    // next page starts with a heading (a one-line paragraph kept whole).
    bool next_starts_with_heading = false;
    if (page + 1 < static_cast<int>(pages.size()))
      for (auto [a, b] : heading_lines[page + 1]) next_starts_with_heading = next_starts_with_heading || a <= 1;
    if (following < 2 && following > 0 && next_starts_with_heading) continue;
    // Or the next page is turned: a landscape table starts its own page.
    if (turned.empty()) turned = turned_pages(pdf);
    if (following < 2 && following > 0 && page + 1 < static_cast<int>(turned.size()) && turned[page + 1] &&
        !turned[page])
      continue;
    if (following < 2 && !last_page)
      problems += "page " + std::to_string(page + 1) + " ends with heading " + title + " (" +
                  std::to_string(following) + " lines after it)\n";
  }
  return problems;
}

TempDir::~TempDir() {
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(path_, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().extension() != ".pdf" || read_file(it->path().string()).rfind("%PDF-", 0) != 0) continue;
    std::string problems = pdf_gate(it->path().string()) + headings_at_page_foot(it->path().string());
    if (!problems.empty()) ADD_FAILURE() << "the PDF gate fails on " << it->path().filename() << ":\n" << problems;
  }
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& content) const {
  auto p = path_ / name;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  return p.string();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

CommandResult run_command(const std::string& command) {
  TempDir tmp;
  std::string out = (tmp.path() / "out").string(), err = (tmp.path() / "err").string();
  int status = std::system((command + " >" + out + " 2>" + err).c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

std::string source_dir() { return PAIBAN_SOURCE_DIR; }

}  // namespace paiban::testing
