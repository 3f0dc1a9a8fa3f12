// Page furniture: the running header and the page number.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "layout/paginator.h"

namespace paiban::layout {

/// Running header (title and a rule) and the page number; none on the cover.
void Paginator::decorate(Page& page) {
  if (page.style == NumberStyle::None) return;
  double top = page_top();
  if (spec_->header_enabled && !doc_.meta.title.empty()) {
    TextBlock t = compose_text({{doc_.meta.title, spec_->header.role, spec_->header.size, {}}}, fonts_, spec_->compose,
                               spec_->type_width(), 0, spec_->header.size, spec_->header.size, compose::Justify::No,
                               doc::Align::Center, sink_);
    double y = top + spec_->header_offset;
    if (!t.lines.empty()) draw_line(page, t, 0, spec_->margin_left, y);
    page.rules.push_back({spec_->margin_left, y - 4, spec_->page_width - spec_->margin_right, y - 4, 0.5});
  }
  std::string number = page_number_text(page.number, page.style);
  std::string text = spec_->footer_format;
  if (size_t at = text.find("{}"); at != std::string::npos) text.replace(at, 2, number);
  // GB/T 9704 §7.5: odd pages right, even pages left, one character in from the type area's edge.
  doc::Align align = doc::Align::Center;
  double x = spec_->margin_left, width = spec_->type_width();
  if (spec_->footer_position == NumberPosition::Outside) {
    double one = spec_->grid_pitch > 0 ? spec_->grid_pitch : spec_->body.size;
    width -= one;
    if (page.number % 2 == 1) align = doc::Align::Right;
    else {
      align = doc::Align::Left;
      x += one;
    }
  }
  TextBlock n = compose_text({{text, spec_->footer.role, spec_->footer.size, {}}}, fonts_, spec_->compose, width, 0,
                             spec_->footer.size, spec_->footer.size, compose::Justify::No, align, sink_);
  if (!n.lines.empty()) draw_line(page, n, 0, x, spec_->margin_bottom - spec_->footer_offset);
}

}  // namespace paiban::layout
