#pragma once
// Flowing a Document into pages.
//
// paginate → prepare (shape and compose every block once)
//          → repeat until no page number changes (at most max_passes):
//              place blocks on pages: front matter (roman numbers) and body
//              (arabic), headings kept with what follows, paragraphs without
//              widows or orphans, tables broken between rows under 续表 with
//              their header repeated, case boxes with open frames at a break,
//              contents lists with dotted leaders
//          → vertical justification of full pages, running header, page numbers
#include <functional>

#include "doc/document.h"
#include "layout/layout_spec.h"
#include "layout/pages.h"

namespace paiban::layout {

/// While a Tracing lives on a thread, layout notes on each page where every
/// block's text, table cell, contents entry and `{{ }}` value goes
/// (Page::trace), for paiban diff. The drawn pages are the same.
class Tracing {
 public:
  Tracing();
  ~Tracing();
  Tracing(const Tracing&) = delete;
  Tracing& operator=(const Tracing&) = delete;
  static bool on();

 private:
  // (The thread's flag is a thread_local of paginate.cc, reached only there: a thread_local
  // class member used from inline code in other files is misread by UBSan.)
  bool previous_;
};

/// Lays out DOC on pages as SPEC describes, with faces from FONTS. Once all
/// text is shaped (before the first page is placed), ON_SHAPED receives the
/// glyphs the pages will use, so that fonts can be subset meanwhile.
Pages paginate(const doc::Document& doc, const LayoutSpec& spec, const fonts::FontSet& fonts, DiagnosticSink& sink,
               const std::function<void(const GlyphSets&)>& on_shaped = {});

}  // namespace paiban::layout
