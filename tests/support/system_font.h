#pragma once
// A font as the system's fontconfig finds it (fc-match), read with HarfBuzz
// alone: expectations about glyphs and files come from the font installed,
// not from paiban's own loading, and hold for any build of the font.
#include <hb.h>

#include <string>

#include "support/test_support.h"

namespace paiban::testing {

class SystemFace {
 public:
  explicit SystemFace(const std::string& pattern) {
    auto r = run_command("fc-match -f '%{file}#%{index}' '" + pattern + "'");
    size_t hash = r.out.rfind('#');
    path_ = r.out.substr(0, hash);
    index_ = hash == std::string::npos ? 0 : static_cast<unsigned>(std::stoul(r.out.substr(hash + 1)));
    hb_blob_t* blob = hb_blob_create_from_file(path_.c_str());
    hb_face_t* face = hb_face_create(blob, index_);
    font_ = hb_font_create(face);
    upem_ = hb_face_get_upem(face);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
  }
  ~SystemFace() { hb_font_destroy(font_); }
  SystemFace(const SystemFace&) = delete;
  SystemFace& operator=(const SystemFace&) = delete;

  const std::string& path() const { return path_; }
  unsigned index() const { return index_; }
  unsigned units_per_em() const { return upem_; }
  /// The glyph the font's cmap gives C (0: none).
  unsigned glyph(char32_t c) const {
    hb_codepoint_t g = 0;
    hb_font_get_nominal_glyph(font_, c, &g);
    return g;
  }
  /// A glyph's advance at SIZE pt, from the font's metrics.
  double advance(unsigned glyph, double size) const { return hb_font_get_glyph_h_advance(font_, glyph) * size / upem_; }

 private:
  std::string path_;
  unsigned index_ = 0;
  hb_font_t* font_ = nullptr;
  unsigned upem_ = 1000;
};

}  // namespace paiban::testing
