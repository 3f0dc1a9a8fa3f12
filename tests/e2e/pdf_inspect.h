#pragma once
// Reading a PDF back as a reader would: page labels, links, text in a box.
#include <nlohmann/json.hpp>

#include <cctype>
#include <string>

#include "support/test_support.h"

namespace paiban::testing {

/// A PDF read through `qpdf --json`.
class PdfInspector {
 public:
  explicit PdfInspector(std::string pdf) : pdf_(std::move(pdf)) {
    json_ = nlohmann::json::parse(run_command("qpdf --json " + pdf_).out);
  }
  const nlohmann::json& json() const { return json_; }
  size_t page_count() const { return json_["pages"].size(); }

  /// The page label of page INDEX (0-based), as printed: 封面, IV, 12.
  std::string label(size_t index) const {
    const nlohmann::json& l = json_["pages"][index]["label"];
    std::string prefix = l.contains("/P") ? l["/P"].get<std::string>().substr(2) : "";
    int n = l.value("/St", 1);
    std::string style = l.contains("/S") ? l["/S"].get<std::string>() : "";
    if (style == "/D") return prefix + std::to_string(n);
    if (style == "/R") {
      static const std::pair<int, const char*> r[] = {{10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}};
      std::string s;
      for (auto [v, t] : r)
        while (n >= v) s += t, n -= v;
      return prefix + s;
    }
    return prefix;
  }

  int page_index(const std::string& object) const {
    for (size_t i = 0; i < json_["pages"].size(); ++i)
      if (json_["pages"][i]["object"] == object) return static_cast<int>(i);
    return -1;
  }

  const nlohmann::json& object(const std::string& ref) const { return json_["qpdf"][1]["obj:" + ref]["value"]; }

  /// Text in a rectangle of page INDEX (PDF coordinates, A4), whitespace removed.
  std::string text_in(size_t index, double x0, double y0, double x1, double y1) const {
    int page = static_cast<int>(index) + 1;
    const double height = 841.89;
    auto r = run_command("pdftotext -f " + std::to_string(page) + " -l " + std::to_string(page) + " -x " +
                         std::to_string(static_cast<int>(x0)) + " -y " + std::to_string(static_cast<int>(height - y1)) +
                         " -W " + std::to_string(static_cast<int>(x1 - x0 + 1)) + " -H " +
                         std::to_string(static_cast<int>(y1 - y0 + 1)) + " " + pdf_ + " -");
    std::string s;
    for (char c : r.out)
      if (!std::isspace(static_cast<unsigned char>(c))) s += c;
    return s;
  }

  /// True if ENTRY ends with the whole label L: "……11" ends with "11", not with "1".
  static bool ends_with_label(const std::string& entry, const std::string& l) {
    if (l.empty() || entry.size() < l.size() || entry.compare(entry.size() - l.size(), l.size(), l) != 0) return false;
    if (entry.size() == l.size()) return true;
    unsigned char before = static_cast<unsigned char>(entry[entry.size() - l.size() - 1]);
    return !std::isalnum(before);
  }

  /// Checks every link annotation to a place in the document: it goes to a page, the text it covers ends
  /// with that page's label, and it has the Print flag. Returns the count;
  /// each failure is added to FAILURES.
  int check_links(std::vector<std::string>& failures) const {
    int links = 0;
    for (size_t i = 0; i < page_count(); ++i) {
      const nlohmann::json& page = object(json_["pages"][i]["object"]);
      if (!page.contains("/Annots")) continue;
      for (const auto& ref : page["/Annots"]) {
        const nlohmann::json& a = object(ref.get<std::string>());
        if (!a.contains("/Dest")) continue;  // a web link (/A /URI): no page to check
        int target = page_index(a["/Dest"][0]);
        const auto& rect = a["/Rect"];
        if (rect[2].get<double>() - rect[0].get<double>() < 200) {
          // A cross-reference in the text (表1, 案例分享2): it goes to a page; the targets are checked by their own tests.
          if (target < 0) failures.push_back("a cross-reference goes to no page");
          if (a.value("/F", 0) != 4) failures.push_back("a cross-reference has no Print flag");
          continue;
        }
        std::string entry = text_in(i, rect[0].get<double>(), rect[1].get<double>(), rect[2].get<double>(),
                                    rect[3].get<double>());
        std::string l = target >= 0 ? label(target) : "?";
        if (target < 0 || !ends_with_label(entry, l)) failures.push_back(entry + " should end with " + l);
        if (a.value("/F", 0) != 4) failures.push_back(entry + ": no Print flag");
        ++links;
      }
    }
    return links;
  }

 private:
  std::string pdf_;
  nlohmann::json json_;
};

}  // namespace paiban::testing
