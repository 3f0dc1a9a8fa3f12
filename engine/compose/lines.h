#pragma once
// Breaking a shaped paragraph into lines.
//
// break_lines_first_fit → line_break_opportunities (ICU, zh@lb=strict)
//   → fill each line with whole segments between opportunities
//   → justify: spread the remaining width over the line's glyph gaps
// The optimal (Knuth–Plass) composer with the clreq rules replaces the
// filling step; the interface stays.
#include <string_view>
#include <vector>

#include "text/shape.h"

namespace paiban::compose {

/// A place where a line may end: the byte offset where the next line starts.
struct BreakOpportunity {
  size_t offset = 0;       ///< byte offset in the paragraph text
  bool mandatory = false;  ///< a hard break (line feed) or the end of text
};

/// Line-break opportunities of TEXT by ICU's line BreakIterator with the
/// strict rules for Chinese (locale zh@lb=strict). The end of the text is
/// always the last entry.
std::vector<BreakOpportunity> line_break_opportunities(std::string_view text);

enum class Justify { No, Yes };

/// One composed line: a range of the paragraph's glyphs.
struct Line {
  size_t glyph_begin = 0, glyph_end = 0;  ///< [begin, end) in ShapedParagraph::glyphs, trailing spaces excluded
  double indent = 0;          ///< pt from the left edge of the measure to the first glyph
  double natural_width = 0;   ///< pt, sum of the glyph advances
  double gap_adjust = 0;      ///< pt added after every glyph but the last (justification)
  bool ends_paragraph = false;///< the paragraph's last line
  bool overfull = false;      ///< wider than the measure: no break opportunity fitted
};

/// Breaks first-fit: each line takes as many whole segments between break
/// opportunities as fit in WIDTH (pt); FIRST_INDENT (pt) indents the first
/// line. Lines other than a paragraph's last (or one ended by a hard break)
/// are justified to WIDTH when JUSTIFY is Yes.
std::vector<Line> break_lines_first_fit(const text::ShapedParagraph& para, double width, double first_indent,
                                        Justify justify);

}  // namespace paiban::compose
