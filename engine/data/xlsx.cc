// .xlsx (ECMA-376, SpreadsheetML): a ZIP (libzip) of XML parts (expat,
// streamed; pugixml for the small ones).
//
// read_xlsx_sheet → Package (libzip; every part's size checked first)
//                 → workbook part (_rels/.rels → xl/workbook.xml: sheets, date system)
//                 → its relationships (r:id → the sheet part)
//                 → styles (which cell formats are dates)
//                 → shared strings (streamed)
//                 → the sheet (streamed: rows, cells, merged ranges)
//
// Cell types (ECMA-376 Part 1, §18.18.11 ST_CellType): n (number, the
// default), s (shared string index), str (a formula's text result),
// inlineStr (<is>), b (boolean), e (error), d (ISO 8601 date). A number
// whose style has a date format (§18.8.30 built-in ids, or a custom
// format code with y/m/d) is a date.
#include <expat.h>
#include <pugixml.hpp>
#include <zip.h>

#include <cmath>
#include <charconv>
#include <cstring>
#include <atomic>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "base/side_task.h"
#include "data/data_internal.h"
#include "data/workbook.h"

namespace paiban::data {

namespace {

/// The opened ZIP: parts read through a budget, so that neither one part nor
/// all of them together can unpack beyond the limits (a ZIP bomb).
class Package {
 public:
  /// TOTAL counts what every package of the file has unpacked (the shared
  /// strings are read by a package of their own, on a thread of their own).
  Package(const std::string& path, DiagnosticSink& sink, std::atomic<uint64_t>& total)
      : path_(path), sink_(sink), total_(total) {}
  ~Package() {
    if (zip_) zip_discard(zip_);
  }

  bool open() {
    int error = 0;
    zip_ = zip_open(path_.c_str(), ZIP_RDONLY, &error);
    if (!zip_) {
      zip_error_t e;
      zip_error_init_with_code(&e, error);
      sink_.error({path_, 0, 0}, fmt::format("cannot read the workbook: {}", zip_error_strerror(&e)),
                  {"the file is damaged or is not an .xlsx workbook; open it in Excel or WPS and save it again"});
      zip_error_fini(&e);
      return false;
    }
    return true;
  }

  bool has(const std::string& name) const { return zip_name_locate(zip_, name.c_str(), 0) >= 0; }

  /// Streams part NAME to SINK in chunks; false (reported) when it is
  /// missing (unless OPTIONAL), damaged or beyond the limits.
  bool stream(const std::string& name, const std::function<bool(const char*, size_t)>& consume, bool optional = false) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(zip_, name.c_str(), 0, &st) != 0) {
      if (!optional) sink_.error({path_, 0, 0}, fmt::format("the workbook has no part \"{}\"", name),
                                 {"the file is damaged; open it in Excel or WPS and save it again"});
      return false;
    }
    if ((st.valid & ZIP_STAT_SIZE) && st.size > kMaxWorkbookEntryBytes) {
      refuse_size(name, st.size);
      return false;
    }
    zip_file_t* file = zip_fopen(zip_, name.c_str(), 0);
    if (!file) {
      damaged(name, zip_strerror(zip_));
      return false;
    }
    std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> closer(file, zip_fclose);
    std::vector<char> buffer(1 << 16);
    uint64_t part = 0;
    for (;;) {
      zip_int64_t n = zip_fread(file, buffer.data(), buffer.size());
      if (n < 0) {
        damaged(name, zip_file_strerror(file));
        return false;
      }
      if (n == 0) break;
      part += static_cast<uint64_t>(n);
      const uint64_t total = total_ += static_cast<uint64_t>(n);
      // The sizes in the ZIP's directory may lie: count what really comes out.
      if (part > kMaxWorkbookEntryBytes || total > kMaxWorkbookBytes) {
        refuse_size(name, part);
        return false;
      }
      if (!consume(buffer.data(), static_cast<size_t>(n))) return false;
    }
    return true;
  }

  /// Part NAME whole (for the small ones).
  std::optional<std::string> read(const std::string& name, bool optional = false) {
    std::string out;
    if (!stream(name, [&](const char* p, size_t n) { return out.append(p, n), true; }, optional)) return std::nullopt;
    return out;
  }

  const std::string& path() const { return path_; }

 private:
  void refuse_size(const std::string& name, uint64_t size) {
    sink_.error({path_, 0, 0},
                fmt::format("the workbook's part \"{}\" unpacks to more than {} MB", name, kMaxWorkbookEntryBytes >> 20),
                {"a workbook this large (or a ZIP bomb) is refused; keep the report's data in a smaller workbook"});
  }
  void damaged(const std::string& name, const char* why) {
    sink_.error({path_, 0, 0}, fmt::format("the workbook's part \"{}\" is damaged: {}", name, why),
                {"open the file in Excel or WPS and save it again"});
  }

  std::string path_;
  DiagnosticSink& sink_;
  zip_t* zip_ = nullptr;
  std::atomic<uint64_t>& total_;
};

/// "worksheets/sheet1.xml" relative to "xl/workbook.xml" → "xl/worksheets/sheet1.xml".
std::string resolve_target(const std::string& base_part, const std::string& target) {
  if (!target.empty() && target[0] == '/') return target.substr(1);
  std::string dir = base_part.substr(0, base_part.rfind('/') + 1);
  std::string joined = dir + target;
  // Collapse "a/../b".
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= joined.size()) {
    size_t slash = joined.find('/', start);
    std::string piece = joined.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (piece == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!piece.empty() && piece != ".") {
      parts.push_back(piece);
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

/// Relationship id → target part, of the relationships part of PART.
std::map<std::string, std::string> read_relationships(Package& package, const std::string& part) {
  std::map<std::string, std::string> out;
  std::string rels = part.substr(0, part.rfind('/') + 1) + "_rels/" + part.substr(part.rfind('/') + 1) + ".rels";
  if (part.find('/') == std::string::npos) rels = "_rels/" + part + ".rels";
  auto text = package.read(rels, true);
  if (!text) return out;
  pugi::xml_document doc;
  if (!doc.load_buffer(text->data(), text->size())) return out;
  for (auto r : doc.child("Relationships").children("Relationship"))
    out[r.attribute("Id").value()] = resolve_target(part, r.attribute("Target").value());
  return out;
}

/// ST_Xstring escapes: "_x000D_" stands for U+000D.
std::string unescape_xstring(std::string s) {
  if (s.find("_x") == std::string::npos) return s;
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (s.compare(i, 2, "_x") == 0 && i + 7 <= s.size() && s[i + 6] == '_') {
      unsigned cp = 0;
      auto [end, ec] = std::from_chars(s.data() + i + 2, s.data() + i + 6, cp, 16);
      if (ec == std::errc() && end == s.data() + i + 6) {
        if (cp != 0x0D) append_utf8(out, static_cast<char32_t>(cp));  // CR of CRLF: the LF stays
        i += 7;
        continue;
      }
    }
    out += s[i++];
  }
  return out;
}

/// Built-in number formats that are dates (ECMA-376 §18.8.30, and the
/// East Asian ones 27–36, 50–58 Excel writes for 年月日 formats).
bool builtin_date_format(int id) {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

/// A custom format code that shows a date or time: y, m, d, h or s outside
/// quotes, brackets ([Red], [$-804]) and escapes, and not a General one.
bool custom_date_format(const std::string& code) {
  bool quoted = false;
  for (size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c == '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c == '\\' || c == '_' || c == '*') ++i;
    else if (c == '[') {
      size_t close = code.find(']', i);
      if (close == std::string::npos) return false;
      i = close;
    } else if (c == ';') {
      return false;  // only the first section decides
    } else if (strchr("ymdhsYMDHS", c)) {
      return true;
    }
  }
  return false;
}

/// For each cell style (the `s` of a cell, an index into cellXfs): whether it is a date.
std::vector<bool> read_date_styles(Package& package, const std::string& part) {
  std::vector<bool> out;
  if (part.empty()) return out;
  auto text = package.read(part, true);
  if (!text) return out;
  pugi::xml_document doc;
  if (!doc.load_buffer(text->data(), text->size())) return out;
  auto sheet = doc.child("styleSheet");
  std::map<int, bool> custom;
  for (auto f : sheet.child("numFmts").children("numFmt"))
    custom[f.attribute("numFmtId").as_int()] = custom_date_format(f.attribute("formatCode").value());
  for (auto xf : sheet.child("cellXfs").children("xf")) {
    int id = xf.attribute("numFmtId").as_int();
    auto it = custom.find(id);
    out.push_back(it != custom.end() ? it->second : builtin_date_format(id));
  }
  return out;
}

/// An expat parser that hands elements to a handler object's start/end/text.
template <typename Handler>
class XmlStream {
 public:
  explicit XmlStream(Handler& handler) : parser_(XML_ParserCreate("UTF-8")), handler_(handler) {
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(
        parser_,
        [](void* self, const XML_Char* name, const XML_Char** attrs) {
          static_cast<XmlStream*>(self)->handler_.start(local(name), attrs);
        },
        [](void* self, const XML_Char* name) { static_cast<XmlStream*>(self)->handler_.end(local(name)); });
    XML_SetCharacterDataHandler(parser_, [](void* self, const XML_Char* s, int len) {
      static_cast<XmlStream*>(self)->handler_.text(s, static_cast<size_t>(len));
    });
    // A workbook part has no DTD: one (and the entities it could expand,
    // "billion laughs") stops the parse.
    XML_SetStartDoctypeDeclHandler(parser_, [](void* self, const XML_Char*, const XML_Char*, const XML_Char*, int) {
      auto* stream = static_cast<XmlStream*>(self);
      stream->doctype_ = true;
      XML_StopParser(stream->parser_, XML_FALSE);
    });
  }
  ~XmlStream() { XML_ParserFree(parser_); }

  bool feed(const char* data, size_t n, bool last = false) {
    if (XML_Parse(parser_, data, static_cast<int>(n), last) == XML_STATUS_ERROR) {
      if (doctype_) {
        error_ = "it declares a DTD, which no workbook does";
        return false;
      }
      error_ = fmt::format("{} at line {}", XML_ErrorString(XML_GetErrorCode(parser_)),
                           XML_GetCurrentLineNumber(parser_));
      return false;
    }
    return !handler_.stopped;
  }
  const std::string& error() const { return error_; }

 private:
  /// "x:row" → "row" (a namespace prefix some writers use).
  static std::string_view local(const XML_Char* name) {
    // One pass, inline: called twice for each of a sheet's million elements.
    const XML_Char* start = name;
    const XML_Char* p = name;
    for (; *p; ++p)
      if (*p == ':') start = p + 1;
    return {start, static_cast<size_t>(p - start)};
  }
  XML_Parser parser_;
  Handler& handler_;
  std::string error_;
  bool doctype_ = false;
};

const char* attribute(const XML_Char** attrs, const char* name) {
  for (size_t i = 0; attrs[i]; i += 2) {
    std::string_view key(attrs[i]);
    size_t colon = key.rfind(':');
    if (colon != std::string_view::npos) key = key.substr(colon + 1);
    if (key == name) return attrs[i + 1];
  }
  return nullptr;
}

bool truthy(const char* v) { return v && (std::strcmp(v, "1") == 0 || std::strcmp(v, "true") == 0); }

/// Text runs of a string item (<si> or <is>): <t> directly or inside rich
/// runs <r>, without phonetic guides (<rPh>).
struct StringCollector {
  std::string current;
  int in_t = 0, in_phonetic = 0;
  void start(std::string_view name) {
    if (name == "t") ++in_t;
    else if (name == "rPh") ++in_phonetic;
  }
  void end(std::string_view name) {
    if (name == "t") --in_t;
    else if (name == "rPh") --in_phonetic;
  }
  void text(const char* s, size_t n) {
    if (in_t > 0 && in_phonetic == 0) current.append(s, n);
  }
};

struct SharedStrings {
  std::vector<std::string> strings;
  StringCollector collector;
  bool in_si = false;
  bool stopped = false;
  void start(std::string_view name, const XML_Char**) {
    if (name == "si") {
      in_si = true;
      collector.current.clear();
    } else if (in_si) {
      collector.start(name);
    }
  }
  void end(std::string_view name) {
    if (name == "si") {
      in_si = false;
      strings.push_back(unescape_xstring(std::move(collector.current)));
      collector.current.clear();
    } else if (in_si) {
      collector.end(name);
    }
  }
  void text(const char* s, size_t n) {
    if (in_si) collector.text(s, n);
  }
};

/// The sheet part, streamed: rows, their cells, merged ranges.
struct SheetReader {
  Sheet& sheet;
  const std::vector<bool>& date_styles;
  bool date1904 = false;
  std::string error;  ///< first structural problem (a bad reference, beyond the limits)
  bool stopped = false;

  // the row and cell being read
  int row = -1, next_row = 0, column = -1, next_column = 0;
  enum class Type { Number, Shared, Inline, Formula, Bool, Error, Date } type = Type::Number;
  /// The `t` attribute: n (or none, or one unknown), s, inlineStr, str, b, e, d.
  static Type cell_type(const char* t) {
    if (!t) return Type::Number;
    std::string_view v(t);
    if (v == "s") return Type::Shared;
    if (v == "inlineStr") return Type::Inline;
    if (v == "str") return Type::Formula;
    if (v == "b") return Type::Bool;
    if (v == "e") return Type::Error;
    if (v == "d") return Type::Date;
    return Type::Number;
  }
  int style = 0;
  bool has_formula = false, has_value = false;
  int in_v = 0, in_is = 0;
  std::string value;
  StringCollector inline_text;
  uint64_t cells = 0;

  SheetReader(Sheet& s, const std::vector<bool>& dates) : sheet(s), date_styles(dates) {}

  void fail(std::string why) {
    if (error.empty()) error = std::move(why);
    stopped = true;
  }

  void start(std::string_view name, const XML_Char** attrs) {
    if (stopped) return;
    if (in_is) {
      inline_text.start(name);
      return;
    }
    if (name == "row") {
      const char* r = attribute(attrs, "r");
      row = r ? std::atoi(r) - 1 : next_row;
      if (row < 0 || row < next_row) return fail(fmt::format("row number \"{}\" is not valid here", r ? r : ""));
      next_row = row + 1;
      next_column = 0;
      Sheet::Row out;
      out.index = row;
      out.hidden = truthy(attribute(attrs, "hidden"));
      // Rows are alike: room for as many cells as the row before had.
      if (!sheet.rows.empty()) out.cells.reserve(sheet.rows.back().cells.size());
      sheet.rows.push_back(std::move(out));
    } else if (name == "c") {
      if (sheet.rows.empty()) return fail("a cell outside any row");
      // One pass over the attributes: a sheet has a million of these.
      const char *r = nullptr, *t = nullptr, *s = nullptr;
      for (size_t i = 0; attrs[i]; i += 2) {
        const char* key = attrs[i];
        if (const char* colon = std::strrchr(key, ':')) key = colon + 1;
        if (key[0] && !key[1]) {
          if (key[0] == 'r') r = attrs[i + 1];
          else if (key[0] == 't') t = attrs[i + 1];
          else if (key[0] == 's') s = attrs[i + 1];
        }
      }
      if (r) {
        auto ref = parse_cell_ref(r);
        if (!ref) return fail(fmt::format("cell reference \"{}\" is not valid", r));
        column = ref->second;
      } else {
        column = next_column;
      }
      next_column = column + 1;
      type = cell_type(t);
      style = s ? std::atoi(s) : 0;
      has_formula = has_value = false;
      value.clear();
      inline_text.current.clear();
    } else if (name == "v") {
      ++in_v;
      has_value = true;
    } else if (name == "f") {
      has_formula = true;
    } else if (name == "is") {
      ++in_is;
      has_value = true;
    } else if (name == "mergeCell") {
      const char* ref = attribute(attrs, "ref");
      if (auto range = ref ? parse_range(ref) : std::nullopt) sheet.merges.push_back(*range);
    }
  }

  void end(std::string_view name) {
    if (stopped) return;
    if (in_is) {
      if (name == "is") --in_is;
      else inline_text.end(name);
      return;
    }
    if (name == "v") --in_v;
    else if (name == "c") finish_cell();
    else if (name == "row" && !sheet.rows.empty() && sheet.rows.back().cells.empty()) sheet.rows.pop_back();
  }

  void text(const char* s, size_t n) {
    if (stopped) return;
    if (in_v) value.append(s, n);
    else if (in_is) inline_text.text(s, n);
  }

  void finish_cell() {
    Cell cell;
    if (type == Type::Shared) {
      if (!has_value) return;
      uint32_t index = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), index);
      if (ec != std::errc() || end != value.data() + value.size() || index == UINT32_MAX)
        return fail(fmt::format("shared string {} does not exist", value));
      cell.kind = Cell::Kind::Text;
      cell.shared_index = index;  // resolved once the shared strings are read
    } else if (type == Type::Inline) {
      cell.kind = Cell::Kind::Text;
      cell.text = unescape_xstring(std::move(inline_text.current));
    } else if (type == Type::Formula) {
      if (!has_value) return no_cached_value();
      cell.kind = Cell::Kind::Text;
      cell.text = unescape_xstring(std::move(value));
    } else if (type == Type::Bool) {
      if (!has_value) return has_formula ? no_cached_value() : void();
      cell.kind = Cell::Kind::Bool;
      cell.number = value == "1" || value == "true" ? 1 : 0;
    } else if (type == Type::Error) {
      cell.kind = Cell::Kind::Error;
      cell.text = value.empty() ? "an error" : value;
    } else if (type == Type::Date) {
      int y = 0, m = 0, d = 0;
      if (std::sscanf(value.c_str(), "%d-%d-%d", &y, &m, &d) != 3) return fail(fmt::format("date \"{}\" is not valid", value));
      cell.kind = Cell::Kind::Date;
      cell.number = serial_from_civil(y, m, d);
    } else {  // "n"
      if (!has_value || value.empty()) {
        if (has_formula) return no_cached_value();
        return;  // a styled empty cell
      }
      double number = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
      if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(number))
        return fail(fmt::format("number \"{}\" is not valid", value));
      bool date = style >= 0 && static_cast<size_t>(style) < date_styles.size() && date_styles[style];
      cell.kind = date ? Cell::Kind::Date : Cell::Kind::Number;
      cell.number = date && date1904 ? number + 1462 : number;
    }
    store(std::move(cell));
  }

  void no_cached_value() {
    Cell cell;
    cell.kind = Cell::Kind::Error;
    cell.text = "a formula without a cached value";
    store(std::move(cell));
  }

  void store(Cell cell) {
    if (row >= kMaxSheetRows) return fail(fmt::format("the sheet has more than {} rows", kMaxSheetRows));
    if (column >= kMaxSheetColumns) return fail(fmt::format("the sheet has more than {} columns", kMaxSheetColumns));
    if (++cells > kMaxSheetCells) return fail(fmt::format("the sheet has more than {} cells", kMaxSheetCells));
    auto& cells_of_row = sheet.rows.back().cells;
    if (!cells_of_row.empty() && cells_of_row.back().first >= column)
      return fail(fmt::format("cell {}{} comes after a cell to its right", column_letters(column), row + 1));
    cells_of_row.emplace_back(column, std::move(cell));
  }
};

/// The OOXML part the package's root relationships name as the document.
std::string workbook_part(Package& package) {
  auto rels = package.read("_rels/.rels", true);
  if (rels) {
    pugi::xml_document doc;
    if (doc.load_buffer(rels->data(), rels->size()))
      for (auto r : doc.child("Relationships").children("Relationship")) {
        std::string type = r.attribute("Type").value();
        if (type.size() >= 14 && type.compare(type.size() - 14, 14, "officeDocument") == 0)
          return resolve_target("", r.attribute("Target").value());
      }
  }
  return "xl/workbook.xml";
}

}  // namespace

std::optional<Sheet> read_xlsx_sheet(const std::string& path, const SheetChoice& choice, DiagnosticSink& sink) {
  std::atomic<uint64_t> unpacked{0};
  Package package(path, sink, unpacked);
  if (!package.open()) return std::nullopt;
  auto damaged = [&](const std::string& what) {
    sink.error({path, 0, 0}, fmt::format("the workbook is damaged: {}", what),
               {"open the file in Excel or WPS and save it again"});
    return std::nullopt;
  };

  // The workbook: its sheets in order, their relationship ids, the date system.
  const std::string book = workbook_part(package);
  auto book_text = package.read(book);
  if (!book_text) return std::nullopt;
  pugi::xml_document book_doc;
  if (!book_doc.load_buffer(book_text->data(), book_text->size())) return damaged(fmt::format("{} is not XML", book));
  auto workbook = book_doc.child("workbook");
  bool date1904 = truthy(workbook.child("workbookPr").attribute("date1904").value());
  std::vector<std::pair<std::string, std::string>> sheets;  // name, relationship id
  for (auto s : workbook.child("sheets").children("sheet")) {
    const char* id = s.attribute("r:id").value();
    if (!*id)
      for (auto a : s.attributes())
        if (std::string_view(a.name()).ends_with(":id")) id = a.value();
    sheets.emplace_back(s.attribute("name").value(), id);
  }
  if (sheets.empty()) return damaged("it has no sheets");

  size_t chosen = sheets.size();
  if (choice.name.empty()) {
    chosen = 0;
  } else {
    for (size_t i = 0; i < sheets.size() && chosen == sheets.size(); ++i)
      if (sheets[i].first == choice.name) chosen = i;
    if (chosen == sheets.size()) {
      int index = 0;
      auto [end, ec] = std::from_chars(choice.name.data(), choice.name.data() + choice.name.size(), index);
      if (ec == std::errc() && end == choice.name.data() + choice.name.size() && index >= 1 &&
          static_cast<size_t>(index) <= sheets.size())
        chosen = static_cast<size_t>(index) - 1;
    }
  }
  if (chosen == sheets.size()) {
    std::vector<std::string> names;
    for (const auto& s : sheets) names.push_back(s.first);
    std::vector<std::string> hints;
    if (auto near = closest_key(choice.name, names)) hints.push_back(fmt::format("did you mean \"{}\"?", *near));
    std::vector<std::string> quoted;
    for (const auto& n : names) quoted.push_back(n);
    hints.push_back(fmt::format("the workbook's sheets: {} (or a number, 1 for the first)", fmt::join(quoted, ", ")));
    sink.error(choice.span.path.empty() ? Span{path, 0, 0} : choice.span,
               fmt::format("{} has no sheet \"{}\"", path, choice.name), hints);
    return std::nullopt;
  }

  auto rels = read_relationships(package, book);
  auto target = rels.find(sheets[chosen].second);
  if (target == rels.end()) return damaged(fmt::format("sheet \"{}\" has no part", sheets[chosen].first));
  std::string styles_part, strings_part;
  for (const auto& [id, part] : rels) {
    if (part.ends_with("styles.xml")) styles_part = part;
    if (part.ends_with("sharedStrings.xml")) strings_part = part;
  }
  // Some writers leave the relationship out; the parts have fixed names then.
  if (styles_part.empty() && package.has("xl/styles.xml")) styles_part = "xl/styles.xml";
  if (strings_part.empty() && package.has("xl/sharedStrings.xml")) strings_part = "xl/sharedStrings.xml";

  std::vector<bool> date_styles = read_date_styles(package, styles_part);

  // The shared strings and the sheet are read side by side: the sheet's
  // cells keep an index into the strings until both are read.
  SharedStrings shared;
  DiagnosticSink strings_sink;
  std::string strings_damage;
  bool strings_ok = true;
  auto read_strings = [&] {
    if (strings_part.empty()) return;
    Package own(path, strings_sink, unpacked);
    if (!own.open()) {
      strings_ok = false;
      return;
    }
    XmlStream<SharedStrings> xml(shared);
    bool ok = own.stream(strings_part, [&](const char* p, size_t n) { return xml.feed(p, n); });
    if (ok) ok = xml.feed("", 0, true);
    if (!ok) strings_ok = false;
    if (!ok && !xml.error().empty()) strings_damage = fmt::format("{}: {}", strings_part, xml.error());
  };
  SideTask strings_task(read_strings);

  Sheet sheet;
  sheet.name = sheets[chosen].first;
  SheetReader reader(sheet, date_styles);
  reader.date1904 = date1904;
  XmlStream<SheetReader> xml(reader);
  bool ok = package.stream(target->second, [&](const char* p, size_t n) { return xml.feed(p, n); });
  if (ok) ok = xml.feed("", 0, true);
  strings_task.join();

  for (const auto& d : strings_sink.all()) sink.add(d);
  if (!strings_damage.empty()) return damaged(strings_damage);
  if (!strings_ok) return std::nullopt;
  Span at{fmt::format("{}:{}", path, sheet.name), 0, 0};
  if (!reader.error.empty()) {
    bool limit = reader.error.find("more than") != std::string::npos;
    sink.error(at, limit ? reader.error : fmt::format("the sheet is damaged: {}", reader.error),
               {limit ? fmt::format("a sheet may have at most {} rows, {} columns and {} cells; "
                                    "give the report only the part it uses (range: A1:F40)",
                                    kMaxSheetRows, kMaxSheetColumns, kMaxSheetCells)
                      : "open the file in Excel or WPS and save it again"});
    return std::nullopt;
  }
  if (!ok && !xml.error().empty()) return damaged(fmt::format("{}: {}", target->second, xml.error()));
  if (!ok) return std::nullopt;

  auto strings = std::make_shared<const std::vector<std::string>>(std::move(shared.strings));
  sheet.strings = strings;
  for (auto& row : sheet.rows)
    for (auto& [c, cell] : row.cells) {
      if (cell.shared_index == UINT32_MAX) continue;
      if (cell.shared_index >= strings->size()) {
        sink.error(at, fmt::format("the sheet is damaged: shared string {} does not exist", cell.shared_index),
                   {"open the file in Excel or WPS and save it again"});
        return std::nullopt;
      }
      cell.shared = &(*strings)[cell.shared_index];
    }
  return sheet;
}

}  // namespace paiban::data
