// format_number: Excel-style patterns, rounding half away from zero in decimal.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "data/data.h"

namespace paiban::data {
namespace {

struct FormatCase {
  double number;
  const char* pattern;
  const char* printed;
};

TEST(FormatNumber, Patterns) {
  const FormatCase cases[] = {
      // Integers and grouping.
      {10266, "0", "10266"},
      {10266, "#,##0", "10,266"},
      {123, "#,##0", "123"},
      {999.5, "#,##0", "1,000"},
      {1234567.891, "#,##0.00", "1,234,567.89"},
      {-1234.5, "#,##0", "-1,235"},
      {1e15, "#,##0", "1,000,000,000,000,000"},
      {5, "000", "005"},
      {0.5, "#", "1"},
      // Fixed decimals.
      {0.6, "0.00", "0.60"},
      {31.634, "0.00", "31.63"},
      {31.634, "0.0", "31.6"},
      {31.65, "0.0", "31.7"},
      {0.1 + 0.2, "0.00", "0.30"},
      // Half away from zero, on the decimal written — not its binary neighbour.
      {0.125, "0.00", "0.13"},
      {2.675, "0.00", "2.68"},
      {1.005, "0.00", "1.01"},
      {-0.125, "0.00", "-0.13"},
      {-2.5, "0", "-3"},
      {2.5, "0", "3"},
      {0.0049, "0.00", "0.00"},
      {0.005, "0.00", "0.01"},
      // No sign on a value that rounds to zero.
      {-0.001, "0.00", "0.00"},
      {0, "+0.#%", "0%"},
      {-0.00001, "+0.#%", "0%"},
      // Percentages and signs.
      {0.03, "0.0%", "3.0%"},
      {0.999, "0.0%", "99.9%"},
      {0.9995, "0.0%", "100.0%"},
      {0.0005, "0.0%", "0.1%"},
      {0.958484, "+0.#%", "+95.8%"},
      {0.0902, "+0.#%", "+9%"},
      {1.6, "+0.#%", "+160%"},
      {-0.0902, "+0.#%", "-9%"},
      {0.9665, "0.00%", "96.65%"},
      {12, "+0", "+12"},
      // Optional decimals drop trailing zeros, and the point.
      {0.5, "0.##", "0.5"},
      {2, "0.##", "2"},
      {1.999, "0.##", "2"},
      {1.25, "0.0#", "1.25"},
      {1.2, "0.0#", "1.2"},
      {1.0, "0.0#", "1.0"},
      {1234.5678, "#,##0.0##", "1,234.568"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(fmt::format("{} with \"{}\"", c.number, c.pattern));
    EXPECT_EQ(format_number(Value::of_number(c.number), c.pattern), std::optional<std::string>(c.printed));
  }
}

TEST(FormatNumber, EmptyPatternPrintsTheLiteralElseUpToTwoDecimals) {
  EXPECT_EQ(format_number(Value::of_number(0.6, {}, "0.60"), ""), "0.60");
  EXPECT_EQ(format_number(Value::of_number(0.9665, {}, "96.65%"), ""), "96.65%");
  EXPECT_EQ(format_number(Value::of_number(10266), ""), "10266");
  EXPECT_EQ(format_number(Value::of_number(1.0 / 3), ""), "0.33");
  EXPECT_EQ(format_number(Value::of_number(-2.5), ""), "-2.5");
  EXPECT_EQ(format_number(Value::of_number(1234567), ""), "1234567");
  // A pattern overrides the literal.
  EXPECT_EQ(format_number(Value::of_number(0.6, {}, "0.60"), "0.0"), "0.6");
}

TEST(FormatNumber, MalformedPatternsAndNonNumbers) {
  const char* const malformed[] = {"abc", "0.",  "0,",   ",0",   "0,,0", "#0#", "0#",  "0.#0",
                                   "%",   "0%%", "++0",  "0+",   ".0",   "0 元", "0.0.0", "0.00x"};
  for (const char* pattern : malformed) {
    SCOPED_TRACE(pattern);
    EXPECT_EQ(format_number(Value::of_number(1), pattern), std::nullopt);
  }
  EXPECT_EQ(format_number(Value::of_text("10266"), "0"), std::nullopt);
  EXPECT_EQ(format_number(Value{}, ""), std::nullopt);
}

}  // namespace
}  // namespace paiban::data
