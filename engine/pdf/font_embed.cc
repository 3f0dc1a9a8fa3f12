// Font embedding: glyph usage per face, the hb-subset subsets, and the Type0 / CIDFont /
// FontDescriptor / FontFile / W / ToUnicode objects through libharu's object layer.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include <fmt/format.h>

#include "pdf/writer_internal.h"

namespace paiban::pdf {

void Writer::collect_font_usage(const layout::Pages& pages) {
  // A slot per glyph used, found through a table indexed by glyph ID and
  // sized to the largest ID seen (a page holds thousands of glyphs; a
  // table as large as a CJK font's 65,535 glyphs would cost more in fresh
  // memory than the lookups it saves).
  for (const auto& page : pages.pages)
    for (const auto& run : page.runs) {
      FontUsage& u = usage_[fonts_.face(run.face).base];
      for (const auto& g : run.glyphs) {
        if (g.gid >= u.slot_of_gid.size()) u.slot_of_gid.resize(std::max<size_t>(g.gid + 1, 2 * u.slot_of_gid.size()), 0);
        uint32_t& slot = u.slot_of_gid[g.gid];
        if (!slot) {
          u.slot_text.push_back(nullptr);
          u.slot_gid.push_back(g.gid);
          slot = static_cast<uint32_t>(u.slot_text.size());
        }
        const std::string*& text = u.slot_text[slot - 1];
        if (!text && !g.text.empty()) text = &g.text;  // the first text seen
      }
    }
  int n = 0;
  for (auto& [face, u] : usage_) {
    u.resource_name = fmt::format("F{}", ++n);
    // The glyphs used, in glyph order (not a walk through the table: a CJK face's IDs reach
    // 65,535, while a document uses a few hundred of them).
    std::vector<unsigned> used = u.slot_gid;
    std::sort(used.begin(), used.end());
    for (unsigned g : used) {
      u.gids.insert(u.gids.end(), g);
      if (const std::string* text = u.slot_text[u.slot_of_gid[g] - 1]) u.text.emplace_hint(u.text.end(), g, *text);
    }
  }
}

/// The text the ToUnicode CMap gives GID of USAGE (null: none).
const std::string* Writer::mapped_text(const FontUsage& usage, unsigned gid) {
  uint32_t slot = gid < usage.slot_of_gid.size() ? usage.slot_of_gid[gid] : 0;
  return slot ? usage.slot_text[slot - 1] : nullptr;
}

/// A glyph's advance in the 1000-unit glyph space of /W, rounded to what
/// num() writes so that /W and TJ agree exactly.
double Writer::width_1000(const fonts::Face& face, unsigned gid) {
  double w = hb_font_get_glyph_h_advance(face.hb_font, gid) * 1000.0 / face.metrics.units_per_em;
  return std::round(w * 1000.0) / 1000.0;
}

/// Takes each face's subset from the prepared ones when it holds every
/// glyph used, and makes the rest (in parallel).
void Writer::prepare_fonts() {
  prepared_ = await_prepared_ ? await_prepared_() : nullptr;
  layout::GlyphSets missing;
  for (auto& [face, usage] : usage_) {
    bool covered = false;
    if (prepared_ && prepared_->subsets.count(face)) {
      const auto& have = prepared_->glyphs.at(face);
      covered = std::includes(have.begin(), have.end(), usage.gids.begin(), usage.gids.end());
      if (covered) {
        usage.subset = prepared_->subsets.at(face);
        usage.subset_gids = have;
      }
    }
    if (!covered) missing[face] = usage.gids;
    if (!covered && prepared_ && prepared_->subsets.count(face) && std::getenv("PAIBAN_TIMINGS")) {
      // (Layout announces the glyphs the pages will use: one it missed costs this second subset.)
      std::string text;
      for (unsigned gid : usage.gids)
        if (!prepared_->glyphs.at(face).count(gid) && usage.text.count(gid)) text += usage.text.at(gid);
      std::fprintf(stderr, "paiban:   %s subset again: drawn but not announced: %s\n",
                   fonts_.face(face).postscript_name.c_str(), text.c_str());
    }
  }
  PreparedFonts made = subset_fonts(missing, fonts_);
  for (auto& [face, subset] : made.subsets) {
    usage_[face].subset = std::move(subset);
    usage_[face].subset_gids = usage_[face].gids;
  }
}

void Writer::embed_font(fonts::FaceId id, FontUsage& usage) {
  const fonts::Face& face = fonts_.face(id);
  const FontSubset& subset = usage.subset;
  if (subset.program.empty() && subset.out_of_memory) throw std::bad_alloc();
  if (subset.program.empty()) throw HaruFailure(fmt::format("hb-subset failed for {}", face.path));
  const std::string base_font = subset.tag + "+" + face.postscript_name;
  const double k = 1000.0 / face.metrics.units_per_em;

  HPDF_Dict type0 = usage.type0;
  check(HPDF_Dict_AddName(type0, "Type", "Font"), "Type0");
  check(HPDF_Dict_AddName(type0, "Subtype", "Type0"), "Type0");
  check(HPDF_Dict_AddName(type0, "BaseFont", base_font.c_str()), "Type0");
  check(HPDF_Dict_AddName(type0, "Encoding", "Identity-H"), "Type0");

  HPDF_Dict cid = new_indirect_dict();
  HPDF_Array descendants = checked(HPDF_Array_New(pdf_->mmgr), "HPDF_Array_New");
  check(HPDF_Array_Add(descendants, cid), "HPDF_Array_Add");
  check(HPDF_Dict_Add(type0, "DescendantFonts", descendants), "Type0");
  check(HPDF_Dict_Add(type0, "ToUnicode", to_unicode(usage)), "ToUnicode");

  check(HPDF_Dict_AddName(cid, "Type", "Font"), "CIDFont");
  check(HPDF_Dict_AddName(cid, "Subtype", subset.cff ? "CIDFontType0" : "CIDFontType2"), "CIDFont");
  check(HPDF_Dict_AddName(cid, "BaseFont", base_font.c_str()), "CIDFont");
  HPDF_Dict system_info = checked(HPDF_Dict_New(pdf_->mmgr), "HPDF_Dict_New");
  check(HPDF_Dict_Add(system_info, "Registry", HPDF_String_New(pdf_->mmgr, "Adobe", nullptr)), "CIDSystemInfo");
  check(HPDF_Dict_Add(system_info, "Ordering", HPDF_String_New(pdf_->mmgr, "Identity", nullptr)), "CIDSystemInfo");
  check(HPDF_Dict_AddNumber(system_info, "Supplement", 0), "CIDSystemInfo");
  check(HPDF_Dict_Add(cid, "CIDSystemInfo", system_info), "CIDFont");
  check(HPDF_Dict_Add(cid, "W", widths(face, usage.gids)), "CIDFont /W");
  if (!subset.cff) check(HPDF_Dict_Add(cid, "CIDToGIDMap", new_deflated_stream(subset.cid_to_gid_deflated)), "CIDToGIDMap");

  HPDF_Dict descriptor = new_indirect_dict();
  check(HPDF_Dict_Add(cid, "FontDescriptor", descriptor), "CIDFont");
  const auto& m = face.metrics;
  check(HPDF_Dict_AddName(descriptor, "Type", "FontDescriptor"), "FontDescriptor");
  check(HPDF_Dict_AddName(descriptor, "FontName", base_font.c_str()), "FontDescriptor");
  // PDF 32000 9.8.2: Symbolic (bit 3) for fonts outside the standard Latin set.
  int flags = 4 | (m.fixed_pitch ? 1 : 0) | (m.serif ? 2 : 0) | (m.italic_angle != 0 ? 64 : 0);
  check(HPDF_Dict_AddNumber(descriptor, "Flags", flags), "FontDescriptor");
  HPDF_Array bbox = checked(HPDF_Array_New(pdf_->mmgr), "HPDF_Array_New");
  for (int v : m.bbox) check(HPDF_Array_AddNumber(bbox, static_cast<HPDF_INT32>(std::lround(v * k))), "FontBBox");
  check(HPDF_Dict_Add(descriptor, "FontBBox", bbox), "FontDescriptor");
  check(HPDF_Dict_AddNumber(descriptor, "ItalicAngle", m.italic_angle), "FontDescriptor");
  check(HPDF_Dict_AddNumber(descriptor, "Ascent", static_cast<HPDF_INT32>(std::lround(m.ascender * k))), "FontDescriptor");
  check(HPDF_Dict_AddNumber(descriptor, "Descent", static_cast<HPDF_INT32>(std::lround(m.descender * k))), "FontDescriptor");
  check(HPDF_Dict_AddNumber(descriptor, "CapHeight", static_cast<HPDF_INT32>(std::lround(m.cap_height * k))), "FontDescriptor");
  check(HPDF_Dict_AddNumber(descriptor, "StemV", 80), "FontDescriptor");
  if (pdfa_) {
    // PDF/A-1: a CIDSet names the CIDs the subset holds, one bit each, high bit first.
    std::string bits((*usage.subset_gids.rbegin() + 1 + 7) / 8 + 1, '\0');
    bits[0] |= static_cast<char>(0x80);  // CID 0, .notdef, is always in the subset
    for (unsigned g : usage.subset_gids) bits[g / 8] |= static_cast<char>(0x80 >> (g % 8));
    check(HPDF_Dict_Add(descriptor, "CIDSet", new_stream(bits, true)), "CIDSet");
  }
  HPDF_Dict file = new_deflated_stream(subset.program_deflated);
  if (subset.cff) {
    check(HPDF_Dict_AddName(file, "Subtype", "CIDFontType0C"), "FontFile3");
    check(HPDF_Dict_Add(descriptor, "FontFile3", file), "FontDescriptor");
  } else {
    check(HPDF_Dict_AddNumber(file, "Length1", static_cast<HPDF_INT32>(subset.program.size())), "FontFile2");
    check(HPDF_Dict_Add(descriptor, "FontFile2", file), "FontDescriptor");
  }
}

/// The /W array: runs of consecutive CIDs as `c [w1 w2 …]`.
HPDF_Array Writer::widths(const fonts::Face& face, const std::set<unsigned>& gids) {
  HPDF_Array w = checked(HPDF_Array_New(pdf_->mmgr), "HPDF_Array_New");
  HPDF_Array group = nullptr;
  unsigned previous = 0;
  bool first = true;
  for (unsigned g : gids) {
    if (first || g != previous + 1) {
      check(HPDF_Array_AddNumber(w, static_cast<HPDF_INT32>(g)), "/W");
      group = checked(HPDF_Array_New(pdf_->mmgr), "HPDF_Array_New");
      check(HPDF_Array_Add(w, group), "/W");
    }
    check(HPDF_Array_AddReal(group, static_cast<HPDF_REAL>(width_1000(face, g))), "/W");
    previous = g;
    first = false;
  }
  return w;
}

/// A ToUnicode CMap (Adobe-Identity-UCS) from the shaping clusters.
HPDF_Dict Writer::to_unicode(const FontUsage& usage) {
  std::string cmap =
      "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
      "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
  std::vector<std::pair<unsigned, std::string>> entries(usage.text.begin(), usage.text.end());
  for (size_t i = 0; i < entries.size(); i += 100) {  // at most 100 entries per block
    size_t n = std::min<size_t>(100, entries.size() - i);
    cmap += std::to_string(n) + " beginbfchar\n";
    for (size_t j = i; j < i + n; ++j) {
      cmap += '<';
      append_hex4(cmap, entries[j].first);
      cmap += "> <";
      cmap += hex_utf16be(entries[j].second);
      cmap += ">\n";
    }
    cmap += "endbfchar\n";
  }
  cmap += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
  owned_.push_back(deflate(cmap));
  return new_deflated_stream(owned_.back());
}

}  // namespace paiban::pdf
