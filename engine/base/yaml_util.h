#pragma once
// yaml-cpp helpers: spans for nodes, and the checks yaml-cpp does not make.
#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>
#include <tuple>

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

/// What load_yaml parsed, kept between builds (paiban watch, a batch worker): the report's
/// block specs (tables, charts, contents), whose text stays the same from build to build.
/// Keyed on the text, its path and its first line; only what parsed without an error is kept.
/// Install one for the current thread with YamlTextCache::Scope.
class YamlTextCache {
 public:
  class Scope {
   public:
    explicit Scope(YamlTextCache* cache);
    ~Scope();

   private:
    YamlTextCache* previous_;
  };
  size_t size() const { return entries_.size(); }
  size_t hits() const { return hits_; }
  /// At most this many texts are kept; past it the cache starts afresh.
  static constexpr size_t kMaxEntries = 4096;

 private:
  friend std::optional<const YAML::Node> load_yaml(const std::string&, const std::string&, int, DiagnosticSink&,
                                                   const std::string&);
  std::map<std::tuple<std::string, std::string, int>, YAML::Node> entries_;
  size_t hits_ = 0;
};

}  // namespace paiban
