// Figures on pages: images sized to the measure, rows of 2–3 with sub-captions, the 图N
// caption below, never split; a figure that does not fit floats to the next page top.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "layout/paginator.h"

namespace paiban::layout {

namespace {

/// Points of an image in its upright orientation at its resolution (300 dpi when it gives none).
std::pair<double, double> natural_size(const image::Image& img) {
  double dx = img.dpi_x > 0 ? img.dpi_x : 300, dy = img.dpi_y > 0 ? img.dpi_y : 300;
  if (img.orientation >= 5) std::swap(dx, dy);
  return {img.upright_width() * 72.0 / dx, img.upright_height() * 72.0 / dy};
}

std::string sub_mark(const std::string& format, size_t i) {
  std::string letter(1, static_cast<char>('a' + i));
  size_t at = format.find("{}");
  return at == std::string::npos ? format + letter : format.substr(0, at) + letter + format.substr(at + 2);
}

}  // namespace

FigureLayout prepare_figure(const doc::Figure& figure, double measure, double max_height, const LayoutSpec& spec,
                            const fonts::FontSet& fonts, DiagnosticSink& sink) {
  const FigureStyle& fs = spec.figure;
  FigureLayout f;
  f.figure = &figure;
  f.width = measure;
  TextBlock caption = compose_text({{figure.label + " " + figure.caption, fs.caption.role, fs.caption.size, figure.span}},
                                   fonts, spec.compose, measure, 0, fs.caption.line_height, fs.caption.size,
                                   compose::Justify::No, doc::Align::Center, sink);
  double body = 0;  // height above the caption
  if (figure.chart) {
    body = prepare_chart(*figure.chart, measure, spec, fonts, sink, f);
  } else if (figure.panels.size() == 1) {
    const doc::FigurePanel& p = figure.panels[0];
    auto [nw, nh] = natural_size(*p.image);
    double aspect = nw / nh;
    double w = p.width_fraction > 0 ? p.width_fraction * measure : p.width_pt > 0 ? p.width_pt : nw;
    if (p.height_pt > 0 && p.width_fraction == 0 && p.width_pt == 0) w = p.height_pt * aspect;
    double h = p.height_pt > 0 && (p.width_fraction > 0 || p.width_pt > 0) ? p.height_pt : w / aspect;
    // Never wider than the measure nor taller than the page leaves: scaled down, aspect kept.
    double room = max_height - fs.caption_gap - caption.height();
    double scale = std::min({1.0, measure / w, room / h});
    w *= scale;
    h *= scale;
    f.images.push_back({p.image, (measure - w) / 2, 0, w, h});
    body = h;
  } else {
    // A row: all images one height, together as wide as the row (the measure, or width=).
    const size_t n = figure.panels.size();
    double row = 0;
    for (const auto& p : figure.panels) row += p.width_fraction > 0 ? p.width_fraction * measure : p.width_pt;
    if (row <= 0) row = measure;
    row = std::min(row, measure);
    double aspects = 0;
    for (const auto& p : figure.panels) {
      auto [nw, nh] = natural_size(*p.image);
      aspects += nw / nh;
    }
    double h = (row - (n - 1) * fs.row_gap) / aspects;
    std::vector<TextBlock> subs;
    double sub_height = 0;
    double x = (measure - row) / 2;
    std::vector<double> xs, ws;
    for (size_t i = 0; i < n; ++i) {
      auto [nw, nh] = natural_size(*figure.panels[i].image);
      double w = h * nw / nh;
      xs.push_back(x);
      ws.push_back(w);
      x += w + fs.row_gap;
      std::string text = sub_mark(fs.sub_label, i) + figure.panels[i].caption;
      subs.push_back(compose_text({{text, fs.subcaption.role, fs.subcaption.size, figure.panels[i].span}}, fonts,
                                  spec.compose, std::max(w, 4 * fs.subcaption.size), 0, fs.subcaption.line_height,
                                  fs.subcaption.size, compose::Justify::No, doc::Align::Center, sink));
      sub_height = std::max(sub_height, subs.back().height());
    }
    double room = max_height - fs.caption_gap - caption.height() - sub_height - fs.caption_gap;
    if (h > room) {
      double s = room / h;
      h *= s;
      double shrink = 0;
      for (size_t i = 0; i < n; ++i) {
        ws[i] *= s;
        xs[i] = xs[i] * 1.0;  // recomputed below
        shrink += ws[i];
      }
      double total = shrink + (n - 1) * fs.row_gap;
      double xx = (measure - total) / 2;
      for (size_t i = 0; i < n; ++i) {
        xs[i] = xx;
        xx += ws[i] + fs.row_gap;
      }
    }
    for (size_t i = 0; i < n; ++i) {
      f.images.push_back({figure.panels[i].image, xs[i], 0, ws[i], h});
      TextBlock& t = subs[i];
      double left = xs[i] + (ws[i] - t.width) / 2;
      for (size_t l = 0; l < t.lines.size(); ++l) {
        FigureText ft{t, left, h + fs.caption_gap + l * t.line_height + baseline_in_box(t.line_height, t.size)};
        ft.text.lines = {t.lines[l]};
        f.texts.push_back(std::move(ft));
      }
    }
    body = h + fs.caption_gap + sub_height;
  }
  double top = body + fs.caption_gap;
  for (size_t l = 0; l < caption.lines.size(); ++l) {
    FigureText ft{caption, 0, top + l * caption.line_height + baseline_in_box(caption.line_height, caption.size)};
    ft.text.lines = {caption.lines[l]};
    f.texts.push_back(std::move(ft));
  }
  f.height = top + caption.height();
  return f;
}

void Paginator::draw_figure(const FigureLayout& f, double x0) {
  const double top = cursor_;
  for (const auto& img : f.images)
    page().images.push_back({img.image, x0 + img.x, y_at(top + img.top + img.h), img.w, img.h});
  for (const auto& s : f.shapes) {
    Shape shape = s;
    for (size_t i = 0; i + 1 < shape.points.size(); i += 2) {
      shape.points[i] += x0;
      shape.points[i + 1] = y_at(top + shape.points[i + 1]);
    }
    page().shapes.push_back(std::move(shape));
  }
  for (const auto& r : f.rules) {
    Rule rule = r;
    rule.x0 += x0;
    rule.x1 += x0;
    rule.y0 = y_at(top + r.y0);
    rule.y1 = y_at(top + r.y1);
    page().rules.push_back(rule);
  }
  for (const auto& t : f.texts) draw_line(page(), t.text, 0, x0 + t.x, y_at(top + t.baseline));
  cursor_ = top + f.height;
}

void Paginator::place_figure(const PreparedBlock& p) {
  const FigureLayout& f = *p.figure;
  ensure_page();
  // Figures already waiting keep their order: this one waits behind them.
  if (!floats_.empty()) {
    floats_.push_back(&p);
    return;
  }
  double before = cursor_ > kEpsilon ? p.space_before : 0;
  if (!fits(before + f.height) && cursor_ > kEpsilon) {
    if (spec_->figure.floating && !inside_box_) {
      floats_.push_back(&p);
      return;
    }
    new_page(true);
  }
  space(p.space_before);
  anchor(f.figure->id, fmt::format("{} {}", f.figure->label, f.figure->caption), 0);
  draw_figure(f, spec_->margin_left);
  cursor_ += p.space_after;
  snap_to_grid();
}

/// On a line grid (GB/T 9704), the text after a figure goes on on the grid's next line.
void Paginator::snap_to_grid() {
  if (spec_->grid_lines <= 0) return;
  const double lh = spec_->body.line_height;
  cursor_ = std::min(spec_->type_height(), std::ceil(cursor_ / lh - kEpsilon) * lh);
}

void Paginator::place_floats() {
  if (floats_.empty()) return;
  std::vector<const PreparedBlock*> waiting;
  waiting.swap(floats_);
  size_t i = 0;
  for (; i < waiting.size(); ++i) {
    const PreparedBlock& p = *waiting[i];
    double before = cursor_ > kEpsilon ? p.space_before : 0;
    if (!fits(before + p.figure->height) && cursor_ > kEpsilon) break;
    space(p.space_before);
    anchor(p.figure->figure->id, fmt::format("{} {}", p.figure->figure->label, p.figure->figure->caption), 0);
    draw_figure(*p.figure, spec_->margin_left);
    cursor_ += p.space_after;
    snap_to_grid();
  }
  floats_.assign(waiting.begin() + static_cast<std::ptrdiff_t>(i), waiting.end());
}

}  // namespace paiban::layout
