#pragma once
// Flowing a Document into pages.
//
// paginate → for each block: style → shape_paragraph → break_lines_first_fit
//          → place lines (page break when the next line does not fit; a
//            heading keeps with two lines of what follows)
//          → running header and page number on every page
#include "doc/document.h"
#include "layout/layout_spec.h"
#include "layout/pages.h"

namespace paiban::layout {

/// Lays out DOC on pages as SPEC describes, with faces from FONTS.
Pages paginate(const doc::Document& doc, const LayoutSpec& spec, const fonts::FontSet& fonts, DiagnosticSink& sink);

}  // namespace paiban::layout
