#include "layout/prepare.h"

#include <algorithm>
#include <cmath>
#include <regex>

#include <fmt/format.h>

#include "compose/lines.h"
#include "layout/paginate.h"

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
  const bool tracing = Tracing::on();
  int values = 0;
  for (const auto& r : runs) {
    if (tracing && r.value && !r.text.empty())
      out.decorations.push_back({Decoration::Kind::Value, at, at + r.text.size(), std::to_string(values)});
    if (r.value) ++values;
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
    // A cross-reference (表1, 案例分享2, 2.1) goes to its target: a link inside the document, in the text's colour.
    if (r.kind == doc::InlineKind::Reference && !r.target.empty())
      out.decorations.push_back({Decoration::Kind::Link, at, at + text.size(), "#" + r.target});
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

TextBlock compose_balanced(const std::vector<text::StyledText>& texts, const fonts::FontSet& fonts,
                           const compose::ComposeSettings& base, double width, double line_height, double size,
                           doc::Align align, DiagnosticSink& sink) {
  compose::ComposeSettings s = base;
  s.inside_word_penalty = 1000;
  DiagnosticSink quiet;
  auto lines_at = [&](double w) {
    return compose_text(texts, fonts, s, w, 0, line_height, size, compose::Justify::No, align, quiet).lines.size();
  };
  const size_t n = lines_at(width);
  double narrow = width;
  if (n > 1) {
    // The narrowest measure with no more lines: between width / n and width.
    double lo = width / n, hi = width;
    for (int i = 0; i < 24 && hi - lo > 0.05; ++i) {
      double mid = (lo + hi) / 2;
      (lines_at(mid) <= n ? hi : lo) = mid;
    }
    narrow = hi;
  }
  TextBlock b = compose_text(texts, fonts, s, narrow, 0, line_height, size, compose::Justify::No, align, sink);
  b.left += (width - narrow) * (align == doc::Align::Center ? 0.5 : align == doc::Align::Right ? 1 : 0);
  b.width = narrow;
  return b;
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
    Color color = link && style && link->target.rfind('#', 0) != 0 ? style->link_color : Color{};
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
    if (line.hyphenated && i + 1 == line.glyph_end) advance = line.hyphen_x - line.x[k];
    run->glyphs.push_back({gid, advance, std::move(text)});
  }
  // The hyphen of a word broken at the line end, in the face of its last
  // letter: its glyph reads as "-" (ToUnicode), the span around it as nothing.
  if (line.hyphenated && run) run->glyphs.push_back({line.hyphen_gid, line.hyphen_advance, "-", true});
  TracedLine* traced = nullptr;
  if (!block.trace.empty() && line.glyph_begin < line.glyph_end) {
    size_t last = line.glyph_end - 1 - line.glyph_begin;
    double end = x + line.x[last] + glyphs[line.glyph_end - 1].advance;  // as drawn: a mark's trimmed half included
    page.trace.push_back({block.trace, static_cast<int>(line_index), x + line.x[0], end, baseline, block.size, {}});
    traced = &page.trace.back();
  }
  if (!decorated) return;
  // Lines through struck text and link areas, per decoration on this line.
  for (const auto& d : block.decorations) {
    if (d.kind == Decoration::Kind::Value && !traced) continue;
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
      if (d.kind == Decoration::Kind::Value) gx1 = std::min(gx1, gx0 + g.advance);  // the ink's box, without the spacing after
      if (!any) x0 = gx0, x1 = gx1;
      x0 = std::min(x0, gx0);
      x1 = std::max(x1, gx1);
      any = true;
    }
    if (!any) continue;
    if (d.kind == Decoration::Kind::Value) {
      traced->values.push_back({std::stoi(d.target), x0, x1});
    } else if (d.kind == Decoration::Kind::Strike) {
      double y = baseline + 0.3 * block.size;  // through the middle of the ideographic em box's ink
      page.rules.push_back({x0, y, x1, y, std::max(0.4, block.size * 0.05)});
    } else {
      Link l;
      l.x0 = x0;
      l.x1 = x1;
      l.y0 = baseline - 0.2 * block.size;
      l.y1 = baseline + 0.9 * block.size;
      if (d.target.rfind('#', 0) == 0) l.target = d.target.substr(1);  // an anchor in the document
      else l.uri = d.target;
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

/// A cell of up to this many characters is a label or a name: its lines
/// break between words first (ICU's dictionary word break for Chinese).
constexpr size_t kLabelChars = 16;

size_t characters(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

/// The natural one-line width of a cell's text and its widest piece that
/// does not break: a Latin word or number, or for a label a Chinese word.
struct CellText {
  int row = 0, column = 0, colspan = 1, rowspan = 1;
  double natural = 0, piece = 0, line_height = 0;
  std::vector<double> pieces;  ///< a label's words (and Latin runs) in order; empty for running text
};

CellText measure_text(const doc::TableCell& c, const TextStyle& style, const fonts::FontSet& fonts,
                      const compose::ComposeSettings& settings) {
  CellText t{c.row, c.column, c.colspan, c.rowspan, 0, 0, style.line_height};
  DiagnosticSink quiet;
  auto shaped = text::shape_paragraph({{c.text, style.role, style.size, {}}}, fonts, quiet);
  compose::ComposeSettings one_line = settings;
  one_line.width_pt = 1e6;
  one_line.em_pt = style.size;
  one_line.justify = compose::Justify::No;
  for (const auto& line : compose::compose_paragraph(shaped, fonts, one_line)) t.natural = std::max(t.natural, line.width_pt);
  const bool label = characters(c.text) <= kLabelChars;
  std::vector<char> words = label ? compose::word_boundaries(shaped.text) : std::vector<char>{};
  double piece = 0;
  for (const auto& g : shaped.glyphs) {
    char ch = shaped.text[g.cluster];
    bool latin = static_cast<unsigned char>(ch) < 0x80 && ch != ' ';
    bool joins = latin || (label && !words[g.cluster]);
    if (!(joins && piece > 0) && piece > 0 && label) t.pieces.push_back(piece);
    piece = joins && piece > 0 ? piece + g.advance : g.advance;
    if (ch == ' ') piece = 0;
    t.piece = std::max(t.piece, piece);
  }
  if (piece > 0 && label) t.pieces.push_back(piece);
  return t;
}

/// Column widths that make the table as short as it can be (as LaTeX's
/// tabulary or a browser's automatic table layout aim to): every column
/// starts at its widest unbreakable piece, then the width left goes, step by
/// step, to the column where it saves the most height per point, judged by
/// the lines each cell would take. Empty when the pieces alone do not fit.
std::vector<double> shortest_table_widths(const std::vector<CellText>& header, const std::vector<CellText>& body,
                                          int columns, int header_rows, int body_rows, double available,
                                          double padding_x, double padding_y) {
  std::vector<double> w(columns, 2 * padding_x + 1);
  auto pieces = [&](const std::vector<CellText>& cells) {
    for (const auto& c : cells)
      if (c.colspan == 1) w[c.column] = std::max(w[c.column], c.piece + 2 * padding_x + 0.01);
  };
  pieces(header);
  pieces(body);
  double used = 0;
  for (double x : w) used += x;
  if (used > available) return {};
  auto cell_width = [&](const CellText& c, const std::vector<double>& widths) {
    double x = 0;
    for (int k = c.column; k < c.column + c.colspan; ++k) x += widths[k];
    return x - 2 * padding_x;
  };
  // The lines a cell takes at INNER width: a label's words filled line by
  // line as the composer breaks them, running text by its length.
  auto lines = [&](const CellText& c, double inner) {
    if (inner <= 0) return 1e6;
    if (c.pieces.empty()) return std::max(1.0, std::ceil((c.natural - 0.01) / inner));
    double n = 1, x = 0;
    for (double p : c.pieces) {
      if (x > 0 && x + p > inner + 0.01) ++n, x = 0;
      if (p > inner + 0.01) n += std::ceil(p / inner) - 1, x = std::fmod(p, inner);
      else x += p;
    }
    return n;
  };
  auto height = [&](const std::vector<double>& widths) {
    double total = 0;
    for (auto [cells, rows] : {std::pair{&header, header_rows}, std::pair{&body, body_rows}}) {
      std::vector<double> h(rows, 0);
      for (const auto& c : *cells)
        if (c.rowspan == 1 && c.row < rows)
          h[c.row] = std::max(h[c.row], lines(c, cell_width(c, widths)) * c.line_height + 2 * padding_y);
      for (double x : h) total += x;
    }
    return total;
  };
  double left = available - used;
  for (int step = 0; step < 10000 && left > 0.01; ++step) {
    double base = height(w), best_rate = 0, best_delta = 0;
    int best = -1;
    for (int col = 0; col < columns; ++col)
      for (const auto* cells : {&header, &body})
        for (const auto& c : *cells) {
          if (c.colspan != 1 || c.column != col) continue;
          double n = lines(c, cell_width(c, w));
          if (n <= 1) continue;
          // The width at which this cell takes a line less: for running
          // text its length over one line fewer; for a label, found by
          // widening a point at a time.
          double delta = c.natural / (n - 1) + 2 * padding_x + 0.02 - w[col];
          if (!c.pieces.empty()) {
            double inner = cell_width(c, w);
            delta = 0;
            while (delta < left && lines(c, inner + delta) >= n) delta += 0.5;
          }
          if (delta <= 0 || delta > left) continue;
          std::vector<double> trial = w;
          trial[col] += delta;
          double rate = (base - height(trial)) / delta;
          if (rate > best_rate + 1e-9) best_rate = rate, best_delta = delta, best = col;
        }
    if (best < 0) break;
    w[best] += best_delta;
    left -= best_delta;
  }
  // What no line needs goes to the columns in proportion to their width.
  double sum = 0;
  for (double x : w) sum += x;
  for (double& x : w) x += left * x / sum;
  return w;
}

/// True if TEXT is a number as a table prints it: digits, a sign, thousands
/// separators, a decimal point, a percent or per mille sign. 2021年 is not.
bool is_number(const std::string& text) {
  static const std::regex number(R"re(^[-+−]?[0-9][0-9,]*(\.[0-9]+)?(%|‰)?$)re");
  return std::regex_match(text, number);
}

/// Numeric columns align on the decimal point (an integer's point is after
/// its last digit): each cell of a column whose body cells are all numbers,
/// some with a decimal point, is placed so that the points line up, the
/// block of numbers kept where the column's alignment puts it.
void align_decimal_points(const doc::Table& table, TableLayout& t) {
  for (int col = 0; col < table.columns; ++col) {
    std::vector<size_t> cells;
    bool numeric = true, decimals = false;
    for (size_t i = 0; i < table.body.size() && numeric; ++i) {
      const doc::TableCell& c = table.body[i];
      if (c.column != col || c.colspan != 1 || c.text.empty()) continue;
      numeric = is_number(c.text) && t.body_text[i].lines.size() == 1;
      decimals = decimals || c.text.find('.') != std::string::npos;
      cells.push_back(i);
    }
    if (!numeric || !decimals || cells.empty()) continue;
    // Each number's width before its point and after it (the point included).
    std::vector<double> before(cells.size()), after(cells.size());
    double max_before = 0, max_after = 0;
    for (size_t k = 0; k < cells.size(); ++k) {
      const TextBlock& b = t.body_text[cells[k]];
      const compose::Line& line = b.lines[0];
      double point = line.width_pt;
      for (size_t g = line.glyph_begin; g < line.glyph_end; ++g) {
        const auto& glyph = b.shaped.glyphs[g];
        char ch = b.shaped.text[glyph.cluster];
        if (ch == '.' || ch == '%') {  // the point, or where it would be before a percent sign
          point = line.x[g - line.glyph_begin];
          if (ch == '.') break;
        }
      }
      before[k] = point;
      after[k] = line.width_pt - point;
      max_before = std::max(max_before, before[k]);
      max_after = std::max(max_after, after[k]);
    }
    const TextBlock& first = t.body_text[cells[0]];
    double block = max_before + max_after;
    if (block > first.width + 0.01) continue;  // the column is too narrow for aligned points
    for (size_t k = 0; k < cells.size(); ++k) {
      TextBlock& b = t.body_text[cells[k]];
      double start = b.align == doc::Align::Right ? b.width - block
                     : b.align == doc::Align::Center ? (b.width - block) / 2
                                                     : 0;
      b.left += start + max_before - before[k];
      b.align = doc::Align::Left;
    }
  }
}

}  // namespace

LayoutSpec landscape_of(const LayoutSpec& spec) {
  LayoutSpec l = spec;
  std::swap(l.page_width, l.page_height);
  // Turned a quarter anticlockwise onto the sheet: the landscape top is the
  // sheet's left edge, its left the sheet's foot, its right the sheet's head.
  l.margin_top = spec.margin_left;
  l.margin_left = spec.margin_bottom;
  l.margin_right = spec.margin_top;
  l.margin_bottom = spec.margin_right;
  return l;
}

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
  t.minimum_width = sum_min;
  t.too_wide = sum_min > available + 0.01;
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
  // A table too wide for every short column to have its text on one line:
  // the widths that make it shortest.
  std::vector<double> shortest;
  if (sum_target > available) {
    std::vector<CellText> header, body;
    for (const auto& c : table.header) header.push_back(measure_text(c, st.header, fonts, spec.compose));
    for (const auto& c : table.body) body.push_back(measure_text(c, st.text, fonts, spec.compose));
    shortest = shortest_table_widths(header, body, n, table.header_rows, table.body_rows, available, st.padding_x,
                                     st.padding_y);
  }
  if (!shortest.empty()) widths = shortest;
  else for (int c = 0; c < n; ++c) {
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
    compose::ComposeSettings cell = cell_settings;
    // A label or a name breaks between words (在校生 / 数, not 在校 / 生数):
    // a lone last character is better avoided, but no fault in a cell.
    if (characters(c.text) <= kLabelChars) {
      cell.inside_word_penalty = 1000;
      cell.min_last_line_chars = 1;
      cell.lone_last_penalty = 500;
    }
    TextBlock b = compose_text(texts, fonts, cell, w, 0, style.line_height, style.size, compose::Justify::No, c.align, sink);
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
  align_decimal_points(table, t);

  std::string unit = table.unit.empty() ? "" : fmt::format(fmt::runtime(spec.labels.unit), table.unit);
  auto caption = [&](const std::string& label) {
    return compose_balanced({{fmt::format("{} {}{}", label, table.caption, unit), st.caption.role, st.caption.size, table.span}},
                            fonts, settings, spec.type_width(), st.caption.line_height, st.caption.size,
                            doc::Align::Center, sink);
  };
  if (!table.label.empty() || !table.caption.empty()) {
    t.caption = caption(table.label);
    t.continued_caption = caption(!table.continued_label.empty() ? table.continued_label
                                  : spec.labels.table_continued + table.label.substr(std::min(table.label.size(), spec.labels.table.size())));
  }
  if (!table.note.empty()) {
    t.note = compose_text({{table.note, st.text.role, st.text.size, table.span}}, fonts, settings, t.width(), 0,
                          st.text.line_height, st.text.size, compose::Justify::Yes, doc::Align::Left, sink);
    t.note.left = (spec.type_width() - t.width()) / 2;
  }
  return t;
}

}  // namespace paiban::layout
