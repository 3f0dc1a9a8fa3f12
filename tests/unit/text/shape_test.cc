#include "text/shape.h"

#include <gtest/gtest.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include "support/default_fonts.h"
#include "support/system_font.h"
#include "support/test_support.h"

namespace paiban::text {
namespace {

class Shape : public ::testing::Test {
 protected:
  const fonts::FontSet* fonts_ = &testing::default_fonts();
};

TEST(PrefersLatinFace, ByScriptAndWidth) {
  EXPECT_TRUE(prefers_latin_face(U'A'));
  EXPECT_TRUE(prefers_latin_face(U'7'));
  EXPECT_TRUE(prefers_latin_face(U'%'));
  EXPECT_FALSE(prefers_latin_face(U'中'));
  EXPECT_FALSE(prefers_latin_face(U'，'));  // full-width comma
  EXPECT_FALSE(prefers_latin_face(U'“'));   // ambiguous width: CJK face in Chinese text
  EXPECT_FALSE(prefers_latin_face(U'…'));
}

TEST(PrefersLatinFace, AsItsRuleSaysForEveryAsciiAndUnifiedIdeograph) {
  // The rule from ICU's properties: Latin script, or Common/Inherited and narrow, neutral or
  // half-width. (prefers_latin_face answers the commonest code points without asking ICU.)
  auto by_rule = [](char32_t cp) {
    UErrorCode err = U_ZERO_ERROR;
    UScriptCode script = uscript_getScript(static_cast<UChar32>(cp), &err);
    int width = u_getIntPropertyValue(static_cast<UChar32>(cp), UCHAR_EAST_ASIAN_WIDTH);
    return script == USCRIPT_LATIN || ((script == USCRIPT_COMMON || script == USCRIPT_INHERITED) &&
                                       (width == U_EA_NARROW || width == U_EA_NEUTRAL || width == U_EA_HALFWIDTH));
  };
  for (char32_t cp = 0; cp < 0x10000; ++cp) ASSERT_EQ(prefers_latin_face(cp), by_rule(cp)) << std::hex << static_cast<uint32_t>(cp);
}

using testing::SystemFace;

TEST_F(Shape, GlyphIdsAdvancesAndClusters) {
  DiagnosticSink sink;
  auto p = shape_paragraph({{"中文，A1“测”", "song", 12, {"r.md", 1, 1}}}, *fonts_, sink);
  EXPECT_EQ(sink.format_all(), "");
  const fonts::Role& song = *fonts_->role("song");
  const SystemFace cjk("Noto Serif CJK SC:style=Regular"), latin("Liberation Serif:style=Regular");
  struct Expected {
    fonts::FaceId face;
    unsigned gid;
    double advance;
    uint32_t cluster, cluster_end;
  };
  // Han characters and full-width marks take 1 em in the CJK face (the SC
  // face of the collection: its own forms of ， and the quotes); Latin
  // letters and digits their own advance in the Latin face.
  const Expected expected[] = {
      {song.cjk[0], cjk.glyph(U'中'), 12.0, 0, 3},
      {song.cjk[0], cjk.glyph(U'文'), 12.0, 3, 6},
      {song.cjk[0], cjk.glyph(U'，'), 12.0, 6, 9},
      {song.latin[0], latin.glyph(U'A'), latin.advance(latin.glyph(U'A'), 12), 9, 10},
      {song.latin[0], latin.glyph(U'1'), latin.advance(latin.glyph(U'1'), 12), 10, 11},
      {song.cjk[0], cjk.glyph(U'“'), 12.0, 11, 14},
      {song.cjk[0], cjk.glyph(U'测'), 12.0, 14, 17},
      {song.cjk[0], cjk.glyph(U'”'), 12.0, 17, 20},
  };
  for (const auto& e : expected) EXPECT_NE(e.gid, 0u);
  ASSERT_EQ(p.glyphs.size(), std::size(expected));
  for (size_t i = 0; i < p.glyphs.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(p.glyphs[i].face, expected[i].face);
    EXPECT_EQ(p.glyphs[i].gid, expected[i].gid);
    EXPECT_NEAR(p.glyphs[i].advance, expected[i].advance, 0.001);
    EXPECT_EQ(p.glyphs[i].cluster, expected[i].cluster);
    EXPECT_EQ(p.glyphs[i].cluster_end, expected[i].cluster_end);
  }
  // paiban's face is the one fontconfig names for the SC face of the collection.
  EXPECT_EQ(fonts_->face(song.cjk[0]).glyph_for(U'，'), cjk.glyph(U'，'));
}

TEST_F(Shape, RolesChooseFaces) {
  DiagnosticSink sink;
  auto p = shape_paragraph({{"甲", "song", 12, {}}, {"乙", "hei-bold", 16, {}}}, *fonts_, sink);
  ASSERT_EQ(p.glyphs.size(), 2u);
  EXPECT_EQ(fonts_->face(p.glyphs[0].face).postscript_name, "NotoSerifCJKsc-Regular");
  EXPECT_EQ(fonts_->face(p.glyphs[1].face).postscript_name, "NotoSansCJKsc-Bold");
  EXPECT_DOUBLE_EQ(p.glyphs[1].advance, 16.0);
  EXPECT_EQ(p.text, "甲乙");
}

TEST_F(Shape, CharacterNoFontHasIsAnErrorNamingIt) {
  DiagnosticSink sink;
  auto p = shape_paragraph({{"中\U0001F600文", "song", 12, {"r.md", 4, 7}}}, *fonts_, sink);
  EXPECT_EQ(sink.format_all(),
            "r.md:4:8: error: no font of role \"song\" has U+1F600 (\U0001F600)\n"
            "  hint: add a font that has it to the role's chain in fonts/fonts.yaml\n");
  // No .notdef is produced for it.
  for (const auto& g : p.glyphs) EXPECT_NE(g.gid, 0u);
  EXPECT_EQ(p.glyphs.size(), 2u);
}

TEST_F(Shape, LineFeedsTakeNoGlyph) {
  DiagnosticSink sink;
  auto p = shape_paragraph({{"甲\n乙", "song", 12, {}}}, *fonts_, sink);
  ASSERT_EQ(p.glyphs.size(), 2u);
  EXPECT_EQ(p.glyphs[1].cluster, 4u);
}

}  // namespace
}  // namespace paiban::text
