// Image reading: every kind of PNG decodes to the pixels written; JPEG headers read without decoding.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "image/image.h"

namespace paiban::image {
namespace {

std::shared_ptr<const Image> load_bytes(const std::string& bytes, DiagnosticSink& sink, const std::string& name = "x") {
  // (A name of this process's own: ctest runs the tests of this file as processes side by side.)
  auto path = std::filesystem::temp_directory_path() / ("paiban-image-test-" + std::to_string(getpid()) + "-" + name);
  std::ofstream(path, std::ios::binary) << bytes;
  auto img = load_image(path.string(), name, {"r.md", 1, 1}, sink);
  std::filesystem::remove(path);
  return img;
}

std::vector<uint8_t> ramp(int w, int h, int c) {
  std::vector<uint8_t> s;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int k = 0; k < c; ++k) s.push_back(uint8_t((x * 16 + y * 5 + k * 70) % 256));
  return s;
}

TEST(Image, PngKindsDecodeToTheirPixels) {
  DiagnosticSink sink;
  auto rgb = ramp(9, 7, 3);
  auto plain = load_bytes(encode_png(9, 7, 3, rgb), sink, "a.png");
  ASSERT_TRUE(plain) << sink.all().size();
  EXPECT_EQ(plain->pixels, rgb);
  EXPECT_TRUE(plain->alpha.empty());
  EXPECT_EQ(plain->color, ColorSpace::Rgb);
  // Interlaced: the same pixels.
  auto interlaced = load_bytes(encode_png(9, 7, 3, rgb, 8, true), sink, "b.png");
  ASSERT_TRUE(interlaced);
  EXPECT_EQ(interlaced->pixels, rgb);
  // 16-bit samples: their high bytes.
  std::vector<uint8_t> wide;
  for (uint8_t v : rgb) wide.push_back(0x80), wide.push_back(v);  // little-endian: low byte 0x80, high byte v
  auto sixteen = load_bytes(encode_png(9, 7, 3, wide, 16), sink, "c.png");
  ASSERT_TRUE(sixteen);
  ASSERT_EQ(sixteen->pixels.size(), rgb.size());
  for (size_t i = 0; i < rgb.size(); ++i) EXPECT_NEAR(sixteen->pixels[i], rgb[i], 1) << i;
  // Palette: expanded to RGB.
  std::vector<uint8_t> two;
  for (int i = 0; i < 9 * 7; ++i) {
    bool red = i % 2;
    two.insert(two.end(), {uint8_t(red ? 200 : 10), uint8_t(30), uint8_t(red ? 10 : 220)});
  }
  auto palette = load_bytes(encode_png(9, 7, 3, two, 8, false, 0, true), sink, "d.png");
  ASSERT_TRUE(palette);
  EXPECT_EQ(palette->pixels, two);
  // Grey with alpha: grey samples and a separate alpha plane.
  std::vector<uint8_t> ga = {10, 255, 20, 0, 30, 128, 40, 255};
  auto grey_alpha = load_bytes(encode_png(2, 2, 2, ga), sink, "e.png");
  ASSERT_TRUE(grey_alpha);
  EXPECT_EQ(grey_alpha->color, ColorSpace::Gray);
  EXPECT_EQ(grey_alpha->pixels, (std::vector<uint8_t>{10, 20, 30, 40}));
  EXPECT_EQ(grey_alpha->alpha, (std::vector<uint8_t>{255, 0, 128, 255}));
  // An alpha channel that is opaque everywhere is no mask.
  std::vector<uint8_t> opaque = {1, 2, 3, 255, 4, 5, 6, 255};
  auto o = load_bytes(encode_png(2, 1, 4, opaque), sink, "f.png");
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->alpha.empty());
  EXPECT_FALSE(sink.has_errors());
}

TEST(Image, ResolutionComesFromPhysAndJfif) {
  DiagnosticSink sink;
  auto png = load_bytes(encode_png(4, 4, 1, std::vector<uint8_t>(16, 7), 8, false, 150), sink, "a.png");
  ASSERT_TRUE(png);
  EXPECT_NEAR(png->dpi_x, 150, 0.05);
  auto jpeg = load_bytes(encode_jpeg(16, 8, 3, ramp(16, 8, 3), 80, false, 72), sink, "a.jpg");
  ASSERT_TRUE(jpeg);
  EXPECT_EQ(jpeg->dpi_x, 72);
  EXPECT_EQ(jpeg->width, 16);
  EXPECT_EQ(jpeg->height, 8);
  EXPECT_EQ(jpeg->orientation, 1);
}

TEST(Image, JpegIsKeptByteForByteWithItsOrientation) {
  DiagnosticSink sink;
  std::string bytes = encode_jpeg(16, 8, 3, ramp(16, 8, 3), 80, true, 0, 8);
  auto jpeg = load_bytes(bytes, sink, "b.jpg");
  ASSERT_TRUE(jpeg);
  EXPECT_EQ(jpeg->bytes, bytes);
  EXPECT_TRUE(jpeg->progressive);
  EXPECT_EQ(jpeg->orientation, 8);
  EXPECT_EQ(jpeg->upright_width(), 8);
  EXPECT_EQ(jpeg->upright_height(), 16);
  auto cmyk = load_bytes(encode_jpeg(8, 8, 4, ramp(8, 8, 4), 80, false, 0, 1, true), sink, "c.jpg");
  ASSERT_TRUE(cmyk);
  EXPECT_EQ(cmyk->color, ColorSpace::Cmyk);
  EXPECT_TRUE(cmyk->adobe_inverted);
  EXPECT_EQ(decode_cmyk_jpeg_to_rgb(*cmyk).size(), 8u * 8 * 3);
}

}  // namespace
}  // namespace paiban::image
