#pragma once
// Pages of positioned glyphs, rules and boxes: what the PDF writer draws.
// Coordinates are PDF points with the origin at the page's bottom left.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "fonts/font_set.h"
#include "image/image.h"

namespace paiban::layout {

/// A glyph on a page. Its pen position is the run's x plus the advances of
/// the glyphs before it.
struct PlacedGlyph {
  unsigned gid = 0;     ///< glyph ID in the run's face
  double advance = 0;   ///< pt to the next glyph's pen position (justification included)
  std::string text;     ///< the source text this glyph stands for (its cluster; empty for a cluster's later glyphs)
  bool hyphen = false;  ///< a hyphen added where a word breaks at a line end: an empty /ActualText (copy gives the word unbroken)
};

/// An RGB colour, components 0–1.
struct Color {
  double r = 0, g = 0, b = 0;
  bool operator==(const Color&) const = default;
};

/// Glyphs of one face and size on one baseline.
struct GlyphRun {
  fonts::FaceId face = 0;
  double size = 0;   ///< pt
  double x = 0;      ///< pt from the page's left edge to the first pen position
  double y = 0;      ///< pt from the page's bottom edge to the baseline
  std::vector<PlacedGlyph> glyphs;
  Color color;       ///< fill colour (black unless a link's)
};


/// A straight line, optionally dotted (round dots: a zero-length dash with round caps).
struct Rule {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  ///< pt
  double width = 0.5;                     ///< stroke width, pt
  Color color;
  double dot_pitch = 0;                   ///< > 0: round dots this far apart (pt)
};

/// A rectangle, filled and/or stroked, with optional rounded corners.
struct Rect {
  double x = 0, y = 0, w = 0, h = 0;  ///< pt, (x, y) its bottom-left corner
  bool fill = false;
  Color fill_color{1, 1, 1};
  double stroke_width = 0;            ///< 0: no stroke
  Color stroke_color;
  double radius = 0;                  ///< corner radius, pt
  /// Which sides are stroked (an open frame at a page break leaves one out).
  bool top = true, bottom = true, left = true, right = true;
};

/// A clickable area that goes to an anchor.
struct Link {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  std::string target;  ///< an anchor id
  std::string uri;     ///< or, when not empty, a web address (a URI action)
};

/// A raster image in an upright box; the writer turns it as its EXIF orientation says.
struct PlacedImage {
  std::shared_ptr<const image::Image> image;
  double x = 0, y = 0, w = 0, h = 0;  ///< pt, (x, y) the box's bottom-left corner
};

/// A polygon or polyline (charts): filled and/or stroked.
struct Shape {
  std::vector<double> points;  ///< x0 y0 x1 y1 …, pt
  bool closed = true;
  bool fill = true;
  Color fill_color;
  double stroke_width = 0;     ///< 0: no stroke
  Color stroke_color;
};

/// paiban diff: where a piece of text was drawn, while layout::Tracing is on.
struct TracedLine {
  /// What the text is: "b12" block 12's text (a heading, a paragraph), "b12.p3"
  /// paragraph 3 of a case box, "b12.t" its title, "b12.c40" cell 40 of a
  /// table's body, "b12.cap" a table's caption, "b12.f0|TEXT" a figure's text,
  /// "toc:ID" a contents entry, "tocnum:ID" its page number.
  std::string key;
  int line = 0;                    ///< the line of that text
  double x0 = 0, x1 = 0;           ///< pt, from the first glyph's pen position to the last glyph's end
  double baseline = 0, size = 0;   ///< pt
  struct Value {
    int ordinal = 0;               ///< which `{{ }}` value of the block's runs (0, 1, …)
    double x0 = 0, x1 = 0;
  };
  std::vector<Value> values;       ///< the values (or their parts) on this line
};

/// A highlight annotation over changed text (paiban diff --pdf); its popup holds CONTENTS.
struct Highlight {
  std::vector<double> quads;       ///< per marked line: x0 y0 x1 y1 (bottom left, top right), pt
  std::string contents;
};

/// How a page's number is printed.
enum class NumberStyle { None, Roman, Arabic };

struct Page {
  int number = 0;                        ///< the printed page number (0 on an unnumbered page)
  /// A landscape page (a wide table): its content is laid out on the page
  /// turned a quarter (Pages::height wide, Pages::width high); the writer
  /// rotates it onto the portrait sheet and sets /Rotate 90, so that a viewer
  /// shows it upright and a printed copy is turned to be read.
  bool landscape = false;
  NumberStyle style = NumberStyle::Arabic;
  std::vector<GlyphRun> runs;
  std::vector<Rule> rules;
  std::vector<Rect> rects;               ///< drawn before rules and text
  std::vector<Link> links;
  std::vector<PlacedImage> images;       ///< drawn after boxes, before shapes
  std::vector<Shape> shapes;             ///< drawn after images, before rules
  std::vector<TracedLine> trace;         ///< with layout::Tracing on: where traced text went (never drawn)
  std::vector<Highlight> highlights;     ///< highlight annotations (paiban diff --pdf; empty in a build)
};

/// A place in the document: a heading, table or case.
struct Anchor {
  int page = 0;        ///< index into Pages::pages
  double y = 0;        ///< pt, the top of the target
  std::string title;   ///< for the outline: "1.1 办学规模"
  int level = 0;       ///< outline level (1 for chapters); 0: not in the outline
};

struct Pages {
  double width = 0, height = 0;  ///< pt, the sheet of every page (a landscape page is laid out turned on it)
  std::vector<Page> pages;
  std::map<std::string, Anchor> anchors;  ///< id → where it is
  std::vector<std::string> outline;       ///< anchor ids of the headings, in order
  std::string cover_label = "封面";        ///< the cover's page label (the layout's labels.cover)
  double helper_cpu_ms = 0;  ///< CPU time the layout's helper thread took preparing blocks (PAIBAN_TIMINGS)
};

/// Glyph IDs per face (its base face: a synthetic bold shares its base's font program).
using GlyphSets = std::map<fonts::FaceId, std::set<unsigned>>;

/// The printed form of a page number: "IV" or "12".
std::string page_number_text(int number, NumberStyle style);

}  // namespace paiban::layout
