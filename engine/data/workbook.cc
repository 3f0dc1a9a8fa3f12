// Workbook sheets → tables, and the `{xlsx: …}`, `{xls: …}` and `{csv: …}`
// references of the data files.
//
// load_workbook_reference → read_workbook_sheet (signature → xlsx.cc | xls.cc)
//                         → sheet_to_table: the area (range, or the cells'
//                           extent: trailing empty rows and columns drop
//                           out) → merged ranges filled → header rows
//                           joined into names → `fields:` → one Record a row
#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "base/side_task.h"
#include "data/data_internal.h"
#include "data/workbook.h"

namespace paiban::data {

std::optional<std::pair<int, int>> parse_cell_ref(std::string_view ref) {
  size_t i = 0;
  long column = 0, row = 0;
  if (i < ref.size() && ref[i] == '$') ++i;
  size_t letters = i;
  for (; i < ref.size() && ((ref[i] >= 'A' && ref[i] <= 'Z') || (ref[i] >= 'a' && ref[i] <= 'z')); ++i) {
    column = column * 26 + ((ref[i] | 0x20) - 'a' + 1);
    if (column > 16384) return std::nullopt;  // XFD, the last column a workbook has
  }
  if (i == letters) return std::nullopt;
  if (i < ref.size() && ref[i] == '$') ++i;
  size_t digits = i;
  for (; i < ref.size() && ref[i] >= '0' && ref[i] <= '9'; ++i) {
    row = row * 10 + (ref[i] - '0');
    if (row > 1048576) return std::nullopt;
  }
  if (i == digits || i != ref.size() || row == 0) return std::nullopt;
  return std::pair<int, int>{static_cast<int>(row - 1), static_cast<int>(column - 1)};
}

std::optional<Sheet::Merge> parse_range(std::string_view range) {
  size_t colon = range.find(':');
  auto a = parse_cell_ref(range.substr(0, colon));
  auto b = colon == std::string_view::npos ? a : parse_cell_ref(range.substr(colon + 1));
  if (!a || !b) return std::nullopt;
  return Sheet::Merge{std::min(a->first, b->first), std::min(a->second, b->second), std::max(a->first, b->first),
                      std::max(a->second, b->second)};
}

std::string cell_location(const std::string& path, const std::string& sheet, int row, int column) {
  bool plain = !sheet.empty() && std::all_of(sheet.begin(), sheet.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 0x80 || std::isalnum(u) || c == '_';
  });
  std::string name = plain ? sheet : "'" + sheet + "'";
  return fmt::format("{}:{}!{}{}", path, name, column_letters(column), row + 1);
}

std::optional<Sheet> read_workbook_sheet(const std::string& path, const SheetChoice& choice, DiagnosticSink& sink) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    sink.error(choice.span.path.empty() ? Span{path, 0, 0} : choice.span, fmt::format("cannot read {}", path),
               {"the path is relative to the report folder"});
    return std::nullopt;
  }
  if (static_cast<uint64_t>(in.tellg()) > kMaxWorkbookEntryBytes) {
    sink.error({path, 0, 0}, fmt::format("the workbook is larger than {} MB", kMaxWorkbookEntryBytes >> 20),
               {"give the report a workbook with only the data it uses"});
    return std::nullopt;
  }
  in.seekg(0);
  char magic[8] = {};
  in.read(magic, sizeof magic);
  if (std::string_view(magic, 2) == "PK") return read_xlsx_sheet(path, choice, sink);
  if (std::string_view(magic, 8) == std::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)) {
    // An OLE compound file: Excel 97–2003, or an .xlsx encrypted by a
    // password (ECMA-376 Part 2 / MS-OFFCRYPTO: its ZIP sits in a stream
    // "EncryptedPackage").
    in.seekg(0);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    static const std::string kEncrypted = [] {
      std::string s;
      for (char c : std::string("EncryptedPackage")) s += c, s += '\0';
      return s;
    }();
    if (bytes.find(kEncrypted) != std::string::npos) {
      sink.error({path, 0, 0}, "the workbook is encrypted (protected by a password to open)",
                 {"save a copy without the password for the report: 文件 → 信息 → 保护工作簿 → 用密码进行加密, "
                  "clear the password"});
      return std::nullopt;
    }
    return read_xls_sheet(path, choice, sink);
  }
  sink.error({path, 0, 0}, "the file is not a workbook (.xlsx or .xls)",
             {"a CSV file is named by csv: tables/x.csv; a workbook is saved by Excel or WPS as .xlsx"});
  return std::nullopt;
}

namespace {

/// The column WANTED most likely means: one that begins with it (在校生 →
/// 在校生（人）, a header with its unit), else the closest by edit distance.
std::optional<std::string> closest_column(const std::string& wanted, const std::vector<std::string>& columns) {
  if (!wanted.empty())
    for (const auto& c : columns)
      if (c.size() > wanted.size() && c.compare(0, wanted.size(), wanted) == 0) return c;
  return closest_key(wanted, columns);
}

/// N with 15 significant digits, as printf's %.15g (what the cell shows in
/// General format: 0.30000000000000004 → 0.3).
std::string number_text(double n) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, n, std::chars_format::general, 15);
  return ec == std::errc() ? std::string(buffer, end) : fmt::format("{:.15g}", n);
}

/// A cell as a header shows it.
std::string display_text(const Cell& c) {
  switch (c.kind) {
    case Cell::Kind::Empty: return "";
    case Cell::Kind::Number: return number_text(c.number);
    case Cell::Kind::Text: return c.text_of();
    case Cell::Kind::Bool: return c.number != 0 ? "TRUE" : "FALSE";
    case Cell::Kind::Date: return format_date(c.number, kDefaultDatePattern).value_or("");
    case Cell::Kind::Error: return c.text;
  }
  return "";
}

/// A header text as a field name: line breaks (Alt+Enter in a cell) and
/// the spaces around them dropped.
std::string clean_name(std::string s) {
  std::string out;
  for (char c : s)
    if (c != '\n' && c != '\r' && c != '\t') out += c;
  size_t a = out.find_first_not_of(' '), b = out.find_last_not_of(' ');
  return a == std::string::npos ? "" : out.substr(a, b - a + 1);
}

}  // namespace

std::optional<Value> sheet_to_table(const Sheet& sheet, const TableShape& shape, const std::string& path,
                                    DiagnosticSink& sink, std::vector<std::string>* column_names) {
  const int errors_before = sink.error_count();
  // "path:学校!" once; a cell's span appends its column and row.
  std::string location = cell_location(path, sheet.name, 0, 0);
  const SpanPath prefix(location.substr(0, location.size() - 3));  // "path:学校" shared by every cell
  auto where = [&](int r, int c) { return Span{prefix, r + 1, c + 1, true}; };
  Span sheet_span{fmt::format("{}:{}", path, sheet.name), 0, 0};

  // The area: the range asked for, cut to the cells' extent (so trailing
  // empty rows and columns drop out).
  int first_row = INT32_MAX, first_column = INT32_MAX, last_row = -1, last_column = -1;
  for (const auto& row : sheet.rows)
    for (const auto& [c, cell] : row.cells) {
      if (shape.range && (row.index < shape.range->first_row || row.index > shape.range->last_row ||
                          c < shape.range->first_column || c > shape.range->last_column))
        continue;
      first_row = std::min(first_row, row.index), last_row = std::max(last_row, row.index);
      first_column = std::min(first_column, c), last_column = std::max(last_column, c);
    }
  if (shape.range) {
    // The range's first row holds the header even above the first filled cell.
    first_row = shape.range->first_row;
    first_column = shape.range->first_column;
  }
  if (last_row < first_row || last_column < first_column) {
    sink.error(shape.range ? Span{fmt::format("{}:{}!{}{}", path, sheet.name, column_letters(first_column), first_row + 1), 0, 0}
                           : sheet_span,
               shape.range ? "the range holds no cells" : "the sheet is empty",
               {"its first row names the columns, e.g. 学校名称 | 在校生"});
    return std::nullopt;
  }
  const int rows = last_row - first_row + 1, columns = last_column - first_column + 1;
  if (static_cast<uint64_t>(rows) * static_cast<uint64_t>(columns) > kMaxSheetCells) {
    sink.error(sheet_span, fmt::format("the table is {} rows by {} columns, more than the {} cells a sheet may have",
                                       rows, columns, kMaxSheetCells),
               {"give the report only the part it uses (range: A1:F40)"});
    return std::nullopt;
  }

  // Dense: a pointer per cell of the area.
  std::vector<const Cell*> grid(static_cast<size_t>(rows) * columns, nullptr);
  std::vector<bool> hidden(rows, false);
  auto at = [&](int r, int c) -> const Cell*& { return grid[static_cast<size_t>(r - first_row) * columns + (c - first_column)]; };
  for (const auto& row : sheet.rows) {
    if (row.index < first_row || row.index > last_row) continue;
    hidden[row.index - first_row] = row.hidden;
    for (const auto& [c, cell] : row.cells)
      if (c >= first_column && c <= last_column) at(row.index, c) = &cell;
  }
  // Merged ranges: the top-left cell's value fills the range (so that a
  // label merged down a group is on every row of it).
  auto find_cell = [&](int r, int c) -> const Cell* {
    auto row = std::lower_bound(sheet.rows.begin(), sheet.rows.end(), r,
                                [](const Sheet::Row& x, int index) { return x.index < index; });
    if (row == sheet.rows.end() || row->index != r) return nullptr;
    auto cell = std::lower_bound(row->cells.begin(), row->cells.end(), c,
                                 [](const std::pair<int, Cell>& x, int column) { return x.first < column; });
    return cell != row->cells.end() && cell->first == c ? &cell->second : nullptr;
  };
  uint64_t filled = 0;
  for (const auto& m : sheet.merges) {
    const Cell* origin = find_cell(m.first_row, m.first_column);
    if (!origin) continue;
    int r0 = std::max(m.first_row, first_row), r1 = std::min(m.last_row, last_row);
    int c0 = std::max(m.first_column, first_column), c1 = std::min(m.last_column, last_column);
    if (r0 > r1 || c0 > c1) continue;
    filled += static_cast<uint64_t>(r1 - r0 + 1) * static_cast<uint64_t>(c1 - c0 + 1);
    if (filled > 2 * kMaxSheetCells) {
      sink.error(sheet_span, "the sheet's merged ranges cover more cells than a sheet may have");
      return std::nullopt;
    }
    for (int r = r0; r <= r1; ++r)
      for (int c = c0; c <= c1; ++c) at(r, c) = origin;
  }

  // The names: the header rows' texts joined (a text repeated down a merged
  // range counts once), renamed by `fields:`.
  const int header_rows = std::min(shape.header_rows, rows);
  std::vector<std::string> names(columns);
  std::vector<bool> used(columns, false);
  for (int c = 0; c < columns; ++c)
    for (int r = 0; r < rows && !used[c]; ++r) used[c] = at(first_row + r, first_column + c) != nullptr;
  for (int c = 0; c < columns; ++c) {
    if (shape.header_rows == 0) {
      names[c] = column_letters(first_column + c);
      continue;
    }
    std::string last;
    for (int r = 0; r < header_rows; ++r) {
      const Cell* cell = at(first_row + r, first_column + c);
      std::string text = cell ? clean_name(display_text(*cell)) : "";
      if (!text.empty() && text != last) names[c] += text;
      if (!text.empty()) last = text;
    }
  }
  std::map<std::string, int> by_name;
  for (int c = 0; c < columns; ++c)
    if (!names[c].empty()) by_name.emplace(names[c], c);
  for (const auto& rename : shape.fields) {
    auto it = by_name.find(rename.from);
    if (it == by_name.end()) {
      std::vector<std::string> keys;
      for (const auto& n : names)
        if (!n.empty()) keys.push_back(n);
      std::vector<std::string> hints;
      if (auto near = closest_column(rename.from, keys)) hints.push_back(fmt::format("did you mean \"{}\"?", *near));
      hints.push_back(fmt::format("the sheet's columns: {}", fmt::join(keys, ", ")));
      sink.error(rename.span, fmt::format("the sheet has no column \"{}\"", rename.from), hints);
      continue;
    }
    names[it->second] = rename.to;
  }
  std::map<std::string, int> first_column_of;
  for (int c = 0; c < columns; ++c) {
    if (!used[c]) continue;  // an empty column inside the table
    Span header_span = where(first_row, first_column + c);
    if (names[c].empty()) {
      sink.error(header_span, fmt::format("column {} has no name", column_letters(first_column + c)),
                 {fmt::format("the first {} of the table name every column", header_rows == 1 ? "row" : "rows")});
      used[c] = false;
      continue;
    }
    auto [it, inserted] = first_column_of.emplace(names[c], c);
    if (!inserted) {
      sink.error(header_span, fmt::format("duplicate column \"{}\"", names[c]),
                 {fmt::format("the first \"{}\" is column {}; rename one in `fields:`", names[c],
                              column_letters(first_column + it->second))});
      used[c] = false;
    }
  }

  if (column_names)
    for (int c = 0; c < columns; ++c)
      if (used[c]) column_names->push_back(names[c]);
  Value table;
  table.kind = Value::Kind::List;
  table.list = std::make_shared<List>();
  table.span = sheet_span;
  int reported = 0;
  // Columns in name order: each record's keys are then inserted at its end.
  std::vector<int> by_key;
  for (int c = 0; c < columns; ++c)
    if (used[c]) by_key.push_back(c);
  std::sort(by_key.begin(), by_key.end(), [&](int a, int b) { return names[a] < names[b]; });
  // The rows that become records: not hidden (when asked), not blank. Their
  // error cells are reported first; a table with one is not built.
  std::vector<int> record_rows;
  record_rows.reserve(static_cast<size_t>(rows - header_rows));
  for (int r = header_rows; r < rows; ++r) {
    const int sheet_row = first_row + r;
    if (shape.skip_hidden && hidden[r]) continue;
    bool blank = true;
    for (int c = 0; c < columns && blank; ++c) blank = !at(sheet_row, first_column + c) || !used[c];
    if (blank) continue;  // as a blank line of a CSV
    record_rows.push_back(sheet_row);
    for (int c = 0; c < columns; ++c) {
      const Cell* cell = at(sheet_row, first_column + c);
      if (!used[c] || !cell || cell->kind != Cell::Kind::Error || ++reported > 10) continue;
      bool formula = cell->text.find("formula") != std::string::npos;
      sink.error(where(sheet_row, first_column + c),
                 formula ? fmt::format("cell holds {}", cell->text) : fmt::format("cell holds the error {}", cell->text),
                 {formula ? "the workbook was saved by a program that does not calculate; open it in Excel "
                            "or WPS, let it calculate, and save it"
                          : "correct the cell's formula or data in the workbook"});
    }
  }
  if (reported > 10)
    sink.error(sheet_span, fmt::format("{} cells in all hold errors (the first 10 are shown)", reported));
  if (sink.error_count() > errors_before) return std::nullopt;

  // Records [from, to) of record_rows into the table's places.
  table.list->resize(record_rows.size());
  auto build = [&](size_t from, size_t to) {
    std::unordered_map<double, std::string> date_texts;  // dates repeat down a column
    for (size_t i = from; i < to; ++i) {
      const int sheet_row = record_rows[i];
      Value& record = (*table.list)[i];
      record.kind = Value::Kind::Record;
      record.record = std::make_shared<Record>();
      record.record->reserve(by_key.size());
      record.span = where(sheet_row, first_column);
      for (int c : by_key) {
        const Cell* cell = at(sheet_row, first_column + c);
        Value v;
        v.span = where(sheet_row, first_column + c);
        if (cell) {
          switch (cell->kind) {
            case Cell::Kind::Empty: break;
            case Cell::Kind::Number:
              v.kind = Value::Kind::Number;
              v.number = cell->number;
              v.literal = number_text(cell->number);
              break;
            case Cell::Kind::Text:
              v.kind = Value::Kind::Text;
              v.text = cell->text_of();
              break;
            case Cell::Kind::Bool:
              v.kind = Value::Kind::Number;
              v.number = cell->number;
              v.literal = cell->number != 0 ? "是" : "否";
              break;
            case Cell::Kind::Date: {
              auto [it, inserted] = date_texts.try_emplace(cell->number);
              if (inserted) it->second = format_date(cell->number, kDefaultDatePattern).value_or("");
              v.kind = Value::Kind::Number;
              v.number = cell->number;
              v.literal = it->second;
              break;
            }
            case Cell::Kind::Error: break;  // reported above
          }
        }
        record.record->emplace_hint(record.record->end(), names[c], std::move(v));
      }
    }
  };
  // A large sheet's records are built by two threads, half each (the result
  // is the same: every record has its place).
  const size_t n = record_rows.size(), half = n / 2;
  if (n < 8192) {
    build(0, n);
  } else {
    SideTask second_half([&] { build(half, n); });
    build(0, half);
    second_half.join();
  }
  return table;
}

Value csv_scalar_value(const std::string& text, Span span) {
  Value v = scalar_value(text, span);
  if (v.kind != Value::Kind::Text || text.find(',') == std::string::npos) return v;
  // "1,234", "-10,596.80", "1,234.5%": groups of three digits after the first.
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  size_t lead = i;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == lead || i - lead > 3 || text[lead] == '0') return v;
  std::string plain = text.substr(0, i);
  while (i < text.size() && text[i] == ',') {
    size_t start = ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i - start != 3) return v;
    plain += text.substr(start, 3);
  }
  plain += text.substr(i);
  if (plain.find(',') != std::string::npos) return v;
  auto n = parse_number_literal(plain);
  if (!n) return v;
  return Value::of_number(*n, span, text);
}

namespace {

using Resolver = std::function<std::optional<std::string>(const std::string&, const Span&)>;
using Spanner = std::function<Span(const YAML::Mark&)>;

/// Unknown keys of a table reference, each with a did-you-mean.
void check_keys(const YAML::Node& map, const std::vector<std::string>& known, const Spanner& span_of,
                DiagnosticSink& sink) {
  for (const auto& item : map) {
    std::string key = item.first.IsScalar() ? item.first.Scalar() : "";
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::vector<std::string> hints;
    if (auto near = closest_key(key, known)) hints.push_back(fmt::format("did you mean \"{}\"?", *near));
    hints.push_back(fmt::format("known keys: {}", fmt::join(known, ", ")));
    sink.error(span_of(item.first.Mark()), fmt::format("unknown key \"{}\" in a table reference", key), hints);
  }
}

/// `fields: {在校生（人）: students}` → renames.
std::vector<TableShape::Rename> read_fields(const YAML::Node& node, const Spanner& span_of, DiagnosticSink& sink) {
  std::vector<TableShape::Rename> out;
  if (!node) return out;
  if (!node.IsMap()) {
    sink.error(span_of(node.Mark()), "\"fields\" maps a column's header to a field name",
               {"fields: {在校生（人）: students}"});
    return out;
  }
  for (const auto& item : node) {
    if (!item.first.IsScalar() || !item.second.IsScalar() || item.second.Scalar().empty()) {
      sink.error(span_of(item.first.Mark()), "each entry of \"fields\" is `header: name`", {"在校生（人）: students"});
      continue;
    }
    out.push_back({item.first.Scalar(), item.second.Scalar(), span_of(item.first.Mark())});
  }
  return out;
}

}  // namespace

void rename_fields(Value& table, const std::vector<TableShape::Rename>& fields, const std::vector<std::string>& columns,
                   DiagnosticSink& sink) {
  std::map<std::string, std::string> to;
  for (const auto& f : fields) {
    if (std::find(columns.begin(), columns.end(), f.from) == columns.end()) {
      std::vector<std::string> hints;
      if (auto near = closest_column(f.from, columns)) hints.push_back(fmt::format("did you mean \"{}\"?", *near));
      hints.push_back(fmt::format("the table's columns: {}", fmt::join(columns, ", ")));
      sink.error(f.span, fmt::format("the table has no column \"{}\"", f.from), hints);
      continue;
    }
    to[f.from] = f.to;
  }
  if (to.empty() || table.kind != Value::Kind::List) return;
  for (auto& row : *table.list) {
    if (row.kind != Value::Kind::Record) continue;
    auto renamed = std::make_shared<Record>();
    for (auto& [k, v] : *row.record) {
      auto it = to.find(k);
      (*renamed)[it == to.end() ? k : it->second] = std::move(v);
    }
    row.record = std::move(renamed);
  }
}

std::optional<Value> load_workbook_reference(const YAML::Node& map, const Resolver& resolve, const Spanner& span_of,
                                             DiagnosticSink& sink) {
  const char* path_key = map["xlsx"] ? "xlsx" : "xls";
  check_keys(map, {path_key, "sheet", "header", "range", "fields", "skip-hidden"}, span_of, sink);
  const int errors_before = sink.error_count();
  const YAML::Node path_node = map[path_key];
  if (!path_node.IsScalar() || path_node.Scalar().empty()) {
    sink.error(span_of(path_node.Mark()), fmt::format("\"{}\" names a workbook file", path_key),
               {fmt::format("{}: tables/学校.{} (relative to the report folder)", path_key, path_key)});
    return std::nullopt;
  }
  SheetChoice choice;
  if (const YAML::Node s = map["sheet"]) {
    if (!s.IsScalar() || s.Scalar().empty()) sink.error(span_of(s.Mark()), "\"sheet\" is a sheet's name or number", {"sheet: 学校"});
    else choice = {s.Scalar(), span_of(s.Mark())};
  }
  TableShape shape;
  shape.span = span_of(map.Mark());
  if (const YAML::Node h = map["header"]) {
    int rows = -1;
    try {
      rows = h.as<int>();
    } catch (const YAML::Exception&) {
    }
    if (rows < 0 || rows > 10) sink.error(span_of(h.Mark()), "\"header\" is the number of header rows, 0 to 10", {"header: 2"});
    else shape.header_rows = rows;
  }
  if (const YAML::Node r = map["range"]) {
    shape.range = r.IsScalar() ? parse_range(r.Scalar()) : std::nullopt;
    if (!shape.range) sink.error(span_of(r.Mark()), "\"range\" is a cell range", {"range: A1:F40"});
  }
  if (const YAML::Node h = map["skip-hidden"]) {
    bool ok = h.IsScalar() && (h.Scalar() == "true" || h.Scalar() == "false");
    if (!ok) sink.error(span_of(h.Mark()), "\"skip-hidden\" is true or false", {"skip-hidden: true"});
    else shape.skip_hidden = h.Scalar() == "true";
  }
  shape.fields = read_fields(map["fields"], span_of, sink);
  if (sink.error_count() > errors_before) return std::nullopt;
  auto path = resolve(path_node.Scalar(), span_of(path_node.Mark()));
  if (!path) return std::nullopt;
  if (std::ifstream probe(*path); !probe) {
    sink.error(span_of(path_node.Mark()), fmt::format("cannot read {}", *path),
               {"the path is relative to the report folder"});
    return std::nullopt;
  }
  if (choice.span.path.empty()) choice.span = span_of(path_node.Mark());
  auto sheet = read_workbook_sheet(*path, choice, sink);
  if (!sheet) return std::nullopt;
  return sheet_to_table(*sheet, shape, *path, sink);
}

std::optional<Value> load_csv_reference(const YAML::Node& map, const Resolver& resolve, const Spanner& span_of,
                                        DiagnosticSink& sink) {
  check_keys(map, {"csv", "encoding", "fields"}, span_of, sink);  // reported; the table still loads
  const int errors_before = sink.error_count();
  const YAML::Node path_node = map["csv"];
  if (!path_node.IsScalar() || path_node.Scalar().empty()) {
    sink.error(span_of(path_node.Mark()), "\"csv\" names a CSV file",
               {"csv: tables/majors.csv (relative to the report folder)"});
    return std::nullopt;
  }
  std::string encoding;
  Span encoding_span;
  if (const YAML::Node e = map["encoding"]) {
    if (!e.IsScalar() || e.Scalar().empty()) sink.error(span_of(e.Mark()), "\"encoding\" names a character encoding", {"encoding: gbk"});
    else encoding = e.Scalar(), encoding_span = span_of(e.Mark());
  }
  auto fields = read_fields(map["fields"], span_of, sink);
  if (sink.error_count() > errors_before) return std::nullopt;
  auto path = resolve(path_node.Scalar(), span_of(path_node.Mark()));
  if (!path) return std::nullopt;
  auto file = read_csv_file(*path, encoding, encoding_span, sink);
  if (!file) return std::nullopt;
  auto table = read_csv_table(*file, sink);
  if (table && !fields.empty()) {
    std::vector<std::string> columns;
    if (!table->list->empty() && table->list->front().kind == Value::Kind::Record)
      for (const auto& [k, v] : *table->list->front().record) columns.push_back(k);
    if (!columns.empty()) rename_fields(*table, fields, columns, sink);
  }
  return table;
}

std::optional<Value> load_table_file(const std::string& path, const std::string& sheet, DiagnosticSink& sink,
                                     std::vector<std::string>* columns) {
  std::string lower;
  for (char c : path) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.ends_with(".csv")) {
    auto file = read_csv_file(path, "", {}, sink);
    if (!file) return std::nullopt;
    if (columns) {
      // The header's names in order (a Record keeps them sorted).
      std::string first = file->text().substr(0, file->text().find('\n'));
      size_t start = 0;
      while (start <= first.size()) {
        size_t comma = first.find(',', start);
        std::string name = first.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        while (!name.empty() && (name.back() == '\r' || name.back() == ' ')) name.pop_back();
        if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
        columns->push_back(name);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
    return read_csv_table(*file, sink);
  }
  auto read = read_workbook_sheet(path, {sheet, {}}, sink);
  if (!read) return std::nullopt;
  return sheet_to_table(*read, {}, path, sink, columns);
}

}  // namespace paiban::data
