// A GB/T 9704-2012 notice: its 版头 (份号, 密级, 紧急程度, 发文机关标志, 发文字号,
// the red rule), the title and 主送机关 over the body, the 附件说明, signature,
// date and seal under it, and the 版记 at the foot of the last page.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "compose/lines.h"
#include "layout/paginator.h"

namespace paiban::layout {

namespace {
double line_width(const TextBlock& t) { return t.lines.empty() ? 0 : t.lines.front().width_pt; }

/// The advance of a label such as "抄送：" with its colon whole (a line's width trims it at the line end).
double label_width(const TextBlock& t) {
  if (t.lines.empty()) return 0;
  const auto& x = t.lines.front().x;
  if (x.size() < 2) return line_width(t);
  // The label's cells are even (on the grid, or of one size): the last is as wide as the one before.
  return x.back() + (x.back() - x[x.size() - 2]);
}

/// Official documents set digits against Han text without a gap (2024年11月20日).
compose::ComposeSettings no_gap(compose::ComposeSettings s) {
  s.han_latin_gap = s.han_latin_min = s.han_latin_max = 0;
  return s;
}

/// True when every line of T but the last ends where a word ends (ICU word boundaries).
bool breaks_between_words(const TextBlock& t) {
  if (t.lines.size() < 2) return true;
  std::vector<char> words = compose::word_boundaries(t.shaped.text);
  for (size_t i = 1; i < t.lines.size(); ++i) {
    size_t at = t.lines[i].text_begin;
    if (at < words.size() && !words[at]) return false;
  }
  return true;
}
}  // namespace

double Paginator::notice_char() const { return spec_->grid_pitch > 0 ? spec_->grid_pitch : spec_->body.size; }

TextBlock Paginator::notice_line(const std::string& text, const TextStyle& style, double width) const {
  return compose_text({{text, style.role, style.size, doc_.meta.notice.span}}, fonts_, no_gap(settings_for(style.size)), width, 0,
                      style.line_height, style.size, compose::Justify::No, doc::Align::Left, sink_);
}

TextBlock Paginator::notice_title(const std::string& text, const Span& span) const {
  const TextStyle& ts = spec_->notice.title;
  const double W = spec_->type_width();
  std::vector<text::StyledText> t{{text, ts.role, ts.size, span}};
  compose::ComposeSettings s = no_gap(spec_->compose);
  s.inside_word_penalty = 1000;
  DiagnosticSink quiet;
  auto at = [&](double w) { return compose_text(t, fonts_, s, w, 0, ts.line_height, ts.size, compose::Justify::No, doc::Align::Center, quiet); };
  const size_t lines = at(W).lines.size();
  double best = W;
  if (lines > 1 && lines <= 6) {  // a title of more lines than this is not balanced (and not scanned)
    // The narrowest measure that keeps the lines as many and breaks them between words.
    for (double w = W; w >= W / lines - ts.size; w -= ts.size / 8) {
      TextBlock b = at(w);
      if (b.lines.size() == lines && breaks_between_words(b)) best = w;
      if (b.lines.size() > lines) break;
    }
  }
  TextBlock title = compose_text(t, fonts_, s, best, 0, ts.line_height, ts.size, compose::Justify::No, doc::Align::Center, sink_);
  title.left = (W - best) / 2;
  return title;
}

void Paginator::prepare_notice() {
  const doc::Notice& n = doc_.meta.notice;
  const NoticeStyle& ns = spec_->notice;
  const double W = spec_->type_width(), ch = notice_char();
  NoticeParts& p = notice_;
  p = NoticeParts();
  std::vector<const char*> head_keys;
  for (auto [s, key] : {std::pair{&n.copy_number, "copy-number"}, {&n.secrecy, "secrecy"}, {&n.urgency, "urgency"}})
    if (!s->empty()) {
      p.head.push_back(notice_line(*s, ns.head, W));
      head_keys.push_back(key);
    }
  if (!n.issuer_mark.empty()) {
    // As large as the layout allows, shrunk until it fits the type area's width.
    TextStyle mark = ns.mark;
    TextBlock probe = notice_line(n.issuer_mark, mark, 1e6);
    double w = line_width(probe);
    if (w > W) mark.size = std::floor(mark.size * W / w * 100) / 100;
    p.mark = notice_line(n.issuer_mark, mark, 1e6);
    p.mark_size = mark.size;
  }
  if (!n.doc_number.empty()) p.number = notice_line(n.doc_number, ns.number, W);
  if (!n.signer.empty()) {
    p.signer_label = notice_line("签发人：", ns.number, W);
    p.signer = notice_line(n.signer, ns.signer, W);
  }
  p.title = notice_title(doc_.meta.title, n.span);
  // 附件: "附件1" (or "附件" when there is one) and the title, for each heading that starts one (7.3.7).
  int count = 0;
  for (const auto& b : doc_.blocks) count += b.kind == doc::BlockKind::Heading && b.attachment > 0;
  for (const auto& b : doc_.blocks)
    if (b.kind == doc::BlockKind::Heading && b.attachment > 0)
      p.attachments[&b] = {notice_line(count > 1 ? fmt::format("附件{}", b.attachment) : "附件", ns.head, W),
                           notice_title(doc::plain_text(b.runs), b.span)};
  if (!n.to.empty()) {
    std::string to = n.to;
    if (!to.ends_with("：")) to += "：";
    p.to = compose_text({{to, spec_->body.role, spec_->body.size, n.span}}, fonts_, settings_for(spec_->body.size), W, 0,
                        spec_->body.line_height, spec_->body.size, compose::Justify::Yes, doc::Align::Left, sink_);
  }
  // 附件说明 (7.3.4): "附件：" two characters in, then 1. 2. … with the names aligned.
  if (!n.attachments.empty()) {
    const TextStyle& body = spec_->body;
    p.attach_label = notice_line("附件：", body, W);
    double numbers = 0;
    for (size_t i = 0; i < n.attachments.size(); ++i) {
      std::string number = n.attachments.size() > 1 ? fmt::format("{}.", i + 1) : "";
      p.attach_numbers.push_back(notice_line(number, body, W));
      numbers = std::max(numbers, line_width(p.attach_numbers.back()));
    }
    p.attach_name_x = 2 * ch + label_width(p.attach_label) + numbers;
    for (const auto& a : n.attachments)
      p.attach_names.push_back(compose_text({{a, body.role, body.size, n.span}}, fonts_, settings_for(body.size),
                                            W - p.attach_name_x, 0, body.line_height, body.size, compose::Justify::Yes,
                                            doc::Align::Left, sink_));
  }
  if (!n.signature.empty()) p.signature = notice_line(n.signature, spec_->body, W);
  if (!doc_.meta.date.empty()) p.date = notice_line(doc_.meta.date, spec_->body, W);
  if (!n.remark.empty()) {
    std::string remark = n.remark;
    if (!remark.starts_with("（")) remark = "（" + remark + "）";
    p.remark = compose_text({{remark, spec_->body.role, spec_->body.size, n.span}}, fonts_, settings_for(spec_->body.size),
                            W - 2 * ch, 0, spec_->body.line_height, spec_->body.size, compose::Justify::Yes,
                            doc::Align::Left, sink_);
  }
  // 版记 (7.4): 抄送 one character in, its names aligned after the colon.
  const TextStyle& foot = ns.foot;
  const double fch = foot.size;
  if (!n.cc.empty()) {
    p.cc_label = notice_line("抄送：", foot, W);
    std::string names;
    for (size_t i = 0; i < n.cc.size(); ++i) names += (i ? "，" : "") + n.cc[i];
    if (!names.ends_with("。")) names += "。";
    p.cc = compose_text({{names, foot.role, foot.size, n.cc_span}}, fonts_, no_gap(settings_for(foot.size)),
                        W - 2 * fch - label_width(p.cc_label), 0, foot.line_height, foot.size, compose::Justify::Yes,
                        doc::Align::Left, sink_);
  }
  if (!n.printed_by.empty()) p.printed_by = notice_line(n.printed_by, foot, W);
  if (!n.printed_date.empty()) {
    std::string d = n.printed_date;
    if (!d.ends_with("印发")) d += "印发";
    p.printed_date = notice_line(d, foot, W);
  }
  // What GB/T 9704 sets on one line must fit on one: nothing is dropped.
  auto one_line = [&](const TextBlock& t, const char* key, double room) {
    if (t.lines.size() > 1 || line_width(t) > room + kEpsilon)
      sink_.error(n.at(key), fmt::format("front matter: \"{}\" does not fit on one line of the type area", key),
                  {"shorten it: the standard sets it on a line of its own"});
  };
  for (size_t i = 0; i < p.head.size(); ++i) one_line(p.head[i], head_keys[i], W);
  one_line(p.number, "doc-number", p.signer.lines.empty() ? W : W - 2 * ch - label_width(p.signer_label) - line_width(p.signer));
  one_line(p.signature, "signature", W - 2 * ch);
  one_line(p.date, "date", W - 2 * ch);
  one_line(p.printed_by, "printed-by", W - 2 * fch - line_width(p.printed_date) - fch);
  one_line(p.printed_date, "printed-date", W - 2 * fch);
  for (const auto& b : doc_.blocks)
    if (b.kind == doc::BlockKind::Contents)
      sink_.warning(b.span, "a notice has no contents: this directive is left out",
                    {"remove it, or make the document a report (document: report)"});
}

std::vector<const TextBlock*> Paginator::notice_texts() const {
  const NoticeParts& p = notice_;
  std::vector<const TextBlock*> out{&p.mark,   &p.number,    &p.signer_label, &p.signer, &p.title,
                                    &p.to,     &p.attach_label, &p.signature, &p.date,   &p.remark,
                                    &p.cc_label, &p.cc,      &p.printed_by,   &p.printed_date};
  for (const auto* v : {&p.head, &p.attach_numbers, &p.attach_names})
    for (const auto& t : *v) out.push_back(&t);
  for (const auto& [b, a] : p.attachments) {
    out.push_back(&a.label);
    out.push_back(&a.title);
  }
  return out;
}

void Paginator::draw_at(const TextBlock& t, size_t line, double x, double top, const Color* color) {
  size_t before = page().runs.size();
  draw_line(page(), t, line, x, y_at(top + baseline_in_box(t.line_height, t.size)));
  if (color)
    for (size_t i = before; i < page().runs.size(); ++i) page().runs[i].color = *color;
}

void Paginator::notice_head() {
  const NoticeParts& p = notice_;
  const NoticeStyle& ns = spec_->notice;
  const double L = spec_->body.line_height, W = spec_->type_width(), X = spec_->margin_left, ch = notice_char();
  ensure_page();
  // 份号, 密级, 紧急程度: flush left, a line each from the type area's top (7.2.1–7.2.3).
  for (size_t i = 0; i < p.head.size(); ++i) draw_at(p.head[i], 0, X, i * L);
  double cursor = p.head.size() * L;
  if (!p.mark.lines.empty()) {
    // 发文机关标志: centred, red, its top edge 35 mm below the type area's top (7.2.4).
    double top = std::max(ns.mark_top, cursor);
    size_t before = page().runs.size();
    draw_line(page(), p.mark, 0, X + (W - line_width(p.mark)) / 2, y_at(top + 0.88 * p.mark_size));
    for (size_t i = before; i < page().runs.size(); ++i) page().runs[i].color = ns.red;
    cursor = top + p.mark_size;
  }
  if (!p.number.lines.empty() || !p.signer.lines.empty()) {
    // 发文字号 two lines below the mark: centred, or with 签发人 one character in from the left (7.2.5, 7.2.6).
    double top = cursor + (p.mark.lines.empty() ? 0 : 2 * L);
    if (p.signer.lines.empty()) {
      draw_at(p.number, 0, X + (W - line_width(p.number)) / 2, top);
    } else {
      if (!p.number.lines.empty()) draw_at(p.number, 0, X + ch, top);
      double right = X + W - ch - line_width(p.signer);
      draw_at(p.signer, 0, right, top);
      draw_at(p.signer_label, 0, right - label_width(p.signer_label), top);
    }
    const TextBlock& t = p.number.lines.empty() ? p.signer : p.number;
    cursor = top + baseline_in_box(t.line_height, t.size) + 0.12 * t.size;  // the 文号's em box bottom
  }
  if (!p.mark.lines.empty() || !p.number.lines.empty()) {
    // The red rule, the type area's width, 4 mm below the 文号 (7.2.7).
    double y = y_at(cursor + ns.rule_gap);
    page().rules.push_back({X, y, X + W, y, ns.rule_width, ns.red});
    cursor += ns.rule_gap + ns.rule_width / 2;
    cursor += 2 * L;  // the title two lines below it (7.3.1)
  }
  cursor_ = cursor;
  place_lines(p.title, X, 0, {});  // a title too long for the page goes on over the next
  if (!p.to.lines.empty()) {
    // 主送机关 one line below the title, flush left, on the body's grid (7.3.2).
    cursor_ += L;
    snap_to_grid();
    place_lines(p.to, X, 0, {});
  } else {
    snap_to_grid();
  }
}

void Paginator::notice_close() {
  const NoticeParts& p = notice_;
  const doc::Notice& n = doc_.meta.notice;
  const NoticeStyle& ns = spec_->notice;
  const double L = spec_->body.line_height, W = spec_->type_width(), X = spec_->margin_left, ch = notice_char();
  const double H = spec_->type_height();
  ensure_page();
  snap_to_grid();
  // 附件说明 one line below the body (7.3.4).
  if (!p.attach_names.empty()) {
    double h = 0;
    for (const auto& t : p.attach_names) h += t.height();
    if (cursor_ + L + std::min(h, 2 * L) > H + kEpsilon) new_page(true);
    else cursor_ += L;
    for (size_t i = 0; i < p.attach_names.size(); ++i) {
      const TextBlock& name = p.attach_names[i];
      if (cursor_ + name.line_height > H + kEpsilon) new_page(true);
      if (i == 0) draw_at(p.attach_label, 0, X + 2 * ch, cursor_);
      draw_at(p.attach_numbers[i], 0, X + 2 * ch + label_width(p.attach_label), cursor_);
      place_lines(name, X + p.attach_name_x, 0, {});
    }
  }
  // 发文机关署名, 成文日期 and 印章 (7.3.5).
  const double sig_w = line_width(p.signature), date_w = line_width(p.date);
  double seal_bottom = 0;
  size_t seal_page = 0;
  if (!p.signature.lines.empty() || !p.date.lines.empty()) {
    double sig_x = 0, date_x = 0;
    double sig_top = 0;
    if (n.seal) {
      // With a seal: the date four characters from the right edge, the
      // signature centred over it, the seal pressing on both, its centre a
      // little above their middle and its top within a line of the text above.
      const double w = ns.seal_size;
      const double h = w * n.seal->upright_height() / std::max(1, n.seal->upright_width());
      date_x = X + W - 4 * ch - date_w;
      sig_x = date_x + (date_w - sig_w) / 2;
      // The signature two lines below the text above (one at a page's top), the date under it;
      // the seal's centre 0.4 line above their middle, its top within one line of the text above.
      auto settle = [&](double start) {
        sig_top = start + (start > kEpsilon ? 2 * L : L);
        double seal_top = std::clamp(sig_top + L - 0.4 * L - h / 2, start, start + L);
        return std::max(0.0, seal_top);
      };
      double seal_top = settle(cursor_);
      if (std::max(sig_top + 2 * L, seal_top + h) > H + kEpsilon) {
        new_page(true);
        seal_top = settle(cursor_);
      }
      const double cx = date_x + date_w / 2;
      page().images.push_back({n.seal, cx - w / 2, y_at(seal_top + h), w, h});
      cursor_ = sig_top + 2 * L;
      seal_page = pages_.pages.size() - 1;
      seal_bottom = seal_top + h;  // what follows (附注) goes on under the date; the 版记 stays clear of the seal
    } else {
      // Without: the signature two characters from the right edge one line
      // below; the date under it, its first character two characters to the
      // right of the signature's first; a longer date is the one two
      // characters in, and the signature keeps the offset.
      if (cursor_ + (cursor_ > kEpsilon ? 3 : 2) * L > H + kEpsilon) new_page(true);
      sig_top = cursor_ + (cursor_ > kEpsilon ? L : 0);
      if (date_w > sig_w) {
        date_x = X + W - 2 * ch - date_w;
        sig_x = date_x - 2 * ch;
      } else {
        sig_x = X + W - 2 * ch - sig_w;
        date_x = sig_x + 2 * ch;
      }
      if (p.signature.lines.empty()) date_x = X + W - 2 * ch - date_w;
      cursor_ = sig_top + 2 * L;
    }
    if (!p.signature.lines.empty()) draw_at(p.signature, 0, sig_x, sig_top);
    if (!p.date.lines.empty()) draw_at(p.date, 0, date_x, sig_top + L);
    if (p.signature.lines.empty()) cursor_ -= L;
  }
  // 附注 (7.3.6): in parentheses, two characters in, on the line after the date.
  if (!p.remark.lines.empty()) place_lines(p.remark, X + 2 * ch, 0, {});
  if (pages_.pages.size() - 1 == seal_page) cursor_ = std::max(cursor_, seal_bottom);
}

void Paginator::notice_attachment(const doc::Block& heading) {
  auto it = notice_.attachments.find(&heading);
  if (it == notice_.attachments.end()) return;
  const double L = spec_->body.line_height;
  page_open_ = false;
  ensure_page();
  anchor(heading.id, it->second.label.shaped.text + " " + doc::plain_text(heading.runs), 1);  // the page's top
  draw_at(it->second.label, 0, spec_->margin_left, 0);
  cursor_ = 2 * L;  // the title on the type area's third line
  place_lines(it->second.title, spec_->margin_left, 0, {});
  cursor_ += L;  // a line between the title and the attachment's text
  snap_to_grid();
}

void Paginator::notice_foot() {
  const NoticeParts& p = notice_;
  const NoticeStyle& ns = spec_->notice;
  const double W = spec_->type_width(), X = spec_->margin_left, H = spec_->type_height();
  const bool printed = !p.printed_by.lines.empty() || !p.printed_date.lines.empty();
  if (p.cc.lines.empty() && !printed) return;
  const double lh = ns.foot.line_height, fch = ns.foot.size;
  const double height = p.cc.height() + (printed ? lh : 0);
  if (height > H) {
    pass_sink_->error(doc_.meta.notice.cc_span,
                      fmt::format("the 版记 takes {:.0f} pt, more than the {:.0f} pt of a page's type area", height, H),
                      {"抄送 lists the offices that must know, not every recipient: shorten the list"});
    return;
  }
  // At the foot of the last page: its last line on the type area's last line (7.4).
  ensure_page();
  if (cursor_ > H - height + kEpsilon) {
    // On a page of its own: printed on both sides, that is an even page (the back of
    // the last sheet), after a blank odd one if need be; then neither is numbered (7.5).
    const bool odd = (pages_.pages.size() + 1) % 2 == 1;
    if (odd) {
      NumberStyle style = style_;
      style_ = NumberStyle::None;
      new_page(false);
      new_page(false);
      style_ = style;
    } else {
      new_page(true);
    }
  }
  double top = H - height;
  auto rule = [&](double at, double width) {
    double y = y_at(at);
    page().rules.push_back({X, y, X + W, y, width, Color{}});
  };
  rule(top, ns.thick_rule);
  if (!p.cc.lines.empty()) {
    draw_at(p.cc_label, 0, X + fch, top);
    for (size_t i = 0; i < p.cc.lines.size(); ++i) draw_at(p.cc, i, X + fch + label_width(p.cc_label), top + i * lh);
    top += p.cc.height();
    if (printed) rule(top, ns.thin_rule);
  }
  if (printed) {
    if (!p.printed_by.lines.empty()) draw_at(p.printed_by, 0, X + fch, top);
    if (!p.printed_date.lines.empty()) draw_at(p.printed_date, 0, X + W - fch - line_width(p.printed_date), top);
    top += lh;
  }
  rule(top, ns.thick_rule);
  cursor_ = H;
}

}  // namespace paiban::layout
