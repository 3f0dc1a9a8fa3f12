// Pagination: prepared blocks → pages, repeated until page numbers settle.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "layout/paginator.h"

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

/// A layout that hyphenates, without patterns to do it, on a document with
/// Latin words long enough to break: one warning, naming where it looked.
void Paginator::warn_if_not_hyphenated() {
  if (!spec_->hyphenate || spec_->compose.hyphenator) return;
  auto long_word = [](const std::string& text) {
    int run = 0;
    for (char c : text) {
      run = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ? run + 1 : 0;
      if (run >= 5) return true;
    }
    return false;
  };
  for (const auto& b : prepared_)
    for (const auto& t : b.texts)
      if (long_word(t.shaped.text)) {
        std::vector<std::string> where = compose::hyphen_dictionary_candidates();
        const char* env = std::getenv("PAIBAN_HYPHENATION");
        sink_.warning(t.span,
                      fmt::format("Latin words are not hyphenated: no hyphenation patterns could be read from {}",
                                  env ? fmt::format("\"{}\" (PAIBAN_HYPHENATION)", env) : fmt::format("{}", fmt::join(where, ", "))),
                      {"install the hyphen-en-us package, point PAIBAN_HYPHENATION at a .dic file, or set composition: "
                       "hyphenate: false in the layout"});
        return;
      }
}

Pages Paginator::run(const std::function<void(const GlyphSets&)>& on_shaped) {
  auto t0 = std::chrono::steady_clock::now();
  prepare();
  warn_if_not_hyphenated();
  if (on_shaped) on_shaped(expected_glyphs());
  auto t1 = std::chrono::steady_clock::now();
  if (std::getenv("PAIBAN_TIMINGS"))
    std::fprintf(stderr, "paiban:   shape and compose %.2f ms\n", std::chrono::duration<double, std::milli>(t1 - t0).count());
  std::map<std::string, std::string> previous;
  Pages pages;
  DiagnosticSink pass_sink;
  int pass = 0;
  for (; pass < spec_->max_passes; ++pass) {
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
  if (pass == spec_->max_passes) {
    std::vector<std::string> moving;
    for (const auto& [id, page] : page_map(pages))
      if (previous.count(id) && previous[id] != page) moving.push_back(id);
    sink_.warning({doc_.blocks.empty() ? "" : doc_.blocks.front().span.path, 0, 0},
                  fmt::format("page numbers did not settle after {} passes", spec_->max_passes),
                  {fmt::format("still moving: {}", fmt::join(moving, ", "))});
  }
  for (const auto& d : pass_sink.all()) sink_.add(d);
  pages.helper_cpu_ms = helper_cpu_ms_;
  return pages;
}

std::map<std::string, std::string> Paginator::page_map(const Pages& pages) {
  std::map<std::string, std::string> m;
  for (const auto& [id, a] : pages.anchors) {
    const Page& p = pages.pages[a.page];
    m[id] = page_number_text(p.number, p.style);
  }
  return m;
}

Pages Paginator::place_all(DiagnosticSink& pass_sink) {
  pass_sink_ = &pass_sink;
  spec_ = &portrait_;
  pages_ = Pages();
  pages_.width = spec_->page_width;
  pages_.height = spec_->page_height;
  pages_.cover_label = spec_->labels.cover;
  page_notes_.clear();
  carried_notes_.clear();
  mark_numbers_.clear();
  mark_counter_ = 0;
  note_height_ = 0;
  full_.clear();
  bottoms_.clear();
  glue_.clear();
  page_open_ = false;
  cursor_ = 0;
  pending_.clear();
  floats_.clear();
  // Front matter (roman numbers) runs to the last contents list; the body
  // starts on a new page numbered 1.
  size_t last_contents = SIZE_MAX;
  for (size_t i = 0; i < prepared_.size() && !notice(); ++i)
    if (prepared_[i].block->kind == doc::BlockKind::Contents) last_contents = i;
  style_ = last_contents == SIZE_MAX ? NumberStyle::Arabic : NumberStyle::Roman;
  next_number_ = 1;
  if (notice()) {
    notice_head();  // a notice has no cover: its head and title open page 1
  } else if (spec_->cover_page && !doc_.meta.title.empty()) {
    NumberStyle after = style_;
    cover();
    style_ = after;
  }
  bool closed = false;  // a notice's signature block is placed
  for (size_t i = 0; i < prepared_.size(); ++i) {
    next_ = i + 1 < prepared_.size() ? &prepared_[i + 1] : nullptr;
    if (notice() && prepared_[i].block->kind == doc::BlockKind::Contents) continue;
    if (notice() && prepared_[i].block->attachment > 0) {
      // The 附件 follow the signature, each from a new page; the 版记 comes after them.
      flush_pending();
      while (!floats_.empty()) new_page(true);
      if (!closed) notice_close();
      closed = true;
      notice_attachment(*prepared_[i].block);
      continue;
    }
    place(prepared_[i]);
    if (i == last_contents) {
      flush_pending();
      page_open_ = false;  // the body starts on a new page …
      style_ = NumberStyle::Arabic;
      next_number_ = 1;    // … numbered 1
    }
  }
  flush_pending();
  while (!floats_.empty()) new_page(true);
  if (notice()) {
    if (!closed) notice_close();
    notice_foot();
  }
  if (pages_.pages.empty()) new_page(false);
  bottoms_.push_back(cursor_);
  full_.push_back(false);
  // Each page in its own geometry (a landscape table's pages turned).
  for (size_t i = 0; i < pages_.pages.size(); ++i) {
    spec_ = pages_.pages[i].landscape ? &landscape_ : &portrait_;
    justify_vertically(i);
    draw_footnotes(i);
    decorate(pages_.pages[i]);
  }
  spec_ = &portrait_;
  return std::move(pages_);
}

namespace {
thread_local bool tracing_on = false;
}  // namespace

Tracing::Tracing() : previous_(tracing_on) { tracing_on = true; }
Tracing::~Tracing() { tracing_on = previous_; }
bool Tracing::on() { return tracing_on; }

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
