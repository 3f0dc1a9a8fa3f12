#pragma once
// paiban watch: a report rebuilt whenever one of its files changes.
#include <functional>
#include <string>
#include <vector>

#include "pipeline.h"

namespace paiban {

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

}  // namespace paiban
