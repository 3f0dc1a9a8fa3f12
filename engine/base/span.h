#pragma once
// Source positions: every node, glyph and line keeps one so that problems
// can be reported as path:line:col.
#include <cstdint>
#include <string>

namespace paiban {

/// A position in a source file. Lines and columns count from 1; the column
/// counts Unicode code points (what an editor shows), not bytes. line == 0
/// means "the file as a whole".
struct Span {
  std::string path;  ///< file path as given on the command line or resolved from it
  int line = 0;      ///< 1-based line, 0 if unknown
  int col = 0;       ///< 1-based column in code points, 0 if unknown

  /// "path:line:col", or "path" when the position is unknown.
  std::string to_string() const;
};

}  // namespace paiban
