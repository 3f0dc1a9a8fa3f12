#pragma once
// Helpers for the data stage's tests: a report folder of data files in a
// temporary directory, and compact printed forms of values.
#include <fmt/format.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "data/data.h"
#include "support/test_support.h"

namespace paiban::data::test {

/// A report folder under the system's temporary folder (mkdtemp), removed
/// at scope end. Diagnostics are shown with paths relative to it, as a
/// user running from the report folder would see them.
class Report {
 public:
  /// Writes NAME (relative to the folder) with CONTENT.
  void write(const std::string& name, const std::string& content) const { dir_.write(name, content); }

  std::string dir() const { return dir_.path().string(); }

  /// load_data_set on FILES; the diagnostics go to sink().
  std::optional<DataSet> load(const std::vector<std::string>& files = {"data.yaml"}) {
    return load_data_set(dir(), files, sink_);
  }

  DiagnosticSink& sink() { return sink_; }

  /// Every diagnostic so far, with the folder's path removed.
  std::string diagnostics() const { return relative(sink_.format_all()); }

  /// TEXT with "<folder>/" removed and the folder itself shown as "<report>".
  std::string relative(std::string text) const {
    std::string prefix = dir() + "/";
    for (size_t at; (at = text.find(prefix)) != std::string::npos;) text.erase(at, prefix.size());
    for (size_t at; (at = text.find(dir())) != std::string::npos;) text.replace(at, dir().size(), "<report>");
    return text;
  }

 private:
  testing::TempDir dir_;
  DiagnosticSink sink_;
};

/// A value in a compact form: 10391, "公办", null, [1, 2], {a: 1, b: "x"}.
inline std::string show(const Value& v) {
  switch (v.kind) {
    case Value::Kind::Null:
      return "null";
    case Value::Kind::Number:
      return fmt::format("{}", v.number);
    case Value::Kind::Text:
      return fmt::format("\"{}\"", v.text);
    case Value::Kind::List: {
      std::vector<std::string> items;
      for (const auto& item : *v.list) items.push_back(show(item));
      return fmt::format("[{}]", fmt::join(items, ", "));
    }
    case Value::Kind::Record: {
      std::vector<std::string> items;
      for (const auto& [key, item] : *v.record) items.push_back(key + ": " + show(item));
      return fmt::format("{{{}}}", fmt::join(items, ", "));
    }
  }
  return "?";
}

/// DATA's value at a dotted PATH of record keys and list indexes ("majors.1.专业").
inline const Value& at(const Value& root, const std::string& path) {
  const Value* v = &root;
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (v->kind == Value::Kind::List) v = &v->list->at(std::stoul(part));
    else v = &v->record->at(part);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return *v;
}

}  // namespace paiban::data::test
