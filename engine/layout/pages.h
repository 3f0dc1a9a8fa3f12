#pragma once
// Pages of positioned glyphs and rules: what the PDF writer draws.
#include <string>
#include <vector>

#include "fonts/font_set.h"

namespace paiban::layout {

/// A glyph on a page. Its pen position is the run's x plus the advances of
/// the glyphs before it.
struct PlacedGlyph {
  unsigned gid = 0;     ///< glyph ID in the run's face
  double advance = 0;   ///< pt to the next glyph's pen position (justification included)
  std::string text;     ///< the source text this glyph stands for (its cluster; empty for a cluster's later glyphs)
};

/// Glyphs of one face and size on one baseline.
struct GlyphRun {
  fonts::FaceId face = 0;
  double size = 0;   ///< pt
  double x = 0;      ///< pt from the page's left edge to the first pen position
  double y = 0;      ///< pt from the page's bottom edge to the baseline
  std::vector<PlacedGlyph> glyphs;
};

/// A straight line.
struct Rule {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  ///< pt, PDF coordinates (origin bottom left)
  double width = 0.5;                     ///< stroke width, pt
};

struct Page {
  int number = 0;                ///< the printed page number
  std::vector<GlyphRun> runs;
  std::vector<Rule> rules;
};

struct Pages {
  double width = 0, height = 0;  ///< pt, the same for every page
  std::vector<Page> pages;
};

}  // namespace paiban::layout
