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

/// Pages are compared at 96 dpi (a 12 pt glyph is 16 px wide, a Latin full
/// stop 2 × 2 px). A pixel differs when its grey is more than an eighth of the
/// range off. Anti-aliasing noise is a scattered pixel; a glyph, even a full
/// stop, is a blob of 5 or more: any 8 × 8 px square with kMaxInSquare
/// differing pixels or more fails the page.
constexpr int kDpi = 96;
constexpr int kSquare = 8, kMaxInSquare = 2;

struct Difference {
  size_t pixels = 0;  ///< differing pixels
  int densest = 0;    ///< the most differing pixels in any kSquare × kSquare square
  int x = 0, y = 0;   ///< where that square is (its top left)
  Gray map;           ///< differing pixels black on the reference, faded
};

Difference compare(const Gray& got, const Gray& want) {
  Difference d;
  d.map = got;
  const int w = got.width, h = got.height;
  // Summed-area table of the differing pixels.
  std::vector<int> sum(size_t(w + 1) * (h + 1), 0);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      size_t i = size_t(y) * w + x;
      bool off = std::abs(int(got.pixels[i]) - int(want.pixels[i])) > 32;
      d.pixels += off;
      d.map.pixels[i] = off ? 0 : static_cast<unsigned char>(200 + want.pixels[i] / 5);
      sum[size_t(y + 1) * (w + 1) + x + 1] =
          off + sum[size_t(y) * (w + 1) + x + 1] + sum[size_t(y + 1) * (w + 1) + x] - sum[size_t(y) * (w + 1) + x];
    }
  for (int y = 0; y + kSquare <= h; ++y)
    for (int x = 0; x + kSquare <= w; ++x) {
      auto at = [&](int xx, int yy) { return sum[size_t(yy) * (w + 1) + xx]; };
      int n = at(x + kSquare, y + kSquare) - at(x, y + kSquare) - at(x + kSquare, y) + at(x, y);
      if (n > d.densest) d.densest = n, d.x = x, d.y = y;
    }
  return d;
}

bool same_page(const Difference& d) { return d.densest < kMaxInSquare; }

/// Page PAGE of PDF rendered in grey to BASE.png.
std::string render_page(const std::string& pdf, int page, const std::string& base) {
  run_command("pdftoppm -r " + std::to_string(kDpi) + " -gray -png -singlefile -f " + std::to_string(page) + " -l " +
              std::to_string(page) + " " + pdf + " " + base);
  return base + ".png";
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
  return render_page(pdf, c.page, dir + "/" + c.name);
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
  Difference d = compare(*got, *want);
  if (!same_page(d)) {
    std::string out = std::string(PAIBAN_TEST_OUTPUT) + "/" + c.name + "-diff.png";
    write_png(out, d.map);
    ADD_FAILURE() << c.name << ": " << d.pixels << " pixels differ, " << d.densest << " of them in the " << kSquare
                  << " px square at (" << d.x << ", " << d.y << "); see " << out;
  }
}

/// The comparison itself: a page that lost one glyph, the smallest there is,
/// is not the same page.
TEST(RenderedPageComparison, OneMissingGlyphFails) {
  testing::TempDir dir;
  const std::string head = "---\ntitle: 报告\n---\n\n";
  const std::string whole = "正文段落的最后一行，句末有标点";
  auto page_of = [&](const std::string& name, const std::string& body) {
    dir.write(name + "/report.md", head + body + "\n");
    std::string pdf = (dir.path() / (name + ".pdf")).string();
    auto r = run_command(std::string(PAIBAN_BINARY) + " build " + (dir.path() / name).string() + " -o " + pdf);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto g = read_png(render_page(pdf, 2, (dir.path() / name).string()));
    EXPECT_TRUE(g);
    return g.value_or(Gray{});
  };
  // The last glyph of a paragraph: nothing else on the page moves without it.
  for (const char* last : {"。", "、", "，", ".", "1", "l"}) {
    SCOPED_TRACE(last);
    Gray with = page_of("with", whole + last), without = page_of("without", whole);
    ASSERT_EQ(with.pixels.size(), without.pixels.size());
    Difference d = compare(with, without);
    EXPECT_FALSE(same_page(d)) << d.pixels << " pixels differ, at most " << d.densest << " in a square";
    EXPECT_TRUE(same_page(compare(with, page_of("again", whole + last))));
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
                      PageCase{"figures-example", 8, "figures-case-grid"},
                      PageCase{"notice-2024", 1, "notice-first"},
                      PageCase{"notice-2024", 5, "notice-last"}),
    [](const ::testing::TestParamInfo<PageCase>& info) {
      std::string n = info.param.name;
      for (char& ch : n)
        if (ch == '-') ch = '_';
      return n;
    });

}  // namespace
}  // namespace paiban
