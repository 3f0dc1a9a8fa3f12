// libFuzzer: fonts.yaml. The fonts folder holds one small font file (a.ttf)
// so that entries naming files, faces of collections and paths reach the
// loader; families go through fontconfig.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "fonts/font_set.h"

namespace {
std::string folder() {
  static std::string dir = [] {
    namespace fs = std::filesystem;
    std::string t = (fs::temp_directory_path() / "paiban-fuzz-fonts-XXXXXX").string();
    std::string d = mkdtemp(t.data());
    std::error_code ec;
    for (const char* font : {"/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
                             "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"})
      if (fs::copy_file(font, d + "/a.ttf", fs::copy_options::overwrite_existing, ec)) break;
    return d;
  }();
  return dir;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string dir = folder();
  std::ofstream(dir + "/fonts.yaml", std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  paiban::DiagnosticSink sink;
  auto set = paiban::fonts::load_font_set(dir, sink);
  if (set)
    for (const auto& name : set->role_names()) (void)set->role(name);
  (void)sink.format_all();
  return 0;
}
