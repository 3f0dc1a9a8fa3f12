#pragma once
// Line-break opportunities (UAX #14 through ICU). The composer adds the
// clreq prohibitions on top (compose.cc).
#include <string_view>
#include <vector>

namespace paiban::compose {

/// A place where a line may end: the byte offset where the next line starts.
struct BreakOpportunity {
  size_t offset = 0;       ///< byte offset in the paragraph text
  bool mandatory = false;  ///< a hard break (line feed) or the end of text
};

/// Line-break opportunities of TEXT by ICU's line BreakIterator with the
/// strict rules for Chinese (locale zh@lb=strict). The end of the text is
/// always the last entry.
std::vector<BreakOpportunity> line_break_opportunities(std::string_view text);

/// Word boundaries of TEXT (byte offsets) by ICU's word BreakIterator for
/// Chinese, which finds the words of Han text with its dictionary; TEXT's
/// size + 1 flags, set where a word starts or ends.
std::vector<char> word_boundaries(std::string_view text);

/// Makes ICU load what the two above need for Chinese (its dictionary break engine, megabytes)
/// now: before a memory limit is set, so that it does not run out partway through (a process
/// with --max-memory-mb calls it first).
void prepare_break_engines();

}  // namespace paiban::compose
