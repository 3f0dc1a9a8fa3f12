#pragma once
// Hyphenation of Latin words: libhyphen with the hyphen-en-us patterns
// (TeX's US English patterns in the form LibreOffice reads), found at run time.
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace paiban::compose {

/// Hyphenation patterns loaded from a libhyphen dictionary (.dic).
class Hyphenator {
 public:
  /// The patterns in PATH, read on the first word hyphenated; ok() false when
  /// there is no such file.
  explicit Hyphenator(const std::string& path);
  ~Hyphenator();
  Hyphenator(const Hyphenator&) = delete;
  Hyphenator& operator=(const Hyphenator&) = delete;

  bool ok() const { return found_; }
  const std::string& path() const { return path_; }

  /// Where WORD (UTF-8 letters) may be hyphenated: byte offsets inside it
  /// where its second part starts, at least LEFT letters from its start and
  /// RIGHT from its end. A word with no lowercase letter (an acronym) or
  /// shorter than LEFT + RIGHT has none.
  std::vector<size_t> points(std::string_view word, int left = 2, int right = 3) const;

 private:
  void* dictionary() const;  ///< the HyphenDict, loaded once (null if the file is not one)
  std::string path_;
  bool found_ = false;
  mutable std::once_flag loaded_;
  mutable void* dict_ = nullptr;
};

/// The US English patterns, loaded once per process: from the file that the
/// environment variable PAIBAN_HYPHENATION names (empty: no hyphenation),
/// else the first of hyphen_dictionary_candidates() that exists. Null when
/// none could be loaded (Latin words are then not hyphenated).
const Hyphenator* english_hyphenator();

/// Where english_hyphenator() looks, in order (for the diagnostic).
std::vector<std::string> hyphen_dictionary_candidates();

}  // namespace paiban::compose
