#pragma once
// Pages → PDF bytes. The only part of paiban that includes <hpdf.h>.
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "base/current_scope.h"
#include "base/diagnostic.h"
#include "fonts/font_set.h"
#include "layout/pages.h"
#include "pdf/subset.h"

namespace paiban::pdf {

/// Document information written into the PDF's Info dictionary.
struct DocumentInfo {
  std::string title;
  std::string author;    ///< the issuer
  std::string creator;   ///< "paiban <version>"
  std::string subject;
  std::string keywords;
  std::string language = "zh-CN";  ///< the catalog's /Lang
  /// Seconds since 1970 (UTC) for CreationDate and ModDate; < 0: none, so
  /// that the same input gives the same bytes (set from SOURCE_DATE_EPOCH).
  long long creation_time = -1;
  /// PDF/A-1b: XMP metadata, an sRGB OutputIntent, CIDSets, PDF 1.4.
  bool pdfa = false;
  /// The sRGB ICC profile embedded for PDF/A (Debian: icc-profiles-free).
  std::string icc_profile = "/usr/share/color/icc/sRGB.icc";
};

/// Font subsets made ahead of writing (while pages are laid out).
struct PreparedFonts {
  std::map<fonts::FaceId, std::set<unsigned>> glyphs;  ///< per base face: the glyphs each subset holds
  std::map<fonts::FaceId, FontSubset> subsets;
};

/// The last subset of each face, kept between builds (paiban watch): a
/// correction rarely changes which glyphs a document uses.
struct SubsetCache {
  PreparedFonts last;
  size_t hits = 0;
  /// Faces subset to the glyphs seen so far, to subset the next glyph sets from.
  SubsetSources sources;
};

/// The pages' content streams of the last build, deflated, kept for the next (paiban watch): a
/// correction changes a few pages, and a page whose contents are the same to the byte gets the
/// same deflated stream without deflating it again. Install one for the current thread with
/// PageStreamCache::Scope; write_pdf then uses it.
class PageStreamCache {
 public:
  using Scope = CurrentScope<PageStreamCache>;
  /// The current thread's cache, or null.
  static PageStreamCache* current() { return Scope::current(); }
  size_t size() const { return last_.size(); }
  /// Pages whose stream was reused, over every build.
  size_t hits() const { return hits_; }

 private:
  friend class Writer;
  std::map<std::string, std::string> last_;  ///< a page's contents → its stream, deflated (the last build's pages)
  size_t hits_ = 0;
};

/// Subsets each face of GLYPHS with hb-subset, on as many threads as there
/// are cores; a face whose glyph set CACHE already holds is not subset again.
PreparedFonts subset_fonts(const layout::GlyphSets& glyphs, const fonts::FontSet& fonts, SubsetCache* cache = nullptr);

/// Serialises PAGES with libharu. Text is written as glyph IDs of Type0
/// fonts (Identity-H) whose descendant CIDFonts embed hb-subset subsets,
/// with /W widths and a ToUnicode CMap from the shaping clusters.
/// Returns the PDF's bytes, or nullopt after reporting what failed.
/// PREPARED: subsets made ahead; a face whose prepared subset lacks a glyph
/// the pages use is subset again.
std::optional<std::string> write_pdf(const layout::Pages& pages, const fonts::FontSet& fonts,
                                     const DocumentInfo& info, DiagnosticSink& sink,
                                     const PreparedFonts* prepared = nullptr);

/// The same, with the subsets still being made: AWAIT_PREPARED is called
/// once, when the page contents are written and the fonts are next.
std::optional<std::string> write_pdf(const layout::Pages& pages, const fonts::FontSet& fonts,
                                     const DocumentInfo& info, DiagnosticSink& sink,
                                     const std::function<const PreparedFonts*()>& await_prepared);

}  // namespace paiban::pdf
