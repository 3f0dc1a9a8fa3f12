#include "compose/lines.h"

#include <unicode/ubrk.h>
#include <unicode/utext.h>

#include <cassert>
#include <memory>

#include "base/memory_limit.h"

namespace paiban::compose {

std::vector<BreakOpportunity> line_break_opportunities(std::string_view text) {
  std::vector<BreakOpportunity> out;
  UErrorCode status = U_ZERO_ERROR;
  UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  // clreq: the strict rules keep small kana, iteration marks and prolonged
  // sound marks from starting a line; ICU implements them as lb=strict.
  // Opening an iterator loads its rules (tens of microseconds): keep one per thread.
  thread_local std::unique_ptr<UBreakIterator, decltype(&ubrk_close)> cached(
      [] {
        UErrorCode s = U_ZERO_ERROR;
        return ubrk_open(UBRK_LINE, "zh@lb=strict", nullptr, 0, &s);
      }(),
      ubrk_close);
  UBreakIterator* bi = cached.get();
  if (!bi) status = U_MISSING_RESOURCE_ERROR;
  if (U_SUCCESS(status)) {
    ubrk_setUText(bi, ut, &status);
    ubrk_first(bi);
    for (int32_t b = ubrk_next(bi); b != UBRK_DONE; b = ubrk_next(bi)) {
      // With UText over UTF-8 the indices are native byte offsets.
      bool hard = ubrk_getRuleStatus(bi) >= UBRK_LINE_HARD;
      out.push_back({static_cast<size_t>(b), hard});
    }
  }
  utext_close(ut);
  throw_if_memory_exhausted();  // (ICU's allocator served a failure: base/memory_limit.h)
  if (out.empty() || out.back().offset != text.size()) out.push_back({text.size(), true});
  out.back().mandatory = true;
  return out;
}

std::vector<char> word_boundaries(std::string_view text) {
  std::vector<char> out(text.size() + 1, 0);
  out[0] = out[text.size()] = 1;
  UErrorCode status = U_ZERO_ERROR;
  UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  thread_local std::unique_ptr<UBreakIterator, decltype(&ubrk_close)> cached(
      [] {
        UErrorCode s = U_ZERO_ERROR;
        return ubrk_open(UBRK_WORD, "zh", nullptr, 0, &s);
      }(),
      ubrk_close);
  UBreakIterator* bi = cached.get();
  if (bi && U_SUCCESS(status)) {
    ubrk_setUText(bi, ut, &status);
    for (int32_t b = ubrk_first(bi); b != UBRK_DONE; b = ubrk_next(bi))
      if (b >= 0 && static_cast<size_t>(b) <= text.size()) out[b] = 1;
  }
  utext_close(ut);
  throw_if_memory_exhausted();
  return out;
}

void prepare_break_engines() {
  // (Han text and kana make ICU load its Chinese and Japanese dictionary, megabytes, once.)
  static constexpr std::string_view kSample = "中文分词的词典和日本語のかな";
  line_break_opportunities(kSample);
  word_boundaries(kSample);
}

}  // namespace paiban::compose
