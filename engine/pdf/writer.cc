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
#include <cstdlib>
#include <cstring>
#include <new>
#include <deque>
#include <ctime>
#include <map>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "base/text_file.h"
#include "pdf/subset.h"

#include "base/threads.h"
#include "pdf/writer_internal.h"

namespace paiban::pdf {
namespace {

/// libharu's allocations that failed, over the process. libharu reports a failed allocation as
/// whatever it was doing (HPDF_SetCurrentEncoder's "invalid encoding name", say), so a writer
/// tells it by this count instead.
std::atomic<unsigned> haru_failed_allocations{0};

void* haru_alloc(HPDF_UINT size) {
  void* p = std::malloc(size);
  if (p == nullptr) ++haru_failed_allocations;
  return p;
}

void haru_free(void* p) { std::free(p); }

}  // namespace

Writer::Writer(const fonts::FontSet& fonts, DiagnosticSink& sink, const std::function<const PreparedFonts*()>& await_prepared) : fonts_(fonts), sink_(sink), await_prepared_(await_prepared) {
  pdf_ = HPDF_NewEx(record_error, haru_alloc, haru_free, 0, &error_);
  if (!pdf_) throw HaruFailure("HPDF_New");
  // Page contents are deflated here, in parallel, and flagged through
  // write_fn; other streams ask libharu for FlateDecode one by one.
  check(HPDF_SetCompressionMode(pdf_, HPDF_COMP_NONE), "HPDF_SetCompressionMode");
}

std::string Writer::write(const layout::Pages& pages, const DocumentInfo& info) {
  pdfa_ = info.pdfa;
  set_info(info);
  collect_font_usage(pages);
  for (auto& [face, usage] : usage_) usage.type0 = new_indirect_dict();
  embed_images(pages);
  // Each page's content stream is made and deflated on its own (in
  // parallel); the objects are then added in page order.
  sheet_width_ = pages.width;
  landscape_pages_.clear();
  for (const auto& page : pages.pages) landscape_pages_.push_back(page.landscape);
  std::vector<std::string>& deflated = deflated_pages_;
  deflated.assign(pages.pages.size(), {});
  // (The last build's streams are only read here, from every thread; this build's are kept after.)
  PageStreamCache* kept = PageStreamCache::current();
  std::vector<std::string> contents(kept ? pages.pages.size() : 0);
  {
    std::atomic<size_t> next{0}, reused{0};
    auto worker = [&] {
      for (size_t i; (i = next++) < pages.pages.size();) {
        std::string content = page_content(pages.pages[i]);
        if (kept) {
          auto it = kept->last_.find(content);
          if (it != kept->last_.end()) {
            deflated[i] = it->second;
            ++reused;
          } else {
            deflated[i] = deflate(content);
          }
          contents[i] = std::move(content);
        } else {
          deflated[i] = deflate(content);
        }
      }
    };
    unsigned threads = std::min<unsigned>(std::max(1u, std::thread::hardware_concurrency()), pages.pages.size());
    run_on_threads(threads, worker);
    if (kept) {
      kept->hits_ += reused;
      kept->last_.clear();
      for (size_t i = 0; i < contents.size(); ++i)
        if (!deflated[i].empty()) kept->last_.emplace(std::move(contents[i]), deflated[i]);
    }
  }
  for (size_t i = 0; i < pages.pages.size(); ++i) {
    write_page(pages.pages[i], pages.width, pages.height, deflated[i]);
    digest_.update(deflated[i]);  // deflate is deterministic: the same contents, the same bytes
  }
  for (size_t i = 0; i < pages.pages.size(); ++i) write_links(i, pages);
  for (size_t i = 0; i < pages.pages.size(); ++i) write_highlights(i, pages);
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
  size_t image_bytes = 0;
  for (const auto& [img, e] : images_) image_bytes += img->bytes.size();
  bytes.reserve((1 << 20) + image_bytes);
  pdf_->stream = checked(HPDF_CallbackWriter_New(pdf_->mmgr, append_bytes, &bytes), "HPDF_CallbackWriter_New");
  check(HPDF_SaveToStream(pdf_), "HPDF_SaveToStream");
  if (std::getenv("PAIBAN_TIMINGS"))
    std::fprintf(stderr, "paiban:   libharu save %.2f ms\n",
                 std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  return bytes;
}

void Writer::check(HPDF_STATUS status, const char* operation) {
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

HPDF_Dict Writer::new_indirect_dict() {
  HPDF_Dict d = checked(HPDF_Dict_New(pdf_->mmgr), "HPDF_Dict_New");
  check(HPDF_Xref_Add(pdf_->xref, d), "HPDF_Xref_Add");
  return d;
}

HPDF_STATUS Writer::append_bytes(HPDF_Stream stream, const HPDF_BYTE* data, HPDF_UINT size) {
  static_cast<std::string*>(stream->attr)->append(reinterpret_cast<const char*>(data), size);
  return HPDF_OK;
}

/// libharu writes /Filter only for the filters it applies itself; a stream
/// deflated beforehand (on a subsetting thread) says so from its write_fn,
/// which libharu calls after the dictionary's keys.
HPDF_STATUS Writer::write_flate_filter(HPDF_Dict, HPDF_Stream out) {
  return HPDF_Stream_WriteStr(out, "/Filter /FlateDecode\012");
}

HPDF_STATUS Writer::read_borrowed(HPDF_Stream stream, HPDF_BYTE* out, HPDF_UINT* size) {
  auto* b = static_cast<Borrowed*>(stream->attr);
  size_t n = std::min<size_t>(*size, b->data.size() - b->at);
  std::memcpy(out, b->data.data() + b->at, n);
  b->at += n;
  const bool end = n < *size;
  *size = static_cast<HPDF_UINT>(n);
  return end ? HPDF_STREAM_EOF : HPDF_OK;
}

HPDF_STATUS Writer::seek_borrowed(HPDF_Stream stream, HPDF_INT pos, HPDF_WhenceMode mode) {
  auto* b = static_cast<Borrowed*>(stream->attr);
  long long to = mode == HPDF_SEEK_SET ? pos : mode == HPDF_SEEK_CUR ? static_cast<long long>(b->at) + pos
                                                                      : static_cast<long long>(b->data.size()) - pos;
  if (to < 0 || to > static_cast<long long>(b->data.size())) return HPDF_STREAM_EOF;
  b->at = static_cast<size_t>(to);
  return HPDF_OK;
}

HPDF_INT32 Writer::tell_borrowed(HPDF_Stream stream) {
  return static_cast<HPDF_INT32>(static_cast<Borrowed*>(stream->attr)->at);
}

HPDF_UINT32 Writer::size_borrowed(HPDF_Stream stream) {
  return static_cast<HPDF_UINT32>(static_cast<Borrowed*>(stream->attr)->data.size());
}

/// Makes DICT's stream read DEFLATED in place, marked /FlateDecode.
void Writer::borrow_deflated(HPDF_Dict dict, std::string_view deflated) {
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

HPDF_Dict Writer::new_deflated_stream(std::string_view deflated) {
  HPDF_Dict s = checked(HPDF_DictStream_New(pdf_->mmgr, pdf_->xref), "HPDF_DictStream_New");
  borrow_deflated(s, deflated);
  return s;
}

HPDF_Dict Writer::new_stream(std::string_view data, bool compress) {
  HPDF_Dict s = checked(HPDF_DictStream_New(pdf_->mmgr, pdf_->xref), "HPDF_DictStream_New");
  if (compress) s->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
  check(HPDF_Stream_Write(s->stream, reinterpret_cast<const HPDF_BYTE*>(data.data()),
                          static_cast<HPDF_UINT>(data.size())),
        "HPDF_Stream_Write");
  return s;
}


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
      out.subsets[work[i].first] = cache ? cache->sources.subset(fonts.face(work[i].first), *work[i].second)
                                         : subset_face(fonts.face(work[i].first), *work[i].second);
  };
  unsigned threads = std::min<unsigned>(std::max(1u, std::thread::hardware_concurrency()), work.size());
  run_on_threads(threads, worker);
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
  const unsigned failed_before = haru_failed_allocations;
  try {
    Writer writer(fonts, sink, await_prepared);
    return writer.write(pages, info);
  } catch (const HaruFailure& e) {
    if (haru_failed_allocations != failed_before) throw std::bad_alloc();  // (memory ran out inside libharu)
    sink.error({"<pdf>", 0, 0}, fmt::format("writing the PDF: {}", e.what()));
    return std::nullopt;
  }
}

}  // namespace paiban::pdf
