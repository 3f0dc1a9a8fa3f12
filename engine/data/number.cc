// Numbers: reading them as written in data files, rounding them in decimal,
// and printing them by Excel-style patterns.
//
// format_number → parse_pattern → round_decimal → to_decimal (fmt, 15 digits)
//
// Rounding works on decimal digits, never on binary doubles: 2.675 is stored
// as 2.67499999999999982…, so `std::round(x * 100) / 100` gives 2.67 where
// the report's author (and Excel) expect 2.68. Printing the double with 15
// significant digits (DBL_DIG) recovers the decimal that was written — and
// absorbs the noise of a computed ratio such as 0.1 + 0.2 — before the
// digits are rounded half away from zero.
#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "data/data_internal.h"
#include "data/workbook.h"

namespace paiban::data {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// Adds one to the decimal integer DIGITS (may be empty: "" + 1 = "1").
void increment_digits(std::string& digits) {
  for (size_t i = digits.size(); i-- > 0;) {
    if (digits[i] != '9') {
      ++digits[i];
      return;
    }
    digits[i] = '0';
  }
  digits.insert(digits.begin(), '1');
}

/// What a pattern such as "+#,##0.0#%" asks for.
struct NumberPattern {
  bool plus_sign = false;     ///< leading `+`: positive numbers print their sign
  bool group_thousands = false;  ///< a `,` in the integer part
  int min_integer_digits = 1;    ///< count of `0` before the point (at least 1)
  int min_fraction_digits = 0;   ///< count of `0` after the point
  int max_fraction_digits = 0;   ///< `0`s and `#`s after the point
  bool percent = false;          ///< trailing `%`: ×100
};

std::optional<NumberPattern> parse_pattern(std::string_view p) {
  NumberPattern out;
  size_t i = 0;
  if (i < p.size() && p[i] == '+') {
    out.plus_sign = true;
    ++i;
  }
  // Integer part: `#`s, then `0`s, with `,` only between placeholders
  // (Excel reads a trailing comma as "divide by 1000"; we do not support it).
  int placeholders = 0, zeros = 0;
  bool seen_zero = false;
  for (; i < p.size() && (p[i] == '#' || p[i] == '0' || p[i] == ','); ++i) {
    if (p[i] == ',') {
      bool next_is_placeholder = i + 1 < p.size() && (p[i + 1] == '#' || p[i + 1] == '0');
      if (placeholders == 0 || !next_is_placeholder) return std::nullopt;
      out.group_thousands = true;
      continue;
    }
    if (p[i] == '#' && seen_zero) return std::nullopt;  // "0#": an optional digit left of a required one
    if (p[i] == '0') seen_zero = true, ++zeros;
    ++placeholders;
  }
  if (placeholders == 0) return std::nullopt;
  out.min_integer_digits = std::max(1, zeros);
  if (i < p.size() && p[i] == '.') {
    ++i;
    for (; i < p.size() && p[i] == '0'; ++i) ++out.min_fraction_digits;
    out.max_fraction_digits = out.min_fraction_digits;
    for (; i < p.size() && p[i] == '#'; ++i) ++out.max_fraction_digits;
    if (out.max_fraction_digits == 0) return std::nullopt;  // "0." prints a dangling point
  }
  if (i < p.size() && p[i] == '%') {
    out.percent = true;
    ++i;
  }
  if (i != p.size()) return std::nullopt;
  return out;
}

/// "1234567" → "1,234,567" (ASCII commas: the bureau's tables use them).
std::string group_thousands(const std::string& digits) {
  std::string out;
  size_t first = digits.size() % 3;
  if (first == 0) first = 3;
  out.append(digits, 0, std::min(first, digits.size()));
  for (size_t i = first; i < digits.size(); i += 3) {
    out += ',';
    out.append(digits, i, 3);
  }
  return out;
}

}  // namespace

std::optional<double> parse_number_literal(std::string_view text) {
  std::string_view s = text;
  bool percent = !s.empty() && s.back() == '%';
  if (percent) s.remove_suffix(1);
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t integer_start = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  size_t integer_digits = i - integer_start;
  size_t fraction_digits = 0;
  if (i < s.size() && s[i] == '.') {
    size_t start = ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
    fraction_digits = i - start;
  }
  if (integer_digits + fraction_digits == 0) return std::nullopt;
  // "0101" is a code (school, district, phone), not the number 101: keep it text.
  if (integer_digits > 1 && s[integer_start] == '0') return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    if (percent) return std::nullopt;
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == start) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  // from_chars takes no leading '+'. A percentage is parsed as "96.65e-2" so
  // that 96.65% is the double nearest 0.9665, not 96.65 / 100 (0.96650000…01).
  std::string digits(s.substr(s[0] == '+' ? 1 : 0));
  if (percent) digits += "e-2";
  double value = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

Decimal to_decimal(double x, int shift) {
  Decimal out;
  x = std::fabs(x);
  if (x == 0 || !std::isfinite(x)) return out;
  // "d.dddddddddddddde±XX": 15 significant digits.
  std::string s = fmt::format("{:.14e}", x);
  size_t e = s.find('e');
  out.digits = s.substr(0, 1) + s.substr(2, e - 2);
  int exponent = std::stoi(s.substr(e + 1));
  out.point = exponent + 1 + shift;
  while (!out.digits.empty() && out.digits.back() == '0') out.digits.pop_back();
  return out;
}

bool RoundedDigits::is_zero() const {
  auto zero = [](const std::string& s) { return std::all_of(s.begin(), s.end(), [](char c) { return c == '0'; }); };
  return zero(integer) && zero(fraction);
}

RoundedDigits round_decimal(double x, int decimals, int shift) {
  Decimal d = to_decimal(x, shift);
  // SCALED: the digits of |x|·10^decimals up to the point, rounded.
  std::string scaled;
  int keep = d.point + decimals;  // how many of d.digits stand before that point
  if (keep >= static_cast<int>(d.digits.size())) {
    scaled = d.digits + std::string(keep - d.digits.size(), '0');
  } else if (keep >= 0) {
    scaled = d.digits.substr(0, keep);
    if (d.digits[keep] >= '5') increment_digits(scaled);  // half away from zero: |x| rounds up
  }
  RoundedDigits out;
  if (decimals <= 0) {
    out.integer = scaled.empty() ? "0" : scaled + std::string(-decimals, '0');
  } else {
    if (scaled.size() < static_cast<size_t>(decimals) + 1)
      scaled.insert(0, static_cast<size_t>(decimals) + 1 - scaled.size(), '0');
    out.integer = scaled.substr(0, scaled.size() - decimals);
    out.fraction = scaled.substr(scaled.size() - decimals);
  }
  size_t nonzero = out.integer.find_first_not_of('0');
  out.integer = nonzero == std::string::npos ? "0" : out.integer.substr(nonzero);
  return out;
}

double round_half_away(double x, int digits) {
  if (!std::isfinite(x)) return x;
  RoundedDigits r = round_decimal(x, digits);
  std::string text = (x < 0 ? "-" : "") + r.integer + (r.fraction.empty() ? "" : "." + r.fraction);
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc()) return x;
  return value == 0 ? 0.0 : value;  // no negative zero
}

std::optional<std::string> format_number(const Value& n, const std::string& pattern) {
  if (!n.is_number()) return std::nullopt;
  std::string_view effective = pattern;
  if (pattern.empty()) {
    if (!n.literal.empty()) return n.literal;
    effective = "0.##";
  }
  // A date pattern prints the number as a serial day, as a workbook does.
  if (is_date_pattern(effective)) return format_date(n.number, effective);
  auto p = parse_pattern(effective);
  if (!p) return std::nullopt;
  if (!std::isfinite(n.number)) return fmt::format("{}", n.number);

  RoundedDigits r = round_decimal(n.number, p->max_fraction_digits, p->percent ? 2 : 0);
  // Optional (`#`) decimals: drop trailing zeros down to the required ones.
  std::string fraction = r.fraction;
  while (static_cast<int>(fraction.size()) > p->min_fraction_digits && fraction.back() == '0') fraction.pop_back();
  std::string integer = r.integer;
  if (static_cast<int>(integer.size()) < p->min_integer_digits)
    integer.insert(0, p->min_integer_digits - integer.size(), '0');
  if (p->group_thousands) integer = group_thousands(integer);

  // A value that rounds to zero prints no sign: "-0.0%" or "+0%" would claim
  // a change the printed digits do not show.
  std::string sign;
  if (!r.is_zero()) {
    if (n.number < 0) sign = "-";
    else if (p->plus_sign) sign = "+";
  }
  std::string out = sign + integer;
  if (!fraction.empty()) out += "." + fraction;
  if (p->percent) out += "%";
  return out;
}

}  // namespace paiban::data
