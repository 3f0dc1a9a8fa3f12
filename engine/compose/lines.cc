#include "compose/lines.h"

#include <unicode/ubrk.h>
#include <unicode/utext.h>

#include <cassert>
#include <memory>

namespace paiban::compose {

std::vector<BreakOpportunity> line_break_opportunities(std::string_view text) {
  std::vector<BreakOpportunity> out;
  UErrorCode status = U_ZERO_ERROR;
  UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  // clreq: the strict rules keep small kana, iteration marks and prolonged
  // sound marks from starting a line; ICU implements them as lb=strict.
  UBreakIterator* bi = ubrk_open(UBRK_LINE, "zh@lb=strict", nullptr, 0, &status);
  if (U_SUCCESS(status)) {
    ubrk_setUText(bi, ut, &status);
    ubrk_first(bi);
    for (int32_t b = ubrk_next(bi); b != UBRK_DONE; b = ubrk_next(bi)) {
      // With UText over UTF-8 the indices are native byte offsets.
      bool hard = ubrk_getRuleStatus(bi) >= UBRK_LINE_HARD;
      out.push_back({static_cast<size_t>(b), hard});
    }
  }
  ubrk_close(bi);
  utext_close(ut);
  if (out.empty() || out.back().offset != text.size()) out.push_back({text.size(), true});
  out.back().mandatory = true;
  return out;
}

}  // namespace paiban::compose
