#include "fonts/font_set.h"

#include <gtest/gtest.h>
#include <hb-subset.h>

#include <fstream>
#include <optional>

#include "support/system_font.h"
#include "support/test_support.h"

namespace paiban::fonts {
namespace {

TEST(FindInstalledFont, ResolvesTheSimplifiedChineseFaceOfTheCollection) {
  auto found = find_installed_font("Noto Serif CJK SC:style=Regular");
  ASSERT_TRUE(found);
  // The file and face fontconfig names (in Debian's build: face 2 of JP, KR, SC, TC, HK).
  testing::SystemFace sc("Noto Serif CJK SC:style=Regular");
  EXPECT_EQ(found->first, sc.path());
  EXPECT_EQ(found->second, sc.index());
  EXPECT_TRUE(found->first.ends_with(".ttc"));
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
  EXPECT_TRUE(serif.cid_keyed);
  EXPECT_EQ(serif.postscript_name, "NotoSerifCJKsc-Regular");
  testing::SystemFace system_serif("Noto Serif CJK SC:style=Regular"), system_latin("Liberation Serif:style=Regular");
  EXPECT_EQ(serif.metrics.units_per_em, system_serif.units_per_em());
  EXPECT_EQ(serif.glyph_for(U'中'), system_serif.glyph(U'中'));
  EXPECT_NE(serif.glyph_for(U'中'), 0u);
  const Face& latin = set->face(song->latin[0]);
  EXPECT_FALSE(latin.cff);
  EXPECT_FALSE(latin.cid_keyed);
  EXPECT_EQ(latin.postscript_name, "LiberationSerif");
  EXPECT_EQ(latin.metrics.units_per_em, system_latin.units_per_em());
  EXPECT_EQ(latin.glyph_for(U'A'), system_latin.glyph(U'A'));
  EXPECT_NE(latin.glyph_for(U'A'), 0u);
  EXPECT_EQ(latin.glyph_for(U'中'), 0u);
  // Faces are loaded once however many roles name them: 4 Noto CJK, 4
  // Liberation, UKai, UKai emboldened, WenKai Light.
  EXPECT_EQ(set->face_count(), 11u);
  const Role* kai_bold = set->role("kai-bold");
  ASSERT_TRUE(kai_bold);
  const Face& synthetic = set->face(kai_bold->cjk[0]);
  EXPECT_TRUE(synthetic.synthetic_bold);
  EXPECT_EQ(synthetic.path, testing::SystemFace("AR PL UKai CN:style=Book").path());
  EXPECT_EQ(set->face(synthetic.base).path, synthetic.path);
  EXPECT_FALSE(set->face(synthetic.base).synthetic_bold);
  EXPECT_EQ(set->role("fangsong")->substitute_for, "仿宋");
}

/// The subset of FACE to GIDS, planned with or without the CFF table hidden.
std::string cff_subset(const Face& face, const std::vector<unsigned>& gids, bool hide) {
  hb_subset_input_t* input = hb_subset_input_create_or_fail();
  for (unsigned g : gids) hb_set_add(hb_subset_input_glyph_set(input), g);
  hb_set_clear(hb_subset_input_unicode_set(input));
  hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_DESUBROUTINIZE);
  hb_subset_plan_t* plan = nullptr;
  {
    std::optional<HideCffWhilePlanning> scope;
    if (hide) scope.emplace();
    plan = hb_subset_plan_create_or_fail(face.subset_source, input);
  }
  hb_face_t* subset = hb_subset_plan_execute_or_fail(plan);
  hb_blob_t* cff = hb_face_reference_table(subset, HB_TAG('C', 'F', 'F', ' '));
  unsigned length = 0;
  const char* data = hb_blob_get_data(cff, &length);
  std::string bytes(data ? data : "", length);
  hb_blob_destroy(cff);
  hb_face_destroy(subset);
  hb_subset_plan_destroy(plan);
  hb_subset_input_destroy(input);
  return bytes;
}

TEST(FontSet, SubsetSourceHidesCmapAlwaysAndCffOnlyWhilePlanning) {
  DiagnosticSink sink;
  auto set = load_font_set(testing::source_dir() + "/fonts", sink);
  ASSERT_TRUE(set);
  const Face& serif = set->face(set->role("song")->cjk[0]);
  auto length = [](hb_face_t* face, hb_tag_t tag) {
    hb_blob_t* blob = hb_face_reference_table(face, tag);
    unsigned n = hb_blob_get_length(blob);
    hb_blob_destroy(blob);
    return n;
  };
  const hb_tag_t cmap = HB_TAG('c', 'm', 'a', 'p'), cff = HB_TAG('C', 'F', 'F', ' ');
  EXPECT_GT(length(serif.hb_face, cmap), 0u);
  EXPECT_EQ(length(serif.subset_source, cmap), 0u);
  const unsigned cff_length = length(serif.hb_face, cff);
  EXPECT_GT(cff_length, 10'000'000u);
  EXPECT_EQ(length(serif.subset_source, cff), cff_length);
  {
    HideCffWhilePlanning scope;
    EXPECT_EQ(length(serif.subset_source, cff), 0u);
    EXPECT_EQ(length(serif.hb_face, cff), cff_length);  // the shaping face is untouched
  }
  EXPECT_EQ(length(serif.subset_source, cff), cff_length);

  // The claim the hiding rests on: a CID-keyed font has no seac, so the
  // subset planned without CFF is the same to the byte.
  std::vector<unsigned> gids{0};
  for (char32_t c : std::u32string(U"中等职业教育质量年度报告，凉州区（2023年）“双师型”"))
    gids.push_back(serif.glyph_for(c));
  std::string planned_with = cff_subset(serif, gids, false), planned_without = cff_subset(serif, gids, true);
  EXPECT_GT(planned_with.size(), 5000u);
  EXPECT_EQ(planned_with, planned_without);
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


TEST(FontSet, AFontFileThatIsNoFontIsAnErrorAtItsEntryAndAGoodOneLoads) {
  // A page of text saved as .ttf, an empty .otf, and a copy of Liberation Sans.
  testing::TempDir dir;
  dir.write("fonts.yaml", "roles:\n  song:\n    cjk: [text.ttf, empty.otf]\n    latin: [sans.ttf]\n");
  dir.write("text.ttf", "这不是字体文件。\n");
  dir.write("empty.otf", "");
  std::ifstream in("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf", std::ios::binary);
  dir.write("sans.ttf", std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
  DiagnosticSink sink;
  auto set = load_font_set(dir.path().string(), sink);
  const std::string folder = dir.path().string();
  EXPECT_EQ(sink.format_all(),
            folder + "/fonts.yaml:3:11: error: cannot load font \"text.ttf\" from " + folder + "/text.ttf (face 0)\n" +
            folder + "/fonts.yaml:3:21: error: cannot load font \"empty.otf\" from " + folder + "/empty.otf (face 0)\n");
  ASSERT_TRUE(set);
  const Role* song = set->role("song");
  ASSERT_TRUE(song);
  EXPECT_TRUE(song->cjk.empty());
  ASSERT_EQ(song->latin.size(), 1u);
  const Face& sans = set->face(song->latin[0]);
  EXPECT_EQ(sans.postscript_name, "LiberationSans");
  EXPECT_FALSE(sans.cff);
  EXPECT_EQ(sans.metrics.units_per_em, 2048);
}

}  // namespace
}  // namespace paiban::fonts
