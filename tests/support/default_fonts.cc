#include "support/default_fonts.h"

#include <cstdio>
#include <cstdlib>

#include "support/test_support.h"

namespace paiban::testing {

const fonts::FontSet& default_fonts() {
  static const fonts::FontSet* set = [] {
    DiagnosticSink sink;
    auto loaded = fonts::load_font_set(source_dir() + "/fonts", sink);
    if (!loaded || sink.has_errors()) {
      std::fprintf(stderr, "cannot load the default fonts:\n%s", sink.format_all().c_str());
      std::abort();
    }
    return loaded.release();
  }();
  return *set;
}

}  // namespace paiban::testing
