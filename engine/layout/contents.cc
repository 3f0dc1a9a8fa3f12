// Contents lists: 目录, 表目录, 案例目录 with hanging entries, dotted leaders and page numbers.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "layout/paginator.h"

namespace paiban::layout {

/// Whether a contents block asks for 附表目录: then 表目录 leaves the 附表 to it.
static bool lists_appendix_tables(const doc::Document& doc) {
  for (const auto& b : doc.blocks)
    if (b.kind == doc::BlockKind::Contents &&
        std::find(b.contents.begin(), b.contents.end(), doc::ContentsKind::AppendixTables) != b.contents.end())
      return true;
  return false;
}

std::vector<ContentsEntry> Paginator::entries(doc::ContentsKind kind) const {
  std::vector<ContentsEntry> out;
  const bool appendix_apart = kind == doc::ContentsKind::Tables && lists_appendix_tables(doc_);
  for (const auto& b : doc_.blocks) {
    if (kind == doc::ContentsKind::Headings && b.kind == doc::BlockKind::Heading && b.in_contents &&
        b.level <= spec_->contents.levels) {
      std::string title = doc::plain_text(b.runs);
      std::string number = b.counters.empty() ? "" : heading_label(b) + " ";
      out.push_back({number + title, b.id, b.level, 0, number});
    } else if (b.kind == doc::BlockKind::Table &&
               ((kind == doc::ContentsKind::Tables && !(appendix_apart && b.table->appendix)) ||
                (kind == doc::ContentsKind::AppendixTables && b.table->appendix))) {
      out.push_back({b.table->label + " " + b.table->caption, b.id, 1, 0, b.table->label + " "});
    } else if (kind == doc::ContentsKind::Cases && b.kind == doc::BlockKind::Case) {
      std::string label = spec_->labels.case_label + std::to_string(b.case_box->number);
      std::string text = fmt::format(fmt::runtime(spec_->labels.case_entry), label, b.case_box->title);
      // The entry hangs at the width of what comes before the title (案例分享1：).
      std::string number = text.size() >= b.case_box->title.size() ? text.substr(0, text.size() - b.case_box->title.size()) : label;
      out.push_back({text, b.id, 1, 0, number});
    } else if (kind == doc::ContentsKind::Figures && b.kind == doc::BlockKind::Figure) {
      out.push_back({b.figure->label + " " + b.figure->caption, b.id, 1});
    } else if (kind == doc::ContentsKind::Figures && b.kind == doc::BlockKind::Case) {
      for (const auto& child : b.case_box->blocks)
        if (child.kind == doc::BlockKind::Figure) out.push_back({child.figure->label + " " + child.figure->caption, child.id, 1});
    }
  }
  return out;
}

/// The page number a target is printed on, from the previous pass.
std::string Paginator::printed_page(const std::string& id) const {
  auto it = previous_pages_.find(id);
  return it == previous_pages_.end() ? "0" : it->second;
}

void Paginator::contents_list(doc::ContentsKind kind) {
  const ContentsStyle& cs = spec_->contents;
  const std::string& title = kind == doc::ContentsKind::Headings ? spec_->labels.toc
                             : kind == doc::ContentsKind::Tables ? spec_->labels.tables
                             : kind == doc::ContentsKind::Figures ? spec_->labels.figures
                             : kind == doc::ContentsKind::AppendixTables ? spec_->labels.appendix_tables
                                                                 : spec_->labels.cases;
  std::vector<ContentsEntry> list = entries(kind);
  page_open_ = false;
  ensure_page();
  TextBlock heading = compose_text({{title, cs.title.role, cs.title.size, {}}}, fonts_, spec_->compose, spec_->type_width(),
                                   0, cs.title.line_height, cs.title.size, compose::Justify::No, doc::Align::Center,
                                   *pass_sink_);
  anchor("contents-" + std::to_string(static_cast<int>(kind)), title, 1);
  place_lines(heading, spec_->margin_left, 0, {});

  const double em = cs.entry.size;
  const double number_width = 3 * em;  // the page-number column
  std::vector<TextBlock> blocks;
  for (auto& e : list) {
    double indent = (e.level - 1) * cs.indent_em * em;
    // Continuation lines hang at the width of the entry's number.
    DiagnosticSink quiet;
    auto shaped = text::shape_paragraph({{e.number, cs.entry.role, em, {}}}, fonts_, quiet);
    for (const auto& g : shaped.glyphs) e.hang += g.advance;
    double width = spec_->type_width() - indent - number_width - 2 * em;
    TextBlock tb = compose_text({{e.text, cs.entry.role, em, {}}}, fonts_, spec_->compose, width - e.hang, -e.hang,
                                cs.entry.line_height, em, compose::Justify::No, doc::Align::Left, *pass_sink_);
    tb.left = indent + e.hang;
    if (Tracing::on()) tb.trace = "toc:" + e.target;
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
      if (c + h > spec_->type_height() + kEpsilon) {
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
    double x = spec_->margin_left;
    for (size_t i = 0; i < tb.lines.size(); ++i) {
      double baseline = y_at(cursor_ + baseline_in_box(line_height, em));
      draw_line(page(), tb, i, x, baseline);
      if (i + 1 == tb.lines.size()) leader_and_number(tb, i, list[k].target, baseline);
      cursor_ += line_height;
    }
    page().links.push_back({spec_->margin_left, y_at(cursor_), spec_->margin_left + spec_->type_width(), y_at(top), list[k].target});
  }
}

/// Dotted leader from the end of the entry's last line to its page number,
/// the numbers right-aligned in one column; dots on a common grid.
void Paginator::leader_and_number(const TextBlock& tb, size_t line, const std::string& target, double baseline) {
  const ContentsStyle& cs = spec_->contents;
  const double em = cs.entry.size;
  std::string number = printed_page(target);
  auto shaped = text::shape_paragraph({{number, cs.entry.role, em, {}}}, fonts_, *pass_sink_);
  double w = 0;
  for (const auto& g : shaped.glyphs) w += g.advance;
  double right = spec_->margin_left + spec_->type_width();
  double x = right - w;
  if (Tracing::on()) page().trace.push_back({"tocnum:" + target, 0, x, right, baseline, em, {}});
  for (const auto& g : shaped.glyphs) {
    page().runs.push_back({g.face, g.size, x, baseline,
                           {{g.gid, g.advance, shaped.text.substr(g.cluster, g.cluster_end - g.cluster)}}});
    x += g.advance;
  }
  double text_end = spec_->margin_left + tb.left + tb.lines[line].width_pt + 0.5 * em;
  double pitch = cs.leader_pitch;
  double start = right - std::floor((right - text_end) / pitch) * pitch;
  double end = right - w - 0.5 * em;
  if (end - start >= pitch)
    page().rules.push_back({start, baseline + 0.1 * em, end, baseline + 0.1 * em, 0.9, {}, pitch});
}

}  // namespace paiban::layout
