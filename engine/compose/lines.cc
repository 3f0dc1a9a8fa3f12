#include "compose/lines.h"

#include <unicode/ubrk.h>
#include <unicode/utext.h>

#include <cassert>
#include <memory>

namespace paiban::compose {

std::vector<BreakOpportunity> line_break_opportunities(std::string_view text) {
  std::vector<BreakOpportunity> out;
  UErrorCode status = U_ZERO_ERROR;
  UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  // clreq: the strict rules keep small kana, iteration marks and prolonged
  // sound marks from starting a line; ICU implements them as lb=strict.
  UBreakIterator* bi = ubrk_open(UBRK_LINE, "zh@lb=strict", nullptr, 0, &status);
  if (U_SUCCESS(status)) {
    ubrk_setUText(bi, ut, &status);
    ubrk_first(bi);
    for (int32_t b = ubrk_next(bi); b != UBRK_DONE; b = ubrk_next(bi)) {
      // With UText over UTF-8 the indices are native byte offsets.
      bool hard = ubrk_getRuleStatus(bi) >= UBRK_LINE_HARD;
      out.push_back({static_cast<size_t>(b), hard});
    }
  }
  ubrk_close(bi);
  utext_close(ut);
  if (out.empty() || out.back().offset != text.size()) out.push_back({text.size(), true});
  out.back().mandatory = true;
  return out;
}

namespace {

bool is_space_glyph(const text::ShapedParagraph& p, const text::ShapedGlyph& g) {
  char c = p.text[g.cluster];
  return c == ' ' || c == '\n' || c == '\t';
}

}  // namespace

std::vector<Line> break_lines_first_fit(const text::ShapedParagraph& para, double width, double first_indent,
                                        Justify justify) {
  std::vector<Line> lines;
  const auto& glyphs = para.glyphs;
  if (glyphs.empty()) return lines;
  auto opportunities = line_break_opportunities(para.text);

  // The glyph index at which each opportunity's next line starts.
  std::vector<size_t> glyph_at;
  glyph_at.reserve(opportunities.size());
  size_t g = 0;
  for (const auto& op : opportunities) {
    while (g < glyphs.size() && glyphs[g].cluster < op.offset) ++g;
    glyph_at.push_back(g);
  }

  // Width of glyphs [a, b) without trailing spaces; returns the trimmed end.
  auto measure = [&](size_t a, size_t b, double& w) {
    while (b > a && is_space_glyph(para, glyphs[b - 1])) --b;
    w = 0;
    for (size_t i = a; i < b; ++i) w += glyphs[i].advance;
    return b;
  };

  size_t line_start = 0;
  size_t op_index = 0;
  while (line_start < glyphs.size()) {
    double indent = lines.empty() ? first_indent : 0;
    double avail = width - indent;
    // Take opportunities while the line still fits.
    size_t best = SIZE_MAX;
    bool hard = false;
    for (size_t k = op_index; k < opportunities.size(); ++k) {
      if (glyph_at[k] <= line_start) continue;
      double w;
      measure(line_start, glyph_at[k], w);
      if (w > avail + 1e-6 && best != SIZE_MAX) break;
      best = k;
      if (w > avail + 1e-6) break;  // the first segment alone overflows: take it anyway
      if (opportunities[k].mandatory) {
        hard = true;
        break;
      }
    }
    assert(best != SIZE_MAX);
    Line line;
    line.glyph_begin = line_start;
    line.indent = indent;
    line.glyph_end = measure(line_start, glyph_at[best], line.natural_width);
    line.overfull = line.natural_width > avail + 1e-6;
    line.ends_paragraph = glyph_at[best] >= glyphs.size();
    size_t gaps = line.glyph_end - line.glyph_begin;
    if (justify == Justify::Yes && !line.ends_paragraph && !hard && !line.overfull && gaps > 1)
      line.gap_adjust = (avail - line.natural_width) / static_cast<double>(gaps - 1);
    lines.push_back(line);
    line_start = glyph_at[best];
    op_index = best + 1;
  }
  return lines;
}

}  // namespace paiban::compose
