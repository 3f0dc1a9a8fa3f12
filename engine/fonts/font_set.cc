#include "fonts/font_set.h"

#include <cerrno>
#include <fontconfig/fontconfig.h>
#include <unistd.h>
#include <hb-ot.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <new>
#include <system_error>
#include <thread>

#include <fmt/format.h>

#include "base/memory_limit.h"
#include "base/confine.h"
#include "base/text_file.h"
#include "base/yaml_parse.h"
#include "base/yaml_span.h"
#include "fonts/face_tables.h"

namespace paiban::fonts {

namespace {
thread_local bool hide_cff = false;
}  // namespace

HideCffWhilePlanning::HideCffWhilePlanning() { hide_cff = true; }
HideCffWhilePlanning::~HideCffWhilePlanning() { hide_cff = false; }

unsigned Face::glyph_for(char32_t cp) const {
  hb_codepoint_t g = 0;
  return hb_font_get_nominal_glyph(hb_font, cp, &g) ? g : 0;
}

FontSet::FontSet() = default;

FontSet::~FontSet() {
  if (near_memory_limit()) return;  // (its faces are left to the process's end: see there)
  for (auto& f : faces_) {
    if (f->synthetic_bold || f->synthetic_oblique) continue;  // shares its base's HarfBuzz objects
    hb_font_destroy(f->hb_font);
    hb_face_destroy(f->subset_source);
    hb_face_destroy(f->hb_face);
  }
  for (auto& [path, blob] : blobs_) hb_blob_destroy(blob);
}

const Role* FontSet::role(const std::string& name) const {
  auto it = roles_.find(name);
  return it == roles_.end() ? nullptr : &it->second;
}

std::vector<std::string> FontSet::role_names() const {
  std::vector<std::string> names;
  for (const auto& [name, role] : roles_) names.push_back(name);
  return names;
}

std::optional<FaceId> FontSet::load_face(const std::string& path, unsigned index,
                                         const std::string& family, bool synthetic_bold, bool synthetic_oblique) {
  for (size_t i = 0; i < faces_.size(); ++i)
    if (faces_[i]->path == path && faces_[i]->index == index && faces_[i]->synthetic_bold == synthetic_bold &&
        faces_[i]->synthetic_oblique == synthetic_oblique)
      return static_cast<FaceId>(i);
  if (synthetic_bold || synthetic_oblique) {
    auto base = load_face(path, index, family, false, false);
    if (!base) return std::nullopt;
    auto face = std::make_unique<Face>(*faces_[*base]);
    face->synthetic_bold = synthetic_bold;
    face->synthetic_oblique = synthetic_oblique;
    face->base = *base;
    faces_.push_back(std::move(face));
    return static_cast<FaceId>(faces_.size() - 1);
  }

  hb_blob_t*& blob = blobs_[path];
  if (!blob) blob = hb_blob_create_from_file_or_fail(path.c_str());
  if (!blob) return std::nullopt;
  if (index >= hb_face_count(blob)) return std::nullopt;

  hb_face_t* hb_face = hb_face_create(blob, index);
  std::optional<FaceTables> tables = read_face_tables(hb_face);
  if (!tables) {
    hb_face_destroy(hb_face);
    return std::nullopt;
  }
  auto face = std::make_unique<Face>();
  face->path = path;
  face->index = index;
  face->family = family;
  face->hb_face = hb_face;
  face->hb_font = hb_font_create(face->hb_face);
  hb_face_make_immutable(face->hb_face);
  hb_font_make_immutable(face->hb_font);
  face->subset_source = hb_face_create_for_tables(
      [](hb_face_t*, hb_tag_t tag, void* source) -> hb_blob_t* {
        if (tag == HB_TAG('c', 'm', 'a', 'p') || (hide_cff && tag == HB_TAG('C', 'F', 'F', ' ')))
          return hb_blob_get_empty();
        return hb_face_reference_table(static_cast<hb_face_t*>(source), tag);
      },
      hb_face_reference(face->hb_face), [](void* source) { hb_face_destroy(static_cast<hb_face_t*>(source)); });
  hb_face_set_index(face->subset_source, index);
  hb_face_set_upem(face->subset_source, hb_face_get_upem(face->hb_face));
  hb_face_set_glyph_count(face->subset_source, hb_face_get_glyph_count(face->hb_face));
  hb_face_make_immutable(face->subset_source);
  face->cff = tables->cff;
  face->cid_keyed = tables->cid_keyed;
  face->metrics = tables->metrics;
  face->postscript_name = tables->postscript_name.empty() ? "Unnamed" : tables->postscript_name;

  face->base = static_cast<int>(faces_.size());
  faces_.push_back(std::move(face));
  return static_cast<FaceId>(faces_.size() - 1);
}

namespace {
std::mutex fc_mutex;  // fontconfig's default config is not thread-safe to initialise
}  // namespace

void init_fontconfig() {
  std::lock_guard lock(fc_mutex);
  FcInit();
}

namespace {
/// (Never destroyed: the thread may still be loading when the process ends, after static
/// destructors have run.)
struct FontconfigStart {
  std::mutex mutex;
  std::condition_variable changed;  // ready, or work posted or done
  bool started = false, ready = false;
  /// What the thread is to run: what waited for fontconfig to be ready, then the font
  /// queries (find_installed_font), in this process only: a forked child has no such thread.
  std::deque<std::function<void()>> work;
  pid_t serving_pid = 0;
};
FontconfigStart& start_state() {
  static auto* state = new FontconfigStart;
  return *state;
}

/// Loads fontconfig, then runs the work that waited for it.
void finish_fontconfig() {
  init_fontconfig();
  FontconfigStart& s = start_state();
  std::deque<std::function<void()>> work;
  {
    std::lock_guard lock(s.mutex);
    s.ready = true;
    work.swap(s.work);
  }
  s.changed.notify_all();
  for (auto& w : work) w();
}

std::optional<std::pair<std::string, unsigned>> look_up_installed_font(const std::string& request);

/// Whether this thread is fontconfig's (a font query there is answered in place).
thread_local bool on_fontconfig_thread = false;

/// The thread of start_fontconfig: it never ends. Its malloc arena, made before any memory
/// limit, is thus never handed to another thread, where it could grow past the limit
/// (base/memory_limit.h). It answers the process's font queries: fontconfig does not check
/// what malloc returns, and would crash where a limit stops the heap from growing; here, it
/// has its arena's room.
[[noreturn]] void fontconfig_thread() {
  on_fontconfig_thread = true;
  finish_fontconfig();
  FontconfigStart& s = start_state();
  std::unique_lock lock(s.mutex);
  for (;;) {
    s.changed.wait(lock, [&s] { return !s.work.empty(); });
    std::function<void()> w = std::move(s.work.front());
    s.work.pop_front();
    lock.unlock();
    w();
    lock.lock();
  }
}
}  // namespace

void start_fontconfig() {
  FontconfigStart& s = start_state();
  {
    std::lock_guard lock(s.mutex);
    if (s.started) return;
    s.started = true;
  }
  try {
    // Detached: the process may end (an error, a signal) before it does, without waiting for it.
    std::thread(fontconfig_thread).detach();
    std::lock_guard lock(s.mutex);
    s.serving_pid = getpid();
  } catch (const std::system_error&) {
    finish_fontconfig();
  }
}

void whenever_fontconfig_ready(std::function<void()> work) {
  FontconfigStart& s = start_state();
  {
    std::lock_guard lock(s.mutex);
    if (s.started && !s.ready) {
      s.work.push_back(std::move(work));
      return;
    }
  }
  work();
}

bool post_to_fontconfig_thread(std::function<void()> work) {
  FontconfigStart& s = start_state();
  {
    std::lock_guard lock(s.mutex);
    if (s.serving_pid != getpid()) return false;
    s.work.push_back(std::move(work));
  }
  s.changed.notify_all();
  return true;
}

void wait_for_fontconfig() {
  FontconfigStart& s = start_state();
  std::unique_lock lock(s.mutex);
  s.changed.wait(lock, [&s] { return !s.started || s.ready; });
}

std::optional<std::pair<std::string, unsigned>> find_installed_font(const std::string& request) {
  FontconfigStart& s = start_state();
  {
    std::unique_lock lock(s.mutex);
    if (on_fontconfig_thread) {
      lock.unlock();
      return look_up_installed_font(request);
    }
    if (s.serving_pid == getpid()) {
      std::optional<std::pair<std::string, unsigned>> answer;
      std::exception_ptr failure;
      bool done = false;
      s.work.push_back([&] {
        try {
          answer = look_up_installed_font(request);
        } catch (...) {
          failure = std::current_exception();
        }
        std::lock_guard done_lock(s.mutex);
        done = true;
        s.changed.notify_all();
      });
      s.changed.notify_all();
      s.changed.wait(lock, [&done] { return done; });
      if (failure) std::rethrow_exception(failure);
      return answer;
    }
  }
  // (No fontconfig thread: fontconfig does not check what malloc returns, so its calls here
  // may go past the memory limit by a little.)
  MemoryHeadroom headroom;
  return look_up_installed_font(request);
}

namespace {

std::optional<std::pair<std::string, unsigned>> look_up_installed_font(const std::string& request) {
  std::lock_guard lock(fc_mutex);
  FcPattern* pattern = FcNameParse(reinterpret_cast<const FcChar8*>(request.c_str()));
  if (!pattern) return std::nullopt;
  // Only the faces of the family asked for are scored (FcFontSetMatch), not every installed
  // font (FcFontMatch, which costs a fifth of a millisecond a query on a machine of 180 fonts):
  // the answer is the same whenever FcFontMatch's is of that family, the only answer taken
  // below; and there is none when the family is not installed.
  FcChar8* family = nullptr;
  FcPatternGetString(pattern, FC_FAMILY, 0, &family);
  FcFontSet* of_family = FcFontSetCreate();
  if (FcFontSet* installed = family ? FcConfigGetFonts(nullptr, FcSetSystem) : nullptr)
    for (int i = 0; i < installed->nfont; ++i) {
      FcChar8* s = nullptr;
      for (int k = 0; FcPatternGetString(installed->fonts[i], FC_FAMILY, k, &s) == FcResultMatch; ++k)
        if (FcStrCmpIgnoreCase(s, family) == 0) {
          FcPatternReference(installed->fonts[i]);
          if (!FcFontSetAdd(of_family, installed->fonts[i])) FcPatternDestroy(installed->fonts[i]);
          break;
        }
    }
  FcPattern* match = nullptr;
  if (of_family && of_family->nfont > 0) {
    FcConfigSubstitute(nullptr, pattern, FcMatchPattern);
    FcDefaultSubstitute(pattern);
    FcResult result;
    match = FcFontSetMatch(nullptr, &of_family, 1, pattern, &result);
  }
  if (of_family) FcFontSetDestroy(of_family);
  std::optional<std::pair<std::string, unsigned>> found;
  if (match) {
    // Fontconfig always returns *some* font: accept it only if it is the
    // family (and style) asked for.
    FcChar8* wanted_family = nullptr;
    FcChar8* wanted_style = nullptr;
    FcPattern* parsed = FcNameParse(reinterpret_cast<const FcChar8*>(request.c_str()));
    FcPatternGetString(parsed, FC_FAMILY, 0, &wanted_family);
    FcPatternGetString(parsed, FC_STYLE, 0, &wanted_style);
    bool family_ok = false, style_ok = wanted_style == nullptr;
    FcChar8* s = nullptr;
    for (int i = 0; FcPatternGetString(match, FC_FAMILY, i, &s) == FcResultMatch; ++i)
      if (wanted_family && FcStrCmpIgnoreCase(s, wanted_family) == 0) family_ok = true;
    for (int i = 0; wanted_style && FcPatternGetString(match, FC_STYLE, i, &s) == FcResultMatch; ++i)
      if (FcStrCmpIgnoreCase(s, wanted_style) == 0) style_ok = true;
    FcChar8* file = nullptr;
    int index = 0;
    if (family_ok && style_ok && FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch) {
      FcPatternGetInteger(match, FC_INDEX, 0, &index);
      found = std::make_pair(std::string(reinterpret_cast<char*>(file)), static_cast<unsigned>(index));
    }
    FcPatternDestroy(parsed);
    FcPatternDestroy(match);
  }
  FcPatternDestroy(pattern);
  return found;
}

}  // namespace

namespace {

bool is_font_file(const std::string& name) {
  std::string lower = name.substr(0, name.find('#'));
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  for (const char* ext : {".ttf", ".otf", ".ttc", ".otc"})
    if (lower.size() > 4 && lower.compare(lower.size() - 4, 4, ext) == 0) return true;
  return false;
}

}  // namespace

std::unique_ptr<FontSet> load_font_set(const std::string& fonts_dir, DiagnosticSink& sink,
                                       const std::vector<std::string>& only) {
  std::string path = (std::filesystem::path(fonts_dir) / "fonts.yaml").string();
  auto file = read_text_file(path, sink);
  if (!file) return nullptr;
  YAML::Node root;
  try {
    root = parse_yaml_text(file->text());
  } catch (const YAML::Exception& e) {
    sink.error(yaml_span(*file, e.mark), e.msg);
    return nullptr;
  }
  // (A scalar or list root has no ["roles"]: yaml-cpp throws on the subscript.)
  YAML::Node roles = root.IsMap() ? root["roles"] : YAML::Node();
  if (!roles || !roles.IsMap()) {
    sink.error({path, 1, 1}, "expected a \"roles\" map", {"roles:\n  song:\n    cjk: [Noto Serif CJK SC]"});
    return nullptr;
  }
  auto set = std::make_unique<FontSet>();
  for (const auto& entry : roles) {
    Role role;
    role.name = entry.first.Scalar();
    if (!only.empty() && std::find(only.begin(), only.end(), role.name) == only.end()) continue;
    if (!entry.second.IsMap()) {
      sink.error(yaml_span(*file, entry.second.Mark()), fmt::format("role \"{}\" must map cjk and latin to lists of fonts", role.name));
      continue;
    }
    role.span = yaml_span(*file, entry.first.Mark());
    for (const auto& chain : entry.second) {
      std::string chain_name = chain.first.Scalar();
      if (chain_name == "substitute-for") {
        role.substitute_for = chain.second.IsScalar() ? chain.second.Scalar() : "";
        continue;
      }
      std::vector<FaceId>* target = chain_name == "cjk" ? &role.cjk : chain_name == "latin" ? &role.latin : nullptr;
      if (!target) {
        sink.error(yaml_span(*file, chain.first.Mark()), fmt::format("unknown chain \"{}\" in role \"{}\"", chain_name, role.name),
                   {"a role has two chains, cjk and latin, and may say substitute-for"});
        continue;
      }
      if (!chain.second.IsSequence()) {
        sink.error(yaml_span(*file, chain.second.Mark()), "expected a list of font families or files");
        continue;
      }
      for (const auto& item : chain.second) {
        std::string request = item.Scalar();
        Span span = yaml_span(*file, item.Mark());
        bool synthetic = false, oblique = false;
        std::optional<std::pair<std::string, unsigned>> where;
        if (is_font_file(request)) {
          std::string name = request.substr(0, request.find('#'));
          std::filesystem::path normal = std::filesystem::path(name).lexically_normal();
          if (normal.is_absolute() || normal.empty() || *normal.begin() == "..") {
            sink.error(span, fmt::format("font file \"{}\" is outside the fonts folder", name),
                       {"copy the font file into fonts/ and name it by its file name"});
            continue;
          }
          unsigned index = 0;
          if (size_t hash = request.find('#'); hash != std::string::npos) {
            std::string_view digits = std::string_view(request).substr(hash + 1);
            auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
            if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || index > 255) {
              sink.error(span, fmt::format("face index \"{}\" is not a whole number from 0 to 255", digits),
                         {"name a face of a collection by its number: NotoSerifCJK-Regular.ttc#2"});
              continue;
            }
          }
          std::string file_path = (std::filesystem::path(fonts_dir) / name).string();
          if (!std::filesystem::exists(file_path)) {
            sink.error(span, fmt::format("font file \"{}\" not found", file_path),
                       {fmt::format("copy the font file into {}/ or name an installed family", fonts_dir)});
            continue;
          }
          // A symlink out of the folder, a FIFO or a device in place of the file.
          ConfinedPath confined = confine_path(file_path, {fonts_dir}, PathKind::File, "font file");
          if (!confined.ok()) {
            sink.error(span, confined.error, confined.hint.empty() ? std::vector<std::string>{} : std::vector{confined.hint});
            continue;
          }
          where = std::make_pair(file_path, index);
        } else {
          where = find_installed_font(request);
          // A family without a bold (or italic) face: its regular face,
          // emboldened (or slanted).
          size_t style_at = request.find(":style=");
          if (!where && style_at != std::string::npos) {
            std::string style = request.substr(style_at);
            bool bold = style.find("Bold") != std::string::npos;
            bool slant = style.find("Italic") != std::string::npos || style.find("Oblique") != std::string::npos;
            if (bold || slant) {
              // Try the family's bold face before emboldening a slanted request.
              if (bold && slant) where = find_installed_font(request.substr(0, style_at) + ":style=Bold");
              if (where) {
                oblique = true;
              } else {
                where = find_installed_font(request.substr(0, style_at));
                if (where) {
                  synthetic = bold;
                  oblique = slant;
                }
              }
            }
          }
          if (!where) {
            sink.error(span, fmt::format("font \"{}\" is not installed", request),
                       {"install it (the defaults come with: apt-get install fonts-noto-cjk fonts-liberation2), "
                        "or copy its file into fonts/ and name the file here"});
            continue;
          }
        }
        errno = 0;
        auto id = set->load_face(where->first, where->second, request, synthetic, oblique);
        if (!id) {
          // (HarfBuzz reads a face it had no memory for as one with no tables; malloc and mmap
          // say ENOMEM.)
          if (errno == ENOMEM || near_memory_limit()) throw std::bad_alloc();
          sink.error(span, fmt::format("cannot load font \"{}\" from {} (face {})", request, where->first, where->second));
          continue;
        }
        target->push_back(*id);
        set->add_resolution({role.name, chain_name, request, where->first, where->second, synthetic, oblique, *id});
      }
    }
    if (role.cjk.empty() && role.latin.empty() && !sink.has_errors())
      sink.error(yaml_span(*file, entry.first.Mark()), fmt::format("role \"{}\" names no font", role.name));
    set->add_role(std::move(role));
  }
  return set;
}

}  // namespace paiban::fonts
