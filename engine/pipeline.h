#pragma once
// The pipeline: a report folder → a PDF, one stage after another.
#include <functional>
#include <memory>
#include <vector>
#include <optional>
#include <string>

#include "base/diagnostic.h"
#include "fonts/font_set.h"
#include "layout/pages.h"

namespace paiban {

inline constexpr const char* kVersion = "0.1.0";

/// Where layouts/ and fonts/ live: $PAIBAN_HOME, else the folder above the
/// executable that holds layouts/report.yaml, else the source tree it was
/// built from.
std::string resource_root();

struct BuildOptions {
  std::string report_dir;     ///< the folder holding report.md
  std::string output;         ///< PDF path; empty: output/<folder name>.pdf
  std::string layout;         ///< layout name (layouts/NAME.yaml) or path; empty: front matter, else "report"
  std::string root;           ///< resource root; empty: resource_root()
  /// CreationDate, seconds since 1970 UTC; < 0: none (reproducible output).
  /// The CLI sets it from SOURCE_DATE_EPOCH.
  long long creation_time = -1;
  bool pdfa = false;  ///< --pdfa: PDF/A-1b
};

/// What a build produced.
struct BuildResult {
  std::optional<std::string> pdf;  ///< the PDF's bytes (nullopt if errors were reported)
  int page_count = 0;
  std::string output_path;         ///< where write_report puts it
};

/// What `paiban watch` keeps between builds.
struct BuildCaches;

/// Runs every stage and returns the PDF's bytes without writing them.
/// FONTS may be passed in to reuse loaded faces; otherwise they are loaded.
BuildResult build_report(const BuildOptions& options, DiagnosticSink& sink,
                         const fonts::FontSet* fonts = nullptr, BuildCaches* caches = nullptr);

struct WatchOptions {
  BuildOptions build;
  int exit_after = 0;  ///< > 0: stop after this many rebuilds (for scripts and tests)
  /// > 0: each build's time limit, armed with alarm() (the caller's SIGALRM
  /// handler decides what happens when it runs out).
  int max_seconds = 0;
};

/// What a rebuild did.
struct WatchEvent {
  BuildResult result;
  std::vector<Diagnostic> diagnostics;
  double milliseconds = 0;  ///< from the file change to the new PDF on disk
  std::string changed;      ///< the file whose change triggered it ("" for the first build)
};

/// Builds the report, then rebuilds it whenever a file of the report, its
/// layouts or its fonts changes (inotify), keeping the fonts, the shaping of
/// unchanged paragraphs and unchanged font subsets. Each PDF is written
/// atomically. Returns when EXIT_AFTER rebuilds are done (or on an error
/// setting up the watch, reported to SINK).
void watch_report(const WatchOptions& options, DiagnosticSink& sink,
                  const std::function<void(const WatchEvent&)>& on_build);

/// build_report, then the PDF written atomically to its output path. The
/// previous file stays as it was when anything fails.
/// CACHES (paiban watch) keep fonts, shaping and subsets between builds.
BuildResult write_report(const BuildOptions& options, DiagnosticSink& sink, BuildCaches* caches = nullptr);

/// Parses and validates a report (source, layout, fonts) without layout or
/// PDF output.
void check_report(const BuildOptions& options, DiagnosticSink& sink);

struct BatchOptions {
  std::string template_dir;  ///< the template report (its report.md; its own data files are not read)
  std::string data_dir;      ///< one .yaml data file per report; or a workbook (.xlsx, .xls) or CSV file: one report per row
  std::string sheet;         ///< the workbook's sheet (name or 1-based number); empty: the first
  std::string name_by;       ///< the column naming each row's PDF; empty: the first column
  std::string out_dir;       ///< empty: output/<template folder name>
  std::string layout;        ///< layout name or path; empty: the template's
  std::string root;          ///< resource root; empty: resource_root()
  int jobs = 0;              ///< reports rendered at once; 0: one per core
  /// Each report in a child process of its own (forked once the template,
  /// layout and fonts are loaded) with these limits per report; false:
  /// threads of this process, no limits (for embedding).
  bool isolate = true;
  int max_seconds = 0;    ///< wall time per report; 0: none
  int max_memory_mb = 0;  ///< memory per report; 0: none
  bool strict = false;       ///< warnings are errors
  bool pdfa = false;
  long long creation_time = -1;
};

/// One report of a batch.
struct BatchReport {
  std::string data_file;  ///< the YAML file, or the row: "schools.xlsx:学校!A5"
  std::string output;
  bool ok = false;
  int pages = 0;
  std::vector<Diagnostic> diagnostics;  ///< its own, in order
};

struct BatchResult {
  std::vector<BatchReport> reports;  ///< in data file name order
  double seconds = 0;
};

struct BatchProgress {
  size_t done = 0, total = 0;
  std::string current;  ///< the data file just finished (its name without .yaml)
  double seconds = 0;
};

/// Renders the template once per data file, JOBS at a time, sharing the
/// parsed template, layout and fonts. A report that fails (an error, or, when
/// isolated, a crash, a hang past max_seconds or memory past max_memory_mb)
/// leaves its previous PDF as it was and does not stop the others; it is
/// reported with its reason. Output is the same bytes whatever the number of
/// jobs.
BatchResult run_batch(const BatchOptions& options, DiagnosticSink& sink,
                      const std::function<void(const BatchProgress&)>& progress = {});

/// Characters of a report that no font of the role setting them has.
struct MissingGlyphs {
  std::string role;
  std::vector<char32_t> code_points;  ///< in order of first use
};

/// For `paiban fonts DIR`: which roles set which of the report's text, and
/// what of it they cannot set.
std::vector<MissingGlyphs> font_coverage(const BuildOptions& options, DiagnosticSink& sink);

/// The report's default output path: output/<folder name>.pdf under the
/// current directory.
std::string default_output_path(const std::string& report_dir);

}  // namespace paiban
