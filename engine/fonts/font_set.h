#pragma once
// Font roles and the faces behind them.
//
// fonts/fonts.yaml names, per role, a chain of families (found with
// fontconfig) or files (in fonts/) for CJK text and one for Latin letters and
// digits. load_font_set resolves every name, loads each face once (HarfBuzz
// and FreeType), and keeps them for the whole process: faces are immutable
// after loading and may be shared by threads.
#include <hb.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/diagnostic.h"

namespace paiban::fonts {

/// Index of a face in a FontSet.
using FaceId = int;

/// Metrics a PDF font descriptor needs, in font units.
struct FaceMetrics {
  int units_per_em = 1000;
  int ascender = 0, descender = 0, cap_height = 0;
  int bbox[4] = {0, 0, 0, 0};  ///< xMin yMin xMax yMax
  int italic_angle = 0;
  bool fixed_pitch = false;
  bool serif = false;
};

/// One loaded face of a font file.
struct Face {
  std::string path;             ///< the font file
  unsigned index = 0;           ///< face index in a .ttc collection
  std::string family;           ///< the family name as requested
  std::string postscript_name;  ///< from the font's name table
  bool cff = false;             ///< CFF outlines (else TrueType glyf)
  FaceMetrics metrics;
  hb_face_t* hb_face = nullptr;
  hb_font_t* hb_font = nullptr;  ///< scaled to units_per_em
  /// The same tables without cmap, for hb-subset: the PDF addresses glyphs
  /// by ID, and with a cmap hb-subset first maps every code point of the
  /// font (some 44,000 in a CJK face) to find those that reach the glyphs.
  hb_face_t* subset_source = nullptr;
  /// A CID-keyed CFF font (every CJK OpenType/CFF font): its charstrings
  /// cannot use seac, the only thing hb-subset's planning reads CFF for.
  bool cid_keyed = false;
  /// Drawn emboldened (fill plus stroke, like ctex's AutoFakeBold) because
  /// the family has no bold face; shares its outlines with `base`.
  bool synthetic_bold = false;
  /// Drawn slanted 12° (a skewed text matrix) because the family has no
  /// italic or oblique face.
  bool synthetic_oblique = false;
  /// The face whose font program this one uses (itself unless synthetic).
  int base = -1;

  /// The nominal glyph for a code point, or 0 when the face lacks it.
  unsigned glyph_for(char32_t cp) const;
};

/// While one lives on a thread, every Face::subset_source hides its CFF
/// table from that thread. hb-subset plans a subset (which glyphs, which
/// tables) before it writes one, and the planner reads CFF only to add the
/// components of seac accents; for a CID-keyed font, which has none, that
/// walk through every glyph's charstrings cost most of the planning (1.7 of
/// 1.8 ms for the report's body face) and changes no byte of the result.
class HideCffWhilePlanning {
 public:
  HideCffWhilePlanning();
  ~HideCffWhilePlanning();
  HideCffWhilePlanning(const HideCffWhilePlanning&) = delete;
  HideCffWhilePlanning& operator=(const HideCffWhilePlanning&) = delete;
};

/// A role's fallback chains.
struct Role {
  std::string name;
  /// Set when the role's fonts only stand in for the style it names (a
  /// free 楷 for 仿宋): building with it warns, naming the substitution.
  std::string substitute_for;
  Span span;  ///< where the role is defined in fonts.yaml
  std::vector<FaceId> cjk;    ///< Han, CJK punctuation, everything not Latin
  std::vector<FaceId> latin;  ///< Latin letters, digits, ASCII punctuation
};

/// Where one chain entry resolved to (for `paiban fonts`).
struct Resolution {
  std::string role, chain, request, path;
  unsigned index = 0;
  bool synthetic_bold = false;
  bool synthetic_oblique = false;
  FaceId face = 0;
};

class FontSet {
 public:
  FontSet();
  ~FontSet();
  FontSet(const FontSet&) = delete;
  FontSet& operator=(const FontSet&) = delete;

  const Face& face(FaceId id) const { return *faces_[id]; }
  size_t face_count() const { return faces_.size(); }
  const Role* role(const std::string& name) const;
  std::vector<std::string> role_names() const;
  const std::vector<Resolution>& resolutions() const { return resolutions_; }

  /// Loads (once) the face at PATH/INDEX; nullopt if it cannot be read.
  std::optional<FaceId> load_face(const std::string& path, unsigned index, const std::string& family,
                                  bool synthetic_bold = false, bool synthetic_oblique = false);
  void add_role(Role role) { roles_[role.name] = std::move(role); }
  void add_resolution(Resolution r) { resolutions_.push_back(std::move(r)); }

 private:
  std::vector<std::unique_ptr<Face>> faces_;
  std::map<std::string, Role> roles_;
  std::vector<Resolution> resolutions_;
  std::map<std::string, hb_blob_t*> blobs_;
};

/// Reads fonts.yaml (FONTS_DIR/fonts.yaml) and resolves every role.
/// Errors (a family that is not installed, a missing file, a YAML error) are
/// reported at their position in fonts.yaml.
/// ONLY, when not empty, names the roles to resolve and load (the ones a
/// layout uses); the others are left out.
std::unique_ptr<FontSet> load_font_set(const std::string& fonts_dir, DiagnosticSink& sink,
                                       const std::vector<std::string>& only = {});

/// Finds an installed family with fontconfig. REQUEST is a fontconfig
/// pattern ("Noto Sans CJK SC:style=Bold"). Returns the file and face index
/// only when the match really is that family (and style, when given).
std::optional<std::pair<std::string, unsigned>> find_installed_font(const std::string& request);

/// Loads fontconfig's configuration and its caches of the installed fonts. Called before a
/// memory limit is set: under a tight address-space limit fontconfig can fail to map a valid
/// cache, rescan the fonts, fail to open them too, and (as root) write empty caches that every
/// later process believes.
void init_fontconfig();

/// Starts init_fontconfig on a thread of its own, so that the process's start does not wait
/// for it (if no thread can be had, it runs here). whenever_fontconfig_ready runs WORK once
/// that is done: at once if it is, else on that thread. wait_for_fontconfig returns when it is
/// done (call it before fork: a child must not inherit it half done).
void start_fontconfig();
void whenever_fontconfig_ready(std::function<void()> work);
void wait_for_fontconfig();

/// Posts WORK to fontconfig's thread, to run once fontconfig is loaded and what waited for
/// it has run (a memory limit), after the work posted before it. Returns false, and does
/// nothing, when this process has no such thread (a forked child; no thread could be had).
/// Loading the font set there spares a thread's start and a hand-over for each font query.
bool post_to_fontconfig_thread(std::function<void()> work);

}  // namespace paiban::fonts
