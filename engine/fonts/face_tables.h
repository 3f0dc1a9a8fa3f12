// What the PDF's font descriptor and the layout need of a face, read from its OpenType tables
// (head, hhea, OS/2, post, name and the CFF top DICT) through HarfBuzz.
//
// The values are FreeType's (the unit test holds every installed face to FreeType's reading):
// FreeType computed them before, but opening a face in FreeType parses the whole CFF charset,
// 1.2–2 ms for each CJK face of a report, to read these few fields.
#pragma once

#include <hb.h>

#include <optional>
#include <string>

#include "fonts/font_set.h"

namespace paiban::fonts {

struct FaceTables {
  FaceMetrics metrics;
  std::string postscript_name;  ///< name ID 6 (Windows, then Macintosh), or "" when it has none
  bool cff = false;             ///< CFF outlines
  bool cid_keyed = false;       ///< a CFF whose top DICT has ROS
};

/// The face's fields, or nullopt when it is not a usable font: no glyphs, no head table, or
/// no outlines (neither glyf and loca nor CFF).
std::optional<FaceTables> read_face_tables(hb_face_t* face);

}  // namespace paiban::fonts
