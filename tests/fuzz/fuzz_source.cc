// libFuzzer: the source parser (front matter, Markdown, directives, values, references).
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/text_file.h"
#include "source/parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  if (paiban::find_invalid_utf8(text)) return 0;  // read_text_file rejects it before the parser
  paiban::DiagnosticSink sink;
  auto tree = paiban::source::parse_source(paiban::TextFile("fuzz.md", text), sink);
  (void)tree;
  return 0;
}
