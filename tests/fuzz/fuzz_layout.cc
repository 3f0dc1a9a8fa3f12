// libFuzzer: layout files (layouts/*.yaml, or one a report names): every
// length and number checked, never a crash, never a value the PDF writer
// cannot print.
#include <unistd.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "layout/layout_spec.h"

namespace {
std::string folder() {
  static std::string dir = [] {
    std::string t = (std::filesystem::temp_directory_path() / "paiban-fuzz-layout-XXXXXX").string();
    return std::string(mkdtemp(t.data()));
  }();
  return dir;
}

/// A layout that loads must hold only finite, positive sizes.
void check(const paiban::layout::LayoutSpec& spec) {
  for (double v : {spec.page_width, spec.page_height, spec.body.size, spec.body.line_height, spec.type_width(),
                   spec.type_height()})
    if (!std::isfinite(v) || v <= 0) std::abort();
  for (const auto& h : spec.headings)
    if (!std::isfinite(h.text.size) || h.text.size < 1 || h.text.size > 500) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = folder() + "/look.yaml";
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data),
                                                                 static_cast<std::streamsize>(size));
  paiban::DiagnosticSink sink;
  auto spec = paiban::layout::load_layout(path, sink);
  if (spec) check(*spec);
  (void)sink.format_all();
  return 0;
}
