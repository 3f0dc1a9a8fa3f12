#pragma once
// CJK-friendly emphasis (the markdown-cjk-friendly rule) on top of cmark-gfm.
//
// CommonMark's flanking rule fails where Chinese writers put emphasis:
// `**（一）加强组织领导。**各学校` and `**“双师型”**教师` leave their `**` as
// text, because a delimiter run between punctuation and a Han character is
// not flanking on that side. The rule counts such a run as flanking when the
// other side is a CJK character. cmark-gfm has no hook for it, so the source
// is prepared before parsing: a WORD JOINER (U+2060, neither punctuation nor
// white space) goes between the run and the CJK punctuation, which makes the
// run flanking exactly where the rule says; the joiners are removed from the
// parsed text, and spans are mapped back to the source columns.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace paiban::source {

/// U+2060 WORD JOINER in UTF-8.
inline constexpr std::string_view kJoiner = "\xE2\x81\xA0";

struct CjkPrepared {
  std::string text;
  /// per 1-based line of TEXT: the byte columns (1-based, in TEXT) where a joiner was inserted
  std::map<int, std::vector<int>> inserted;
  /// The source column of byte column COL on LINE of TEXT.
  int source_column(int line, int col) const;
};

/// Inserts the joiners into Markdown TEXT (not inside code spans or fenced blocks).
CjkPrepared prepare_cjk_emphasis(std::string_view text);

/// Removes the joiners from parsed TEXT.
void remove_joiners(std::string& text);

}  // namespace paiban::source
