#include "text/shape.h"

#include <hb.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include <fmt/format.h>

#include "base/text_file.h"

namespace paiban::text {

bool prefers_latin_face(char32_t cp) {
  // The two answers most text asks for, without ICU: ASCII is Latin or Common and narrow or
  // neutral; U+4E00–U+9FFF (CJK Unified Ideographs) is Han.
  if (cp < 0x80) return true;
  if (cp >= 0x4E00 && cp <= 0x9FFF) return false;
  UErrorCode err = U_ZERO_ERROR;
  UScriptCode script = uscript_getScript(static_cast<UChar32>(cp), &err);
  if (script == USCRIPT_LATIN) return true;
  if (script != USCRIPT_COMMON && script != USCRIPT_INHERITED) return false;
  int width = u_getIntPropertyValue(static_cast<UChar32>(cp), UCHAR_EAST_ASIAN_WIDTH);
  // Ambiguous-width marks (“ ” ‘ ’ — … ·) take the CJK face in Chinese text.
  return width == U_EA_NARROW || width == U_EA_NEUTRAL || width == U_EA_HALFWIDTH;
}

namespace {

ShapedParagraph shape_uncached(const std::vector<StyledText>& texts, const fonts::FontSet& fonts,
                               DiagnosticSink& sink);

/// A run of code points that share a face and size.
struct Segment {
  size_t begin = 0, end = 0;  ///< byte range in the paragraph text
  fonts::FaceId face = -1;
  double size = 0;
};

fonts::FaceId pick_face(char32_t cp, const fonts::Role& role, const fonts::FontSet& fonts) {
  const auto& first = prefers_latin_face(cp) ? role.latin : role.cjk;
  const auto& second = prefers_latin_face(cp) ? role.cjk : role.latin;
  for (const auto* chain : {&first, &second})
    for (fonts::FaceId id : *chain)
      if (fonts.face(id).glyph_for(cp)) return id;
  return -1;
}

hb_script_t script_of_segment(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    char32_t cp = next_code_point(text, i);
    UErrorCode err = U_ZERO_ERROR;
    UScriptCode s = uscript_getScript(static_cast<UChar32>(cp), &err);
    if (s == USCRIPT_HAN) return HB_SCRIPT_HAN;
    if (s == USCRIPT_LATIN) return HB_SCRIPT_LATIN;
  }
  return HB_SCRIPT_COMMON;
}

}  // namespace

ShapedParagraph shape_paragraph(const std::vector<StyledText>& texts, const fonts::FontSet& fonts,
                                DiagnosticSink& sink) {
  ShapeCache* const current_cache = ShapeCache::current();
  std::string key;
  if (current_cache) {
    size_t length = 0;
    for (const auto& t : texts) length += t.text.size() + t.role.size() + 3 + sizeof t.size;
    key.reserve(length);
    for (const auto& t : texts) {
      key += t.text;
      key += '\0';
      key += t.role;
      // (The size's bytes, after a NUL: once it was left out of the key, and a 26 pt
      // title took the glyphs of a 16 pt heading of the same words.)
      key += '\0';
      key.append(reinterpret_cast<const char*>(&t.size), sizeof t.size);
      key += '\0';
    }
    std::lock_guard lock(current_cache->mutex_);
    if (auto it = current_cache->entries_.find(key); it != current_cache->entries_.end()) {
      ++current_cache->hits_;
      ShapedParagraph cached = it->second;
      cached.styles = texts;  // the spans of this build
      return cached;
    }
  }
  const int errors_before = sink.error_count();
  ShapedParagraph out = shape_uncached(texts, fonts, sink);
  // A paragraph that had errors is shaped again next time, so that they are reported again.
  if (current_cache && sink.error_count() == errors_before) {
    std::lock_guard lock(current_cache->mutex_);
    current_cache->entries_.emplace(std::move(key), out);
  }
  return out;
}

namespace {

ShapedParagraph shape_uncached(const std::vector<StyledText>& texts, const fonts::FontSet& fonts,
                               DiagnosticSink& sink) {
  ShapedParagraph out;
  out.styles = texts;
  for (const auto& t : texts) out.text += t.text;

  // Itemize: one segment per maximal stretch of one face and size.
  std::vector<Segment> segments;
  size_t base = 0;
  for (const auto& t : texts) {
    const fonts::Role* role = fonts.role(t.role);
    if (!role) {
      sink.error(t.span, fmt::format("font role \"{}\" is not defined in fonts.yaml", t.role));
      base += t.text.size();
      continue;
    }
    fonts::FaceId current = -1;
    int column = 0;
    for (size_t i = 0; i < t.text.size(); ++column) {
      size_t at = i;
      char32_t cp = next_code_point(t.text, i);
      if (cp < 0x20 || cp == 0x7F) {  // control characters take no glyph
        current = -1;
        continue;
      }
      fonts::FaceId face = (cp == ' ' && current >= 0) ? current : pick_face(cp, *role, fonts);
      if (face < 0) {
        Span span = t.span;
        if (span.col > 0) span.col += column;
        sink.error(span, fmt::format("no font of role \"{}\" has U+{:04X} ({})", t.role, static_cast<uint32_t>(cp),
                                     t.text.substr(at, i - at)),
                   {"add a font that has it to the role's chain in fonts/fonts.yaml"});
        current = -1;
        continue;
      }
      if (face == current && !segments.empty() && segments.back().end == base + at) {
        segments.back().end = base + i;
      } else {
        segments.push_back({base + at, base + i, face, t.size});
      }
      current = face;
    }
    base += t.text.size();
  }

  // Shape each segment with the whole paragraph as context.
  hb_buffer_t* buffer = hb_buffer_create();
  hb_language_t zh = hb_language_from_string("zh-Hans", -1);
  for (const auto& seg : segments) {
    const fonts::Face& face = fonts.face(seg.face);
    hb_buffer_clear_contents(buffer);
    hb_buffer_add_utf8(buffer, out.text.data(), static_cast<int>(out.text.size()), static_cast<unsigned>(seg.begin),
                       static_cast<int>(seg.end - seg.begin));
    hb_buffer_set_direction(buffer, HB_DIRECTION_LTR);
    hb_buffer_set_script(buffer, script_of_segment(std::string_view(out.text).substr(seg.begin, seg.end - seg.begin)));
    hb_buffer_set_language(buffer, zh);
    hb_buffer_set_cluster_level(buffer, HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS);
    hb_shape(face.hb_font, buffer, nullptr, 0);
    unsigned count = 0;
    const hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buffer, &count);
    const hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(buffer, &count);
    const double scale = seg.size / face.metrics.units_per_em;
    size_t first = out.glyphs.size();
    for (unsigned i = 0; i < count; ++i) {
      ShapedGlyph g;
      g.face = seg.face;
      g.gid = info[i].codepoint;
      g.size = seg.size;
      g.advance = pos[i].x_advance * scale;
      g.x_offset = pos[i].x_offset * scale;
      g.y_offset = pos[i].y_offset * scale;
      g.cluster = info[i].cluster;
      g.first_in_cluster = i == 0 || info[i - 1].cluster != info[i].cluster;
      out.glyphs.push_back(g);
    }
    // A cluster ends where the next one starts (monotone clusters, LTR).
    for (size_t i = first; i < out.glyphs.size(); ++i) {
      uint32_t end = static_cast<uint32_t>(seg.end);
      for (size_t j = i + 1; j < out.glyphs.size(); ++j)
        if (out.glyphs[j].cluster != out.glyphs[i].cluster) {
          end = out.glyphs[j].cluster;
          break;
        }
      out.glyphs[i].cluster_end = end;
    }
  }
  hb_buffer_destroy(buffer);
  return out;
}

}  // namespace

}  // namespace paiban::text
