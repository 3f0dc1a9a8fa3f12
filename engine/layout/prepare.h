#pragma once
// Content prepared for pagination: shaped and composed once, then placed
// as many times as the page-number loop needs.
#include <memory>
#include <optional>
#include <vector>

#include "compose/compose.h"
#include "doc/document.h"
#include "layout/layout_spec.h"
#include "layout/pages.h"

namespace paiban::layout {

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
  double height() const { return lines.size() * line_height; }
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
void draw_line(Page& page, const TextBlock& block, size_t line_index, double x, double baseline);

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
  TextBlock caption, continued_caption;
  std::vector<std::vector<size_t>> body_cells_at;  ///< per body row: the indices of the cells starting in it
  std::vector<size_t> spanning_cells;              ///< indices of the body cells spanning several rows
  double width() const { return column_x.back(); }
  double header_height() const;
};

/// Column widths from the content (the automatic table layout of CSS 2.1
/// §17.5.2.2, with Chinese text allowed to wrap but not below 4 em), cells
/// composed, row heights.
TableLayout prepare_table(const doc::Table& table, const LayoutSpec& spec, const fonts::FontSet& fonts,
                          DiagnosticSink& sink);

}  // namespace paiban::layout
