#pragma once
// Report data: YAML and CSV files beside the source, expressions over them,
// number formats, and consistency checks.
//
// load_data_set → YAML files (yaml-cpp, positions kept) and the CSV tables
// they name → one tree of Values. evaluate() runs an expression such as
// `sum(majors.students) - students.total_2021` against it; format_number()
// prints a number by an Excel-style pattern ("0.00", "#,##0", "+0.#%").
// run_checks() evaluates the `checks:` of the data files.
#include <map>
#include <string_view>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/diagnostic.h"

namespace paiban::data {

struct Value;
class Record;
using List = std::vector<Value>;

/// A datum with where it came from.
struct Value {
  enum class Kind { Null, Number, Text, List, Record };
  Kind kind = Kind::Null;
  double number = 0;
  std::string text;
  /// The number exactly as written in the file ("0.60", "10266"), for
  /// printing it back unchanged; empty for computed numbers.
  std::string literal;
  std::shared_ptr<List> list;      ///< Kind::List
  std::shared_ptr<Record> record;  ///< Kind::Record (also the root)
  Span span;                       ///< file:line:col of the datum; for computed values, of the expression

  static Value of_number(double n, Span span = {}, std::string literal = {});
  static Value of_text(std::string t, Span span = {});
  bool is_number() const { return kind == Kind::Number; }
};

/// A record's fields, keys in sorted order: the part of std::map's interface
/// the stages use, over one sorted vector (a table row of seven fields is one
/// allocation, not seven tree nodes). Inserting may move the fields: hold
/// keys, not references, across an insertion.
class Record {
 public:
  using value_type = std::pair<std::string, Value>;
  using iterator = std::vector<value_type>::iterator;
  using const_iterator = std::vector<value_type>::const_iterator;

  iterator begin() { return fields_.begin(); }
  iterator end() { return fields_.end(); }
  const_iterator begin() const { return fields_.begin(); }
  const_iterator end() const { return fields_.end(); }
  size_t size() const { return fields_.size(); }
  bool empty() const { return fields_.empty(); }
  void reserve(size_t n) { fields_.reserve(n); }

  iterator find(std::string_view key) {
    auto it = lower_bound(key);
    return it != fields_.end() && it->first == key ? it : fields_.end();
  }
  const_iterator find(std::string_view key) const { return const_cast<Record*>(this)->find(key); }
  size_t count(std::string_view key) const { return find(key) != end() ? 1 : 0; }
  const Value& at(std::string_view key) const;
  Value& operator[](std::string_view key) { return emplace(key, Value{}).first->second; }
  /// Inserts KEY → VALUE unless KEY is there already (as std::map::emplace).
  std::pair<iterator, bool> emplace(std::string_view key, Value value);
  /// As emplace; appending in key order (HINT == end()) costs no search.
  iterator emplace_hint(const_iterator hint, std::string_view key, Value value);

 private:
  iterator lower_bound(std::string_view key);
  std::vector<value_type> fields_;
};

/// All data of one report: the root record whose keys are the top-level keys
/// of every YAML file (two files may not define the same key).
struct DataSet {
  Value root;  ///< Kind::Record
  /// The `checks:` entries of every data file, in order.
  struct Check {
    std::string name;               ///< what it checks, in the bureau's words
    std::vector<std::string> equal; ///< expressions that must give the same value
    std::vector<Span> spans;        ///< where each expression is written
    std::string format;             ///< compare at this printed precision ("0.0%"); empty: exact (1e-9)
    Span span;                      ///< the check itself
  };
  std::vector<Check> checks;
  /// The `{expr: …}` values, by the span of their expression (Span::to_string):
  /// the expression and the spans of the data it read (for paiban diff's provenance).
  struct Derived {
    std::string expression;
    std::vector<Span> reads;
  };
  std::map<std::string, Derived> derived;
};

/// Provenance: while a ReadRecorder lives on a thread, evaluate() notes in it
/// the span of every datum it reads (a field, an item, a list counted). The
/// innermost recorder gets them. Nothing is noted without one.
class ReadRecorder {
 public:
  ReadRecorder();
  ~ReadRecorder();
  ReadRecorder(const ReadRecorder&) = delete;
  ReadRecorder& operator=(const ReadRecorder&) = delete;
  std::vector<Span> take() { return std::move(reads_); }
  /// Notes SPAN in the current recorder, if there is one.
  static void note(const Span& span);
  static bool active();

 private:
  // (The thread's current recorder is a thread_local of expression.cc, reached only there:
  // a thread_local class member used from inline code in other files is misread by UBSan.)
  std::vector<Span> reads_;
  ReadRecorder* previous_;
};

/// Loads FILES (paths relative to REPORT_DIR). A YAML key whose value is a
/// map `{csv: tables/x.csv}` loads that CSV: its first row names the columns,
/// every further row becomes a Record; cells that parse as numbers are
/// numbers ("1,234", "12.5%" too), empty cells are Null. A CSV that is not
/// UTF-8 is detected (GBK) and converted with a warning, or read in its
/// `encoding:`. `{xlsx: tables/x.xlsx, sheet: 学校, header: 1, range: A1:F40,
/// fields: {…}, skip-hidden: true}` (or `xls:`) loads a workbook's sheet the
/// same way (workbook.h); its values are spanned `x.xlsx:学校!C5`.
/// Reports malformed YAML, duplicate keys, CSV rows with too few or too many
/// fields, files that are not UTF-8, and paths that leave REPORT_DIR — each at
/// path:line:col. Returns nullopt only when nothing could be loaded.
/// (Spans name files as REPORT_DIR/relative path, like report.md's spans; a
/// top-level `checks:` key goes to DataSet::checks, not into the root.)
std::optional<DataSet> load_data_set(const std::string& report_dir, const std::vector<std::string>& files,
                                     DiagnosticSink& sink);

/// One sheet of a workbook (.xlsx, .xls; SHEET: a name or 1-based number,
/// empty for the first) or a CSV file, header in its first row: one Record
/// per row, for `paiban batch TEMPLATE data.xlsx`. nullopt after an error.
/// COLUMNS (if given) receives the field names in the order of the columns.
std::optional<Value> load_table_file(const std::string& path, const std::string& sheet, DiagnosticSink& sink,
                                     std::vector<std::string>* columns = nullptr);

/// Evaluates EXPRESSION against DATA. SPAN is where the expression is
/// written (errors are reported there, offset to the failing token).
///
/// Grammar: numbers (1, 2.5), strings ("x"), paths (a.b.c, list[0].x, and
/// list.field giving the list of that field; a["在校生（人）"] for a key that
/// is not a name, and in a table's columns row["…"] for the row's own), + - * / with the usual
/// precedence, unary -, parentheses, and functions:
///   sum(list) · count(list) · min(list) · max(list) · avg(list)
///   round(x, digits) · abs(x)
///   pct(part, whole) = part / whole (a ratio, formatted with a % pattern)
///   growth(new, old) = (new - old) / old
///   where(list, "field", value) = the records of list whose field equals value
/// A missing key is an error naming the key, with a did-you-mean hint among
/// the keys that exist at that level. Division by zero is an error.
std::optional<Value> evaluate(const std::string& expression, const DataSet& data, const Span& span,
                              DiagnosticSink& sink);

/// Formats N by an Excel-style PATTERN: `0` a digit, `#` an optional digit
/// after the point, `,` in the integer part groups thousands, a trailing `%`
/// multiplies by 100, a leading `+` prints the sign of positive numbers.
/// Rounds half away from zero at the pattern's precision.
/// "0" → 10266; "#,##0" → 10,266; "0.00" → 0.60; "0.0%" → 3.0%; "+0.#%" → +9%, +95.8%.
/// An empty pattern prints the number's literal if it has one, else the
/// shortest form with up to 2 decimals. Returns nullopt for a malformed pattern
/// (and for a value that is not a number).
std::optional<std::string> format_number(const Value& n, const std::string& pattern);

/// Evaluates every check; each failure is reported (as a warning; the CLI
/// promotes it with --strict) with both values and where each comes from.
/// Returns the number of failed checks.
int run_checks(const DataSet& data, DiagnosticSink& sink);

}  // namespace paiban::data
