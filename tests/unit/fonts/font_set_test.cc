#include "fonts/font_set.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace paiban::fonts {
namespace {

TEST(FindInstalledFont, ResolvesTheSimplifiedChineseFaceOfTheCollection) {
  auto found = find_installed_font("Noto Serif CJK SC:style=Regular");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->first, "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc");
  EXPECT_EQ(found->second, 2u);  // JP, KR, SC, TC, HK: SC is face 2
}

TEST(FindInstalledFont, RejectsFontconfigsNearestSubstitute) {
  EXPECT_FALSE(find_installed_font("No Such Family"));
  EXPECT_FALSE(find_installed_font("Liberation Serif:style=Heavy Condensed"));
}

TEST(FontSet, DefaultRolesLoadCffAndTrueTypeFaces) {
  DiagnosticSink sink;
  auto set = load_font_set(testing::source_dir() + "/fonts", sink);
  ASSERT_TRUE(set);
  EXPECT_EQ(sink.format_all(), "");
  const Role* song = set->role("song");
  ASSERT_TRUE(song);
  ASSERT_EQ(song->cjk.size(), 1u);
  const Face& serif = set->face(song->cjk[0]);
  EXPECT_TRUE(serif.cff);
  EXPECT_EQ(serif.postscript_name, "NotoSerifCJKsc-Regular");
  EXPECT_EQ(serif.metrics.units_per_em, 1000);
  EXPECT_EQ(serif.glyph_for(U'中'), 9564u);
  const Face& latin = set->face(song->latin[0]);
  EXPECT_FALSE(latin.cff);
  EXPECT_EQ(latin.postscript_name, "LiberationSerif");
  EXPECT_EQ(latin.metrics.units_per_em, 2048);
  EXPECT_EQ(latin.glyph_for(U'A'), 36u);
  EXPECT_EQ(latin.glyph_for(U'中'), 0u);
  // Faces are loaded once however many roles name them: 4 Noto CJK, 4
  // Liberation, UKai, UKai emboldened, WenKai Light.
  EXPECT_EQ(set->face_count(), 11u);
  const Role* kai_bold = set->role("kai-bold");
  ASSERT_TRUE(kai_bold);
  const Face& synthetic = set->face(kai_bold->cjk[0]);
  EXPECT_TRUE(synthetic.synthetic_bold);
  EXPECT_EQ(synthetic.path, "/usr/share/fonts/truetype/arphic/ukai.ttc");
  EXPECT_EQ(set->face(synthetic.base).path, synthetic.path);
  EXPECT_FALSE(set->face(synthetic.base).synthetic_bold);
  EXPECT_EQ(set->role("fangsong")->substitute_for, "仿宋");
}

TEST(FontSet, FontThatIsNotInstalledIsAnErrorAtItsEntry) {
  testing::TempDir dir;
  dir.write("fonts.yaml", "roles:\n  song:\n    cjk: [\"Noto Serif CJK SC\", \"FZFangSong-Z02\"]\n");
  DiagnosticSink sink;
  load_font_set(dir.path().string(), sink);
  EXPECT_EQ(sink.format_all(),
            dir.path().string() + "/fonts.yaml:3:32: error: font \"FZFangSong-Z02\" is not installed\n"
            "  hint: install it (the defaults come with: apt-get install fonts-noto-cjk fonts-liberation2), "
            "or copy its file into fonts/ and name the file here\n");
}

TEST(FontSet, FontFileInTheFontsFolder) {
  testing::TempDir dir;
  dir.write("fonts.yaml", "roles:\n  song:\n    cjk: [missing.ttf]\n");
  DiagnosticSink sink;
  load_font_set(dir.path().string(), sink);
  EXPECT_EQ(sink.all().size(), 1u);
  EXPECT_EQ(sink.all()[0].span.to_string(), dir.path().string() + "/fonts.yaml:3:11");
  EXPECT_NE(sink.all()[0].message.find("missing.ttf\" not found"), std::string::npos);
}

}  // namespace
}  // namespace paiban::fonts
