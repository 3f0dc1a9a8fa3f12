// Consistency checks: the `checks:` of the data files.
//
// run_checks → evaluate_expression (each `equal`) → agree → failure message
//
// A report states the same quantity in several places (a total in the text,
// the sum of a table's column, a share printed as a percentage); a check
// says which must agree. With a `format`, values agree when they print the
// same — a share computed as 0.958484 matches a printed 95.8% under "0.0%".
// Without one, they must be equal up to floating-point noise.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "data/data_internal.h"

namespace paiban::data {
namespace {

/// How a value is shown in a failure: by the check's format, else as
/// written in the data (format_number's default).
std::string show(const Value& v, const std::string& format) {
  if (auto s = format_number(v, format)) return *s;
  return format_number(v, "").value_or("?");
}

bool agree(const Value& a, const Value& b, const std::string& format) {
  if (!format.empty()) return show(a, format) == show(b, format);
  return std::fabs(a.number - b.number) <= 1e-9 * std::max({1.0, std::fabs(a.number), std::fabs(b.number)});
}

}  // namespace

int run_checks(const DataSet& data, DiagnosticSink& sink) {
  int failed = 0;
  for (const auto& check : data.checks) {
    std::vector<Evaluation> values;
    bool evaluated = true;
    for (size_t i = 0; i < check.equal.size(); ++i) {
      Span span = i < check.spans.size() ? check.spans[i] : check.span;
      auto e = evaluate_expression(check.equal[i], data, span, sink);
      if (!e) {
        evaluated = false;
        continue;
      }
      if (!e->value.is_number()) {
        sink.error(span, fmt::format("check \"{}\" compares numbers, got {}", check.name,
                                     describe_value(e->value, e->from_data)));
        evaluated = false;
        continue;
      }
      values.push_back(std::move(*e));
    }
    // A check that cannot be evaluated has not passed: it counts as failed,
    // its errors already say why.
    if (!evaluated) {
      ++failed;
      continue;
    }
    bool all_agree = true;
    for (size_t i = 1; i < values.size(); ++i) all_agree = all_agree && agree(values[0].value, values[i].value, check.format);
    if (all_agree) continue;
    ++failed;

    // The message lists the first expression, then each one that disagrees
    // with it: with two, `a = 1 (…) ≠ b = 2 (computed)`.
    std::vector<size_t> listed = {0};
    for (size_t i = 1; i < values.size(); ++i)
      if (!agree(values[0].value, values[i].value, check.format)) listed.push_back(i);
    std::vector<std::string> shown;
    for (const auto& e : values) shown.push_back(show(e.value, check.format));
    // Without a format, 0.333 and 0.3333 both show as "0.33": then print the
    // numbers in full so the message shows the difference it reports.
    bool ambiguous = false;
    for (size_t i : listed) ambiguous = ambiguous || (i > 0 && shown[i] == shown[0]);
    if (ambiguous)
      for (size_t i = 0; i < values.size(); ++i) shown[i] = fmt::format("{}", values[i].value.number);

    std::string message = fmt::format("check \"{}\" fails: ", check.name);
    for (size_t i : listed) {
      if (i > 0) message += " ≠ ";
      const Evaluation& e = values[i];
      bool datum = e.from_data && !e.value.span.path.empty();
      message += fmt::format("{} = {} ({})", check.equal[i], shown[i], datum ? e.value.span.to_string() : "computed");
    }
    sink.warning(check.span, message);
  }
  return failed;
}

}  // namespace paiban::data
