#pragma once
// Itemize and shape: styled paragraph text → positioned glyphs.
//
// shape_paragraph → itemize (font per code point: role chain, script class,
// fallback) → shape_segment (HarfBuzz, zh-Hans) → cluster ends
#include <string>
#include <unordered_map>
#include <vector>

#include "base/current_scope.h"
#include "base/diagnostic.h"
#include "base/threads.h"
#include "fonts/font_set.h"

namespace paiban::text {

/// A stretch of paragraph text in one font role and size.
struct StyledText {
  std::string text;  ///< UTF-8
  std::string role;  ///< a role of fonts/fonts.yaml
  double size = 12;  ///< font size, pt
  Span span;         ///< source position of the text's first character
};

/// One glyph, in logical (reading) order.
struct ShapedGlyph {
  fonts::FaceId face = 0;
  unsigned gid = 0;            ///< glyph ID in the face
  double size = 0;             ///< font size, pt
  double advance = 0;          ///< HarfBuzz's advance, pt
  double x_offset = 0, y_offset = 0;  ///< HarfBuzz's offsets, pt
  uint32_t cluster = 0;        ///< byte offset in ShapedParagraph::text where its cluster starts
  uint32_t cluster_end = 0;    ///< byte offset where its cluster ends
  bool first_in_cluster = true;///< false for the 2nd, 3rd… glyph of a cluster
};

struct ShapedParagraph {
  std::string text;                  ///< the whole paragraph, UTF-8
  std::vector<ShapedGlyph> glyphs;   ///< every glyph in reading order
  std::vector<StyledText> styles;    ///< the input, with byte ranges implied by order
};

/// Shaped paragraphs kept between builds (paiban watch): the same text in
/// the same roles and sizes shapes the same. Install one for the current
/// thread with ShapeCache::Scope; shape_paragraph then consults it.
class ShapeCache {
 public:
  /// Makes CACHE the current thread's cache while the scope lives.
  using Scope = CurrentScope<ShapeCache>;
  /// The current thread's cache, or null: for a helper thread to install the same one.
  static ShapeCache* current() { return Scope::current(); }
  size_t size() const { return entries_.size(); }
  size_t hits() const { return hits_; }

 private:
  friend ShapedParagraph shape_paragraph(const std::vector<StyledText>&, const fonts::FontSet&, DiagnosticSink&);
  // Threads preparing parts of one document share the cache: lookups and insertions lock.
  MovableMutex mutex_;
  std::unordered_map<std::string, ShapedParagraph> entries_;
  size_t hits_ = 0;
};

/// Whether a code point is set from a role's Latin chain first: Latin
/// letters, and narrow (not East-Asian-wide, not ambiguous) common
/// characters such as digits and ASCII punctuation.
bool prefers_latin_face(char32_t cp);

/// Shapes TEXTS as one paragraph. A character no face of its role has is an
/// error naming U+XXXX at its source position (never a .notdef glyph).
/// Control characters (line feed) produce no glyph.
ShapedParagraph shape_paragraph(const std::vector<StyledText>& texts, const fonts::FontSet& fonts,
                                DiagnosticSink& sink);

}  // namespace paiban::text
