#pragma once
// What the pipeline shares with the command-line layer (batch, watch), which
// runs it many times: the inputs read once, the render of one report, the
// stage timer. Not part of the pipeline's interface to anything else.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "base/cpu_time.h"
#include "base/yaml_util.h"
#include "data/data.h"
#include "doc/document.h"
#include "fonts/font_set.h"
#include "layout/layout_spec.h"
#include "pdf/writer.h"
#include "pipeline.h"
#include "source/parse.h"
#include "source/syntax.h"
#include "compose/compose.h"
#include "text/shape.h"

namespace paiban {

/// A report's source, layout, data and fonts, read and checked.
struct Inputs {
  source::SyntaxTree tree;
  layout::LayoutSpec layout;
  data::DataSet data;
  std::unique_ptr<fonts::FontSet> owned_fonts;
};

/// Reads and checks OPTIONS' report: source, layout, (data), (fonts).
std::optional<Inputs> read_inputs(const BuildOptions& options, DiagnosticSink& sink, bool load_fonts,
                                  bool load_data = true);

/// PAIBAN_TIMINGS=1: each stage's wall time on stderr, with the CPU time of
/// this thread and of the whole process (fonts are subset on other threads
/// while pages are made, and page contents deflated in parallel), then the
/// CPU that shaping and layout took against what writing the PDF took (for
/// profiling; not a diagnostic).
class StageTimer {
 public:
  struct Sample {
    std::chrono::steady_clock::time_point wall;
    double thread_ms, process_ms;
  };
  StageTimer() : on_(std::getenv("PAIBAN_TIMINGS") != nullptr), last_(now()) {}
  /// Returns the CPU times the stage just ended took (this thread, process).
  std::pair<double, double> mark(const char* stage) {
    Sample n = now();
    double thread = n.thread_ms - last_.thread_ms, process = n.process_ms - last_.process_ms;
    if (on_)
      std::fprintf(stderr, "paiban: %-28s %7.2f ms (CPU %6.2f ms here, %6.2f ms in all threads)\n", stage,
                   std::chrono::duration<double, std::milli>(n.wall - last_.wall).count(), thread, process);
    last_ = n;
    return {thread, process};
  }
  bool on() const { return on_; }

 private:
  static Sample now() { return {std::chrono::steady_clock::now(), thread_cpu_ms(), process_cpu_ms()}; }
  bool on_;
  Sample last_;
};

/// Stages 5–8 for a parsed source and its data: document, checks, pages, PDF.
BuildResult render(const source::SyntaxTree& tree, const data::DataSet& data, const layout::LayoutSpec& layout,
                   const fonts::FontSet& fonts, const BuildOptions& options, DiagnosticSink& sink, StageTimer& timer,
                   pdf::SubsetCache* subset_cache = nullptr);

struct BuildCaches {
  std::unique_ptr<fonts::FontSet> fonts;  ///< loaded once; reloaded when fonts/ changes
  text::ShapeCache shapes;
  compose::ComposeCache composes;
  source::ParseCache source;  ///< report.md, parsed
  YamlTextCache yaml;  ///< the data files and the table, chart and contents specs, parsed
  pdf::SubsetCache subsets;
  pdf::PageStreamCache page_streams;  ///< each page's content stream, deflated
};

/// What the document stage takes from the layout and the report folder.
doc::DocumentSettings document_settings(const layout::LayoutSpec& layout, const std::string& report_dir);

/// A folder's own name, also for "." and "dir/".
std::string folder_name(const std::string& dir);

}  // namespace paiban
