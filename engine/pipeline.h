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


/// build_report, then the PDF written atomically to its output path. The
/// previous file stays as it was when anything fails.
/// CACHES (paiban watch) keep fonts, shaping and subsets between builds.
BuildResult write_report(const BuildOptions& options, DiagnosticSink& sink, BuildCaches* caches = nullptr);

/// Parses and validates a report (source, layout, fonts) without layout or
/// PDF output.
void check_report(const BuildOptions& options, DiagnosticSink& sink);


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
