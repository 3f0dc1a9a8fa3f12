#pragma once
// Source positions: every node, glyph and line keeps one so that problems
// can be reported as path:line:col.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <fmt/core.h>

namespace paiban {

/// A span's file path, its text shared by every copy (a document's spans and
/// a sheet's cells all name the same few files: copying one copies no text).
class SpanPath {
 public:
  SpanPath() = default;
  SpanPath(std::string path) : text_(path.empty() ? nullptr : std::make_shared<const std::string>(std::move(path))) {}
  SpanPath(const char* path) : SpanPath(std::string(path)) {}
  SpanPath(std::string_view path) : SpanPath(std::string(path)) {}

  const std::string& str() const { return text_ ? *text_ : empty_text(); }
  operator const std::string&() const { return str(); }
  bool empty() const { return !text_; }
  size_t size() const { return str().size(); }
  const char* c_str() const { return str().c_str(); }
  size_t find(char c, size_t from = 0) const { return str().find(c, from); }
  size_t find(std::string_view s, size_t from = 0) const { return str().find(s, from); }

  friend bool operator==(const SpanPath& a, const SpanPath& b) { return a.text_ == b.text_ || a.str() == b.str(); }
  friend bool operator!=(const SpanPath& a, const SpanPath& b) { return !(a == b); }
  friend bool operator==(const SpanPath& a, std::string_view b) { return a.str() == b; }
  friend bool operator!=(const SpanPath& a, std::string_view b) { return a.str() != b; }
  friend bool operator<(const SpanPath& a, const SpanPath& b) { return a.str() < b.str(); }
  friend std::string operator+(const SpanPath& a, std::string_view b) { return a.str() + std::string(b); }
  friend std::string operator+(std::string_view a, const SpanPath& b) { return std::string(a) + b.str(); }

 private:
  static const std::string& empty_text();
  std::shared_ptr<const std::string> text_;
};

/// A position in a source file. Lines and columns count from 1; the column
/// counts Unicode code points (what an editor shows), not bytes. line == 0
/// means "the file as a whole".
///
/// A workbook cell is a span too: PATH names the workbook and its sheet
/// ("tables/学校.xlsx:学校"), LINE is the cell's row and COL its column
/// (both from 1), and CELL is set; it prints "tables/学校.xlsx:学校!C5".
struct Span {
  SpanPath path;  ///< file path as given on the command line or resolved from it
  int line = 0;   ///< 1-based line, 0 if unknown
  int col = 0;    ///< 1-based column in code points, 0 if unknown
  bool cell = false;

  /// "path:line:col", or "path" when the position is unknown; "path!C5" for a cell.
  std::string to_string() const;
};

/// A workbook's column letters: 0 → "A", 27 → "AB".
std::string column_letters(int column);

}  // namespace paiban

template <>
struct fmt::formatter<paiban::SpanPath> : fmt::formatter<std::string_view> {
  template <typename Context>
  auto format(const paiban::SpanPath& path, Context& ctx) const {
    return fmt::formatter<std::string_view>::format(path.str(), ctx);
  }
};
