#pragma once
// Composing a shaped paragraph into justified lines (clreq + Knuth–Plass).
//
// compose_paragraph
//   → build_units: glyph clusters → units (boxes) and the gaps between them
//     (glue: natural width, stretch, shrink by clreq priority; whether a line
//     may break there and at what penalty)
//   → choose breaks: Knuth–Plass total fit (or first fit, for comparison)
//   → set_line: line-end/line-start punctuation trims, then the line's
//     adjustment spread in clreq §3.8's order → pen positions
#include <string>
#include <unordered_map>
#include <vector>

#include "base/current_scope.h"
#include "base/threads.h"
#include "compose/hyphenate.h"
#include "compose/punctuation.h"
#include "text/shape.h"

namespace paiban::compose {

enum class BreakStrategy { Optimal, FirstFit };
enum class Justify { No, Yes };

/// Tunables of the composer, with their defaults. Lengths in em of the
/// paragraph's main font size unless the name says pt.
struct ComposeSettings {
  double width_pt = 0;          ///< the measure, pt
  double first_indent_pt = 0;   ///< first-line indent, pt
  double em_pt = 12;            ///< size of 1 em, pt
  Justify justify = Justify::Yes;
  BreakStrategy strategy = BreakStrategy::Optimal;
  PunctuationScheme punctuation = PunctuationScheme::Quanjiao;
  double han_latin_gap = 0.25;      ///< clreq §3.4: gap between Han and Latin letters or digits
  double han_latin_min = 0.2;       ///< it shrinks to no less than this
  double han_latin_max = 0.3;       ///< and stretches to no more than this
  double latin_space_max = 0.5;     ///< a typed space between Latin words stretches to this
  double ideographic_stretch = 0.1; ///< stretch per inter-character gap, for badness only
  double tolerance = 400;           ///< largest badness of a line in the first pass (TeX's \tolerance)
  double line_penalty = 10;         ///< TeX's \linepenalty
  double digit_han_penalty = 50;    ///< discourage "2023|年" breaks between a number and Han
  double adjacent_fitness_demerits = 100;  ///< a very loose line next to a tight one
  int min_last_line_chars = 2;      ///< clreq: no lone character (孤字) on a paragraph's last line
  /// A word longer than the measure is broken inside as a last resort (table
  /// cells, whose column is narrow); otherwise it runs past the measure as
  /// an overfull line (paragraphs: the writer rephrases).
  bool break_long_words = false;
  /// > 0: a break between two Han characters inside a word (ICU's dictionary
  /// word break for Chinese) costs this much, so that short lines (table
  /// cells) break at word boundaries first: 升学|率, not 升|学率.
  double inside_word_penalty = 0;
  /// > 0 (with min_last_line_chars 1): a lone character on the last line is
  /// allowed at this cost, less than breaking a word (在校生 / 数 rather than
  /// 在校 / 生数), more than a shorter line (体质测评 / 合格率).
  double lone_last_penalty = 0;
  /// > 0: a character grid (GB/T 9704): every full-width character takes
  /// exactly this pitch (pt), punctuation keeps its full cell, and a mark that
  /// may not start a line hangs past the line end instead of pushing a
  /// character down.
  double grid_pitch_pt = 0;
  /// Latin words are hyphenated with these patterns (null: never): a
  /// hyphenation point is a break that prints a hyphen, at a cost.
  const Hyphenator* hyphenator = nullptr;
  double hyphen_penalty = 50;            ///< TeX's \hyphenpenalty
  double double_hyphen_demerits = 10000; ///< TeX's \doublehyphendemerits: two hyphenated lines in a row
  double final_hyphen_demerits = 5000;   ///< TeX's \finalhyphendemerits: the last full line hyphenated
  /// A justified line puts at most this much extra between two Han
  /// characters (em); Latin word spaces stretch first, to latin_space_max
  /// and then, before Han passes the limit, to latin_space_emergency.
  double han_stretch_max = 0.15;
  double latin_space_emergency = 1.0;
};

/// One composed line.
struct Line {
  size_t glyph_begin = 0, glyph_end = 0;  ///< glyphs drawn on this line, [begin, end)
  std::vector<double> x;        ///< pen position of each glyph, pt from the measure's left edge
  double natural_pt = 0;        ///< width before justification, pt (trims and indent included)
  double width_pt = 0;          ///< width as set, pt: equals the measure on justified lines
  double ratio = 0;             ///< adjustment ratio: > 0 stretched, < 0 shrunk, < -1 overfull
  bool ends_paragraph = false;  ///< the paragraph's last line
  bool overfull = false;        ///< wider than the measure even fully shrunk
  bool forced_break = false;    ///< ends at a place the rules prohibit (no allowed break fitted)
  size_t text_begin = 0;        ///< byte offset in the paragraph text of the line's first glyph
  /// The line ends inside a Latin word, at a hyphenation point: a hyphen
  /// (HYPHEN-MINUS of the face of the word's last glyph) is drawn at
  /// hyphen_x; it is no part of the text.
  bool hyphenated = false;
  unsigned hyphen_gid = 0;
  double hyphen_x = 0, hyphen_advance = 0;  ///< pt
  double han_extra_pt = 0;      ///< extra space justification put between two Han characters, pt
  bool loose = false;           ///< that extra is more than han_stretch_max: the line could not be set better
};

/// Composed paragraphs kept between the passes of a build and between builds
/// (paiban watch): the same text in the same roles and sizes, with the same
/// settings, breaks into the same lines with the same fonts. Install one for
/// the current thread with ComposeCache::Scope; compose_paragraph then
/// consults it. Whoever changes the fonts drops the cache.
class ComposeCache {
 public:
  using Scope = CurrentScope<ComposeCache>;
  /// The current thread's cache, or null: for a helper thread to install the same one.
  static ComposeCache* current() { return Scope::current(); }
  size_t size() const { return entries_.size(); }
  size_t hits() const { return hits_; }
  /// At most this many paragraphs are kept; past it the cache starts afresh
  /// (a long watch session over many edits stays bounded).
  static constexpr size_t kMaxEntries = 50000;

 private:
  friend std::vector<Line> compose_paragraph(const text::ShapedParagraph&, const fonts::FontSet&,
                                             const ComposeSettings&);
  // Threads preparing parts of one document share the cache: lookups and insertions lock.
  MovableMutex mutex_;
  std::unordered_map<std::string, std::vector<Line>> entries_;
  size_t hits_ = 0;
};

/// Composes PARA into lines as SETTINGS say; FONTS gives glyph geometry for
/// the punctuation trims.
std::vector<Line> compose_paragraph(const text::ShapedParagraph& para, const fonts::FontSet& fonts,
                                    const ComposeSettings& settings);

}  // namespace paiban::compose
