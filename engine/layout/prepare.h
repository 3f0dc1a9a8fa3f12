#pragma once
// Content prepared for pagination: shaped and composed once, then placed
// as many times as the page-number loop needs.
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "compose/compose.h"
#include "doc/document.h"
#include "layout/layout_spec.h"
#include "layout/pages.h"

namespace paiban::layout {

/// What is drawn over a stretch of a paragraph's text: a line through it,
/// a link over it, or a footnote mark (raised, its number set per page).
struct Decoration {
  enum class Kind { Strike, Link, FootnoteMark, Value };  ///< Value: a `{{ }}` value, traced only (Tracing)
  Kind kind = Kind::Strike;
  size_t begin = 0, end = 0;  ///< byte range in the paragraph's text
  std::string target;         ///< Link: the URI; FootnoteMark: the footnote's label; Value: its ordinal
  bool raised = true;         ///< FootnoteMark: raised in the text (not at the head of the note itself)
};

/// Styled text with its decorations, from a block's inline runs.
struct InlineText {
  std::vector<text::StyledText> texts;
  std::vector<Decoration> decorations;
};

/// The roles inline styles use.
struct InlineRoles {
  std::string regular, strong, emphasis;
  double size = 12;
  double mark_size = 0.6;  ///< a footnote mark's size, fraction of SIZE
};

/// The placeholder a footnote mark is composed with: every mark (①…㊿, 1…99)
/// is set in the advance of this one and its number chosen when placed.
inline constexpr const char* kMarkPlaceholder = "①";

/// RUNS as styled text: strong and emphasis in their roles, hard line breaks
/// as line feeds (the composer breaks there), footnote marks as placeholders,
/// struck text and links as decorations.
InlineText inline_text(const std::vector<doc::InlineRun>& runs, const InlineRoles& roles);

/// A composed paragraph (or title, caption, cell text).
struct TextBlock {
  Span span;                    ///< the source block, for warnings
  text::ShapedParagraph shaped;
  std::vector<compose::Line> lines;
  double line_height = 0;       ///< pt, baseline to baseline
  double size = 0;              ///< pt, the main font size
  double left = 0;              ///< pt from the measure's left edge
  double width = 0;             ///< pt, the measure
  doc::Align align = doc::Align::Left;  ///< lines not justified are placed by this
  std::vector<Decoration> decorations;
  std::string trace;            ///< with Tracing on: the key of its lines in Page::trace (empty: not traced)
  double height() const { return lines.size() * line_height; }
};

/// How decorations are drawn.
struct DecorationStyle {
  Color link_color{0, 0.2, 0.6};
  /// A footnote mark's printed text and its glyph in FACE, from its label (the page's number for it);
  /// an empty text: the placeholder stays.
  std::function<std::pair<std::string, unsigned>(const std::string& label, fonts::FaceId face)> mark;
};
/// A title or caption: composed like compose_text, and when it takes more
/// than one line, at the narrowest measure that keeps that many lines, so
/// that they come out of near-equal length, broken between words first
/// (凉州区中等职业教育 / 质量年度报告（2023年）). The block keeps WIDTH as its
/// measure for the alignment.
TextBlock compose_balanced(const std::vector<text::StyledText>& texts, const fonts::FontSet& fonts,
                           const compose::ComposeSettings& base, double width, double line_height, double size,
                           doc::Align align, DiagnosticSink& sink);

/// Shapes and composes TEXTS into a TextBlock.
TextBlock compose_text(const std::vector<text::StyledText>& texts, const fonts::FontSet& fonts,
                       const compose::ComposeSettings& base, double width, double first_indent, double line_height,
                       double size, compose::Justify justify, doc::Align align, DiagnosticSink& sink);

/// Draws LINE_INDEX of BLOCK with its baseline at BASELINE and the measure's
/// left edge at X (PDF coordinates) onto PAGE.
void draw_line(Page& page, const TextBlock& block, size_t line_index, double x, double baseline,
               const DecorationStyle* decorations = nullptr);

/// The footnote labels whose marks fall on LINE_INDEX of BLOCK, in order.
std::vector<std::string> footnote_marks(const TextBlock& block, size_t line_index);

/// Where the baseline sits in a line box: centred text of SIZE in a box of
/// LINE_HEIGHT, with the em box's baseline at 0.88 em (the ideographic em box
/// of CJK faces is 0.88 / 0.12 around the baseline).
inline double baseline_in_box(double line_height, double size) { return (line_height - size) / 2 + 0.88 * size; }

/// A table's geometry.
struct TableLayout {
  const doc::Table* table = nullptr;
  std::vector<double> column_x;        ///< columns + 1 boundaries, pt from the table's left edge
  std::vector<double> header_heights;  ///< per header row, pt
  std::vector<double> body_heights;    ///< per body row, pt
  std::vector<TextBlock> header_text;  ///< per doc::Table::header cell
  std::vector<TextBlock> body_text;    ///< per doc::Table::body cell
  TextBlock caption, continued_caption;  ///< no lines for a table without caption
  TextBlock note;                        ///< under the table (数据来源：…); no lines when there is none
  std::vector<std::vector<size_t>> body_cells_at;  ///< per body row: the indices of the cells starting in it
  std::vector<size_t> spanning_cells;              ///< indices of the body cells spanning several rows
  double width() const { return column_x.back(); }
  double header_height() const;
  double minimum_width = 0;  ///< the table at its columns' minimum widths, pt
  bool too_wide = false;     ///< wider than the type area even at those widths
  bool landscape = false;    ///< set on landscape pages
};

/// SPEC on its pages turned a quarter: the page's width and height swapped,
/// its margins turned with it (the type area stays where it is on the
/// sheet; the binding margin is at the top).
LayoutSpec landscape_of(const LayoutSpec& spec);

/// Column widths from the content (the automatic table layout of CSS 2.1
/// §17.5.2.2, with Chinese text allowed to wrap but not below 4 em), cells
/// composed, row heights.
TableLayout prepare_table(const doc::Table& table, const LayoutSpec& spec, const fonts::FontSet& fonts,
                          DiagnosticSink& sink);

}  // namespace paiban::layout
