#include "compose/hyphenate.h"

#include <hyphen.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <new>

namespace paiban::compose {

Hyphenator::Hyphenator(const std::string& path) : path_(path) {
  std::error_code ec;
  found_ = !path.empty() && std::filesystem::is_regular_file(path, ec);
}

void* Hyphenator::dictionary() const {
  // Read when the first word asks: a document without long Latin words never
  // pays for parsing the patterns (a few ms).
  std::call_once(loaded_, [this] {
    if (!found_) return;
    // libhyphen ends the process (exit(1), "can't allocate") when an allocation fails: near a memory
    // limit, find out first, as an exception paiban reports, with room to spare (a dictionary takes ~1 MB).
    if (void* headroom = std::malloc(std::size_t{16} << 20)) std::free(headroom);
    else throw std::bad_alloc();
    dict_ = hnj_hyphen_load(path_.c_str());
  });
  return dict_;
}

Hyphenator::~Hyphenator() {
  if (dict_) hnj_hyphen_free(static_cast<HyphenDict*>(dict_));
}

std::vector<size_t> Hyphenator::points(std::string_view word, int left, int right) const {
  std::vector<size_t> out;
  if (!found_ || word.size() < static_cast<size_t>(left + right) || word.size() > 200) return out;
  // The patterns are lowercase; an all-capital word is an acronym (OECD, UNESCO): not broken.
  std::string lower(word);
  bool has_lower = false;
  for (char& c : lower) {
    if (c >= 'a' && c <= 'z') has_lower = true;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (!has_lower) return out;
  auto* dict = static_cast<HyphenDict*>(dictionary());
  if (!dict) return out;
  std::vector<char> hyphens(lower.size() + 5, 0);
  char** rep = nullptr;
  int* pos = nullptr;
  int* cut = nullptr;
  if (hnj_hyphen_hyphenate3(dict, lower.data(), static_cast<int>(lower.size()),
                            hyphens.data(), nullptr, &rep, &pos, &cut, left, right, left, right) == 0) {
    for (size_t i = 0; i + 1 < lower.size(); ++i) {
      // An odd digit after byte i: a hyphen may go there. Non-standard
      // hyphenation (a replacement, as German's ck → k-k) is not used.
      if ((hyphens[i] & 1) && !(rep && rep[i])) out.push_back(i + 1);
    }
  }
  if (rep) {
    for (size_t i = 0; i < lower.size(); ++i) std::free(rep[i]);
    std::free(rep);
  }
  std::free(pos);
  std::free(cut);
  return out;
}

std::vector<std::string> hyphen_dictionary_candidates() {
  return {"/usr/share/hyphen/hyph_en_US.dic", "/usr/share/hyphen/hyph_en.dic",
          "/usr/local/share/hyphen/hyph_en_US.dic", "/usr/share/myspell/dicts/hyph_en_US.dic"};
}

const Hyphenator* english_hyphenator() {
  static const std::unique_ptr<Hyphenator> loaded = []() -> std::unique_ptr<Hyphenator> {
    if (const char* env = std::getenv("PAIBAN_HYPHENATION")) {
      auto h = std::make_unique<Hyphenator>(env);
      return h->ok() ? std::move(h) : nullptr;
    }
    for (const auto& path : hyphen_dictionary_candidates()) {
      auto h = std::make_unique<Hyphenator>(path);
      if (h->ok()) return h;
    }
    return nullptr;
  }();
  return loaded.get();
}

}  // namespace paiban::compose
