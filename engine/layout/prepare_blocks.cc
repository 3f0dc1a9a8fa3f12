// Preparing blocks once: every heading, paragraph, table and case box shaped and composed
// before the first page is placed.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "layout/paginator.h"

namespace paiban::layout {

namespace {
double inset_of(const CaseStyle& cs) { return cs.padding + cs.frame_width; }
}  // namespace

std::vector<text::StyledText> Paginator::styled(const std::vector<doc::InlineRun>& runs, const std::string& role, const std::string& strong, const std::string& emphasis, double size) {
  std::vector<text::StyledText> t;
  for (const auto& r : runs) {
    std::string rl = role;
    if (source::has(r.style, source::InlineStyle::Strong)) rl = strong;
    else if (source::has(r.style, source::InlineStyle::Emphasis)) rl = emphasis;
    if (!r.text.empty()) t.push_back({r.text, rl, size, r.span});
  }
  return t;
}

/// Composition settings for text of SIZE: body-size text sits on the grid when the layout has one.
compose::ComposeSettings Paginator::settings_for(double size) const {
  compose::ComposeSettings s = spec_.compose;
  if (spec_.grid_pitch > 0 && std::abs(size - spec_.body.size) < 0.01) {
    s.grid_pitch_pt = spec_.grid_pitch;
    s.han_latin_gap = s.han_latin_min = s.han_latin_max = 0;  // the grid has no room for Han–Latin gaps
  }
  return s;
}

TextBlock Paginator::body_paragraph(const doc::Block& b, double width) {
  const double em = spec_.body.size;
  const double cell = spec_.grid_pitch > 0 ? spec_.grid_pitch : em;  // one character
  double left = b.list_depth * spec_.list_indent_em * cell;
  double indent = b.list_depth == 0 && !b.continuation ? spec_.paragraph_indent_em * cell : 0;
  auto t = styled(b.runs, spec_.body.role, spec_.strong_role, spec_.emphasis_role, em);
  if (!b.marker.empty()) {
    // The marker hangs in the indent: it is part of the first line, placed
    // by a negative first-line indent.
    t.insert(t.begin(), {b.marker + " ", spec_.body.role, em, b.span});
    DiagnosticSink quiet;
    auto m = text::shape_paragraph({{b.marker + " ", spec_.body.role, em, {}}}, fonts_, quiet);
    double w = 0;
    for (const auto& g : m.glyphs) w += g.advance;
    indent = -w;
  }
  TextBlock tb = compose_text(t, fonts_, settings_for(em), width - left, indent, spec_.body.line_height, em,
                              compose::Justify::Yes, doc::Align::Left, sink_);
  tb.left = left;
  return tb;
}

void Paginator::prepare() {
  for (const auto& b : doc_.blocks) {
    PreparedBlock p;
    p.block = &b;
    switch (b.kind) {
      case doc::BlockKind::Heading: {
        const HeadingStyle& h = spec_.headings[std::clamp(b.level, 1, 4) - 1];
        std::vector<text::StyledText> t;
        // Decimal numbers are followed by a space; 一、 and （一） are not (clreq).
        std::string number;
        if (!b.counters.empty())
          number = heading_label(b) + (spec_.heading_numbering == HeadingNumbering::Decimal ? " " : "");
        if (!number.empty()) t.push_back({number, h.text.role, h.text.size, b.span});
        for (auto& s : styled(b.runs, h.text.role, h.text.role, h.text.role, h.text.size)) t.push_back(s);
        bool centered = b.level == 1 && b.number.empty();
        double cell = spec_.grid_pitch > 0 ? spec_.grid_pitch : spec_.body.size;
        double line_height = spec_.grid_lines > 0 ? spec_.body.line_height : h.text.line_height;
        double indent = h.indent_em * cell;
        // A heading that runs over lines hangs at the width of its number:
        // where the composer sets the title's first character.
        double hang = 0;
        if (!number.empty() && !centered) {
          DiagnosticSink quiet;
          TextBlock probe = compose_text(t, fonts_, settings_for(h.text.size), 1e6, 0, line_height, h.text.size,
                                         compose::Justify::No, doc::Align::Left, quiet);
          const auto& line = probe.lines.front();
          for (size_t g = line.glyph_begin; g < line.glyph_end; ++g)
            if (probe.shaped.glyphs[g].cluster >= number.size()) {
              hang = line.x[g - line.glyph_begin];
              break;
            }
        }
        TextBlock tb = compose_text(t, fonts_, settings_for(h.text.size), spec_.type_width() - indent - hang, -hang,
                                    line_height, h.text.size, compose::Justify::No,
                                    centered ? doc::Align::Center : doc::Align::Left, sink_);
        tb.left = indent + hang;
        if (centered) {  // a centred heading uses the whole measure
          tb = compose_text(t, fonts_, settings_for(h.text.size), spec_.type_width(), 0, line_height, h.text.size,
                            compose::Justify::No, doc::Align::Center, sink_);
        }
        p.texts.push_back(std::move(tb));
        p.space_before = h.space_before;
        p.space_after = h.space_after;
        break;
      }
      case doc::BlockKind::Paragraph:
        p.texts.push_back(body_paragraph(b, spec_.type_width()));
        p.space_after = spec_.paragraph_space;
        break;
      case doc::BlockKind::Table:
        p.table = prepare_table(*b.table, spec_, fonts_, sink_);
        p.space_before = spec_.table.space_before;
        p.space_after = spec_.table.space_after;
        break;
      case doc::BlockKind::Case: {
        const CaseStyle& cs = spec_.case_box;
        double inner = spec_.type_width() - 2 * (cs.padding + cs.frame_width);
        std::string title = fmt::format("【{}{}】{}", cs.label, b.case_box->number, b.case_box->title);
        for (const std::string& t : {title, title + "（续）"})
          p.texts.push_back(compose_text({{t, cs.title.role, cs.title.size, b.span}}, fonts_, spec_.compose, inner, 0,
                                         cs.title.line_height, cs.title.size, compose::Justify::No,
                                         doc::Align::Center, sink_));
        for (const auto& child : b.case_box->blocks) {
          if (child.kind == doc::BlockKind::Figure) {  // a figure in the box: composed to its inner width
            p.box_figures.emplace(p.texts.size(), prepare_figure(*child.figure, inner, spec_.type_height() - 2 * inset_of(cs) - cs.title.line_height,
                                                                  spec_, fonts_, sink_));
            p.texts.emplace_back();
            continue;
          }
          p.texts.push_back(body_paragraph(child, inner));
        }
        p.space_before = cs.space_before;
        p.space_after = cs.space_after;
        break;
      }
      case doc::BlockKind::Figure:
        p.figure = prepare_figure(*b.figure, spec_.type_width(), spec_.type_height() - spec_.figure.space_before, spec_,
                                  fonts_, sink_);
        p.space_before = spec_.figure.space_before;
        p.space_after = spec_.figure.space_after;
        break;
      case doc::BlockKind::Contents:
      case doc::BlockKind::PageBreak:
        break;
    }
    prepared_.push_back(std::move(p));
  }
}

/// Every glyph the pages can use: the prepared text, and what is shaped
/// while placing (contents entries, page numbers in any style, the running
/// header, the cover).
GlyphSets Paginator::expected_glyphs() const {
  GlyphSets sets;
  auto add = [&](const text::ShapedParagraph& p) {
    for (const auto& g : p.glyphs) sets[fonts_.face(g.face).base].insert(g.gid);
  };
  auto shape = [&](const std::string& t, const std::string& role, double size) {
    DiagnosticSink quiet;
    add(text::shape_paragraph({{t, role, size, {}}}, fonts_, quiet));
  };
  for (const auto& p : prepared_) {
    for (const auto& t : p.texts) add(t.shaped);
    if (p.figure)
      for (const auto& t : p.figure->texts) add(t.text.shaped);
    for (const auto& [k, f] : p.box_figures)
      for (const auto& t : f.texts) add(t.text.shaped);
    if (p.table) {
      add(p.table->caption.shaped);
      add(p.table->continued_caption.shaped);
      for (const auto& t : p.table->header_text) add(t.shaped);
      for (const auto& t : p.table->body_text) add(t.shaped);
    }
  }
  const ContentsStyle& cs = spec_.contents;
  for (auto kind : {doc::ContentsKind::Headings, doc::ContentsKind::Tables, doc::ContentsKind::Cases, doc::ContentsKind::Figures})
    for (const auto& e : entries(kind)) shape(e.text, cs.entry.role, cs.entry.size);
  const std::string numbers = "0123456789IVXLCDM";
  shape(cs.toc_title + cs.tables_title + cs.cases_title + cs.figures_title, cs.title.role, cs.title.size);
  shape(numbers, cs.entry.role, cs.entry.size);
  shape(spec_.footer_format + numbers, spec_.footer.role, spec_.footer.size);
  shape(doc_.meta.title, spec_.header.role, spec_.header.size);
  shape(doc_.meta.title, spec_.cover.title.role, spec_.cover.title.size);
  shape(doc_.meta.issuer + doc_.meta.date + doc_.meta.note, spec_.cover.line.role, spec_.cover.line.size);
  return sets;
}

}  // namespace paiban::layout
