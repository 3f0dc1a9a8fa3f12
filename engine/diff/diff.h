#pragma once
// paiban diff: what a correction changed between two versions of a report.
//
// Both versions are built in one process with provenance on: the document
// stage notes which data every printed value reads (data::ReadRecorder), and
// layout notes where every block's text, table cell and value goes
// (layout::Tracing). The changed inputs (data values, rows of CSV tables and
// workbooks, text of report.md) are found by comparing the two inputs; the
// changed places by pairing the printed pieces of the two documents by their
// identity (block, value ordinal, table row label and column), never by
// comparing the PDFs' text; each place is grouped under the inputs it read.
#include <optional>
#include <string>
#include <vector>

#include "base/diagnostic.h"

namespace paiban {

struct DiffOptions {
  std::string old_dir, new_dir;
  std::string layout;           ///< as build's --layout (both versions)
  std::string pdf;              ///< --pdf: the new version's PDF with highlights (empty: none)
  std::string root;             ///< resource root; empty: resource_root()
  long long creation_time = -1;
};

/// A rectangle on a page of the new version, pt, PDF coordinates.
struct DiffRect {
  int page = 0;  ///< index into the new version's pages
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

/// A place in the output that changed.
struct DiffPlace {
  enum class Kind { Value, Cell, RowAdded, RowRemoved, Chart, Check, Text, Contents };
  Kind kind = Kind::Value;
  std::string where;       ///< "1.1.2 中等职业教育规模", "表3", "检查", …
  std::string row, column; ///< Cell: the row's label and the column's header
  std::string old_text, new_text;
  std::string old_sentence, new_sentence;  ///< Value: the sentence it is in
  std::string page;        ///< the printed page number in the new version (the old one for what was removed)
  int line = 0;            ///< Value: the line on that page (1 = the page's first line of text)
  std::vector<DiffRect> rects;
  std::vector<size_t> inputs;  ///< indices into DiffReport::inputs
};

/// A changed input.
struct DiffInput {
  enum class Kind { Value, RowAdded, RowRemoved, KeyAdded, KeyRemoved, Expression, Text, TextAdded, TextRemoved };
  Kind kind = Kind::Value;
  Span span;               ///< in the new version (the old one for what was removed)
  std::string path;        ///< the datum: "schools[3].enrolment"; for text: 段落, 标题, 案例
  std::string old_text, new_text;
  Span list;               ///< RowAdded, RowRemoved: the list's own span (what count() reads)
  bool whole_file = false; ///< RowAdded, RowRemoved: the row is a file of its own (a folder of YAML files)
};

struct DiffReport {
  std::vector<DiffInput> inputs;
  std::vector<DiffPlace> places;
  std::vector<std::string> changed_pages;  ///< printed numbers of the new version's pages whose content changed
  std::vector<std::string> removed_pages;  ///< of the old version's pages beyond the new one's last
  /// The two versions print the same (an input may still differ: a datum nothing prints or checks).
  bool identical() const { return places.empty() && changed_pages.empty() && removed_pages.empty(); }
};

/// Builds both versions and compares them; nullopt after an error in either
/// (reported to SINK at its place). Writes OPTIONS.pdf when asked.
std::optional<DiffReport> diff_reports(const DiffOptions& options, DiagnosticSink& sink);

/// For a person: grouped by changed input, with Chinese labels. Empty when nothing differs.
std::string format_diff_text(const DiffReport& report);

/// For tools: JSON.
std::string format_diff_json(const DiffReport& report);

}  // namespace paiban
