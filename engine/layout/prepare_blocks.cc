// Preparing blocks once: every heading, paragraph, table and case box shaped and composed
// before the first page is placed.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <optional>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "base/cpu_time.h"
#include "base/side_task.h"
#include "layout/paginator.h"

namespace paiban::layout {

namespace {
double inset_of(const CaseStyle& cs) { return cs.padding + cs.frame_width; }
}  // namespace

InlineText Paginator::styled(const std::vector<doc::InlineRun>& runs, const std::string& role, const std::string& strong, const std::string& emphasis, double size) const {
  return inline_text(runs, {role, strong, emphasis, size, spec_->footnotes.mark_size});
}

/// Composition settings for text of SIZE: body-size text sits on the grid when the layout has one.
compose::ComposeSettings Paginator::settings_for(double size) const {
  compose::ComposeSettings s = spec_->compose;
  if (spec_->grid_pitch > 0 && std::abs(size - spec_->body.size) < 0.01) {
    s.grid_pitch_pt = spec_->grid_pitch;
    s.han_latin_gap = s.han_latin_min = s.han_latin_max = 0;  // the grid has no room for Han–Latin gaps
  }
  return s;
}

TextBlock Paginator::body_paragraph(const doc::Block& b, double width, DiagnosticSink& sink) const {
  const bool quoted = b.quote_depth > 0;
  const TextStyle& style = quoted ? spec_->quote.text : spec_->body;
  const double em = style.size;
  const double cell = spec_->grid_pitch > 0 && !quoted ? spec_->grid_pitch : em;  // one character
  const bool aligned = b.align != source::ParagraphAlign::Justify;
  double left = b.list_depth * spec_->list_indent_em * cell;
  double right = 0;
  if (quoted) {  // a block quote: indented on both sides
    left += b.quote_depth * spec_->quote.indent_em * spec_->body.size;
    right += b.quote_depth * spec_->quote.indent_em * spec_->body.size;
  }
  // A paragraph whose author typed its indent as full-width spaces keeps just those.
  const bool typed_indent = !b.runs.empty() && b.runs.front().text.rfind("\u3000", 0) == 0;
  double indent = b.list_depth == 0 && !b.continuation && !aligned && !typed_indent ? spec_->paragraph_indent_em * cell : 0;
  InlineText it = styled(b.runs, style.role, quoted ? style.role : spec_->strong_role,
                         quoted ? style.role : spec_->emphasis_role, em);
  if (!b.marker.empty()) {
    // The marker hangs in the indent: it is part of the first line, placed
    // by a negative first-line indent.
    // (a no-break space after it keeps its width on a justified line: the
    // text starts where the lines under it do)
    std::string marker = b.marker + "\u00A0";
    it.texts.insert(it.texts.begin(), {marker, style.role, em, b.span});
    for (auto& d : it.decorations) d.begin += marker.size(), d.end += marker.size();
    DiagnosticSink quiet;
    auto m = text::shape_paragraph({{marker, style.role, em, {}}}, fonts_, quiet);
    double w = 0;
    for (const auto& g : m.glyphs) w += g.advance;
    indent = -w;
  }
  doc::Align align = b.align == source::ParagraphAlign::Right    ? doc::Align::Right
                     : b.align == source::ParagraphAlign::Center ? doc::Align::Center
                                                                 : doc::Align::Left;
  TextBlock tb = compose_text(it.texts, fonts_, quoted ? spec_->compose : settings_for(em), width - left - right, indent,
                              style.line_height, em, aligned ? compose::Justify::No : compose::Justify::Yes, align, sink);
  tb.left = left;
  tb.decorations = std::move(it.decorations);
  return tb;
}

PreparedBlock Paginator::prepare_block(const doc::Block& b, DiagnosticSink& sink) const {
  PreparedBlock p;
  p.block = &b;
  switch (b.kind) {
    case doc::BlockKind::Heading: {
      const HeadingStyle& h = spec_->headings[std::clamp(b.level, 1, 4) - 1];
      std::vector<text::StyledText> t;
      // Decimal numbers are followed by a space; 一、 and （一） are not (clreq).
      std::string number;
      if (!b.counters.empty())
        number = heading_label(b) + (spec_->heading_numbering == HeadingNumbering::Decimal ? " " : "");
      if (!number.empty()) t.push_back({number, h.text.role, h.text.size, b.span});
      InlineText title_text = styled(b.runs, h.text.role, h.text.role, h.text.role, h.text.size);
      for (auto& s : title_text.texts) t.push_back(s);
      for (auto& d : title_text.decorations) d.begin += number.size(), d.end += number.size();
      bool centered = b.level == 1 && b.number.empty();
      double cell = spec_->grid_pitch > 0 ? spec_->grid_pitch : spec_->body.size;
      double line_height = spec_->grid_lines > 0 ? spec_->body.line_height : h.text.line_height;
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
      TextBlock tb = compose_text(t, fonts_, settings_for(h.text.size), spec_->type_width() - indent - hang, -hang,
                                  line_height, h.text.size, compose::Justify::No,
                                  centered ? doc::Align::Center : doc::Align::Left, sink);
      tb.left = indent + hang;
      if (centered) {  // a centred heading uses the whole measure
        tb = compose_text(t, fonts_, settings_for(h.text.size), spec_->type_width(), 0, line_height, h.text.size,
                          compose::Justify::No, doc::Align::Center, sink);
      }
      tb.decorations = std::move(title_text.decorations);
      p.texts.push_back(std::move(tb));
      p.space_before = h.space_before;
      p.space_after = h.space_after;
      break;
    }
    case doc::BlockKind::Paragraph:
      p.texts.push_back(body_paragraph(b, spec_->type_width(), sink));
      p.space_after = spec_->paragraph_space;
      break;
    case doc::BlockKind::Table:
      if (b.table->landscape) {
        p.table = prepare_table(*b.table, landscape_, fonts_, sink);
        p.table->landscape = true;
      } else {
        // A table too wide for the page even at its narrowest columns goes
        // onto landscape pages, with a warning (unless it is as narrow there).
        DiagnosticSink portrait;
        TableLayout t = prepare_table(*b.table, *spec_, fonts_, portrait);
        if (t.too_wide && landscape_.type_width() > spec_->type_width() + 0.01) {
          sink.warning(b.table->span,
                        fmt::format("{} is {:.0f}pt wide at its narrowest columns, more than the type area's "
                                    "{:.0f}pt: it is set on landscape pages",
                                    b.table->label.empty() ? std::string("this table") : b.table->label,
                                    t.minimum_width, spec_->type_width()),
                        {"write {.landscape} after a pipe table (landscape: true in a table block) to ask for "
                         "that, or give the table fewer columns"});
          p.table = prepare_table(*b.table, landscape_, fonts_, sink);
          p.table->landscape = true;
        } else {
          for (const auto& d : portrait.all()) sink.add(d);
          p.table = std::move(t);
        }
      }
      p.space_before = spec_->table.space_before;
      p.space_after = spec_->table.space_after;
      break;
    case doc::BlockKind::Case: {
      const CaseStyle& cs = spec_->case_box;
      double inner = spec_->type_width() - 2 * (cs.padding + cs.frame_width);
      const doc::Labels& l = spec_->labels;
      std::string title = fmt::format("{}{}{}{}{}", l.case_open, l.case_label, b.case_box->number, l.case_close, b.case_box->title);
      for (const std::string& t : {title, title + l.continued})
        p.texts.push_back(compose_text({{t, cs.title.role, cs.title.size, b.span}}, fonts_, spec_->compose, inner, 0,
                                       cs.title.line_height, cs.title.size, compose::Justify::No,
                                       doc::Align::Center, sink));
      for (const auto& child : b.case_box->blocks) {
        if (child.kind == doc::BlockKind::Figure) {  // a figure in the box: composed to its inner width
          p.box_figures.emplace(p.texts.size(), prepare_figure(*child.figure, inner, spec_->type_height() - 2 * inset_of(cs) - cs.title.line_height,
                                                                *spec_, fonts_, sink));
          p.texts.emplace_back();
          continue;
        }
        p.texts.push_back(body_paragraph(child, inner, sink));
      }
      p.space_before = cs.space_before;
      p.space_after = cs.space_after;
      break;
    }
    case doc::BlockKind::Rule:
      p.space_before = p.space_after = spec_->rule.space;
      break;
    case doc::BlockKind::Figure:
      p.figure = prepare_figure(*b.figure, spec_->type_width(), spec_->type_height() - spec_->figure.space_before, *spec_,
                                fonts_, sink);
      p.space_before = spec_->figure.space_before;
      p.space_after = spec_->figure.space_after;
      break;
    case doc::BlockKind::Contents:
    case doc::BlockKind::PageBreak:
      break;
  }
  if (Tracing::on()) {
    // Keys of what paiban diff pairs between two builds (pages.h, TracedLine).
    std::string key = fmt::format("b{}", &b - doc_.blocks.data());
    if (b.kind == doc::BlockKind::Case) {
      for (size_t k = 0; k < p.texts.size(); ++k) p.texts[k].trace = k < 2 ? key + ".t" : fmt::format("{}.p{}", key, k - 2);
    } else {
      for (auto& t : p.texts) t.trace = key;
    }
    if (p.table) {
      p.table->caption.trace = key + ".cap";
      for (size_t k = 0; k < p.table->body_text.size(); ++k) p.table->body_text[k].trace = fmt::format("{}.c{}", key, k);
    }
    if (p.figure)
      for (size_t k = 0; k < p.figure->texts.size(); ++k)
        p.figure->texts[k].text.trace = fmt::format("{}.f{}|{}", key, k, p.figure->texts[k].text.shaped.text);
  }
  return p;
}

namespace {

/// About how much work preparing B is: the bytes of its text and its table's cells.
size_t preparing_weight(const doc::Block& b) {
  size_t w = 64;
  for (const auto& r : b.runs) w += r.text.size();
  if (b.table)
    for (const auto* cells : {&b.table->header, &b.table->body})
      for (const auto& c : *cells) w += 16 + c.text.size();
  if (b.case_box)
    for (const auto& child : b.case_box->blocks) w += preparing_weight(child);
  return w;
}

}  // namespace

void Paginator::prepare() {
  // The blocks are independent: in a long document two threads take them in turn (sharing the
  // shape and compose caches), each block's diagnostics kept apart and reported in block order,
  // as if one thread had done it all. A short document is not worth a thread.
  const size_t n = doc_.blocks.size();
  size_t weight = 0;
  for (const auto& b : doc_.blocks) weight += preparing_weight(b);
  const bool two = weight >= kParallelPrepareWeight && std::thread::hardware_concurrency() > 1;
  std::vector<PreparedBlock> blocks(n);
  std::vector<DiagnosticSink> sinks(n);
  for (auto& s : sinks) s.set_warnings_as_errors(sink_.warnings_as_errors());
  std::atomic<size_t> next{0};
  auto take_blocks = [&] {
    for (size_t i; (i = next++) < n;) blocks[i] = prepare_block(doc_.blocks[i], sinks[i]);
  };
  {
    // The helper thread works in this thread's context: its caches, and tracing for paiban diff.
    text::ShapeCache* shapes = text::ShapeCache::current();
    compose::ComposeCache* composes = compose::ComposeCache::current();
    const bool tracing = Tracing::on();
    std::optional<SideTask> second;
    if (two)
      second.emplace([&, shapes, composes, tracing] {
        text::ShapeCache::Scope shaping(shapes);
        compose::ComposeCache::Scope composing(composes);
        std::optional<Tracing> traced;
        if (tracing) traced.emplace();
        const double start = thread_cpu_ms();
        take_blocks();
        helper_cpu_ms_ = thread_cpu_ms() - start;
      });
    take_blocks();
    if (second) second->join();
  }
  for (const auto& s : sinks)
    for (const auto& d : s.all()) sink_.add(d);
  prepared_ = std::move(blocks);
  prepare_footnotes();
  if (notice()) prepare_notice();
}

/// Every glyph the pages can use: the prepared text, and what is shaped
/// while placing (contents entries, page numbers in any style, the running
/// header, the cover).
GlyphSets Paginator::expected_glyphs() const {
  GlyphSets sets;
  auto add = [&](const text::ShapedParagraph& p) {
    for (const auto& g : p.glyphs) sets[fonts_.face(g.face).base].insert(g.gid);
  };
  auto add_block = [&](const TextBlock& t) {  // its glyphs and the hyphens of its broken words
    add(t.shaped);
    for (const auto& line : t.lines)
      if (line.hyphenated && line.glyph_end > line.glyph_begin)
        sets[fonts_.face(t.shaped.glyphs[line.glyph_end - 1].face).base].insert(line.hyphen_gid);
  };
  auto shape = [&](const std::string& t, const std::string& role, double size) {
    DiagnosticSink quiet;
    add(text::shape_paragraph({{t, role, size, {}}}, fonts_, quiet));
  };
  if (!notes_.empty()) {
    // Every mark a page may print, in each face and size a mark is set in.
    std::string marks;
    for (int n = 1; n <= kMaxMarks; ++n) marks += mark_text(n);
    std::set<std::pair<std::string, double>> seen;
    auto visit = [&](const TextBlock& t) {
      for (const auto& d : t.decorations)
        if (d.kind == Decoration::Kind::FootnoteMark) {
          size_t at = 0;
          for (const auto& s : t.shaped.styles) {
            if (d.begin >= at && d.begin < at + s.text.size() && seen.insert({s.role, s.size}).second)
              shape(marks, s.role, s.size);
            at += s.text.size();
          }
        }
    };
    for (const auto& p : prepared_) {
      for (const auto& t : p.texts) visit(t);
      if (p.table) {
        for (const auto& t : p.table->body_text) visit(t);
        for (const auto& t : p.table->header_text) visit(t);
      }
    }
    for (const auto& [label, t] : notes_) {
      add(t.shaped);
      shape(marks, spec_->footnotes.text.role, spec_->footnotes.text.size);
    }
  }
  for (const auto& p : prepared_) {
    for (const auto& t : p.texts) add_block(t);
    if (p.figure)
      for (const auto& t : p.figure->texts) add_block(t.text);
    for (const auto& [k, f] : p.box_figures)
      for (const auto& t : f.texts) add_block(t.text);
    if (p.table) {
      add_block(p.table->caption);
      add_block(p.table->continued_caption);
      add_block(p.table->note);
      for (const auto& t : p.table->header_text) add_block(t);
      for (const auto& t : p.table->body_text) add_block(t);
    }
  }
  if (notice())
    for (const TextBlock* t : notice_texts()) add(t->shaped);
  const ContentsStyle& cs = spec_->contents;
  for (auto kind : {doc::ContentsKind::Headings, doc::ContentsKind::Tables, doc::ContentsKind::Cases, doc::ContentsKind::Figures,
                    doc::ContentsKind::AppendixTables})
    for (const auto& e : entries(kind)) shape(e.text, cs.entry.role, cs.entry.size);
  const std::string numbers = "0123456789IVXLCDM";
  shape(spec_->labels.toc + spec_->labels.tables + spec_->labels.cases + spec_->labels.figures, cs.title.role, cs.title.size);
  // (附表目录 only where a contents block lists it: its characters stay out of other reports' subsets)
  for (const auto& b : doc_.blocks)
    if (b.kind == doc::BlockKind::Contents &&
        std::find(b.contents.begin(), b.contents.end(), doc::ContentsKind::AppendixTables) != b.contents.end()) {
      shape(spec_->labels.appendix_tables, cs.title.role, cs.title.size);
      break;
    }
  shape(numbers, cs.entry.role, cs.entry.size);
  shape(spec_->footer_format + numbers, spec_->footer.role, spec_->footer.size);
  shape(doc_.meta.title, spec_->header.role, spec_->header.size);
  shape(doc_.meta.title, spec_->cover.title.role, spec_->cover.title.size);
  shape(doc_.meta.issuer + doc_.meta.date + doc_.meta.note, spec_->cover.line.role, spec_->cover.line.size);
  return sets;
}

}  // namespace paiban::layout
