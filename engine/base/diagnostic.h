#pragma once
// User-facing problems. Stages never print: they push Diagnostics into a
// sink, and the CLI decides how to show them.
#include <string>
#include <vector>

#include "base/span.h"

namespace paiban {

enum class Severity { Warning, Error };

/// One problem in the user's input (never an engine bug).
struct Diagnostic {
  Severity severity = Severity::Error;
  Span span;                       ///< where the problem is
  std::string message;             ///< one sentence, lower case, no final period
  std::vector<std::string> hints;  ///< known fixes, each printed as "  hint: …"

  /// "path:line:col: error: message\n  hint: …\n"
  std::string format() const;
};

/// Collects the diagnostics of one run.
class DiagnosticSink {
 public:
  void error(Span span, std::string message, std::vector<std::string> hints = {});
  void warning(Span span, std::string message, std::vector<std::string> hints = {});
  void add(Diagnostic d);
  /// --strict: every warning reported from now on counts as an error.
  void set_warnings_as_errors(bool on) { warnings_as_errors_ = on; }
  bool warnings_as_errors() const { return warnings_as_errors_; }

  bool has_errors() const { return error_count_ > 0; }
  int error_count() const { return error_count_; }
  const std::vector<Diagnostic>& all() const { return items_; }
  /// Every diagnostic in the order reported, formatted.
  std::string format_all() const;

 private:
  std::vector<Diagnostic> items_;
  int error_count_ = 0;
  bool warnings_as_errors_ = false;
};

}  // namespace paiban
