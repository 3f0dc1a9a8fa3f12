#pragma once
// Raster images for figures: PNG decoded with libpng, JPEG read with
// libjpeg-turbo for its header only (its bytes go into the PDF untouched).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/diagnostic.h"

namespace paiban::image {

enum class Format { Png, Jpeg };
enum class ColorSpace { Gray, Rgb, Cmyk };

/// An image as the PDF embeds it.
struct Image {
  std::string path;              ///< as named in the source (for messages)
  Format format = Format::Png;
  int width = 0, height = 0;     ///< pixels, as stored (before EXIF orientation)
  ColorSpace color = ColorSpace::Rgb;
  int components = 3;
  double dpi_x = 0, dpi_y = 0;   ///< from pHYs / JFIF; 0: not given
  int orientation = 1;           ///< EXIF orientation 1–8 (JPEG)
  bool adobe_inverted = false;   ///< CMYK written inverted (Adobe APP14)
  bool progressive = false;
  std::string bytes;             ///< JPEG: the file, byte for byte
  std::vector<uint8_t> pixels;   ///< PNG: 8-bit samples, rows top to bottom, no alpha
  std::vector<uint8_t> alpha;    ///< PNG: 8-bit alpha per pixel (empty: opaque)

  /// Upright size in pixels: EXIF orientations 5–8 swap the sides.
  int upright_width() const { return orientation >= 5 ? height : width; }
  int upright_height() const { return orientation >= 5 ? width : height; }
};

/// Limits that keep a hostile image from exhausting memory: checked on the
/// header, before anything is decoded.
struct Limits {
  long long max_pixels = 60'000'000;  ///< 60 megapixels (a 4000×3000 photo is 12)
  int max_side = 30000;
  long long max_bytes = 200'000'000;  ///< file size
};

/// Reads the image at FILE (already checked to be inside the report folder),
/// named NAME in the source at SPAN. Reports what is wrong at SPAN.
std::shared_ptr<const Image> load_image(const std::string& file, const std::string& name, const Span& span,
                                        DiagnosticSink& sink, const Limits& limits = {});

/// A CMYK JPEG's pixels as 8-bit RGB (a plain ink conversion, no colour management), for
/// PDF/A files whose output intent is sRGB; empty if it cannot be decoded.
std::vector<uint8_t> decode_cmyk_jpeg_to_rgb(const Image& image);

/// The PNG bytes of a WIDTH × HEIGHT 8-bit image with COMPONENTS (1–4)
/// samples per pixel; for test fixtures and sample pictures.
std::string encode_png(int width, int height, int components, const std::vector<uint8_t>& samples,
                       int bit_depth = 8, bool interlaced = false, double dpi = 0, bool palette = false);

/// The JPEG bytes of an 8-bit image (COMPONENTS 1, 3 or 4 = CMYK).
std::string encode_jpeg(int width, int height, int components, const std::vector<uint8_t>& samples, int quality = 85,
                        bool progressive = false, double dpi = 0, int orientation = 1, bool adobe = false);

}  // namespace paiban::image
