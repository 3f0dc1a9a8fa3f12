// libFuzzer: a font file, as a user may drop any file into fonts/: its faces are counted and
// each one's descriptor fields read from its tables (face_tables.cc), as load_face does.
#include <hb.h>

#include <cstddef>
#include <cstdint>

#include "fonts/face_tables.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  hb_blob_t* blob = hb_blob_create(reinterpret_cast<const char*>(data), static_cast<unsigned>(size),
                                   HB_MEMORY_MODE_READONLY, nullptr, nullptr);
  const unsigned faces = hb_face_count(blob);
  for (unsigned index = 0; index < faces && index < 4; ++index) {
    hb_face_t* face = hb_face_create(blob, index);
    if (auto tables = paiban::fonts::read_face_tables(face)) {
      volatile int sink = tables->metrics.ascender + static_cast<int>(tables->postscript_name.size());
      (void)sink;
    }
    hb_face_destroy(face);
  }
  hb_blob_destroy(blob);
  return 0;
}
