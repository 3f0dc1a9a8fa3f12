#pragma once
// Spans for nodes of YAML files read with yaml-cpp.
#include <yaml-cpp/yaml.h>

#include "base/span.h"
#include "base/text_file.h"

namespace paiban {

/// The span of a yaml-cpp mark in PATH; LINE_OFFSET is added to its line
/// (for YAML embedded in another file).
inline Span yaml_span(const std::string& path, const YAML::Mark& mark, int line_offset = 0) {
  if (mark.line < 0) return {path, line_offset + 1, 1};
  return {path, line_offset + mark.line + 1, mark.column + 1};
}

/// The span of a yaml-cpp mark in FILE, its column counted in code points
/// (yaml-cpp counts bytes; an editor, and every span, code points).
inline Span yaml_span(const TextFile& file, const YAML::Mark& mark, int line_offset = 0) {
  if (mark.line < 0) return {file.path(), line_offset + 1, 1};
  Span span = file.span_at_line_byte(mark.line + 1, mark.column + 1);
  span.line += line_offset;
  return span;
}

}  // namespace paiban
