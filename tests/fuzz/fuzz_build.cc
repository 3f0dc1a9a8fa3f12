// libFuzzer: a whole build of a small document, source to PDF bytes.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "base/text_file.h"
#include "pipeline.h"

namespace {
std::string folder() {
  static std::string dir = [] {
    std::string t = (std::filesystem::temp_directory_path() / "paiban-fuzz-build-XXXXXX").string();
    return std::string(mkdtemp(t.data()));
  }();
  return dir;
}
const paiban::fonts::FontSet& fonts() {
  static auto* set = [] {
    paiban::DiagnosticSink sink;
    return paiban::fonts::load_font_set(PAIBAN_SOURCE_DIR "/fonts", sink).release();
  }();
  return *set;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;  // a small document
  std::string body(reinterpret_cast<const char*>(data), size);
  if (paiban::find_invalid_utf8(body)) return 0;
  const std::string dir = folder();
  std::ofstream(dir + "/report.md", std::ios::binary) << "---\ntitle: 模糊测试\n---\n\n" << body;
  paiban::BuildOptions options;
  options.report_dir = dir;
  options.root = PAIBAN_SOURCE_DIR;
  paiban::DiagnosticSink sink;
  auto result = paiban::build_report(options, sink, &fonts());
  (void)result;
  return 0;
}
