// Figures read back from the PDF: images listed by pdfimages with their size, colour space
// and soft mask; JPEG streams byte for byte; EXIF orientation; chart bars measured from the
// content stream; chart text extractable; 图目录 pages; floats; bad input.
#include <gtest/gtest.h>
#include <png.h>
#include <zlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "e2e/bbox_lines.h"
#include "image/image.h"
#include "support/test_support.h"

namespace paiban {
namespace {

namespace fs = std::filesystem;
using testing::run_command;
using testing::TempDir;

const std::string kPaiban = PAIBAN_BINARY;
const std::string kHead = "---\ntitle: 图表\n---\n\n";

struct BuildRun {
  testing::CommandResult result;
  std::string report, pdf;
};

BuildRun build(const TempDir& dir, const std::string& md, const std::string& options = "") {
  dir.write("r/report.md", md);
  BuildRun r;
  r.report = (dir.path() / "r").string();
  r.pdf = (dir.path() / "r.pdf").string();
  r.result = run_command(kPaiban + " build " + options + r.report + " -o " + r.pdf);
  return r;
}

std::vector<uint8_t> pattern(int w, int h, int c, int depth = 8) {
  std::vector<uint8_t> s;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int k = 0; k < c; ++k) {
        int v = (x * 7 + y * 3 + k * 50) % 256;
        if (depth == 16) s.push_back(uint8_t(v)), s.push_back(uint8_t(v));
        else s.push_back(uint8_t(k == c - 1 && (c == 2 || c == 4) ? (x < w / 2 ? 255 : 80) : v));
      }
  return s;
}

/// TEXT without spaces: pdftotext prints the Han–Latin gap as one.
std::string squeeze(const std::string& text) {
  std::string out;
  for (char c : text)
    if (c != ' ') out += c;
  return out;
}

/// The text of PDF, spaces left out.
std::string text_of(const std::string& pdf) { return squeeze(run_command("pdftotext " + pdf + " -").out); }

/// The rows of `pdfimages -list` after its header, fields split on spaces.
std::vector<std::vector<std::string>> image_list(const std::string& pdf) {
  std::istringstream in(run_command("pdfimages -list " + pdf).out);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    if (n++ < 2) continue;
    std::istringstream f(line);
    std::vector<std::string> fields;
    for (std::string s; f >> s;) fields.push_back(s);
    rows.push_back(fields);
  }
  return rows;
}

TEST(Figures, PdfimagesListsEveryKindWithSizeColourAndMask) {
  TempDir dir;
  dir.write("r/images/grey.png", image::encode_png(40, 30, 1, pattern(40, 30, 1)));
  dir.write("r/images/grey16.png", image::encode_png(41, 31, 1, pattern(41, 31, 1, 16), 16));
  dir.write("r/images/rgb.png", image::encode_png(42, 32, 3, pattern(42, 32, 3)));
  dir.write("r/images/rgba.png", image::encode_png(43, 33, 4, pattern(43, 33, 4)));
  dir.write("r/images/rgba16-interlaced.png", image::encode_png(44, 34, 4, pattern(44, 34, 4, 16), 16, true));
  dir.write("r/images/palette.png", image::encode_png(45, 35, 3, std::vector<uint8_t>(45 * 35 * 3, 90), 8, false, 0, true));
  dir.write("r/images/photo.jpg", image::encode_jpeg(46, 36, 3, pattern(46, 36, 3)));
  dir.write("r/images/progressive-grey.jpg", image::encode_jpeg(47, 37, 1, pattern(47, 37, 1), 85, true));
  dir.write("r/images/cmyk.jpg", image::encode_jpeg(48, 38, 4, pattern(48, 38, 4), 85, false, 0, 1, true));
  std::string md = kHead;
  for (const char* f : {"grey.png", "grey16.png", "rgb.png", "rgba.png", "rgba16-interlaced.png", "palette.png", "photo.jpg",
                        "progressive-grey.jpg", "cmyk.jpg"})
    md += std::string("![图") + f + "](images/" + f + "){width=20%}\n\n";
  BuildRun r = build(dir, md);
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  auto rows = image_list(r.pdf);
  // page num type width height color comp bpc enc
  std::vector<std::vector<std::string>> want = {
      {"image", "40", "30", "gray", "1", "8", "image"}, {"image", "41", "31", "gray", "1", "8", "image"},
      {"image", "42", "32", "rgb", "3", "8", "image"},  {"image", "43", "33", "rgb", "3", "8", "image"},
      {"smask", "43", "33", "gray", "1", "8", "image"}, {"image", "44", "34", "rgb", "3", "8", "image"},
      {"smask", "44", "34", "gray", "1", "8", "image"}, {"image", "45", "35", "rgb", "3", "8", "image"},
      {"image", "46", "36", "rgb", "3", "8", "jpeg"},   {"image", "47", "37", "gray", "1", "8", "jpeg"},
      {"image", "48", "38", "cmyk", "4", "8", "jpeg"}};
  ASSERT_EQ(rows.size(), want.size()) << run_command("pdfimages -list " + r.pdf).out;
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_EQ(std::vector<std::string>(rows[i].begin() + 2, rows[i].begin() + 9), want[i]) << "row " << i;
  // Adobe's inverted CMYK is read back through /Decode [1 0 …].
  auto qdf = run_command("qpdf --qdf --object-streams=disable " + r.pdf + " -").out;
  EXPECT_NE(qdf.find("/Decode [\n    1\n    0\n    1\n    0\n    1\n    0\n    1\n    0\n  ]"), std::string::npos);
}

TEST(Figures, JpegStreamIsTheFileByteForByte) {
  TempDir dir;
  std::string jpeg = image::encode_jpeg(320, 200, 3, pattern(320, 200, 3), 90, true);
  dir.write("r/images/a.jpg", jpeg);
  BuildRun r = build(dir, kHead + "![照片](images/a.jpg)\n");
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  run_command("pdfimages -j " + r.pdf + " " + (dir.path() / "x").string());
  EXPECT_EQ(testing::read_file((dir.path() / "x-000.jpg").string()), jpeg);
  // The PDF grows by the photo's size and little more: against a tiny photo, by the difference.
  TempDir other;
  std::string tiny = image::encode_jpeg(320, 200, 1, std::vector<uint8_t>(320 * 200, 128), 10);
  other.write("r/images/a.jpg", tiny);
  BuildRun plain = build(other, kHead + "![照片](images/a.jpg)\n");
  ASSERT_EQ(plain.result.exit_code, 0) << plain.result.err;
  double grown = double(fs::file_size(r.pdf)) - double(fs::file_size(plain.pdf));
  EXPECT_NEAR(grown, double(jpeg.size()) - double(tiny.size()), 64);
}

/// RGB pixels of page PAGE of PDF at DPI.
struct Rgb {
  int w = 0, h = 0;
  std::vector<uint8_t> px;
  const uint8_t* at(int x, int y) const { return &px[(size_t(y) * w + x) * 3]; }
};
Rgb render(const std::string& pdf, int page, int dpi, const std::string& base) {
  run_command("pdftoppm -r " + std::to_string(dpi) + " -png -singlefile -f " + std::to_string(page) + " -l " +
              std::to_string(page) + " " + pdf + " " + base);
  png_image img{};
  img.version = PNG_IMAGE_VERSION;
  Rgb out;
  if (!png_image_begin_read_from_file(&img, (base + ".png").c_str())) return out;
  img.format = PNG_FORMAT_RGB;
  out.w = int(img.width), out.h = int(img.height);
  out.px.resize(PNG_IMAGE_SIZE(img));
  png_image_finish_read(&img, nullptr, out.px.data(), 0, nullptr);
  return out;
}

TEST(Figures, ExifRotatedPhotoIsPlacedUpright) {
  // Upright: red above, blue below, 300 wide and 200 high. Stored turned a quarter to the
  // left (200 wide, 300 high) with EXIF orientation 6, which turns it back.
  const int W = 300, H = 200;
  std::vector<uint8_t> stored(size_t(H) * W * 3);
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      // upright (x, y) is stored at (y, W - 1 - x) of an H-wide image
      uint8_t* p = &stored[(size_t(W - 1 - x) * H + y) * 3];
      bool top = y < H / 2;
      p[0] = top ? 220 : 20, p[1] = 20, p[2] = top ? 20 : 220;
    }
  TempDir dir;
  dir.write("r/images/turned.jpg", image::encode_jpeg(H, W, 3, stored, 90, false, 0, 6));
  BuildRun r = build(dir, kHead + "![转向](images/turned.jpg){width=60%}\n");
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  Rgb page = render(r.pdf, 2, 40, (dir.path() / "p").string());
  ASSERT_GT(page.w, 0);
  int red_top = -1, red_bottom = -1, blue_top = -1, blue_bottom = -1, left = page.w, right = -1;
  for (int y = 0; y < page.h; ++y)
    for (int x = 0; x < page.w; ++x) {
      const uint8_t* p = page.at(x, y);
      bool red = p[0] > 150 && p[2] < 90, blue = p[2] > 150 && p[0] < 90;
      if (red) red_bottom = y, red_top = red_top < 0 ? y : red_top;
      if (blue) blue_bottom = y, blue_top = blue_top < 0 ? y : blue_top;
      if (red || blue) left = std::min(left, x), right = std::max(right, x);
    }
  ASSERT_GE(red_top, 0);
  ASSERT_GE(blue_top, 0);
  EXPECT_LT(red_bottom, blue_top);  // red above blue
  double width = right - left + 1, height = blue_bottom - red_top + 1;
  EXPECT_NEAR(width / height, 1.5, 0.05);  // landscape, as seen
}

/// The filled paths of colour RG in the uncompressed content streams: their heights (pt).
std::vector<double> path_heights(const std::string& pdf, const std::string& rg) {
  std::string qdf = run_command("qpdf --qdf --object-streams=disable " + pdf + " -").out;
  std::vector<double> heights;
  size_t at = 0;
  const std::string key = rg + " rg\n";
  while ((at = qdf.find(key, at)) != std::string::npos) {
    at += key.size();
    size_t end = qdf.find("\nf\n", at);
    size_t q = qdf.find("Q\n", at);
    if (end == std::string::npos || q < end) continue;
    std::istringstream path(qdf.substr(at, end - at));
    double lo = 1e9, hi = -1e9, x, y;
    std::string op;
    while (path >> x >> y >> op) lo = std::min(lo, y), hi = std::max(hi, y);
    heights.push_back(hi - lo);
  }
  return heights;
}

const char* kFirstColour = "0.122 0.22 0.392";

/// A report of one chart block SPEC over data file D.
BuildRun chart(const TempDir& dir, const std::string& spec, const std::string& data, const std::string& before = "") {
  dir.write("r/d.yaml", data);
  return build(dir, "---\ntitle: 图表\ndata: [d.yaml]\n---\n\n" + before + "```chart\n" + spec + "```\n");
}

const std::string kBars = "caption: 招生人数\ntype: bar\nrows: years\nx: year\nseries: n\nunit: 人\n";
std::string years(int a, int b, int c) {
  return "years:\n  - {year: 2020年, n: " + std::to_string(a) + "}\n  - {year: 2021年, n: " + std::to_string(b) +
         "}\n  - {year: 2022年, n: " + std::to_string(c) + "}\n";
}

TEST(Figures, BarHeightsAreProportionalToTheData) {
  TempDir dir;
  BuildRun r = chart(dir, kBars, years(120, 275, 430));
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  auto h = path_heights(r.pdf, kFirstColour);
  ASSERT_EQ(h.size(), 3u);
  // The axis runs 0–500 (ticks at 100): the tallest bar's height fixes the scale.
  double per_unit = h[2] / 430;
  EXPECT_NEAR(h[0], 120 * per_unit, 0.5);
  EXPECT_NEAR(h[1], 275 * per_unit, 0.5);
  EXPECT_GT(h[2], 100);  // a real chart, not a sliver
  // The axis's top tick is the nice step above the data: 500.
  std::string text = text_of(r.pdf);
  for (const char* t : {"0", "100", "200", "300", "400", "500", "2020年", "2021年", "2022年", "单位：人", "图1招生人数"})
    EXPECT_NE(text.find(t), std::string::npos) << t << "\n" << text;
  EXPECT_EQ(text.find("600"), std::string::npos);
}

TEST(Figures, ADataCorrectionChangesTheChart) {
  TempDir dir;
  BuildRun before = chart(dir, kBars, years(120, 275, 430));
  ASSERT_EQ(before.result.exit_code, 0) << before.result.err;
  auto h0 = path_heights(before.pdf, kFirstColour);
  BuildRun after = chart(dir, kBars, years(120, 375, 430));
  ASSERT_EQ(after.result.exit_code, 0) << after.result.err;
  auto h1 = path_heights(after.pdf, kFirstColour);
  ASSERT_EQ(h0.size(), 3u);
  ASSERT_EQ(h1.size(), 3u);
  EXPECT_NEAR(h1[1] / h1[2], 375.0 / 430, 0.005);
  EXPECT_NEAR(h0[1] / h0[2], 275.0 / 430, 0.005);
}

TEST(Figures, StackedAndHorizontalBarsFollowTheData) {
  TempDir dir;
  std::string data = "rows:\n  - {k: 甲, a: 10, b: 30}\n  - {k: 乙, a: 20, b: 5}\n";
  BuildRun r = chart(dir, "caption: 堆叠\ntype: bar\nstacked: true\nrows: rows\nx: k\nseries: [a, b]\n", data);
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  auto a = path_heights(r.pdf, kFirstColour);  // the legend swatch, then series a's bars
  auto b = path_heights(r.pdf, "0.902 0.635 0.235");
  ASSERT_EQ(a.size(), 3u);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_NEAR(a[2] / a[1], 20.0 / 10, 0.01);
  EXPECT_NEAR(b[1] / a[1], 30.0 / 10, 0.01);
  EXPECT_NEAR(b[2] / a[1], 5.0 / 10, 0.01);
  BuildRun h = chart(dir, "caption: 横向\ntype: bar\ndirection: horizontal\nrows: rows\nx: k\nseries: [a]\n", data);
  ASSERT_EQ(h.result.exit_code, 0) << h.result.err;
  std::string text = text_of(h.pdf);
  EXPECT_NE(text.find("甲"), std::string::npos);
  EXPECT_NE(text.find("图1横向"), std::string::npos);
}

TEST(Figures, PiePercentagesSumToAHundredByLargestRemainder) {
  TempDir dir;
  // Thirds: 33.3 + 33.3 + 33.3 = 99.9 when each is rounded; the largest remainder gets 33.4.
  BuildRun r = chart(dir, "caption: 构成\ntype: pie\nrows: parts\nx: k\nseries: v\n",
                "parts:\n  - {k: 甲, v: 1}\n  - {k: 乙, v: 1}\n  - {k: 丙, v: 1}\n");
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  std::string text = text_of(r.pdf);
  std::regex pct("([0-9]+\\.[0-9])%");
  double sum = 0;
  int n = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), pct); it != std::sregex_iterator(); ++it, ++n)
    sum += std::stod((*it)[1]);
  EXPECT_EQ(n, 3) << text;
  EXPECT_NEAR(sum, 100.0, 1e-9);
  EXPECT_NE(text.find("33.4%"), std::string::npos);
}

TEST(Figures, LineChartTextIsExtractable) {
  TempDir dir;
  BuildRun r = chart(dir, "caption: 趋势\ntype: line\nrows: years\nx: year\nseries:\n  - {value: n, label: 招生人数}\n  - {value: n * 2, label: 在校生}\n",
                years(100, 150, 210));
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  std::string text = text_of(r.pdf);
  for (const char* t : {"招生人数", "在校生", "2021年", "图1趋势"}) EXPECT_NE(text.find(t), std::string::npos) << t;
  // The fonts are the report's subsets: no other font in the PDF.
  std::string fonts = run_command("pdffonts " + r.pdf).out;
  EXPECT_EQ(fonts.find("Helvetica"), std::string::npos) << fonts;
}

/// The page a line of text is on, by the printed number at each page's foot.
std::map<std::string, std::string> printed_page_of_lines(const std::string& pdf) {
  std::map<std::string, std::string> out;
  int pages = 0;
  std::istringstream info(run_command("pdfinfo " + pdf).out);
  for (std::string l; std::getline(info, l);)
    if (l.rfind("Pages:", 0) == 0) pages = std::stoi(l.substr(6));
  for (int p = 1; p <= pages; ++p) {
    std::istringstream t(run_command("pdftotext -layout -f " + std::to_string(p) + " -l " + std::to_string(p) + " " + pdf + " -").out);
    std::vector<std::string> lines;
    for (std::string l; std::getline(t, l);) {
      size_t a = l.find_first_not_of(" \f"), e = l.find_last_not_of(" \f");
      if (a != std::string::npos) lines.push_back(squeeze(l.substr(a, e - a + 1)));
    }
    if (lines.empty()) continue;
    for (const auto& l : lines) out.emplace(l, lines.back());
  }
  return out;
}

TEST(Figures, ListOfFiguresCarriesThePagesTheyArePrintedOn) {
  std::string pdf = std::string(PAIBAN_TEST_OUTPUT) + "/figures-example.pdf";
  auto r = run_command(kPaiban + " build " + testing::source_dir() + "/data/figures-example -o " + pdf);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto pages = printed_page_of_lines(pdf);
  // 图目录 entries: "图N 题目", the leader (dots drawn, not text), the page.
  std::istringstream all(run_command("pdftotext -layout " + pdf + " -").out);
  std::regex entry("\\s*(图.*[^ ])\\s{3,}([0-9]+)\\s*");
  int checked = 0;
  for (std::string line; std::getline(all, line);) {
    std::smatch m;
    if (!std::regex_match(line, m, entry)) continue;
    std::string caption = squeeze(m[1]), page = m[2];
    auto found = pages.find(caption);
    ASSERT_NE(found, pages.end()) << caption;
    EXPECT_EQ(found->second, page) << caption;
    ++checked;
  }
  EXPECT_EQ(checked, 10);
}

std::string filler(int paragraphs) {
  std::string s;
  for (int i = 0; i < paragraphs; ++i)
    s += "职业教育是国民教育体系和人力资源开发的重要组成部分，肩负着培养多样化人才、传承技术技能、促进就业创业的重要职责。\n\n";
  return s;
}

TEST(Figures, AFigureThatDoesNotFitFloatsAndTheTextAfterItFillsThePage) {
  TempDir dir;
  dir.write("r/images/a.png", image::encode_png(600, 400, 3, pattern(600, 400, 3)));
  std::string body = filler(11) + "![浮动的图](images/a.png){width=80%}\n\n后续段落紧接上文。\n\n" + filler(2);
  BuildRun r = build(dir, kHead + body);
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  auto pages = printed_page_of_lines(r.pdf);
  EXPECT_EQ(pages["后续段落紧接上文。"], "1");
  EXPECT_EQ(pages["图1浮动的图"], "2");
  // Strict order: the layout keeps the figure where it is written.
  std::string layout = testing::read_file(testing::source_dir() + "/layouts/report.yaml") + "figures:\n  float: false\n";
  dir.write("r/strict.yaml", layout);
  BuildRun s = build(dir, "---\ntitle: 图表\nlayout: strict.yaml\n---\n\n" + body);
  ASSERT_EQ(s.result.exit_code, 0) << s.result.err;
  auto strict = printed_page_of_lines(s.pdf);
  EXPECT_EQ(strict["图1浮动的图"], "2");
  EXPECT_EQ(strict["后续段落紧接上文。"], "2");
}

// Inside a case box too: the box's text after a figure that does not fit fills the page, the figure
// opens the box's next page, and the box stays one box (its continued title above the figure).
TEST(Figures, AFigureInACaseBoxFloatsInsideTheBox) {
  TempDir dir;
  dir.write("r/images/a.png", image::encode_png(600, 400, 3, pattern(600, 400, 3)));
  std::string body = filler(9) + "````case 浮动案例\n" + filler(1) + "![盒中的图](images/a.png){width=80%}\n\n盒中后续段落。\n````\n\n盒后段落。\n";
  BuildRun r = build(dir, kHead + body);
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  auto pages = printed_page_of_lines(r.pdf);
  EXPECT_EQ(pages["【案例分享1】浮动案例"], "1");
  EXPECT_EQ(pages["盒中后续段落。"], "1");
  EXPECT_EQ(pages["【案例分享1】浮动案例（续）"], "2");
  EXPECT_EQ(pages["图1盒中的图"], "2");
  EXPECT_EQ(pages["盒后段落。"], "2");
  // In strict order the figure, and the text after it, go on the next page.
  std::string layout = testing::read_file(testing::source_dir() + "/layouts/report.yaml") + "figures:\n  float: false\n";
  dir.write("r/strict.yaml", layout);
  BuildRun s = build(dir, "---\ntitle: 图表\nlayout: strict.yaml\n---\n\n" + body);
  ASSERT_EQ(s.result.exit_code, 0) << s.result.err;
  auto strict = printed_page_of_lines(s.pdf);
  EXPECT_EQ(strict["图1盒中的图"], "2");
  EXPECT_EQ(strict["盒中后续段落。"], "2");
}

TEST(Figures, ReferencesAndPerChapterNumbers) {
  TempDir dir;
  dir.write("r/images/a.png", image::encode_png(60, 40, 3, pattern(60, 40, 3)));
  std::string layout = testing::read_file(testing::source_dir() + "/layouts/report.yaml") + "figures:\n  numbering: chapter\n";
  dir.write("r/l.yaml", layout);
  BuildRun r = build(dir, "---\ntitle: 图表\nlayout: l.yaml"
                         "\n---\n\n# 一章\n\n见[@fig-b]。\n\n![甲](images/a.png)\n\n# 二章\n\n![乙](images/a.png){#fig-b}\n");
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  std::string text = text_of(r.pdf);
  EXPECT_NE(text.find("见图2-1。"), std::string::npos) << text;
  EXPECT_NE(text.find("图1-1甲"), std::string::npos);
  EXPECT_NE(text.find("图2-1乙"), std::string::npos);
}

TEST(Figures, PdfaFlattensAlphaOntoWhiteAndPassesPreflight) {
  TempDir dir;
  dir.write("r/images/a.png", image::encode_png(43, 33, 4, pattern(43, 33, 4)));
  dir.write("r/report.md", kHead + "![透明](images/a.png)\n");
  std::string pdf = (dir.path() / "a.pdf").string();
  auto r = run_command(kPaiban + " build --pdfa " + (dir.path() / "r").string() + " -o " + pdf);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("flattened onto white"), std::string::npos) << r.err;
  auto rows = image_list(pdf);
  ASSERT_EQ(rows.size(), 1u);  // no smask
  const std::string cp = "/usr/share/java/preflight.jar:/usr/share/java/pdfbox2.jar:/usr/share/java/xmpbox.jar:"
                         "/usr/share/java/fontbox2.jar:/usr/share/java/commons-logging.jar:"
                         "/usr/share/java/javax.activation.jar:/usr/share/java/jaxb-api.jar";
  auto v = run_command("java -cp " + cp + " org.apache.pdfbox.preflight.Validator_A1b " + pdf);
  EXPECT_NE(v.out.find("is a valid PDF/A-1b file"), std::string::npos) << v.out << v.err;
}

TEST(Figures, PdfaConvertsCmykPhotosToRgb) {
  TempDir dir;
  dir.write("r/images/c.jpg", image::encode_jpeg(48, 38, 4, pattern(48, 38, 4), 85, false, 0, 1, true));
  dir.write("r/report.md", kHead + "![印刷色](images/c.jpg)\n");
  std::string pdf = (dir.path() / "a.pdf").string();
  auto r = run_command(kPaiban + " build --pdfa " + (dir.path() / "r").string() + " -o " + pdf);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("converted to RGB"), std::string::npos) << r.err;
  auto rows = image_list(pdf);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][5], "rgb");
}

TEST(Figures, TheFiguresExamplePassesTheGateWithAndWithoutPdfaAndIsDeterministic) {
  TempDir dir;
  const std::string src = testing::source_dir() + "/data/figures-example";
  std::string a = (dir.path() / "a.pdf").string(), b = (dir.path() / "b.pdf").string(), p = (dir.path() / "p.pdf").string();
  ASSERT_EQ(run_command(kPaiban + " build " + src + " -o " + a).exit_code, 0);
  ASSERT_EQ(run_command(kPaiban + " build " + src + " -o " + b).exit_code, 0);
  EXPECT_EQ(testing::read_file(a), testing::read_file(b));
  auto r = run_command(kPaiban + " build --pdfa " + src + " -o " + p);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string cp = "/usr/share/java/preflight.jar:/usr/share/java/pdfbox2.jar:/usr/share/java/xmpbox.jar:"
                         "/usr/share/java/fontbox2.jar:/usr/share/java/commons-logging.jar:"
                         "/usr/share/java/javax.activation.jar:/usr/share/java/jaxb-api.jar";
  auto v = run_command("java -cp " + cp + " org.apache.pdfbox.preflight.Validator_A1b " + p);
  EXPECT_NE(v.out.find("is a valid PDF/A-1b file"), std::string::npos) << v.out << v.err;
  // The gate runs on every PDF left in the folder when it goes.
}

TEST(Figures, OnALineGridTheTextAfterAFigureStaysOnTheGrid) {
  TempDir dir;
  dir.write("r/images/a.png", image::encode_png(300, 170, 3, pattern(300, 170, 3)));
  BuildRun r = build(dir, kHead + filler(1) + "![网格](images/a.png){width=50%}\n\n图后的段落。\n", "--layout gbt9704 ");
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  auto lines = testing::read_box_lines(r.pdf);
  std::vector<double> body;
  double after = -1;
  for (const auto& l : lines) {
    if (l.page != 2) continue;
    std::string t = l.text();
    if (t.find("职业教育") != std::string::npos || t.find("职责") != std::string::npos || t.find("人才") != std::string::npos)
      body.push_back(l.y1);
    if (t.find("图后的段落") != std::string::npos) after = l.y1;
  }
  ASSERT_GE(body.size(), 2u);
  ASSERT_GT(after, 0);
  const double pitch = body[1] - body[0];
  EXPECT_NEAR(pitch, 637.8 / 22, 0.3);  // GB/T 9704: 22 lines in the 225 mm type area
  double lines_down = (after - body[0]) / pitch;
  EXPECT_NEAR(lines_down, std::round(lines_down), 0.02) << lines_down;
}

// --- bad input ---------------------------------------------------------------

void expect_error(const BuildRun& r, const std::string& message) {
  EXPECT_EQ(r.result.exit_code, 1) << r.result.err;
  EXPECT_NE(r.result.err.find(message), std::string::npos) << r.result.err;
  EXPECT_FALSE(fs::exists(r.pdf));
}

TEST(Figures, BadImagesArePositionedErrors) {
  struct Case {
    std::string name, bytes, message;
  };
  std::string png = image::encode_png(50, 40, 3, pattern(50, 40, 3));
  std::string jpeg = image::encode_jpeg(50, 40, 3, pattern(50, 40, 3));
  std::vector<Case> cases = {
      {"cut.png", png.substr(0, png.size() / 2), "is a damaged PNG"},
      {"cut.jpg", jpeg.substr(0, jpeg.size() - 40), "is a truncated JPEG"},
      {"a.gif", "GIF89a\x01\x00\x01\x00", "is GIF, which figures do not take"},
      {"a.webp", std::string("RIFF\x10\0\0\0WEBPVP8 ", 16), "is WebP, which figures do not take"},
      {"a.bmp", "BM\x36\0\0\0", "is BMP, which figures do not take"},
      {"a.tif", std::string("II*\0\x08\0\0\0", 8), "is TIFF, which figures do not take"},
      {"a.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>", "is SVG, which figures do not take"},
      {"junk.png", "not an image at all", "is neither PNG nor JPEG"},
  };
  for (const auto& c : cases) {
    TempDir dir;
    dir.write("r/images/" + c.name, c.bytes);
    BuildRun r = build(dir, kHead + "正文。\n\n![图](images/" + c.name + ")\n");
    expect_error(r, r.report + "/report.md:7:1: error: image \"images/" + c.name + "\" " + c.message);
    EXPECT_NE(r.result.err.find("hint:"), std::string::npos) << c.name;
  }
  TempDir dir;
  BuildRun missing = build(dir, kHead + "![图](images/none.png)\n");
  expect_error(missing, missing.report + "/report.md:5:1: error: image \"images/none.png\" not found");
}

TEST(Figures, ImagePathsStayInsideTheReportFolder) {
  std::string png = image::encode_png(8, 8, 3, pattern(8, 8, 3));
  for (const char* path : {"../secret.png", "/etc/secret.png", "images/../../secret.png", "link.png"}) {
    TempDir dir;
    dir.write("secret.png", png);
    dir.write("r/report.md", "");
    fs::create_symlink(dir.path() / "secret.png", dir.path() / "r" / "link.png");
    BuildRun r = build(dir, kHead + "![图](" + path + ")\n");
    expect_error(r, r.report + "/report.md:5:1: error: image \"" + path + "\" is outside the report folder");
  }
}

/// PNG bytes whose header claims W × H (CRC fixed), with a tiny image's data after it.
std::string png_claiming(uint32_t w, uint32_t h) {
  std::string png = image::encode_png(8, 8, 3, pattern(8, 8, 3));
  for (int i = 0; i < 4; ++i) {
    png[16 + i] = char(w >> (24 - 8 * i));
    png[20 + i] = char(h >> (24 - 8 * i));
  }
  uLong crc = crc32(0, reinterpret_cast<const Bytef*>(png.data() + 12), 17);
  for (int i = 0; i < 4; ++i) png[29 + i] = char(crc >> (24 - 8 * i));
  return png;
}

TEST(Figures, DecompressionBombsAreRefusedBeforeDecoding) {
  TempDir dir;
  dir.write("r/images/bomb.png", png_claiming(25000, 25000));
  BuildRun r = build(dir, kHead + "![图](images/bomb.png)\n", "");
  expect_error(r, r.report + "/report.md:5:1: error: image \"images/bomb.png\" declares 25000×25000 pixels, more than the 60 megapixels");
  // The same for a JPEG: its frame header claims 60000 × 60000.
  std::string jpeg = image::encode_jpeg(16, 16, 3, pattern(16, 16, 3));
  size_t sof = jpeg.find("\xFF\xC0");
  ASSERT_NE(sof, std::string::npos);
  jpeg[sof + 5] = char(0xEA), jpeg[sof + 6] = char(0x60), jpeg[sof + 7] = char(0xEA), jpeg[sof + 8] = char(0x60);
  dir.write("r/images/bomb.jpg", jpeg);
  BuildRun j = build(dir, kHead + "![图](images/bomb.jpg)\n");
  expect_error(j, "declares 60000×60000 pixels");
  // Memory stays bounded: under a 1 GB address-space limit the refusal still comes.
  // (Not under AddressSanitizer, which reserves terabytes of address space.)
#if defined(__SANITIZE_ADDRESS__)
  return;
#endif
  BuildRun limited = build(dir, kHead + "![图](images/bomb.png)\n");
  auto l = run_command("ulimit -v 1000000; " + kPaiban + " build " + limited.report + " -o " + limited.pdf);
  EXPECT_EQ(l.exit_code, 1);
  EXPECT_NE(l.err.find("declares 25000×25000"), std::string::npos) << l.err;
}

TEST(Figures, ImageSyntaxErrors) {
  TempDir dir;
  dir.write("r/images/a.png", image::encode_png(8, 8, 3, pattern(8, 8, 3)));
  BuildRun r = build(dir, kHead + "![图](images/a.png){#fig-a size=3}\n");
  expect_error(r, r.report + "/report.md:5:1: error: unknown figure attribute \"size=3\"");
  BuildRun w = build(dir, kHead + "![图](images/a.png){width=wide}\n");
  expect_error(w, "figure width \"wide\" is not a length");
  BuildRun inline_image = build(dir, kHead + "文字中间![图](images/a.png)不行。\n");
  expect_error(inline_image, r.report + "/report.md:5:5: error: an image stands in a paragraph of its own");
  BuildRun nocaption = build(dir, kHead + "![](images/a.png)\n");
  expect_error(nocaption, "a figure needs a caption");
  BuildRun row = build(dir, kHead + "```figure 一组\n![甲](images/a.png)\n```\n");
  expect_error(row, "a ```figure row holds 2 or 3 images, not 1");
}

TEST(Figures, BadChartsArePositionedErrors) {
  TempDir dir;
  std::string data = years(1, 2, 3) + "empty: []\nmixed:\n  - {year: 2020年, n: 5}\n  - {year: 2021年, n: 多}\n"
                     "signed:\n  - {k: 甲, v: 5}\n  - {k: 乙, v: -2}\nhuge:\n  - {k: 甲, v: 1e300}\n";
  struct Case {
    std::string spec, message;
  };
  std::vector<Case> cases = {
      {"caption: 空\nrows: empty\nx: year\nseries: n\n", "report.md:8:7: error: chart: rows \"empty\" is empty\n  hint: a chart needs at least one row of data"},
      {"caption: 混\nrows: mixed\nx: year\nseries: n\n", "d.yaml:8:22: error: chart: series \"n\" is not a number in row 2"},
      {"caption: 负\ntype: pie\nrows: signed\nx: k\nseries: v\n", "d.yaml:11:15: error: chart: a pie cannot show the negative value -2 (row 2)"},
      {"caption: 错\nrows: years\nx: year\nserie: n\n", "report.md:10:1: error: chart: unknown key \"serie\"\n  hint: did you mean \"series\"?"},
      {"caption: 错\nrows: years\nx: yaer\nseries: n\n", "report.md:9:4: error: no data \"yaer\"\n  hint: did you mean \"year\"?"},
      {"caption: 错\ntype: bars\nrows: years\nx: year\nseries: n\n", "report.md:8:7: error: chart: unknown type \"bars\"\n  hint: did you mean \"bar\"?"},
      {"caption: 错\nrows: nothing\nx: year\nseries: n\n", "report.md:8:7: error: no data \"nothing\""},
      {"caption: 大\nrows: huge\nx: k\nseries: v\n", "d.yaml:13:15: error: chart: 1e+300 (series \"v\", row 1) is too large to chart"},
  };
  for (const auto& c : cases) {
    BuildRun r = chart(dir, c.spec, data);
    EXPECT_EQ(r.result.exit_code, 1) << c.spec;
    EXPECT_NE(r.result.err.find(c.message), std::string::npos) << c.spec << "\n" << r.result.err;
    EXPECT_FALSE(fs::exists(r.pdf));
  }
}

}  // namespace
}  // namespace paiban
