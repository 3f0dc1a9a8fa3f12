// Rendered-page regression tests: chosen pages rendered with pdftoppm and
// compared with reference PNGs in tests/pages/. Structural validators pass
// PDFs that print wrong (a dropped composite glyph, a blank cell); pixels do not.
//
//   PAIBAN_UPDATE_REFERENCES=1 build/tests/e2e --gtest_filter='RenderedPages*'
// rewrites the references (review them before committing); a failing
// comparison writes <name>-diff.png into the build's tests/ folder.
#include <gtest/gtest.h>
#include <png.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "support/test_support.h"

namespace paiban {
namespace {

namespace fs = std::filesystem;
using testing::run_command;

struct Gray {
  int width = 0, height = 0;
  std::vector<unsigned char> pixels;
};

std::optional<Gray> read_png(const std::string& path) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, path.c_str())) return std::nullopt;
  image.format = PNG_FORMAT_GRAY;
  Gray g;
  g.width = static_cast<int>(image.width);
  g.height = static_cast<int>(image.height);
  g.pixels.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, g.pixels.data(), 0, nullptr)) return std::nullopt;
  return g;
}

bool write_png(const std::string& path, const Gray& g) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(g.width);
  image.height = static_cast<png_uint_32>(g.height);
  image.format = PNG_FORMAT_GRAY;
  return png_image_write_to_file(&image, path.c_str(), 0, g.pixels.data(), 0, nullptr) != 0;
}

/// A page to compare: a report, a page number (1-based) and a name.
struct PageCase {
  const char* report;  ///< folder under data/
  int page;
  const char* name;    ///< tests/pages/<name>.png
};

std::string render(const PageCase& c, const std::string& dir) {
  std::string pdf = dir + "/" + c.report + ".pdf";
  if (!fs::exists(pdf)) {
    auto r = run_command(std::string(PAIBAN_BINARY) + " build " + testing::source_dir() + "/data/" + c.report +
                         " -o " + pdf);
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  std::string base = dir + "/" + c.name;
  run_command("pdftoppm -r 40 -gray -png -singlefile -f " + std::to_string(c.page) + " -l " + std::to_string(c.page) +
              " " + pdf + " " + base);
  return base + ".png";
}

class RenderedPages : public ::testing::TestWithParam<PageCase> {
 protected:
  static std::string dir() {
    static testing::TempDir d;
    return d.path().string();
  }
};

TEST_P(RenderedPages, MatchTheReference) {
  const PageCase& c = GetParam();
  std::string rendered = render(c, dir());
  std::string reference = testing::source_dir() + "/tests/pages/" + c.name + ".png";
  if (std::getenv("PAIBAN_UPDATE_REFERENCES")) {
    fs::copy_file(rendered, reference, fs::copy_options::overwrite_existing);
    GTEST_SKIP() << "reference rewritten: " << reference;
  }
  auto got = read_png(rendered);
  auto want = read_png(reference);
  ASSERT_TRUE(got) << rendered;
  ASSERT_TRUE(want) << "no reference " << reference << " (PAIBAN_UPDATE_REFERENCES=1 writes it)";
  ASSERT_EQ(got->width, want->width);
  ASSERT_EQ(got->height, want->height);
  // Pixels that differ by more than a quarter of the grey range, and the
  // share of them that is tolerated (anti-aliasing noise).
  Gray diff = *got;
  size_t differing = 0;
  for (size_t i = 0; i < got->pixels.size(); ++i) {
    bool off = std::abs(int(got->pixels[i]) - int(want->pixels[i])) > 64;
    differing += off;
    diff.pixels[i] = off ? 0 : static_cast<unsigned char>(200 + want->pixels[i] / 5);
  }
  double share = double(differing) / got->pixels.size();
  if (share > 0.001) {
    std::string out = std::string(PAIBAN_TEST_OUTPUT) + "/" + c.name + "-diff.png";
    write_png(out, diff);
    ADD_FAILURE() << c.name << ": " << differing << " pixels differ (" << share * 100 << "%); see " << out;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Pages, RenderedPages,
    ::testing::Values(PageCase{"liangzhou-2023", 1, "cover"},
                      PageCase{"liangzhou-2023", 3, "contents"},
                      PageCase{"liangzhou-2023", 5, "list-of-tables"},
                      PageCase{"liangzhou-2023", 7, "body-table-1"},
                      PageCase{"liangzhou-2023", 12, "tables-6-7"},
                      PageCase{"liangzhou-2023", 14, "table-9"},
                      PageCase{"liangzhou-2023", 15, "table-9-continued"},
                      PageCase{"liangzhou-2023", 25, "case-boxes"},
                      PageCase{"liangzhou-2023", 26, "challenges"},
                      PageCase{"example", 6, "example-merged-header"},
                      PageCase{"figures-example", 4, "figures-bar-line"},
                      PageCase{"figures-example", 5, "figures-pie"},
                      PageCase{"figures-example", 7, "figures-photos"},
                      PageCase{"figures-example", 8, "figures-case-grid"}),
    [](const ::testing::TestParamInfo<PageCase>& info) {
      std::string n = info.param.name;
      for (char& ch : n)
        if (ch == '-') ch = '_';
      return n;
    });

}  // namespace
}  // namespace paiban
