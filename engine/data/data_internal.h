#pragma once
// Private helpers shared by the files of the data stage (not part of its
// interface: only data.h is).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/text_file.h"
#include "data/data.h"

namespace paiban::data {

// ---- numbers (number.cc) ----------------------------------------------------

/// A number as written in a data file or a CSV cell: an optional sign,
/// digits with an optional fraction, an optional exponent, or a percentage
/// (`96.65%` → 0.9665). No thousands separators, no hex, no inf/nan; an
/// integer with a leading zero ("0101", a school code) is not a number.
std::optional<double> parse_number_literal(std::string_view text);

/// A non-negative number as decimal digits: value = 0.DIGITS × 10^POINT,
/// i.e. POINT digits stand before the decimal point (POINT may be ≤ 0).
struct Decimal {
  std::string digits;  ///< significant digits, no leading zero (empty for zero)
  int point = 0;       ///< position of the decimal point counted from the first digit
};

/// |X| as 15 significant decimal digits (DBL_DIG: every decimal a person
/// wrote with up to 15 digits comes back exactly, and 2.675 stays 2.675
/// instead of its binary neighbour 2.67499999…), times 10^SHIFT.
Decimal to_decimal(double x, int shift = 0);

/// The digits of |X|·10^SHIFT rounded half away from zero to DECIMALS places
/// after the point: the integer part (at least "0") and exactly DECIMALS
/// fraction digits.
struct RoundedDigits {
  std::string integer;
  std::string fraction;
  bool is_zero() const;
};
RoundedDigits round_decimal(double x, int decimals, int shift = 0);

/// X rounded half away from zero to DIGITS decimal places (negative DIGITS
/// round to tens, hundreds, …), as a double.
double round_half_away(double x, int digits);

// ---- descriptions for messages (describe.cc) --------------------------------

/// "number 10391", "text \"公办\"", "an empty value", "a list of 3 items", "a record".
std::string describe_kind(const Value& v);
/// describe_kind plus " (path:line:col)" when the value was read from a file.
std::string describe_value(const Value& v, bool from_data);

using paiban::edit_distance;  // base/text_file.h

/// The key of KEYS closest to WANTED within edit distance 2 and not wholly
/// different (distance below the longer length), if any (ties: the first in
/// KEYS' order).
std::optional<std::string> closest_key(const std::string& wanted, const std::vector<std::string>& keys);

/// "existing keys: a, b, c" (at most 8, then "… (12 in all)").
std::string list_keys_hint(const std::vector<std::string>& keys);

// ---- expressions (expression.cc) --------------------------------------------

/// The value of an expression and whether it is a datum read as is (a plain
/// path such as `students.total`) rather than computed.
struct Evaluation {
  Value value;
  bool from_data = false;
};

/// evaluate() with the extra fact run_checks needs (which values are data).
std::optional<Evaluation> evaluate_expression(const std::string& expression, const DataSet& data,
                                              const Span& span, DiagnosticSink& sink);

/// SPAN moved right by OFFSET code points (when its column is known).
Span offset_span(const Span& span, int offset);

// ---- CSV (csv.cc) -----------------------------------------------------------

/// Parses FILE as an RFC 4180 table: a header row naming the columns, then
/// one Record per row. Reports malformed quoting, unnamed or repeated
/// columns and rows whose field count differs from the header's (those rows
/// are left out). Returns a List (possibly empty), or nullopt when there is
/// no header.
std::optional<Value> read_csv_table(const TextFile& file, DiagnosticSink& sink);

/// A cell's text → Null (empty), Number (parse_number_literal, literal kept)
/// or Text.
Value scalar_value(const std::string& text, Span span);

}  // namespace paiban::data
