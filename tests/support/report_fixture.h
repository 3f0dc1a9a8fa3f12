#pragma once
// A report written into a temporary folder and taken through source, data
// and doc, for tests of the later stages.
#include <map>
#include <optional>
#include <string>

#include "base/text_file.h"
#include "data/data.h"
#include "doc/document.h"
#include "source/parse.h"
#include "support/test_support.h"

namespace paiban::testing {

struct ReportFixture {
  TempDir dir;
  DiagnosticSink sink;
  std::optional<data::DataSet> data;
  doc::Document document;

  /// Writes FILES (name → content; "report.md" is the source) and builds the document.
  explicit ReportFixture(const std::map<std::string, std::string>& files, const doc::DocumentSettings& settings = {}) {
    for (const auto& [name, content] : files) dir.write(name, content);
    std::string path = (dir.path() / "report.md").string();
    auto file = read_text_file(path, sink);
    if (!file) return;
    auto tree = source::parse_source(*file, sink);
    if (!tree) return;
    if (!tree->front.data.empty()) {
      data = data::load_data_set(dir.path().string(), tree->front.data, sink);
    } else {
      data.emplace();
      data->root.kind = data::Value::Kind::Record;
      data->root.record = std::make_shared<data::Record>();
    }
    if (!data) return;
    document = doc::build_document(*tree, *data, sink, settings);
  }
  /// Diagnostics with the temporary folder's path left out.
  std::string diagnostics() const {
    std::string s = sink.format_all(), prefix = dir.path().string() + "/";
    for (size_t p; (p = s.find(prefix)) != std::string::npos;) s.erase(p, prefix.size());
    return s;
  }
};

}  // namespace paiban::testing
