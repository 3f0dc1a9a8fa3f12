#include "base/yaml_util.h"

#include <map>

#include <fmt/format.h>

#include "base/yaml_parse.h"

namespace paiban {

bool check_duplicate_keys(const YAML::Node& node, const std::string& path, int line_offset, DiagnosticSink& sink) {
  bool ok = true;
  if (node.IsMap()) {
    std::map<std::string, YAML::Mark> seen;
    for (const auto& item : node) {
      std::string key = item.first.IsScalar() ? item.first.Scalar() : "";
      auto [it, inserted] = seen.emplace(key, item.first.Mark());
      if (!inserted) {
        sink.error(yaml_span(path, item.first.Mark(), line_offset), fmt::format("duplicate key \"{}\"", key),
                   {fmt::format("\"{}\" is first defined on line {}", key, line_offset + it->second.line + 1)});
        ok = false;
      }
      ok &= check_duplicate_keys(item.second, path, line_offset, sink);
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) ok &= check_duplicate_keys(item, path, line_offset, sink);
  }
  return ok;
}

namespace {

std::optional<YAML::Node> parse_and_check(const std::string& text, const std::string& path, int line_offset,
                                          DiagnosticSink& sink, const std::string& what) {
  YAML::Node root;
  try {
    root = parse_yaml_text(text);
  } catch (const YAML::ParserException& e) {
    sink.error(yaml_span(path, e.mark, line_offset), what.empty() ? e.msg : fmt::format("{}: {}", what, e.msg));
    return std::nullopt;
  }
  if (!check_duplicate_keys(root, path, line_offset, sink)) return std::nullopt;
  return root;
}
}  // namespace


const YAML::Node* YamlTextCache::find(const std::string& text, const std::string& path, int line_offset) {
  auto it = entries_.find({path, line_offset});
  if (it == entries_.end() || it->second.first != text) return nullptr;
  ++hits_;
  return &it->second.second;
}

bool YamlTextCache::has(const std::string& text, const std::string& path, int line_offset) const {
  auto it = entries_.find({path, line_offset});
  return it != entries_.end() && it->second.first == text;
}

void YamlTextCache::keep(const std::string& text, const std::string& path, int line_offset, const YAML::Node& root) {
  if (entries_.size() >= kMaxEntries && !entries_.count({path, line_offset})) entries_.clear();
  entries_[{path, line_offset}] = {text, root};
}

std::optional<const YAML::Node> load_yaml(const std::string& text, const std::string& path, int line_offset,
                                          DiagnosticSink& sink, const std::string& what) {
  YamlTextCache* cache = YamlTextCache::current();
  if (cache)
    if (const YAML::Node* kept = cache->find(text, path, line_offset)) return *kept;
  const int errors_before = sink.error_count();
  std::optional<YAML::Node> parsed = parse_and_check(text, path, line_offset, sink, what);
  if (!parsed) return std::nullopt;
  if (cache && sink.error_count() == errors_before) cache->keep(text, path, line_offset, *parsed);
  return *parsed;
}

}  // namespace paiban
