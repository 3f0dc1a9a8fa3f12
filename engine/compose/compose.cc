// Paragraph composition: clreq rules over a Knuth–Plass line breaker.
//
// compose_paragraph
//   → build_units     clusters → Units (boxes) and Gaps (glue + break rules)
//   → compress_punctuation   the scheme's fixed compressions (adjacent marks,
//                            kaiming/banjiao half widths)
//   → break_optimal / break_first_fit → chosen unit ranges
//   → set_line        trims at the line's ends, adjustment by clreq §3.8's
//                     priorities, pen positions
//
// Widths are in pt. A unit is one cluster (a character, or a ligature); the
// gap between two units holds any typed spaces and is where a line may break.
#include "compose/compose.h"

#include <cstring>
#include <hb.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#include "base/text_file.h"
#include "compose/lines.h"

namespace paiban::compose {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr double kAwful = 1e10;  // demerits of a line that breaks a rule in the last-resort pass
constexpr double kLoose = 1e8;   // demerits of a line whose Han characters are spread past the limit

/// What may be taken out of a unit's width, in clreq's shrink order.
enum class ShrinkOrder { None = 0, Bracket = 1, Comma = 2, Stop = 4 };

/// A box: one cluster.
struct Unit {
  size_t glyph_begin = 0, glyph_end = 0;
  size_t text_begin = 0, text_end = 0;
  char32_t first = 0, last = 0;  ///< first and last code point of its text
  CharClass cls = CharClass::Other;
  double advance = 0;       ///< sum of its glyph advances
  double blank_left = 0;    ///< removable blank on the left (½ em on an opening mark), not yet removed
  double blank_right = 0;   ///< removable blank on the right (½ em on a closing, pause or stop mark)
  double removed_left = 0;  ///< removed by the punctuation scheme
  double removed_right = 0;
  double shift = 0;         ///< pt the glyphs move right inside the unit (a narrow mark in its grid cell)
  /// On a character grid: the blank half of a full-width mark's cell, which
  /// a line may give up to take a number or word that would otherwise go
  /// down and leave the line spread (on its left for an opening mark).
  double grid_squeeze = 0;
  bool squeeze_left = false;
  double width() const { return advance - removed_left - removed_right; }
};

enum class GapKind {
  Tight,        ///< inside a Latin word, a —— or ……, around connectors: no stretch
  Ideographic,  ///< between CJK characters or marks: stretches last, equally
  HanLatin,     ///< clreq §3.4: ¼ em between Han and Latin letters or digits
  LatinSpace,   ///< a typed space between Latin words
};

/// Glue between unit i and unit i + 1.
struct Gap {
  size_t glyph_begin = 0, glyph_end = 0;  ///< typed space glyphs in it
  GapKind kind = GapKind::Tight;
  double natural = 0, stretch = 0, shrink = 0;  ///< pt; stretch/shrink are the limits
  double badness_stretch = 0;  ///< stretch counted when rating a line
  bool breakable = false;      ///< the rules allow a line break here
  bool icu_breakable = false;  ///< UAX #14 (strict) allows it, before our own prohibitions
  bool mandatory = false;      ///< a hard line break
  double penalty = 0;
  bool hyphen = false;         ///< a hyphenation point inside a Latin word: breaking here prints a hyphen
  unsigned hyphen_gid = 0;
  double hyphen_width = 0;     ///< pt the hyphen adds to a line that ends here
};

struct Paragraph {
  std::vector<Unit> units;
  std::vector<Gap> gaps;  ///< gaps[i] is between units[i] and units[i + 1]
  std::vector<int> chars_after;  ///< characters (not marks) in units i+1..end
};

char32_t first_code_point(std::string_view s) {
  size_t i = 0;
  return s.empty() ? 0 : next_code_point(s, i);
}

char32_t last_code_point(std::string_view s) {
  char32_t cp = 0;
  for (size_t i = 0; i < s.size();) cp = next_code_point(s, i);
  return cp;
}

bool is_letter_or_digit(char32_t cp) { return hb_unicode_general_category(hb_unicode_funcs_get_default(), cp) <= HB_UNICODE_GENERAL_CATEGORY_OTHER_NUMBER && ((cp >= '0' && cp <= '9') || (cp > ' ' && cp < 0x2000 && cp != '%' && cp != '(' && cp != ')' && cp != '[' && cp != ']' && cp != '/' && cp != '-' && cp != ',' && cp != '.' && cp != ':' && cp != ';' && cp != '"' && cp != '\'')); }

/// Removable blank halves of a full-width mark, measured from its glyph's ink.
void measure_blanks(Unit& u, const text::ShapedParagraph& para, const fonts::FontSet& fonts, double em) {
  if (!is_fullwidth_punctuation(u.cls) || u.glyph_end != u.glyph_begin + 1) return;
  const text::ShapedGlyph& g = para.glyphs[u.glyph_begin];
  if (std::abs(g.advance - g.size) > 0.01 * g.size) return;  // not a full-width glyph
  const fonts::Face& face = fonts.face(g.face);
  hb_glyph_extents_t ext;
  if (!hb_font_get_glyph_extents(face.hb_font, g.gid, &ext)) return;
  double scale = g.size / face.metrics.units_per_em;
  double ink_left = ext.x_bearing * scale;
  double ink_right = (ext.x_bearing + ext.width) * scale;
  double half = g.size / 2;
  // clreq §3.1.6: a mark whose ink lies in one half can lose the other half.
  const double slack = 0.08 * g.size;
  if (ink_left >= half - slack && u.cls == CharClass::Opening) u.blank_left = half;
  else if (ink_right <= half + slack && u.cls != CharClass::Opening) u.blank_right = half;
  (void)em;
}

bool is_ascii_letter(char32_t cp) { return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'); }

/// Latin words (runs of letters with no space, digit or mark inside or
/// against them) get a break at each of the patterns' hyphenation points
/// that falls between two clusters; breaking there prints a hyphen of the
/// face of the letter before it. Not inside web addresses.
template <typename InUrl>
void add_hyphenation_points(Paragraph& p, const text::ShapedParagraph& para, const fonts::FontSet& fonts,
                            const ComposeSettings& s, const InUrl& in_url) {
  const size_t n = p.units.size();
  auto letter = [&](size_t i) {
    const Unit& u = p.units[i];
    if (u.cls != CharClass::Latin) return false;
    for (size_t k = u.text_begin; k < u.text_end; ++k)
      if (!is_ascii_letter(static_cast<unsigned char>(para.text[k]))) return false;
    return true;
  };
  auto tight = [&](size_t gap) { return p.gaps[gap].glyph_end == p.gaps[gap].glyph_begin && p.units[gap].text_end == p.units[gap + 1].text_begin; };
  auto latin_neighbour = [&](size_t gap) {  // a Latin letter, digit or mark set against the word
    const Unit& a = p.units[gap];
    const Unit& b = p.units[gap + 1];
    return tight(gap) && (a.cls == CharClass::Latin || a.cls == CharClass::Other || a.cls == CharClass::Connector) &&
           (b.cls == CharClass::Latin || b.cls == CharClass::Other || b.cls == CharClass::Connector);
  };
  for (size_t i = 0; i < n;) {
    if (!letter(i)) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j + 1 < n && letter(j + 1) && tight(j)) ++j;
    const size_t first = i, last = j;
    i = j + 1;
    if (last - first < 4) continue;  // five letters at least
    if ((first > 0 && latin_neighbour(first - 1)) || (last + 1 < n && latin_neighbour(last))) continue;
    const size_t begin = p.units[first].text_begin, end = p.units[last].text_end;
    if (in_url(begin, end) || in_url(begin + 1, end - 1)) continue;
    for (size_t at : s.hyphenator->points(std::string_view(para.text).substr(begin, end - begin))) {
      for (size_t k = first + 1; k <= last; ++k) {
        if (p.units[k].text_begin != begin + at) continue;
        Gap& g = p.gaps[k - 1];
        const text::ShapedGlyph& before = para.glyphs[p.units[k - 1].glyph_end - 1];
        const fonts::Face& face = fonts.face(before.face);
        unsigned gid = face.glyph_for(U'-');
        if (!gid) break;
        g.breakable = true;
        g.hyphen = true;
        g.hyphen_gid = gid;
        g.hyphen_width = hb_font_get_glyph_h_advance(face.hb_font, gid) * before.size / face.metrics.units_per_em;
        g.penalty = s.hyphen_penalty;
        break;
      }
    }
  }
}

Paragraph build_units(const text::ShapedParagraph& para, const fonts::FontSet& fonts, const ComposeSettings& s) {
  Paragraph p;
  const auto& glyphs = para.glyphs;
  const double em = s.em_pt;
  std::vector<std::pair<size_t, size_t>> pending_spaces;  // glyph ranges of spaces before the next unit
  size_t space_begin = SIZE_MAX, space_end = 0;
  for (size_t i = 0; i < glyphs.size();) {
    size_t j = i + 1;
    while (j < glyphs.size() && !glyphs[j].first_in_cluster) ++j;
    std::string_view text(para.text.data() + glyphs[i].cluster, glyphs[i].cluster_end - glyphs[i].cluster);
    char32_t first = first_code_point(text);
    if (classify(first) == CharClass::Space) {
      if (space_begin == SIZE_MAX) space_begin = i;
      space_end = j;
      i = j;
      continue;
    }
    Unit u;
    u.glyph_begin = i;
    u.glyph_end = j;
    u.text_begin = glyphs[i].cluster;
    u.text_end = glyphs[i].cluster_end;
    u.first = first;
    u.last = last_code_point(text);
    u.cls = classify(first);
    for (size_t k = i; k < j; ++k) u.advance += glyphs[k].advance;
    if (s.grid_pitch_pt > 0) {
      // GB/T 9704: one grid cell per full-width character, marks included. A
      // mark narrower than its cell (a proportional “) sits against the text
      // it belongs to: an opening mark at the cell's right, a closing one at its left.
      bool wide = u.cls != CharClass::Latin && u.cls != CharClass::Other && u.cls != CharClass::Space;
      if (wide || std::abs(u.advance - glyphs[i].size) < 0.05 * glyphs[i].size) {
        Unit probe = u;
        measure_blanks(probe, para, fonts, em);
        double slack = s.grid_pitch_pt - u.advance;
        hb_glyph_extents_t ext;
        const text::ShapedGlyph& g = glyphs[i];
        const fonts::Face& face = fonts.face(g.face);
        if ((probe.blank_right > 0 || probe.blank_left > 0) && hb_font_get_glyph_extents(face.hb_font, g.gid, &ext)) {
          // The blank beside the ink, less a hair: about half the cell, a
          // little more for a small mark (，、。).
          const double scale = g.size / face.metrics.units_per_em;
          const double ink_left = ext.x_bearing * scale, ink_right = (ext.x_bearing + ext.width) * scale;
          const double blank = probe.blank_right > 0 ? s.grid_pitch_pt - ink_right : ink_left + slack;
          u.grid_squeeze = std::clamp(blank - 0.04 * g.size, 0.0, 0.6 * s.grid_pitch_pt);
          u.squeeze_left = probe.blank_right <= 0;
        }
        if (u.cls == CharClass::Opening) u.shift = slack;
        else if (u.cls != CharClass::Closing && u.cls != CharClass::Comma && u.cls != CharClass::Stop)
          u.shift = std::max(0.0, slack / 2);
        u.advance = s.grid_pitch_pt;
      }
    } else {
      measure_blanks(u, para, fonts, em);
    }
    if (!p.units.empty()) {
      Gap g;
      if (space_begin != SIZE_MAX && space_begin >= p.units.back().glyph_end) {
        g.glyph_begin = space_begin;
        g.glyph_end = space_end;
        for (size_t k = space_begin; k < space_end; ++k) g.natural += glyphs[k].advance;
      } else {
        g.glyph_begin = g.glyph_end = i;
      }
      p.gaps.push_back(g);
    }
    space_begin = SIZE_MAX;
    p.units.push_back(u);
    i = j;
  }

  // Break opportunities: UAX #14 strict, then clreq's prohibitions.
  std::vector<char> icu(para.text.size() + 1, 0);
  for (const auto& op : line_break_opportunities(para.text)) icu[op.offset] = op.mandatory ? 2 : 1;
  std::vector<char> words;
  if (s.inside_word_penalty > 0) words = word_boundaries(para.text);

  // Web addresses (http://, https://, www.) up to the next space or wide
  // character: a line may break after / . ? & = - _ # inside them (no hyphen is added).
  std::vector<std::pair<size_t, size_t>> urls;
  for (const char* scheme : {"http://", "https://", "www."}) {
    for (size_t at = para.text.find(scheme); at != std::string::npos; at = para.text.find(scheme, at + 1)) {
      if (std::string_view(scheme) == "www." && at >= 3 && para.text.compare(at - 3, 3, "://") == 0) continue;
      size_t end = at;
      while (end < para.text.size() && static_cast<unsigned char>(para.text[end]) > 0x20 &&
             static_cast<unsigned char>(para.text[end]) < 0x80)
        ++end;
      urls.push_back({at, end});
    }
  }
  auto in_url = [&](size_t from, size_t to) {
    for (const auto& [b, e] : urls)
      if (from > b && to < e) return true;
    return false;
  };

  for (size_t i = 0; i < p.gaps.size(); ++i) {
    Gap& g = p.gaps[i];
    const Unit& a = p.units[i];
    const Unit& b = p.units[i + 1];
    const bool spaced = g.glyph_end > g.glyph_begin;
    const bool a_han = a.cls == CharClass::Ideograph, b_han = b.cls == CharClass::Ideograph;
    const bool a_latin = a.cls == CharClass::Latin && is_letter_or_digit(a.last);
    const bool b_latin = b.cls == CharClass::Latin && is_letter_or_digit(b.first);
    const std::string_view typed(para.text.data() + a.text_end, b.text_begin - a.text_end);
    // (U+3000, a typed blank, is no Han letter: no Han–Latin gap beside it)
    if (spaced && typed == "\u00A0") {
      // A no-break space (after a list's marker): its own width, never
      // stretched or shrunk, no break.
      g.kind = GapKind::Tight;
    } else if ((a_han && b_latin && a.last != U'\u3000') || (a_latin && b_han && b.first != U'\u3000')) {
      // clreq §3.4: ¼ em between Han and Latin; a typed space there is ignored.
      g.kind = GapKind::HanLatin;
      g.natural = s.han_latin_gap * em;
      g.stretch = (s.han_latin_max - s.han_latin_gap) * em;
      g.shrink = (s.han_latin_gap - s.han_latin_min) * em;
      g.badness_stretch = g.stretch;
    } else if (spaced && a.cls == CharClass::Latin && b.cls == CharClass::Latin) {
      g.kind = GapKind::LatinSpace;
      g.stretch = std::max(0.0, s.latin_space_max * em - g.natural);
      g.shrink = std::max(0.0, g.natural - 0.25 * em);
      g.badness_stretch = g.stretch;
    } else if (spaced && (is_fullwidth_punctuation(a.cls) || is_fullwidth_punctuation(b.cls) || (a_han && b_han))) {
      // A space typed next to a full-width mark or between Han: ignored.
      g.kind = GapKind::Ideographic;
      g.natural = 0;
      g.badness_stretch = s.ideographic_stretch * em;
      g.stretch = kInfinity;
    } else if (spaced) {
      g.kind = GapKind::LatinSpace;
      g.stretch = std::max(0.0, s.latin_space_max * em - g.natural);
      g.badness_stretch = g.stretch;
    } else if ((a.cls == CharClass::Latin || a.cls == CharClass::Other) &&
               (b.cls == CharClass::Latin || b.cls == CharClass::Other)) {
      g.kind = GapKind::Tight;  // inside a Latin word or number
    } else if ((a.cls == CharClass::Dash && b.cls == CharClass::Dash) ||
               (a.cls == CharClass::Ellipsis && b.cls == CharClass::Ellipsis) || a.cls == CharClass::Connector ||
               b.cls == CharClass::Connector) {
      g.kind = GapKind::Tight;  // clreq §3.8: never stretched inside —— or …… nor around connectors
    } else {
      g.kind = GapKind::Ideographic;
      g.badness_stretch = s.ideographic_stretch * em;
      g.stretch = kInfinity;
    }

    char at = icu[b.text_begin];
    g.icu_breakable = at != 0;
    // UAX #14 LB19a (Unicode 15.1; ICU 72 predates it): an East Asian
    // quotation mark opens or closes like a bracket, so a line may break
    // before “ ‘ and after ” ’ when the other side is wide.
    const bool a_wide = a.cls != CharClass::Latin && a.cls != CharClass::Other;
    const bool b_wide = b.cls != CharClass::Latin && b.cls != CharClass::Other;
    if (!spaced && ((b.first == U'“' || b.first == U'‘') && a_wide)) g.icu_breakable = true;
    if (!spaced && ((a.last == U'”' || a.last == U'’') && b_wide)) g.icu_breakable = true;
    g.mandatory = at == 2 && para.text.substr(a.text_end, b.text_begin - a.text_end).find('\n') != std::string::npos;
    bool prohibited = prohibited_at_line_start(b.first) || prohibited_at_line_end(a.last) ||
                      (a.cls == CharClass::Dash && b.cls == CharClass::Dash) ||
                      (a.cls == CharClass::Ellipsis && b.cls == CharClass::Ellipsis) ||
                      (!spaced && a.cls == CharClass::Latin && b.cls == CharClass::Latin);
    g.breakable = g.mandatory || (g.icu_breakable && !prohibited);
    if (!spaced && !urls.empty() && in_url(a.text_end, b.text_begin) && std::strchr("/.?&=-_#", static_cast<char>(a.last)) &&
        a.last < 0x80 && b.first != '/') {
      g.breakable = g.icu_breakable = true;
      g.penalty = s.digit_han_penalty;  // a break inside an address is a last choice, as a number's is
    }
    if (a.last >= '0' && a.last <= '9' && b_han) g.penalty = s.digit_han_penalty;
    if (!words.empty() && a_han && b_han && !words[b.text_begin]) g.penalty = s.inside_word_penalty;
  }

  if (s.hyphenator) add_hyphenation_points(p, para, fonts, s, in_url);

  p.chars_after.assign(p.units.size(), 0);
  int count = 0;
  for (size_t i = p.units.size(); i-- > 0;) {
    p.chars_after[i] = count;
    CharClass c = p.units[i].cls;
    if (c == CharClass::Ideograph || c == CharClass::Latin || c == CharClass::Other) ++count;
  }
  return p;
}

/// The scheme's fixed compressions (clreq §3.1.6, GB/T 15834 §5.1.10).
void compress_punctuation(Paragraph& p, PunctuationScheme scheme) {
  auto& u = p.units;
  if (scheme != PunctuationScheme::Quanjiao) {
    for (auto& unit : u) {
      if (scheme == PunctuationScheme::Kaiming && unit.cls == CharClass::Stop) continue;
      unit.removed_left += unit.blank_left;
      unit.removed_right += unit.blank_right;
      unit.blank_left = unit.blank_right = 0;
    }
  }
  // Adjacent marks (。” ，“ ）、 》（ ”“) take 1.5 em: the first gives up its
  // blank right half, or else the second its blank left half.
  for (size_t i = 0; i + 1 < u.size(); ++i) {
    if (!is_fullwidth_punctuation(u[i].cls) || !is_fullwidth_punctuation(u[i + 1].cls)) continue;
    if (p.gaps[i].glyph_end > p.gaps[i].glyph_begin) continue;
    if (u[i].blank_right > 0) {
      u[i].removed_right += u[i].blank_right;
      u[i].blank_right = 0;
    } else if (u[i + 1].blank_left > 0) {
      u[i + 1].removed_left += u[i + 1].blank_left;
      u[i + 1].blank_left = 0;
    }
  }
}

ShrinkOrder shrink_order(const Unit& u) {
  switch (u.cls) {
    case CharClass::Opening: case CharClass::Closing: return ShrinkOrder::Bracket;
    case CharClass::Comma: return ShrinkOrder::Comma;
    case CharClass::Stop: return ShrinkOrder::Stop;
    default: return ShrinkOrder::None;
  }
}

/// Prefix sums for measuring any range of units in O(1).
struct Sums {
  std::vector<double> width, unit_shrink, gap_natural, gap_shrink, gap_stretch;
  /// What Latin spaces (to their emergency width) and Han–Latin gaps (to
  /// their maximum) can take before Han characters pass han_stretch_max,
  /// and the number of gaps between wide characters.
  std::vector<double> before_han;
  std::vector<int> ideographic;
  Sums(const Paragraph& p, const ComposeSettings& s) {
    size_t n = p.units.size();
    width.assign(n + 1, 0);
    unit_shrink.assign(n + 1, 0);
    gap_natural.assign(n + 1, 0);
    gap_shrink.assign(n + 1, 0);
    gap_stretch.assign(n + 1, 0);
    before_han.assign(n + 1, 0);
    ideographic.assign(n + 1, 0);
    for (size_t i = 0; i < n; ++i) {
      width[i + 1] = width[i] + p.units[i].width();
      unit_shrink[i + 1] = unit_shrink[i] + p.units[i].blank_left + p.units[i].blank_right;
      const Gap* g = i < p.gaps.size() ? &p.gaps[i] : nullptr;
      gap_natural[i + 1] = gap_natural[i] + (g ? g->natural : 0);
      gap_shrink[i + 1] = gap_shrink[i] + (g ? g->shrink : 0);
      gap_stretch[i + 1] = gap_stretch[i] + (g ? g->badness_stretch : 0);
      double room = 0;
      if (g && g->kind == GapKind::LatinSpace) room = std::max(g->stretch, s.latin_space_emergency * s.em_pt - g->natural);
      if (g && g->kind == GapKind::HanLatin) room = g->stretch;
      before_han[i + 1] = before_han[i] + room;
      ideographic[i + 1] = ideographic[i] + (g && g->kind == GapKind::Ideographic ? 1 : 0);
    }
  }
};

/// The measurements of a line holding units [s, e].
struct Measure {
  double natural = 0, stretch = 0, shrink = 0;
  double hang = 0;      ///< a mark that may hang past the line end, if the line needs it to
  bool ragged = false;  ///< unjustified text: lines end where they end
  double trim_start = 0, trim_end = 0;
};

/// On a character grid, a mark that may not start a line hangs past the
/// line's end rather than push the character before it down.
bool hangs(const Unit& u, bool grid) {
  return grid && (u.cls == CharClass::Closing || u.cls == CharClass::Comma || u.cls == CharClass::Stop);
}

Measure measure_line(const Paragraph& p, const Sums& sums, size_t s, size_t e, double indent, bool grid) {
  Measure m;
  const Unit& first = p.units[s];
  const Unit& last = p.units[e];
  // GB/T 15834 §5.1.10: a mark ending a line takes ½ em (its ink meets the margin).
  if (last.cls != CharClass::Opening) m.trim_end = last.blank_right;
  // Up to two marks may hang together (”。 ），).
  if (hangs(last, grid) && e > s) {
    m.hang = last.width();
    if (e > s + 1 && hangs(p.units[e - 1], grid)) m.hang += p.units[e - 1].width();
  }
  // clreq §3.1.6: an opening bracket starting a line loses its blank half.
  if (first.cls == CharClass::Opening) m.trim_start = first.blank_left;
  m.natural = indent + sums.width[e + 1] - sums.width[s] + sums.gap_natural[e] - sums.gap_natural[s] - m.trim_end -
              m.trim_start;
  if (e < p.gaps.size() && p.gaps[e].hyphen) m.natural += p.gaps[e].hyphen_width;
  m.stretch = sums.gap_stretch[e] - sums.gap_stretch[s];
  m.shrink = sums.unit_shrink[e + 1] - sums.unit_shrink[s] - m.trim_end - m.trim_start + sums.gap_shrink[e] -
             sums.gap_shrink[s];
  return m;
}

double adjustment_ratio(const Measure& m, double width, bool last_line) {
  double d = width - m.natural;
  if (d >= 0) {
    if (last_line) return 0;  // \parfillskip: the last line stretches for free
    // Unjustified (ragged) text: the line end stretches like TeX's
    // \rightskip 0pt plus ½ measure, so short lines cost in proportion.
    if (m.ragged) return d / (width / 2);
    return m.stretch > 0 ? d / m.stretch : (d < 1e-6 ? 0 : kInfinity);
  }
  return m.shrink > 0 ? d / m.shrink : -kInfinity;
}

double badness(double r) {
  if (r == kInfinity || r < -1) return 10000;
  return std::min(10000.0, 100 * std::abs(r) * std::abs(r) * std::abs(r));
}

int fitness(double r) {
  if (r < -0.5) return 0;
  if (r <= 0.5) return 1;
  if (r <= 1) return 2;
  return 3;
}

/// A line ending chosen: units [start, end].
struct Range {
  size_t start = 0, end = 0;
  bool forced = false;  ///< the break after `end` is one the rules prohibit
};

/// Knuth–Plass total fit, as a forward dynamic programme over (break
/// position, fitness class): the same optimum as TeX's active-list form, but
/// each start only looks at the few ends whose line could be feasible, found
/// by binary search on the prefix sums. Pass 1 keeps every line within the
/// tolerance; pass 2 accepts any badness; pass 3 may break where the rules
/// prohibit (never inside a Latin word) and may leave a line overfull,
/// marking it; pass 4, only when pass 3 left a line of more than one unit
/// overfull (a word or number longer than the measure, such as a long
/// unbroken string in a narrow table column), breaks anywhere, inside words
/// too, marking those breaks: text never runs past the measure while it can
/// be broken.
std::vector<Range> break_optimal(const Paragraph& p, const ComposeSettings& s) {
  const size_t n = p.units.size();
  Sums sums(p, s);
  // The first hard break at or after each unit: no line may run past it.
  std::vector<size_t> next_mandatory(n, n - 1);
  for (size_t i = n - 1; i-- > 0;) next_mandatory[i] = p.gaps[i].mandatory ? i : next_mandatory[i + 1];

  struct Best {
    double demerits = kInfinity;
    size_t start = 0;  ///< first unit of the line that ends here
    int from_fitness = 0;
    bool forced = false;
  };
  std::vector<Range> overfull_fallback;  // pass 3's result, if pass 4 finds nothing
  for (int pass = 1; pass <= 4; ++pass) {
    const double r_max = pass == 1 ? std::cbrt(s.tolerance / 100) : kInfinity;
    // best[4 * k + f]: the best way to end a line just before unit k with fitness f.
    std::vector<Best> best(4 * (n + 1));
    best[1].demerits = 0;  // the paragraph start, "decent"
    for (size_t start = 0; start < n; ++start) {
      bool reachable = false;
      for (int f = 0; f < 4; ++f) reachable |= best[4 * start + f].demerits < kInfinity;
      if (!reachable) continue;
      const double indent = start == 0 ? s.first_indent_pt : 0;
      // Ends before e_lo cannot stretch enough: natural + r_max × stretch < width.
      size_t e_lo = start;
      if (r_max < kInfinity && s.justify == Justify::Yes) {
        size_t lo = start, hi = n - 1;
        while (lo < hi) {
          size_t mid = (lo + hi) / 2;
          double reach = indent + sums.width[mid + 1] - sums.width[start] + sums.gap_natural[mid] -
                         sums.gap_natural[start] + r_max * (sums.gap_stretch[mid] - sums.gap_stretch[start]);
          if (reach >= s.width_pt) hi = mid;
          else lo = mid + 1;
        }
        e_lo = lo;
      }
      e_lo = std::min(e_lo, next_mandatory[start]);
      bool overfull_taken = false;
      for (size_t e = e_lo; e < n; ++e) {
        const bool last = e + 1 == n;
        const Gap* gap = last ? nullptr : &p.gaps[e];
        const bool mandatory = gap && gap->mandatory;
        bool allowed = last || gap->breakable;
        bool forced_rule = false;
        if (!allowed && (pass == 4 || (pass == 3 && gap->kind != GapKind::Tight))) allowed = forced_rule = true;
        // clreq: the last line holds at least two characters.
        if (allowed && !last && !mandatory && pass < 3 && p.chars_after[e] > 0 &&
            p.chars_after[e] < s.min_last_line_chars)
          allowed = false;
        Measure m = measure_line(p, sums, start, e, indent, s.grid_pitch_pt > 0);
        m.ragged = s.justify == Justify::No;
        const bool too_long = m.natural - m.shrink > s.width_pt + 1e-6;
        // Pass 4 lets a line be too long only when it is a single unit.
        if (too_long && (pass < 3 || overfull_taken || (pass == 4 && e > start))) break;
        // An overfull line ends at the first break the rules allow.
        if (too_long && forced_rule && pass == 3) allowed = false;
        if (allowed) {
          double r = adjustment_ratio(m, s.width_pt, last || mandatory);
          double b = badness(r);
          // A justified line that would put more than han_stretch_max
          // between Han characters (Latin spaces stretched to their
          // emergency width first) is a last resort, as in TeX an underfull one.
          // A line with nothing to stretch but too short is as bad.
          const bool loose = s.justify == Justify::Yes && !last && !mandatory && !too_long &&
                             s.width_pt - m.natural > sums.before_han[e] - sums.before_han[start] +
                                                          s.han_stretch_max * s.em_pt * (sums.ideographic[e] - sums.ideographic[start]) + 1e-6;
          bool feasible = too_long || (pass == 1 ? b <= s.tolerance && !loose : true);
          if (feasible) {
            double d = (s.line_penalty + b) * (s.line_penalty + b);
            if (gap && gap->penalty > 0) d += gap->penalty * gap->penalty;
            if (loose) d += kLoose;
            const bool after_hyphen = start > 0 && p.gaps[start - 1].hyphen;
            if (after_hyphen && gap && gap->hyphen) d += s.double_hyphen_demerits;
            if (after_hyphen && last) d += s.final_hyphen_demerits;
            if (!last && s.lone_last_penalty > 0 && p.chars_after[e] == 1) d += s.lone_last_penalty * s.lone_last_penalty;
            if (forced_rule || too_long) d += kAwful;
            int fit = fitness(r);
            Best* slot = &best[4 * (e + 1) + fit];
            for (int f = 0; f < 4; ++f) {
              const Best& from = best[4 * start + f];
              if (from.demerits == kInfinity) continue;
              double total = from.demerits + d + (start > 0 && std::abs(fit - f) > 1 ? s.adjacent_fitness_demerits : 0);
              if (total < slot->demerits) *slot = {total, start, f, forced_rule};
            }
            if (too_long) overfull_taken = true;
          }
        }
        if (mandatory) break;
      }
    }
    int end_fit = -1;
    for (int f = 0; f < 4; ++f)
      if (best[4 * n + f].demerits < kInfinity && (end_fit < 0 || best[4 * n + f].demerits < best[4 * n + end_fit].demerits))
        end_fit = f;
    if (end_fit < 0) continue;
    std::vector<Range> ranges;
    for (size_t k = n; k > 0;) {
      const Best& b = best[4 * k + end_fit];
      ranges.push_back({b.start, k - 1, b.forced});
      end_fit = b.from_fitness;
      k = b.start;
    }
    std::reverse(ranges.begin(), ranges.end());
    if (pass == 3) {
      bool overfull = false;
      for (const Range& r : ranges) {
        Measure m = measure_line(p, sums, r.start, r.end, r.start == 0 ? s.first_indent_pt : 0, s.grid_pitch_pt > 0);
        overfull = overfull || (r.end > r.start && m.natural - m.shrink > s.width_pt + 1e-6);
      }
      if (overfull && s.break_long_words) {
        overfull_fallback = std::move(ranges);
        continue;
      }
    }
    return ranges;
  }
  if (!overfull_fallback.empty()) return overfull_fallback;
  return {{0, n - 1, false}};  // unreachable: pass 3 always finds a way
}

/// The mark of units [a, b] whose blank half set_line gives up when the
/// line is too long on the grid: the last one, so that the fewest
/// characters after it leave their cells. Its index, or SIZE_MAX.
size_t squeezed_unit(const Paragraph& p, size_t a, size_t b) {
  for (size_t i = b + 1; i-- > a;)
    if (p.units[i].grid_squeeze > 0) return i;
  return SIZE_MAX;
}

double squeeze_room(const Paragraph& p, size_t a, size_t b) {
  size_t i = squeezed_unit(p, a, b);
  return i == SIZE_MAX ? 0 : p.units[i].grid_squeeze;
}

/// First fit: each line takes as many units as fit at natural width.
std::vector<Range> break_first_fit(const Paragraph& p, const ComposeSettings& s) {
  Sums sums(p, s);
  std::vector<Range> ranges;
  size_t start = 0;
  const size_t n = p.units.size();
  while (start < n) {
    double indent = ranges.empty() ? s.first_indent_pt : 0;
    size_t best = SIZE_MAX;
    bool forced = false;
    double best_natural = 0;
    for (size_t e = start; e < n; ++e) {
      bool last = e + 1 == n;
      if (!last && !p.gaps[e].breakable) continue;
      Measure m = measure_line(p, sums, start, e, indent, s.grid_pitch_pt > 0);
      const double fitting = m.natural - m.hang;  // a hanging mark needs no room
      // On the grid, a line that would otherwise stop short
      // (a number or Latin word, or an opening mark with its character, not
      // fitting the cells left) takes it when one mark's blank half makes
      // the room (GB/T 15834 §5.1.10): its cells stay full, not spread.
      if (fitting > s.width_pt + 1e-6 && best != SIZE_MAX && s.grid_pitch_pt > 0 &&
          best_natural < s.width_pt - 0.5 && fitting - squeeze_room(p, start, e) <= s.width_pt + 1e-6) {
        best = e;
        break;
      }
      if (fitting > s.width_pt + 1e-6 && (best != SIZE_MAX || s.break_long_words)) break;
      best_natural = fitting;
      best = e;
      if (fitting > s.width_pt + 1e-6 || last || p.gaps[e].mandatory) break;
    }
    if (best == SIZE_MAX) {  // no allowed break that fits: break where it overflows, inside a word if need be
      best = start;
      while (best + 1 < n && !p.gaps[best].mandatory &&
             measure_line(p, sums, start, best + 1, indent, s.grid_pitch_pt > 0).natural - 1e-6 <= s.width_pt)
        ++best;
      forced = best + 1 < n && !p.gaps[best].breakable;
    }
    ranges.push_back({start, best, forced});
    start = best + 1;
  }
  return ranges;
}

/// clreq: no lone character on a paragraph's last line. On the grid the line
/// before gives up its last character(s) at an allowed break.
void keep_two_on_last_line(const Paragraph& p, std::vector<Range>& ranges, const ComposeSettings& s) {
  if (ranges.size() < 2) return;
  Range& last = ranges.back();
  Range& before = ranges[ranges.size() - 2];
  if (p.chars_after[before.end] >= s.min_last_line_chars) return;
  for (size_t e = before.end; e-- > before.start + 1;)
    if (p.gaps[e].breakable && p.chars_after[e] >= s.min_last_line_chars) {
      before.end = e;
      last.start = e + 1;
      return;
    }
}

/// Spreads AMOUNT over items with capacities CAPS (proportionally, each at
/// most its capacity); returns what is left over.
double spread(double amount, const std::vector<double*>& targets, const std::vector<double>& caps) {
  double total = 0;
  for (double c : caps) total += c;
  if (total <= 0 || amount <= 0) return amount;
  double f = std::min(1.0, amount / total);
  for (size_t i = 0; i < targets.size(); ++i) *targets[i] += caps[i] * f;
  return amount - total * f;
}

Line set_line(const text::ShapedParagraph& para, const Paragraph& p, const Range& range, bool first_line,
              bool last_line, const ComposeSettings& s) {
  Line line;
  const size_t a = range.start, b = range.end;
  double indent = first_line ? s.first_indent_pt : 0;
  // Per-unit extra removed on the left/right, per-gap extra width.
  std::vector<double> cut_left(b - a + 1, 0), cut_right(b - a + 1, 0), gap_extra(b - a, 0);
  const Unit& first = p.units[a];
  const Unit& last = p.units[b];
  if (first.cls == CharClass::Opening) cut_left[0] = first.blank_left;
  if (last.cls != CharClass::Opening) cut_right[b - a] += last.blank_right;
  bool hang = false;

  double natural = indent;
  for (size_t i = a; i <= b; ++i) natural += p.units[i].width();
  for (size_t i = a; i < b; ++i) natural += p.gaps[i].natural;
  natural -= cut_left[0] + cut_right[b - a];
  const Gap* hyphen = b < p.gaps.size() && p.gaps[b].hyphen ? &p.gaps[b] : nullptr;
  if (hyphen) natural += hyphen->hyphen_width;
  // Marks hang past the line end only when the line would not fit otherwise.
  const bool grid = s.grid_pitch_pt > 0;
  for (size_t k = 0; k < 2 && b > a + k && hangs(p.units[b - k], grid) && natural > s.width_pt + 1e-6; ++k) {
    cut_right[b - a - k] = p.units[b - k].width();
    natural -= p.units[b - k].width();
    hang = true;
  }
  (void)hang;
  line.natural_pt = natural;

  bool hard = b < p.gaps.size() && p.gaps[b].mandatory;
  double d = s.width_pt - natural;
  const bool justify = s.justify == Justify::Yes && !last_line && !hard;
  if (d > 1e-9 && justify) {
    // clreq §3.8 stretch order: Latin spaces, Han–Latin gaps, then every gap equally.
    for (GapKind kind : {GapKind::LatinSpace, GapKind::HanLatin}) {
      std::vector<double*> t;
      std::vector<double> caps;
      for (size_t i = a; i < b; ++i)
        if (p.gaps[i].kind == kind) {
          t.push_back(&gap_extra[i - a]);
          caps.push_back(p.gaps[i].stretch);
        }
      d = spread(d, t, caps);
    }
    // Then every gap between wide characters equally, to han_stretch_max;
    // then Latin spaces to their emergency width; what is left spreads
    // the Han characters further (a loose line, reported).
    size_t count = 0;
    for (size_t i = a; i < b; ++i) count += p.gaps[i].kind == GapKind::Ideographic;
    const double cap = s.han_stretch_max * s.em_pt;
    double each = count > 0 ? std::min(d / count, cap) : 0;
    d -= each * count;
    if (d > 1e-9) {
      std::vector<double*> t;
      std::vector<double> caps;
      for (size_t i = a; i < b; ++i)
        if (p.gaps[i].kind == GapKind::LatinSpace) {
          double room = s.latin_space_emergency * s.em_pt - p.gaps[i].natural - gap_extra[i - a];
          if (room <= 0) continue;
          t.push_back(&gap_extra[i - a]);
          caps.push_back(room);
        }
      d = spread(d, t, caps);
    }
    line.loose = d > 1e-6;
    if (d > 1e-9 && count > 0) {
      each += d / count;
      d = 0;
    }
    for (size_t i = a; i < b; ++i)
      if (p.gaps[i].kind == GapKind::Ideographic) gap_extra[i - a] += each;
    line.han_extra_pt = each;
    // No Han characters to spread: the Latin spaces, or else the Han–Latin
    // gaps, take what is left, so that the line is still flush.
    for (GapKind kind : {GapKind::LatinSpace, GapKind::HanLatin}) {
      size_t k = 0;
      for (size_t i = a; i < b; ++i) k += p.gaps[i].kind == kind;
      if (d <= 1e-9 || k == 0) continue;
      for (size_t i = a; i < b; ++i)
        if (p.gaps[i].kind == kind) gap_extra[i - a] += d / k;
      d = 0;
    }
    line.ratio = line.loose ? kInfinity : 1;
  } else if (d < -1e-9) {
    // clreq §3.8 shrink order: Latin spaces, brackets, pause marks, Han–Latin gaps, stops.
    double need = -d;
    auto shrink_gaps = [&](GapKind kind) {
      std::vector<double*> t;
      std::vector<double> caps;
      std::vector<double> taken(b - a, 0);
      for (size_t i = a; i < b; ++i)
        if (p.gaps[i].kind == kind && p.gaps[i].shrink > 0) {
          t.push_back(&taken[i - a]);
          caps.push_back(p.gaps[i].shrink);
        }
      need = spread(need, t, caps);
      for (size_t i = 0; i < taken.size(); ++i) gap_extra[i] -= taken[i];
    };
    auto shrink_units = [&](ShrinkOrder order) {
      std::vector<double*> t;
      std::vector<double> caps;
      for (size_t i = a; i <= b; ++i) {
        const Unit& u = p.units[i];
        if (shrink_order(u) != order) continue;
        double left = u.blank_left - cut_left[i - a], right = u.blank_right - cut_right[i - a];
        if (left > 0) {
          t.push_back(&cut_left[i - a]);
          caps.push_back(left);
        }
        if (right > 0) {
          t.push_back(&cut_right[i - a]);
          caps.push_back(right);
        }
      }
      need = spread(need, t, caps);
    };
    shrink_gaps(GapKind::LatinSpace);
    if (grid) {  // one mark's blank half (break_first_fit counted on it)
      size_t i = squeezed_unit(p, a, b);
      if (i != SIZE_MAX && need > 0) {
        double take = std::min(need, p.units[i].grid_squeeze);
        (p.units[i].squeeze_left ? cut_left : cut_right)[i - a] += take;
        need -= take;
      }
    }
    shrink_units(ShrinkOrder::Bracket);
    shrink_units(ShrinkOrder::Comma);
    shrink_gaps(GapKind::HanLatin);
    shrink_units(ShrinkOrder::Stop);
    line.overfull = need > 0.01;
    line.ratio = line.overfull ? -kInfinity : -1;
  }

  // Pen positions.
  line.glyph_begin = first.glyph_begin;
  line.glyph_end = last.glyph_end;
  line.text_begin = first.text_begin;
  line.x.assign(line.glyph_end - line.glyph_begin, 0);
  double pen = indent;
  for (size_t i = a; i <= b; ++i) {
    const Unit& u = p.units[i];
    double left = u.removed_left + cut_left[i - a];
    double x = pen - left + u.shift;
    for (size_t g = u.glyph_begin; g < u.glyph_end; ++g) {
      line.x[g - line.glyph_begin] = x;
      x += para.glyphs[g].advance;
    }
    pen += u.width() - cut_left[i - a] - cut_right[i - a];
    if (i < b) {
      const Gap& gap = p.gaps[i];
      for (size_t g = gap.glyph_begin; g < gap.glyph_end; ++g) line.x[g - line.glyph_begin] = pen;
      pen += gap.natural + gap_extra[i - a];
    }
  }
  if (hyphen) {
    line.hyphenated = true;
    line.hyphen_gid = hyphen->hyphen_gid;
    line.hyphen_x = pen;
    line.hyphen_advance = hyphen->hyphen_width;
    pen += hyphen->hyphen_width;
  }
  line.width_pt = pen;
  line.ends_paragraph = last_line;
  line.forced_break = range.forced;
  return line;
}

}  // namespace

namespace {

template <typename T>
void append_bytes(std::string& key, const T& v) {
  key.append(reinterpret_cast<const char*>(&v), sizeof v);
}

/// What a paragraph's lines depend on: its runs (text, role, size) and every
/// setting. (The sizeof check below fails when a setting is added: add it here.)
std::string compose_key(const text::ShapedParagraph& para, const ComposeSettings& s) {
  std::string key;
  key.reserve(para.text.size() + 64 * para.styles.size() + 200);
  for (const auto& t : para.styles) {
    append_bytes(key, t.text.size());
    key += t.text;
    append_bytes(key, t.role.size());
    key += t.role;
    append_bytes(key, t.size);
  }
  key += '\x01';
  for (double d : {s.width_pt, s.first_indent_pt, s.em_pt, s.han_latin_gap, s.han_latin_min, s.han_latin_max,
                   s.latin_space_max, s.ideographic_stretch, s.tolerance, s.line_penalty, s.digit_han_penalty,
                   s.adjacent_fitness_demerits, s.inside_word_penalty, s.lone_last_penalty, s.grid_pitch_pt,
                   s.hyphen_penalty, s.double_hyphen_demerits, s.final_hyphen_demerits, s.han_stretch_max,
                   s.latin_space_emergency})
    append_bytes(key, d);
  for (int i : {static_cast<int>(s.justify), static_cast<int>(s.strategy), static_cast<int>(s.punctuation),
                s.min_last_line_chars, s.break_long_words ? 1 : 0})
    append_bytes(key, i);
  append_bytes(key, s.hyphenator);
  return key;
}
static_assert(sizeof(ComposeSettings) == 20 * sizeof(double) + 4 * sizeof(int) + 8 + sizeof(void*),
              "a setting was added to ComposeSettings: add it to compose_key");

std::vector<Line> compose_uncached(const text::ShapedParagraph& para, const fonts::FontSet& fonts,
                                   const ComposeSettings& settings);

}  // namespace

std::vector<Line> compose_paragraph(const text::ShapedParagraph& para, const fonts::FontSet& fonts,
                                    const ComposeSettings& settings) {
  ComposeCache* const current_cache = ComposeCache::current();
  if (!current_cache) return compose_uncached(para, fonts, settings);
  std::string key = compose_key(para, settings);
  {
    std::lock_guard lock(current_cache->mutex_);
    if (auto it = current_cache->entries_.find(key); it != current_cache->entries_.end()) {
      ++current_cache->hits_;
      return it->second;
    }
  }
  std::vector<Line> lines = compose_uncached(para, fonts, settings);
  std::lock_guard lock(current_cache->mutex_);
  if (current_cache->entries_.size() >= ComposeCache::kMaxEntries) current_cache->entries_.clear();
  current_cache->entries_.emplace(std::move(key), lines);
  return lines;
}

namespace {

std::vector<Line> compose_uncached(const text::ShapedParagraph& para, const fonts::FontSet& fonts,
                                   const ComposeSettings& settings) {
  Paragraph p = build_units(para, fonts, settings);
  if (p.units.empty()) return {};
  compress_punctuation(p, settings.punctuation);
  // On a character grid every line is filled in turn, as the grid wants
  // (GB/T 9704); elsewhere the total fit.
  const bool first_fit = settings.strategy == BreakStrategy::FirstFit || settings.grid_pitch_pt > 0;
  std::vector<Range> ranges = first_fit ? break_first_fit(p, settings) : break_optimal(p, settings);
  if (settings.grid_pitch_pt > 0) keep_two_on_last_line(p, ranges, settings);
  std::vector<Line> lines;
  lines.reserve(ranges.size());
  for (size_t i = 0; i < ranges.size(); ++i)
    lines.push_back(set_line(para, p, ranges[i], i == 0, i + 1 == ranges.size(), settings));
  return lines;
}

}  // namespace

}  // namespace paiban::compose
