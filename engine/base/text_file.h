#pragma once
// Reading source files: bytes → validated UTF-8 text with a line index, and
// writing output atomically.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"

namespace paiban {

/// A source file held in memory, known to be valid UTF-8.
class TextFile {
 public:
  TextFile() = default;
  TextFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  /// The 1-based line and code-point column of a byte offset.
  Span span_at(size_t byte_offset) const;
  /// The span of a 1-based line and a 1-based *byte* column within that line
  /// (what cmark-gfm reports), converted to a code-point column.
  Span span_at_line_byte(int line, int byte_col) const;
  /// Byte offset where a 1-based line starts.
  size_t line_start(int line) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<size_t> line_starts_;  ///< byte offset of each line's first byte
};

/// Reads PATH as UTF-8. Reports an unreadable file, a file that is not
/// UTF-8 (with the position of the first bad byte) and a byte-order mark.
std::optional<TextFile> read_text_file(const std::string& path, DiagnosticSink& sink);

/// Byte offset of the first ill-formed UTF-8 sequence, or nullopt.
std::optional<size_t> find_invalid_utf8(std::string_view bytes);

/// Writes BYTES to PATH atomically: a temporary file in the same folder
/// (.NAME.PID.XXXXXX),
/// flushed to disk, then renamed over PATH. On failure PATH is untouched and
/// the temporary file removed; returns an error message, or "" on success.
std::string write_file_atomically(const std::string& path, std::string_view bytes);

/// Unlinks the temporary files write_file_atomically is writing at this
/// moment; async-signal-safe, for SIGINT, SIGTERM and time-limit handlers.
/// (Those of runs killed outright are removed by the next write of the same
/// file: their names carry the process id of their writer.)
void remove_temporary_files();

/// Levenshtein distance between A and B counted in code points (for
/// "did you mean" hints).
int edit_distance(std::string_view a, std::string_view b);

/// Decodes one code point at I (advancing I); U+FFFD for an ill-formed one.
char32_t next_code_point(std::string_view text, size_t& i);
/// Appends the UTF-8 form of CP.
void append_utf8(std::string& out, char32_t cp);

}  // namespace paiban
