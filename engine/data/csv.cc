// CSV tables (RFC 4180) → a List of Records, every cell with its span.
//
// read_csv_table → split_rows (fields, quotes, line/column of each cell)
//                → header names → one Record per row
//
// RFC 4180 §2: records end with CRLF (LF accepted too); a field may be
// enclosed in double quotes, and then may hold commas, line breaks and
// doubled quotes (""). Beyond the RFC, to read hand-written files: spaces
// around a field are dropped, and blank lines are skipped.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "data/data_internal.h"
#include "data/workbook.h"

namespace paiban::data {
namespace {

/// One field as written: its text (quotes removed) and where it starts.
struct Field {
  std::string text;
  Span span;
};

/// One record of the file: its fields and the line it starts on.
struct Row {
  std::vector<Field> fields;
  Span span;  ///< path:line:1
};

/// Walks the text byte by byte, keeping the 1-based line and code-point column.
class CsvScanner {
 public:
  CsvScanner(const TextFile& file, DiagnosticSink& sink) : file_(file), text_(file.text()), sink_(sink) {}

  std::vector<Row> split_rows() {
    std::vector<Row> rows;
    while (!at_end()) {
      Row row;
      row.span = {file_.path(), line_, 1};
      if (!read_row(row)) break;
      // A line of nothing, or of empty fields only (",,,," as spreadsheets export them), is no record.
      bool blank = std::all_of(row.fields.begin(), row.fields.end(), [](const auto& f) { return f.text.empty(); }) &&
                   !(row.fields.size() == 1 && last_field_quoted_);
      if (!blank) rows.push_back(std::move(row));
    }
    return rows;
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  char peek(size_t ahead = 0) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }
  bool at_line_end() const { return at_end() || peek() == '\n' || (peek() == '\r' && peek(1) == '\n'); }
  Span here() const { return {file_.path(), line_, column_}; }

  void advance() {
    auto byte = static_cast<unsigned char>(text_[pos_++]);
    if (byte == '\n') {
      ++line_;
      column_ = 1;
    } else if ((byte & 0xC0) != 0x80) {
      ++column_;  // a code point's first byte (the file is valid UTF-8)
    }
  }

  void skip_blanks() {
    while (!at_end() && (peek() == ' ' || peek() == '\t')) advance();
  }

  /// Reads one row up to and including its line end. False when the file
  /// cannot be read further (an unclosed quote swallowed the rest).
  bool read_row(Row& row) {
    for (;;) {
      skip_blanks();
      Field field;
      field.span = here();
      last_field_quoted_ = peek() == '"';
      if (last_field_quoted_) {
        if (!read_quoted(field)) {
          row.fields.push_back(std::move(field));
          return false;
        }
      } else {
        while (!at_line_end() && peek() != ',') field.text += text_[pos_], advance();
        while (!field.text.empty() && (field.text.back() == ' ' || field.text.back() == '\t')) field.text.pop_back();
      }
      row.fields.push_back(std::move(field));
      if (peek() == ',' && !at_end()) {
        advance();
        continue;
      }
      if (peek() == '\r') advance();
      if (!at_end()) advance();  // '\n'
      return true;
    }
  }

  bool read_quoted(Field& field) {
    Span opening = here();
    advance();  // the opening quote
    for (;;) {
      if (at_end()) {
        sink_.error(opening, "quoted field is never closed",
                    {"a field that starts with \" ends with \"; write \"\" for a quote inside it"});
        return false;
      }
      if (peek() == '"') {
        if (peek(1) == '"') {  // RFC 4180 §2.7: a doubled quote is one quote
          field.text += '"';
          advance();
          advance();
          continue;
        }
        advance();
        break;
      }
      field.text += text_[pos_];
      advance();
    }
    skip_blanks();
    if (!at_line_end() && peek() != ',') {
      sink_.error(here(), "unexpected text after the closing quote of a field",
                  {"write \"\" for a quote inside a quoted field"});
      while (!at_line_end() && peek() != ',') advance();
    }
    return true;
  }

  const TextFile& file_;
  const std::string& text_;
  DiagnosticSink& sink_;
  size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
  bool last_field_quoted_ = false;
};

}  // namespace

std::optional<Value> read_csv_table(const TextFile& file, DiagnosticSink& sink) {
  std::vector<Row> rows = CsvScanner(file, sink).split_rows();
  if (rows.empty()) {
    sink.error({file.path(), 1, 1}, "the table is empty", {"its first row names the columns, e.g. `专业,在校生`"});
    return std::nullopt;
  }

  // The header: a name per column. Unnamed and repeated columns are errors
  // and their cells are left out (a repeated name would hide one of them).
  const Row& header = rows[0];
  std::vector<std::optional<std::string>> names;
  std::map<std::string, size_t> first_column;
  for (size_t c = 0; c < header.fields.size(); ++c) {
    const Field& f = header.fields[c];
    names.emplace_back();
    if (f.text.empty()) {
      sink.error(f.span, fmt::format("column {} has no name", c + 1), {"the first row names every column"});
      continue;
    }
    auto [it, inserted] = first_column.emplace(f.text, c);
    if (!inserted) {
      sink.error(f.span, fmt::format("duplicate column \"{}\"", f.text),
                 {fmt::format("the first \"{}\" is column {}", f.text, it->second + 1)});
      continue;
    }
    names.back() = f.text;
  }

  Value table;
  table.kind = Value::Kind::List;
  table.list = std::make_shared<List>();
  table.span = {file.path(), 0, 0};
  for (size_t r = 1; r < rows.size(); ++r) {
    const Row& row = rows[r];
    if (row.fields.size() != header.fields.size()) {
      // A short or long row is usually a stray or missing comma: its cells
      // would land in the wrong columns, so the row is left out entirely.
      sink.error(row.span, fmt::format("row has {} field{}, the header has {}", row.fields.size(),
                                       row.fields.size() == 1 ? "" : "s", header.fields.size()),
                 {row.fields.size() > header.fields.size()
                      ? "a comma inside a cell needs the cell in double quotes: \"1,000\""
                      : "an empty cell is still separated by commas: 1,,3"});
      continue;
    }
    Value record;
    record.kind = Value::Kind::Record;
    record.record = std::make_shared<Record>();
    record.record->reserve(names.size());
    record.span = row.span;
    for (size_t c = 0; c < row.fields.size(); ++c)
      if (names[c]) (*record.record)[*names[c]] = csv_scalar_value(row.fields[c].text, row.fields[c].span);
    table.list->push_back(std::move(record));
  }
  return table;
}

}  // namespace paiban::data
