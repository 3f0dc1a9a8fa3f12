// Charts as vector paths: bars (vertical or horizontal, grouped or stacked), lines, pies and
// doughnuts; axes at nice steps, gridlines, legend; all text shaped in the report's fonts.
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include <fmt/format.h>

#include "data/data.h"
#include "layout/paginator.h"

namespace paiban::layout {

std::vector<double> nice_ticks(double low, double high, int target) {
  if (!(high > low)) high = low + 1;
  double raw = (high - low) / std::max(1, target);
  int exponent = static_cast<int>(std::floor(std::log10(raw)));
  double n = raw / std::pow(10.0, exponent);
  // The nice number nearest the raw step (Heckbert): 1, 2, 5 or 10 times a power of ten.
  long long unit = n < 1.5 ? 1 : n < 3 ? 2 : n < 7 ? 5 : 10;
  // Ticks as whole multiples of the step, scaled once: 0.6 rather than 3 × 0.2 = 0.6000000000000001.
  auto value = [&](long long k) {
    return exponent >= 0 ? static_cast<double>(k * unit) * std::pow(10.0, exponent)
                         : static_cast<double>(k * unit) / std::pow(10.0, -exponent);
  };
  const double step = value(1);
  long long first = static_cast<long long>(std::floor(low / step + 1e-9));
  long long last = static_cast<long long>(std::ceil(high / step - 1e-9));
  std::vector<double> ticks;
  for (long long i = first; i <= last; ++i) ticks.push_back(value(i));
  if (ticks.size() < 2) ticks.push_back(value(last + 1));
  return ticks;
}

std::vector<double> largest_remainder_percentages(const std::vector<double>& values, int decimals) {
  const double total = std::accumulate(values.begin(), values.end(), 0.0);
  std::vector<double> out(values.size(), 0);
  if (total <= 0) return out;
  const long long units = 100 * static_cast<long long>(std::llround(std::pow(10, decimals)));
  std::vector<long long> floor_units(values.size());
  std::vector<std::pair<double, size_t>> remainders;
  long long given = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    double exact = values[i] / total * static_cast<double>(units);
    floor_units[i] = static_cast<long long>(std::floor(exact + 1e-9));
    given += floor_units[i];
    remainders.push_back({exact - static_cast<double>(floor_units[i]), i});
  }
  // The units left go to the largest remainders.
  // Equal remainders (within rounding): the larger share first.
  std::stable_sort(remainders.begin(), remainders.end(), [&](auto& a, auto& b) {
    if (std::abs(a.first - b.first) > 1e-9) return a.first > b.first;
    return values[a.second] > values[b.second];
  });
  for (size_t k = 0; given < units && k < remainders.size(); ++k, ++given) ++floor_units[remainders[k].second];
  for (size_t i = 0; i < values.size(); ++i) out[i] = static_cast<double>(floor_units[i]) * 100.0 / static_cast<double>(units);
  return out;
}

namespace {

struct Painter {
  const doc::Chart& chart;
  const LayoutSpec& spec;
  const fonts::FontSet& fonts;
  DiagnosticSink& sink;
  FigureLayout& out;

  const TextStyle& style() const { return spec.figure.chart; }

  std::map<std::string, TextBlock> labels;  ///< each text shaped once (ticks and legends are measured, then drawn)

  const TextBlock& label(const std::string& text) {
    auto it = labels.find(text);
    if (it == labels.end())
      it = labels.emplace(text, compose_text({{text, style().role, style().size, chart.span}}, fonts, spec.compose, 1e5, 0,
                                             style().line_height, style().size, compose::Justify::No, doc::Align::Left,
                                             sink)).first;
    return it->second;
  }
  static double width_of(const TextBlock& t) { return t.lines.empty() ? 0 : t.lines[0].width_pt; }

  /// Text with its left edge at X and its em box's centre at Y (or its baseline, when BASELINE).
  void text(const std::string& s, double x, double y, double anchor_x = 0) {
    if (s.empty()) return;
    const TextBlock& t = label(s);
    if (t.lines.empty()) return;
    double w = width_of(t);
    double baseline = y + (0.88 - 0.5) * style().size;  // the em box centred on y
    out.texts.push_back({t, x - anchor_x * w, baseline});
  }

  Color color(size_t i) const {
    const auto& p = spec.figure.palette;
    return p.empty() ? Color{} : p[i % p.size()];
  }

  void rect(double x0, double y0, double x1, double y1, Color c) {
    out.shapes.push_back({{std::min(x0, x1), std::max(y0, y1), std::max(x0, x1), std::max(y0, y1), std::max(x0, x1),
                           std::min(y0, y1), std::min(x0, x1), std::min(y0, y1)},
                          true, true, c, 0, {}});
  }

  std::string number(double v) const {
    data::Value n = data::Value::of_number(v);
    if (!chart.format.empty()) return data::format_number(n, chart.format).value_or("");
    return data::format_number(n, "").value_or("");
  }

  std::string tick(double v, double step) const {
    if (!chart.format.empty()) return number(v);
    int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
    std::string s = fmt::format("{:.{}f}", v, decimals);
    return s == "-0" ? "0" : s;
  }

  /// A row of legend entries centred at Y across [x0, x1]; returns nothing.
  void legend(const std::vector<std::string>& names, double x0, double x1, double y) {
    const double sw = style().size * 0.8, gap = style().size * 0.35, between = style().size * 1.4;
    std::vector<double> widths;
    double total = 0;
    for (const auto& n : names) {
      widths.push_back(width_of(label(n)));
      total += sw + gap + widths.back();
    }
    total += between * (names.size() - 1);
    double x = (x0 + x1 - total) / 2;
    for (size_t i = 0; i < names.size(); ++i) {
      if (chart.type == doc::ChartType::Line) {
        out.shapes.push_back({{x - sw * 0.3, y, x + sw * 1.3, y}, false, false, {}, 1.5, color(i)});
        marker(i, x + sw / 2, y);
      } else {
        rect(x, y - sw / 2, x + sw, y + sw / 2, color(i));
      }
      text(names[i], x + sw + gap, y);
      x += sw + gap + widths[i] + between;
    }
  }

  /// Line charts tell series apart by marker shape too (grey print).
  void marker(size_t series, double x, double y) {
    const double r = 2.6;
    Shape s{{}, true, true, color(series), 0.6, {1, 1, 1}};
    switch (series % 4) {
      case 0: s.points = {x - r, y - r, x + r, y - r, x + r, y + r, x - r, y + r}; break;
      case 1: s.points = {x, y - r * 1.3, x + r * 1.3, y, x, y + r * 1.3, x - r * 1.3, y}; break;
      case 2: s.points = {x, y - r * 1.3, x + r * 1.2, y + r, x - r * 1.2, y + r}; break;
      default:
        for (int k = 0; k < 12; ++k) s.points.insert(s.points.end(), {x + r * std::cos(k * M_PI / 6), y + r * std::sin(k * M_PI / 6)});
    }
    out.shapes.push_back(std::move(s));
  }

  std::vector<std::string> series_names() const {
    std::vector<std::string> names;
    for (const auto& s : chart.series) names.push_back(s.label);
    return names;
  }

  double axes(double x0, double width, double height) {
    const double em = style().size, lh = style().line_height;
    const size_t nc = chart.categories.size(), ns = chart.series.size();
    const bool stacked = chart.stacked && chart.type == doc::ChartType::Bar;
    double lo = 0, hi = 0;
    for (size_t c = 0; c < nc; ++c) {
      double pos = 0, neg = 0;
      for (size_t s = 0; s < ns; ++s) {
        double v = chart.series[s].values[c];
        if (stacked) (v >= 0 ? pos : neg) += v;
        else hi = std::max(hi, v), lo = std::min(lo, v);
      }
      if (stacked) hi = std::max(hi, pos), lo = std::min(lo, neg);
    }
    std::vector<double> ticks = nice_ticks(lo, hi);
    const double step = ticks[1] - ticks[0];
    const double vlo = ticks.front(), vhi = ticks.back();
    double tick_w = 0;
    for (double t : ticks) tick_w = std::max(tick_w, width_of(label(tick(t, step))));
    const bool legend_row = ns > 1;
    double top = chart.unit.empty() ? em * 0.6 : lh + em * 0.6;
    if (chart.value_labels) top += lh * 0.5;
    double bottom = height - lh - 4 - (legend_row ? lh + 4 : 0);
    if (!chart.unit.empty()) {
      std::string unit = spec.figure.unit;
      size_t at = unit.find("{}");
      unit = at == std::string::npos ? unit + chart.unit : unit.substr(0, at) + chart.unit + unit.substr(at + 2);
      text("（" + unit + "）", x0, lh / 2);
    }
    if (legend_row) legend(series_names(), x0, x0 + width, height - lh / 2);
    if (!chart.horizontal || chart.type == doc::ChartType::Line) {
      const double left = x0 + tick_w + 6, right = x0 + width - 4;
      auto y_of = [&](double v) { return bottom - (v - vlo) / (vhi - vlo) * (bottom - top); };
      for (double t : ticks) {
        double y = y_of(t);
        out.rules.push_back({left, y, right, y, std::abs(t) < 1e-12 ? 0.6 : 0.4,
                             std::abs(t) < 1e-12 ? Color{} : Color{0.82, 0.82, 0.82}});
        text(tick(t, step), left - 4, y, 1.0);
      }
      out.rules.push_back({left, top, left, bottom, 0.6, {}});
      const double slot = (right - left) / nc;
      for (size_t c = 0; c < nc; ++c) {
        double cx = left + slot * (c + 0.5);
        text(chart.categories[c], cx, bottom + 4 + lh / 2, 0.5);
      }
      if (chart.type == doc::ChartType::Line) {
        for (size_t s = 0; s < ns; ++s) {
          Shape line{{}, false, false, {}, 1.5, color(s)};
          for (size_t c = 0; c < nc; ++c) line.points.insert(line.points.end(), {left + slot * (c + 0.5), y_of(chart.series[s].values[c])});
          out.shapes.push_back(line);
          for (size_t c = 0; c < nc; ++c) {
            double x = left + slot * (c + 0.5), y = y_of(chart.series[s].values[c]);
            marker(s, x, y);
            if (chart.value_labels) text(number(chart.series[s].values[c]), x, y - em, 0.5);
          }
        }
        return height;
      }
      const double group = slot * 0.7;
      for (size_t c = 0; c < nc; ++c) {
        double gx = left + slot * c + (slot - group) / 2, pos = 0, neg = 0;
        for (size_t s = 0; s < ns; ++s) {
          double v = chart.series[s].values[c];
          double x, w, from;
          if (stacked) {
            x = gx, w = group;
            from = v >= 0 ? pos : neg;
            (v >= 0 ? pos : neg) += v;
          } else {
            w = group / ns, x = gx + w * s, from = 0;
          }
          rect(x, y_of(from), x + w, y_of(from + v), color(s));
          if (chart.value_labels && !stacked) text(number(v), x + w / 2, y_of(v) + (v >= 0 ? -em * 0.7 : em * 0.7), 0.5);
        }
        // A stack is labelled with its total above it (text over a dark fill would not read).
        if (chart.value_labels && stacked) text(number(pos + neg), gx + group / 2, y_of(pos) - em * 0.7, 0.5);
      }
      return height;
    }
    // Horizontal bars: categories down the left, values along the bottom.
    double cat_w = 0;
    for (const auto& c : chart.categories) cat_w = std::max(cat_w, width_of(label(c)));
    const double left = x0 + cat_w + 6, right = x0 + width - std::max(8.0, tick_w / 2 + 2);
    const double plot_bottom = bottom - (lh - 4);  // the tick labels under the plot
    auto x_of = [&](double v) { return left + (v - vlo) / (vhi - vlo) * (right - left); };
    for (double t : ticks) {
      double x = x_of(t);
      out.rules.push_back({x, top, x, plot_bottom, std::abs(t) < 1e-12 ? 0.6 : 0.4,
                           std::abs(t) < 1e-12 ? Color{} : Color{0.82, 0.82, 0.82}});
      text(tick(t, step), x, plot_bottom + 4 + lh / 2, 0.5);
    }
    out.rules.push_back({left, plot_bottom, right, plot_bottom, 0.6, {}});
    const double slot = (plot_bottom - top) / nc, group = slot * 0.7;
    for (size_t c = 0; c < nc; ++c) {
      double gy = top + slot * c + (slot - group) / 2, pos = 0, neg = 0;
      text(chart.categories[c], left - 4, top + slot * (c + 0.5), 1.0);
      for (size_t s = 0; s < ns; ++s) {
        double v = chart.series[s].values[c];
        double y, h, from;
        if (stacked) {
          y = gy, h = group;
          from = v >= 0 ? pos : neg;
          (v >= 0 ? pos : neg) += v;
        } else {
          h = group / ns, y = gy + h * s, from = 0;
        }
        rect(x_of(from), y, x_of(from + v), y + h, color(s));
        if (chart.value_labels && !stacked) text(number(v), x_of(v) + 3, y + h / 2);
      }
    }
    return height;
  }

  double pie(double x0, double width, double height) {
    const double em = style().size, lh = style().line_height;
    const auto& values = chart.series[0].values;
    const double total = std::accumulate(values.begin(), values.end(), 0.0);
    const std::vector<double> pct = largest_remainder_percentages(values, 1);
    const double r = std::min(height / 2 - em * 1.6, width * 0.22);
    const double cx = x0 + width * 0.3, cy = height / 2;
    const double inner = chart.doughnut ? r * 0.55 : 0;
    double last_x = -1e9, last_y = -1e9, last_r = 0;
    double start = 90;  // degrees, counter-clockwise from 3 o'clock; slices go clockwise from 12
    auto point = [&](double radius, double deg) {
      double a = deg * M_PI / 180;
      return std::pair<double, double>{cx + radius * std::cos(a), cy - radius * std::sin(a)};
    };
    for (size_t i = 0; i < values.size(); ++i) {
      double sweep = values[i] / total * 360;
      if (sweep <= 0) continue;
      Shape s{{}, true, true, color(i), 0.8, {1, 1, 1}};
      int steps = std::max(2, static_cast<int>(std::ceil(sweep / 2)));
      if (inner <= 0 && sweep < 360) s.points.insert(s.points.end(), {cx, cy});
      for (int k = 0; k <= steps; ++k) {
        auto [x, y] = point(r, start - sweep * k / steps);
        s.points.insert(s.points.end(), {x, y});
      }
      if (inner > 0)
        for (int k = steps; k >= 0; --k) {
          auto [x, y] = point(inner, start - sweep * k / steps);
          s.points.insert(s.points.end(), {x, y});
        }
      out.shapes.push_back(std::move(s));
      // The share outside its slice, beside the middle of its arc.
      double mid = start - sweep / 2;
      // Labels of neighbouring thin slices step outwards so that they do not overlap.
      double out_r = r + em * 0.9;
      auto [px, py] = point(out_r, mid);
      if (i > 0 && std::abs(py - last_y) < lh && std::abs(px - last_x) < em * 3.5) out_r = last_r + em * 1.1;
      auto [lx, ly] = point(out_r, mid);
      last_x = lx, last_y = ly, last_r = out_r;
      double c = std::cos(mid * M_PI / 180);
      text(fmt::format("{:.1f}%", pct[i]), lx, ly, c > 0.3 ? 0 : c < -0.3 ? 1 : 0.5);
      start -= sweep;
    }
    // Legend: name, value and unit, one per line, right of the pie.
    const double lx = x0 + width * 0.64, sw = em * 0.8;
    double y = cy - (values.size() - 1) * lh / 2;
    for (size_t i = 0; i < values.size(); ++i, y += lh) {
      rect(lx, y - sw / 2, lx + sw, y + sw / 2, color(i));
      text(fmt::format("{}  {}{}", chart.categories[i], number(values[i]), chart.unit), lx + sw + em * 0.4, y);
    }
    return height;
  }
};

}  // namespace

double prepare_chart(const doc::Chart& chart, double width, const LayoutSpec& spec, const fonts::FontSet& fonts,
                     DiagnosticSink& sink, FigureLayout& out) {
  Painter p{chart, spec, fonts, sink, out};
  const double w = std::min(width, 420.0), x0 = (width - w) / 2;
  double h = spec.figure.chart_height;
  if (chart.type == doc::ChartType::Pie) return p.pie(x0, w, h);
  if (chart.horizontal && chart.type == doc::ChartType::Bar)
    h = std::max(h, chart.categories.size() * (chart.stacked ? 1 : chart.series.size()) * spec.figure.chart.size * 1.6 + 3 * spec.figure.chart.line_height);
  return p.axes(x0, w, h);
}

}  // namespace paiban::layout
