// The fields paiban reads from a face's tables, held to FreeType's reading of the same face:
// every face of every font file installed, and damaged files.
#include "fonts/face_tables.h"

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_TRUETYPE_TABLES_H
#include FT_CID_H
#include FT_FONT_FORMATS_H
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "support/system_font.h"
#include "support/test_support.h"

namespace paiban::fonts {
namespace {

std::vector<std::string> installed_font_files() {
  FcInit();
  FcPattern* pattern = FcPatternCreate();
  FcObjectSet* objects = FcObjectSetBuild(FC_FILE, nullptr);
  FcFontSet* list = FcFontList(nullptr, pattern, objects);
  std::set<std::string> files;
  for (int i = 0; list && i < list->nfont; ++i) {
    FcChar8* file = nullptr;
    if (FcPatternGetString(list->fonts[i], FC_FILE, 0, &file) == FcResultMatch) {
      std::string f = reinterpret_cast<char*>(file);
      for (const char* ext : {".ttf", ".otf", ".ttc", ".otc"})
        if (f.ends_with(ext)) files.insert(f);
    }
  }
  if (list) FcFontSetDestroy(list);
  FcObjectSetDestroy(objects);
  FcPatternDestroy(pattern);
  return {files.begin(), files.end()};
}

/// What FreeType makes of the face, read as paiban read it from FreeType before.
std::optional<FaceTables> freetype_reading(FT_Library ft, const std::string& path, unsigned index) {
  FT_Face f = nullptr;
  if (FT_New_Face(ft, path.c_str(), static_cast<FT_Long>(index), &f) != 0) return std::nullopt;
  FaceTables t;
  FaceMetrics& m = t.metrics;
  m.units_per_em = f->units_per_EM;
  m.ascender = f->ascender;
  m.descender = f->descender;
  m.bbox[0] = static_cast<int>(f->bbox.xMin);
  m.bbox[1] = static_cast<int>(f->bbox.yMin);
  m.bbox[2] = static_cast<int>(f->bbox.xMax);
  m.bbox[3] = static_cast<int>(f->bbox.yMax);
  m.fixed_pitch = FT_IS_FIXED_WIDTH(f);
  if (auto* os2 = static_cast<TT_OS2*>(FT_Get_Sfnt_Table(f, FT_SFNT_OS2))) {
    m.cap_height = os2->version >= 2 ? os2->sCapHeight : m.ascender;
    m.serif = ((os2->sFamilyClass >> 8) & 0xFF) >= 1 && ((os2->sFamilyClass >> 8) & 0xFF) <= 7;
  } else {
    m.cap_height = m.ascender;
  }
  if (auto* post = static_cast<TT_Postscript*>(FT_Get_Sfnt_Table(f, FT_SFNT_POST)))
    m.italic_angle = static_cast<int>(post->italicAngle >> 16);
  const char* ps = FT_Get_Postscript_Name(f);
  t.postscript_name = ps ? ps : "";
  FT_Bool cid = 0;
  t.cff = std::string(FT_Get_Font_Format(f)) == "CFF";
  t.cid_keyed = t.cff && FT_Get_CID_Is_Internally_CID_Keyed(f, &cid) == 0 && cid;
  FT_Done_Face(f);
  return t;
}

std::string describe(const FaceTables& t) {
  const FaceMetrics& m = t.metrics;
  return "upem " + std::to_string(m.units_per_em) + " asc " + std::to_string(m.ascender) + " desc " +
         std::to_string(m.descender) + " cap " + std::to_string(m.cap_height) + " bbox " + std::to_string(m.bbox[0]) +
         " " + std::to_string(m.bbox[1]) + " " + std::to_string(m.bbox[2]) + " " + std::to_string(m.bbox[3]) +
         " italic " + std::to_string(m.italic_angle) + " fixed " + std::to_string(m.fixed_pitch) + " serif " +
         std::to_string(m.serif) + " ps \"" + t.postscript_name + "\" cff " + std::to_string(t.cff) + " cid " +
         std::to_string(t.cid_keyed);
}

TEST(FaceTables, EveryInstalledFaceReadsAsFreeTypeReadsIt) {
  FT_Library ft = nullptr;
  ASSERT_EQ(FT_Init_FreeType(&ft), 0);
  const std::vector<std::string> files = installed_font_files();
  ASSERT_GE(files.size(), 10u) << "the default fonts (fonts-noto-cjk, fonts-liberation2) are installed";
  int faces = 0, cid_keyed = 0, truetype = 0;
  for (const std::string& path : files) {
    hb_blob_t* blob = hb_blob_create_from_file_or_fail(path.c_str());
    ASSERT_TRUE(blob) << path;
    for (unsigned index = 0; index < hb_face_count(blob); ++index) {
      std::optional<FaceTables> expected = freetype_reading(ft, path, index);
      if (!expected) continue;
      hb_face_t* face = hb_face_create(blob, index);
      std::optional<FaceTables> read = read_face_tables(face);
      hb_face_destroy(face);
      ASSERT_TRUE(read) << path << " #" << index;
      EXPECT_EQ(describe(*read), describe(*expected)) << path << " #" << index;
      ++faces;
      cid_keyed += expected->cid_keyed;
      truetype += !expected->cff;
    }
    hb_blob_destroy(blob);
  }
  FT_Done_FreeType(ft);
  // Both kinds the defaults use were among them.
  EXPECT_GE(cid_keyed, 4);
  EXPECT_GE(truetype, 4);
  EXPECT_GE(faces, 20);
}

TEST(FaceTables, SmallFontsMadeForTheFallbacksReadAsFreeTypeReadsThem) {
  // The fuzz target's seeds: hhea without ascender and descender (OS/2's typo values, then its
  // win values), only a Macintosh name, a Windows name with a space (not a PostScript name),
  // no usable name, no OS/2, OS/2 version 1 (no sCapHeight), an OS/2 table too short for its
  // version, a fixed-pitch face of 2048 units. (The CFF seed is too bare for FreeType to open;
  // CID-keyed CFF faces are the installed Noto CJK faces above.)
  FT_Library ft = nullptr;
  ASSERT_EQ(FT_Init_FreeType(&ft), 0);
  const std::filesystem::path folder = std::filesystem::path(PAIBAN_SOURCE_DIR) / "tests/fuzz/corpus/fuzz_font_file";
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    const std::string path = entry.path().string();
    if (entry.path().extension() != ".ttf") continue;
    std::optional<FaceTables> expected = freetype_reading(ft, path, 0);
    ASSERT_TRUE(expected) << path << ": FreeType opens it";
    hb_blob_t* blob = hb_blob_create_from_file_or_fail(path.c_str());
    ASSERT_TRUE(blob);
    hb_face_t* face = hb_face_create(blob, 0);
    std::optional<FaceTables> read = read_face_tables(face);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    ASSERT_TRUE(read) << path;
    EXPECT_EQ(describe(*read), describe(*expected)) << path;
    names.insert(entry.path().filename().string());
  }
  FT_Done_FreeType(ft);
  EXPECT_EQ(names.size(), 10u);
}

TEST(FaceTables, TheBodyFaceHasTheValuesItsTablesHold) {
  // Noto Serif CJK SC Regular (face 2 of Debian's collection), its table bytes at the offsets
  // the OpenType specification gives: head unitsPerEm 1000 and bbox -997 -1049 2929 1809, hhea
  // ascender 1151 and descender -286, OS/2 version 3 with sCapHeight 729 and sFamilyClass 0 (no
  // class, so not marked serif), post italicAngle 0 and isFixedPitch 0; a CID-keyed CFF.
  testing::SystemFace sc("Noto Serif CJK SC:style=Regular");
  hb_blob_t* blob = hb_blob_create_from_file_or_fail(sc.path().c_str());
  ASSERT_TRUE(blob);
  hb_face_t* face = hb_face_create(blob, sc.index());
  std::optional<FaceTables> t = read_face_tables(face);
  hb_face_destroy(face);
  hb_blob_destroy(blob);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->metrics.units_per_em, 1000);
  EXPECT_EQ(t->metrics.ascender, 1151);
  EXPECT_EQ(t->metrics.descender, -286);
  EXPECT_EQ(t->metrics.cap_height, 729);
  EXPECT_EQ(t->metrics.bbox[0], -997);
  EXPECT_EQ(t->metrics.bbox[1], -1049);
  EXPECT_EQ(t->metrics.bbox[2], 2929);
  EXPECT_EQ(t->metrics.bbox[3], 1809);
  EXPECT_EQ(t->metrics.italic_angle, 0);
  EXPECT_EQ(t->postscript_name, "NotoSerifCJKsc-Regular");
  EXPECT_TRUE(t->cff);
  EXPECT_TRUE(t->cid_keyed);
  EXPECT_FALSE(t->metrics.serif);
  EXPECT_FALSE(t->metrics.fixed_pitch);
}

TEST(FaceTables, AFileThatIsNoFontOrHasLostItsOutlinesIsNotAFace) {
  for (std::string bytes : {std::string("not a font at all, only text"), std::string(4096, '\0')}) {
    hb_blob_t* blob = hb_blob_create(bytes.data(), static_cast<unsigned>(bytes.size()), HB_MEMORY_MODE_READONLY, nullptr,
                                     nullptr);
    hb_face_t* face = hb_face_create(blob, 0);
    EXPECT_FALSE(read_face_tables(face));
    hb_face_destroy(face);
    hb_blob_destroy(blob);
  }
  // Liberation Sans cut off after its first 2 KB: the table directory promises glyf and loca,
  // whose bytes are gone.
  std::ifstream in("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf", std::ios::binary);
  std::string font((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(font.size(), 2048u);
  font.resize(2048);
  hb_blob_t* blob = hb_blob_create(font.data(), static_cast<unsigned>(font.size()), HB_MEMORY_MODE_READONLY, nullptr,
                                   nullptr);
  hb_face_t* face = hb_face_create(blob, 0);
  EXPECT_FALSE(read_face_tables(face));
  hb_face_destroy(face);
  hb_blob_destroy(blob);
}

}  // namespace
}  // namespace paiban::fonts
