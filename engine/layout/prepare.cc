#include "layout/prepare.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace paiban::layout {

TextBlock compose_text(const std::vector<text::StyledText>& texts, const fonts::FontSet& fonts,
                       const compose::ComposeSettings& base, double width, double first_indent, double line_height,
                       double size, compose::Justify justify, doc::Align align, DiagnosticSink& sink) {
  TextBlock b;
  b.span = texts.empty() ? Span{} : texts.front().span;
  b.shaped = text::shape_paragraph(texts, fonts, sink);
  compose::ComposeSettings settings = base;
  settings.width_pt = width;
  settings.first_indent_pt = first_indent;
  settings.em_pt = size;
  settings.justify = justify;
  b.lines = compose::compose_paragraph(b.shaped, fonts, settings);
  b.line_height = line_height;
  b.size = size;
  b.width = width;
  b.align = align;
  return b;
}

InlineText inline_text(const std::vector<doc::InlineRun>& runs, const InlineRoles& roles) {
  InlineText out;
  size_t at = 0;
  for (const auto& r : runs) {
    std::string role = roles.regular;
    if (source::has(r.style, source::InlineStyle::Strong)) role = roles.strong;
    else if (source::has(r.style, source::InlineStyle::Emphasis)) role = roles.emphasis;
    std::string text = r.text;
    double size = roles.size;
    if (r.kind == doc::InlineKind::LineBreak) text = "\n";
    if (r.kind == doc::InlineKind::FootnoteRef) {
      text = kMarkPlaceholder;
      size = roles.size * roles.mark_size;
      out.decorations.push_back({Decoration::Kind::FootnoteMark, at, at + text.size(), r.text});
    }
    if (text.empty()) continue;
    if (source::has(r.style, source::InlineStyle::Strike))
      out.decorations.push_back({Decoration::Kind::Strike, at, at + text.size(), {}});
    if (!r.url.empty()) {
      if (!out.decorations.empty() && out.decorations.back().kind == Decoration::Kind::Link &&
          out.decorations.back().end == at && out.decorations.back().target == r.url)
        out.decorations.back().end = at + text.size();
      else
        out.decorations.push_back({Decoration::Kind::Link, at, at + text.size(), r.url});
    }
    out.texts.push_back({text, role, size, r.span});
    at += text.size();
  }
  return out;
}

std::vector<std::string> footnote_marks(const TextBlock& block, size_t line_index) {
  std::vector<std::string> out;
  if (block.decorations.empty()) return out;
  const compose::Line& line = block.lines[line_index];
  if (line.glyph_begin >= line.glyph_end) return out;
  size_t from = block.shaped.glyphs[line.glyph_begin].cluster, to = block.shaped.glyphs[line.glyph_end - 1].cluster_end;
  for (const auto& d : block.decorations)
    if (d.kind == Decoration::Kind::FootnoteMark && d.begin >= from && d.begin < to) out.push_back(d.target);
  return out;
}

void draw_line(Page& page, const TextBlock& block, size_t line_index, double x, double baseline,
               const DecorationStyle* style) {
  const compose::Line& line = block.lines[line_index];
  if (block.align == doc::Align::Center) x += (block.width - line.width_pt) / 2;
  else if (block.align == doc::Align::Right) x += block.width - line.width_pt;
  x += block.left;
  GlyphRun* run = nullptr;
  const auto& glyphs = block.shaped.glyphs;
  auto decoration_at = [&](uint32_t cluster, Decoration::Kind kind) -> const Decoration* {
    for (const auto& d : block.decorations)
      if (d.kind == kind && cluster >= d.begin && cluster < d.end) return &d;
    return nullptr;
  };
  const bool decorated = !block.decorations.empty();
  for (size_t i = line.glyph_begin; i < line.glyph_end; ++i) {
    const auto& g = glyphs[i];
    size_t k = i - line.glyph_begin;
    const Decoration* link = decorated ? decoration_at(g.cluster, Decoration::Kind::Link) : nullptr;
    const Decoration* mark = decorated ? decoration_at(g.cluster, Decoration::Kind::FootnoteMark) : nullptr;
    Color color = link && style ? style->link_color : Color{};
    double y = mark && mark->raised ? baseline + 0.45 * block.size : baseline;  // a mark is raised (superior)
    if (!run || run->face != g.face || run->size != g.size || !(run->color == color) || run->y != y) {
      page.runs.push_back({g.face, g.size, x + line.x[k], y, {}, color});
      run = &page.runs.back();
    }
    double advance = i + 1 < line.glyph_end ? line.x[k + 1] - line.x[k] : g.advance;
    std::string text = g.first_in_cluster ? block.shaped.text.substr(g.cluster, g.cluster_end - g.cluster) : std::string();
    unsigned gid = g.gid;
    if (mark && style && style->mark && g.first_in_cluster) {
      // The mark's number on this page, in the placeholder's advance.
      auto [printed, glyph] = style->mark(mark->target, g.face);
      if (!printed.empty() && glyph) {
        gid = glyph;
        text = printed;
      }
    }
    run->glyphs.push_back({gid, advance, std::move(text)});
  }
  if (!decorated) return;
  // Lines through struck text and link areas, per decoration on this line.
  for (const auto& d : block.decorations) {
    if (d.kind == Decoration::Kind::FootnoteMark) continue;
    double x0 = 0, x1 = 0;
    bool any = false;
    for (size_t i = line.glyph_begin; i < line.glyph_end; ++i) {
      const auto& g = glyphs[i];
      if (g.cluster < d.begin || g.cluster >= d.end || block.shaped.text[g.cluster] == '\n') continue;
      size_t k = i - line.glyph_begin;
      // A glyph ends where the next begins; the line's last where the line ends (a mark trimmed there).
      double gx0 = x + line.x[k];
      double gx1 = i + 1 < line.glyph_end ? x + line.x[k + 1] : std::min(gx0 + g.advance, x + line.width_pt);
      if (!any) x0 = gx0, x1 = gx1;
      x0 = std::min(x0, gx0);
      x1 = std::max(x1, gx1);
      any = true;
    }
    if (!any) continue;
    if (d.kind == Decoration::Kind::Strike) {
      double y = baseline + 0.3 * block.size;  // through the middle of the ideographic em box's ink
      page.rules.push_back({x0, y, x1, y, std::max(0.4, block.size * 0.05)});
    } else {
      Link l;
      l.x0 = x0;
      l.x1 = x1;
      l.y0 = baseline - 0.2 * block.size;
      l.y1 = baseline + 0.9 * block.size;
      l.uri = d.target;
      page.links.push_back(std::move(l));
    }
  }
}

double TableLayout::header_height() const {
  double h = 0;
  for (double r : header_heights) h += r;
  return h;
}

namespace {

/// Natural (one-line) width and the narrowest sensible width of a cell's text.
struct CellWidths {
  double natural = 0, minimum = 0;
};

CellWidths measure_cell(const std::string& text, const TextStyle& style, const fonts::FontSet& fonts, double padding,
                        double cjk_minimum_em, bool keep_short, const compose::ComposeSettings& settings) {
  CellWidths w;
  DiagnosticSink quiet;  // characters without a font are reported when the cell is composed
  auto shaped = text::shape_paragraph({{text, style.role, style.size, {}}}, fonts, quiet);
  // The natural width as the composer sets it on one line (Han–Latin gaps
  // and punctuation included).
  compose::ComposeSettings one_line = settings;
  one_line.width_pt = 1e6;
  one_line.em_pt = style.size;
  one_line.justify = compose::Justify::No;
  for (const auto& line : compose::compose_paragraph(shaped, fonts, one_line)) w.natural = std::max(w.natural, line.width_pt);
  double longest_word = 0, word = 0;
  for (const auto& g : shaped.glyphs) {
    char c = shaped.text[g.cluster];
    bool latin = static_cast<unsigned char>(c) < 0x80 && c != ' ';
    word = latin ? word + g.advance : 0;
    longest_word = std::max(longest_word, latin ? word : g.advance);
  }
  // A word longer than 20 em (a long unbroken string) does not claim its
  // whole width: it is broken inside as a last resort (with a warning)
  // rather than squeeze the other columns.
  longest_word = std::min(longest_word, 20 * style.size);
  // Chinese may wrap anywhere, but a column narrower than a few em reads
  // badly; a short label (up to 3½ em: 2021年, 区教育局) does not wrap at all.
  w.minimum = keep_short && w.natural <= 3.5 * style.size
                  ? w.natural
                  : std::min(w.natural, std::max(longest_word, cjk_minimum_em * style.size));
  w.natural += 2 * padding + 0.01;  // a hair over, so that rounding never wraps a cell that fits
  w.minimum += 2 * padding + 0.01;
  return w;
}

}  // namespace

TableLayout prepare_table(const doc::Table& table, const LayoutSpec& spec, const fonts::FontSet& fonts,
                          DiagnosticSink& sink) {
  const TableStyle& st = spec.table;
  TableLayout t;
  t.table = &table;
  const int n = table.columns;
  const double available = spec.type_width();
  std::vector<double> natural(n, 0), minimum(n, 0);
  double cjk_minimum_em = 4;
  bool keep_short_header = true, keep_short_body = true;
  // Single-column cells first, then spanning cells widen what they span.
  auto visit = [&](const doc::TableCell& c, const TextStyle& style, bool spans, bool header) {
    if ((c.colspan > 1) != spans) return;
    CellWidths w = measure_cell(c.text, style, fonts, st.padding_x, cjk_minimum_em,
                                header ? keep_short_header : keep_short_body, spec.compose);
    if (!spans) {
      natural[c.column] = std::max(natural[c.column], w.natural);
      minimum[c.column] = std::max(minimum[c.column], w.minimum);
      return;
    }
    double nat = 0, min = 0;
    for (int k = c.column; k < c.column + c.colspan; ++k) nat += natural[k], min += minimum[k];
    for (int k = c.column; k < c.column + c.colspan; ++k) {
      if (w.natural > nat) natural[k] += (w.natural - nat) / c.colspan;
      if (w.minimum > min) minimum[k] += (w.minimum - min) / c.colspan;
    }
  };
  // A wide table lets Chinese wrap in narrower columns (4, then 3, then 2 em),
  // header labels before body labels, before any column is squeezed below
  // its minimum.
  double sum_natural = 0, sum_min = 0;
  struct Level {
    double em;
    bool header, body;
  };
  for (Level level : {Level{4, true, true}, Level{3, false, true}, Level{2, false, true}, Level{2, false, false}}) {
    cjk_minimum_em = level.em;
    keep_short_header = level.header;
    keep_short_body = level.body;
    std::fill(natural.begin(), natural.end(), 0);
    std::fill(minimum.begin(), minimum.end(), 0);
    for (bool spans : {false, true}) {
      for (const auto& c : table.header) visit(c, st.header, spans, true);
      for (const auto& c : table.body) visit(c, st.text, spans, false);
    }
    sum_natural = sum_min = 0;
    for (int c = 0; c < n; ++c) {
      minimum[c] = std::min(minimum[c], natural[c]);
      sum_natural += natural[c];
      sum_min += minimum[c];
    }
    if (sum_min <= available) break;
  }
  // Short columns first get their whole text on one line (up to 10 em), so
  // that a long notes column does not take the width a name needs; what is
  // left goes to the long columns in proportion to what they still lack.
  std::vector<double> target(n);
  double sum_target = 0;
  for (int c = 0; c < n; ++c) {
    target[c] = std::max(minimum[c], std::min(natural[c], 10 * st.text.size + 2 * st.padding_x));
    sum_target += target[c];
  }
  std::vector<double> widths(n);
  for (int c = 0; c < n; ++c) {
    if (sum_natural <= available) widths[c] = natural[c] + (available - sum_natural) * natural[c] / sum_natural;
    else if (sum_target <= available)
      widths[c] = target[c] + (available - sum_target) * (natural[c] - target[c]) / std::max(1e-9, sum_natural - sum_target);
    else if (sum_min <= available)
      widths[c] = minimum[c] + (available - sum_min) * (target[c] - minimum[c]) / std::max(1e-9, sum_target - sum_min);
    else widths[c] = minimum[c] * available / sum_min;
  }
  t.column_x.assign(n + 1, 0);
  for (int c = 0; c < n; ++c) t.column_x[c + 1] = t.column_x[c] + widths[c];

  compose::ComposeSettings settings = spec.compose;
  compose::ComposeSettings cell_settings = settings;
  cell_settings.break_long_words = true;
  auto compose_cell = [&](const doc::TableCell& c, const TextStyle& style) {
    double w = t.column_x[c.column + c.colspan] - t.column_x[c.column] - 2 * st.padding_x;
    std::vector<text::StyledText> texts;
    if (!c.runs.empty()) {  // a pipe table's cell: its inlines
      std::string strong = style.role == spec.body.role ? spec.strong_role : style.role;
      InlineText it = inline_text(c.runs, {style.role, strong, style.role, style.size, spec.footnotes.mark_size});
      TextBlock b = compose_text(it.texts, fonts, settings, w, 0, style.line_height, style.size, compose::Justify::No,
                                 c.align, sink);
      b.decorations = std::move(it.decorations);
      return b;
    }
    if (!c.text.empty()) texts.push_back({c.text, style.role, style.size, c.span});
    TextBlock b = compose_text(texts, fonts, cell_settings, w, 0, style.line_height, style.size, compose::Justify::No, c.align, sink);
    // A cell's text that could not be set within its column: broken inside
    // a word as a last resort, or (a single character wider than the
    // column) past it. Warnings, errors with --strict.
    bool broken = false;
    double over = 0;
    for (const auto& line : b.lines) {
      broken = broken || line.forced_break;
      if (line.overfull || line.width_pt > w + 0.01) over = std::max(over, line.width_pt - w);
    }
    if (over > 0)
      sink.warning(c.span, fmt::format("table cell: the text runs {:.2f}pt past its column", over),
                   {"shorten the text, or give the table fewer columns"});
    else if (broken)
      sink.warning(c.span, fmt::format("table cell: the text is broken inside a word to fit its column ({:.1f}pt wide)", w),
                   {"shorten the text or add spaces where it may break"});
    return b;
  };
  auto row_heights = [&](const std::vector<doc::TableCell>& cells, std::vector<TextBlock>& out, int rows,
                         const TextStyle& style) {
    std::vector<double> h(rows, style.line_height + 2 * st.padding_y);
    for (const auto& c : cells) {
      out.push_back(compose_cell(c, style));
      if (c.rowspan == 1) h[c.row] = std::max(h[c.row], out.back().height() + 2 * st.padding_y);
    }
    // A spanning cell taller than its rows makes its last row taller.
    for (size_t i = 0; i < cells.size(); ++i) {
      const auto& c = cells[i];
      if (c.rowspan == 1) continue;
      double have = 0;
      for (int r = c.row; r < c.row + c.rowspan; ++r) have += h[r];
      double need = out[i].height() + 2 * st.padding_y;
      if (need > have) h[c.row + c.rowspan - 1] += need - have;
    }
    return h;
  };
  t.body_cells_at.assign(table.body_rows, {});
  for (size_t i = 0; i < table.body.size(); ++i) {
    t.body_cells_at[table.body[i].row].push_back(i);
    if (table.body[i].rowspan > 1) t.spanning_cells.push_back(i);
  }
  t.header_heights = row_heights(table.header, t.header_text, table.header_rows, st.header);
  t.body_heights = row_heights(table.body, t.body_text, table.body_rows, st.text);
  // A row is never split across pages: one taller than a page (with the
  // caption and the header above it) would run past the page's bottom.
  {
    double room = spec.type_height() - t.header_height();
    std::vector<bool> reported(table.body_rows, false);
    for (const auto& c : table.body) {
      // (A cell spanning rows may continue on the next page with them.)
      double h = t.body_heights[c.row];
      if (h > room && !reported[c.row]) {
        reported[c.row] = true;
        sink.error(c.span,
                   fmt::format("table: row {} is {:.0f}pt tall, more than a page holds below the table's header ({:.0f}pt)",
                               c.row + 1, h, room),
                   {"a row is not split across pages: put the long text in a paragraph, or split it over several rows"});
      }
    }
  }

  std::string unit = table.unit.empty() ? "" : fmt::format(fmt::runtime(spec.labels.unit), table.unit);
  auto caption = [&](const std::string& label) {
    return compose_text({{fmt::format("{} {}{}", label, table.caption, unit), st.caption.role, st.caption.size, table.span}},
                        fonts, settings, spec.type_width(), 0, st.caption.line_height, st.caption.size,
                        compose::Justify::No, doc::Align::Center, sink);
  };
  if (!table.label.empty() || !table.caption.empty()) {
    t.caption = caption(table.label);
    t.continued_caption = caption(spec.labels.table_continued + table.label.substr(std::min(table.label.size(), spec.labels.table.size())));
  }
  if (!table.note.empty()) {
    t.note = compose_text({{table.note, st.text.role, st.text.size, table.span}}, fonts, settings, t.width(), 0,
                          st.text.line_height, st.text.size, compose::Justify::Yes, doc::Align::Left, sink);
    t.note.left = (spec.type_width() - t.width()) / 2;
  }
  return t;
}

}  // namespace paiban::layout
