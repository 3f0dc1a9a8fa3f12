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
  for (size_t k = 2; k < p.texts.size(); ++k) {
    auto on_break = [&](bool before) {
      if (before) {
        frame(segment_top, spec_->type_height(), open_top, true);  // open at the foot
      } else {
        segment_top = cursor_;
        open_top = true;
        title(p.texts[1]);  // 【案例分享N】…（续）
      }
    };
    if (auto fig = p.box_figures.find(k); fig != p.box_figures.end()) {
      // A figure in the box is never split: the box breaks before it when it does not fit.
      const FigureLayout& f = fig->second;
      double gap = spec_->figure.space_before / 2;
      if (!fits(gap + f.height, inset)) {
        on_break(true);
        new_page(true);
        on_break(false);
      }
      cursor_ += gap;
      anchor(f.figure->id, fmt::format("{} {}", f.figure->label, f.figure->caption), 0);
      draw_figure(f, spec_->margin_left + inset);
      cursor_ += gap;
      continue;
    }
    place_lines(p.texts[k], spec_->margin_left + inset, inset, on_break);
  }
  inside_box_ = false;
  cursor_ += inset;
  frame(segment_top, cursor_, open_top, false);
  cursor_ += p.space_after;
}

}  // namespace paiban::layout
