#pragma once
// Character classes for judging set lines, written from GB/T 15834-2011 and
// clreq (W3C, Requirements for Chinese Text Layout) rather than taken from the
// engine's own tables, so that a mistake there cannot hide itself here.
#include <string_view>

namespace paiban::testing {

/// Unified ideographs: URO, extensions A–F, the compatibility block.
inline bool is_han(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0x20000 && c <= 0x2FFFF);
}

/// Basic Latin letters and digits, Latin-1 letters, general punctuation set
/// half-width: what the Latin face sets.
inline bool is_half_width_latin(char32_t c) {
  return (c >= 0x21 && c <= 0x7E) || (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7);
}

/// GB/T 15834-2011 §5.1.10 and clreq §3.1.7: closing marks, pause and stop
/// marks, connectors, interpuncts and solidi never start a line; the strict
/// level adds the dash and the ellipsis. Half-width closing punctuation and
/// percent signs follow the same rule (UAX #14 classes CL, CP, IS, EX, PO).
constexpr std::u32string_view kNoLineStart =
    U"。．，、：；！？‼⁇”’」』）》〉】〗〕］｝～-–·・‧/／—⸺…,.;:!?)]}%‰";
/// … and opening marks never end one.
constexpr std::u32string_view kNoLineEnd = U"“‘「『（《〈【〖〔［｛([{";
/// Full-width marks whose ink sits in one half of the 1 em box.
constexpr std::u32string_view kFullWidthMarks = U"，、；：。．！？‼⁇”’」』）》〉】〗〕］｝“‘「『（《〈【〖〔［｛";

inline bool in(std::u32string_view set, char32_t c) { return set.find(c) != std::u32string_view::npos; }

}  // namespace paiban::testing
