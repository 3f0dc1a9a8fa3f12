// libFuzzer: the data loader, YAML and CSV. The input's first byte chooses
// which: a data.yaml, or a CSV table named by a fixed data.yaml.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "data/data.h"

namespace {
std::string folder() {
  static std::string dir = [] {
    std::string t = (std::filesystem::temp_directory_path() / "paiban-fuzz-data-XXXXXX").string();
    return std::string(mkdtemp(t.data()));
  }();
  return dir;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string dir = folder();
  if (data[0] & 1) {
    std::ofstream(dir + "/data.yaml", std::ios::binary) << "t: {csv: t.csv}\n";
    std::ofstream(dir + "/t.csv", std::ios::binary) << body;
  } else {
    std::ofstream(dir + "/data.yaml", std::ios::binary) << body;
  }
  paiban::DiagnosticSink sink;
  auto set = paiban::data::load_data_set(dir, {"data.yaml"}, sink);
  if (set) paiban::data::run_checks(*set, sink);
  return 0;
}
