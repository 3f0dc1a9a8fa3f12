#include "pdf/subset.h"

#include <cerrno>
#include <new>

#include <hb-subset.h>
#include <libdeflate.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "base/cpu_time.h"
#include "base/memory_limit.h"

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
  if (!compressor) throw std::bad_alloc();  // (its only failure at a valid level)
  std::string out(libdeflate_zlib_compress_bound(compressor, data.size()), '\0');
  size_t size = libdeflate_zlib_compress(compressor, data.data(), data.size(), out.data(), out.size());
  libdeflate_free_compressor(compressor);
  out.resize(size);
  return out;  // empty on failure
}

namespace {

/// hb-subset of SOURCE to GIDS (glyph IDs of SOURCE; .notdef is always kept), without hinting
/// or layout tables, desubroutinized. HIDE_CFF: plan with the CFF table hidden (a CID-keyed
/// CFF face: see fonts::HideCffWhilePlanning). OLD_TO_NEW, if given, receives the glyph map.
hb_face_t* run_hb_subset(hb_face_t* source, const std::set<unsigned>& gids, bool hide_cff,
                         std::map<unsigned, unsigned>* old_to_new, std::vector<uint16_t>* cid_to_gid) {
  hb_subset_input_t* input = hb_subset_input_create_or_fail();
  if (!input) return nullptr;
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
    if (hide_cff) hide.emplace();
    plan = hb_subset_plan_create_or_fail(source, input);
  }
  hb_subset_input_destroy(input);
  if (!plan) return nullptr;
  hb_face_t* subset = hb_subset_plan_execute_or_fail(plan);
  if (subset && (old_to_new || cid_to_gid)) {
    const hb_map_t* map = hb_subset_plan_old_to_new_glyph_mapping(plan);
    if (old_to_new) {
      old_to_new->clear();
      old_to_new->emplace(0, hb_map_get(map, 0));
      for (unsigned g : gids)
        if (hb_codepoint_t n = hb_map_get(map, g); n != HB_MAP_VALUE_INVALID) old_to_new->emplace(g, n);
    }
    if (cid_to_gid) {
      unsigned max_gid = gids.empty() ? 0 : *gids.rbegin();
      cid_to_gid->assign(max_gid + 1, 0);
      for (unsigned g : gids)
        if (hb_codepoint_t n = hb_map_get(map, g); n != HB_MAP_VALUE_INVALID) (*cid_to_gid)[g] = static_cast<uint16_t>(n);
    }
  }
  hb_subset_plan_destroy(plan);
  return subset;
}

/// The font program the PDF embeds from SUBSET: the bare CFF table, or the whole TrueType font.
std::string program_of(hb_face_t* subset, bool cff) {
  hb_blob_t* blob = cff ? hb_face_reference_table(subset, HB_TAG('C', 'F', 'F', ' ')) : hb_face_reference_blob(subset);
  unsigned len = 0;
  const char* data = hb_blob_get_data(blob, &len);
  std::string program(data, len);
  hb_blob_destroy(blob);
  return program;
}

/// Deflates what subset_face made, and prints its timing.
void finish_subset(FontSubset& out, const fonts::Face& face, size_t glyphs, double start, const char* how) {
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
    std::fprintf(stderr, "paiban:   subset %s%s: %zu glyphs, %zu bytes, CPU: hb-subset %.2f ms, deflate %.2f ms\n",
                 face.postscript_name.c_str(), how, glyphs, out.program.size(), subset_done - start,
                 thread_cpu_ms() - subset_done);
}

}  // namespace

FontSubset subset_face(const fonts::Face& face, const std::set<unsigned>& gids) {
  const double start = thread_cpu_ms();  // subsets run beside pagination: wall time would count waits
  FontSubset out;
  out.cff = face.cff;
  out.tag = subset_tag(face.postscript_name, gids);
  // (hb-subset says only that it failed; malloc's errno says whether memory ran out.)
  errno = 0;
  hb_face_t* subset = run_hb_subset(face.subset_source, gids, face.cid_keyed, nullptr, face.cff ? nullptr : &out.cid_to_gid);
  if (!subset) {
    out.out_of_memory = errno == ENOMEM;
    return out;
  }
  out.program = program_of(subset, out.cff);  // (serialised here: its allocations may fail too)
  hb_face_destroy(subset);
  if (out.program.empty()) {
    out.out_of_memory = errno == ENOMEM;
    return out;
  }
  finish_subset(out, face, gids.size(), start, "");
  return out;
}

struct SubsetSources::Source {
  std::set<unsigned> seen;             ///< every glyph asked for so far
  std::map<unsigned, unsigned> to_kept;  ///< original glyph ID → the kept face's, for each glyph it holds
  hb_face_t* kept = nullptr;
  size_t misses = 0, next_rebuild = 2;
  ~Source() {
    if (!near_memory_limit()) hb_face_destroy(kept);  // (see near_memory_limit)
  }
};

SubsetSources::SubsetSources() = default;
SubsetSources::~SubsetSources() = default;
SubsetSources::SubsetSources(SubsetSources&&) noexcept = default;
SubsetSources& SubsetSources::operator=(SubsetSources&&) noexcept = default;

FontSubset SubsetSources::subset(const fonts::Face& face, const std::set<unsigned>& gids) {
  if (!face.cff || !face.cid_keyed) return subset_face(face, gids);
  const double start = thread_cpu_ms();
  Source* source;
  {
    std::lock_guard lock(mutex_);
    auto& slot = sources_[&face];
    if (!slot) slot = std::make_unique<Source>();
    source = slot.get();
  }
  Source& s = *source;
  // The glyphs in the kept face, if it holds them all.
  auto in_kept = [&s, &gids]() -> std::optional<std::set<unsigned>> {
    std::set<unsigned> mapped;
    for (unsigned g : gids) {
      auto it = s.to_kept.find(g);
      if (it == s.to_kept.end()) return std::nullopt;
      mapped.insert(it->second);
    }
    return mapped;
  };
  std::optional<std::set<unsigned>> mapped = s.kept ? in_kept() : std::nullopt;
  if (!mapped) {
    s.seen.insert(gids.begin(), gids.end());
    if (++s.misses < s.next_rebuild) return subset_face(face, gids);
    // Kept anew: the face subset to every glyph seen (the same planning as subset_face).
    hb_face_t* made = run_hb_subset(face.subset_source, s.seen, face.cid_keyed, &s.to_kept, nullptr);
    if (!made) return subset_face(face, gids);
    hb_blob_t* blob = hb_face_reference_blob(made);
    hb_face_destroy(made);
    hb_face_destroy(s.kept);
    s.kept = hb_face_create(blob, 0);
    hb_blob_destroy(blob);
    hb_face_make_immutable(s.kept);
    s.misses = 0;
    s.next_rebuild *= 2;
    mapped = in_kept();
    if (!mapped) return subset_face(face, gids);  // (a glyph the face does not have)
  }
  FontSubset out;
  out.cff = true;
  out.tag = subset_tag(face.postscript_name, gids);
  hb_face_t* subset = run_hb_subset(s.kept, *mapped, false, nullptr, nullptr);
  if (!subset) return subset_face(face, gids);
  out.program = program_of(subset, true);
  hb_face_destroy(subset);
  if (out.program.empty()) return subset_face(face, gids);
  {
    std::lock_guard lock(mutex_);
    ++hits_;
  }
  finish_subset(out, face, gids.size(), start, " (from the kept subset)");
  return out;
}

}  // namespace paiban::pdf
