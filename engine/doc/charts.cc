// ```chart blocks: YAML settings, rows from data like ```table, series checked to be numbers.
#include <cmath>

#include <fmt/format.h>

#include "base/text_file.h"
#include "base/yaml_util.h"
#include "doc/figures.h"

namespace paiban::doc {

/// The span of a YAML node of the block; yaml-cpp counts bytes, editors code points.
Span directive_span(const source::Block& b, const YAML::Node& n) {
  Span s = yaml_span(b.span.path, n.Mark(), b.spec_line);
  const YAML::Mark m = n.Mark();
  if (m.line < 0 || m.column < 0) return s;
  size_t start = 0;
  for (int l = 0; l < m.line && start != std::string::npos; ++l) {
    start = b.spec.find('\n', start);
    if (start != std::string::npos) ++start;
  }
  if (start == std::string::npos) return s;
  int col = 1;
  for (size_t i = start; i < std::min(b.spec.size(), start + m.column);) {
    next_code_point(b.spec, i);
    ++col;
  }
  s.col = col;
  return s;
}

namespace {


void unknown_key(const source::Block& b, const YAML::Node& key, const std::vector<std::string>& known, const char* what,
                 DiagnosticSink& sink) {
  std::vector<std::string> hints;
  for (const auto& k : known)
    if (edit_distance(k, key.Scalar()) <= 2) hints.push_back(fmt::format("did you mean \"{}\"?", k));
  hints.push_back(fmt::format("known keys: {}", fmt::join(known, ", ")));
  sink.error(directive_span(b, key), fmt::format("{}: unknown key \"{}\"", what, key.Scalar()), hints);
}

std::optional<bool> flag(const source::Block& b, const YAML::Node& v, const char* what, DiagnosticSink& sink) {
  if (v.IsScalar() && (v.Scalar() == "true" || v.Scalar() == "yes")) return true;
  if (v.IsScalar() && (v.Scalar() == "false" || v.Scalar() == "no")) return false;
  sink.error(directive_span(b, v), fmt::format("chart: {} is true or false", what));
  return std::nullopt;
}

struct SeriesSpec {
  std::string value, label;
  Span span;
};

}  // namespace

bool build_chart(const source::Block& b, const data::DataSet& data, DiagnosticSink& sink, Figure& out) {
  int errors = sink.error_count();
  auto root = load_yaml(b.spec, b.span.path, b.spec_line, sink, "chart");
  if (!root) return false;
  if (!root->IsMap()) {
    sink.error(b.span, "chart: expected key: value settings", {"id, caption, type, rows, x, series"});
    return false;
  }
  auto chart = std::make_shared<Chart>();
  chart->span = b.span;
  out.span = b.span;
  static const std::vector<std::string> known = {"id",      "caption", "type",   "direction", "stacked", "rows",
                                                 "x",       "series",  "unit",   "labels",    "format"};
  std::string rows_expr, x_expr;
  Span rows_span = b.span, x_span = b.span;
  std::vector<SeriesSpec> series;
  auto text = [&](const YAML::Node& v, const char* what) -> std::string {
    if (v.IsScalar()) return v.Scalar();
    sink.error(directive_span(b, v), fmt::format("chart: {} must be text", what));
    return {};
  };
  for (const auto& item : *root) {
    std::string key = item.first.Scalar();
    const YAML::Node& v = item.second;
    if (key == "id") out.id = text(v, "id");
    else if (key == "caption") out.caption = text(v, "caption");
    else if (key == "unit") chart->unit = text(v, "unit");
    else if (key == "format") {
      chart->format = text(v, "format");
      if (!data::format_number(data::Value::of_number(0), chart->format))
        sink.error(directive_span(b, v), fmt::format("malformed number format \"{}\"", chart->format), {"patterns: 0, 0.00, #,##0, 0.0%"});
    } else if (key == "type") {
      std::string t = text(v, "type");
      if (t == "bar") chart->type = ChartType::Bar;
      else if (t == "line") chart->type = ChartType::Line;
      else if (t == "pie") chart->type = ChartType::Pie;
      else if (t == "doughnut") chart->type = ChartType::Pie, chart->doughnut = true;
      else {
        std::vector<std::string> hints;
        for (const char* k : {"bar", "line", "pie", "doughnut"})
          if (edit_distance(k, t) <= 2) hints.push_back(fmt::format("did you mean \"{}\"?", k));
        hints.push_back("types: bar, line, pie, doughnut");
        sink.error(directive_span(b, v), fmt::format("chart: unknown type \"{}\"", t), hints);
      }
    } else if (key == "direction") {
      std::string d = text(v, "direction");
      if (d == "horizontal") chart->horizontal = true;
      else if (d != "vertical") sink.error(directive_span(b, v), fmt::format("chart: unknown direction \"{}\"", d), {"vertical or horizontal"});
    } else if (key == "stacked") chart->stacked = flag(b, v, "stacked", sink).value_or(false);
    else if (key == "labels") chart->value_labels = flag(b, v, "labels", sink).value_or(false);
    else if (key == "rows") {
      rows_expr = text(v, "rows");
      rows_span = directive_span(b, v);
    } else if (key == "x") {
      x_expr = text(v, "x");
      x_span = directive_span(b, v);
    } else if (key == "series") {
      if (v.IsScalar()) {
        series.push_back({v.Scalar(), "", directive_span(b, v)});
      } else if (v.IsSequence()) {
        for (const auto& s : v) {
          SeriesSpec spec;
          spec.span = directive_span(b, s);
          if (s.IsScalar()) {
            spec.value = s.Scalar();
          } else if (s.IsMap()) {
            for (const auto& kv : s) {
              std::string k = kv.first.Scalar();
              if (k == "value") spec.value = text(kv.second, "value"), spec.span = directive_span(b, kv.second);
              else if (k == "label") spec.label = text(kv.second, "label");
              else unknown_key(b, kv.first, {"value", "label"}, "chart series", sink);
            }
          }
          if (spec.value.empty()) sink.error(directive_span(b, s), "chart: a series needs a value", {"- {value: admitted, label: 招生人数}"});
          series.push_back(spec);
        }
      } else {
        sink.error(directive_span(b, v), "chart: series is a list", {"series:\n  - {value: admitted, label: 招生人数}"});
      }
    } else {
      unknown_key(b, item.first, known, "chart", sink);
    }
  }
  for (const char* required : {"caption", "rows", "x", "series"})
    if (!(*root)[required]) sink.error(b.span, fmt::format("chart: \"{}\" is missing", required));
  if (chart->type == ChartType::Pie && series.size() > 1)
    sink.error(b.span, fmt::format("chart: a pie shows one series, not {}", series.size()),
               {"draw several series as a bar chart, or one pie each"});
  constexpr size_t kMaxSeries = 12, kMaxCategories = 200;
  if (series.size() > kMaxSeries)
    sink.error(b.span, fmt::format("chart: {} series, more than the {} a chart may have", series.size(), kMaxSeries));
  if (sink.error_count() > errors) return false;

  auto list = data::evaluate(rows_expr, data, rows_span, sink);
  if (!list) return false;
  if (list->kind != data::Value::Kind::List) {
    sink.error(rows_span, fmt::format("chart: rows \"{}\" is not a list", rows_expr), {"name a CSV table or a YAML list of records"});
    return false;
  }
  if (list->list->empty()) {
    sink.error(rows_span, fmt::format("chart: rows \"{}\" is empty", rows_expr), {"a chart needs at least one row of data"});
    return false;
  }
  if (list->list->size() > kMaxCategories) {
    sink.error(rows_span, fmt::format("chart: {} rows, more than the {} a chart may have", list->list->size(), kMaxCategories));
    return false;
  }
  for (const auto& s : series) chart->series.push_back({s.label.empty() ? s.value : s.label, {}, s.span});
  int index = 0;
  for (const auto& row : *list->list) {
    ++index;
    data::DataSet scoped = data;
    scoped.root.record = std::make_shared<data::Record>(*data.root.record);
    if (row.kind == data::Value::Kind::Record)
      for (const auto& [k, v] : *row.record) (*scoped.root.record)[k] = v;
    (*scoped.root.record)["_index"] = data::Value::of_number(index);
    auto x = data::evaluate(x_expr, scoped, x_span, sink);
    if (!x) return false;
    if (x->is_number()) chart->categories.push_back(data::format_number(*x, "").value_or(""));
    else if (x->kind == data::Value::Kind::Text) chart->categories.push_back(x->text);
    else chart->categories.push_back("");
    for (size_t s = 0; s < series.size(); ++s) {
      auto v = data::evaluate(series[s].value, scoped, series[s].span, sink);
      if (!v) return false;
      if (v->is_number() && std::abs(v->number) > 1e12) {
        sink.error(v->span.path.empty() ? series[s].span : v->span,
                   fmt::format("chart: {} (series \"{}\", row {}) is too large to chart", v->number, series[s].value, index),
                   {"chart values up to a million million; scale the data (e.g. 万人, 亿元) and say so in unit:"});
        return false;
      }
      if (!v->is_number() || !std::isfinite(v->number)) {
        sink.error(v->span.path.empty() ? series[s].span : v->span,
                   fmt::format("chart: series \"{}\" is not a number in row {}", series[s].value, index),
                   {"a chart's series are numbers; text and empty cells cannot be drawn"});
        return false;
      }
      if (chart->type == ChartType::Pie && v->number < 0) {
        sink.error(v->span.path.empty() ? series[s].span : v->span,
                   fmt::format("chart: a pie cannot show the negative value {} (row {})", v->number, index),
                   {"a pie shows shares of a whole; draw changes as a bar chart"});
        return false;
      }
      chart->series[s].values.push_back(v->number);
    }
  }
  if (chart->type == ChartType::Pie) {
    double total = 0;
    for (double v : chart->series[0].values) total += v;
    if (total <= 0) {
      sink.error(rows_span, "chart: the pie's values add up to 0", {"a pie needs at least one share above zero"});
      return false;
    }
  }
  out.chart = std::move(chart);
  return true;
}

}  // namespace paiban::doc
