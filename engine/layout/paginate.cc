#include "layout/paginate.h"

#include <algorithm>

#include <fmt/format.h>

#include "compose/compose.h"
#include "text/shape.h"

namespace paiban::layout {
namespace {

/// Where the baseline sits in a line box: centred text of SIZE in a box of
/// LINE_HEIGHT, with the em box's baseline at 0.88 em (CJK faces' ideographic
/// em box is 0.88 / 0.12 around the baseline).
double baseline_in_box(double line_height, double size) { return (line_height - size) / 2 + 0.88 * size; }

struct ComposedBlock {
  Span span;  ///< the source block, for warnings
  text::ShapedParagraph shaped;
  std::vector<compose::Line> lines;
  double line_height = 0;
  double size = 0;
  double left = 0;  ///< pt from the type area's left edge
  double space_before = 0, space_after = 0;
  bool heading = false;
};

class Paginator {
 public:
  Paginator(const LayoutSpec& spec, const fonts::FontSet& fonts, DiagnosticSink& sink)
      : spec_(spec), fonts_(fonts), sink_(sink) {
    pages_.width = spec.page_width;
    pages_.height = spec.page_height;
  }

  void title(const doc::Metadata& meta) {
    if (meta.title.empty()) return;
    std::vector<text::StyledText> t{{meta.title, spec_.title.role, spec_.title.size, {}}};
    ComposedBlock b = compose(t, spec_.title.line_height, spec_.title.size, 0, 0, 0, 0, spec_.type_width(),
                              compose::Justify::No);
    b.space_after = spec_.title.size;
    center(b, spec_.type_width());
    place(b);
  }

  void block(const doc::Block& block) {
    if (block.kind == doc::BlockKind::Heading) {
      const HeadingStyle& h = spec_.headings[std::clamp(block.level, 1, 4) - 1];
      std::vector<text::StyledText> t;
      if (!block.number.empty()) t.push_back({block.number + " ", h.text.role, h.text.size, block.span});
      for (const auto& r : block.runs) t.push_back({r.text, h.text.role, h.text.size, r.span});
      ComposedBlock b = compose(t, h.text.line_height, h.text.size, 0, 0, h.space_before, h.space_after,
                                spec_.type_width(), compose::Justify::No);
      b.heading = true;
      pending_headings_.push_back(std::move(b));
      return;
    }
    std::vector<text::StyledText> t;
    for (const auto& r : block.runs) {
      std::string role = spec_.body.role;
      if (source::has(r.style, source::InlineStyle::Strong)) role = spec_.strong_role;
      else if (source::has(r.style, source::InlineStyle::Emphasis)) role = spec_.emphasis_role;
      t.push_back({r.text, role, spec_.body.size, r.span});
    }
    double em = spec_.body.size;
    double left = block.list_depth * spec_.list_indent_em * em;
    // Every body paragraph's first line is indented, unless it resumes text after a table or box.
    double indent = block.list_depth == 0 && !block.continuation ? spec_.paragraph_indent_em * em : 0;
    ComposedBlock b = compose(t, spec_.body.line_height, spec_.body.size, left, indent, 0, spec_.paragraph_space,
                              spec_.type_width() - left, compose::Justify::Yes);
    if (!block.marker.empty()) add_marker(b, block.marker, left);
    // Headings keep with (at most) two lines of what follows them.
    if (!pending_headings_.empty()) {
      double needed = std::min<size_t>(2, b.lines.size()) * b.line_height;
      for (const auto& h : pending_headings_) needed += height_of(h);
      if (page_open_ && cursor_ > 0 && cursor_ + needed > spec_.type_height() + 1e-6) new_page();
      for (const auto& h : pending_headings_) place(h);
      pending_headings_.clear();
    }
    place(b);
  }

  Pages finish() {
    for (const auto& h : pending_headings_) place(h);
    pending_headings_.clear();
    if (pages_.pages.empty()) new_page();
    for (auto& page : pages_.pages) decorate(page);
    return std::move(pages_);
  }

  void set_running_title(std::string title) { running_title_ = std::move(title); }

 private:
  ComposedBlock compose(const std::vector<text::StyledText>& texts, double line_height, double size, double left,
                        double first_indent, double before, double after, double width, compose::Justify justify) {
    ComposedBlock b;
    b.span = texts.empty() ? Span{} : texts.front().span;
    b.shaped = text::shape_paragraph(texts, fonts_, sink_);
    compose::ComposeSettings settings = spec_.compose;
    settings.width_pt = width;
    settings.first_indent_pt = first_indent;
    settings.em_pt = size;
    settings.justify = justify;
    b.lines = compose::compose_paragraph(b.shaped, fonts_, settings);
    b.line_height = line_height;
    b.size = size;
    b.left = left;
    b.space_before = before;
    b.space_after = after;
    return b;
  }

  static void center(ComposedBlock& b, double width) {
    for (auto& l : b.lines)
      for (double& x : l.x) x += (width - l.width_pt) / 2;
  }

  void add_marker(ComposedBlock& b, const std::string& marker, double left) {
    std::vector<text::StyledText> t{{marker, spec_.body.role, spec_.body.size, {}}};
    auto shaped = text::shape_paragraph(t, fonts_, sink_);
    double x = left - spec_.list_indent_em * spec_.body.size * 0.75;
    marker_ = {std::move(shaped), x};
  }

  double height_of(const ComposedBlock& b) const {
    return b.space_before + b.lines.size() * b.line_height + b.space_after;
  }

  void new_page() {
    pages_.pages.emplace_back();
    pages_.pages.back().number = static_cast<int>(pages_.pages.size());
    cursor_ = 0;
    page_open_ = true;
  }

  void place(const ComposedBlock& b) {
    if (!page_open_) new_page();
    if (cursor_ > 0) cursor_ += b.space_before;  // space above a block vanishes at a page top
    bool first_line = true;
    for (size_t i = 0; i < b.lines.size(); ++i) {
      const compose::Line& line = b.lines[i];
      if (cursor_ + b.line_height > spec_.type_height() + 1e-6 && cursor_ > 0) new_page();
      double baseline = spec_.page_height - spec_.margin_top - cursor_ - baseline_in_box(b.line_height, b.size);
      emit_line(b, line, spec_.margin_left + b.left, baseline);
      report_line(b, line, i);
      if (first_line && marker_) {
        emit_glyphs(pages_.pages.back(), marker_->shaped, spec_.margin_left + marker_->x, baseline);
        marker_.reset();
      }
      first_line = false;
      cursor_ += b.line_height;
    }
    cursor_ += b.space_after;
  }

  /// One GlyphRun per stretch of one face and size; advances from the composer's pen positions.
  void emit_line(const ComposedBlock& b, const compose::Line& line, double x, double baseline) {
    Page& page = pages_.pages.back();
    GlyphRun* run = nullptr;
    const auto& glyphs = b.shaped.glyphs;
    for (size_t i = line.glyph_begin; i < line.glyph_end; ++i) {
      const auto& g = glyphs[i];
      size_t k = i - line.glyph_begin;
      if (!run || run->face != g.face || run->size != g.size) {
        page.runs.push_back({g.face, g.size, x + line.x[k], baseline, {}});
        run = &page.runs.back();
      }
      double advance = i + 1 < line.glyph_end ? line.x[k + 1] - line.x[k] : g.advance;
      std::string text = g.first_in_cluster ? b.shaped.text.substr(g.cluster, g.cluster_end - g.cluster) : std::string();
      run->glyphs.push_back({g.gid, advance, std::move(text)});
    }
  }

  /// What the composer could not avoid becomes a warning with page and line.
  void report_line(const ComposedBlock& b, const compose::Line& line, size_t index) {
    int page = pages_.pages.back().number;
    if (line.overfull)
      sink_.warning(b.span, fmt::format("line {} of this paragraph (page {}) is overfull by {:.2f}pt", index + 1, page,
                                        line.width_pt - measure_of(b)),
                    {"rephrase, or allow a break in the long word or number"});
    if (line.forced_break)
      sink_.warning(b.span, fmt::format("line {} of this paragraph (page {}) breaks where the line-breaking rules "
                                        "prohibit it", index + 1, page));
  }

  double measure_of(const ComposedBlock& b) const { return spec_.type_width() - b.left; }

  /// Text set at its natural advances (markers, header, page number).
  static void emit_glyphs(Page& page, const text::ShapedParagraph& p, double x, double baseline) {
    GlyphRun* run = nullptr;
    for (const auto& g : p.glyphs) {
      if (!run || run->face != g.face || run->size != g.size) {
        page.runs.push_back({g.face, g.size, x, baseline, {}});
        run = &page.runs.back();
      }
      std::string text = g.first_in_cluster ? p.text.substr(g.cluster, g.cluster_end - g.cluster) : std::string();
      run->glyphs.push_back({g.gid, g.advance, std::move(text)});
      x += g.advance;
    }
  }

  /// Running header (title and a rule) and the page number.
  void decorate(Page& page) {
    double top = spec_.page_height - spec_.margin_top;
    double bottom = spec_.margin_bottom;
    if (!running_title_.empty()) {
      std::vector<text::StyledText> t{{running_title_, spec_.header.role, spec_.header.size, {}}};
      auto shaped = text::shape_paragraph(t, fonts_, sink_);
      double w = 0;
      for (const auto& g : shaped.glyphs) w += g.advance;
      double y = top + spec_.header_offset;
      emit_glyphs(page, shaped, spec_.margin_left + (spec_.type_width() - w) / 2, y);
      page.rules.push_back({spec_.margin_left, y - 4, spec_.page_width - spec_.margin_right, y - 4, 0.5});
    }
    std::vector<text::StyledText> t{{std::to_string(page.number), spec_.footer.role, spec_.footer.size, {}}};
    auto shaped = text::shape_paragraph(t, fonts_, sink_);
    double w = 0;
    for (const auto& g : shaped.glyphs) w += g.advance;
    emit_glyphs(page, shaped, spec_.margin_left + (spec_.type_width() - w) / 2,
                bottom - spec_.footer_offset);
  }

  struct Marker {
    text::ShapedParagraph shaped;
    double x = 0;
  };

  const LayoutSpec& spec_;
  const fonts::FontSet& fonts_;
  DiagnosticSink& sink_;
  Pages pages_;
  double cursor_ = 0;  ///< pt used from the top of the type area
  bool page_open_ = false;
  std::vector<ComposedBlock> pending_headings_;  ///< headings waiting for the block they keep with
  std::optional<Marker> marker_;
  std::string running_title_;
};

}  // namespace

Pages paginate(const doc::Document& doc, const LayoutSpec& spec, const fonts::FontSet& fonts, DiagnosticSink& sink) {
  Paginator p(spec, fonts, sink);
  p.set_running_title(doc.meta.title);
  p.title(doc.meta);
  for (const auto& block : doc.blocks) p.block(block);
  return p.finish();
}

}  // namespace paiban::layout
