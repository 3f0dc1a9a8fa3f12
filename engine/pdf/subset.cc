#include "pdf/subset.h"

#include <hb-subset.h>
#include <libdeflate.h>

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "base/cpu_time.h"

namespace paiban::pdf {

std::string subset_tag(const std::string& postscript_name, const std::set<unsigned>& gids) {
  // FNV-1a over the name and the glyph IDs: the same glyph set gives the
  // same tag in every run (reproducible output).
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](uint8_t b) { h = (h ^ b) * 1099511628211ull; };
  for (char c : postscript_name) mix(static_cast<uint8_t>(c));
  for (unsigned g : gids)
    for (int i = 0; i < 4; ++i) mix(static_cast<uint8_t>(g >> (8 * i)));
  std::string tag(6, 'A');
  for (auto& c : tag) {
    c = static_cast<char>('A' + h % 26);
    h /= 26;
  }
  return tag;
}

std::string deflate(std::string_view data) {
  // libdeflate at level 1: on the report's body face (222 KB of CFF) it
  // keeps zlib level 1's ratio (19%) at less than half its time (1.6 ms
  // against 3.7), and deflates the page contents in half the time, smaller.
  libdeflate_compressor* compressor = libdeflate_alloc_compressor(1);
  if (!compressor) return {};
  std::string out(libdeflate_zlib_compress_bound(compressor, data.size()), '\0');
  size_t size = libdeflate_zlib_compress(compressor, data.data(), data.size(), out.data(), out.size());
  libdeflate_free_compressor(compressor);
  out.resize(size);
  return out;  // empty on failure
}

FontSubset subset_face(const fonts::Face& face, const std::set<unsigned>& gids) {
  const double start = thread_cpu_ms();  // subsets run beside pagination: wall time would count waits
  FontSubset out;
  out.cff = face.cff;
  out.tag = subset_tag(face.postscript_name, gids);

  hb_subset_input_t* input = hb_subset_input_create_or_fail();
  if (!input) return out;
  hb_set_t* glyphs = hb_subset_input_glyph_set(input);
  hb_set_add(glyphs, 0);
  for (unsigned g : gids) hb_set_add(glyphs, g);
  // Glyphs only: no code points, so cmap keeps nothing the PDF does not use.
  hb_set_clear(hb_subset_input_unicode_set(input));
  hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_DESUBROUTINIZE);
  // The PDF viewer positions glyphs from the content stream: layout tables
  // and vertical metrics are dead weight.
  // No layout closure: the glyphs are already shaped; the PDF needs only
  // them, not what a substitution could reach from them.
  hb_set_clear(hb_subset_input_set(input, HB_SUBSET_SETS_LAYOUT_FEATURE_TAG));
  hb_set_t* drop = hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG);
  for (hb_tag_t t : {HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'), HB_TAG('G', 'D', 'E', 'F'),
                     HB_TAG('B', 'A', 'S', 'E'), HB_TAG('J', 'S', 'T', 'F'), HB_TAG('v', 'h', 'e', 'a'),
                     HB_TAG('v', 'm', 't', 'x'), HB_TAG('V', 'O', 'R', 'G'), HB_TAG('D', 'S', 'I', 'G'),
                     HB_TAG('k', 'e', 'r', 'n'), HB_TAG('m', 'e', 'r', 'g'),
                     HB_TAG('m', 'e', 't', 'a')})
    hb_set_add(drop, t);

  hb_subset_plan_t* plan = nullptr;
  {
    std::optional<fonts::HideCffWhilePlanning> hide;
    if (face.cid_keyed) hide.emplace();
    plan = hb_subset_plan_create_or_fail(face.subset_source, input);
  }
  hb_subset_input_destroy(input);
  if (!plan) return out;
  hb_face_t* subset = hb_subset_plan_execute_or_fail(plan);
  if (subset) {
    if (out.cff) {
      hb_blob_t* cff = hb_face_reference_table(subset, HB_TAG('C', 'F', 'F', ' '));
      unsigned len = 0;
      const char* data = hb_blob_get_data(cff, &len);
      out.program.assign(data, len);
      hb_blob_destroy(cff);
    } else {
      hb_blob_t* blob = hb_face_reference_blob(subset);
      unsigned len = 0;
      const char* data = hb_blob_get_data(blob, &len);
      out.program.assign(data, len);
      hb_blob_destroy(blob);
      const hb_map_t* old_to_new = hb_subset_plan_old_to_new_glyph_mapping(plan);
      unsigned max_gid = gids.empty() ? 0 : *gids.rbegin();
      out.cid_to_gid.assign(max_gid + 1, 0);
      for (unsigned g : gids) {
        hb_codepoint_t n = hb_map_get(old_to_new, g);
        if (n != HB_MAP_VALUE_INVALID) out.cid_to_gid[g] = static_cast<uint16_t>(n);
      }
    }
    hb_face_destroy(subset);
  }
  hb_subset_plan_destroy(plan);
  const double subset_done = thread_cpu_ms();
  // Deflated here, on the subsetting thread, rather than by libharu when it saves.
  out.program_deflated = deflate(out.program);
  if (!out.cff) {
    std::string map;
    map.reserve(out.cid_to_gid.size() * 2);
    for (uint16_t g : out.cid_to_gid) {
      map.push_back(static_cast<char>(g >> 8));
      map.push_back(static_cast<char>(g & 0xFF));
    }
    out.cid_to_gid_deflated = deflate(map);
  }
  if (std::getenv("PAIBAN_TIMINGS"))
    std::fprintf(stderr, "paiban:   subset %s: %zu glyphs, %zu bytes, CPU: hb-subset %.2f ms, deflate %.2f ms\n",
                 face.postscript_name.c_str(), gids.size(), out.program.size(), subset_done - start,
                 thread_cpu_ms() - subset_done);
  return out;
}

}  // namespace paiban::pdf
