// Case boxes on pages: a framed, tinted box whose frame opens at a page break.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "layout/paginator.h"

namespace paiban::layout {

void Paginator::place_case(const PreparedBlock& p) {
  const CaseStyle& cs = spec_->case_box;
  const doc::Block& b = *p.block;
  const double inset = cs.padding + cs.frame_width;
  ensure_page();
  space(p.space_before);
  if (!fits(keep_height(p) - p.space_before) && cursor_ > kEpsilon) new_page(true);
  anchor(b.id, fmt::format("{}{} {}", spec_->labels.case_label, b.case_box->number, b.case_box->title), 0);
  double segment_top = cursor_;
  bool open_top = false;
  auto title = [&](const TextBlock& t) {
    cursor_ += inset;
    for (size_t i = 0; i < t.lines.size(); ++i) {
      draw_line(page(), t, i, spec_->margin_left + inset, y_at(cursor_ + baseline_in_box(t.line_height, t.size)), decorations());
      cursor_ += t.line_height;
    }
  };
  auto frame = [&](double top, double bottom, bool open_top_side, bool open_bottom_side) {
    Rect r{spec_->margin_left, y_at(bottom), spec_->type_width(), bottom - top, true, cs.fill, cs.frame_width, cs.frame,
           open_top_side || open_bottom_side ? 0 : cs.radius};
    r.top = !open_top_side;
    r.bottom = !open_bottom_side;
    page().rects.push_back(r);
  };
  title(p.texts[0]);
  // A page that breaks inside the box ends with the open frame at the foot
  // of the type area: it is not justified vertically.
  inside_box_ = true;
  // A figure that does not fit below the text waits for the box's next page, where it goes first,
  // and the box's text after it fills the space left here (unless the layout keeps strict order).
  std::vector<const FigureLayout*> waiting;
  auto draw_box_figure = [&](const FigureLayout& f) {
    double gap = spec_->figure.space_before / 2;
    cursor_ += gap;
    anchor(f.figure->id, fmt::format("{} {}", f.figure->label, f.figure->caption), 0);
    draw_figure(f, spec_->margin_left + inset);
    cursor_ += gap;
  };
  auto on_break = [&](bool before) {
    if (before) {
      frame(segment_top, spec_->type_height(), open_top, true);  // open at the foot
    } else {
      segment_top = cursor_;
      open_top = true;
      title(p.texts[1]);  // 【案例分享N】…（续）
      std::vector<const FigureLayout*> now;
      now.swap(waiting);
      for (const FigureLayout* f : now) {
        if (!waiting.empty() || !fits(spec_->figure.space_before + f->height, inset)) {
          waiting.push_back(f);
          continue;
        }
        draw_box_figure(*f);
      }
    }
  };
  auto break_box = [&] {
    on_break(true);
    new_page(true);
    on_break(false);
  };
  for (size_t k = 2; k < p.texts.size(); ++k) {
    if (auto fig = p.box_figures.find(k); fig != p.box_figures.end()) {
      // A figure in the box is never split.
      const FigureLayout& f = fig->second;
      if (!waiting.empty()) {
        waiting.push_back(&f);
        continue;
      }
      if (!fits(spec_->figure.space_before + f.height, inset)) {
        if (spec_->figure.floating && k + 1 < p.texts.size()) {
          waiting.push_back(&f);
          continue;
        }
        break_box();
      }
      draw_box_figure(f);
      continue;
    }
    place_lines(p.texts[k], spec_->margin_left + inset, inset, on_break);
  }
  // Figures still waiting when the box's text has run out close the box, on as many pages as they need.
  bool fresh = false;
  while (!waiting.empty()) {
    const FigureLayout* f = waiting.front();
    if (!fresh && !fits(spec_->figure.space_before + f->height, inset)) {
      break_box();  // places what fits at the new page's top
      fresh = true;
      continue;
    }
    fresh = false;  // a figure taller than a page's box goes on a fresh page all the same
    waiting.erase(waiting.begin());
    draw_box_figure(*f);
  }
  inside_box_ = false;
  cursor_ += inset;
  frame(segment_top, cursor_, open_top, false);
  cursor_ += p.space_after;
}

}  // namespace paiban::layout
