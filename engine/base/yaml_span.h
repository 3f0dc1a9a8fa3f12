#pragma once
// Spans for nodes of YAML files read with yaml-cpp.
#include <yaml-cpp/yaml.h>

#include "base/span.h"

namespace paiban {

/// The span of a yaml-cpp mark in PATH; LINE_OFFSET is added to its line
/// (for YAML embedded in another file).
inline Span yaml_span(const std::string& path, const YAML::Mark& mark, int line_offset = 0) {
  if (mark.line < 0) return {path, line_offset + 1, 1};
  return {path, line_offset + mark.line + 1, mark.column + 1};
}

}  // namespace paiban
