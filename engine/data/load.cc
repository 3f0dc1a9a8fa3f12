// Data files → DataSet.
//
// load_data_set → DataLoader::load_file → resolve_path (stay inside the report)
//                                       → read_text_file (UTF-8) → YAML::Load
//                                       → report_duplicate_keys
//                                       → convert (→ load_table → read_csv_table)
//                                       → read_checks
//
// Positions: yaml-cpp marks count bytes from 0; spans count code points from
// 1 (what an editor shows), so every mark goes through the file's line index.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <set>
#include <string_view>

#include <fmt/format.h>

#include "base/confine.h"
#include "base/text_file.h"
#include "base/threads.h"
#include "base/yaml_parse.h"
#include "base/yaml_util.h"
#include "data/data_internal.h"
#include "data/workbook.h"

namespace paiban::data {

namespace {

namespace fs = std::filesystem;

/// The key every data file may hold besides data: consistency checks.
constexpr const char* kChecksKey = "checks";

/// Bounds on what data may expand to (hostile input: a few hundred bytes of
/// YAML aliases stand for billions of values). The values of all files of
/// one report, counted as they are converted: far above any report's data
/// (tables come from CSV and do not count), far below the memory limit.
constexpr size_t kMaxValues = 250000;
/// Lists and maps inside one another, and folders of yaml_dir inside the
/// files of yaml_dir.
constexpr int kMaxNesting = 64;
constexpr int kMaxYamlDirDepth = 8;
/// A yaml_dir folder of this much YAML (some 3 ms of parsing) is parsed on two threads.
constexpr size_t kParallelParseBytes = 64 * 1024;
/// ... read and parsed this much at a time.
constexpr size_t kParseWindowBytes = 1024 * 1024;

/// Whether EXPRESSION opens more "(" or "[" than it closes outside quotes:
/// the sign that YAML cut a flow list `[a, pct(b, c)]` at the comma inside
/// the call, leaving "pct(b" and "c)".
bool has_unclosed_bracket(std::string_view expression) {
  int depth = 0;
  bool quoted = false;
  for (char c : expression) {
    if (c == '"') quoted = !quoted;
    else if (!quoted && (c == '(' || c == '[')) ++depth;
    else if (!quoted && (c == ')' || c == ']')) --depth;
  }
  return depth > 0;
}

/// Loads the data files of one report into one DataSet.
class DataLoader {
 public:
  DataLoader(const std::string& report_dir, DiagnosticSink& sink) : report_dir_(report_dir), sink_(sink) {
    set_.root.kind = Value::Kind::Record;
    set_.root.record = std::make_shared<Record>();
  }

  /// Loads one YAML data file; false when nothing of it could be read.
  bool load_file(const std::string& relative_path);

  /// Evaluates the `{expr: …}` values, in the order they were written, now
  /// that every file is loaded (an expression may use data of any file).
  void resolve_derived() {
    for (auto& d : derived_) {
      ReadRecorder reads;
      auto v = evaluate(d.expression, set_, d.span, sink_);
      set_.derived[d.span.to_string()] = {d.expression, reads.take()};
      if (v) {
        v->span = d.span;
        (*d.owner)[d.key] = std::move(*v);
      }
    }
  }

  DataSet take() { return std::move(set_); }

 private:
  /// A value computed from other data once all of it is loaded.
  struct Derived {
    std::shared_ptr<Record> owner;
    std::string key;
    std::string expression;
    Span span;
  };
  static constexpr const char* kDerivedMarker = "\x01expr";
  static bool is_derived(const Value& v) { return v.kind == Value::Kind::Null && v.literal == kDerivedMarker; }
  void remember(const std::shared_ptr<Record>& owner, const std::string& key, const Value& marker) {
    derived_.push_back({owner, key, marker.text, marker.span});
  }
  std::optional<Value> load_yaml_dir(const YAML::Node& map);
  /// A file's YAML parsed ahead, perhaps on another thread: its root, or what yaml-cpp threw.
  struct ParsedAhead {
    bool done = false;  ///< else (not parsed ahead, or out of memory there) parsed at its turn
    std::optional<YAML::Node> root;
    std::string error;
    YAML::Mark mark;
  };
  std::optional<YAML::Node> parse_yaml(const TextFile& file, ParsedAhead* ahead = nullptr);
  std::vector<Derived> derived_;
  std::optional<std::string> resolve_path(const std::string& relative_path, const Span& written_at,
                                          PathKind kind = PathKind::File);
  /// Counts one more value against kMaxValues; false (reported once) past it.
  bool count_value(const Span& at);
  Span span_of(const YAML::Mark& mark) const;
  Span span_of_expression(const YAML::Node& node) const;
  void report_duplicate_keys(const YAML::Node& node);
  std::optional<Value> convert(const YAML::Node& node, const Span& owner);
  std::optional<Value> load_table(const YAML::Node& map);
  void read_checks(const YAML::Node& node);
  void read_check(const YAML::Node& node);

  std::string report_dir_;
  DiagnosticSink& sink_;
  DataSet set_;
  const TextFile* file_ = nullptr;       ///< the YAML file being read
  std::map<std::string, Span> defined_;  ///< top-level keys → where defined
  std::vector<std::string> open_files_;  ///< real paths of the files being read, outermost first
  size_t values_ = 0;                    ///< converted so far (kMaxValues)
  size_t walked_ = 0;                    ///< nodes report_duplicate_keys visited
  int nesting_ = 0;                      ///< convert() calls open
  Span top_key_;                         ///< the top-level key being converted (where a blow-up is reported)
};

bool DataLoader::count_value(const Span& at) {
  if (++values_ == kMaxValues + 1)
    sink_.error(top_key_.line > 0 ? top_key_ : at, fmt::format("the data holds more than {} values", kMaxValues),
                {"YAML aliases (*name) repeat what they name: a few of them inside one another multiply it; "
                 "put large tables in CSV files"});
  return values_ <= kMaxValues;
}

/// REPORT_DIR/RELATIVE_PATH as spans show it, or an error at WRITTEN_AT when
/// the path is absolute or climbs out of the report folder with "..": a
/// report must carry all its data, and a path outside it would make the
/// output depend on files nobody reviews with the report.
std::optional<std::string> DataLoader::resolve_path(const std::string& relative_path, const Span& written_at,
                                                    PathKind kind) {
  if (relative_path.empty()) {
    sink_.error(written_at, "the path is empty");
    return std::nullopt;
  }
  fs::path path(relative_path);
  if (path.is_absolute()) {
    sink_.error(written_at, fmt::format("absolute path \"{}\" is not allowed", relative_path),
                {"write the path relative to the report folder, e.g. tables/majors.csv"});
    return std::nullopt;
  }
  fs::path normal = path.lexically_normal();
  if (normal.empty() || *normal.begin() == "..") {
    sink_.error(written_at, fmt::format("path \"{}\" leaves the report folder", relative_path),
                {fmt::format("data files must be inside the report folder ({})",
                             report_dir_.empty() ? "." : report_dir_)});
    return std::nullopt;
  }
  std::string joined = report_dir_.empty() ? normal.generic_string()
                                           : (fs::path(report_dir_) / normal).lexically_normal().generic_string();
  // The path as written stays inside; what it resolves to (symlinks) must too.
  ConfinedPath confined = confine_path(joined, {report_dir_.empty() ? "." : report_dir_}, kind,
                                       kind == PathKind::Folder ? "folder" : "file");
  if (!confined.ok()) {
    sink_.error(written_at, confined.error, confined.hint.empty() ? std::vector<std::string>{} : std::vector{confined.hint});
    return std::nullopt;
  }
  std::error_code ec;
  if (written_at.line > 0 && !fs::exists(fs::symlink_status(joined, ec))) {
    sink_.error(written_at, fmt::format("there is no {} \"{}\"", kind == PathKind::Folder ? "folder" : "file", joined),
                {fmt::format("the path is relative to the report folder ({})", report_dir_.empty() ? "." : report_dir_)});
    return std::nullopt;
  }
  return joined;
}

Span DataLoader::span_of(const YAML::Mark& mark) const {
  if (mark.line < 0) return {file_->path(), 1, 1};
  return file_->span_at_line_byte(mark.line + 1, mark.column + 1);
}

/// Where an expression's text starts: past the opening quote of a quoted
/// scalar, so that column offsets into the expression land on its tokens.
Span DataLoader::span_of_expression(const YAML::Node& node) const {
  Span span = span_of(node.Mark());
  auto pos = static_cast<size_t>(node.Mark().pos);
  const std::string& text = file_->text();
  if (node.Mark().line >= 0 && pos < text.size() && (text[pos] == '"' || text[pos] == '\'')) ++span.col;
  return span;
}

/// yaml-cpp keeps both entries of a repeated key and lookups see only the
/// first, so a second `total:` would be silently ignored. Every map is
/// walked once here; later conversion keeps the first entry too.
void DataLoader::report_duplicate_keys(const YAML::Node& node) {
  // Aliases make the tree a graph that is walked once per path to a node:
  // the walk stops with convert()'s bound (which reports it).
  if (++walked_ > kMaxValues) return;
  if (node.IsMap()) {
    std::map<std::string, YAML::Mark> seen;
    for (const auto& item : node) {
      if (item.first.IsScalar()) {
        auto [it, inserted] = seen.emplace(item.first.Scalar(), item.first.Mark());
        if (!inserted)
          sink_.error(span_of(item.first.Mark()), fmt::format("duplicate key \"{}\"", item.first.Scalar()),
                      {fmt::format("first defined at line {}", span_of(it->second).line)});
      }
      report_duplicate_keys(item.second);
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) report_duplicate_keys(item);
  }
}

/// NODE as a Value. OWNER is the span of the key holding it, used for an
/// empty value (`key:` with nothing after it), whose mark points at no text
/// of its own. nullopt: the value could not be loaded (reported).
std::optional<Value> DataLoader::convert(const YAML::Node& node, const Span& owner) {
  if (!count_value(owner)) return std::nullopt;
  if (nesting_ >= kMaxNesting) {
    sink_.error(span_of(node.Mark()), fmt::format("the data is nested more than {} deep", kMaxNesting),
                {"a report's data needs a few levels of lists and maps"});
    return std::nullopt;
  }
  struct Open {
    int& n;
    explicit Open(int& count) : n(++count) {}
    ~Open() { --n; }
  } open(nesting_);
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null: {
      // `key: ~` is at its "~"; a bare `key:` has nothing written (its mark is
      // past the colon, or with YAML::Load the next token), so the key stands in for it.
      Value v;
      auto pos = static_cast<size_t>(node.Mark().pos);
      const std::string& text = file_->text();
      bool written = node.Mark().line >= 0 && pos < text.size() && span_of(node.Mark()).line == owner.line &&
                     (text[pos] == '~' || text.compare(pos, 4, "null") == 0 || text.compare(pos, 4, "Null") == 0 ||
                      text.compare(pos, 4, "NULL") == 0);
      v.span = written ? span_of(node.Mark()) : owner;
      return v;
    }
    case YAML::NodeType::Scalar: {
      Span span = span_of(node.Mark());
      // Only plain scalars (tag "?") may be numbers: "10266" in quotes is
      // text, as YAML 1.2 §10.3 resolves it.
      if (node.Tag() == "?") return scalar_value(node.Scalar(), span);
      return Value::of_text(node.Scalar(), span);
    }
    case YAML::NodeType::Sequence: {
      Value v;
      v.kind = Value::Kind::List;
      v.list = std::make_shared<List>();
      v.span = span_of(node.Mark());
      for (const auto& item : node)
        if (auto converted = convert(item, span_of(item.Mark()))) v.list->push_back(std::move(*converted));
      return v;
    }
    case YAML::NodeType::Map: {
      // One pass for the keys that make a map something else: yaml-cpp's node["csv"] on a
      // const node copies every key of the map into a string to compare it, per lookup.
      bool csv = false, workbook = false, yaml_dir = false, expr = false;
      for (const auto& item : node)
        if (item.first.IsScalar()) {
          const std::string& k = item.first.Scalar();
          csv |= k == "csv";
          workbook |= k == "xlsx" || k == "xls";
          yaml_dir |= k == "yaml_dir";
          expr |= k == "expr";
        }
      if (csv) return load_table(node);
      if (workbook)
        return load_workbook_reference(
            node, [this](const std::string& p, const Span& at) { return resolve_path(p, at); },
            [this](const YAML::Mark& m) { return span_of(m); }, sink_);
      if (yaml_dir) return load_yaml_dir(node);
      if (expr && node.size() == 1) {
        // `{expr: "sum(schools.enrolment)"}`: computed once everything is loaded.
        Value marker;
        marker.literal = kDerivedMarker;
        marker.text = node["expr"].IsScalar() ? node["expr"].Scalar() : "";
        marker.span = span_of_expression(node["expr"]);
        return marker;
      }
      Value v;
      v.kind = Value::Kind::Record;
      v.record = std::make_shared<Record>();
      v.span = span_of(node.Mark());
      for (const auto& item : node) {
        if (!item.first.IsScalar()) {
          sink_.error(span_of(item.first.Mark()), "a key must be a single word or number");
          continue;
        }
        const std::string& key = item.first.Scalar();
        if (v.record->count(key)) continue;  // a duplicate, reported already
        if (auto converted = convert(item.second, span_of(item.first.Mark()))) {
          if (is_derived(*converted)) remember(v.record, key, *converted);
          (*v.record)[key] = std::move(*converted);
        }
      }
      return v;
    }
  }
  return std::nullopt;
}

/// `{csv: tables/x.csv}` → the table's rows (workbook.cc: `encoding:`, `fields:`).
std::optional<Value> DataLoader::load_table(const YAML::Node& map) {
  return load_csv_reference(
      map, [this](const std::string& p, const Span& at) { return resolve_path(p, at); },
      [this](const YAML::Mark& m) { return span_of(m); }, sink_);
}

/// `{yaml_dir: schools}` → one record per YAML file of that folder, in file
/// name order, each with `_file`, its name without `.yaml`: the school files
/// a district report sums over.
std::optional<Value> DataLoader::load_yaml_dir(const YAML::Node& map) {
  const YAML::Node path_node = map["yaml_dir"];
  if (map.size() != 1 || !path_node.IsScalar()) {
    sink_.error(span_of(map.Mark()), "\"yaml_dir\" names a folder of YAML files", {"yaml_dir: schools"});
    return std::nullopt;
  }
  Span written_at = span_of(path_node.Mark());
  auto dir = resolve_path(path_node.Scalar(), written_at, PathKind::Folder);
  if (!dir) return std::nullopt;
  if (static_cast<int>(open_files_.size()) > kMaxYamlDirDepth) {
    sink_.error(written_at, fmt::format("yaml_dir inside yaml_dir more than {} deep", kMaxYamlDirDepth));
    return std::nullopt;
  }
  std::error_code ec;
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(*dir, ec))
    if (entry.path().extension() == ".yaml") files.push_back(entry.path().string());
  if (ec) {
    sink_.error(span_of(path_node.Mark()), fmt::format("cannot read folder {}: {}", *dir, ec.message()));
    return std::nullopt;
  }
  std::sort(files.begin(), files.end());
  Value list;
  list.kind = Value::Kind::List;
  list.list = std::make_shared<List>();
  list.span = span_of(path_node.Mark());
  const TextFile* outer = file_;
  // First the whole folder: a file that is a symlink out of the report, or
  // one being read already (a folder holding the file that names it, or
  // files naming each other's folders: the same file inside itself,
  // forever), before any of it is read.
  std::vector<std::string> real_paths;
  for (const auto& path : files) {
    ConfinedPath confined = confine_path(path, {report_dir_.empty() ? "." : report_dir_}, PathKind::File, "file");
    if (!confined.ok()) {
      sink_.error(written_at, confined.error, confined.hint.empty() ? std::vector<std::string>{} : std::vector{confined.hint});
      return std::nullopt;
    }
    if (std::find(open_files_.begin(), open_files_.end(), confined.real) != open_files_.end()) {
      sink_.error(written_at,
                  fmt::format("yaml_dir \"{}\" includes {}, which is already being read: it would include itself",
                              path_node.Scalar(), path),
                  {"keep the per-school files in a folder of their own, e.g. yaml_dir: schools"});
      return std::nullopt;
    }
    real_paths.push_back(confined.real);
  }
  // The files are read, and parsed, before any is converted: parsing is most of the time a
  // folder takes (some 20 MB a second, base/yaml_parse.h), and a large folder's files are parsed
  // on two threads. (A window of files at a time: the nodes of a folder of a thousand schools are
  // not all held at once.) Each file's diagnostics are reported at its turn, as when read one
  // by one.
  std::vector<DiagnosticSink> read_sinks(files.size());
  std::vector<std::optional<TextFile>> texts(files.size());
  std::vector<ParsedAhead> ahead(files.size());
  YamlTextCache* cache = YamlTextCache::current();
  for (size_t begin = 0, end = 0; begin < files.size(); begin = end) {
    std::vector<size_t> to_parse;
    size_t bytes = 0;
    for (end = begin; end < files.size() && bytes < kParseWindowBytes; ++end) {
      texts[end] = read_text_file(files[end], read_sinks[end]);
      if (!texts[end] || (cache && cache->has(texts[end]->text(), texts[end]->path(), 0))) continue;
      to_parse.push_back(end);
      bytes += texts[end]->text().size();
    }
    if (to_parse.size() >= 2 && bytes >= kParallelParseBytes) {
      std::atomic<size_t> next{0};
      run_on_threads(2, [&] {
        for (size_t i; (i = next.fetch_add(1)) < to_parse.size();) {
          ParsedAhead& a = ahead[to_parse[i]];
          try {
            a.root = parse_yaml_text(texts[to_parse[i]]->text());
            a.done = true;
          } catch (const YAML::Exception& e) {
            a.error = e.msg;
            a.mark = e.mark;
            a.done = true;
          } catch (...) {
            a.root.reset();  // parsed again on this thread, where what it throws is reported
          }
        }
      });
    }
    for (size_t f = begin; f < end; ++f) {
      const std::string& path = files[f];
      for (const auto& d : read_sinks[f].all()) sink_.add(d);
      std::optional<TextFile> file = std::move(texts[f]);
      ParsedAhead parsed_ahead = std::move(ahead[f]);
      texts[f].reset();
      if (!file) continue;
      file_ = &*file;
      open_files_.push_back(real_paths[f]);
      struct Close {
        std::vector<std::string>& files;
        ~Close() { files.pop_back(); }
      } close{open_files_};
      std::optional<YAML::Node> parsed = parse_yaml(*file, &parsed_ahead);
      if (!parsed) {
        file_ = outer;
        continue;
      }
      const YAML::Node& root = *parsed;
      if (root.IsMap()) {
        if (auto v = convert(root, span_of(root.Mark())); v && v->kind == Value::Kind::Record) {
          (*v->record)["_file"] = Value::of_text(fs::path(path).stem().string(), {path, 1, 1});
          list.list->push_back(std::move(*v));
        }
      }
      file_ = outer;
    }
  }
  return list;
}

void DataLoader::read_checks(const YAML::Node& node) {
  if (!node.IsSequence()) {
    sink_.error(span_of(node.Mark()), "\"checks\" is a list of checks",
                {"checks:\n    - name: 在校生总数\n      equal: [students.total, sum(majors.students)]"});
    return;
  }
  for (const auto& item : node) read_check(item);
}

void DataLoader::read_check(const YAML::Node& node) {
  static const char* const kKnown = "known keys: name, equal, format";
  DataSet::Check check;
  check.span = span_of(node.Mark());
  if (!node.IsMap()) {
    sink_.error(check.span, "a check is a map with \"name\" and \"equal\"",
                {"- name: 在校生总数\n      equal: [students.total, sum(majors.students)]"});
    return;
  }
  bool has_name = false, has_equal = false, valid = true;
  std::set<std::string> seen;
  for (const auto& item : node) {
    std::string key = item.first.IsScalar() ? item.first.Scalar() : "";
    if (!seen.insert(key).second) continue;  // a duplicate, reported already
    const YAML::Node& value = item.second;
    Span value_span = span_of(value.Mark());
    if (key == "name") {
      if (!value.IsScalar()) {
        sink_.error(value_span, "a check's \"name\" is a single line of text");
        valid = false;
        continue;
      }
      check.name = value.Scalar();
      has_name = true;
    } else if (key == "equal") {
      if (!value.IsSequence()) {
        sink_.error(value_span, "\"equal\" is a list of expressions", {"equal: [students.total, sum(majors.students)]"});
        valid = false;
        continue;
      }
      for (const auto& expression : value) {
        if (!expression.IsScalar()) {
          sink_.error(span_of(expression.Mark()), "an expression is written as one line of text");
          valid = false;
          continue;
        }
        check.equal.push_back(expression.Scalar());
        check.spans.push_back(span_of_expression(expression));
        if (value.Style() == YAML::EmitterStyle::Flow && expression.Tag() == "?" &&
            has_unclosed_bracket(expression.Scalar())) {
          sink_.error(check.spans.back(),
                      fmt::format("the expression \"{}\" is cut at a comma", expression.Scalar()),
                      {"in a [ ] list YAML splits at every comma: put the expression in quotes, "
                       "\"pct(a, b)\", or write one expression per line after \"- \""});
          valid = false;
        }
      }
      if (value.size() < 2) {
        sink_.error(value_span, fmt::format("\"equal\" needs at least two expressions to compare, got {}", value.size()));
        valid = false;
      }
      has_equal = true;
    } else if (key == "format") {
      if (!value.IsScalar() || !format_number(Value::of_number(0), value.Scalar())) {
        sink_.error(value_span,
                    fmt::format("malformed number format \"{}\"", value.IsScalar() ? value.Scalar() : "…"),
                    {"a format is built from 0 # , . % and a leading +, e.g. \"0.00\", \"#,##0\", \"+0.#%\""});
        valid = false;
        continue;
      }
      check.format = value.Scalar();
    } else {
      sink_.error(span_of(item.first.Mark()), fmt::format("unknown key \"{}\" in a check", key), {kKnown});
      valid = false;
    }
  }
  if (!has_name) sink_.error(check.span, "the check has no \"name\"", {"name: 在校生总数 (what the check compares)"});
  if (!has_equal)
    sink_.error(check.span, "the check has no \"equal\"", {"equal: [students.total, sum(majors.students)]"});
  if (valid && has_name && has_equal) set_.checks.push_back(std::move(check));
}

/// FILE parsed as YAML, its duplicate keys reported; nullopt after a syntax error.
std::optional<YAML::Node> DataLoader::parse_yaml(const TextFile& file, ParsedAhead* ahead) {
  // (A data file is kept whole, its first line line 1: its duplicate keys are reported on each use.)
  YamlTextCache* cache = YamlTextCache::current();
  if (cache)
    if (const YAML::Node* kept = cache->find(file.text(), file.path(), 0)) {
      report_duplicate_keys(*kept);
      return *kept;
    }
  YAML::Node root;
  if (ahead && ahead->done) {
    if (!ahead->root) {
      sink_.error(span_of(ahead->mark), fmt::format("malformed YAML: {}", ahead->error));
      return std::nullopt;
    }
    root = *ahead->root;
  } else {
    try {
      root = parse_yaml_text(file.text());
    } catch (const YAML::Exception& e) {
      sink_.error(span_of(e.mark), fmt::format("malformed YAML: {}", e.msg));
      return std::nullopt;
    }
  }
  report_duplicate_keys(root);
  // (Every use of a data file's nodes reads them through const references:
  // a cached node is never changed.)
  if (cache) cache->keep(file.text(), file.path(), 0, root);
  return root;
}

bool DataLoader::load_file(const std::string& relative_path) {
  auto path = resolve_path(relative_path, Span{relative_path});
  if (!path) return false;
  auto file = read_text_file(*path, sink_);
  if (!file) return false;
  file_ = &*file;
  open_files_.assign(1, confine_path(*path, {report_dir_.empty() ? "." : report_dir_}, PathKind::File, "file").real);
  std::optional<YAML::Node> parsed = parse_yaml(*file);
  if (!parsed) return false;
  const YAML::Node& root = *parsed;
  if (root.IsNull()) return true;  // an empty file holds no data, which is fine
  if (!root.IsMap()) {
    sink_.error(span_of(root.Mark()), "a data file is a map of keys and values",
                {"e.g. `students: {total: 10391}` on the first line"});
    return false;
  }

  Record& record = *set_.root.record;
  std::set<std::string> seen;
  for (const auto& item : root) {
    Span key_span = span_of(item.first.Mark());
    if (!item.first.IsScalar()) {
      sink_.error(key_span, "a key must be a single word or number");
      continue;
    }
    const std::string& key = item.first.Scalar();
    if (!seen.insert(key).second) continue;  // a duplicate, reported already
    if (key == kChecksKey) {
      read_checks(item.second);
      continue;
    }
    if (auto first = defined_.find(key); first != defined_.end()) {
      sink_.error(key_span, fmt::format("key \"{}\" is already defined in another data file", key),
                  {fmt::format("first defined at {}", first->second.to_string())});
      continue;
    }
    defined_.emplace(key, key_span);
    top_key_ = key_span;
    if (auto value = convert(item.second, key_span)) {
      if (is_derived(*value)) remember(set_.root.record, key, *value);
      record[key] = std::move(*value);
    }
  }
  file_ = nullptr;
  return true;
}

}  // namespace

std::optional<DataSet> load_data_set(const std::string& report_dir, const std::vector<std::string>& files,
                                     DiagnosticSink& sink) {
  DataLoader loader(report_dir, sink);
  bool loaded_any = files.empty();  // no data files: an empty set, not a failure
  for (const auto& file : files) loaded_any = loader.load_file(file) || loaded_any;
  if (!loaded_any) return std::nullopt;
  loader.resolve_derived();
  return loader.take();
}

}  // namespace paiban::data
