#pragma once
// paiban batch: one report per school, from a template and a folder of YAML
// files or a workbook's rows, each school in a process of its own.
#include <functional>
#include <string>
#include <vector>

#include "pipeline.h"

namespace paiban {

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

}  // namespace paiban
