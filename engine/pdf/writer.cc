// The PDF writer.
//
// write_pdf → collect_font_usage (glyphs and their text, per face)
//           → one page per layout::Page: content stream written directly
//             (BT /Fn size Tf … TJ ET), rules through libharu's path API
//           → embed_font per used face: subset_face (hb-subset), then the
//             Type0 / CIDFont / FontDescriptor / FontFile / ToUnicode objects
//             through libharu's object layer (hpdf_objects.h)
//           → HPDF_SaveToStream → bytes
//
// libharu 2.3.0 cannot load CFF fonts and its TrueType path writes an
// invalid ToUnicode, so its font and text API is never used. Its error
// handler only records; every call is checked (libharu errors are sticky).
#include "pdf/writer.h"

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

namespace paiban::pdf {
namespace {

/// libharu's last error, recorded by the handler.
struct HaruError {
  HPDF_STATUS error = HPDF_OK;
  HPDF_STATUS detail = 0;
};

void record_error(HPDF_STATUS error, HPDF_STATUS detail, void* user_data) {
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
  std::string resource_name;               ///< "F1", "F2", …
  HPDF_Dict type0 = nullptr;
  FontSubset subset;                       ///< made by prepare_fonts
  std::set<unsigned> subset_gids;          ///< the glyphs the subset holds (a superset of gids)
};

void append_hex4(std::string& out, unsigned g);

/// UTF-8 as the hex digits of its UTF-16BE code units (surrogate pairs
/// outside the Basic Multilingual Plane).
std::string hex_utf16be(std::string_view utf8) {
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
void append_num(std::string& out, double v, int decimals = 3) {
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
std::string num(double v) {
  std::string s;
  append_num(s, v);
  return s;
}

/// Appends G as four hex digits (a 2-byte code of Identity-H).
void append_hex4(std::string& out, unsigned g) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const char digits[4] = {kHex[(g >> 12) & 15], kHex[(g >> 8) & 15], kHex[(g >> 4) & 15], kHex[g & 15]};
  out.append(digits, 4);
}

class Writer {
 public:
  Writer(const fonts::FontSet& fonts, DiagnosticSink& sink, const std::function<const PreparedFonts*()>& await_prepared)
      : fonts_(fonts), sink_(sink), await_prepared_(await_prepared) {
    pdf_ = HPDF_New(record_error, &error_);
    if (!pdf_) throw HaruFailure("HPDF_New");
    // Page contents are deflated here, in parallel, and flagged through
    // write_fn; other streams ask libharu for FlateDecode one by one.
    check(HPDF_SetCompressionMode(pdf_, HPDF_COMP_NONE), "HPDF_SetCompressionMode");
  }
  ~Writer() { HPDF_Free(pdf_); }

  std::string write(const layout::Pages& pages, const DocumentInfo& info) {
    pdfa_ = info.pdfa;
    set_info(info);
    collect_font_usage(pages);
    for (auto& [face, usage] : usage_) usage.type0 = new_indirect_dict();
    // Each page's content stream is made and deflated on its own (in
    // parallel); the objects are then added in page order.
    std::vector<std::string>& deflated = deflated_pages_;
    deflated.assign(pages.pages.size(), {});
    {
      std::atomic<size_t> next{0};
      auto worker = [&] {
        for (size_t i; (i = next++) < pages.pages.size();) {
          deflated[i] = deflate(page_content(pages.pages[i]));
        }
      };
      unsigned threads = std::min<unsigned>(std::max(1u, std::thread::hardware_concurrency()), pages.pages.size());
      std::vector<std::thread> pool;
      for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
      worker();
      for (auto& t : pool) t.join();
    }
    for (size_t i = 0; i < pages.pages.size(); ++i) {
      write_page(pages.pages[i], pages.width, pages.height, deflated[i]);
      digest_.update(deflated[i]);  // deflate is deterministic: the same contents, the same bytes
    }
    for (size_t i = 0; i < pages.pages.size(); ++i) write_links(i, pages);
    write_outline(pages);
    write_page_labels(pages);
    prepare_fonts();
    for (auto& [face, usage] : usage_) embed_font(face, usage);
    write_catalog_and_id(info);
    if (info.pdfa) write_pdfa(info);
    auto t0 = std::chrono::steady_clock::now();
    // libharu saves into the document's stream; made a callback writer
    // beforehand, that stream appends straight to BYTES instead of filling
    // a memory stream to be read back (two byte-by-byte copies fewer).
    std::string bytes;
    bytes.reserve(1 << 20);
    pdf_->stream = checked(HPDF_CallbackWriter_New(pdf_->mmgr, append_bytes, &bytes), "HPDF_CallbackWriter_New");
    check(HPDF_SaveToStream(pdf_), "HPDF_SaveToStream");
    if (std::getenv("PAIBAN_TIMINGS"))
      std::fprintf(stderr, "paiban:   libharu save %.2f ms\n",
                   std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    return bytes;
  }

 private:
  void check(HPDF_STATUS status, const char* operation) {
    if (status == HPDF_OK && error_.error == HPDF_OK) return;
    // HPDF_ReadFromStream reports end of stream after a complete read.
    if (error_.error == HPDF_STREAM_EOF || status == HPDF_STREAM_EOF) {
      HPDF_ResetError(pdf_);
      error_ = {};
      return;
    }
    throw HaruFailure(fmt::format("{} failed (libharu error 0x{:04X}, detail {})", operation,
                                  static_cast<unsigned>(error_.error ? error_.error : status),
                                  static_cast<unsigned>(error_.detail)));
  }
  template <typename T>
  T checked(T object, const char* operation) {
    if (!object) check(error_.error ? error_.error : HPDF_FAILD_TO_ALLOC_MEM, operation);
    check(HPDF_OK, operation);
    return object;
  }

  void set_info(const DocumentInfo& info) {
    check(HPDF_UseUTFEncodings(pdf_), "HPDF_UseUTFEncodings");
    check(HPDF_SetCurrentEncoder(pdf_, "UTF-8"), "HPDF_SetCurrentEncoder");
    if (!info.title.empty()) check(HPDF_SetInfoAttr(pdf_, HPDF_INFO_TITLE, info.title.c_str()), "HPDF_SetInfoAttr(Title)");
    if (!info.author.empty()) check(HPDF_SetInfoAttr(pdf_, HPDF_INFO_AUTHOR, info.author.c_str()), "HPDF_SetInfoAttr(Author)");
    check(HPDF_SetInfoAttr(pdf_, HPDF_INFO_CREATOR, info.creator.c_str()), "HPDF_SetInfoAttr(Creator)");
    check(HPDF_SetInfoAttr(pdf_, HPDF_INFO_PRODUCER, info.creator.c_str()), "HPDF_SetInfoAttr(Producer)");
    if (!info.subject.empty()) check(HPDF_SetInfoAttr(pdf_, HPDF_INFO_SUBJECT, info.subject.c_str()), "HPDF_SetInfoAttr(Subject)");
    if (!info.keywords.empty()) check(HPDF_SetInfoAttr(pdf_, HPDF_INFO_KEYWORDS, info.keywords.c_str()), "HPDF_SetInfoAttr(Keywords)");
    if (info.creation_time >= 0) {
      time_t t = static_cast<time_t>(info.creation_time);
      struct tm utc;
      gmtime_r(&t, &utc);
      HPDF_Date d{utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, 'Z', 0, 0};
      check(HPDF_SetInfoDateAttr(pdf_, HPDF_INFO_CREATION_DATE, d), "HPDF_SetInfoDateAttr(CreationDate)");
      check(HPDF_SetInfoDateAttr(pdf_, HPDF_INFO_MOD_DATE, d), "HPDF_SetInfoDateAttr(ModDate)");
    }
    digest_.update(info.title + "\n" + info.author + "\n" + info.subject + "\n" + std::to_string(info.creation_time));
  }

  static std::string xml_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default: out += c;
      }
    }
    return out;
  }

  /// PDF/A-1b: version 1.4, XMP metadata matching the Info dictionary, and an
  /// sRGB OutputIntent (the text and rules are device colours).
  void write_pdfa(const DocumentInfo& info) {
    pdf_->pdf_version = HPDF_VER_14;
    std::string date;
    if (info.creation_time >= 0) {
      time_t t = static_cast<time_t>(info.creation_time);
      struct tm utc;
      gmtime_r(&t, &utc);
      char buf[32];
      std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
      date = buf;
    }
    std::string xmp = "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                      "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                      "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                      "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
                      "<pdfaid:part>1</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n</rdf:Description>\n";
    xmp += "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<dc:format>application/pdf</dc:format>\n";
    if (!info.title.empty())
      xmp += "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" + xml_escape(info.title) + "</rdf:li></rdf:Alt></dc:title>\n";
    if (!info.author.empty())
      xmp += "<dc:creator><rdf:Seq><rdf:li>" + xml_escape(info.author) + "</rdf:li></rdf:Seq></dc:creator>\n";
    if (!info.subject.empty())
      xmp += "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">" + xml_escape(info.subject) +
             "</rdf:li></rdf:Alt></dc:description>\n";
    xmp += "</rdf:Description>\n";
    xmp += "<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n<pdf:Producer>" +
           xml_escape(info.creator) + "</pdf:Producer>\n";
    if (!info.keywords.empty()) xmp += "<pdf:Keywords>" + xml_escape(info.keywords) + "</pdf:Keywords>\n";
    xmp += "</rdf:Description>\n";
    xmp += "<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n<xmp:CreatorTool>" +
           xml_escape(info.creator) + "</xmp:CreatorTool>\n";
    if (!date.empty()) xmp += "<xmp:CreateDate>" + date + "</xmp:CreateDate>\n<xmp:ModifyDate>" + date + "</xmp:ModifyDate>\n";
    xmp += "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>";
    HPDF_Dict metadata = new_stream(xmp, false);
    check(HPDF_Dict_AddName(metadata, "Type", "Metadata"), "/Metadata");
    check(HPDF_Dict_AddName(metadata, "Subtype", "XML"), "/Metadata");
    check(HPDF_Dict_Add(pdf_->catalog, "Metadata", metadata), "/Metadata");

    std::string icc = read_binary(info.icc_profile);
    if (icc.empty()) throw HaruFailure(fmt::format("cannot read the sRGB profile {} (apt-get install icc-profiles-free)", info.icc_profile));
    HPDF_Dict profile = new_stream(icc, true);
    check(HPDF_Dict_AddNumber(profile, "N", 3), "ICC profile");
    HPDF_Dict intent = new_indirect_dict();
    check(HPDF_Dict_AddName(intent, "Type", "OutputIntent"), "/OutputIntent");
    check(HPDF_Dict_AddName(intent, "S", "GTS_PDFA1"), "/OutputIntent");
    check(HPDF_Dict_Add(intent, "OutputConditionIdentifier", HPDF_String_New(pdf_->mmgr, "sRGB IEC61966-2.1", nullptr)), "/OutputIntent");
    check(HPDF_Dict_Add(intent, "Info", HPDF_String_New(pdf_->mmgr, "sRGB IEC61966-2.1", nullptr)), "/OutputIntent");
    check(HPDF_Dict_Add(intent, "DestOutputProfile", profile), "/OutputIntent");
    HPDF_Array intents = checked(HPDF_Array_New(pdf_->mmgr), "HPDF_Array_New");
    check(HPDF_Array_Add(intents, intent), "/OutputIntents");
    check(HPDF_Dict_Add(pdf_->catalog, "OutputIntents", intents), "/OutputIntents");
  }

  static std::string read_binary(const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return {};
    std::string out;
    char buf[65536];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
    std::fclose(f);
    return out;
  }

  /// /Lang, and a document /ID derived from the content (the same input
  /// gives the same ID; libharu writes none without encryption).
  void write_catalog_and_id(const DocumentInfo& info) {
    check(HPDF_Dict_Add(pdf_->catalog, "Lang", HPDF_String_New(pdf_->mmgr, info.language.c_str(), nullptr)), "/Lang");
    HPDF_BYTE id[16];
    digest_.final(id);
    HPDF_Array ids = checked(HPDF_Array_New(pdf_->mmgr), "HPDF_Array_New");
    check(HPDF_Array_Add(ids, HPDF_Binary_New(pdf_->mmgr, id, 16)), "/ID");
    check(HPDF_Array_Add(ids, HPDF_Binary_New(pdf_->mmgr, id, 16)), "/ID");
    check(HPDF_Dict_Add(pdf_->trailer, "ID", ids), "/ID");
  }

  /// [page /FitH top] as a direct array: libharu makes destinations indirect
  /// objects, which PDFBox (and so PDF/A validation) cannot read as /Dest.
  HPDF_Array direct_destination(const layout::Anchor& a) {
    HPDF_Array d = checked(HPDF_Array_New(pdf_->mmgr), "HPDF_Array_New");
    check(HPDF_Array_Add(d, haru_pages_[a.page]), "/Dest");
    check(HPDF_Array_AddName(d, "FitH"), "/Dest");
    check(HPDF_Array_AddReal(d, real(a.y + 12)), "/Dest");
    return d;
  }

  HPDF_Destination destination(const layout::Anchor& a) {
    HPDF_Destination d = checked(HPDF_Page_CreateDestination(haru_pages_[a.page]), "HPDF_Page_CreateDestination");
    check(HPDF_Destination_SetFitH(d, real(a.y + 12)), "HPDF_Destination_SetFitH");
    return d;
  }

  /// Links from the contents lists to their targets.
  void write_links(size_t index, const layout::Pages& pages) {
    for (const auto& link : pages.pages[index].links) {
      auto it = pages.anchors.find(link.target);
      if (it == pages.anchors.end()) continue;
      HPDF_Rect rect{real(link.x0), real(link.y0), real(link.x1), real(link.y1)};
      HPDF_Annotation a = checked(HPDF_Page_CreateLinkAnnot(haru_pages_[index], rect, destination(it->second)),
                                  "HPDF_Page_CreateLinkAnnot");
      check(HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0), "HPDF_LinkAnnot_SetBorderStyle");
      check(HPDF_Dict_Add(a, "Dest", direct_destination(it->second)), "annotation /Dest");
      check(HPDF_Dict_AddNumber(a, "F", 4), "annotation /F");  // Print (PDF/A wants it)
    }
  }

  /// Bookmarks mirroring the heading tree.
  void write_outline(const layout::Pages& pages) {
    std::vector<HPDF_Outline> parents{nullptr};  // parents[level - 1]
    HPDF_Encoder utf8 = HPDF_GetEncoder(pdf_, "UTF-8");
    for (const auto& id : pages.outline) {
      const layout::Anchor& a = pages.anchors.at(id);
      int level = std::max(1, a.level);
      parents.resize(std::min<size_t>(parents.size(), level));
      while (static_cast<int>(parents.size()) < level) parents.push_back(parents.back());
      HPDF_Outline parent = parents[level - 1];  // nullptr: the outline root
      HPDF_Outline o = checked(HPDF_CreateOutline(pdf_, parent, a.title.c_str(), utf8), "HPDF_CreateOutline");
      check(HPDF_Outline_SetOpened(o, level == 1 ? HPDF_TRUE : HPDF_FALSE), "HPDF_Outline_SetOpened");
      check(HPDF_Dict_Add(o, "Dest", direct_destination(a)), "outline /Dest");
      parents.resize(level);
      parents.push_back(o);
    }
    if (!pages.outline.empty()) check(HPDF_SetPageMode(pdf_, HPDF_PAGE_MODE_USE_OUTLINE), "HPDF_SetPageMode");
  }

  /// Page labels equal to the printed numbers: 封面, I, II, …, 1, 2, …
  void write_page_labels(const layout::Pages& pages) {
    HPDF_Array nums = checked(HPDF_Array_New(pdf_->mmgr), "HPDF_Array_New");
    layout::NumberStyle previous = layout::NumberStyle::Arabic;
    int expected = -1;
    for (size_t i = 0; i < pages.pages.size(); ++i) {
      const layout::Page& p = pages.pages[i];
      if (i > 0 && p.style == previous && p.number == expected) {
        ++expected;
        continue;
      }
      HPDF_Dict label = checked(HPDF_Dict_New(pdf_->mmgr), "HPDF_Dict_New");
      if (p.style == layout::NumberStyle::None) {
        check(HPDF_Dict_Add(label, "P", HPDF_String_New(pdf_->mmgr, "封面", HPDF_GetEncoder(pdf_, "UTF-8"))), "/P");
      } else {
        check(HPDF_Dict_AddName(label, "S", p.style == layout::NumberStyle::Roman ? "R" : "D"), "/S");
        if (p.number != 1) check(HPDF_Dict_AddNumber(label, "St", p.number), "/St");
      }
      check(HPDF_Array_AddNumber(nums, static_cast<HPDF_INT32>(i)), "/Nums");
      check(HPDF_Array_Add(nums, label), "/Nums");
      previous = p.style;
      expected = p.number + 1;
    }
    HPDF_Dict labels = checked(HPDF_Dict_New(pdf_->mmgr), "HPDF_Dict_New");
    check(HPDF_Dict_Add(labels, "Nums", nums), "/PageLabels");
    check(HPDF_Dict_Add(pdf_->catalog, "PageLabels", labels), "/PageLabels");
  }

  void collect_font_usage(const layout::Pages& pages) {
    // A slot per glyph used, found through a table indexed by glyph ID and
    // sized to the largest ID seen (a page holds thousands of glyphs; a
    // table as large as a CJK font's 65,535 glyphs would cost more in fresh
    // memory than the lookups it saves).
    for (const auto& page : pages.pages)
      for (const auto& run : page.runs) {
        FontUsage& u = usage_[fonts_.face(run.face).base];
        for (const auto& g : run.glyphs) {
          if (g.gid >= u.slot_of_gid.size()) u.slot_of_gid.resize(std::max<size_t>(g.gid + 1, 2 * u.slot_of_gid.size()), 0);
          uint32_t& slot = u.slot_of_gid[g.gid];
          if (!slot) {
            u.slot_text.push_back(nullptr);
            slot = static_cast<uint32_t>(u.slot_text.size());
          }
          const std::string*& text = u.slot_text[slot - 1];
          if (!text && !g.text.empty()) text = &g.text;  // the first text seen
        }
      }
    int n = 0;
    for (auto& [face, u] : usage_) {
      u.resource_name = fmt::format("F{}", ++n);
      for (unsigned g = 0; g < u.slot_of_gid.size(); ++g) {
        if (!u.slot_of_gid[g]) continue;
        u.gids.insert(u.gids.end(), g);
        if (const std::string* text = u.slot_text[u.slot_of_gid[g] - 1]) u.text.emplace_hint(u.text.end(), g, *text);
      }
    }
  }

  /// The text the ToUnicode CMap gives GID of USAGE (null: none).
  static const std::string* mapped_text(const FontUsage& usage, unsigned gid) {
    uint32_t slot = gid < usage.slot_of_gid.size() ? usage.slot_of_gid[gid] : 0;
    return slot ? usage.slot_text[slot - 1] : nullptr;
  }

  HPDF_Dict new_indirect_dict() {
    HPDF_Dict d = checked(HPDF_Dict_New(pdf_->mmgr), "HPDF_Dict_New");
    check(HPDF_Xref_Add(pdf_->xref, d), "HPDF_Xref_Add");
    return d;
  }

  static HPDF_STATUS append_bytes(HPDF_Stream stream, const HPDF_BYTE* data, HPDF_UINT size) {
    static_cast<std::string*>(stream->attr)->append(reinterpret_cast<const char*>(data), size);
    return HPDF_OK;
  }

  /// libharu writes /Filter only for the filters it applies itself; a stream
  /// deflated beforehand (on a subsetting thread) says so from its write_fn,
  /// which libharu calls after the dictionary's keys.
  static HPDF_STATUS write_flate_filter(HPDF_Dict, HPDF_Stream out) {
    return HPDF_Stream_WriteStr(out, "/Filter /FlateDecode\012");
  }

  /// Bytes that a stream object reads from where they already are (they
  /// must outlive the save): libharu would otherwise copy them into its
  /// memory stream and out again, a byte at a time.
  struct Borrowed {
    std::string_view data;
    size_t at = 0;
  };
  static HPDF_STATUS read_borrowed(HPDF_Stream stream, HPDF_BYTE* out, HPDF_UINT* size) {
    auto* b = static_cast<Borrowed*>(stream->attr);
    size_t n = std::min<size_t>(*size, b->data.size() - b->at);
    std::memcpy(out, b->data.data() + b->at, n);
    b->at += n;
    const bool end = n < *size;
    *size = static_cast<HPDF_UINT>(n);
    return end ? HPDF_STREAM_EOF : HPDF_OK;
  }
  static HPDF_STATUS seek_borrowed(HPDF_Stream stream, HPDF_INT pos, HPDF_WhenceMode mode) {
    auto* b = static_cast<Borrowed*>(stream->attr);
    long long to = mode == HPDF_SEEK_SET ? pos : mode == HPDF_SEEK_CUR ? static_cast<long long>(b->at) + pos
                                                                        : static_cast<long long>(b->data.size()) - pos;
    if (to < 0 || to > static_cast<long long>(b->data.size())) return HPDF_STREAM_EOF;
    b->at = static_cast<size_t>(to);
    return HPDF_OK;
  }
  static HPDF_INT32 tell_borrowed(HPDF_Stream stream) {
    return static_cast<HPDF_INT32>(static_cast<Borrowed*>(stream->attr)->at);
  }
  static HPDF_UINT32 size_borrowed(HPDF_Stream stream) {
    return static_cast<HPDF_UINT32>(static_cast<Borrowed*>(stream->attr)->data.size());
  }

  /// Makes DICT's stream read DEFLATED in place, marked /FlateDecode.
  void borrow_deflated(HPDF_Dict dict, std::string_view deflated) {
    if (deflated.empty()) throw HaruFailure("deflate failed on a stream");
    borrowed_.push_back({deflated, 0});
    HPDF_Stream reader = checked(HPDF_CallbackReader_New(pdf_->mmgr, read_borrowed, seek_borrowed, tell_borrowed,
                                                         size_borrowed, &borrowed_.back()),
                                 "HPDF_CallbackReader_New");
    HPDF_Stream_Free(dict->stream);
    dict->stream = reader;
    dict->filter = HPDF_STREAM_FILTER_NONE;
    dict->write_fn = write_flate_filter;
  }

  HPDF_Dict new_deflated_stream(std::string_view deflated) {
    HPDF_Dict s = checked(HPDF_DictStream_New(pdf_->mmgr, pdf_->xref), "HPDF_DictStream_New");
    borrow_deflated(s, deflated);
    return s;
  }

  HPDF_Dict new_stream(std::string_view data, bool compress) {
    HPDF_Dict s = checked(HPDF_DictStream_New(pdf_->mmgr, pdf_->xref), "HPDF_DictStream_New");
    if (compress) s->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    check(HPDF_Stream_Write(s->stream, reinterpret_cast<const HPDF_BYTE*>(data.data()),
                            static_cast<HPDF_UINT>(data.size())),
          "HPDF_Stream_Write");
    return s;
  }

  void write_page(const layout::Page& page, double width, double height, const std::string& deflated) {
    HPDF_Page p = checked(HPDF_AddPage(pdf_), "HPDF_AddPage");
    haru_pages_.push_back(p);
    check(HPDF_Page_SetWidth(p, static_cast<HPDF_REAL>(width)), "HPDF_Page_SetWidth");
    check(HPDF_Page_SetHeight(p, static_cast<HPDF_REAL>(height)), "HPDF_Page_SetHeight");

    // Fonts used on this page go into its /Resources /Font dictionary.
    auto* attr = static_cast<HPDF_PageAttr>(p->attr);
    std::set<fonts::FaceId> used;
    for (const auto& run : page.runs) used.insert(fonts_.face(run.face).base);
    if (!used.empty()) {
      HPDF_Dict resources = checked(static_cast<HPDF_Dict>(HPDF_Dict_GetItem(p, "Resources", HPDF_OCLASS_DICT)),
                                    "HPDF_Page resources");
      HPDF_Dict font_dict = checked(HPDF_Dict_New(pdf_->mmgr), "HPDF_Dict_New");
      check(HPDF_Dict_Add(resources, "Font", font_dict), "HPDF_Dict_Add(Font)");
      attr->fonts = font_dict;
      for (fonts::FaceId f : used)
        check(HPDF_Dict_Add(font_dict, usage_[f].resource_name.c_str(), usage_[f].type0), "HPDF_Dict_Add(font)");
    }
    borrow_deflated(attr->contents, deflated);
    attr->stream = attr->contents->stream;
  }

  /// A page's content stream: boxes, then rules, then text.
  std::string page_content(const layout::Page& page) const {
    std::string content;
    content.reserve(4096 + 64 * (page.rects.size() + page.rules.size() + page.runs.size()));
    for (const auto& rect : page.rects) content += rect_ops(rect);
    append_rules(content, page.rules);
    // Text state (font, size, character spacing) carries over from one
    // BT/ET to the next: it is written only when it changes.
    const FontUsage* font = nullptr;
    double size = 0, spacing = 0;
    std::vector<long long> extra;  // per glyph: advance beyond the /W width, in millionths of a point
    for (const auto& run : page.runs) {
      const fonts::Face& face = fonts_.face(run.face);
      const FontUsage& usage = usage_.at(face.base);
      content += "BT\n";
      if (font != &usage || size != run.size) {
        content += '/';
        content += usage.resource_name;
        content += ' ';
        append_num(content, run.size);
        content += " Tf\n";
        font = &usage;
        size = run.size;
      }
      // BT starts from the identity matrix: a move places the run, except
      // for synthetic oblique, a text matrix skewed by 12° (tan 12° = 0.2126).
      if (face.synthetic_oblique) content += "1 0 0.2126 1 ";
      append_num(content, run.x);
      content += ' ';
      append_num(content, run.y);
      content += face.synthetic_oblique ? " Tm\n" : " Td\n";
      // Synthetic bold: fill and stroke the outlines (text render mode 2).
      if (face.synthetic_bold) {
        content += "2 Tr ";
        append_num(content, run.size * 0.03);
        content += " w\n";
      }
      // Each glyph moves from its /W width to the advance layout chose
      // (HarfBuzz's advance plus justification). The extra most glyphs of
      // the run share (a justified line's even spacing) becomes the
      // character spacing Tc; TJ carries only the exceptions. The last
      // glyph's advance places nothing.
      const size_t n = run.glyphs.size();
      extra.assign(n, 0);
      for (size_t i = 0; i + 1 < n; ++i) {
        const auto& g = run.glyphs[i];
        double natural = width_1000(face, g.gid) * run.size / 1000.0;
        extra[i] = std::llround((g.advance - natural) * 1e6);
      }
      long long common = 0;
      if (n > 2) {
        common = most_common(extra, n - 1);
        // Keeping the spacing in force costs nothing when it fits as many glyphs.
        long long current = std::llround(spacing * 1e6);
        auto last = extra.begin() + static_cast<std::ptrdiff_t>(n - 1);
        if (common != current && std::count(extra.begin(), last, current) >= std::count(extra.begin(), last, common))
          common = current;
      }
      // Differences below what TJ can express (the /W widths are rounded) are no spacing.
      if (std::llround(static_cast<double>(common) / 1e6 * 1000.0 / run.size * 1000.0) == 0) common = 0;
      if (common != std::llround(spacing * 1e6)) {
        spacing = static_cast<double>(common) / 1e6;
        append_num(content, spacing, 6);
        content += " Tc\n";
      }
      content += '[';
      bool in_string = false;
      auto open = [&] {
        if (!in_string) content += '<';
        in_string = true;
      };
      auto close = [&] {
        if (in_string) content += '>';
        in_string = false;
      };
      for (size_t i = 0; i < n; ++i) {
        const auto& g = run.glyphs[i];
        // A glyph that several code points share reads back as the one
        // ToUnicode names; where it stands for another, /ActualText says which.
        const std::string* mapped = mapped_text(usage, g.gid);
        if (!g.text.empty() && mapped && *mapped != g.text) {
          close();
          content += "] TJ\n/Span <</ActualText <FEFF";
          content += hex_utf16be(g.text);
          content += ">>> BDC\n[<";
          append_hex4(content, g.gid);
          content += ">] TJ\nEMC\n[";
        } else {
          open();
          append_hex4(content, g.gid);
        }
        // TJ's numbers are thousandths of the font size; positive moves left.
        double tj = -static_cast<double>(extra[i] - common) / 1e6 * 1000.0 / run.size;
        if (i + 1 < n && std::llround(tj * 1000.0) != 0) {
          close();
          append_num(content, tj);
        }
      }
      close();
      content += "] TJ\n";
      if (face.synthetic_bold) content += "0 Tr\n";
      content += "ET\n";
    }
    return content;
  }

  /// The value most of the first N entries of V share (the smallest of equals).
  static long long most_common(const std::vector<long long>& v, size_t n) {
    std::vector<long long> sorted(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n));
    std::sort(sorted.begin(), sorted.end());
    long long best = 0;
    size_t best_count = 0;
    for (size_t i = 0; i < sorted.size();) {
      size_t j = i;
      while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
      if (j - i > best_count) {
        best_count = j - i;
        best = sorted[i];
      }
      i = j;
    }
    return best_count >= 2 ? best : 0;
  }

  static std::string color(const layout::Color& c, const char* op) {
    return fmt::format("{} {} {} {}\n", num(c.r), num(c.g), num(c.b), op);
  }

  /// A filled and/or stroked rectangle; rounded corners only on a closed frame.
  static std::string rect_ops(const layout::Rect& r) {
    const bool closed = r.top && r.bottom && r.left && r.right;
    std::string path;
    if (closed && r.radius > 0) {
      // Four arcs approximated by Bézier curves (kappa = 0.5523).
      const double k = 0.5523 * r.radius, x0 = r.x, y0 = r.y, x1 = r.x + r.w, y1 = r.y + r.h, rd = r.radius;
      path = fmt::format("{} {} m\n{} {} l\n{} {} {} {} {} {} c\n", num(x0 + rd), num(y0), num(x1 - rd), num(y0),
                         num(x1 - rd + k), num(y0), num(x1), num(y0 + rd - k), num(x1), num(y0 + rd));
      path += fmt::format("{} {} l\n{} {} {} {} {} {} c\n", num(x1), num(y1 - rd), num(x1), num(y1 - rd + k),
                          num(x1 - rd + k), num(y1), num(x1 - rd), num(y1));
      path += fmt::format("{} {} l\n{} {} {} {} {} {} c\n", num(x0 + rd), num(y1), num(x0 + rd - k), num(y1), num(x0),
                          num(y1 - rd + k), num(x0), num(y1 - rd));
      path += fmt::format("{} {} l\n{} {} {} {} {} {} c\nh\n", num(x0), num(y0 + rd), num(x0), num(y0 + rd - k),
                          num(x0 + rd - k), num(y0), num(x0 + rd), num(y0));
    } else {
      path = fmt::format("{} {} {} {} re\n", num(r.x), num(r.y), num(r.w), num(r.h));
    }
    std::string ops = "q\n";
    if (r.fill) ops += color(r.fill_color, "rg") + path + "f\n";
    if (r.stroke_width > 0) {
      ops += fmt::format("{} w\n", num(r.stroke_width)) + color(r.stroke_color, "RG");
      if (closed) {
        ops += path;
      } else {
        auto side = [&](bool on, double x0, double y0, double x1, double y1) {
          if (on) ops += fmt::format("{} {} m\n{} {} l\n", num(x0), num(y0), num(x1), num(y1));
        };
        side(r.bottom, r.x, r.y, r.x + r.w, r.y);
        side(r.right, r.x + r.w, r.y, r.x + r.w, r.y + r.h);
        side(r.top, r.x, r.y + r.h, r.x + r.w, r.y + r.h);
        side(r.left, r.x, r.y, r.x, r.y + r.h);
      }
      ops += "S\n";
    }
    return ops + "Q\n";
  }

  /// Lines of a given width and colour; dotted lines are round dots: a
  /// zero-length dash with round caps (libharu's SetDash rejects a zero
  /// dash). Consecutive rules drawn alike share one path and one stroke (the
  /// dash pattern restarts with each subpath).
  static void append_rules(std::string& out, const std::vector<layout::Rule>& rules) {
    for (size_t i = 0; i < rules.size();) {
      const layout::Rule& r = rules[i];
      out += "q\n";
      append_num(out, r.width);
      out += " w\n";
      if (!(r.color == layout::Color{})) out += color(r.color, "RG");
      if (r.dot_pitch > 0) {
        out += "1 J\n[0 ";
        append_num(out, r.dot_pitch);
        out += "] 0 d\n";
      }
      size_t j = i;
      for (; j < rules.size() && rules[j].width == r.width && rules[j].color == r.color &&
             rules[j].dot_pitch == r.dot_pitch;
           ++j) {
        const layout::Rule& s = rules[j];
        append_num(out, s.x0);
        out += ' ';
        append_num(out, s.y0);
        out += " m\n";
        append_num(out, s.x1);
        out += ' ';
        append_num(out, s.y1);
        out += " l\n";
      }
      out += "S\nQ\n";
      i = j;
    }
  }

  static HPDF_REAL real(double v) { return static_cast<HPDF_REAL>(v); }

  /// A glyph's advance in the 1000-unit glyph space of /W, rounded to what
  /// num() writes so that /W and TJ agree exactly.
  static double width_1000(const fonts::Face& face, unsigned gid) {
    double w = hb_font_get_glyph_h_advance(face.hb_font, gid) * 1000.0 / face.metrics.units_per_em;
    return std::round(w * 1000.0) / 1000.0;
  }

  /// Takes each face's subset from the prepared ones when it holds every
  /// glyph used, and makes the rest (in parallel).
  void prepare_fonts() {
    prepared_ = await_prepared_ ? await_prepared_() : nullptr;
    layout::GlyphSets missing;
    for (auto& [face, usage] : usage_) {
      bool covered = false;
      if (prepared_ && prepared_->subsets.count(face)) {
        const auto& have = prepared_->glyphs.at(face);
        covered = std::includes(have.begin(), have.end(), usage.gids.begin(), usage.gids.end());
        if (covered) {
          usage.subset = prepared_->subsets.at(face);
          usage.subset_gids = have;
        }
      }
      if (!covered) missing[face] = usage.gids;
    }
    PreparedFonts made = subset_fonts(missing, fonts_);
    for (auto& [face, subset] : made.subsets) {
      usage_[face].subset = std::move(subset);
      usage_[face].subset_gids = usage_[face].gids;
    }
  }

  void embed_font(fonts::FaceId id, FontUsage& usage) {
    const fonts::Face& face = fonts_.face(id);
    const FontSubset& subset = usage.subset;
    if (subset.program.empty()) throw HaruFailure(fmt::format("hb-subset failed for {}", face.path));
    const std::string base_font = subset.tag + "+" + face.postscript_name;
    const double k = 1000.0 / face.metrics.units_per_em;

    HPDF_Dict type0 = usage.type0;
    check(HPDF_Dict_AddName(type0, "Type", "Font"), "Type0");
    check(HPDF_Dict_AddName(type0, "Subtype", "Type0"), "Type0");
    check(HPDF_Dict_AddName(type0, "BaseFont", base_font.c_str()), "Type0");
    check(HPDF_Dict_AddName(type0, "Encoding", "Identity-H"), "Type0");

    HPDF_Dict cid = new_indirect_dict();
    HPDF_Array descendants = checked(HPDF_Array_New(pdf_->mmgr), "HPDF_Array_New");
    check(HPDF_Array_Add(descendants, cid), "HPDF_Array_Add");
    check(HPDF_Dict_Add(type0, "DescendantFonts", descendants), "Type0");
    check(HPDF_Dict_Add(type0, "ToUnicode", to_unicode(usage)), "ToUnicode");

    check(HPDF_Dict_AddName(cid, "Type", "Font"), "CIDFont");
    check(HPDF_Dict_AddName(cid, "Subtype", subset.cff ? "CIDFontType0" : "CIDFontType2"), "CIDFont");
    check(HPDF_Dict_AddName(cid, "BaseFont", base_font.c_str()), "CIDFont");
    HPDF_Dict system_info = checked(HPDF_Dict_New(pdf_->mmgr), "HPDF_Dict_New");
    check(HPDF_Dict_Add(system_info, "Registry", HPDF_String_New(pdf_->mmgr, "Adobe", nullptr)), "CIDSystemInfo");
    check(HPDF_Dict_Add(system_info, "Ordering", HPDF_String_New(pdf_->mmgr, "Identity", nullptr)), "CIDSystemInfo");
    check(HPDF_Dict_AddNumber(system_info, "Supplement", 0), "CIDSystemInfo");
    check(HPDF_Dict_Add(cid, "CIDSystemInfo", system_info), "CIDFont");
    check(HPDF_Dict_Add(cid, "W", widths(face, usage.gids)), "CIDFont /W");
    if (!subset.cff) check(HPDF_Dict_Add(cid, "CIDToGIDMap", new_deflated_stream(subset.cid_to_gid_deflated)), "CIDToGIDMap");

    HPDF_Dict descriptor = new_indirect_dict();
    check(HPDF_Dict_Add(cid, "FontDescriptor", descriptor), "CIDFont");
    const auto& m = face.metrics;
    check(HPDF_Dict_AddName(descriptor, "Type", "FontDescriptor"), "FontDescriptor");
    check(HPDF_Dict_AddName(descriptor, "FontName", base_font.c_str()), "FontDescriptor");
    // PDF 32000 9.8.2: Symbolic (bit 3) for fonts outside the standard Latin set.
    int flags = 4 | (m.fixed_pitch ? 1 : 0) | (m.serif ? 2 : 0) | (m.italic_angle != 0 ? 64 : 0);
    check(HPDF_Dict_AddNumber(descriptor, "Flags", flags), "FontDescriptor");
    HPDF_Array bbox = checked(HPDF_Array_New(pdf_->mmgr), "HPDF_Array_New");
    for (int v : m.bbox) check(HPDF_Array_AddNumber(bbox, static_cast<HPDF_INT32>(std::lround(v * k))), "FontBBox");
    check(HPDF_Dict_Add(descriptor, "FontBBox", bbox), "FontDescriptor");
    check(HPDF_Dict_AddNumber(descriptor, "ItalicAngle", m.italic_angle), "FontDescriptor");
    check(HPDF_Dict_AddNumber(descriptor, "Ascent", static_cast<HPDF_INT32>(std::lround(m.ascender * k))), "FontDescriptor");
    check(HPDF_Dict_AddNumber(descriptor, "Descent", static_cast<HPDF_INT32>(std::lround(m.descender * k))), "FontDescriptor");
    check(HPDF_Dict_AddNumber(descriptor, "CapHeight", static_cast<HPDF_INT32>(std::lround(m.cap_height * k))), "FontDescriptor");
    check(HPDF_Dict_AddNumber(descriptor, "StemV", 80), "FontDescriptor");
    if (pdfa_) {
      // PDF/A-1: a CIDSet names the CIDs the subset holds, one bit each, high bit first.
      std::string bits((*usage.subset_gids.rbegin() + 1 + 7) / 8 + 1, '\0');
      bits[0] |= static_cast<char>(0x80);  // CID 0, .notdef, is always in the subset
      for (unsigned g : usage.subset_gids) bits[g / 8] |= static_cast<char>(0x80 >> (g % 8));
      check(HPDF_Dict_Add(descriptor, "CIDSet", new_stream(bits, true)), "CIDSet");
    }
    HPDF_Dict file = new_deflated_stream(subset.program_deflated);
    if (subset.cff) {
      check(HPDF_Dict_AddName(file, "Subtype", "CIDFontType0C"), "FontFile3");
      check(HPDF_Dict_Add(descriptor, "FontFile3", file), "FontDescriptor");
    } else {
      check(HPDF_Dict_AddNumber(file, "Length1", static_cast<HPDF_INT32>(subset.program.size())), "FontFile2");
      check(HPDF_Dict_Add(descriptor, "FontFile2", file), "FontDescriptor");
    }
  }

  /// The /W array: runs of consecutive CIDs as `c [w1 w2 …]`.
  HPDF_Array widths(const fonts::Face& face, const std::set<unsigned>& gids) {
    HPDF_Array w = checked(HPDF_Array_New(pdf_->mmgr), "HPDF_Array_New");
    HPDF_Array group = nullptr;
    unsigned previous = 0;
    bool first = true;
    for (unsigned g : gids) {
      if (first || g != previous + 1) {
        check(HPDF_Array_AddNumber(w, static_cast<HPDF_INT32>(g)), "/W");
        group = checked(HPDF_Array_New(pdf_->mmgr), "HPDF_Array_New");
        check(HPDF_Array_Add(w, group), "/W");
      }
      check(HPDF_Array_AddReal(group, static_cast<HPDF_REAL>(width_1000(face, g))), "/W");
      previous = g;
      first = false;
    }
    return w;
  }

  /// A ToUnicode CMap (Adobe-Identity-UCS) from the shaping clusters.
  HPDF_Dict to_unicode(const FontUsage& usage) {
    std::string cmap =
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
    std::vector<std::pair<unsigned, std::string>> entries(usage.text.begin(), usage.text.end());
    for (size_t i = 0; i < entries.size(); i += 100) {  // at most 100 entries per block
      size_t n = std::min<size_t>(100, entries.size() - i);
      cmap += std::to_string(n) + " beginbfchar\n";
      for (size_t j = i; j < i + n; ++j) {
        cmap += '<';
        append_hex4(cmap, entries[j].first);
        cmap += "> <";
        cmap += hex_utf16be(entries[j].second);
        cmap += ">\n";
      }
      cmap += "endbfchar\n";
    }
    cmap += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
    owned_.push_back(deflate(cmap));
    return new_deflated_stream(owned_.back());
  }

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
  bool pdfa_ = false;
  HaruError error_;
  HPDF_Doc pdf_ = nullptr;
  std::map<fonts::FaceId, FontUsage> usage_;
  std::vector<std::string> deflated_pages_;  ///< read in place when libharu saves
  std::deque<std::string> owned_;            ///< other bytes read in place
  std::deque<Borrowed> borrowed_;            ///< the readers' positions (stable addresses)
};

}  // namespace

PreparedFonts subset_fonts(const layout::GlyphSets& glyphs, const fonts::FontSet& fonts, SubsetCache* cache) {
  PreparedFonts out;
  std::vector<std::pair<fonts::FaceId, const std::set<unsigned>*>> work;
  for (const auto& [face, gids] : glyphs) {
    out.glyphs[face] = gids;
    if (cache && cache->last.glyphs.count(face) && cache->last.glyphs.at(face) == gids) {
      out.subsets[face] = cache->last.subsets.at(face);
      ++cache->hits;
      continue;
    }
    work.push_back({face, &gids});
    out.subsets[face];  // the map does not change shape while the workers fill it
  }
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next++) < work.size();)
      out.subsets[work[i].first] = subset_face(fonts.face(work[i].first), *work[i].second);
  };
  unsigned threads = std::min<unsigned>(std::max(1u, std::thread::hardware_concurrency()), work.size());
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (cache) cache->last = out;
  return out;
}

std::optional<std::string> write_pdf(const layout::Pages& pages, const fonts::FontSet& fonts,
                                     const DocumentInfo& info, DiagnosticSink& sink, const PreparedFonts* prepared) {
  return write_pdf(pages, fonts, info, sink, [prepared] { return prepared; });
}

std::optional<std::string> write_pdf(const layout::Pages& pages, const fonts::FontSet& fonts,
                                     const DocumentInfo& info, DiagnosticSink& sink,
                                     const std::function<const PreparedFonts*()>& await_prepared) {
  try {
    Writer writer(fonts, sink, await_prepared);
    return writer.write(pages, info);
  } catch (const HaruFailure& e) {
    sink.error({"<pdf>", 0, 0}, fmt::format("writing the PDF: {}", e.what()));
    return std::nullopt;
  }
}

}  // namespace paiban::pdf
