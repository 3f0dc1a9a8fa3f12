#include "source/cjk_emphasis.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include "base/text_file.h"

namespace paiban::source {
namespace {

bool is_punctuation(char32_t c) {
  if (c < 0x80) return c > 0x20 && c < 0x7F && !((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
  int8_t t = u_charType(static_cast<UChar32>(c));
  return t == U_DASH_PUNCTUATION || t == U_START_PUNCTUATION || t == U_END_PUNCTUATION ||
         t == U_CONNECTOR_PUNCTUATION || t == U_OTHER_PUNCTUATION || t == U_INITIAL_PUNCTUATION ||
         t == U_FINAL_PUNCTUATION || t == U_MATH_SYMBOL || t == U_CURRENCY_SYMBOL || t == U_MODIFIER_SYMBOL ||
         t == U_OTHER_SYMBOL;
}

int east_asian_width(char32_t c) { return u_getIntPropertyValue(static_cast<UChar32>(c), UCHAR_EAST_ASIAN_WIDTH); }

/// Punctuation of Chinese text: wide, full-width, or ambiguous-width (“”‘’…—).
bool is_cjk_punctuation(char32_t c) {
  if (!is_punctuation(c)) return false;
  int w = east_asian_width(c);
  return w == U_EA_WIDE || w == U_EA_FULLWIDTH || w == U_EA_AMBIGUOUS;
}

/// A CJK character that is not punctuation: Han, kana, hangul, or any wide letter.
bool is_cjk_letter(char32_t c) {
  if (c == 0 || is_punctuation(c) || u_isUWhiteSpace(static_cast<UChar32>(c))) return false;
  int w = east_asian_width(c);
  if (w == U_EA_WIDE || w == U_EA_FULLWIDTH) return true;
  UErrorCode e = U_ZERO_ERROR;
  UScriptCode s = uscript_getScript(static_cast<UChar32>(c), &e);
  return s == USCRIPT_HAN || s == USCRIPT_HIRAGANA || s == USCRIPT_KATAKANA || s == USCRIPT_HANGUL;
}

char32_t code_point_before(std::string_view s, size_t end) {
  if (end == 0) return 0;
  size_t i = end - 1;
  while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return next_code_point(s, i);
}

char32_t code_point_at(std::string_view s, size_t at) {
  if (at >= s.size()) return 0;
  return next_code_point(s, at);
}

}  // namespace

int CjkPrepared::source_column(int line, int col) const {
  auto it = inserted.find(line);
  if (it == inserted.end()) return col;
  int shift = 0;
  for (int at : it->second)
    if (at < col) shift += static_cast<int>(kJoiner.size());
  return col - shift;
}

CjkPrepared prepare_cjk_emphasis(std::string_view text) {
  CjkPrepared out;
  out.text.reserve(text.size() + 64);
  size_t pos = 0;
  int line_no = 1;
  std::string fence;  // the open fence ("```" or "~~~…"), empty outside
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    size_t next = end == std::string_view::npos ? text.size() : end + 1;
    std::string_view line = text.substr(pos, next - pos);
    size_t indent = line.find_first_not_of(' ');
    std::string_view body = indent == std::string_view::npos ? std::string_view() : line.substr(indent);
    auto fence_run = [&](std::string_view l) {
      if (l.empty() || (l[0] != '`' && l[0] != '~')) return std::string();
      size_t n = l.find_first_not_of(l[0]);
      n = n == std::string_view::npos ? l.size() : n;
      return n >= 3 ? std::string(l.substr(0, n)) : std::string();
    };
    if (!fence.empty()) {
      std::string f = fence_run(body);
      if (!f.empty() && f[0] == fence[0] && f.size() >= fence.size()) fence.clear();
      out.text += line;
    } else if (std::string f = fence_run(body); !f.empty() && indent < 4) {
      fence = f;
      out.text += line;
    } else {
      size_t line_start_out = out.text.size();
      size_t i = 0;
      while (i < line.size()) {
        char c = line[i];
        if (c == '\\' && i + 1 < line.size()) {  // an escaped character is never a delimiter
          out.text += line.substr(i, 2);
          i += 2;
          continue;
        }
        if (c == '`') {  // a code span: copied as it is up to its closing run
          size_t n = line.find_first_not_of('`', i);
          n = n == std::string_view::npos ? line.size() : n;
          std::string_view ticks = line.substr(i, n - i);
          size_t close = line.find(ticks, n);
          while (close != std::string_view::npos && close + ticks.size() < line.size() && line[close + ticks.size()] == '`')
            close = line.find(ticks, line.find_first_not_of('`', close));
          size_t stop = close == std::string_view::npos ? n : close + ticks.size();
          out.text += line.substr(i, stop - i);
          i = stop;
          continue;
        }
        if (c == '*' || c == '~') {
          size_t n = line.find_first_not_of(c, i);
          n = n == std::string_view::npos ? line.size() : n;
          char32_t before = code_point_before(line, i), after = code_point_at(line, n);
          bool join_before = is_cjk_punctuation(before) && is_cjk_letter(after);
          bool join_after = is_cjk_punctuation(after) && is_cjk_letter(before);
          if (join_before) {
            out.inserted[line_no].push_back(static_cast<int>(out.text.size() - line_start_out) + 1);
            out.text += kJoiner;
          }
          out.text += line.substr(i, n - i);
          if (join_after) {
            out.inserted[line_no].push_back(static_cast<int>(out.text.size() - line_start_out) + 1);
            out.text += kJoiner;
          }
          i = n;
          continue;
        }
        out.text += c;
        ++i;
      }
    }
    pos = next;
    ++line_no;
  }
  return out;
}

void remove_joiners(std::string& text) {
  for (size_t at = text.find(kJoiner); at != std::string::npos; at = text.find(kJoiner, at)) text.erase(at, kJoiner.size());
}

}  // namespace paiban::source
