#pragma once
#include <optional>

#include "base/diagnostic.h"
#include "base/text_file.h"
#include "source/syntax.h"

namespace paiban::source {

/// Parses a report source: YAML front matter between `---` lines, then
/// CommonMark + GFM (cmark-gfm). Never throws: problems go to SINK, and
/// nullopt is returned only when nothing useful could be parsed.
std::optional<SyntaxTree> parse_source(const TextFile& file, DiagnosticSink& sink);

/// TEXT (a front-matter value, say) split into Text, Value ({{ … }}) and
/// Reference ([@id]) runs; SPAN is where TEXT starts.
std::vector<InlineRun> parse_values(const std::string& text, const Span& span, DiagnosticSink& sink);

}  // namespace paiban::source
