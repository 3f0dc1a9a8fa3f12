// The flow: blocks placed down the type area, pages broken, headings kept with what follows,
// no widows or orphans, full pages justified to the grid bottom.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "layout/paginator.h"

namespace paiban::layout {

/// Starts a new page. OVERFLOW: the previous page ended because the next
/// thing did not fit (so it is full and its bottom is justified).
void Paginator::new_page(bool overflow) {
  if (static_cast<int>(pages_.pages.size()) >= spec_->max_pages) throw TooManyPages{};
  if (!pages_.pages.empty()) {
    bottoms_.push_back(cursor_);
    full_.push_back(overflow && !inside_box_);
  }
  pages_.pages.emplace_back();
  page().landscape = spec_ == &landscape_;
  page().style = style_;
  page().number = style_ == NumberStyle::None ? 0 : next_number_++;
  glue_.emplace_back();
  page_notes_.emplace_back();
  note_height_ = 0;
  if (spec_->footnotes.numbering == FootnoteNumbering::Page) mark_counter_ = 0;
  carry_notes();
  cursor_ = 0;
  page_open_ = true;
  place_floats();
}

void Paginator::ensure_page() {
  if (!page_open_) new_page(false);
}

/// Vertical space that vanishes at a page top and may stretch on a full page.
void Paginator::space(double h) {
  if (cursor_ <= kEpsilon) return;
  if (h > kEpsilon) glue_.back().push_back({cursor_, h});
  cursor_ += h;
}

void Paginator::anchor(const std::string& id, const std::string& title, int level) {
  pages_.anchors[id] = {static_cast<int>(pages_.pages.size() - 1), y_at(cursor_), title, level};
  if (level > 0) pages_.outline.push_back(id);
}

/// The lines of a paragraph of N lines that place_lines puts on the page
/// where it starts, at the least: two, or all of a paragraph of three or
/// fewer (two and then one would leave a widow).
static size_t first_lines(size_t n) { return n <= 3 ? n : 2; }

/// What must fit below a heading for it to stay on this page: just what
/// placing the block would itself insist on having on the page, so that the
/// heading never ends up alone at its foot.
double Paginator::keep_height(const PreparedBlock& p, double above) const {
  switch (p.block->kind) {
    case doc::BlockKind::Paragraph: {
      const TextBlock& t = p.texts[0];
      return p.space_before + first_lines(t.lines.size()) * t.line_height;
    }
    case doc::BlockKind::Table:
      return p.space_before +
             table_start_height(*p.table, spec_->type_height() - cursor_ - above - (cursor_ + above > 0 ? p.space_before : 0));
    case doc::BlockKind::Case: {
      const CaseStyle& cs = spec_->case_box;
      double h = p.space_before + 2 * (cs.padding + cs.frame_width) + p.texts[0].height();
      if (p.texts.size() > 2) h += first_lines(p.texts[2].lines.size()) * p.texts[2].line_height;
      if (auto f = p.box_figures.find(2); f != p.box_figures.end()) h += spec_->figure.space_before + f->second.height;
      return h;
    }
    case doc::BlockKind::Figure:
      return p.space_before + p.figure->height;
    default:
      return 0;
  }
}

void Paginator::place(const PreparedBlock& p) {
  const doc::Block& b = *p.block;
  placing = b.span;
  switch (b.kind) {
    case doc::BlockKind::Heading:
      pending_.push_back(&p);
      return;
    case doc::BlockKind::PageBreak:
      flush_pending();
      while (!floats_.empty()) new_page(true);  // waiting figures stay before the break
      page_open_ = false;
      return;
    case doc::BlockKind::Contents:
      flush_pending();
      while (!floats_.empty()) new_page(true);
      for (doc::ContentsKind kind : b.contents) contents_list(kind);
      page_open_ = false;
      return;
    default:
      break;
  }
  // A landscape table starts its own pages, turned; the headings before it
  // go with it. The text after it starts a new upright page.
  const bool landscape = b.kind == doc::BlockKind::Table && p.table && p.table->landscape;
  if (landscape) {
    while (!floats_.empty()) new_page(true);  // waiting figures stay upright, before it
    spec_ = &landscape_;
    if (page_open_ && cursor_ <= kEpsilon && page().runs.empty() && page().rects.empty() && page().images.empty())
      page().landscape = true;  // an empty page turns
    else
      page_open_ = false;
  }
  // Headings keep with what follows them.
  if (!pending_.empty()) {
    ensure_page();
    // A chapter's figures stay in it: those still waiting go first, so that
    // the chapter's heading is kept on the page where it will stand.
    for (const PreparedBlock* h : pending_)
      if (h->block->level == 1)
        while (!floats_.empty()) new_page(true);
    double headings = 0;
    for (const PreparedBlock* h : pending_) headings += (cursor_ > 0 ? h->space_before : 0) + h->texts[0].height() + h->space_after;
    double need = keep_height(p, headings) + headings;
    // A one-line paragraph is too little to keep a heading company: the start of the block after it comes too.
    if (b.kind == doc::BlockKind::Paragraph && p.texts[0].lines.size() < 2 && next_ &&
        next_->block->kind != doc::BlockKind::Heading)
      need += keep_height(*next_, need);
    if (!fits(need) && cursor_ > kEpsilon) new_page(true);
    flush_pending();
  }
  switch (b.kind) {
    case doc::BlockKind::Paragraph:
      ensure_page();
      space(p.space_before);
      place_lines(p.texts[0], spec_->margin_left, 0, {});
      cursor_ += p.space_after;
      break;
    case doc::BlockKind::Table:
      place_table(p);
      if (landscape) {
        page_open_ = false;
        spec_ = &portrait_;
      }
      break;
    case doc::BlockKind::Case:
      place_case(p);
      break;
    case doc::BlockKind::Rule: {
      ensure_page();
      space(p.space_before);
      const RuleStyle& rs = spec_->rule;
      if (!fits(rs.width)) new_page(true);
      double w = spec_->type_width() * rs.length;
      double x = spec_->margin_left + (spec_->type_width() - w) / 2;
      double y = y_at(cursor_ + rs.width / 2);
      page().rules.push_back({x, y, x + w, y, rs.width, rs.color});
      cursor_ += rs.width;
      space(p.space_after);
      break;
    }
    case doc::BlockKind::Figure:
      place_figure(p);
      break;
    default:
      break;
  }
}

void Paginator::flush_pending() {
  for (const PreparedBlock* h : pending_) {
    ensure_page();
    const doc::Block& b = *h->block;
    if (b.level == 1 && b.number.empty() && cursor_ > kEpsilon && style_ == NumberStyle::Roman) new_page(false);
    if (b.level == 1 && spec_->footnotes.numbering == FootnoteNumbering::Chapter) mark_counter_ = 0;
    if (b.level == 1)
      while (!floats_.empty()) new_page(true);  // a chapter's figures stay in it
    space(h->space_before);
    if (!fits(h->texts[0].height())) new_page(true);
    std::string title = b.counters.empty() ? doc::plain_text(b.runs) : heading_label(b) + " " + doc::plain_text(b.runs);
    anchor(b.id, title, b.level);
    place_lines(h->texts[0], spec_->margin_left, 0, {});
    cursor_ += h->space_after;
  }
  pending_.clear();
}

/// Places the lines of T at the cursor, breaking pages as needed: never one
/// line of a paragraph alone at a page's foot (orphan) or head (widow).
/// RESERVE keeps that much free at the page foot; ON_BREAK runs before and
/// after each page break (true: before, false: after).
void Paginator::place_lines(const TextBlock& t, double x, double reserve, const std::function<void(bool)>& on_break) {
  const size_t n = t.lines.size();
  size_t i = 0;
  while (i < n) {
    ensure_page();
    // Lines fit while they, and the notes their marks bring, fit above the notes already here.
    size_t fit = 0;
    {
      double used = cursor_, notes = note_height_;
      std::vector<std::string> seen;
      while (i + fit < n) {
        double add = 0;
        if (!notes_.empty()) {
          std::vector<std::string> fresh;
          for (auto& m : footnote_marks(t, i + fit))
            if (std::find(seen.begin(), seen.end(), m) == seen.end()) fresh.push_back(m);
          add = notes_height(fresh);
          // notes_height counts the rule's space when this page has no notes yet: once only.
          if (add > 0 && note_height_ <= kEpsilon && notes > kEpsilon) add -= 2 * spec_->footnotes.space;
          seen.insert(seen.end(), fresh.begin(), fresh.end());
        }
        if (used + t.line_height + notes + add > spec_->type_height() - reserve + kEpsilon) break;
        used += t.line_height;
        notes += add;
        ++fit;
      }
    }
    size_t left = n - i;
    size_t take = std::min(fit, left);
    if (take < left) {
      if (left - take < 2) take = left >= 2 ? left - 2 : 0;  // no widow
      if (i == 0 && take < 2) take = 0;                      // no orphan
      if (take == 0 && cursor_ <= kEpsilon) take = std::max<size_t>(1, std::min(fit, left));  // the page is empty: place what fits
    }
    for (size_t k = 0; k < take; ++k, ++i) {
      double baseline = y_at(cursor_ + baseline_in_box(t.line_height, t.size));
      if (!notes_.empty()) register_notes(footnote_marks(t, i));
      draw_line(page(), t, i, x, baseline, decorations());
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

void Paginator::report_line(const TextBlock& t, size_t i) {
  const compose::Line& line = t.lines[i];
  int number = page().number;
  if (line.overfull)
    pass_sink_->warning(t.span, fmt::format("line {} of this paragraph (page {}) is overfull by {:.2f}pt", i + 1,
                                            page_number_text(number, page().style), line.width_pt - t.width),
                        {"rephrase, or allow a break in the long word or number"});
  if (line.loose && line.han_extra_pt > spec_->compose.han_stretch_max * t.size + 0.01)
    pass_sink_->warning(t.span, fmt::format("line {} of this paragraph (page {}) spreads its Chinese characters "
                                            "{:.2f} em apart (at most {:g} em)", i + 1,
                                            page_number_text(number, page().style), line.han_extra_pt / t.size,
                                            spec_->compose.han_stretch_max),
                        {"rephrase, or allow a break in the long word or number"});
  else if (line.loose)
    pass_sink_->warning(t.span, fmt::format("line {} of this paragraph (page {}) is underfull: its word spaces "
                                            "stretch past {:g} em", i + 1, page_number_text(number, page().style),
                                            spec_->compose.latin_space_emergency),
                        {"rephrase, or allow a break in the long word or number"});
  if (line.forced_break)
    pass_sink_->warning(t.span, fmt::format("line {} of this paragraph (page {}) breaks where the line-breaking "
                                            "rules prohibit it", i + 1, page_number_text(number, page().style)));
}

/// Full pages end on the same baseline: a page that ended because the next
/// thing did not fit is brought to the body text's grid bottom (as many
/// body lines as the type area holds) by stretching its vertical spaces, up
/// to three body lines, or shrinking them by up to half (TeX's \flushbottom).
void Paginator::justify_vertically(size_t index) {
  if (index >= full_.size() || !full_[index] || glue_[index].empty()) return;
  if (index < page_notes_.size() && !page_notes_[index].empty()) return;  // its foot holds notes
  const double lh = spec_->body.line_height;
  const double grid_bottom = std::floor(spec_->type_height() / lh + kEpsilon) * lh;
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
  for (auto& im : p.images) im.y -= shift(im.y + im.h - kEpsilon);
  for (auto& sh : p.shapes) {
    double top = -1e9;
    for (size_t k = 1; k < sh.points.size(); k += 2) top = std::max(top, sh.points[k]);
    double d = shift(top - kEpsilon);
    for (size_t k = 1; k < sh.points.size(); k += 2) sh.points[k] -= d;
  }
  for (auto& l : p.links) {
    double d = shift(l.y1 - kEpsilon);
    l.y0 -= d;
    l.y1 -= d;
  }
  for (auto& [id, a] : pages_.anchors)
    if (a.page == static_cast<int>(index)) a.y -= shift(a.y - kEpsilon);
  for (auto& t : p.trace) t.baseline -= shift(t.baseline + 0.5);  // as its glyph runs
}

}  // namespace paiban::layout
