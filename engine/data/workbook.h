#pragma once
// Private to the data stage: workbooks (.xlsx, .xls) and CSV files as office
// software writes them, read into the same Lists of Records as a UTF-8 CSV.
//
// load_table_reference (a `{xlsx: …}` or `{csv: …}` map in a data file)
//   → read_xlsx_sheet (libzip + expat, streaming) | read_xls_sheet (freexl)
//   → Sheet (sparse cells as the workbook holds them)
//   → sheet_to_table (range, merged cells, header rows, `fields:`) → List
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/text_file.h"
#include "data/data.h"

namespace paiban::data {

/// Limits a workbook must keep (hostile input): beyond them it is refused.
inline constexpr uint64_t kMaxWorkbookEntryBytes = 64u << 20;  ///< an uncompressed part (the text-file limit)
inline constexpr uint64_t kMaxWorkbookBytes = 256u << 20;     ///< all parts read, uncompressed
inline constexpr int kMaxSheetRows = 200000;
inline constexpr int kMaxSheetColumns = 1000;
inline constexpr uint64_t kMaxSheetCells = 2000000;  ///< rows × columns of the part read

/// One cell as the workbook holds it.
struct Cell {
  enum class Kind : uint8_t { Empty, Number, Text, Bool, Date, Error };
  Kind kind = Kind::Empty;
  uint32_t shared_index = UINT32_MAX;  ///< while a sheet is read: the shared string a Text cell names
  double number = 0;  ///< Number, Bool (1/0), Date (a 1900-system serial day)
  std::string text;   ///< Text; Error: what is wrong ("#DIV/0!", "a formula without a cached value")
  const std::string* shared = nullptr;  ///< Text held by the sheet's shared strings instead (not copied per cell)
  const std::string& text_of() const { return shared ? *shared : text; }
};

/// A sheet: its non-empty cells, row by row (0-based indices).
struct Sheet {
  std::string name;
  struct Row {
    int index = 0;
    bool hidden = false;
    std::vector<std::pair<int, Cell>> cells;  ///< by column, ascending
  };
  std::vector<Row> rows;  ///< ascending index; rows without cells may be missing
  struct Merge {
    int first_row, first_column, last_row, last_column;
  };
  std::vector<Merge> merges;
  bool merges_known = true;  ///< false for .xls (freexl does not report them)
  std::shared_ptr<const std::vector<std::string>> strings;  ///< the shared strings cells point into
};

/// What `sheet:` asks for: a name, or (when no sheet has that name) a
/// 1-based index.
struct SheetChoice {
  std::string name;  ///< empty: the first sheet
  Span span;         ///< where it is written, for a missing sheet
};

/// A workbook file's sheet (by signature: ZIP → .xlsx, OLE → .xls, or an
/// encrypted workbook, reported as such). PATH as spans show it.
std::optional<Sheet> read_workbook_sheet(const std::string& path, const SheetChoice& choice, DiagnosticSink& sink);

std::optional<Sheet> read_xlsx_sheet(const std::string& path, const SheetChoice& choice, DiagnosticSink& sink);
std::optional<Sheet> read_xls_sheet(const std::string& path, const SheetChoice& choice, DiagnosticSink& sink);

/// How a sheet becomes a table.
struct TableShape {
  std::optional<Sheet::Merge> range;  ///< `range: A1:F40`
  int header_rows = 1;                ///< `header:`; 0: fields are the column letters
  bool skip_hidden = false;           ///< `skip-hidden: true`
  struct Rename {
    std::string from, to;
    Span span;  ///< where `from` is written
  };
  std::vector<Rename> fields;  ///< `fields: {在校生（人）: students}`
  Span span;                   ///< the reference in the data file
};

/// SHEET as a List of Records (one per non-blank row below the header),
/// every value spanned `PATH:Sheet!C5`.
/// COLUMNS (if given) receives the field names in column order.
std::optional<Value> sheet_to_table(const Sheet& sheet, const TableShape& shape, const std::string& path,
                                    DiagnosticSink& sink, std::vector<std::string>* columns = nullptr);

/// "path:学校!C5" (the sheet name quoted as Excel does when it needs it).
std::string cell_location(const std::string& path, const std::string& sheet, int row, int column);
/// "C5" → {4, 2}; "A1:F40" → a range. nullopt when malformed.
std::optional<std::pair<int, int>> parse_cell_ref(std::string_view ref);
std::optional<Sheet::Merge> parse_range(std::string_view range);

/// A CSV file's bytes as UTF-8: BOM dropped; not UTF-8 → ICU's detection
/// (GB18030/GBK for Chinese Windows) and conversion, with a warning naming
/// the encoding. ENCODING: "" (detect), or a name ICU knows ("gbk", "gb18030").
std::optional<TextFile> read_csv_file(const std::string& path, const std::string& encoding, const Span& written_at,
                                      DiagnosticSink& sink);

/// A CSV cell: scalar_value, and also numbers written with thousands
/// separators ("1,234", "10,596.80", "-1,234.5%").
Value csv_scalar_value(const std::string& text, Span span);

/// `{xlsx: …}` / `{xls: …}`: the options of the map, the file resolved by
/// RESOLVE, SPAN_OF turning the data file's marks into spans.
std::optional<Value> load_workbook_reference(
    const YAML::Node& map, const std::function<std::optional<std::string>(const std::string&, const Span&)>& resolve,
    const std::function<Span(const YAML::Mark&)>& span_of, DiagnosticSink& sink);

/// `{csv: …}`: the file read by read_csv_file (`encoding:`), parsed, its
/// fields renamed by `fields:`.
std::optional<Value> load_csv_reference(
    const YAML::Node& map, const std::function<std::optional<std::string>(const std::string&, const Span&)>& resolve,
    const std::function<Span(const YAML::Mark&)>& span_of, DiagnosticSink& sink);

/// Renames the fields of every record of TABLE, each unknown name an error
/// with a did-you-mean among COLUMNS.
void rename_fields(Value& table, const std::vector<TableShape::Rename>& fields, const std::vector<std::string>& columns,
                   DiagnosticSink& sink);

// ---- dates (date.cc) ---------------------------------------------------------

/// A 1900-system serial day (Excel's: 1 = 1900-01-01, 60 the phantom
/// 1900-02-29, 61 = 1900-03-01) → year, month, day.
struct CivilDate {
  int year, month, day;
};
CivilDate civil_from_serial(double serial);
double serial_from_civil(int year, int month, int day);
/// Whether PATTERN is a date pattern (holds y or d outside quotes).
bool is_date_pattern(std::string_view pattern);
/// SERIAL printed by a date pattern: yyyy yy m mm d dd, other text as is,
/// "quoted" text and \x literally. nullopt: malformed.
std::optional<std::string> format_date(double serial, std::string_view pattern);
/// The default printed form of a date: 2024年9月1日.
inline constexpr const char* kDefaultDatePattern = "yyyy年m月d日";

}  // namespace paiban::data
