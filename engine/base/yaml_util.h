#pragma once
// yaml-cpp helpers: spans for nodes, and the checks yaml-cpp does not make.
#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "base/current_scope.h"
#include "base/diagnostic.h"
#include "base/yaml_span.h"

namespace paiban {

/// Reports every key that a map under NODE (recursively) defines twice;
/// yaml-cpp silently keeps one. Returns true if there was none.
bool check_duplicate_keys(const YAML::Node& node, const std::string& path, int line_offset, DiagnosticSink& sink);

/// Parses TEXT (YAML) from PATH whose first line is line LINE_OFFSET + 1;
/// reports a syntax error or duplicate keys. nullopt after an error. The node is const: with a
/// YamlTextCache it is shared with later builds, and yaml-cpp's non-const lookups change a node.
std::optional<const YAML::Node> load_yaml(const std::string& text, const std::string& path, int line_offset,
                                          DiagnosticSink& sink, const std::string& what = {});

/// YAML parsed, kept between builds (paiban watch) and between a batch worker's reports: the
/// data files, and the report's block specs (tables, charts, contents), whose text mostly stays
/// the same from build to build. One entry per place (a file, and the line its YAML starts on):
/// the latest text parsed there and its nodes, which every user reads through const references
/// only (yaml-cpp's non-const lookups change a node). load_yaml keeps only what had no error;
/// the data loader keeps every file it parsed and reports its duplicate keys on each use.
/// Install one for the current thread with YamlTextCache::Scope.
class YamlTextCache {
 public:
  using Scope = CurrentScope<YamlTextCache>;
  /// The current thread's cache, or null.
  static YamlTextCache* current() { return Scope::current(); }
  /// The nodes kept for the YAML at PATH's line LINE_OFFSET + 1 when TEXT is the text parsed
  /// there, to the byte; else null.
  const YAML::Node* find(const std::string& text, const std::string& path, int line_offset);
  /// Whether find would find it (not counted as a hit).
  bool has(const std::string& text, const std::string& path, int line_offset) const;
  /// Keeps ROOT, TEXT parsed, as the latest YAML at that place.
  void keep(const std::string& text, const std::string& path, int line_offset, const YAML::Node& root);
  size_t size() const { return entries_.size(); }
  size_t hits() const { return hits_; }
  /// At most this many places are kept; past it the cache starts afresh.
  static constexpr size_t kMaxEntries = 4096;

 private:
  std::map<std::pair<std::string, int>, std::pair<std::string, YAML::Node>> entries_;
  size_t hits_ = 0;
};

}  // namespace paiban
