#pragma once
// The PDF writer, internal to the pdf stage: one libharu document and its jobs, each in a
// file of its own (writer.cc: the document and its streams; content.cc; font_embed.cc;
// navigation.cc; metadata.cc). Only engine/pdf/ includes <hpdf.h>.
#include <hpdf.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_doc.h>
#include <hpdf_encrypt.h>
#include <atomic>
#include <charconv>
#include <chrono>
#include <algorithm>
#include <cmath>
#include <thread>
#include <cstdio>
#include <cstring>
#include <deque>
#include <ctime>
#include <map>
#include <set>
#include <stdexcept>
#include <fmt/format.h>
#include "base/text_file.h"
#include "pdf/subset.h"
#include "pdf/writer.h"

namespace paiban::pdf {

/// libharu's last error, recorded by the handler.
struct HaruError {
  HPDF_STATUS error = HPDF_OK;
  HPDF_STATUS detail = 0;
};

inline void record_error(HPDF_STATUS error, HPDF_STATUS detail, void* user_data) {
  auto* e = static_cast<HaruError*>(user_data);
  if (e->error == HPDF_OK) {
    e->error = error;
    e->detail = detail;
  }
}

/// Thrown inside this file only, caught in write_pdf.
struct HaruFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Everything one face contributes to the document.
struct FontUsage {
  std::set<unsigned> gids;                 ///< original glyph IDs used
  std::map<unsigned, std::string> text;    ///< gid → the text it stands for (first seen)
  std::vector<uint32_t> slot_of_gid;       ///< gid → 1 + its index in slot_text (0: unused)
  std::vector<const std::string*> slot_text;  ///< the text of each used glyph (null: none)
  std::vector<unsigned> slot_gid;          ///< the glyph of each slot
  std::string resource_name;               ///< "F1", "F2", …
  HPDF_Dict type0 = nullptr;
  FontSubset subset;                       ///< made by prepare_fonts
  std::set<unsigned> subset_gids;          ///< the glyphs the subset holds (a superset of gids)
};

inline void append_hex4(std::string& out, unsigned g);

/// UTF-8 as the hex digits of its UTF-16BE code units (surrogate pairs
/// outside the Basic Multilingual Plane).
inline std::string hex_utf16be(std::string_view utf8) {
  std::string out;
  for (size_t i = 0; i < utf8.size();) {
    char32_t cp = next_code_point(utf8, i);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      append_hex4(out, 0xD800 + (cp >> 10));
      append_hex4(out, 0xDC00 + (cp & 0x3FF));
    } else {
      append_hex4(out, static_cast<unsigned>(cp));
    }
  }
  return out;
}

/// Appends V as PDF writes numbers: at most DECIMALS (≤ 6) decimals, no
/// trailing zeros, "0" for what rounds to zero. Integer arithmetic: exact
/// and far cheaper than formatting a double.
inline void append_num(std::string& out, double v, int decimals = 3) {
  static constexpr long long kScale[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
  long long r = std::llround(v * kScale[decimals]);
  if (r == 0) {
    out += '0';
    return;
  }
  if (r < 0) {
    out += '-';
    r = -r;
  }
  char buf[24];
  char* end = std::to_chars(buf, buf + sizeof buf, r / kScale[decimals]).ptr;
  long long frac = r % kScale[decimals];
  if (frac) {
    *end++ = '.';
    for (int d = decimals - 1; d >= 0 && frac; --d) {
      *end++ = static_cast<char>('0' + frac / kScale[d]);
      frac %= kScale[d];
    }
  }
  out.append(buf, end);
}

/// A number as PDF writes it: at most 3 decimals, no trailing zeros.
inline std::string num(double v) {
  std::string s;
  append_num(s, v);
  return s;
}

/// Appends G as four hex digits (a 2-byte code of Identity-H).
inline void append_hex4(std::string& out, unsigned g) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const char digits[4] = {kHex[(g >> 12) & 15], kHex[(g >> 8) & 15], kHex[(g >> 4) & 15], kHex[g & 15]};
  out.append(digits, 4);
}

class Writer {
 public:
  Writer(const fonts::FontSet& fonts, DiagnosticSink& sink, const std::function<const PreparedFonts*()>& await_prepared);
  ~Writer() { HPDF_Free(pdf_); }

  std::string write(const layout::Pages& pages, const DocumentInfo& info);

 private:
  void check(HPDF_STATUS status, const char* operation);
  template <typename T>
  T checked(T object, const char* operation) {
    if (!object) check(error_.error ? error_.error : HPDF_FAILD_TO_ALLOC_MEM, operation);
    check(HPDF_OK, operation);
    return object;
  }

  void set_info(const DocumentInfo& info);

  static std::string xml_escape(const std::string& s);

  /// PDF/A-1b: version 1.4, XMP metadata matching the Info dictionary, and an
  /// sRGB OutputIntent (the text and rules are device colours).
  void write_pdfa(const DocumentInfo& info);

  static std::string read_binary(const std::string& path);

  /// /Lang, and a document /ID derived from the content (the same input
  /// gives the same ID; libharu writes none without encryption).
  void write_catalog_and_id(const DocumentInfo& info);

  /// [page /FitH top] as a direct array: libharu makes destinations indirect
  /// objects, which PDFBox (and so PDF/A validation) cannot read as /Dest.
  HPDF_Array direct_destination(const layout::Anchor& a);

  HPDF_Destination destination(const layout::Anchor& a);

  /// Links from the contents lists to their targets.
  void write_links(size_t index, const layout::Pages& pages);
  void write_highlights(size_t index, const layout::Pages& pages);

  /// Bookmarks mirroring the heading tree.
  void write_outline(const layout::Pages& pages);

  /// Page labels equal to the printed numbers: 封面, I, II, …, 1, 2, …
  void write_page_labels(const layout::Pages& pages);

  void collect_font_usage(const layout::Pages& pages);

  /// The text the ToUnicode CMap gives GID of USAGE (null: none).
  static const std::string* mapped_text(const FontUsage& usage, unsigned gid);

  HPDF_Dict new_indirect_dict();

  static HPDF_STATUS append_bytes(HPDF_Stream stream, const HPDF_BYTE* data, HPDF_UINT size);

  /// libharu writes /Filter only for the filters it applies itself; a stream
  /// deflated beforehand (on a subsetting thread) says so from its write_fn,
  /// which libharu calls after the dictionary's keys.
  static HPDF_STATUS write_flate_filter(HPDF_Dict, HPDF_Stream out);

  /// Bytes that a stream object reads from where they already are (they
  /// must outlive the save): libharu would otherwise copy them into its
  /// memory stream and out again, a byte at a time.
  struct Borrowed {
    std::string_view data;
    size_t at = 0;
  };
  static HPDF_STATUS read_borrowed(HPDF_Stream stream, HPDF_BYTE* out, HPDF_UINT* size);
  static HPDF_STATUS seek_borrowed(HPDF_Stream stream, HPDF_INT pos, HPDF_WhenceMode mode);
  static HPDF_INT32 tell_borrowed(HPDF_Stream stream);
  static HPDF_UINT32 size_borrowed(HPDF_Stream stream);

  /// Makes DICT's stream read DEFLATED in place, marked /FlateDecode.
  void borrow_deflated(HPDF_Dict dict, std::string_view deflated);

  HPDF_Dict new_deflated_stream(std::string_view deflated);

  HPDF_Dict new_stream(std::string_view data, bool compress);

  void write_page(const layout::Page& page, double width, double height, const std::string& deflated);

  /// A page's content stream: boxes, then rules, then text.
  std::string page_content(const layout::Page& page) const;

  /// The value most of the first N entries of V share (the smallest of equals).
  static long long most_common(const std::vector<long long>& v, size_t n);

  static std::string color(const layout::Color& c, const char* op);

  /// A filled and/or stroked rectangle; rounded corners only on a closed frame.
  static std::string rect_ops(const layout::Rect& r);

  /// Lines of a given width and colour; dotted lines are round dots: a
  /// zero-length dash with round caps (libharu's SetDash rejects a zero
  /// dash). Consecutive rules drawn alike share one path and one stroke (the
  /// dash pattern restarts with each subpath).
  static void append_rules(std::string& out, const std::vector<layout::Rule>& rules);

  static HPDF_REAL real(double v) { return static_cast<HPDF_REAL>(v); }

  /// A glyph's advance in the 1000-unit glyph space of /W, rounded to what
  /// num() writes so that /W and TJ agree exactly.
  static double width_1000(const fonts::Face& face, unsigned gid);

  /// Takes each face's subset from the prepared ones when it holds every
  /// glyph used, and makes the rest (in parallel).
  void prepare_fonts();

  void embed_font(fonts::FaceId id, FontUsage& usage);

  /// The /W array: runs of consecutive CIDs as `c [w1 w2 …]`.
  HPDF_Array widths(const fonts::Face& face, const std::set<unsigned>& gids);

  /// A ToUnicode CMap (Adobe-Identity-UCS) from the shaping clusters.
  HPDF_Dict to_unicode(const FontUsage& usage);

  // images.cc
  /// Names the images the pages show (Im1, Im2, … in order of first use) and
  /// writes each once as an image XObject: JPEG as its own bytes (DCTDecode),
  /// PNG pixels deflated with their alpha as an SMask (flattened onto white for PDF/A).
  void embed_images(const layout::Pages& pages);

  /// The page's images: `q w 0 0 h x y cm /ImN Do Q`, turned as the EXIF orientation says.
  void append_images(std::string& out, const layout::Page& page) const;

  /// Filled and stroked polygons and polylines (charts).
  static void append_shapes(std::string& out, const layout::Page& page);

  /// Adds /XObject with the page's images to its resources.
  void add_image_resources(HPDF_Page p, const layout::Page& page);

  static HPDF_STATUS write_dct_filter(HPDF_Dict, HPDF_Stream out);

  /// MD5 (libharu's) over what the document says, for its /ID.
  struct Digest {
    HPDF_MD5_CTX ctx;
    Digest() { HPDF_MD5Init(&ctx); }
    void update(const std::string& s) {
      HPDF_MD5Update(&ctx, reinterpret_cast<const HPDF_BYTE*>(s.data()), static_cast<HPDF_UINT32>(s.size()));
    }
    void final(HPDF_BYTE out[16]) { HPDF_MD5Final(out, &ctx); }
  };

  const fonts::FontSet& fonts_;
  DiagnosticSink& sink_;
  std::function<const PreparedFonts*()> await_prepared_;
  const PreparedFonts* prepared_ = nullptr;
  Digest digest_;
  std::vector<HPDF_Page> haru_pages_;
  double sheet_width_ = 0;             ///< pt: a landscape page's content turns about it
  std::vector<bool> landscape_pages_;  ///< per page: turned (destinations show it whole)
  bool pdfa_ = false;
  HaruError error_;
  HPDF_Doc pdf_ = nullptr;
  std::map<fonts::FaceId, FontUsage> usage_;
  std::vector<std::string> deflated_pages_;  ///< read in place when libharu saves
  std::deque<std::string> owned_;            ///< other bytes read in place
  std::deque<Borrowed> borrowed_;            ///< the readers' positions (stable addresses)
  struct EmbeddedImage {
    std::string name;       ///< "Im1"
    HPDF_Dict xobject = nullptr;
  };
  std::map<const image::Image*, EmbeddedImage> images_;
};

}  // namespace paiban::pdf
