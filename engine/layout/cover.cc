// The cover page.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "layout/paginator.h"

namespace paiban::layout {

void Paginator::cover() {
  style_ = NumberStyle::None;
  new_page(false);
  const CoverStyle& cs = spec_->cover;
  TextBlock title = compose_balanced({{doc_.meta.title, cs.title.role, cs.title.size, {}}}, fonts_, spec_->compose,
                                     spec_->type_width() * 0.8, cs.title.line_height, cs.title.size,
                                     doc::Align::Center, sink_);
  title.left += spec_->type_width() * 0.1;
  cursor_ = spec_->type_height() * 0.28;
  for (size_t i = 0; i < title.lines.size(); ++i) {
    draw_line(page(), title, i, spec_->margin_left, y_at(cursor_ + baseline_in_box(title.line_height, title.size)));
    cursor_ += title.line_height;
  }
  cursor_ = spec_->type_height() * 0.72;
  for (const std::string& line : {doc_.meta.issuer, doc_.meta.date, doc_.meta.note}) {
    if (line.empty()) continue;
    TextBlock t = compose_text({{line, cs.line.role, cs.line.size, {}}}, fonts_, spec_->compose, spec_->type_width(), 0,
                               cs.line.line_height, cs.line.size, compose::Justify::No, doc::Align::Center, sink_);
    draw_line(page(), t, 0, spec_->margin_left, y_at(cursor_ + baseline_in_box(t.line_height, t.size)));
    cursor_ += t.line_height;
  }
  page_open_ = false;
}

}  // namespace paiban::layout
