// CSV files as office software saves them: UTF-8 with or without a BOM,
// UTF-16 with a BOM, or the ANSI code page of Chinese Windows (GBK, whose
// superset GB18030 ICU converts), detected by ICU and converted to UTF-8.
//
// read_csv_file → strict UTF-8 check (a file that passes is UTF-8: GBK
//                 text of any length almost never does)
//               → ICU ucsdet: a CJK or UTF-16 match, else GB18030 strictly
//               → ucnv (stop at the first byte the encoding does not have)
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/ustring.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "data/data_internal.h"
#include "data/workbook.h"

namespace paiban::data {
namespace {

/// BYTES in ENCODING → UTF-8; on a byte the encoding does not have, the
/// offset of the first bad byte in ERROR_AT.
std::optional<std::string> convert_to_utf8(std::string_view bytes, const char* encoding, size_t& error_at) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, void (*)(UConverter*)> conv(ucnv_open(encoding, &status), ucnv_close);
  if (U_FAILURE(status)) return std::nullopt;
  ucnv_setToUCallBack(conv.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  std::u16string utf16(bytes.size() + 1, u'\0');
  const char* source = bytes.data();
  UChar* target = reinterpret_cast<UChar*>(utf16.data());
  ucnv_toUnicode(conv.get(), &target, target + utf16.size(), &source, bytes.data() + bytes.size(), nullptr, true,
                 &status);
  if (U_FAILURE(status)) {
    // SOURCE stands past the bad sequence; step back over what the
    // converter held of it.
    char held[32];
    int8_t length = sizeof held;
    UErrorCode ignored = U_ZERO_ERROR;
    ucnv_getInvalidChars(conv.get(), held, &length, &ignored);
    error_at = static_cast<size_t>(source - bytes.data()) - static_cast<size_t>(std::max<int8_t>(length, 0));
    return std::nullopt;
  }
  utf16.resize(static_cast<size_t>(target - reinterpret_cast<UChar*>(utf16.data())));
  std::string out(utf16.size() * 3, '\0');
  int32_t length = 0;
  status = U_ZERO_ERROR;
  u_strToUTF8(out.data(), static_cast<int32_t>(out.size()), &length, reinterpret_cast<const UChar*>(utf16.data()),
              static_cast<int32_t>(utf16.size()), &status);
  if (U_FAILURE(status)) return std::nullopt;
  out.resize(static_cast<size_t>(length));
  return out;
}

/// ICU's best guess among the encodings a Chinese office's CSV comes in.
std::string detect(std::string_view bytes) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UCharsetDetector, void (*)(UCharsetDetector*)> det(ucsdet_open(&status), ucsdet_close);
  if (U_FAILURE(status)) return "";
  ucsdet_setText(det.get(), bytes.data(), static_cast<int32_t>(std::min<size_t>(bytes.size(), 1 << 20)), &status);
  int32_t count = 0;
  const UCharsetMatch** matches = ucsdet_detectAll(det.get(), &count, &status);
  if (U_FAILURE(status)) return "";
  for (int32_t i = 0; i < count; ++i) {
    std::string name = ucsdet_getName(matches[i], &status);
    if (U_FAILURE(status)) return "";
    // (UTF-16 without a BOM is not taken: ICU guesses it for short GBK text.)
    if (name == "GB18030" || name == "Big5") return name;
  }
  return "";
}

/// "GB18030" → how a user knows it.
std::string known_as(const std::string& encoding) {
  if (encoding == "GB18030") return "GBK (GB18030)";
  return encoding;
}

}  // namespace

std::optional<TextFile> read_csv_file(const std::string& path, const std::string& encoding, const Span& written_at,
                                      DiagnosticSink& sink) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    sink.error({path, 1, 1}, fmt::format("cannot read file: {}", std::strerror(errno)));
    return std::nullopt;
  }
  in.seekg(0, std::ios::end);
  if (static_cast<uint64_t>(in.tellg()) > kMaxWorkbookEntryBytes) {
    sink.error({path, 1, 1}, fmt::format("the file is larger than {} MB", kMaxWorkbookEntryBytes >> 20));
    return std::nullopt;
  }
  in.seekg(0);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string bytes = std::move(buffer).str();

  auto utf8 = [&](std::string text) -> std::optional<TextFile> {
    if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
    if (auto bad = find_invalid_utf8(text)) {
      TextFile prefix(path, text.substr(0, *bad));
      sink.error(prefix.span_at(*bad),
                 fmt::format("invalid UTF-8: byte 0x{:02X} does not start a valid sequence",
                             static_cast<uint8_t>(text[*bad])),
                 {"the file is not UTF-8: leave `encoding:` out to have it detected, or name its encoding "
                  "(encoding: gbk)"});
      return std::nullopt;
    }
    return TextFile(path, std::move(text));
  };
  auto converted = [&](const std::string& from, bool warn) -> std::optional<TextFile> {
    size_t bad = 0;
    auto text = convert_to_utf8(bytes, from.c_str(), bad);
    if (!text) {
      // Positioned by the text before the bad byte, converted.
      size_t ignored = 0;
      auto prefix_text = convert_to_utf8(std::string_view(bytes).substr(0, std::min(bad, bytes.size())), from.c_str(), ignored);
      TextFile prefix(path, prefix_text.value_or(""));
      sink.error(prefix_text ? prefix.span_at(prefix_text->size()) : Span{path, 1, 1},
                 fmt::format("byte 0x{:02X} is not {} text", bad < bytes.size() ? static_cast<uint8_t>(bytes[bad]) : 0,
                             known_as(from)),
                 {"save the file as UTF-8 (Excel: 另存为 → CSV UTF-8), or name its encoding (encoding: gbk)"});
      return std::nullopt;
    }
    if (warn)
      sink.warning({path, 0, 0}, fmt::format("the file is not UTF-8; read as {}", known_as(from)),
                   {"save it as UTF-8 (Excel: 另存为 → CSV UTF-8), or write `encoding: gbk` beside `csv:` to say so"});
    if (text->size() >= 3 && text->compare(0, 3, "\xEF\xBB\xBF") == 0) text->erase(0, 3);
    return TextFile(path, std::move(*text));
  };

  if (!encoding.empty()) {
    std::string lower;
    for (char c : encoding) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "utf-8" || lower == "utf8") return utf8(std::move(bytes));
    UErrorCode status = U_ZERO_ERROR;
    UConverter* probe = ucnv_open(encoding.c_str(), &status);
    if (U_FAILURE(status) || !probe) {
      sink.error(written_at, fmt::format("unknown encoding \"{}\"", encoding),
                 {"encoding: utf-8, gbk, gb18030 or big5"});
      return std::nullopt;
    }
    ucnv_close(probe);
    // GBK is read as GB18030, its superset: a file Excel saved as GBK may
    // hold the characters GB18030 added (and the euro sign).
    return converted(lower == "gbk" || lower == "cp936" || lower == "gb2312" ? "GB18030" : encoding, false);
  }
  if (bytes.size() >= 2 && (bytes.compare(0, 2, "\xFF\xFE") == 0 || bytes.compare(0, 2, "\xFE\xFF") == 0))
    return converted(bytes[0] == '\xFF' ? "UTF-16LE" : "UTF-16BE", true);
  if (!find_invalid_utf8(bytes)) return utf8(std::move(bytes));
  std::string guess = detect(bytes);
  if (guess.empty()) guess = "GB18030";  // the ANSI code page of Chinese Windows
  return converted(guess, true);
}

}  // namespace paiban::data
