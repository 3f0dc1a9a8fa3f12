#include "fonts/face_tables.h"

#include <cstdint>

namespace paiban::fonts {

namespace {

/// One table's bytes; every read is bounds-checked (a short table reads as absent fields).
class Table {
 public:
  Table(hb_face_t* face, hb_tag_t tag) : blob_(hb_face_reference_table(face, tag)) {
    data_ = reinterpret_cast<const uint8_t*>(hb_blob_get_data(blob_, &size_));
  }
  ~Table() { hb_blob_destroy(blob_); }
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  unsigned size() const { return size_; }
  bool has(unsigned offset, unsigned n) const { return data_ && offset <= size_ && n <= size_ - offset; }
  unsigned u8(unsigned o) const { return has(o, 1) ? data_[o] : 0; }
  unsigned u16(unsigned o) const { return has(o, 2) ? (unsigned{data_[o]} << 8) | data_[o + 1] : 0; }
  int s16(unsigned o) const { return static_cast<int16_t>(u16(o)); }
  uint32_t u32(unsigned o) const { return (uint32_t{u16(o)} << 16) | u16(o + 2); }
  const uint8_t* at(unsigned o) const { return data_ + o; }

 private:
  hb_blob_t* blob_;
  const uint8_t* data_ = nullptr;
  unsigned size_ = 0;
};

/// FreeType's test for a character of a PostScript name (sfnt_is_postscript).
bool postscript_char(unsigned c) {
  return c > 32 && c < 127 && c != '[' && c != ']' && c != '(' && c != ')' && c != '{' && c != '}' && c != '<' &&
         c != '>' && c != '/' && c != '%';
}

/// Name ID 6 as FreeType reads it: the Windows Unicode US-English record, else the Macintosh
/// Roman one; a record with any character a PostScript name cannot hold does not count.
std::string postscript_name(hb_face_t* face) {
  Table name(face, HB_TAG('n', 'a', 'm', 'e'));
  const unsigned count = name.u16(2), strings = name.u16(4);
  int windows = -1, mac = -1;
  for (unsigned i = 0; i < count; ++i) {
    const unsigned r = 6 + 12 * i;
    if (!name.has(r, 12)) break;
    if (name.u16(r + 6) != 6 || name.u16(r + 8) == 0) continue;
    const unsigned platform = name.u16(r), encoding = name.u16(r + 2), language = name.u16(r + 4);
    if (platform == 3 && encoding == 1 && language == 0x409) windows = static_cast<int>(i);
    if (platform == 1 && encoding == 0 && language == 0) mac = static_cast<int>(i);
  }
  auto read = [&](int index, bool utf16) -> std::optional<std::string> {
    if (index < 0) return std::nullopt;
    const unsigned r = 6 + 12 * static_cast<unsigned>(index);
    const unsigned length = name.u16(r + 8), offset = strings + name.u16(r + 10);
    if (!name.has(offset, length)) return std::nullopt;
    std::string out;
    const uint8_t* p = name.at(offset);
    if (utf16) {
      for (unsigned k = 0; k + 1 < length; k += 2) {
        if (p[k] != 0 || !postscript_char(p[k + 1])) return std::nullopt;
        out += static_cast<char>(p[k + 1]);
      }
    } else {
      for (unsigned k = 0; k < length; ++k) {
        if (!postscript_char(p[k])) return std::nullopt;
        out += static_cast<char>(p[k]);
      }
    }
    return out;
  };
  if (auto s = read(windows, true)) return *s;
  if (auto s = read(mac, false)) return *s;
  return "";
}

/// Whether a CFF table's top DICT has the ROS operator (12 30): a CID-keyed font.
bool cff_has_ros(const Table& cff) {
  // The header, then the Name INDEX, then the Top DICT INDEX, whose first entry is the DICT.
  auto index_end = [&](unsigned at, unsigned* first_data, unsigned* first_size) -> std::optional<unsigned> {
    const unsigned count = cff.u16(at);
    if (!cff.has(at, 2)) return std::nullopt;
    if (count == 0) return at + 2;
    const unsigned off_size = cff.u8(at + 2);
    if (off_size < 1 || off_size > 4) return std::nullopt;
    auto offset = [&](unsigned i) {
      uint32_t v = 0;
      for (unsigned k = 0; k < off_size; ++k) v = (v << 8) | cff.u8(at + 3 + i * off_size + k);
      return v;
    };
    const unsigned data = at + 3 + (count + 1) * off_size - 1;  // offsets count from 1
    if (!cff.has(at + 3, (count + 1) * off_size)) return std::nullopt;
    const uint32_t last = offset(count);
    if (last < 1 || !cff.has(data, last)) return std::nullopt;
    if (first_data) {
      const uint32_t a = offset(0), b = offset(1);
      if (a < 1 || b < a || b > last) return std::nullopt;
      *first_data = data + a;
      *first_size = b - a;
    }
    return data + last;
  };
  auto names_end = index_end(cff.u8(2), nullptr, nullptr);
  if (!names_end) return false;
  unsigned dict = 0, dict_size = 0;
  if (!index_end(*names_end, &dict, &dict_size) || dict_size == 0) return false;
  for (unsigned p = dict, end = dict + dict_size; p < end;) {
    const unsigned b = cff.u8(p);
    if (b == 12) {
      if (cff.u8(p + 1) == 30 && p + 1 < end) return true;
      p += 2;
    } else if (b <= 21) {
      p += 1;  // an operator
    } else if (b == 28) {
      p += 3;
    } else if (b == 29) {
      p += 5;
    } else if (b == 30) {  // a real: nibbles up to one of 0xf
      for (++p; p < end; ++p) {
        const unsigned n = cff.u8(p);
        if ((n & 0x0f) == 0x0f || (n >> 4) == 0x0f) break;
      }
      ++p;
    } else if (b >= 32 && b <= 246) {
      p += 1;
    } else if (b >= 247 && b <= 254) {
      p += 2;
    } else {
      return false;  // reserved
    }
  }
  return false;
}

}  // namespace

std::optional<FaceTables> read_face_tables(hb_face_t* face) {
  if (hb_face_get_glyph_count(face) == 0) return std::nullopt;
  Table head(face, HB_TAG('h', 'e', 'a', 'd'));
  if (!head.has(0, 54)) return std::nullopt;
  Table cff(face, HB_TAG('C', 'F', 'F', ' '));
  FaceTables out;
  out.cff = cff.size() > 0;
  if (!out.cff) {
    Table glyf(face, HB_TAG('g', 'l', 'y', 'f')), loca(face, HB_TAG('l', 'o', 'c', 'a'));
    if (glyf.size() == 0 || loca.size() == 0) return std::nullopt;
  }
  out.cid_keyed = out.cff && cff_has_ros(cff);

  FaceMetrics& m = out.metrics;
  m.units_per_em = static_cast<int>(hb_face_get_upem(face));
  m.bbox[0] = head.s16(36);
  m.bbox[1] = head.s16(38);
  m.bbox[2] = head.s16(40);
  m.bbox[3] = head.s16(42);

  Table hhea(face, HB_TAG('h', 'h', 'e', 'a'));
  m.ascender = hhea.s16(4);
  m.descender = hhea.s16(6);
  // OS/2's fields by its version; a field past the table's end counts as absent. (There
  // FreeType reads on into whatever follows the table in the file.)
  Table os2(face, HB_TAG('O', 'S', '/', '2'));
  const bool has_os2 = os2.has(0, 2);
  const unsigned os2_version = os2.u16(0);
  if (m.ascender == 0 && m.descender == 0 && has_os2) {
    if (os2.has(68, 4) && (os2.s16(68) != 0 || os2.s16(70) != 0)) {
      m.ascender = os2.s16(68);
      m.descender = os2.s16(70);
    } else if (os2.has(74, 4)) {
      m.ascender = static_cast<int16_t>(os2.u16(74));
      m.descender = -static_cast<int16_t>(os2.u16(76));
    }
  }
  m.cap_height = has_os2 && os2_version >= 2 && os2.has(88, 2) ? os2.s16(88) : m.ascender;
  if (os2.has(30, 2)) {
    const unsigned family_class = (os2.u16(30) >> 8) & 0xFF;
    m.serif = family_class >= 1 && family_class <= 7;
  }
  Table post(face, HB_TAG('p', 'o', 's', 't'));
  if (post.has(4, 4)) m.italic_angle = static_cast<int32_t>(post.u32(4)) >> 16;
  if (post.has(12, 4)) m.fixed_pitch = post.u32(12) != 0;
  out.postscript_name = postscript_name(face);
  return out;
}

}  // namespace paiban::fonts
