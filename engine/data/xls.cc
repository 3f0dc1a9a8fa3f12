// .xls (Excel 97–2003, BIFF in an OLE compound file) through FreeXL.
//
// FreeXL gives cell values (numbers, text, dates as "2024-09-01" text) but
// not merged ranges, hidden rows, booleans or error cells; what the format
// stores beyond that is not seen here.
//
// FreeXL 1.0.6 is not safe on damaged files (a crafted header overflows a
// stack buffer inside freexl_open), so it runs in a child process: the
// child reads the sheet and sends it back through a pipe; a child that
// crashes, or takes longer than kXlsSeconds, is a damaged workbook.
#include <freexl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <chrono>
#include <cstring>

#include <cmath>
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "data/data_internal.h"
#include "data/workbook.h"

namespace paiban::data {

// Under a sanitizer or libFuzzer the child's crash must end only the child:
// their death callback and signal handlers (inherited by fork) would report
// it as the parent's. Weak: absent from ordinary builds.
extern "C" void __sanitizer_set_death_callback(void (*)(void)) __attribute__((weak));

namespace {

constexpr int kXlsSeconds = 30;

std::optional<Sheet> read_in_this_process(const std::string& path, const SheetChoice& choice, DiagnosticSink& sink) {
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


// ---- the child's answer: the sheet and the diagnostics, length-prefixed ----

void put(std::string& out, const std::string& text) {
  uint32_t n = static_cast<uint32_t>(text.size());
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out += text;
}
template <typename T>
void put_raw(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  bool ok() const { return ok_; }
  template <typename T>
  T raw() {
    T value{};
    if (pos_ + sizeof value > bytes_.size()) {
      ok_ = false;
      return value;
    }
    std::memcpy(&value, bytes_.data() + pos_, sizeof value);
    pos_ += sizeof value;
    return value;
  }
  std::string text() {
    uint32_t n = raw<uint32_t>();
    if (!ok_ || pos_ + n > bytes_.size()) {
      ok_ = false;
      return {};
    }
    std::string out(bytes_.substr(pos_, n));
    pos_ += n;
    return out;
  }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
  bool ok_ = true;
};

std::string encode(const std::optional<Sheet>& sheet, const DiagnosticSink& sink) {
  std::string out;
  put_raw<uint32_t>(out, static_cast<uint32_t>(sink.all().size()));
  for (const auto& d : sink.all()) {
    put_raw<uint8_t>(out, d.severity == Severity::Error);
    put(out, d.span.path);
    put_raw<int32_t>(out, d.span.line);
    put_raw<int32_t>(out, d.span.col);
    put_raw<uint8_t>(out, d.span.cell);
    put(out, d.message);
    put_raw<uint32_t>(out, static_cast<uint32_t>(d.hints.size()));
    for (const auto& h : d.hints) put(out, h);
  }
  put_raw<uint8_t>(out, sheet.has_value());
  if (!sheet) return out;
  put(out, sheet->name);
  put_raw<uint32_t>(out, static_cast<uint32_t>(sheet->rows.size()));
  for (const auto& row : sheet->rows) {
    put_raw<int32_t>(out, row.index);
    put_raw<uint32_t>(out, static_cast<uint32_t>(row.cells.size()));
    for (const auto& [c, cell] : row.cells) {
      put_raw<int32_t>(out, c);
      put_raw<uint8_t>(out, static_cast<uint8_t>(cell.kind));
      put_raw<double>(out, cell.number);
      put(out, cell.text);
    }
  }
  return out;
}

/// The child's answer back into SINK and a Sheet; false when it is malformed.
bool decode(std::string_view bytes, std::optional<Sheet>& sheet, DiagnosticSink& sink) {
  Reader in(bytes);
  uint32_t diagnostics = in.raw<uint32_t>();
  for (uint32_t i = 0; i < diagnostics && in.ok(); ++i) {
    Diagnostic d;
    d.severity = in.raw<uint8_t>() ? Severity::Error : Severity::Warning;
    d.span.path = in.text();
    d.span.line = in.raw<int32_t>();
    d.span.col = in.raw<int32_t>();
    d.span.cell = in.raw<uint8_t>() != 0;
    d.message = in.text();
    uint32_t hints = in.raw<uint32_t>();
    for (uint32_t h = 0; h < hints && in.ok(); ++h) d.hints.push_back(in.text());
    if (in.ok()) sink.add(std::move(d));
  }
  if (!in.raw<uint8_t>()) return in.ok();
  Sheet out;
  out.name = in.text();
  out.merges_known = false;
  uint32_t rows = in.raw<uint32_t>();
  for (uint32_t r = 0; r < rows && in.ok(); ++r) {
    Sheet::Row row;
    row.index = in.raw<int32_t>();
    uint32_t cells = in.raw<uint32_t>();
    for (uint32_t c = 0; c < cells && in.ok(); ++c) {
      int column = in.raw<int32_t>();
      Cell cell;
      uint8_t kind = in.raw<uint8_t>();
      if (kind > static_cast<uint8_t>(Cell::Kind::Error)) return false;
      cell.kind = static_cast<Cell::Kind>(kind);
      cell.number = in.raw<double>();
      cell.text = in.text();
      row.cells.emplace_back(column, std::move(cell));
    }
    out.rows.push_back(std::move(row));
  }
  if (!in.ok()) return false;
  sheet = std::move(out);
  return true;
}

}  // namespace

std::optional<Sheet> read_xls_sheet(const std::string& path, const SheetChoice& choice, DiagnosticSink& sink) {
  auto damaged = [&] {
    sink.error({path, 0, 0}, "cannot read the Excel 97–2003 workbook: it is damaged",
               {"open the file in Excel or WPS and save it as .xlsx"});
    return std::nullopt;
  };
  int fds[2];
  if (pipe(fds) != 0) return damaged();
  pid_t child = fork();
  if (child < 0) {
    close(fds[0]);
    close(fds[1]);
    return damaged();
  }
  if (child == 0) {
    close(fds[0]);
    if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(nullptr);
    for (int signal : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL}) std::signal(signal, SIG_DFL);
    DiagnosticSink child_sink;
    std::string answer = encode(read_in_this_process(path, choice, child_sink), child_sink);
    for (size_t done = 0; done < answer.size();) {
      ssize_t n = write(fds[1], answer.data() + done, answer.size() - done);
      if (n <= 0) _exit(1);
      done += static_cast<size_t>(n);
    }
    _exit(0);
  }
  close(fds[1]);
  std::string answer;
  bool too_long = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kXlsSeconds);
  char buffer[1 << 16];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd pfd{fds[0], POLLIN, 0};
    int ready = left.count() > 0 ? poll(&pfd, 1, static_cast<int>(left.count())) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      too_long = true;
      break;
    }
    ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    answer.append(buffer, static_cast<size_t>(n));
    if (answer.size() > kMaxWorkbookBytes) {
      too_long = true;
      break;
    }
  }
  close(fds[0]);
  if (too_long) kill(child, SIGKILL);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (too_long || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return damaged();
  std::optional<Sheet> sheet;
  if (!decode(answer, sheet, sink)) return damaged();
  return sheet;
}

}  // namespace paiban::data
