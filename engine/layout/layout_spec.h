#pragma once
// The look of a report, read from layouts/NAME.yaml. Lengths are in points.
#include <array>
#include <optional>
#include <string>

#include "base/diagnostic.h"
#include "compose/compose.h"

namespace paiban::layout {

/// A font role at a size.
struct TextStyle {
  std::string role;        ///< a role of fonts/fonts.yaml
  double size = 12;        ///< font size, pt
  double line_height = 0;  ///< baseline-to-baseline distance, pt
};

struct HeadingStyle {
  TextStyle text;
  double space_before = 0;  ///< pt above the heading's first line
  double space_after = 0;   ///< pt below its last line
};

/// Everything layout reads from a layout file.
struct LayoutSpec {
  std::string path;                 ///< the file it came from
  double page_width = 595.276;      ///< pt (A4)
  double page_height = 841.89;      ///< pt
  double margin_top = 72, margin_bottom = 72, margin_left = 72, margin_right = 72;  ///< pt
  TextStyle body;                   ///< body paragraphs
  std::string strong_role;          ///< role for **strong** text
  std::string emphasis_role;        ///< role for *emphasis*
  double paragraph_indent_em = 2;   ///< first-line indent, in em of the body size
  double paragraph_space = 0;       ///< pt between paragraphs
  double list_indent_em = 2;        ///< indent per list level, em
  TextStyle title;                  ///< the report title on page 1
  std::array<HeadingStyle, 4> headings;  ///< levels 1–4 (deeper levels use level 4)
  TextStyle header;                 ///< running header (the report title)
  TextStyle footer;                 ///< page number
  double header_offset = 0;         ///< pt from the type area's top edge up to the header baseline
  double footer_offset = 0;         ///< pt from the type area's bottom edge down to the footer baseline
  compose::ComposeSettings compose; ///< punctuation scheme, line-breaking strategy and tunables

  double type_width() const { return page_width - margin_left - margin_right; }
  double type_height() const { return page_height - margin_top - margin_bottom; }
};

/// Reads a layout file. Unknown keys and bad values are errors at their
/// position in the file.
std::optional<LayoutSpec> load_layout(const std::string& path, DiagnosticSink& sink);

/// Parses a length: "25mm", "12pt", "1.5cm", "1in". nullopt if malformed.
std::optional<double> parse_length(const std::string& text);

}  // namespace paiban::layout
