#pragma once
// Font subsets for embedding, made by hb-subset.
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/threads.h"
#include "fonts/font_set.h"

namespace paiban::pdf {

/// What the PDF embeds for one face.
struct FontSubset {
  bool cff = false;               ///< CFF outlines: `program` is the bare CFF table (FontFile3/CIDFontType0C)
  std::string program;            ///< the font program bytes
  std::vector<uint16_t> cid_to_gid;  ///< TrueType: new glyph ID for each original glyph ID (CID); empty for CFF
  std::string tag;                ///< six capital letters derived from the glyph set ("ABCDEF")
  std::string program_deflated;   ///< `program`, deflated (for /FlateDecode)
  std::string cid_to_gid_deflated;  ///< TrueType: the CIDToGIDMap stream's bytes, deflated
  bool out_of_memory = false;     ///< no program: hb-subset ran out of memory
};

/// DATA deflated in the zlib format (RFC 1950), as /FlateDecode reads it.
std::string deflate(std::string_view data);

/// Subsets FACE to GIDS (original glyph IDs; .notdef is always kept) without
/// hinting or layout tables. CFF faces are desubroutinized; CID-keyed CFF keeps
/// the original CIDs, so content streams may use original glyph IDs as CIDs.
/// Returns an empty program if hb-subset fails (out_of_memory: for want of memory).
FontSubset subset_face(const fonts::Face& face, const std::set<unsigned>& gids);

/// Faces subset once to the glyphs of earlier reports, kept by a batch worker or by
/// paiban watch: a CID-keyed CFF face (a CJK face) is then subset from that small face, not
/// from its 65,000 glyphs, with the same bytes as from the face itself. A report whose glyphs
/// the kept face lacks is subset from the face; the kept one is made again, of every glyph
/// seen, after 2, then 4, 8, … such reports, so that a batch of ever new names does not
/// make it again for each.
class SubsetSources {
 public:
  SubsetSources();
  ~SubsetSources();
  SubsetSources(SubsetSources&&) noexcept;
  SubsetSources& operator=(SubsetSources&&) noexcept;
  /// FACE subset to GIDS, as subset_face does it. One thread at a time per face.
  FontSubset subset(const fonts::Face& face, const std::set<unsigned>& gids);
  /// Subsets made from a kept face.
  size_t hits() const { return hits_; }

 private:
  struct Source;
  MovableMutex mutex_;  ///< (faces are subset in parallel: the map is shared, each source its face's)
  std::map<const fonts::Face*, std::unique_ptr<Source>> sources_;
  size_t hits_ = 0;
};

/// The subset tag for a glyph set: a stable hash spelled in capital letters.
std::string subset_tag(const std::string& postscript_name, const std::set<unsigned>& gids);

}  // namespace paiban::pdf
