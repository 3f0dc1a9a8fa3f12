#include "pdf/writer.h"

#include <gtest/gtest.h>
#include <hb.h>
#include <zlib.h>

#include <fmt/format.h>

#include "base/text_file.h"
#include "pdf/subset.h"
#include "support/default_fonts.h"
#include "support/test_support.h"
#include "text/shape.h"

namespace paiban::pdf {
namespace {

class Pdf : public ::testing::Test {
 protected:

  /// One page with TEXT set on one line in role song at 12 pt.
  layout::Pages one_line(const std::string& text) {
    DiagnosticSink sink;
    auto p = text::shape_paragraph({{text, "song", 12, {}}}, *fonts_, sink);
    layout::Pages pages;
    pages.width = 300;
    pages.height = 200;
    pages.pages.emplace_back();
    double x = 20;
    layout::GlyphRun* run = nullptr;
    for (const auto& g : p.glyphs) {
      if (!run || run->face != g.face) {
        pages.pages[0].runs.push_back({g.face, 12, x, 100, {}});
        run = &pages.pages[0].runs.back();
      }
      run->glyphs.push_back({g.gid, g.advance, p.text.substr(g.cluster, g.cluster_end - g.cluster)});
      x += g.advance;
    }
    return pages;
  }
  const fonts::FontSet* fonts_ = &testing::default_fonts();
};

TEST(SubsetTag, SixCapitalsFromTheGlyphSet) {
  std::string a = subset_tag("NotoSerifCJKsc-Regular", {1, 2, 3});
  EXPECT_EQ(a.size(), 6u);
  for (char c : a) EXPECT_TRUE(c >= 'A' && c <= 'Z');
  EXPECT_EQ(a, subset_tag("NotoSerifCJKsc-Regular", {1, 2, 3}));
  EXPECT_NE(a, subset_tag("NotoSerifCJKsc-Regular", {1, 2, 4}));
}

std::string inflate(const std::string& data) {
  std::string out(1 << 20, '\0');
  uLongf size = out.size();
  if (uncompress(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(data.data()),
                 data.size()) != Z_OK)
    return "<corrupt>";
  out.resize(size);
  return out;
}

TEST(Deflate, ZlibFormatThatInflatesToTheInput) {
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "abc";
  std::string packed = deflate(text);
  EXPECT_EQ(static_cast<unsigned char>(packed[0]), 0x78);  // zlib header: deflate, 32 KB window
  EXPECT_EQ(inflate(packed), text);
  EXPECT_LT(packed.size(), 100u);  // the repeats become back-references
  EXPECT_EQ(inflate(deflate("")), "");
}

TEST_F(Pdf, CffSubsetIsABareCffTableMuchSmallerThanTheFont) {
  const fonts::Face& face = fonts_->face(fonts_->role("song")->cjk[0]);
  FontSubset s = subset_face(face, {face.glyph_for(U'中'), face.glyph_for(U'文')});
  EXPECT_TRUE(s.cff);
  ASSERT_GE(s.program.size(), 4u);
  EXPECT_EQ(s.program[0], 1);  // CFF major version 1
  EXPECT_LT(s.program.size(), 20000u);
  EXPECT_TRUE(s.cid_to_gid.empty());
}

TEST_F(Pdf, ASubsetFromTheKeptFaceIsTheSubsetFromTheFaceByteForByte) {
  // A batch worker subsets each report's CJK glyphs from a face kept of those seen before;
  // the PDF must not tell: every subset is compared with the one made from the face itself.
  const fonts::Face& face = fonts_->face(fonts_->role("song")->cjk[0]);
  ASSERT_TRUE(face.cff && face.cid_keyed);
  auto glyphs = [&](const std::string& text) {
    std::set<unsigned> g;
    for (size_t i = 0; i < text.size();) g.insert(face.glyph_for(next_code_point(text, i)));
    return g;
  };
  const std::vector<std::string> reports = {
      "甘肃省理工中等专业学校质量年度报告，在校生二千八百七十八人。",
      "武威职业学院附属中等专业学校质量年度报告，在校生一千二百人。",
      "学校质量年度报告，在校生人。",                      // within the first two: from the kept face
      "凉州区职业中等专业学校质量年度报告，新增专业三个。",  // new glyphs: from the face
      "武威理工学校质量年度报告。",
      "天祝藏族自治县职业学校质量年度报告，在校生九百人。"};
  SubsetSources sources;
  for (size_t i = 0; i < reports.size(); ++i) {
    std::set<unsigned> g = glyphs(reports[i]);
    FontSubset direct = subset_face(face, g), kept = sources.subset(face, g);
    ASSERT_FALSE(direct.program.empty());
    EXPECT_EQ(kept.program, direct.program) << "report " << i;
    EXPECT_EQ(kept.program_deflated, direct.program_deflated) << "report " << i;
    EXPECT_EQ(kept.tag, direct.tag) << "report " << i;
  }
  // The face is kept once two reports missed it (made of both), then again only after four
  // more misses: reports 1, 2 and 4 come from it; 0, 3 and 5 (new glyphs) from the face.
  EXPECT_EQ(sources.hits(), 3u);
}

TEST_F(Pdf, TrueTypeSubsetMapsOriginalGlyphIdsToNewOnes) {
  const fonts::Face& face = fonts_->face(fonts_->role("song")->latin[0]);
  // The glyphs of 1 and A, as the font numbers them (in Liberation 2: 20 and 36).
  const unsigned one = face.glyph_for(U'1'), a = face.glyph_for(U'A');
  ASSERT_LT(one + 1, a);
  FontSubset s = subset_face(face, {one, a});
  EXPECT_FALSE(s.cff);
  EXPECT_EQ(s.program.substr(0, 4), std::string("\0\1\0\0", 4));  // a TrueType sfnt
  ASSERT_EQ(s.cid_to_gid.size(), a + 1);
  EXPECT_EQ(s.cid_to_gid[one], 1);  // renumbered in order after .notdef
  EXPECT_EQ(s.cid_to_gid[a], 2);
  EXPECT_EQ(s.cid_to_gid[one + 1], 0);
  // No cmap: the PDF addresses glyphs through CIDToGIDMap, and the subset is
  // made from a view of the face without one.
  hb_blob_t* blob = hb_blob_create(s.program.data(), static_cast<unsigned>(s.program.size()),
                                   HB_MEMORY_MODE_READONLY, nullptr, nullptr);
  hb_face_t* subset = hb_face_create(blob, 0);
  EXPECT_EQ(hb_face_get_glyph_count(subset), 3u);
  hb_blob_t* cmap = hb_face_reference_table(subset, HB_TAG('c', 'm', 'a', 'p'));
  EXPECT_EQ(hb_blob_get_length(cmap), 0u);
  hb_blob_t* glyf = hb_face_reference_table(subset, HB_TAG('g', 'l', 'y', 'f'));
  EXPECT_GT(hb_blob_get_length(glyf), 0u);
  hb_blob_destroy(glyf);
  hb_blob_destroy(cmap);
  hb_face_destroy(subset);
  hb_blob_destroy(blob);
}

TEST_F(Pdf, WritesType0FontsThatPopplerReadsBack) {
  DiagnosticSink sink;
  auto bytes = write_pdf(one_line("中文𠮷A1，测试。"), *fonts_, {"标题", "作者", "paiban test"}, sink);
  // 𠮷 (U+20BB7, outside the BMP) must come back through a surrogate pair.
  ASSERT_TRUE(bytes);
  EXPECT_EQ(bytes->substr(0, 5), "%PDF-");
  testing::TempDir dir;
  std::string path = dir.write("t.pdf", *bytes);
  auto fonts = testing::run_command("pdffonts " + path);
  EXPECT_EQ(fonts.err, "");
  EXPECT_NE(fonts.out.find("+NotoSerifCJKsc-Regular        CID Type 0C       Identity-H       yes yes yes"),
            std::string::npos) << fonts.out;
  EXPECT_NE(fonts.out.find("+LiberationSerif               CID TrueType      Identity-H       yes yes yes"),
            std::string::npos) << fonts.out;
  auto text = testing::run_command("pdftotext " + path + " -");
  EXPECT_EQ(text.err, "");
  EXPECT_EQ(text.out.substr(0, text.out.find('\n')), "中文𠮷A1，测试。");
  auto check = testing::run_command("qpdf --check " + path);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

TEST_F(Pdf, EvenSpacingBecomesTcAndEveryGlyphLandsOnItsAdvance) {
  layout::Pages pages = one_line("中文测试排版");  // six Han glyphs, 12 pt wide
  ASSERT_EQ(pages.pages[0].runs.size(), 1u);
  auto& glyphs = pages.pages[0].runs[0].glyphs;
  ASSERT_EQ(glyphs.size(), 6u);
  for (auto& g : glyphs) g.advance = 12.5;  // justified: 0.5 pt after each
  glyphs[2].advance = 13.25;                // one exception
  DiagnosticSink sink;
  auto bytes = write_pdf(pages, *fonts_, {"t", "", "paiban"}, sink);
  ASSERT_TRUE(bytes);
  testing::TempDir dir;
  std::string path = dir.write("t.pdf", *bytes);
  auto qdf = testing::run_command("qpdf --qdf --object-streams=disable " + path + " -");
  ASSERT_EQ(qdf.exit_code, 0) << qdf.err;
  std::string codes[6];
  for (int i = 0; i < 6; ++i) codes[i] = fmt::format("{:04x}", glyphs[i].gid);  // qpdf writes hex in lower case
  // The common 0.5 pt is the character spacing; TJ moves only the third
  // glyph's follower, by 0.75 pt = 62.5 thousandths of 12 pt.
  std::string expected = "20 100 Td\n0.5 Tc\n[<" + codes[0] + codes[1] + codes[2] + ">-62.5<" + codes[3] + codes[4] +
                         codes[5] + ">] TJ\n";
  EXPECT_NE(qdf.out.find(expected), std::string::npos) << qdf.out.substr(qdf.out.find("BT"), 200);
  // MuPDF places each glyph where layout put it.
  auto stext = testing::run_command("mutool draw -F stext -o - " + path);
  std::vector<double> x;
  for (size_t at = 0; (at = stext.out.find("<char ", at)) != std::string::npos; ++at) {
    size_t q = stext.out.find(" x=\"", at) + 4;
    x.push_back(std::stod(stext.out.substr(q, stext.out.find('"', q) - q)));
  }
  ASSERT_EQ(x.size(), 6u) << stext.out;
  const double expected_x[6] = {20, 32.5, 45, 58.25, 70.75, 83.25};
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(x[i], expected_x[i], 1e-3) << i;
}

TEST_F(Pdf, SameInputSameBytes) {
  DiagnosticSink sink;
  auto a = write_pdf(one_line("凉州区2023年"), *fonts_, {"t", "", "paiban"}, sink);
  auto b = write_pdf(one_line("凉州区2023年"), *fonts_, {"t", "", "paiban"}, sink);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
}

// paiban watch keeps each page's deflated stream; a page whose contents changed is deflated
// again, and the document comes out as a write with no cache makes it.
TEST_F(Pdf, KeptPageStreamsGiveTheBytesOfAFreshWrite) {
  auto pages_of = [&](const std::vector<std::string>& lines) {
    layout::Pages pages = one_line(lines[0]);
    for (size_t i = 1; i < lines.size(); ++i) pages.pages.push_back(one_line(lines[i]).pages[0]);
    return pages;
  };
  const layout::Pages first = pages_of({"凉州区2023年", "在校生10266人", "专任教师92人"});
  const layout::Pages corrected = pages_of({"凉州区2023年", "在校生10391人", "专任教师92人"});
  DiagnosticSink sink;
  const DocumentInfo info{"t", "", "paiban"};
  auto fresh_first = write_pdf(first, *fonts_, info, sink);
  auto fresh_corrected = write_pdf(corrected, *fonts_, info, sink);
  ASSERT_TRUE(fresh_first && fresh_corrected);
  ASSERT_NE(*fresh_first, *fresh_corrected);
  PageStreamCache kept;
  PageStreamCache::Scope scope(&kept);
  auto a = write_pdf(first, *fonts_, info, sink);
  EXPECT_EQ(kept.hits(), 0u);
  EXPECT_EQ(kept.size(), 3u);
  auto b = write_pdf(corrected, *fonts_, info, sink);
  EXPECT_EQ(kept.hits(), 2u);  // pages 1 and 3
  auto c = write_pdf(first, *fonts_, info, sink);
  EXPECT_EQ(kept.hits(), 4u);  // (only the last build's pages are kept: page 2 is deflated again)
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(*a, *fresh_first);
  EXPECT_EQ(*b, *fresh_corrected);
  EXPECT_EQ(*c, *fresh_first);
}

}  // namespace
}  // namespace paiban::pdf
