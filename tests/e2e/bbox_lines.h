#pragma once
// A PDF's text lines and words with their boxes, from pdftotext -bbox-layout.
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace paiban::testing {

struct BoxWord {
  double x0, y0, x1, y1;  ///< pt, from the page's top left
  std::string text;
};

struct BoxLine {
  int page;  ///< 1-based
  double x0, y0, x1, y1;
  std::vector<BoxWord> words;
  std::string text() const {
    std::string s;
    for (const auto& w : words) s += w.text;
    return s;
  }
};

inline std::vector<BoxLine> read_box_lines(const std::string& pdf) {
  auto r = run_command("pdftotext -bbox-layout " + pdf + " -");
  std::vector<BoxLine> lines;
  std::istringstream in(r.out);
  std::string l;
  int page = 0;
  const std::regex box(R"re(xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)\">(.*?)(</word>)?$)re");
  std::smatch m;
  while (std::getline(in, l)) {
    if (l.find("<page ") != std::string::npos) ++page;
    bool is_line = l.find("<line ") != std::string::npos, is_word = l.find("<word ") != std::string::npos;
    if (!(is_line || is_word) || !std::regex_search(l, m, box)) continue;
    double x0 = std::stod(m[1]), y0 = std::stod(m[2]), x1 = std::stod(m[3]), y1 = std::stod(m[4]);
    if (is_line) lines.push_back({page, x0, y0, x1, y1, {}});
    else if (!lines.empty()) lines.back().words.push_back({x0, y0, x1, y1, m[5]});
  }
  return lines;
}

}  // namespace paiban::testing
