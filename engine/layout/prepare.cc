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

void draw_line(Page& page, const TextBlock& block, size_t line_index, double x, double baseline) {
  const compose::Line& line = block.lines[line_index];
  if (block.align == doc::Align::Center) x += (block.width - line.width_pt) / 2;
  else if (block.align == doc::Align::Right) x += block.width - line.width_pt;
  x += block.left;
  GlyphRun* run = nullptr;
  const auto& glyphs = block.shaped.glyphs;
  for (size_t i = line.glyph_begin; i < line.glyph_end; ++i) {
    const auto& g = glyphs[i];
    size_t k = i - line.glyph_begin;
    if (!run || run->face != g.face || run->size != g.size) {
      page.runs.push_back({g.face, g.size, x + line.x[k], baseline, {}});
      run = &page.runs.back();
    }
    double advance = i + 1 < line.glyph_end ? line.x[k + 1] - line.x[k] : g.advance;
    std::string text = g.first_in_cluster ? block.shaped.text.substr(g.cluster, g.cluster_end - g.cluster) : std::string();
    run->glyphs.push_back({g.gid, advance, std::move(text)});
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
                        DiagnosticSink& sink) {
  CellWidths w;
  DiagnosticSink quiet;  // characters without a font are reported when the cell is composed
  auto shaped = text::shape_paragraph({{text, style.role, style.size, {}}}, fonts, quiet);
  double longest_word = 0, word = 0;
  for (const auto& g : shaped.glyphs) {
    w.natural += g.advance;
    char c = shaped.text[g.cluster];
    bool latin = static_cast<unsigned char>(c) < 0x80 && c != ' ';
    word = latin ? word + g.advance : 0;
    longest_word = std::max(longest_word, latin ? word : g.advance);
  }
  // Chinese may wrap anywhere, but a column narrower than 4 em reads badly.
  w.minimum = std::min(w.natural, std::max(longest_word, 4 * style.size));
  w.natural += 2 * padding;
  w.minimum += 2 * padding;
  (void)sink;
  return w;
}

}  // namespace

TableLayout prepare_table(const doc::Table& table, const LayoutSpec& spec, const fonts::FontSet& fonts,
                          DiagnosticSink& sink) {
  const TableStyle& st = spec.table;
  TableLayout t;
  t.table = &table;
  const int n = table.columns;
  std::vector<double> natural(n, 0), minimum(n, 0);
  // Single-column cells first, then spanning cells widen what they span.
  auto visit = [&](const doc::TableCell& c, const TextStyle& style, bool spans) {
    if ((c.colspan > 1) != spans) return;
    CellWidths w = measure_cell(c.text, style, fonts, st.padding_x, sink);
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
  for (bool spans : {false, true}) {
    for (const auto& c : table.header) visit(c, st.header, spans);
    for (const auto& c : table.body) visit(c, st.text, spans);
  }
  const double available = spec.type_width();
  double sum_natural = 0, sum_min = 0;
  for (int c = 0; c < n; ++c) {
    minimum[c] = std::min(minimum[c], natural[c]);
    sum_natural += natural[c];
    sum_min += minimum[c];
  }
  std::vector<double> widths(n);
  for (int c = 0; c < n; ++c) {
    if (sum_natural <= available) widths[c] = natural[c] + (available - sum_natural) * natural[c] / sum_natural;
    else if (sum_min <= available)
      widths[c] = minimum[c] + (available - sum_min) * (natural[c] - minimum[c]) / std::max(1e-9, sum_natural - sum_min);
    else widths[c] = minimum[c] * available / sum_min;
  }
  t.column_x.assign(n + 1, 0);
  for (int c = 0; c < n; ++c) t.column_x[c + 1] = t.column_x[c] + widths[c];

  compose::ComposeSettings settings = spec.compose;
  auto compose_cell = [&](const doc::TableCell& c, const TextStyle& style) {
    double w = t.column_x[c.column + c.colspan] - t.column_x[c.column] - 2 * st.padding_x;
    std::vector<text::StyledText> texts;
    if (!c.text.empty()) texts.push_back({c.text, style.role, style.size, c.span});
    return compose_text(texts, fonts, settings, w, 0, style.line_height, style.size, compose::Justify::No, c.align, sink);
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
  t.header_heights = row_heights(table.header, t.header_text, table.header_rows, st.header);
  t.body_heights = row_heights(table.body, t.body_text, table.body_rows, st.text);

  std::string unit = table.unit.empty() ? "" : fmt::format("（单位：{}）", table.unit);
  auto caption = [&](const std::string& label) {
    return compose_text({{fmt::format("{} {}{}", label, table.caption, unit), st.caption.role, st.caption.size, table.span}},
                        fonts, settings, spec.type_width(), 0, st.caption.line_height, st.caption.size,
                        compose::Justify::No, doc::Align::Center, sink);
  };
  t.caption = caption(table.label);
  t.continued_caption = caption(st.continued + table.label.substr(std::string("表").size()));
  return t;
}

}  // namespace paiban::layout
