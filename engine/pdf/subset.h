#pragma once
// Font subsets for embedding, made by hb-subset.
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

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
};

/// DATA deflated in the zlib format (RFC 1950), as /FlateDecode reads it.
std::string deflate(std::string_view data);

/// Subsets FACE to GIDS (original glyph IDs; .notdef is always kept) without
/// hinting or layout tables. CFF faces are desubroutinized; CID-keyed CFF keeps
/// the original CIDs, so content streams may use original glyph IDs as CIDs.
/// Returns an empty program if hb-subset fails.
FontSubset subset_face(const fonts::Face& face, const std::set<unsigned>& gids);

/// The subset tag for a glyph set: a stable hash spelled in capital letters.
std::string subset_tag(const std::string& postscript_name, const std::set<unsigned>& gids);

}  // namespace paiban::pdf
