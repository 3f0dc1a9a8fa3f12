#include "compose/punctuation.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include "text/shape.h"

namespace paiban::compose {

CharClass classify(char32_t cp) {
  switch (cp) {
    // U+3000 IDEOGRAPHIC SPACE is typed for alignment (附件 lines, a 落款): a blank cell, kept as typed.
    case U' ': case U'\t': case U'\u00A0':
      return CharClass::Space;
    case U'“': case U'‘': case U'（': case U'《': case U'〈': case U'【': case U'〖': case U'〔':
    case U'［': case U'｛': case U'「': case U'『':
      return CharClass::Opening;
    case U'”': case U'’': case U'）': case U'》': case U'〉': case U'】': case U'〗': case U'〕':
    case U'］': case U'｝': case U'」': case U'』':
      return CharClass::Closing;
    case U'，': case U'、': case U'；': case U'：':
      return CharClass::Comma;
    case U'。': case U'．': case U'！': case U'？': case U'‼': case U'⁇':
      return CharClass::Stop;
    case U'·': case U'・': case U'‧':
      return CharClass::Interpunct;
    case U'—': case U'⸺':
      return CharClass::Dash;
    case U'…':
      return CharClass::Ellipsis;
    case U'～': case U'–': case U'／':
      return CharClass::Connector;
    default:
      break;
  }
  // (Without ICU for the bulk of a report's text: CJK Unified Ideographs are Han.)
  if (cp >= 0x4E00 && cp <= 0x9FFF) return CharClass::Ideograph;
  if (text::prefers_latin_face(cp)) return CharClass::Latin;
  UErrorCode err = U_ZERO_ERROR;
  UScriptCode script = uscript_getScript(static_cast<UChar32>(cp), &err);
  int width = u_getIntPropertyValue(static_cast<UChar32>(cp), UCHAR_EAST_ASIAN_WIDTH);
  if (script == USCRIPT_HAN || width == U_EA_WIDE || width == U_EA_FULLWIDTH) return CharClass::Ideograph;
  return CharClass::Other;
}

bool is_fullwidth_punctuation(CharClass c) {
  return c == CharClass::Opening || c == CharClass::Closing || c == CharClass::Comma || c == CharClass::Stop;
}

bool prohibited_at_line_start(char32_t cp) {
  switch (classify(cp)) {
    case CharClass::Closing: case CharClass::Comma: case CharClass::Stop: case CharClass::Interpunct:
    case CharClass::Connector: case CharClass::Dash: case CharClass::Ellipsis:
      return true;
    default:
      return cp == U'/' || cp == U'-' || cp == U'%' || cp == U'‰';
  }
}

bool prohibited_at_line_end(char32_t cp) { return classify(cp) == CharClass::Opening; }

bool parse_punctuation_scheme(const std::string& name, PunctuationScheme& out) {
  if (name == "quanjiao") out = PunctuationScheme::Quanjiao;
  else if (name == "kaiming") out = PunctuationScheme::Kaiming;
  else if (name == "banjiao") out = PunctuationScheme::Banjiao;
  else return false;
  return true;
}

}  // namespace paiban::compose
