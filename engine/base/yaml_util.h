#pragma once
// yaml-cpp helpers: spans for nodes, and the checks yaml-cpp does not make.
#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

#include "base/diagnostic.h"
#include "base/yaml_span.h"

namespace paiban {

/// Reports every key that a map under NODE (recursively) defines twice;
/// yaml-cpp silently keeps one. Returns true if there was none.
bool check_duplicate_keys(const YAML::Node& node, const std::string& path, int line_offset, DiagnosticSink& sink);

/// Parses TEXT (YAML) from PATH whose first line is line LINE_OFFSET + 1;
/// reports a syntax error or duplicate keys. nullopt after an error.
std::optional<YAML::Node> load_yaml(const std::string& text, const std::string& path, int line_offset,
                                    DiagnosticSink& sink, const std::string& what = {});

}  // namespace paiban
