#pragma once
#include "fonts/font_set.h"

namespace paiban::testing {

/// The repository's fonts/fonts.yaml, loaded once per test program.
const fonts::FontSet& default_fonts();

}  // namespace paiban::testing
