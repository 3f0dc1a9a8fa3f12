#pragma once
// Figures in the source: a paragraph holding one image, `![caption](path){#id width=60%}`.
#include <cmark-gfm.h>

#include "base/diagnostic.h"
#include "base/text_file.h"
#include "source/syntax.h"

namespace paiban::source {

/// When PARAGRAPH holds one image (and its attributes), fills B as a Figure
/// and returns true. LINE_OFFSET: the paragraph's lines count from there.
bool convert_image_paragraph(cmark_node* paragraph, const TextFile& file, int line_offset, Block& b, DiagnosticSink& sink);

/// Reads `{#id width=60% height=5cm}` (TEXT with its braces) into B.
void parse_figure_attributes(const std::string& text, Block& b, const Span& span, DiagnosticSink& sink);

}  // namespace paiban::source
