#pragma once
#include <optional>
#include <string>
#include <vector>

#include "base/current_scope.h"
#include "base/diagnostic.h"
#include "base/text_file.h"
#include "source/syntax.h"

namespace paiban::source {

/// Parses a report source: YAML front matter between `---` lines, then
/// CommonMark + GFM (cmark-gfm). Never throws: problems go to SINK, and
/// nullopt is returned only when nothing useful could be parsed.
std::optional<SyntaxTree> parse_source(const TextFile& file, DiagnosticSink& sink);

/// The latest source parsed, kept between builds (paiban watch: a correction to a data file
/// leaves report.md as it was). parse_source gives a copy of the kept tree, and reports again
/// what it reported then, when the file's path and text are the same to the byte. Install one
/// for the current thread with ParseCache::Scope.
class ParseCache {
 public:
  using Scope = CurrentScope<ParseCache>;
  size_t hits() const { return hits_; }

 private:
  friend std::optional<SyntaxTree> parse_source(const TextFile&, DiagnosticSink&);
  std::string path_, text_;
  std::optional<SyntaxTree> tree_;
  std::vector<Diagnostic> diagnostics_;
  size_t hits_ = 0;
};

/// TEXT (a front-matter value, say) split into Text, Value ({{ … }}) and
/// Reference ([@id]) runs; SPAN is where TEXT starts.
std::vector<InlineRun> parse_values(const std::string& text, const Span& span, DiagnosticSink& sink);

}  // namespace paiban::source
