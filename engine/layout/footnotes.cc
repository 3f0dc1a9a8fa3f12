// Footnotes: each note composed once with a placeholder mark; marks numbered
// as their lines are placed (①②③ restarting on every page by default); the
// notes set at the foot of the page where their mark falls, under a short
// rule, the body area shrinking to make room.
#include <hb.h>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "base/text_file.h"
#include "layout/paginator.h"

namespace paiban::layout {

std::string Paginator::mark_text(int number) const {
  if (spec_->footnotes.marks == FootnoteMarks::Arabic && number <= 9) return std::to_string(number);
  // ① … ⑳ (U+2460), ㉑ … ㉟ (U+3251), ㊱ … ㊿ (U+32B1).
  char32_t cp = number <= 20 ? 0x2460 + number - 1 : number <= 35 ? 0x3251 + number - 21 : 0x32B1 + number - 36;
  std::string s;
  s += static_cast<char>(0xE0 | (cp >> 12));
  s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  s += static_cast<char>(0x80 | (cp & 0x3F));
  return s;
}

void Paginator::prepare_footnotes() {
  const FootnoteStyle& fs = spec_->footnotes;
  for (const auto& [label, note] : doc_.footnotes) {
    std::vector<doc::InlineRun> runs;
    for (size_t i = 0; i < note.blocks.size(); ++i) {
      if (i > 0) runs.push_back({"", source::InlineStyle::Regular, note.span, doc::InlineKind::LineBreak});
      runs.insert(runs.end(), note.blocks[i].runs.begin(), note.blocks[i].runs.end());
    }
    InlineText it = inline_text(runs, {fs.text.role, spec_->strong_role, spec_->emphasis_role, fs.text.size, 1});
    std::string mark = kMarkPlaceholder;
    it.texts.insert(it.texts.begin(), {mark, fs.text.role, fs.text.size, note.span});
    for (auto& d : it.decorations) d.begin += mark.size(), d.end += mark.size();
    it.decorations.push_back({Decoration::Kind::FootnoteMark, 0, mark.size(), label, false});
    // Continuation lines hang under the note's text, past its mark.
    DiagnosticSink quiet;
    auto m = text::shape_paragraph({{mark, fs.text.role, fs.text.size, {}}}, fonts_, quiet);
    double hang = 0;
    for (const auto& g : m.glyphs) hang += g.advance;
    TextBlock tb = compose_text(it.texts, fonts_, spec_->compose, spec_->type_width() - hang, -hang, fs.text.line_height,
                                fs.text.size, compose::Justify::Yes, doc::Align::Left, sink_);
    tb.left = hang;
    tb.decorations = std::move(it.decorations);
    notes_.emplace(label, std::move(tb));
  }
  decoration_style_.link_color = spec_->links.color;
  decoration_style_.mark = [this](const std::string& label, fonts::FaceId face) -> std::pair<std::string, unsigned> {
    auto it = mark_numbers_.find(label);
    if (it == mark_numbers_.end()) return {"", 0};
    std::string text = mark_text(it->second);
    size_t i = 0;
    char32_t cp = next_code_point(text, i);
    hb_codepoint_t gid = 0;
    if (!hb_font_get_nominal_glyph(fonts_.face(face).hb_font, cp, &gid)) return {"", 0};
    return {text, gid};
  };
}

const DecorationStyle* Paginator::decorations() { return &decoration_style_; }

size_t Paginator::note_lines_per_page(const TextBlock& note) const {
  size_t most = static_cast<size_t>(std::floor(spec_->type_height() / 2 / note.line_height));
  return std::max<size_t>(1, std::min(most, note.lines.size()));
}

namespace {
bool holds(const std::vector<NotePart>& parts, const std::string& label) {
  return std::any_of(parts.begin(), parts.end(), [&](const auto& p) { return p.label == label; });
}
}  // namespace

double Paginator::notes_height(const std::vector<std::string>& labels) const {
  double h = 0;
  bool first = page_notes_.empty() || page_notes_.back().empty();
  for (const auto& label : labels) {
    auto it = notes_.find(label);
    if (it == notes_.end()) continue;
    if (!page_notes_.empty() && holds(page_notes_.back(), label)) continue;
    if (first) h += 2 * spec_->footnotes.space;
    first = false;
    h += note_lines_per_page(it->second) * it->second.line_height;
  }
  return h;
}

void Paginator::register_notes(const std::vector<std::string>& labels) {
  for (const auto& label : labels) {
    auto it = notes_.find(label);
    if (it == notes_.end()) continue;
    auto& on_page = page_notes_.back();
    if (holds(on_page, label) || mark_numbers_.count(label)) continue;
    note_height_ += notes_height({label});
    size_t take = note_lines_per_page(it->second);
    on_page.push_back({label, 0, take});
    if (take < it->second.lines.size()) carried_notes_.push_back({label, take, it->second.lines.size()});
    if (spec_->footnotes.numbering == FootnoteNumbering::Document) mark_numbers_[label] = doc_.footnotes.at(label).index;
    else mark_numbers_[label] = std::min(++mark_counter_, kMaxMarks);
  }
}

void Paginator::carry_notes() {
  if (carried_notes_.empty()) return;
  std::vector<NotePart> carried = std::move(carried_notes_);
  carried_notes_.clear();
  note_height_ = 2 * spec_->footnotes.space;
  for (auto part : carried) {
    const TextBlock& note = notes_.at(part.label);
    size_t take = std::min(part.to - part.from, note_lines_per_page(note));
    note_height_ += take * note.line_height;
    page_notes_.back().push_back({part.label, part.from, part.from + take});
    if (part.from + take < part.to) carried_notes_.push_back({part.label, part.from + take, part.to});
  }
}

void Paginator::draw_footnotes(size_t index) {
  if (index >= page_notes_.size() || page_notes_[index].empty()) return;
  const FootnoteStyle& fs = spec_->footnotes;
  double total = 2 * fs.space;
  for (const auto& part : page_notes_[index]) total += (part.to - part.from) * notes_.at(part.label).line_height;
  Page& p = pages_.pages[index];
  double cursor = spec_->type_height() - total;
  double rule_y = y_at(cursor + fs.space);
  p.rules.push_back({spec_->margin_left, rule_y, spec_->margin_left + spec_->type_width() * fs.rule_length, rule_y,
                     fs.rule_width});
  cursor += 2 * fs.space;
  for (const auto& part : page_notes_[index]) {
    const TextBlock& t = notes_.at(part.label);
    for (size_t i = part.from; i < part.to; ++i) {
      draw_line(p, t, i, spec_->margin_left, y_at(cursor + baseline_in_box(t.line_height, t.size)), &decoration_style_);
      cursor += t.line_height;
    }
  }
}

}  // namespace paiban::layout
