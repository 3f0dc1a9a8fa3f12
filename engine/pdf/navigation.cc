// Navigation: links, the outline (bookmarks) and page labels.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "pdf/writer_internal.h"

namespace paiban::pdf {

/// [page /FitH top] as a direct array: libharu makes destinations indirect
/// objects, which PDFBox (and so PDF/A validation) cannot read as /Dest.
HPDF_Array Writer::direct_destination(const layout::Anchor& a) {
  HPDF_Array d = checked(HPDF_Array_New(pdf_->mmgr), "HPDF_Array_New");
  check(HPDF_Array_Add(d, haru_pages_[a.page]), "/Dest");
  if (landscape_pages_[a.page]) {  // a turned page is shown whole
    check(HPDF_Array_AddName(d, "Fit"), "/Dest");
    return d;
  }
  check(HPDF_Array_AddName(d, "FitH"), "/Dest");
  check(HPDF_Array_AddReal(d, real(a.y + 12)), "/Dest");
  return d;
}

HPDF_Destination Writer::destination(const layout::Anchor& a) {
  HPDF_Destination d = checked(HPDF_Page_CreateDestination(haru_pages_[a.page]), "HPDF_Page_CreateDestination");
  if (landscape_pages_[a.page]) check(HPDF_Destination_SetFit(d), "HPDF_Destination_SetFit");
  else check(HPDF_Destination_SetFitH(d, real(a.y + 12)), "HPDF_Destination_SetFitH");
  return d;
}

/// Links from the contents lists to their targets.
void Writer::write_links(size_t index, const layout::Pages& pages) {
  for (layout::Link link : pages.pages[index].links) {
    if (pages.pages[index].landscape) {  // onto the sheet, as the content: (x, y) → (W − y, x)
      layout::Link l = link;
      link.x0 = pages.width - l.y1;
      link.x1 = pages.width - l.y0;
      link.y0 = l.x0;
      link.y1 = l.x1;
    }
    if (!link.uri.empty()) {
      HPDF_Rect rect{real(link.x0), real(link.y0), real(link.x1), real(link.y1)};
      HPDF_Annotation a = checked(HPDF_Page_CreateURILinkAnnot(haru_pages_[index], rect, link.uri.c_str()),
                                  "HPDF_Page_CreateURILinkAnnot");
      check(HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0), "HPDF_LinkAnnot_SetBorderStyle");
      check(HPDF_Dict_AddNumber(a, "F", 4), "annotation /F");
      continue;
    }
    auto it = pages.anchors.find(link.target);
    if (it == pages.anchors.end()) continue;
    HPDF_Rect rect{real(link.x0), real(link.y0), real(link.x1), real(link.y1)};
    HPDF_Annotation a = checked(HPDF_Page_CreateLinkAnnot(haru_pages_[index], rect, destination(it->second)),
                                "HPDF_Page_CreateLinkAnnot");
    check(HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0), "HPDF_LinkAnnot_SetBorderStyle");
    check(HPDF_Dict_Add(a, "Dest", direct_destination(it->second)), "annotation /Dest");
    check(HPDF_Dict_AddNumber(a, "F", 4), "annotation /F");  // Print (PDF/A wants it)
  }
}

/// paiban diff --pdf: a /Highlight over each changed place, its popup holding
/// the old text. Annotations only: the page's content stays as built.
void Writer::write_highlights(size_t index, const layout::Pages& pages) {
  const auto& highlights = pages.pages[index].highlights;
  if (highlights.empty()) return;
  HPDF_Encoder utf8 = HPDF_GetEncoder(pdf_, "UTF-8");
  for (const auto& h : highlights) {
    if (h.quads.size() < 4) continue;
    double x0 = h.quads[0], y0 = h.quads[1], x1 = h.quads[2], y1 = h.quads[3];
    for (size_t k = 0; k + 3 < h.quads.size(); k += 4) {
      x0 = std::min(x0, h.quads[k]), y0 = std::min(y0, h.quads[k + 1]);
      x1 = std::max(x1, h.quads[k + 2]), y1 = std::max(y1, h.quads[k + 3]);
    }
    HPDF_Rect rect{real(x0), real(y0), real(x1), real(y1)};
    HPDF_Annotation a = checked(HPDF_Page_CreateHighlightAnnot(haru_pages_[index], rect, h.contents.c_str(), utf8),
                                "HPDF_Page_CreateHighlightAnnot");
    // QuadPoints per line, in the order readers use: top left, top right, bottom left, bottom right.
    HPDF_Array quads = checked(HPDF_Array_New(pdf_->mmgr), "HPDF_Array_New");
    for (size_t k = 0; k + 3 < h.quads.size(); k += 4) {
      double qx0 = h.quads[k], qy0 = h.quads[k + 1], qx1 = h.quads[k + 2], qy1 = h.quads[k + 3];
      for (double v : {qx0, qy1, qx1, qy1, qx0, qy0, qx1, qy0}) check(HPDF_Array_AddReal(quads, real(v)), "/QuadPoints");
    }
    check(HPDF_Dict_Add(a, "QuadPoints", quads), "annotation /QuadPoints");
    check(HPDF_Annot_SetRGBColor(a, HPDF_RGBColor{1, 0.85f, 0}), "annotation /C");
    check(HPDF_MarkupAnnot_SetTitle(a, "paiban diff"), "annotation /T");
    check(HPDF_Dict_AddNumber(a, "F", 4), "annotation /F");
    HPDF_Rect popup_rect{real(x1), real(y0 - 80), real(x1 + 160), real(y1)};
    HPDF_Annotation popup = checked(HPDF_Page_CreatePopupAnnot(haru_pages_[index], popup_rect, a), "HPDF_Page_CreatePopupAnnot");
    check(HPDF_PopupAnnot_SetOpened(popup, HPDF_FALSE), "popup /Open");
    check(HPDF_MarkupAnnot_SetPopup(a, popup), "annotation /Popup");
  }
}

/// Bookmarks mirroring the heading tree.
void Writer::write_outline(const layout::Pages& pages) {
  std::vector<HPDF_Outline> parents{nullptr};  // parents[level - 1]
  HPDF_Encoder utf8 = HPDF_GetEncoder(pdf_, "UTF-8");
  for (const auto& id : pages.outline) {
    const layout::Anchor& a = pages.anchors.at(id);
    int level = std::max(1, a.level);
    parents.resize(std::min<size_t>(parents.size(), level));
    while (static_cast<int>(parents.size()) < level) parents.push_back(parents.back());
    HPDF_Outline parent = parents[level - 1];  // nullptr: the outline root
    HPDF_Outline o = checked(HPDF_CreateOutline(pdf_, parent, a.title.c_str(), utf8), "HPDF_CreateOutline");
    check(HPDF_Outline_SetOpened(o, level == 1 ? HPDF_TRUE : HPDF_FALSE), "HPDF_Outline_SetOpened");
    check(HPDF_Dict_Add(o, "Dest", direct_destination(a)), "outline /Dest");
    parents.resize(level);
    parents.push_back(o);
  }
  if (!pages.outline.empty()) check(HPDF_SetPageMode(pdf_, HPDF_PAGE_MODE_USE_OUTLINE), "HPDF_SetPageMode");
}

/// Page labels equal to the printed numbers: 封面, I, II, …, 1, 2, …
void Writer::write_page_labels(const layout::Pages& pages) {
  HPDF_Array nums = checked(HPDF_Array_New(pdf_->mmgr), "HPDF_Array_New");
  layout::NumberStyle previous = layout::NumberStyle::Arabic;
  int expected = -1;
  for (size_t i = 0; i < pages.pages.size(); ++i) {
    const layout::Page& p = pages.pages[i];
    if (i > 0 && p.style == previous && p.number == expected) {
      ++expected;
      continue;
    }
    HPDF_Dict label = checked(HPDF_Dict_New(pdf_->mmgr), "HPDF_Dict_New");
    if (p.style == layout::NumberStyle::None) {
      check(HPDF_Dict_Add(label, "P", HPDF_String_New(pdf_->mmgr, pages.cover_label.c_str(), HPDF_GetEncoder(pdf_, "UTF-8"))), "/P");
    } else {
      check(HPDF_Dict_AddName(label, "S", p.style == layout::NumberStyle::Roman ? "R" : "D"), "/S");
      if (p.number != 1) check(HPDF_Dict_AddNumber(label, "St", p.number), "/St");
    }
    check(HPDF_Array_AddNumber(nums, static_cast<HPDF_INT32>(i)), "/Nums");
    check(HPDF_Array_Add(nums, label), "/Nums");
    previous = p.style;
    expected = p.number + 1;
  }
  HPDF_Dict labels = checked(HPDF_Dict_New(pdf_->mmgr), "HPDF_Dict_New");
  check(HPDF_Dict_Add(labels, "Nums", nums), "/PageLabels");
  check(HPDF_Dict_Add(pdf_->catalog, "PageLabels", labels), "/PageLabels");
}

}  // namespace paiban::pdf
