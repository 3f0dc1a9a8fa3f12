#include "base/diagnostic.h"

#include <fmt/format.h>

namespace paiban {

const std::string& SpanPath::empty_text() {
  static const std::string empty;
  return empty;
}

std::string column_letters(int column) {
  std::string out;
  for (int c = column + 1; c > 0; c = (c - 1) / 26) out.insert(out.begin(), static_cast<char>('A' + (c - 1) % 26));
  return out;
}

std::string Span::to_string() const {
  if (cell) return fmt::format("{}!{}{}", path.str(), column_letters(col - 1), line);
  if (line <= 0) return path;
  if (col <= 0) return fmt::format("{}:{}", path, line);
  return fmt::format("{}:{}:{}", path, line, col);
}

std::string Diagnostic::format() const {
  std::string out = fmt::format("{}: {}: {}\n", span.to_string(),
                                severity == Severity::Error ? "error" : "warning", message);
  for (const auto& hint : hints) out += fmt::format("  hint: {}\n", hint);
  return out;
}

void DiagnosticSink::error(Span span, std::string message, std::vector<std::string> hints) {
  add({Severity::Error, std::move(span), std::move(message), std::move(hints)});
}

void DiagnosticSink::warning(Span span, std::string message, std::vector<std::string> hints) {
  add({Severity::Warning, std::move(span), std::move(message), std::move(hints)});
}

void DiagnosticSink::add(Diagnostic d) {
  if (warnings_as_errors_) d.severity = Severity::Error;
  if (d.severity == Severity::Error) ++error_count_;
  items_.push_back(std::move(d));
}

std::string DiagnosticSink::format_all() const {
  std::string out;
  for (const auto& d : items_) out += d.format();
  return out;
}

}  // namespace paiban
