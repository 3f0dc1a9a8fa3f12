// Page content streams: text as glyph IDs with TJ (even justification as Tc), rules, boxes.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "pdf/writer_internal.h"

namespace paiban::pdf {

void Writer::write_page(const layout::Page& page, double width, double height, const std::string& deflated) {
  HPDF_Page p = checked(HPDF_AddPage(pdf_), "HPDF_AddPage");
  haru_pages_.push_back(p);
  check(HPDF_Page_SetWidth(p, static_cast<HPDF_REAL>(width)), "HPDF_Page_SetWidth");
  check(HPDF_Page_SetHeight(p, static_cast<HPDF_REAL>(height)), "HPDF_Page_SetHeight");
  // A landscape page: the sheet stays upright with its content turned a
  // quarter anticlockwise (page_content), and viewers show it turned back.
  if (page.landscape) check(HPDF_Page_SetRotate(p, 90), "HPDF_Page_SetRotate");

  // Fonts used on this page go into its /Resources /Font dictionary.
  auto* attr = static_cast<HPDF_PageAttr>(p->attr);
  std::set<fonts::FaceId> used;
  for (const auto& run : page.runs) used.insert(fonts_.face(run.face).base);
  if (!used.empty()) {
    HPDF_Dict resources = checked(static_cast<HPDF_Dict>(HPDF_Dict_GetItem(p, "Resources", HPDF_OCLASS_DICT)),
                                  "HPDF_Page resources");
    HPDF_Dict font_dict = checked(HPDF_Dict_New(pdf_->mmgr), "HPDF_Dict_New");
    check(HPDF_Dict_Add(resources, "Font", font_dict), "HPDF_Dict_Add(Font)");
    attr->fonts = font_dict;
    for (fonts::FaceId f : used)
      check(HPDF_Dict_Add(font_dict, usage_[f].resource_name.c_str(), usage_[f].type0), "HPDF_Dict_Add(font)");
  }
  if (!page.images.empty()) add_image_resources(p, page);
  borrow_deflated(attr->contents, deflated);
  attr->stream = attr->contents->stream;
}

/// A page's content stream: boxes, then rules, then text.
std::string Writer::page_content(const layout::Page& page) const {
  std::string content;
  content.reserve(4096 + 64 * (page.rects.size() + page.rules.size() + page.runs.size()));
  // A landscape page is laid out sheet-height wide: (x, y) goes to (W − y, x) on the sheet of width W.
  if (page.landscape) {
    content += "q\n0 1 -1 0 ";
    append_num(content, sheet_width_);
    content += " 0 cm\n";
  }
  for (const auto& rect : page.rects) content += rect_ops(rect);
  if (!page.images.empty()) append_images(content, page);
  if (!page.shapes.empty()) append_shapes(content, page);
  append_rules(content, page.rules);
  // Text state (font, size, character spacing) carries over from one
  // BT/ET to the next: it is written only when it changes.
  const FontUsage* font = nullptr;
  double size = 0, spacing = 0;
  std::vector<long long> extra;  // per glyph: advance beyond the /W width, in millionths of a point
  layout::Color fill;  // black: what a page starts with, and what boxes and rules leave (they draw inside q … Q)
  for (const auto& run : page.runs) {
    const fonts::Face& face = fonts_.face(run.face);
    const FontUsage& usage = usage_.at(face.base);
    if (!(run.color == fill)) {
      content += color(run.color, "rg");
      fill = run.color;
    }
    content += "BT\n";
    if (font != &usage || size != run.size) {
      content += '/';
      content += usage.resource_name;
      content += ' ';
      append_num(content, run.size);
      content += " Tf\n";
      font = &usage;
      size = run.size;
    }
    // BT starts from the identity matrix: a move places the run, except
    // for synthetic oblique, a text matrix skewed by 12° (tan 12° = 0.2126).
    if (face.synthetic_oblique) content += "1 0 0.2126 1 ";
    append_num(content, run.x);
    content += ' ';
    append_num(content, run.y);
    content += face.synthetic_oblique ? " Tm\n" : " Td\n";
    // Synthetic bold: fill and stroke the outlines (text render mode 2).
    if (face.synthetic_bold) {
      content += "2 Tr ";
      append_num(content, run.size * 0.03);
      content += " w\n";
    }
    // Each glyph moves from its /W width to the advance layout chose
    // (HarfBuzz's advance plus justification). The extra most glyphs of
    // the run share (a justified line's even spacing) becomes the
    // character spacing Tc; TJ carries only the exceptions. The last
    // glyph's advance places nothing.
    const size_t n = run.glyphs.size();
    extra.assign(n, 0);
    for (size_t i = 0; i + 1 < n; ++i) {
      const auto& g = run.glyphs[i];
      double natural = width_1000(face, g.gid) * run.size / 1000.0;
      extra[i] = std::llround((g.advance - natural) * 1e6);
    }
    long long common = 0;
    if (n > 2) {
      common = most_common(extra, n - 1);
      // Keeping the spacing in force costs nothing when it fits as many glyphs.
      long long current = std::llround(spacing * 1e6);
      auto last = extra.begin() + static_cast<std::ptrdiff_t>(n - 1);
      if (common != current && std::count(extra.begin(), last, current) >= std::count(extra.begin(), last, common))
        common = current;
    }
    // Differences below what TJ can express (the /W widths are rounded) are no spacing.
    if (std::llround(static_cast<double>(common) / 1e6 * 1000.0 / run.size * 1000.0) == 0) common = 0;
    if (common != std::llround(spacing * 1e6)) {
      spacing = static_cast<double>(common) / 1e6;
      append_num(content, spacing, 6);
      content += " Tc\n";
    }
    content += '[';
    bool in_string = false;
    auto open = [&] {
      if (!in_string) content += '<';
      in_string = true;
    };
    auto close = [&] {
      if (in_string) content += '>';
      in_string = false;
    };
    for (size_t i = 0; i < n; ++i) {
      const auto& g = run.glyphs[i];
      // A glyph that several code points share reads back as the one
      // ToUnicode names; where it stands for another, /ActualText says which.
      const std::string* mapped = mapped_text(usage, g.gid);
      if (g.hyphen) {
        // A hyphen the line break added stands for no text: copying the
        // line gives the word unbroken (an empty /ActualText).
        close();
        content += "] TJ\n/Span <</ActualText ()>> BDC\n[<";
        append_hex4(content, g.gid);
        content += ">] TJ\nEMC\n[";
      } else if (!g.text.empty() && mapped && *mapped != g.text) {
        close();
        content += "] TJ\n/Span <</ActualText <FEFF";
        content += hex_utf16be(g.text);
        content += ">>> BDC\n[<";
        append_hex4(content, g.gid);
        content += ">] TJ\nEMC\n[";
      } else {
        open();
        append_hex4(content, g.gid);
      }
      // TJ's numbers are thousandths of the font size; positive moves left.
      double tj = -static_cast<double>(extra[i] - common) / 1e6 * 1000.0 / run.size;
      if (i + 1 < n && std::llround(tj * 1000.0) != 0) {
        close();
        append_num(content, tj);
      }
    }
    close();
    content += "] TJ\n";
    if (face.synthetic_bold) content += "0 Tr\n";
    content += "ET\n";
  }
  if (page.landscape) content += "Q\n";
  return content;
}

/// The value most of the first N entries of V share (the smallest of equals).
long long Writer::most_common(const std::vector<long long>& v, size_t n) {
  std::vector<long long> sorted(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n));
  std::sort(sorted.begin(), sorted.end());
  long long best = 0;
  size_t best_count = 0;
  for (size_t i = 0; i < sorted.size();) {
    size_t j = i;
    while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
    if (j - i > best_count) {
      best_count = j - i;
      best = sorted[i];
    }
    i = j;
  }
  return best_count >= 2 ? best : 0;
}

std::string Writer::color(const layout::Color& c, const char* op) {
  return fmt::format("{} {} {} {}\n", num(c.r), num(c.g), num(c.b), op);
}

/// A filled and/or stroked rectangle; rounded corners only on a closed frame.
std::string Writer::rect_ops(const layout::Rect& r) {
  const bool closed = r.top && r.bottom && r.left && r.right;
  std::string path;
  if (closed && r.radius > 0) {
    // Four arcs approximated by Bézier curves (kappa = 0.5523).
    const double k = 0.5523 * r.radius, x0 = r.x, y0 = r.y, x1 = r.x + r.w, y1 = r.y + r.h, rd = r.radius;
    path = fmt::format("{} {} m\n{} {} l\n{} {} {} {} {} {} c\n", num(x0 + rd), num(y0), num(x1 - rd), num(y0),
                       num(x1 - rd + k), num(y0), num(x1), num(y0 + rd - k), num(x1), num(y0 + rd));
    path += fmt::format("{} {} l\n{} {} {} {} {} {} c\n", num(x1), num(y1 - rd), num(x1), num(y1 - rd + k),
                        num(x1 - rd + k), num(y1), num(x1 - rd), num(y1));
    path += fmt::format("{} {} l\n{} {} {} {} {} {} c\n", num(x0 + rd), num(y1), num(x0 + rd - k), num(y1), num(x0),
                        num(y1 - rd + k), num(x0), num(y1 - rd));
    path += fmt::format("{} {} l\n{} {} {} {} {} {} c\nh\n", num(x0), num(y0 + rd), num(x0), num(y0 + rd - k),
                        num(x0 + rd - k), num(y0), num(x0 + rd), num(y0));
  } else {
    path = fmt::format("{} {} {} {} re\n", num(r.x), num(r.y), num(r.w), num(r.h));
  }
  std::string ops = "q\n";
  if (r.fill) ops += color(r.fill_color, "rg") + path + "f\n";
  if (r.stroke_width > 0) {
    ops += fmt::format("{} w\n", num(r.stroke_width)) + color(r.stroke_color, "RG");
    if (closed) {
      ops += path;
    } else {
      auto side = [&](bool on, double x0, double y0, double x1, double y1) {
        if (on) ops += fmt::format("{} {} m\n{} {} l\n", num(x0), num(y0), num(x1), num(y1));
      };
      side(r.bottom, r.x, r.y, r.x + r.w, r.y);
      side(r.right, r.x + r.w, r.y, r.x + r.w, r.y + r.h);
      side(r.top, r.x, r.y + r.h, r.x + r.w, r.y + r.h);
      side(r.left, r.x, r.y, r.x, r.y + r.h);
    }
    ops += "S\n";
  }
  return ops + "Q\n";
}

/// Lines of a given width and colour; dotted lines are round dots: a
/// zero-length dash with round caps (libharu's SetDash rejects a zero
/// dash). Consecutive rules drawn alike share one path and one stroke (the
/// dash pattern restarts with each subpath).
void Writer::append_rules(std::string& out, const std::vector<layout::Rule>& rules) {
  for (size_t i = 0; i < rules.size();) {
    const layout::Rule& r = rules[i];
    out += "q\n";
    append_num(out, r.width);
    out += " w\n";
    if (!(r.color == layout::Color{})) out += color(r.color, "RG");
    if (r.dot_pitch > 0) {
      out += "1 J\n[0 ";
      append_num(out, r.dot_pitch);
      out += "] 0 d\n";
    }
    size_t j = i;
    for (; j < rules.size() && rules[j].width == r.width && rules[j].color == r.color &&
           rules[j].dot_pitch == r.dot_pitch;
         ++j) {
      const layout::Rule& s = rules[j];
      append_num(out, s.x0);
      out += ' ';
      append_num(out, s.y0);
      out += " m\n";
      append_num(out, s.x1);
      out += ' ';
      append_num(out, s.y1);
      out += " l\n";
    }
    out += "S\nQ\n";
    i = j;
  }
}

}  // namespace paiban::pdf
