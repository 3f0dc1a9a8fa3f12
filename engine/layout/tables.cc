// Tables on pages: caption, header repeated under 续表, rows broken between pages, the grid.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "layout/paginator.h"

namespace paiban::layout {

/// What of a table must go on the page where it starts, with ROOM left on
/// it: the caption never stays alone at a page foot, it goes with the header
/// and two rows; a short table (up to 6 rows) that fits a page is kept whole,
/// unless moving it would leave more than a quarter of the type area blank.
double Paginator::table_start_height(const TableLayout& t, double room) const {
  const doc::Table& table = *t.table;
  double whole = t.caption.height() + t.header_height();
  for (double h : t.body_heights) whole += h;
  double start = t.caption.height() + t.header_height();
  for (int r = 0; r < std::min(2, table.body_rows); ++r) start += t.body_heights[r];
  bool keep_whole = table.body_rows <= 6 && whole <= spec_->type_height();
  if (keep_whole && (whole <= room + kEpsilon || room <= spec_->type_height() / 4)) start = whole;
  return start;
}

void Paginator::place_table(const PreparedBlock& p) {
  const TableLayout& t = *p.table;
  const TableStyle& st = spec_->table;
  const doc::Table& table = *t.table;
  ensure_page();
  space(p.space_before);
  if (!fits(table_start_height(t, spec_->type_height() - cursor_)) && cursor_ > kEpsilon) new_page(true);
  anchor(table.id, fmt::format("{} {}", table.label, table.caption), 0);
  const double x0 = spec_->margin_left + (spec_->type_width() - t.width()) / 2;
  int row = 0;
  bool continued = false;
  while (true) {
    const TextBlock& caption = continued ? t.continued_caption : t.caption;
    for (size_t i = 0; i < caption.lines.size(); ++i) {
      draw_line(page(), caption, i, spec_->margin_left, y_at(cursor_ + baseline_in_box(caption.line_height, caption.size)));
      cursor_ += caption.line_height;
    }
    double top = cursor_;
    // Header rows, on every page the table spans.
    std::vector<double> header_y(table.header_rows + 1, top);
    for (int r = 0; r < table.header_rows; ++r) header_y[r + 1] = header_y[r] + t.header_heights[r];
    if (table.header_rows > 0)
      page().rects.push_back({x0, y_at(header_y.back()), t.width(), header_y.back() - top, true, st.header_fill});
    for (size_t i = 0; i < table.header.size(); ++i)
      draw_cell(table.header[i], t.header_text[i], header_y, 0, table.header_rows, x0, t);
    cursor_ = header_y.back();
    // Body rows while they fit (at least one on a page), leaving no single
    // row alone on the continuation.
    int first = row;
    // (a row's footnote marks bring their notes to this page's foot)
    auto row_notes = [&](int r) {
      if (notes_.empty()) return 0.0;
      std::vector<std::string> labels;
      for (size_t i : t.body_cells_at[r])
        for (size_t l = 0; l < t.body_text[i].lines.size(); ++l)
          for (auto& m : footnote_marks(t.body_text[i], l)) labels.push_back(m);
      return notes_height(labels);
    };
    double held = 0;
    // The note under the table goes with its last row.
    auto need = [&](int r) { return t.body_heights[r] + row_notes(r) + (r == table.body_rows - 1 ? t.note.height() : 0); };
    while (row < table.body_rows && (fits(need(row)) || row == first)) {
      double h = row_notes(row);
      note_height_ += h;  // held while rows are fitted; the cells register their notes when drawn
      held += h;
      cursor_ += t.body_heights[row++];
    }
    note_height_ -= held;
    if (row == table.body_rows - 1 && row - first > 2) cursor_ -= t.body_heights[--row];
    std::vector<double> body_y(row - first + 1, header_y.back());
    for (int r = first; r < row; ++r) body_y[r - first + 1] = body_y[r - first] + t.body_heights[r];
    // The cells of rows [first, row): those starting there, and the
    // row-spanning ones that started above and reach into them.
    std::vector<size_t> cells;
    for (size_t i : t.spanning_cells)
      if (table.body[i].row < first && table.body[i].row + table.body[i].rowspan > first) cells.push_back(i);
    for (int r = first; r < row; ++r) cells.insert(cells.end(), t.body_cells_at[r].begin(), t.body_cells_at[r].end());
    for (size_t i : cells) draw_cell(table.body[i], t.body_text[i], body_y, first, row, x0, t);
    draw_grid(t, x0, header_y, body_y, first, row, cells);
    if (row >= table.body_rows) {
      for (size_t i = 0; i < t.note.lines.size(); ++i) {
        draw_line(page(), t.note, i, spec_->margin_left, y_at(cursor_ + baseline_in_box(t.note.line_height, t.note.size)),
                  decorations());
        cursor_ += t.note.line_height;
      }
      break;
    }
    new_page(true);
    continued = true;
  }
  cursor_ += p.space_after;
}

/// Draws a cell's text centred vertically in the part of it between rows
/// FIRST and LAST (a row-spanning label is repeated on a continuation).
void Paginator::draw_cell(const doc::TableCell& c, const TextBlock& text, const std::vector<double>& row_y, int first, int last, double x0, const TableLayout& t) {
  int r0 = std::max(c.row, first), r1 = std::min(c.row + c.rowspan, last);
  if (r0 >= r1) return;
  double top = row_y[r0 - first], bottom = row_y[r1 - first];
  double y = top + (bottom - top - text.height()) / 2;
  double x = x0 + t.column_x[c.column] + spec_->table.padding_x;
  for (size_t i = 0; i < text.lines.size(); ++i)
  {
    if (!notes_.empty()) register_notes(footnote_marks(text, i));
    draw_line(page(), text, i, x, y_at(y + i * text.line_height + baseline_in_box(text.line_height, text.size)),
              decorations());
  }
}

void Paginator::draw_grid(const TableLayout& t, double x0, const std::vector<double>& header_y, const std::vector<double>& body_y, int first, int last, const std::vector<size_t>& cells) {
  const TableStyle& st = spec_->table;
  const doc::Table& table = *t.table;
  const double top = header_y.front(), bottom = body_y.back();
  auto hline = [&](double cursor, double from, double to, double w) {
    page().rules.push_back({x0 + from, y_at(cursor), x0 + to, y_at(cursor), w});
  };
  auto vline = [&](double x, double c0, double c1) {
    page().rules.push_back({x0 + x, y_at(c0), x0 + x, y_at(c1), st.rule});
  };
  hline(top, 0, t.width(), st.frame);
  hline(bottom, 0, t.width(), st.frame);
  vline(0, top, bottom);
  vline(t.width(), top, bottom);
  auto cell_edges = [&](const doc::TableCell& c, const std::vector<double>& ys, int base, int r_end) {
    int r0 = std::max(c.row, base), r1 = std::min(c.row + c.rowspan, r_end);
    if (r0 >= r1) return;
    double c0 = ys[r0 - base], c1 = ys[r1 - base];
    if (c.column + c.colspan < table.columns) vline(t.column_x[c.column + c.colspan], c0, c1);
    if (c1 < bottom - kEpsilon) hline(c1, t.column_x[c.column], t.column_x[c.column + c.colspan], st.rule);
  };
  for (const auto& c : table.header) cell_edges(c, header_y, 0, table.header_rows);
  for (size_t i : cells) cell_edges(table.body[i], body_y, first, last);
}

}  // namespace paiban::layout
