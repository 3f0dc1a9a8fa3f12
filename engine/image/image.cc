// Reading PNG (libpng) and JPEG (libjpeg-turbo) for figures, and writing them for fixtures.
#include "image/image.h"

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <jpeglib.h>
#include <png.h>

namespace paiban::image {
namespace {

const char* const kAccepted = "figures take PNG or JPEG images";

std::string read_all(const std::string& file, long size) {
  std::string bytes(static_cast<size_t>(std::max(0L, size)), '\0');
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (!f) return {};
  bytes.resize(std::fread(bytes.data(), 1, bytes.size(), f));
  std::fclose(f);
  return bytes;
}

bool starts(const std::string& b, const char* magic, size_t n) { return b.size() >= n && std::memcmp(b.data(), magic, n) == 0; }

/// What a file that is neither PNG nor JPEG is, by its signature.
std::string other_format(const std::string& b, const std::string& name) {
  if (starts(b, "GIF8", 4)) return "GIF";
  if (starts(b, "RIFF", 4) && b.size() >= 12 && b.compare(8, 4, "WEBP") == 0) return "WebP";
  if (starts(b, "BM", 2)) return "BMP";
  if (starts(b, "II*\0", 4) || starts(b, "MM\0*", 4)) return "TIFF";
  if (b.find("<svg") != std::string::npos || name.ends_with(".svg")) return "SVG";
  return "";
}

// --- PNG ----------------------------------------------------------------------

struct PngReader {
  const std::string* bytes;
  size_t at = 8;
  char message[256] = "";
};

void png_read_memory(png_structp png, png_bytep out, png_size_t n) {
  auto* r = static_cast<PngReader*>(png_get_io_ptr(png));
  if (r->at + n > r->bytes->size()) png_error(png, "the file ends early");
  std::memcpy(out, r->bytes->data() + r->at, n);
  r->at += n;
}

void png_fail(png_structp png, png_const_charp message) {
  auto* r = static_cast<PngReader*>(png_get_error_ptr(png));
  std::snprintf(r->message, sizeof r->message, "%s", message);
  png_longjmp(png, 1);
}

void png_quiet(png_structp, png_const_charp) {}

/// Decodes with libpng's full reader: samples as stored (no gamma conversion: a
/// 16-bit file without gAMA is not taken for linear light), reduced to 8 bits,
/// palette and low bit depths expanded, interlacing undone.
bool load_png(const std::string& bytes, Image& img, const Span& span, DiagnosticSink& sink, const Limits& limits) {
  PngReader reader{&bytes};
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &reader, png_fail, png_quiet);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info) {
    png_destroy_read_struct(&png, &info, nullptr);
    sink.error(span, fmt::format("image \"{}\": out of memory", img.path));
    return false;
  }
  std::vector<uint8_t> buffer;
  std::vector<png_bytep> rows;
  bool too_large = false;
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    if (!too_large)
      sink.error(span, fmt::format("image \"{}\" is a damaged PNG: {}", img.path, reader.message),
                 {"the file is damaged or truncated; export it again as PNG or JPEG"});
    return false;
  }
  png_set_read_fn(png, &reader, png_read_memory);
  png_set_sig_bytes(png, 8);
  png_read_info(png, info);
  png_uint_32 width = png_get_image_width(png, info), height = png_get_image_height(png, info);
  long long pixels = (long long)width * height;
  if (pixels > limits.max_pixels || width > png_uint_32(limits.max_side) || height > png_uint_32(limits.max_side)) {
    too_large = true;
    sink.error(span, fmt::format("image \"{}\" declares {}×{} pixels, more than the {} megapixels a figure may have",
                                 img.path, width, height, limits.max_pixels / 1000000),
               {"scale the picture down (a printed page needs about 2500×3500 pixels at 300 dpi)"});
    png_longjmp(png, 1);
  }
  png_set_expand(png);  // palette → RGB, grey below 8 bits → 8, tRNS → alpha
  png_set_scale_16(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  const int channels = png_get_channels(png, info);
  const int color_type = png_get_color_type(png, info);
  const bool color = color_type & PNG_COLOR_MASK_COLOR, alpha = color_type & PNG_COLOR_MASK_ALPHA;
  const size_t stride = png_get_rowbytes(png, info);
  buffer.resize(stride * height);
  rows.resize(height);
  for (png_uint_32 y = 0; y < height; ++y) rows[y] = buffer.data() + y * stride;
  png_read_image(png, rows.data());
  png_read_end(png, nullptr);
  png_uint_32 rx = 0, ry = 0;
  int unit = 0;
  if (png_get_pHYs(png, info, &rx, &ry, &unit) && unit == PNG_RESOLUTION_METER && rx > 0 && ry > 0) {
    img.dpi_x = rx * 0.0254;
    img.dpi_y = ry * 0.0254;
  }
  png_destroy_read_struct(&png, &info, nullptr);
  img.format = Format::Png;
  img.width = int(width);
  img.height = int(height);
  img.color = color ? ColorSpace::Rgb : ColorSpace::Gray;
  img.components = color ? 3 : 1;
  if (!alpha) {
    img.pixels = std::move(buffer);
    return true;
  }
  const size_t n = size_t(pixels);
  img.pixels.resize(n * img.components);
  img.alpha.resize(n);
  bool opaque = true;
  for (size_t i = 0; i < n; ++i) {
    std::memcpy(&img.pixels[i * img.components], &buffer[i * channels], img.components);
    img.alpha[i] = buffer[i * channels + img.components];
    opaque &= img.alpha[i] == 255;
  }
  if (opaque) img.alpha.clear();
  return true;
}

// --- JPEG ---------------------------------------------------------------------

struct JpegError {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void jpeg_fail(j_common_ptr cinfo) {
  auto* e = reinterpret_cast<JpegError*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, e->message);
  std::longjmp(e->jump, 1);
}

void jpeg_quiet(j_common_ptr, int) {}

/// EXIF orientation (tag 0x0112) from an APP1 "Exif" marker's TIFF header.
int exif_orientation(const uint8_t* d, size_t n) {
  if (n < 14 || std::memcmp(d, "Exif\0\0", 6) != 0) return 1;
  d += 6;
  n -= 6;
  bool le = d[0] == 'I';
  auto u16 = [&](size_t at) -> unsigned { return at + 2 > n ? 0 : le ? d[at] | d[at + 1] << 8 : d[at] << 8 | d[at + 1]; };
  auto u32 = [&](size_t at) -> size_t {
    return at + 4 > n ? 0 : le ? d[at] | d[at + 1] << 8 | d[at + 2] << 16 | size_t(d[at + 3]) << 24
                               : size_t(d[at]) << 24 | d[at + 1] << 16 | d[at + 2] << 8 | d[at + 3];
  };
  size_t ifd = u32(4);
  unsigned count = u16(ifd);
  for (unsigned i = 0; i < count && i < 512; ++i) {
    size_t e = ifd + 2 + 12 * size_t(i);
    if (e + 12 > n) break;
    if (u16(e) == 0x0112) {
      unsigned v = u16(e + 8);
      return v >= 1 && v <= 8 ? int(v) : 1;
    }
  }
  return 1;
}

bool load_jpeg(std::string bytes, Image& img, const Span& span, DiagnosticSink& sink, const Limits& limits) {
  jpeg_decompress_struct cinfo;
  JpegError err;
  cinfo.err = jpeg_std_error(&err.mgr);
  err.mgr.error_exit = jpeg_fail;
  err.mgr.emit_message = jpeg_quiet;
  err.message[0] = 0;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    sink.error(span, fmt::format("image \"{}\" is a damaged JPEG: {}", img.path, err.message),
               {"the file is damaged or truncated; export it again as PNG or JPEG"});
    return false;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<unsigned long>(bytes.size()));
  jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
  jpeg_read_header(&cinfo, TRUE);
  img.width = int(cinfo.image_width);
  img.height = int(cinfo.image_height);
  img.components = cinfo.num_components;
  img.progressive = cinfo.progressive_mode;
  if (cinfo.saw_JFIF_marker && cinfo.X_density > 0 && cinfo.Y_density > 0) {
    if (cinfo.density_unit == 1) img.dpi_x = cinfo.X_density, img.dpi_y = cinfo.Y_density;
    else if (cinfo.density_unit == 2) img.dpi_x = cinfo.X_density * 2.54, img.dpi_y = cinfo.Y_density * 2.54;
  }
  for (jpeg_saved_marker_ptr m = cinfo.marker_list; m; m = m->next)
    if (m->marker == JPEG_APP0 + 1) img.orientation = exif_orientation(m->data, m->data_length);
  J_COLOR_SPACE space = cinfo.jpeg_color_space;
  bool adobe = cinfo.saw_Adobe_marker;
  jpeg_destroy_decompress(&cinfo);
  long long pixels = (long long)img.width * img.height;
  if (img.width > limits.max_side || img.height > limits.max_side || pixels > limits.max_pixels) {
    sink.error(span, fmt::format("image \"{}\" declares {}×{} pixels, more than the {} megapixels a figure may have",
                                 img.path, img.width, img.height, limits.max_pixels / 1000000),
               {"scale the picture down (a printed page needs about 2500×3500 pixels at 300 dpi)"});
    return false;
  }
  if (img.components == 1) img.color = ColorSpace::Gray;
  else if (img.components == 3) img.color = ColorSpace::Rgb;
  else if (img.components == 4 && (space == JCS_CMYK || space == JCS_YCCK)) {
    img.color = ColorSpace::Cmyk;
    img.adobe_inverted = adobe;  // Photoshop writes CMYK inverted and says so with APP14
  } else {
    sink.error(span, fmt::format("image \"{}\": a JPEG with {} colour components is not supported", img.path, img.components),
               {"save it as an RGB, greyscale or CMYK JPEG"});
    return false;
  }
  // The scan data is not decoded: a file cut short lacks its end-of-image marker.
  size_t end = bytes.size();
  while (end > 2 && (bytes[end - 1] == 0 || bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) --end;
  if (end < 4 || uint8_t(bytes[end - 2]) != 0xFF || uint8_t(bytes[end - 1]) != 0xD9) {
    sink.error(span, fmt::format("image \"{}\" is a truncated JPEG: it has no end-of-image marker", img.path),
               {"the file is damaged or truncated; export it again as PNG or JPEG"});
    return false;
  }
  img.format = Format::Jpeg;
  img.bytes = std::move(bytes);
  return true;
}

}  // namespace

std::shared_ptr<const Image> load_image(const std::string& file, const std::string& name, const Span& span,
                                        DiagnosticSink& sink, const Limits& limits) {
  std::error_code ec;
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (!f) {
    sink.error(span, fmt::format("image \"{}\" not found", name), {"image paths are relative to the report folder, e.g. images/photo.jpg"});
    return nullptr;
  }
  std::fseek(f, 0, SEEK_END);
  long size = std::ftell(f);
  std::fclose(f);
  if (size > limits.max_bytes) {
    sink.error(span, fmt::format("image \"{}\" is {} MB, more than the {} MB a figure may have", name, size / 1000000,
                                 limits.max_bytes / 1000000),
               {"save it as a JPEG of about 2500×3500 pixels or less"});
    return nullptr;
  }
  auto img = std::make_shared<Image>();
  img->path = name;
  std::string bytes = read_all(file, size);
  bool ok = false;
  if (starts(bytes, "\x89PNG\r\n\x1a\n", 8)) {
    ok = load_png(bytes, *img, span, sink, limits);
  } else if (starts(bytes, "\xFF\xD8\xFF", 3)) {
    ok = load_jpeg(std::move(bytes), *img, span, sink, limits);
  } else {
    std::string other = other_format(bytes, name);
    if (!other.empty())
      sink.error(span, fmt::format("image \"{}\" is {}, which figures do not take", name, other),
                 {kAccepted, other == "SVG" ? "export the drawing as PNG at 300 dpi (e.g. inkscape --export-type=png --export-dpi=300)"
                                            : "convert it, e.g. `convert photo.webp photo.jpg` (ImageMagick) or `gm convert`"});
    else
      sink.error(span, fmt::format("image \"{}\" is neither PNG nor JPEG", name), {kAccepted});
  }
  if (!ok) return nullptr;
  return img;
}

std::vector<uint8_t> decode_cmyk_jpeg_to_rgb(const Image& img) {
  std::vector<uint8_t> rgb;
  if (img.format != Format::Jpeg || img.color != ColorSpace::Cmyk) return rgb;
  jpeg_decompress_struct cinfo;
  JpegError err;
  cinfo.err = jpeg_std_error(&err.mgr);
  err.mgr.error_exit = jpeg_fail;
  err.mgr.emit_message = jpeg_quiet;
  std::vector<uint8_t> row;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    return {};
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, reinterpret_cast<const unsigned char*>(img.bytes.data()), static_cast<unsigned long>(img.bytes.size()));
  jpeg_read_header(&cinfo, TRUE);
  cinfo.out_color_space = JCS_CMYK;
  jpeg_start_decompress(&cinfo);
  const size_t w = cinfo.output_width;
  rgb.resize(w * cinfo.output_height * 3);
  row.resize(w * 4);
  while (cinfo.output_scanline < cinfo.output_height) {
    size_t y = cinfo.output_scanline;
    JSAMPROW p = row.data();
    jpeg_read_scanlines(&cinfo, &p, 1);
    for (size_t x = 0; x < w; ++x) {
      unsigned ink[4];
      for (int k = 0; k < 4; ++k) ink[k] = img.adobe_inverted ? 255u - row[x * 4 + k] : row[x * 4 + k];
      for (int k = 0; k < 3; ++k) rgb[(y * w + x) * 3 + k] = static_cast<uint8_t>((255 - ink[k]) * (255 - ink[3]) / 255);
    }
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return rgb;
}

// --- writing (fixtures, sample pictures) ---------------------------------------

namespace {
void png_append(png_structp png, png_bytep data, png_size_t n) {
  static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<const char*>(data), n);
}
void png_flush_none(png_structp) {}
}  // namespace

std::string encode_png(int width, int height, int components, const std::vector<uint8_t>& samples, int bit_depth,
                       bool interlaced, double dpi, bool palette) {
  const int per_pixel = palette ? 1 : components;
  std::string out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return {};
  }
  png_set_write_fn(png, &out, png_append, png_flush_none);
  static const int types[] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
  std::vector<png_color> colors;
  std::vector<uint8_t> indices;
  if (palette) {  // samples are RGB; at most 256 distinct colours
    for (size_t i = 0; i + 2 < samples.size(); i += 3) {
      png_color c{samples[i], samples[i + 1], samples[i + 2]};
      size_t k = 0;
      while (k < colors.size() && !(colors[k].red == c.red && colors[k].green == c.green && colors[k].blue == c.blue)) ++k;
      if (k == colors.size()) colors.push_back(c);
      indices.push_back(uint8_t(k));
    }
    png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_PALETTE, interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_PLTE(png, info, colors.data(), int(colors.size()));
  } else {
    png_set_IHDR(png, info, width, height, bit_depth, types[components],
                 interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  }
  if (dpi > 0) png_set_pHYs(png, info, png_uint_32(dpi / 0.0254 + 0.5), png_uint_32(dpi / 0.0254 + 0.5), PNG_RESOLUTION_METER);
  png_write_info(png, info);
  if (bit_depth == 16) png_set_swap(png);  // samples given as 16-bit little-endian
  const size_t bytes_per_sample = bit_depth == 16 ? 2 : 1;
  const size_t stride = size_t(width) * per_pixel * bytes_per_sample;
  const std::vector<uint8_t>& data = palette ? indices : samples;
  std::vector<png_bytep> rows(height);
  for (int y = 0; y < height; ++y) rows[y] = const_cast<png_bytep>(data.data() + y * stride);
  png_write_image(png, rows.data());
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

std::string encode_jpeg(int width, int height, int components, const std::vector<uint8_t>& samples, int quality,
                        bool progressive, double dpi, int orientation, bool adobe) {
  jpeg_compress_struct cinfo;
  jpeg_error_mgr jerr;
  cinfo.err = jpeg_std_error(&jerr);
  jpeg_create_compress(&cinfo);
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = width;
  cinfo.image_height = height;
  cinfo.input_components = components;
  cinfo.in_color_space = components == 1 ? JCS_GRAYSCALE : components == 3 ? JCS_RGB : JCS_CMYK;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  if (progressive) jpeg_simple_progression(&cinfo);
  if (components == 4) cinfo.write_Adobe_marker = adobe;
  if (dpi > 0) {
    cinfo.density_unit = 1;
    cinfo.X_density = cinfo.Y_density = static_cast<UINT16>(dpi);
  }
  jpeg_start_compress(&cinfo, TRUE);
  if (orientation != 1) {
    // A minimal big-endian EXIF block: IFD0 with one entry, Orientation.
    const uint8_t exif[] = {'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1,
                            0, uint8_t(orientation), 0, 0, 0, 0, 0, 0};
    jpeg_write_marker(&cinfo, JPEG_APP0 + 1, exif, sizeof exif);
  }
  const size_t stride = size_t(width) * components;
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(samples.data() + cinfo.next_scanline * stride);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  std::string out(reinterpret_cast<char*>(buffer), size);
  std::free(buffer);
  jpeg_destroy_compress(&cinfo);
  return out;
}

}  // namespace paiban::image
