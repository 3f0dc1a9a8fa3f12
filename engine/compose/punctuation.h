#pragma once
// Chinese punctuation: classes, line-break prohibitions and widths.
// Sources: W3C clreq §3.1 (punctuation), §3.2 (line breaking), GB/T 15834-2011.
#include <string>

namespace paiban::compose {

/// How a character behaves in line composition.
enum class CharClass {
  Ideograph,    ///< Han and other full-width letters
  Latin,        ///< Latin letters, digits and narrow symbols (set from the Latin face)
  Space,        ///< a typed space
  Opening,      ///< “ ‘ （ 《 〈 【 〖 〔 ［ ｛ 「 『: blank left half
  Closing,      ///< ” ’ ） 》 〉 】 〗 〕 ］ ｝ 」 』: blank right half
  Comma,        ///< ， 、 ； ： (pause marks, GB/T 15834 §4.2–4.5)
  Stop,         ///< 。 ． ！ ？ ‼ ⁇ (sentence ends)
  Interpunct,   ///< · ・ ‧ (fixed ½ em in kaiming/banjiao; centred)
  Dash,         ///< — ⸺ (pairs take 2 em, never split)
  Ellipsis,     ///< … (pairs take 2 em, never split)
  Connector,    ///< ～ - – / ／ (not at line start)
  Other,        ///< anything else
};

/// The class of code point CP in Chinese text.
CharClass classify(char32_t cp);

/// Full-width punctuation: its glyph has a blank half that may be trimmed.
bool is_fullwidth_punctuation(CharClass c);

/// clreq §3.2.1: may not start a line (closing brackets, pause and stop marks,
/// interpuncts, connectors, and with the strict rules —— and ……).
bool prohibited_at_line_start(char32_t cp);
/// clreq §3.2.1: may not end a line (opening brackets and quotes).
bool prohibited_at_line_end(char32_t cp);

/// Punctuation width schemes (clreq §3.1.6).
enum class PunctuationScheme {
  Quanjiao,  ///< 全角式: full-width marks keep 1 em mid-line; adjacent marks and line ends are compressed
  Kaiming,   ///< 开明式: 。？！ keep 1 em, all other marks ½ em
  Banjiao,   ///< 半角式: all marks ½ em
};

/// Parses "quanjiao" / "kaiming" / "banjiao".
bool parse_punctuation_scheme(const std::string& name, PunctuationScheme& out);

}  // namespace paiban::compose
