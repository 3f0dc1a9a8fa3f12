// Pagination: prepared blocks → pages, repeated until page numbers settle.
#include "layout/paginate.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "layout/prepare.h"

namespace paiban::layout {

std::string page_number_text(int number, NumberStyle style) {
  if (style == NumberStyle::None || number <= 0) return "";
  if (style == NumberStyle::Arabic) return std::to_string(number);
  static const std::pair<int, const char*> romans[] = {{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"},
                                                       {90, "XC"},  {50, "L"},   {40, "XL"}, {10, "X"},   {9, "IX"},
                                                       {5, "V"},    {4, "IV"},   {1, "I"}};
  std::string s;
  for (const auto& [value, letters] : romans)
    while (number >= value) {
      s += letters;
      number -= value;
    }
  return s;
}

namespace {

constexpr double kEpsilon = 1e-6;

/// Thrown inside the paginator only: the document passed the page limit.
struct TooManyPages {};

/// A block with everything that does not depend on page numbers done.
struct PreparedBlock {
  const doc::Block* block = nullptr;
  std::vector<TextBlock> texts;  ///< Heading, Paragraph: one; Case: title, continued title, then paragraphs
  std::optional<TableLayout> table;
  double space_before = 0, space_after = 0;
};

/// One entry of a contents list.
struct ContentsEntry {
  std::string text;    ///< "1.1 办学规模"
  std::string target;  ///< anchor id
  int level = 1;       ///< heading level (1 for table and case entries)
  double hang = 0;     ///< pt: continuation lines start this far in (the number's width)
};

class Paginator {
 public:
  Paginator(const doc::Document& doc, const LayoutSpec& spec, const fonts::FontSet& fonts, DiagnosticSink& sink)
      : doc_(doc), spec_(spec), fonts_(fonts), sink_(sink) {}

  Pages run(const std::function<void(const GlyphSets&)>& on_shaped) {
    auto t0 = std::chrono::steady_clock::now();
    prepare();
    if (on_shaped) on_shaped(expected_glyphs());
    auto t1 = std::chrono::steady_clock::now();
    if (std::getenv("PAIBAN_TIMINGS"))
      std::fprintf(stderr, "paiban:   shape and compose %.2f ms\n", std::chrono::duration<double, std::milli>(t1 - t0).count());
    std::map<std::string, std::string> previous;
    Pages pages;
    DiagnosticSink pass_sink;
    int pass = 0;
    for (; pass < spec_.max_passes; ++pass) {
      pass_sink = DiagnosticSink();
      previous_pages_ = previous;
      pages = place_all(pass_sink);
      std::map<std::string, std::string> now = page_map(pages);
      if (now == previous) break;
      previous = std::move(now);
    }
    if (std::getenv("PAIBAN_TIMINGS"))
      std::fprintf(stderr, "paiban:   %d page passes %.2f ms\n", pass + 1,
                   std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t1).count());
    if (pass == spec_.max_passes) {
      std::vector<std::string> moving;
      for (const auto& [id, page] : page_map(pages))
        if (previous.count(id) && previous[id] != page) moving.push_back(id);
      sink_.warning({doc_.blocks.empty() ? "" : doc_.blocks.front().span.path, 0, 0},
                    fmt::format("page numbers did not settle after {} passes", spec_.max_passes),
                    {fmt::format("still moving: {}", fmt::join(moving, ", "))});
    }
    for (const auto& d : pass_sink.all()) sink_.add(d);
    return pages;
  }

 private:
  // --- preparation (once) ------------------------------------------------------

  std::vector<text::StyledText> styled(const std::vector<doc::InlineRun>& runs, const std::string& role,
                                       const std::string& strong, const std::string& emphasis, double size) {
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
  compose::ComposeSettings settings_for(double size) const {
    compose::ComposeSettings s = spec_.compose;
    if (spec_.grid_pitch > 0 && std::abs(size - spec_.body.size) < 0.01) {
      s.grid_pitch_pt = spec_.grid_pitch;
      s.han_latin_gap = s.han_latin_min = s.han_latin_max = 0;  // the grid has no room for Han–Latin gaps
    }
    return s;
  }

  /// The printed number of a heading in the layout's scheme.
  std::string heading_label(const doc::Block& b) const { return heading_number(b.counters, spec_.heading_numbering); }

  TextBlock body_paragraph(const doc::Block& b, double width) {
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

  void prepare() {
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
          for (const auto& child : b.case_box->blocks) p.texts.push_back(body_paragraph(child, inner));
          p.space_before = cs.space_before;
          p.space_after = cs.space_after;
          break;
        }
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
  GlyphSets expected_glyphs() const {
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
      if (p.table) {
        add(p.table->caption.shaped);
        add(p.table->continued_caption.shaped);
        for (const auto& t : p.table->header_text) add(t.shaped);
        for (const auto& t : p.table->body_text) add(t.shaped);
      }
    }
    const ContentsStyle& cs = spec_.contents;
    for (auto kind : {doc::ContentsKind::Headings, doc::ContentsKind::Tables, doc::ContentsKind::Cases})
      for (const auto& e : entries(kind)) shape(e.text, cs.entry.role, cs.entry.size);
    const std::string numbers = "0123456789IVXLCDM";
    shape(cs.toc_title + cs.tables_title + cs.cases_title, cs.title.role, cs.title.size);
    shape(numbers, cs.entry.role, cs.entry.size);
    shape(spec_.footer_format + numbers, spec_.footer.role, spec_.footer.size);
    shape(doc_.meta.title, spec_.header.role, spec_.header.size);
    shape(doc_.meta.title, spec_.cover.title.role, spec_.cover.title.size);
    shape(doc_.meta.issuer + doc_.meta.date + doc_.meta.note, spec_.cover.line.role, spec_.cover.line.size);
    return sets;
  }

  // --- the page-number loop ----------------------------------------------------

  static std::map<std::string, std::string> page_map(const Pages& pages) {
    std::map<std::string, std::string> m;
    for (const auto& [id, a] : pages.anchors) {
      const Page& p = pages.pages[a.page];
      m[id] = page_number_text(p.number, p.style);
    }
    return m;
  }

  Pages place_all(DiagnosticSink& pass_sink) {
    pass_sink_ = &pass_sink;
    pages_ = Pages();
    pages_.width = spec_.page_width;
    pages_.height = spec_.page_height;
    full_.clear();
    bottoms_.clear();
    glue_.clear();
    page_open_ = false;
    cursor_ = 0;
    pending_.clear();
    // Front matter (roman numbers) runs to the last contents list; the body
    // starts on a new page numbered 1.
    size_t last_contents = SIZE_MAX;
    for (size_t i = 0; i < prepared_.size(); ++i)
      if (prepared_[i].block->kind == doc::BlockKind::Contents) last_contents = i;
    style_ = last_contents == SIZE_MAX ? NumberStyle::Arabic : NumberStyle::Roman;
    next_number_ = 1;
    if (spec_.cover_page && !doc_.meta.title.empty()) {
      NumberStyle after = style_;
      cover();
      style_ = after;
    }
    for (size_t i = 0; i < prepared_.size(); ++i) {
      place(prepared_[i]);
      if (i == last_contents) {
        flush_pending();
        page_open_ = false;  // the body starts on a new page …
        style_ = NumberStyle::Arabic;
        next_number_ = 1;    // … numbered 1
      }
    }
    flush_pending();
    if (pages_.pages.empty()) new_page(false);
    bottoms_.push_back(cursor_);
    full_.push_back(false);
    for (size_t i = 0; i < pages_.pages.size(); ++i) justify_vertically(i);
    for (auto& page : pages_.pages) decorate(page);
    return std::move(pages_);
  }

  // --- pages and the cursor ----------------------------------------------------

  double page_top() const { return spec_.page_height - spec_.margin_top; }
  double y_at(double cursor) const { return page_top() - cursor; }
  bool fits(double h, double reserve = 0) const { return cursor_ + h <= spec_.type_height() - reserve + kEpsilon; }
  Page& page() { return pages_.pages.back(); }

  /// Starts a new page. OVERFLOW: the previous page ended because the next
  /// thing did not fit (so it is full and its bottom is justified).
  void new_page(bool overflow) {
    if (static_cast<int>(pages_.pages.size()) >= spec_.max_pages) throw TooManyPages{};
    if (!pages_.pages.empty()) {
      bottoms_.push_back(cursor_);
      full_.push_back(overflow && !inside_box_);
    }
    pages_.pages.emplace_back();
    page().style = style_;
    page().number = style_ == NumberStyle::None ? 0 : next_number_++;
    glue_.emplace_back();
    cursor_ = 0;
    page_open_ = true;
  }

  void ensure_page() {
    if (!page_open_) new_page(false);
  }

  /// Vertical space that vanishes at a page top and may stretch on a full page.
  void space(double h) {
    if (cursor_ <= kEpsilon) return;
    if (h > kEpsilon) glue_.back().push_back({cursor_, h});
    cursor_ += h;
  }

  void anchor(const std::string& id, const std::string& title, int level) {
    pages_.anchors[id] = {static_cast<int>(pages_.pages.size() - 1), y_at(cursor_), title, level};
    if (level > 0) pages_.outline.push_back(id);
  }

  // --- blocks ----------------------------------------------------------------

  /// What must fit below a heading for it to stay on this page.
  double keep_height(const PreparedBlock& p) const {
    switch (p.block->kind) {
      case doc::BlockKind::Paragraph: {
        const TextBlock& t = p.texts[0];
        return std::min<size_t>(2, t.lines.size()) * t.line_height;
      }
      case doc::BlockKind::Table: {
        const TableLayout& t = *p.table;
        return p.space_before + t.caption.height() + t.header_height() + (t.body_heights.empty() ? 0 : t.body_heights[0]);
      }
      case doc::BlockKind::Case: {
        const CaseStyle& cs = spec_.case_box;
        double h = p.space_before + 2 * (cs.padding + cs.frame_width) + p.texts[0].height();
        if (p.texts.size() > 2) h += std::min<size_t>(2, p.texts[2].lines.size()) * p.texts[2].line_height;
        return h;
      }
      default:
        return 0;
    }
  }

  void place(const PreparedBlock& p) {
    const doc::Block& b = *p.block;
    placing = b.span;
    switch (b.kind) {
      case doc::BlockKind::Heading:
        pending_.push_back(&p);
        return;
      case doc::BlockKind::PageBreak:
        flush_pending();
        page_open_ = false;
        return;
      case doc::BlockKind::Contents:
        flush_pending();
        for (doc::ContentsKind kind : b.contents) contents_list(kind);
        page_open_ = false;
        return;
      default:
        break;
    }
    // Headings keep with what follows them.
    if (!pending_.empty()) {
      ensure_page();
      double need = keep_height(p);
      for (const PreparedBlock* h : pending_) need += (cursor_ > 0 ? h->space_before : 0) + h->texts[0].height() + h->space_after;
      if (!fits(need) && cursor_ > kEpsilon) new_page(true);
      flush_pending();
    }
    switch (b.kind) {
      case doc::BlockKind::Paragraph:
        ensure_page();
        space(p.space_before);
        place_lines(p.texts[0], spec_.margin_left, 0, {});
        cursor_ += p.space_after;
        break;
      case doc::BlockKind::Table:
        place_table(p);
        break;
      case doc::BlockKind::Case:
        place_case(p);
        break;
      default:
        break;
    }
  }

  void flush_pending() {
    for (const PreparedBlock* h : pending_) {
      ensure_page();
      const doc::Block& b = *h->block;
      if (b.level == 1 && b.number.empty() && cursor_ > kEpsilon && style_ == NumberStyle::Roman) new_page(false);
      space(h->space_before);
      if (!fits(h->texts[0].height())) new_page(true);
      std::string title = b.counters.empty() ? doc::plain_text(b.runs) : heading_label(b) + " " + doc::plain_text(b.runs);
      anchor(b.id, title, b.level);
      place_lines(h->texts[0], spec_.margin_left, 0, {});
      cursor_ += h->space_after;
    }
    pending_.clear();
  }

  /// Places the lines of T at the cursor, breaking pages as needed: never one
  /// line of a paragraph alone at a page's foot (orphan) or head (widow).
  /// RESERVE keeps that much free at the page foot; ON_BREAK runs before and
  /// after each page break (true: before, false: after).
  void place_lines(const TextBlock& t, double x, double reserve, const std::function<void(bool)>& on_break) {
    const size_t n = t.lines.size();
    size_t i = 0;
    while (i < n) {
      ensure_page();
      double room = spec_.type_height() - reserve - cursor_;
      size_t fit = room < 0 ? 0 : static_cast<size_t>(std::floor(room / t.line_height + kEpsilon));
      size_t left = n - i;
      size_t take = std::min(fit, left);
      if (take < left) {
        if (left - take < 2) take = left >= 2 ? left - 2 : 0;  // no widow
        if (i == 0 && take < 2) take = 0;                      // no orphan
        if (take == 0 && cursor_ <= kEpsilon) take = std::max<size_t>(1, std::min(fit, left));  // the page is empty: place what fits
      }
      for (size_t k = 0; k < take; ++k, ++i) {
        double baseline = y_at(cursor_ + baseline_in_box(t.line_height, t.size));
        draw_line(page(), t, i, x, baseline);
        report_line(t, i);
        cursor_ += t.line_height;
      }
      if (i < n) {
        if (on_break) on_break(true);
        new_page(true);
        if (on_break) on_break(false);
      }
    }
  }

  void report_line(const TextBlock& t, size_t i) {
    const compose::Line& line = t.lines[i];
    int number = page().number;
    if (line.overfull)
      pass_sink_->warning(t.span, fmt::format("line {} of this paragraph (page {}) is overfull by {:.2f}pt", i + 1,
                                              page_number_text(number, page().style), line.width_pt - t.width),
                          {"rephrase, or allow a break in the long word or number"});
    if (line.forced_break)
      pass_sink_->warning(t.span, fmt::format("line {} of this paragraph (page {}) breaks where the line-breaking "
                                              "rules prohibit it", i + 1, page_number_text(number, page().style)));
  }

  // --- tables ------------------------------------------------------------------

  void place_table(const PreparedBlock& p) {
    const TableLayout& t = *p.table;
    const TableStyle& st = spec_.table;
    const doc::Table& table = *t.table;
    ensure_page();
    space(p.space_before);
    // The caption never stays alone at a page foot: it goes with the header
    // and two rows; a short table (up to 6 rows) that fits a page is kept whole.
    double whole = t.caption.height() + t.header_height();
    for (double h : t.body_heights) whole += h;
    double start = t.caption.height() + t.header_height();
    for (int r = 0; r < std::min(2, table.body_rows); ++r) start += t.body_heights[r];
    if (table.body_rows <= 6 && whole <= spec_.type_height()) start = whole;
    if (!fits(start) && cursor_ > kEpsilon) new_page(true);
    anchor(table.id, fmt::format("{} {}", table.label, table.caption), 0);
    const double x0 = spec_.margin_left + (spec_.type_width() - t.width()) / 2;
    int row = 0;
    bool continued = false;
    while (true) {
      const TextBlock& caption = continued ? t.continued_caption : t.caption;
      for (size_t i = 0; i < caption.lines.size(); ++i) {
        draw_line(page(), caption, i, spec_.margin_left, y_at(cursor_ + baseline_in_box(caption.line_height, caption.size)));
        cursor_ += caption.line_height;
      }
      double top = cursor_;
      // Header rows, on every page the table spans.
      std::vector<double> header_y(table.header_rows + 1, top);
      for (int r = 0; r < table.header_rows; ++r) header_y[r + 1] = header_y[r] + t.header_heights[r];
      if (table.header_rows > 0)
        page().rects.push_back({x0, y_at(header_y.back()), t.width(), header_y.back() - top, true, st.header_fill});
      for (size_t i = 0; i < table.header.size(); ++i)
        draw_cell(table.header[i], t.header_text[i], header_y, 0, table.header_rows, x0, t);
      cursor_ = header_y.back();
      // Body rows while they fit (at least one on a page), leaving no single
      // row alone on the continuation.
      int first = row;
      while (row < table.body_rows && (fits(t.body_heights[row]) || row == first)) cursor_ += t.body_heights[row++];
      if (row == table.body_rows - 1 && row - first > 2) cursor_ -= t.body_heights[--row];
      std::vector<double> body_y(row - first + 1, header_y.back());
      for (int r = first; r < row; ++r) body_y[r - first + 1] = body_y[r - first] + t.body_heights[r];
      // The cells of rows [first, row): those starting there, and the
      // row-spanning ones that started above and reach into them.
      std::vector<size_t> cells;
      for (size_t i : t.spanning_cells)
        if (table.body[i].row < first && table.body[i].row + table.body[i].rowspan > first) cells.push_back(i);
      for (int r = first; r < row; ++r) cells.insert(cells.end(), t.body_cells_at[r].begin(), t.body_cells_at[r].end());
      for (size_t i : cells) draw_cell(table.body[i], t.body_text[i], body_y, first, row, x0, t);
      draw_grid(t, x0, header_y, body_y, first, row, cells);
      if (row >= table.body_rows) break;
      new_page(true);
      continued = true;
    }
    cursor_ += p.space_after;
  }

  /// Draws a cell's text centred vertically in the part of it between rows
  /// FIRST and LAST (a row-spanning label is repeated on a continuation).
  void draw_cell(const doc::TableCell& c, const TextBlock& text, const std::vector<double>& row_y, int first, int last,
                 double x0, const TableLayout& t) {
    int r0 = std::max(c.row, first), r1 = std::min(c.row + c.rowspan, last);
    if (r0 >= r1) return;
    double top = row_y[r0 - first], bottom = row_y[r1 - first];
    double y = top + (bottom - top - text.height()) / 2;
    double x = x0 + t.column_x[c.column] + spec_.table.padding_x;
    for (size_t i = 0; i < text.lines.size(); ++i)
      draw_line(page(), text, i, x, y_at(y + i * text.line_height + baseline_in_box(text.line_height, text.size)));
  }

  void draw_grid(const TableLayout& t, double x0, const std::vector<double>& header_y, const std::vector<double>& body_y,
                 int first, int last, const std::vector<size_t>& cells) {
    const TableStyle& st = spec_.table;
    const doc::Table& table = *t.table;
    const double top = header_y.front(), bottom = body_y.back();
    auto hline = [&](double cursor, double from, double to, double w) {
      page().rules.push_back({x0 + from, y_at(cursor), x0 + to, y_at(cursor), w});
    };
    auto vline = [&](double x, double c0, double c1) {
      page().rules.push_back({x0 + x, y_at(c0), x0 + x, y_at(c1), st.rule});
    };
    hline(top, 0, t.width(), st.frame);
    hline(bottom, 0, t.width(), st.frame);
    vline(0, top, bottom);
    vline(t.width(), top, bottom);
    auto cell_edges = [&](const doc::TableCell& c, const std::vector<double>& ys, int base, int r_end) {
      int r0 = std::max(c.row, base), r1 = std::min(c.row + c.rowspan, r_end);
      if (r0 >= r1) return;
      double c0 = ys[r0 - base], c1 = ys[r1 - base];
      if (c.column + c.colspan < table.columns) vline(t.column_x[c.column + c.colspan], c0, c1);
      if (c1 < bottom - kEpsilon) hline(c1, t.column_x[c.column], t.column_x[c.column + c.colspan], st.rule);
    };
    for (const auto& c : table.header) cell_edges(c, header_y, 0, table.header_rows);
    for (size_t i : cells) cell_edges(table.body[i], body_y, first, last);
  }

  // --- case boxes --------------------------------------------------------------

  void place_case(const PreparedBlock& p) {
    const CaseStyle& cs = spec_.case_box;
    const doc::Block& b = *p.block;
    const double inset = cs.padding + cs.frame_width;
    ensure_page();
    space(p.space_before);
    if (!fits(keep_height(p) - p.space_before) && cursor_ > kEpsilon) new_page(true);
    anchor(b.id, fmt::format("{}{} {}", cs.label, b.case_box->number, b.case_box->title), 0);
    double segment_top = cursor_;
    bool open_top = false;
    auto title = [&](const TextBlock& t) {
      cursor_ += inset;
      for (size_t i = 0; i < t.lines.size(); ++i) {
        draw_line(page(), t, i, spec_.margin_left + inset, y_at(cursor_ + baseline_in_box(t.line_height, t.size)));
        cursor_ += t.line_height;
      }
    };
    auto frame = [&](double top, double bottom, bool open_top_side, bool open_bottom_side) {
      Rect r{spec_.margin_left, y_at(bottom), spec_.type_width(), bottom - top, true, cs.fill, cs.frame_width, cs.frame,
             open_top_side || open_bottom_side ? 0 : cs.radius};
      r.top = !open_top_side;
      r.bottom = !open_bottom_side;
      page().rects.push_back(r);
    };
    title(p.texts[0]);
    // A page that breaks inside the box ends with the open frame at the foot
    // of the type area: it is not justified vertically.
    inside_box_ = true;
    for (size_t k = 2; k < p.texts.size(); ++k) {
      place_lines(p.texts[k], spec_.margin_left + inset, inset, [&](bool before) {
        if (before) {
          frame(segment_top, spec_.type_height(), open_top, true);  // open at the foot
        } else {
          segment_top = cursor_;
          open_top = true;
          title(p.texts[1]);  // 【案例分享N】…（续）
        }
      });
    }
    inside_box_ = false;
    cursor_ += inset;
    frame(segment_top, cursor_, open_top, false);
    cursor_ += p.space_after;
  }

  // --- contents lists ----------------------------------------------------------

  std::vector<ContentsEntry> entries(doc::ContentsKind kind) const {
    std::vector<ContentsEntry> out;
    for (const auto& b : doc_.blocks) {
      if (kind == doc::ContentsKind::Headings && b.kind == doc::BlockKind::Heading && b.in_contents &&
          b.level <= spec_.contents.levels) {
        std::string title = doc::plain_text(b.runs);
        out.push_back({b.counters.empty() ? title : heading_label(b) + " " + title, b.id, b.level});
      } else if (kind == doc::ContentsKind::Tables && b.kind == doc::BlockKind::Table) {
        out.push_back({b.table->label + " " + b.table->caption, b.id, 1});
      } else if (kind == doc::ContentsKind::Cases && b.kind == doc::BlockKind::Case) {
        out.push_back({fmt::format("{}{}：{}", spec_.case_box.label, b.case_box->number, b.case_box->title), b.id, 1});
      }
    }
    return out;
  }

  /// The page number a target is printed on, from the previous pass.
  std::string printed_page(const std::string& id) const {
    auto it = previous_pages_.find(id);
    return it == previous_pages_.end() ? "0" : it->second;
  }

  void contents_list(doc::ContentsKind kind) {
    const ContentsStyle& cs = spec_.contents;
    const std::string& title = kind == doc::ContentsKind::Headings ? cs.toc_title
                               : kind == doc::ContentsKind::Tables ? cs.tables_title
                                                                   : cs.cases_title;
    std::vector<ContentsEntry> list = entries(kind);
    page_open_ = false;
    ensure_page();
    TextBlock heading = compose_text({{title, cs.title.role, cs.title.size, {}}}, fonts_, spec_.compose, spec_.type_width(),
                                     0, cs.title.line_height, cs.title.size, compose::Justify::No, doc::Align::Center,
                                     *pass_sink_);
    anchor("contents-" + std::to_string(static_cast<int>(kind)), title, 1);
    place_lines(heading, spec_.margin_left, 0, {});

    const double em = cs.entry.size;
    const double number_width = 3 * em;  // the page-number column
    std::vector<TextBlock> blocks;
    for (auto& e : list) {
      double indent = (e.level - 1) * cs.indent_em * em;
      // Continuation lines hang at the width of the entry's number.
      DiagnosticSink quiet;
      std::string number = e.text.substr(0, e.text.find(' ') == std::string::npos ? 0 : e.text.find(' ') + 1);
      if (kind == doc::ContentsKind::Cases) number = e.text.substr(0, e.text.find("：") + std::string("：").size());
      auto shaped = text::shape_paragraph({{number, cs.entry.role, em, {}}}, fonts_, quiet);
      for (const auto& g : shaped.glyphs) e.hang += g.advance;
      double width = spec_.type_width() - indent - number_width - 2 * em;
      TextBlock tb = compose_text({{e.text, cs.entry.role, em, {}}}, fonts_, spec_.compose, width - e.hang, -e.hang,
                                  cs.entry.line_height, em, compose::Justify::No, doc::Align::Left, *pass_sink_);
      tb.left = indent + e.hang;
      blocks.push_back(std::move(tb));
    }
    // A list that would spill a few lines onto a page of their own is set up
    // to 10% tighter instead.
    double line_height = cs.entry.line_height;
    auto pages_needed = [&](double lh) {
      int pages = 1;
      double c = cursor_;
      for (const auto& tb : blocks) {
        double h = tb.lines.size() * lh;
        if (c + h > spec_.type_height() + kEpsilon) {
          ++pages;
          c = 0;
        }
        c += h;
      }
      return pages;
    };
    int base = pages_needed(line_height);
    for (double f = 0.995; f >= 0.9 - kEpsilon; f -= 0.005)
      if (pages_needed(cs.entry.line_height * f) < base) {
        line_height = cs.entry.line_height * f;
        break;
      }
    for (size_t k = 0; k < blocks.size(); ++k) {
      TextBlock& tb = blocks[k];
      tb.line_height = line_height;
      if (!fits(tb.height())) new_page(true);
      double top = cursor_;
      double x = spec_.margin_left;
      for (size_t i = 0; i < tb.lines.size(); ++i) {
        double baseline = y_at(cursor_ + baseline_in_box(line_height, em));
        draw_line(page(), tb, i, x, baseline);
        if (i + 1 == tb.lines.size()) leader_and_number(tb, i, list[k].target, baseline);
        cursor_ += line_height;
      }
      page().links.push_back({spec_.margin_left, y_at(cursor_), spec_.margin_left + spec_.type_width(), y_at(top), list[k].target});
    }
  }

  /// Dotted leader from the end of the entry's last line to its page number,
  /// the numbers right-aligned in one column; dots on a common grid.
  void leader_and_number(const TextBlock& tb, size_t line, const std::string& target, double baseline) {
    const ContentsStyle& cs = spec_.contents;
    const double em = cs.entry.size;
    std::string number = printed_page(target);
    auto shaped = text::shape_paragraph({{number, cs.entry.role, em, {}}}, fonts_, *pass_sink_);
    double w = 0;
    for (const auto& g : shaped.glyphs) w += g.advance;
    double right = spec_.margin_left + spec_.type_width();
    double x = right - w;
    for (const auto& g : shaped.glyphs) {
      page().runs.push_back({g.face, g.size, x, baseline,
                             {{g.gid, g.advance, shaped.text.substr(g.cluster, g.cluster_end - g.cluster)}}});
      x += g.advance;
    }
    double text_end = spec_.margin_left + tb.left + tb.lines[line].width_pt + 0.5 * em;
    double pitch = cs.leader_pitch;
    double start = right - std::floor((right - text_end) / pitch) * pitch;
    double end = right - w - 0.5 * em;
    if (end - start >= pitch)
      page().rules.push_back({start, baseline + 0.1 * em, end, baseline + 0.1 * em, 0.9, {}, pitch});
  }

  // --- the cover ---------------------------------------------------------------

  void cover() {
    style_ = NumberStyle::None;
    new_page(false);
    const CoverStyle& cs = spec_.cover;
    TextBlock title = compose_text({{doc_.meta.title, cs.title.role, cs.title.size, {}}}, fonts_, spec_.compose,
                                   spec_.type_width() * 0.8, 0, cs.title.line_height, cs.title.size,
                                   compose::Justify::No, doc::Align::Center, sink_);
    title.left = spec_.type_width() * 0.1;
    cursor_ = spec_.type_height() * 0.28;
    for (size_t i = 0; i < title.lines.size(); ++i) {
      draw_line(page(), title, i, spec_.margin_left, y_at(cursor_ + baseline_in_box(title.line_height, title.size)));
      cursor_ += title.line_height;
    }
    cursor_ = spec_.type_height() * 0.72;
    for (const std::string& line : {doc_.meta.issuer, doc_.meta.date, doc_.meta.note}) {
      if (line.empty()) continue;
      TextBlock t = compose_text({{line, cs.line.role, cs.line.size, {}}}, fonts_, spec_.compose, spec_.type_width(), 0,
                                 cs.line.line_height, cs.line.size, compose::Justify::No, doc::Align::Center, sink_);
      draw_line(page(), t, 0, spec_.margin_left, y_at(cursor_ + baseline_in_box(t.line_height, t.size)));
      cursor_ += t.line_height;
    }
    page_open_ = false;
  }

  // --- finishing ---------------------------------------------------------------

  /// Full pages end on the same baseline: a page that ended because the next
  /// thing did not fit is brought to the body text's grid bottom (as many
  /// body lines as the type area holds) by stretching its vertical spaces, up
  /// to three body lines, or shrinking them by up to half (TeX's \flushbottom).
  void justify_vertically(size_t index) {
    if (index >= full_.size() || !full_[index] || glue_[index].empty()) return;
    const double lh = spec_.body.line_height;
    const double grid_bottom = std::floor(spec_.type_height() / lh + kEpsilon) * lh;
    double delta = grid_bottom - bottoms_[index];
    const auto& glue = glue_[index];
    double total = 0;
    for (const auto& g : glue) total += g.size;
    if (std::abs(delta) <= kEpsilon || delta > 3 * lh || -delta > total / 2) return;
    auto shift = [&](double y) {  // how far content at PDF height y moves down
      double cursor = page_top() - y;
      double d = 0;
      for (const auto& g : glue)
        if (g.at <= cursor + kEpsilon) d += delta > 0 ? delta / glue.size() : delta * g.size / total;
      return d;
    };
    Page& p = pages_.pages[index];
    for (auto& r : p.runs) r.y -= shift(r.y + 0.5);
    for (auto& r : p.rules) {
      double d = shift(std::max(r.y0, r.y1) - kEpsilon);
      r.y0 -= d;
      r.y1 -= d;
    }
    for (auto& r : p.rects) r.y -= shift(r.y + r.h - kEpsilon);
    for (auto& l : p.links) {
      double d = shift(l.y1 - kEpsilon);
      l.y0 -= d;
      l.y1 -= d;
    }
    for (auto& [id, a] : pages_.anchors)
      if (a.page == static_cast<int>(index)) a.y -= shift(a.y - kEpsilon);
  }

  /// Running header (title and a rule) and the page number; none on the cover.
  void decorate(Page& page) {
    if (page.style == NumberStyle::None) return;
    double top = page_top();
    if (spec_.header_enabled && !doc_.meta.title.empty()) {
      TextBlock t = compose_text({{doc_.meta.title, spec_.header.role, spec_.header.size, {}}}, fonts_, spec_.compose,
                                 spec_.type_width(), 0, spec_.header.size, spec_.header.size, compose::Justify::No,
                                 doc::Align::Center, sink_);
      double y = top + spec_.header_offset;
      if (!t.lines.empty()) draw_line(page, t, 0, spec_.margin_left, y);
      page.rules.push_back({spec_.margin_left, y - 4, spec_.page_width - spec_.margin_right, y - 4, 0.5});
    }
    std::string number = page_number_text(page.number, page.style);
    std::string text = spec_.footer_format;
    if (size_t at = text.find("{}"); at != std::string::npos) text.replace(at, 2, number);
    // GB/T 9704 §7.5: odd pages right, even pages left, one character in from the type area's edge.
    doc::Align align = doc::Align::Center;
    double x = spec_.margin_left, width = spec_.type_width();
    if (spec_.footer_position == NumberPosition::Outside) {
      double one = spec_.grid_pitch > 0 ? spec_.grid_pitch : spec_.body.size;
      width -= one;
      if (page.number % 2 == 1) align = doc::Align::Right;
      else {
        align = doc::Align::Left;
        x += one;
      }
    }
    TextBlock n = compose_text({{text, spec_.footer.role, spec_.footer.size, {}}}, fonts_, spec_.compose, width, 0,
                               spec_.footer.size, spec_.footer.size, compose::Justify::No, align, sink_);
    if (!n.lines.empty()) draw_line(page, n, 0, x, spec_.margin_bottom - spec_.footer_offset);
  }

 public:
  void set_previous_pages(std::map<std::string, std::string> m) { previous_pages_ = std::move(m); }
  /// The block being placed when the page limit is reached (for the error).
  Span placing;

 private:
  const doc::Document& doc_;
  const LayoutSpec& spec_;
  const fonts::FontSet& fonts_;
  DiagnosticSink& sink_;
  DiagnosticSink* pass_sink_ = nullptr;
  std::vector<PreparedBlock> prepared_;
  std::map<std::string, std::string> previous_pages_;  ///< id → printed page, from the last pass

  Pages pages_;
  std::vector<bool> full_;                 ///< per page: ended because the next thing did not fit
  std::vector<double> bottoms_;            ///< per page: the cursor where its content ends
  struct Glue {
    double at = 0;    ///< cursor where the space starts
    double size = 0;  ///< its natural height, pt
  };
  std::vector<std::vector<Glue>> glue_;    ///< per page: stretchable spaces
  double cursor_ = 0;                      ///< pt used from the top of the type area
  bool page_open_ = false;
  bool inside_box_ = false;  ///< placing a case box's paragraphs
  NumberStyle style_ = NumberStyle::Arabic;
  int next_number_ = 1;
  std::vector<const PreparedBlock*> pending_;  ///< headings waiting for the block they keep with
};

}  // namespace

Pages paginate(const doc::Document& doc, const LayoutSpec& spec, const fonts::FontSet& fonts, DiagnosticSink& sink,
               const std::function<void(const GlyphSets&)>& on_shaped) {
  Paginator p(doc, spec, fonts, sink);
  try {
    return p.run(on_shaped);
  } catch (const TooManyPages&) {
    sink.error(p.placing.path.empty() ? Span{doc.blocks.empty() ? "" : doc.blocks.front().span.path, 0, 0} : p.placing,
               fmt::format("the document runs to more than {} pages", spec.max_pages),
               {"a table or text this long is more than one report: split it"});
    return Pages{};
  }
}

}  // namespace paiban::layout
