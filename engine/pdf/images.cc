// Image XObjects: JPEG bytes as they are (DCTDecode), PNG pixels deflated with an SMask for
// alpha; placed upright by the EXIF orientation; chart paths.
#include "pdf/writer_internal.h"

namespace paiban::pdf {

HPDF_STATUS Writer::write_dct_filter(HPDF_Dict, HPDF_Stream out) {
  return HPDF_Stream_WriteStr(out, "/Filter /DCTDecode\012");
}

void Writer::embed_images(const layout::Pages& pages) {
  for (const auto& page : pages.pages)
    for (const auto& placed : page.images) {
      const image::Image* img = placed.image.get();
      if (!img || images_.count(img)) continue;
      EmbeddedImage e;
      e.name = fmt::format("Im{}", images_.size() + 1);
      HPDF_Dict x = checked(HPDF_DictStream_New(pdf_->mmgr, pdf_->xref), "HPDF_DictStream_New(image)");
      check(HPDF_Dict_AddName(x, "Type", "XObject"), "/XObject");
      check(HPDF_Dict_AddName(x, "Subtype", "Image"), "/Image");
      check(HPDF_Dict_AddNumber(x, "Width", img->width), "/Width");
      check(HPDF_Dict_AddNumber(x, "Height", img->height), "/Height");
      check(HPDF_Dict_AddNumber(x, "BitsPerComponent", 8), "/BitsPerComponent");
      const char* space = img->color == image::ColorSpace::Gray ? "DeviceGray"
                          : img->color == image::ColorSpace::Cmyk && !pdfa_ ? "DeviceCMYK" : "DeviceRGB";
      check(HPDF_Dict_AddName(x, "ColorSpace", space), "/ColorSpace");
      std::vector<uint8_t> converted;
      if (pdfa_ && img->color == image::ColorSpace::Cmyk) {
        // PDF/A-1 with an sRGB output intent allows no DeviceCMYK: decoded and converted to RGB.
        converted = image::decode_cmyk_jpeg_to_rgb(*img);
        if (converted.empty()) throw HaruFailure(fmt::format("cannot decode the CMYK JPEG {}", img->path));
        sink_.warning({img->path, 0, 0}, "PDF/A: the CMYK photo is converted to RGB (the output intent is sRGB)",
                      {"for print colours, build without --pdfa, or save the photo as RGB"});
        owned_.push_back(deflate({reinterpret_cast<const char*>(converted.data()), converted.size()}));
        borrow_deflated(x, owned_.back());
      } else if (img->format == image::Format::Jpeg) {
        if (img->adobe_inverted) {
          HPDF_Array decode = checked(HPDF_Array_New(pdf_->mmgr), "HPDF_Array_New");
          for (int k = 0; k < 4; ++k) {
            check(HPDF_Array_AddNumber(decode, 1), "/Decode");
            check(HPDF_Array_AddNumber(decode, 0), "/Decode");
          }
          check(HPDF_Dict_Add(x, "Decode", decode), "/Decode");
        }
        borrowed_.push_back({img->bytes, 0});
        HPDF_Stream reader = checked(HPDF_CallbackReader_New(pdf_->mmgr, read_borrowed, seek_borrowed, tell_borrowed,
                                                             size_borrowed, &borrowed_.back()),
                                     "HPDF_CallbackReader_New");
        HPDF_Stream_Free(x->stream);
        x->stream = reader;
        x->filter = HPDF_STREAM_FILTER_NONE;
        x->write_fn = write_dct_filter;
      } else {
        const std::vector<uint8_t>* pixels = &img->pixels;
        std::vector<uint8_t> flattened;
        if (!img->alpha.empty() && pdfa_) {
          // PDF/A-1 forbids transparency: the image is composited onto white.
          flattened = img->pixels;
          const size_t n = img->alpha.size();
          const int c = img->components;
          for (size_t i = 0; i < n; ++i)
            for (int k = 0; k < c; ++k) {
              unsigned a = img->alpha[i], v = flattened[i * c + k];
              flattened[i * c + k] = static_cast<uint8_t>((v * a + 255 * (255 - a) + 127) / 255);
            }
          pixels = &flattened;
          sink_.warning({img->path, 0, 0}, "PDF/A: the image's transparency is flattened onto white",
                        {"PDF/A-1 allows no transparency; without --pdfa the image keeps its alpha as a soft mask"});
        }
        owned_.push_back(deflate({reinterpret_cast<const char*>(pixels->data()), pixels->size()}));
        borrow_deflated(x, owned_.back());
        if (!img->alpha.empty() && !pdfa_) {
          owned_.push_back(deflate({reinterpret_cast<const char*>(img->alpha.data()), img->alpha.size()}));
          HPDF_Dict mask = new_deflated_stream(owned_.back());
          check(HPDF_Dict_AddName(mask, "Type", "XObject"), "/XObject");
          check(HPDF_Dict_AddName(mask, "Subtype", "Image"), "/Image");
          check(HPDF_Dict_AddNumber(mask, "Width", img->width), "/Width");
          check(HPDF_Dict_AddNumber(mask, "Height", img->height), "/Height");
          check(HPDF_Dict_AddNumber(mask, "BitsPerComponent", 8), "/BitsPerComponent");
          check(HPDF_Dict_AddName(mask, "ColorSpace", "DeviceGray"), "/ColorSpace");
          check(HPDF_Dict_Add(x, "SMask", mask), "/SMask");
        }
      }
      e.xobject = x;
      images_.emplace(img, e);
    }
}

void Writer::add_image_resources(HPDF_Page p, const layout::Page& page) {
  HPDF_Dict resources = checked(static_cast<HPDF_Dict>(HPDF_Dict_GetItem(p, "Resources", HPDF_OCLASS_DICT)),
                                "HPDF_Page resources");
  HPDF_Dict xobjects = checked(HPDF_Dict_New(pdf_->mmgr), "HPDF_Dict_New");
  check(HPDF_Dict_Add(resources, "XObject", xobjects), "HPDF_Dict_Add(XObject)");
  std::set<std::string> added;
  for (const auto& placed : page.images) {
    const EmbeddedImage& e = images_.at(placed.image.get());
    if (added.insert(e.name).second) check(HPDF_Dict_Add(xobjects, e.name.c_str(), e.xobject), "HPDF_Dict_Add(image)");
  }
}

void Writer::append_images(std::string& out, const layout::Page& page) const {
  for (const auto& placed : page.images) {
    const EmbeddedImage& e = images_.at(placed.image.get());
    const double x = placed.x, y = placed.y, w = placed.w, h = placed.h;
    // The image's unit square onto its upright box (EXIF orientation: how its
    // 0th row and 0th column are to be seen).
    double m[6];
    switch (placed.image->orientation) {
      case 2: m[0] = -w, m[1] = 0, m[2] = 0, m[3] = h, m[4] = x + w, m[5] = y; break;
      case 3: m[0] = -w, m[1] = 0, m[2] = 0, m[3] = -h, m[4] = x + w, m[5] = y + h; break;
      case 4: m[0] = w, m[1] = 0, m[2] = 0, m[3] = -h, m[4] = x, m[5] = y + h; break;
      case 5: m[0] = 0, m[1] = -h, m[2] = -w, m[3] = 0, m[4] = x + w, m[5] = y + h; break;
      case 6: m[0] = 0, m[1] = -h, m[2] = w, m[3] = 0, m[4] = x, m[5] = y + h; break;
      case 7: m[0] = 0, m[1] = h, m[2] = w, m[3] = 0, m[4] = x, m[5] = y; break;
      case 8: m[0] = 0, m[1] = h, m[2] = -w, m[3] = 0, m[4] = x + w, m[5] = y; break;
      default: m[0] = w, m[1] = 0, m[2] = 0, m[3] = h, m[4] = x, m[5] = y;
    }
    out += "q\n";
    for (double v : m) {
      append_num(out, v);
      out += ' ';
    }
    out += "cm\n/";
    out += e.name;
    out += " Do\nQ\n";
  }
}

void Writer::append_shapes(std::string& out, const layout::Page& page) {
  for (const auto& s : page.shapes) {
    if (s.points.size() < 4) continue;
    out += "q\n";
    if (s.fill) out += color(s.fill_color, "rg");
    if (s.stroke_width > 0) {
      append_num(out, s.stroke_width);
      out += " w\n1 j\n";
      out += color(s.stroke_color, "RG");
    }
    for (size_t i = 0; i + 1 < s.points.size(); i += 2) {
      append_num(out, s.points[i]);
      out += ' ';
      append_num(out, s.points[i + 1]);
      out += i == 0 ? " m\n" : " l\n";
    }
    if (s.closed) out += "h\n";
    out += s.fill && s.stroke_width > 0 ? "B\n" : s.fill ? "f\n" : "S\n";
    out += "Q\n";
  }
}

}  // namespace paiban::pdf
