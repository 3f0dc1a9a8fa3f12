// .xls (Excel 97–2003, BIFF in an OLE compound file) through FreeXL.
//
// FreeXL gives cell values (numbers, text, dates as "2024-09-01" text) but
// not merged ranges, hidden rows, booleans or error cells; what the format
// stores beyond that is not seen here.
#include <freexl.h>

#include <cmath>
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "data/data_internal.h"
#include "data/workbook.h"

namespace paiban::data {

std::optional<Sheet> read_xls_sheet(const std::string& path, const SheetChoice& choice, DiagnosticSink& sink) {
  const void* handle = nullptr;
  int rc = freexl_open(path.c_str(), &handle);
  std::unique_ptr<const void, void (*)(const void*)> closer(handle, [](const void* h) {
    if (h) freexl_close(h);
  });
  if (rc != FREEXL_OK) {
    sink.error({path, 0, 0}, fmt::format("cannot read the Excel 97–2003 workbook (FreeXL error {})", rc),
               {"the file is damaged or encrypted; open it in Excel or WPS and save it as .xlsx"});
    return std::nullopt;
  }
  unsigned password = 0;
  if (freexl_get_info(handle, FREEXL_BIFF_PASSWORD, &password) == FREEXL_OK &&
      password == FREEXL_BIFF_OBFUSCATED) {
    sink.error({path, 0, 0}, "the workbook is protected by a password",
               {"save a copy without the password (文件 → 信息 → 保护工作簿) for the report"});
    return std::nullopt;
  }
  unsigned count = 0;
  freexl_get_info(handle, FREEXL_BIFF_SHEET_COUNT, &count);
  std::vector<std::string> names;
  for (unsigned i = 0; i < count; ++i) {
    const char* name = nullptr;
    names.push_back(freexl_get_worksheet_name(handle, static_cast<unsigned short>(i), &name) == FREEXL_OK && name
                        ? name
                        : fmt::format("Sheet{}", i + 1));
  }
  size_t chosen = names.size();
  if (choice.name.empty() && !names.empty()) chosen = 0;
  for (size_t i = 0; i < names.size() && chosen == names.size(); ++i)
    if (names[i] == choice.name) chosen = i;
  if (chosen == names.size()) {
    char* end = nullptr;
    long index = std::strtol(choice.name.c_str(), &end, 10);
    if (!choice.name.empty() && *end == '\0' && index >= 1 && static_cast<size_t>(index) <= names.size())
      chosen = static_cast<size_t>(index) - 1;
  }
  if (chosen == names.size()) {
    std::vector<std::string> hints;
    if (auto near = closest_key(choice.name, names)) hints.push_back(fmt::format("did you mean \"{}\"?", *near));
    hints.push_back(fmt::format("the workbook's sheets: {} (or a number, 1 for the first)", fmt::join(names, ", ")));
    sink.error(choice.span.path.empty() ? Span{path, 0, 0} : choice.span,
               fmt::format("{} has no sheet \"{}\"", path, choice.name), hints);
    return std::nullopt;
  }
  Sheet sheet;
  sheet.name = names[chosen];
  sheet.merges_known = false;
  unsigned rows = 0;
  unsigned short columns = 0;
  if (freexl_select_active_worksheet(handle, static_cast<unsigned short>(chosen)) != FREEXL_OK ||
      freexl_worksheet_dimensions(handle, &rows, &columns) != FREEXL_OK) {
    sink.error({path, 0, 0}, "the workbook is damaged: its sheet cannot be read",
               {"open the file in Excel or WPS and save it again"});
    return std::nullopt;
  }
  Span at{fmt::format("{}:{}", path, sheet.name), 0, 0};
  uint64_t cells = 0;
  for (unsigned r = 0; r < rows; ++r) {
    Sheet::Row row;
    row.index = static_cast<int>(r);
    for (unsigned short c = 0; c < columns; ++c) {
      FreeXL_CellValue v;
      if (freexl_get_cell_value(handle, r, c, &v) != FREEXL_OK) continue;
      Cell cell;
      switch (v.type) {
        case FREEXL_CELL_INT:
          cell.kind = Cell::Kind::Number;
          cell.number = v.value.int_value;
          break;
        case FREEXL_CELL_DOUBLE:
          cell.kind = Cell::Kind::Number;
          cell.number = v.value.double_value;
          break;
        case FREEXL_CELL_TEXT:
        case FREEXL_CELL_SST_TEXT:
          if (!v.value.text_value || !*v.value.text_value) continue;
          cell.kind = Cell::Kind::Text;
          cell.text = v.value.text_value;
          break;
        case FREEXL_CELL_DATE:
        case FREEXL_CELL_DATETIME: {
          int y = 0, m = 0, d = 0;
          if (!v.value.text_value || std::sscanf(v.value.text_value, "%d-%d-%d", &y, &m, &d) != 3) continue;
          cell.kind = Cell::Kind::Date;
          cell.number = serial_from_civil(y, m, d);
          break;
        }
        case FREEXL_CELL_TIME:
          if (!v.value.text_value) continue;
          cell.kind = Cell::Kind::Text;
          cell.text = v.value.text_value;
          break;
        default:
          continue;
      }
      if (r >= static_cast<unsigned>(kMaxSheetRows) || c >= kMaxSheetColumns || ++cells > kMaxSheetCells) {
        sink.error(at, fmt::format("the sheet has more than {} rows, {} columns or {} cells", kMaxSheetRows,
                                   kMaxSheetColumns, kMaxSheetCells),
                   {"give the report only the part it uses (range: A1:F40)"});
        return std::nullopt;
      }
      row.cells.emplace_back(c, std::move(cell));
    }
    if (!row.cells.empty()) sheet.rows.push_back(std::move(row));
  }
  return sheet;
}

}  // namespace paiban::data
