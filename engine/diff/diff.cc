// paiban diff: both versions built with provenance, their inputs and their
// printed pieces paired, each changed place grouped under the inputs it read.
//
// diff_reports → build_version (old, new: document with provenance, checks one
// by one with their reads, pages traced) → compare_data (values, rows, keys)
// → align blocks (report.md text) → compare values, table cells, charts,
// checks, contents page numbers, pages → attribute places to inputs →
// highlights on the new pages (--pdf)
#include "diff/diff.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <regex>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/text_file.h"
#include "data/data.h"
#include "doc/document.h"
#include "layout/paginate.h"
#include "pdf/writer.h"
#include "pipeline.h"
#include "pipeline_internal.h"
#include "text/shape.h"

namespace paiban {
namespace {

using data::Value;

/// One version of the report, built with provenance.
struct Version {
  std::string dir;
  std::optional<Inputs> inputs;
  doc::Document document;
  layout::Pages pages;
  struct Check {
    std::string name;
    bool holds = true;
    std::vector<Span> reads;
  };
  std::vector<Check> checks;
  std::future<pdf::PreparedFonts> subsets;
  /// Trace key → where its lines went (page index, line).
  std::map<std::string, std::vector<std::pair<int, const layout::TracedLine*>>> traced;
  /// Per page: the baselines of its lines of text, top first.
  std::vector<std::vector<double>> baselines;
};

/// Errors of a version's build go to SINK; its warnings (failed checks,
/// overfull lines) are what the diff itself reports on, or noise.
void forward_errors(const DiagnosticSink& from, DiagnosticSink& to) {
  for (const auto& d : from.all())
    if (d.severity == Severity::Error) to.add(d);
}

bool build_version(const DiffOptions& options, const std::string& dir, const fonts::FontSet* fonts, bool subset,
                   Version& v, DiagnosticSink& sink) {
  v.dir = dir;
  DiagnosticSink local;
  BuildOptions bo;
  bo.report_dir = dir;
  bo.layout = options.layout;
  bo.root = options.root;
  v.inputs = read_inputs(bo, local, fonts == nullptr);
  if (!v.inputs || local.has_errors()) {
    forward_errors(local, sink);
    return false;
  }
  if (fonts)
    for (const auto& role : layout::roles_used(v.inputs->layout))
      if (!fonts->role(role)) {
        fonts = nullptr;  // its layout uses a role the other's fonts lack: its own fonts
        v.inputs->owned_fonts = fonts::load_font_set(
            (std::filesystem::path(options.root.empty() ? resource_root() : options.root) / "fonts").string(), local,
            layout::roles_used(v.inputs->layout));
        if (!v.inputs->owned_fonts || local.has_errors()) {
          forward_errors(local, sink);
          return false;
        }
        break;
      }
  const fonts::FontSet& f = fonts ? *fonts : *v.inputs->owned_fonts;
  doc::DocumentSettings settings = document_settings(v.inputs->layout, dir);
  settings.provenance = true;
  v.document = doc::build_document(v.inputs->tree, v.inputs->data, local, settings);
  if (local.has_errors()) {
    forward_errors(local, sink);
    return false;
  }
  // Each check on its own, with what it reads.
  for (const auto& check : v.inputs->data.checks) {
    data::DataSet one;
    one.root = v.inputs->data.root;
    one.checks = {check};
    DiagnosticSink quiet;
    data::ReadRecorder reads;
    int failed = data::run_checks(one, quiet);
    v.checks.push_back({check.name, failed == 0 && !quiet.has_errors(), reads.take()});
  }
  layout::Tracing tracing;
  v.pages = layout::paginate(v.document, v.inputs->layout, f, local, [&](const layout::GlyphSets& glyphs) {
    if (!subset) return;
    auto job = [glyphs, &f] { return pdf::subset_fonts(glyphs, f); };
    try {
      v.subsets = std::async(std::launch::async, job);
    } catch (const std::system_error&) {
      v.subsets = std::async(std::launch::deferred, job);
    }
  });
  if (local.has_errors()) {
    forward_errors(local, sink);
    return false;
  }
  v.baselines.resize(v.pages.pages.size());
  for (size_t p = 0; p < v.pages.pages.size(); ++p) {
    for (const auto& t : v.pages.pages[p].trace) {
      v.traced[t.key].push_back({static_cast<int>(p), &t});
      if (t.key.rfind("b", 0) == 0 || t.key.rfind("toc:", 0) == 0) v.baselines[p].push_back(t.baseline);
    }
    auto& b = v.baselines[p];
    std::sort(b.begin(), b.end(), std::greater<>());
    std::vector<double> merged;
    for (double y : b)
      if (merged.empty() || merged.back() - y > 0.5) merged.push_back(y);
    b = std::move(merged);
  }
  return true;
}

std::string page_label(const layout::Pages& pages, int index) {
  if (index < 0 || index >= static_cast<int>(pages.pages.size())) return "";
  const layout::Page& p = pages.pages[index];
  if (p.number == 0 || p.style == layout::NumberStyle::None) return pages.cover_label;
  return layout::page_number_text(p.number, p.style);
}

int line_on_page(const Version& v, int page, double baseline) {
  const auto& b = v.baselines[page];
  for (size_t i = 0; i < b.size(); ++i)
    if (std::abs(b[i] - baseline) <= 0.5) return static_cast<int>(i) + 1;
  return 0;
}

DiffRect rect_of(int page, double x0, double x1, const layout::TracedLine& t) {
  // The text's em box with a little room, as link areas are drawn.
  return {page, x0, t.baseline - 0.2 * t.size, x1, t.baseline + 0.9 * t.size};
}

// --- inputs: data ----------------------------------------------------------

std::string shown(const Value& v) {
  switch (v.kind) {
    case Value::Kind::Null: return "（空）";
    case Value::Kind::Number: return !v.literal.empty() ? v.literal : data::format_number(v, "").value_or("?");
    case Value::Kind::Text: return v.text;
    case Value::Kind::List: return fmt::format("（{}项）", v.list ? v.list->size() : 0);
    case Value::Kind::Record: {
      std::string s;
      int n = 0;
      if (v.record)
        for (const auto& [k, x] : *v.record) {
          if (x.kind == Value::Kind::List || x.kind == Value::Kind::Record) continue;
          if (n++ == 4) {
            s += "，…";
            break;
          }
          s += fmt::format("{}{}: {}", s.empty() ? "" : "，", k, shown(x));
        }
      return s;
    }
  }
  return "";
}

/// The content of a value without where it came from.
std::string fingerprint(const Value& v) {
  switch (v.kind) {
    case Value::Kind::Null: return "n";
    case Value::Kind::Number: return fmt::format("d{}|{}", v.number, v.literal);
    case Value::Kind::Text: return "t" + v.text;
    case Value::Kind::List: {
      std::string s = "[";
      for (const auto& x : *v.list) s += fingerprint(x) + ",";
      return s + "]";
    }
    case Value::Kind::Record: {
      std::string s = "{";
      for (const auto& [k, x] : *v.record) s += k + ":" + fingerprint(x) + ",";
      return s + "}";
    }
  }
  return "";
}

/// A path relative to its report folder.
std::string relative(const std::string& path, const std::string& dir) {
  std::string d = dir;
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  if (path.rfind(d + "/", 0) == 0) return path.substr(d.size() + 1);
  return path;
}

/// The longest common subsequence of A and B: the pairs (i, j) it matches.
template <class T>
std::vector<std::pair<size_t, size_t>> align(const std::vector<T>& a, const std::vector<T>& b) {
  std::vector<std::pair<size_t, size_t>> out;
  size_t front = 0;
  while (front < a.size() && front < b.size() && a[front] == b[front]) out.push_back({front, front}), ++front;
  size_t back = 0;
  while (back < a.size() - front && back < b.size() - front && a[a.size() - 1 - back] == b[b.size() - 1 - back]) ++back;
  size_t n = a.size() - front - back, m = b.size() - front - back;
  if (n > 0 && m > 0 && n * m <= 25'000'000) {
    std::vector<uint32_t> dp((n + 1) * (m + 1), 0);
    auto at = [&](size_t i, size_t j) -> uint32_t& { return dp[i * (m + 1) + j]; };
    for (size_t i = n; i-- > 0;)
      for (size_t j = m; j-- > 0;)
        at(i, j) = a[front + i] == b[front + j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    for (size_t i = 0, j = 0; i < n && j < m;) {
      if (a[front + i] == b[front + j]) out.push_back({front + i, front + j}), ++i, ++j;
      else if (at(i + 1, j) >= at(i, j + 1)) ++i;
      else ++j;
    }
  }
  for (size_t k = back; k-- > 0;) out.push_back({a.size() - 1 - k, b.size() - 1 - k});
  return out;
}

class DataComparer {
 public:
  DataComparer(const Version& a, const Version& b, std::vector<DiffInput>& out) : a_(a), b_(b), out_(out) {}

  void walk(const Value& x, const Value& y, const std::string& path) {
    if (x.kind == Value::Kind::Record && y.kind == Value::Kind::Record) {
      for (const auto& [k, v] : *x.record)
        if (!y.record->count(k)) out_.push_back({DiffInput::Kind::KeyRemoved, v.span, join(path, k), shown(v), ""});
      for (const auto& [k, v] : *y.record) {
        auto it = x.record->find(k);
        if (it == x.record->end()) out_.push_back({DiffInput::Kind::KeyAdded, v.span, join(path, k), "", shown(v)});
        else walk(it->second, v, join(path, k));
      }
      return;
    }
    if (x.kind == Value::Kind::List && y.kind == Value::Kind::List) {
      lists(x, y, path);
      return;
    }
    if (derived(b_, y)) {
      const auto& db = b_.inputs->data.derived.at(y.span.to_string());
      auto da = a_.inputs->data.derived.find(x.span.to_string());
      if (da == a_.inputs->data.derived.end() || da->second.expression != db.expression)
        out_.push_back({DiffInput::Kind::Expression, y.span, path,
                        da == a_.inputs->data.derived.end() ? shown(x) : da->second.expression, db.expression});
      return;
    }
    if (fingerprint(x) != fingerprint(y)) out_.push_back({DiffInput::Kind::Value, y.span, path, shown(x), shown(y)});
  }

 private:
  static std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }
  static bool derived(const Version& v, const Value& x) {
    return x.literal.empty() && x.kind != Value::Kind::List && x.kind != Value::Kind::Record &&
           v.inputs->data.derived.count(x.span.to_string());
  }

  /// A row's identity: its file for records of a folder of files (yaml_dir), else its content.
  std::vector<std::string> identities(const Value& list, const std::string& dir) {
    std::set<std::string> paths;
    for (const auto& item : *list.list) paths.insert(item.span.path);
    bool by_file = paths.size() == list.list->size() && list.list->size() > 1;
    std::vector<std::string> ids;
    for (const auto& item : *list.list) ids.push_back(by_file ? "f" + relative(item.span.path, dir) : fingerprint(item));
    return ids;
  }

  void lists(const Value& x, const Value& y, const std::string& path) {
    auto item_path = [&](size_t i) { return fmt::format("{}[{}]", path, i); };
    if (x.list->size() == y.list->size()) {
      std::vector<std::string> ia = identities(x, a_.dir), ib = identities(y, b_.dir);
      bool files = !ia.empty() && ia[0].rfind("f", 0) == 0;
      if (!files || ia == ib) {
        for (size_t i = 0; i < x.list->size(); ++i) walk((*x.list)[i], (*y.list)[i], item_path(i));
        return;
      }
    }
    std::vector<std::string> ia = identities(x, a_.dir), ib = identities(y, b_.dir);
    auto pairs = align(ia, ib);
    std::vector<bool> in_a(ia.size()), in_b(ib.size());
    for (auto [i, j] : pairs) {
      in_a[i] = in_b[j] = true;
      walk((*x.list)[i], (*y.list)[j], item_path(j));
    }
    const bool files = (!ia.empty() && ia[0].rfind("f", 0) == 0) || (!ib.empty() && ib[0].rfind("f", 0) == 0);
    for (size_t i = 0; i < ia.size(); ++i)
      if (!in_a[i])
        out_.push_back({DiffInput::Kind::RowRemoved, (*x.list)[i].span, item_path(i), shown((*x.list)[i]), "", x.span, files});
    for (size_t j = 0; j < ib.size(); ++j)
      if (!in_b[j])
        out_.push_back({DiffInput::Kind::RowAdded, (*y.list)[j].span, item_path(j), "", shown((*y.list)[j]), y.span, files});
  }

  const Version& a_;
  const Version& b_;
  std::vector<DiffInput>& out_;
};

// --- the document's blocks -------------------------------------------------

std::string runs_signature(const std::vector<doc::InlineRun>& runs) {
  std::string s;
  for (const auto& r : runs) {
    if (r.value) s += "\x01";
    else if (r.kind == doc::InlineKind::Reference) s += "\x02" + r.target;
    else if (r.kind == doc::InlineKind::FootnoteRef) s += "\x03" + r.text;
    else s += r.text;
    if (!r.url.empty()) s += "\x04" + r.url;
  }
  return s;
}

std::string block_signature(const doc::Block& b) {
  switch (b.kind) {
    case doc::BlockKind::Heading: return fmt::format("H{}|{}", b.level, runs_signature(b.runs));
    case doc::BlockKind::Paragraph: return fmt::format("P{}|{}|{}", b.list_depth, b.marker, runs_signature(b.runs));
    case doc::BlockKind::Table: {
      std::string s = fmt::format("T{}|{}|{}|{}", b.table->id, b.table->caption, b.table->unit, b.table->columns);
      for (const auto& c : b.table->header) s += "|" + c.text;
      return s;
    }
    case doc::BlockKind::Case: {
      std::string s = "C" + b.case_box->title;
      for (const auto& c : b.case_box->blocks) s += "\x05" + block_signature(c);
      return s;
    }
    case doc::BlockKind::Figure: return "F" + b.figure->id + "|" + b.figure->caption;
    case doc::BlockKind::Contents: return "L";
    case doc::BlockKind::PageBreak: return "B";
    case doc::BlockKind::Rule: return "R";
  }
  return "";
}

std::string block_word(const doc::Block& b) {
  switch (b.kind) {
    case doc::BlockKind::Heading: return "标题";
    case doc::BlockKind::Paragraph: return "段落";
    case doc::BlockKind::Table: return "表格";
    case doc::BlockKind::Case: return "案例";
    case doc::BlockKind::Figure: return "图";
    case doc::BlockKind::Contents: return "目录";
    default: return "分隔";
  }
}

std::string block_text(const doc::Block& b) {
  switch (b.kind) {
    case doc::BlockKind::Heading: return (b.number.empty() ? "" : b.number + " ") + doc::plain_text(b.runs);
    case doc::BlockKind::Paragraph: return doc::plain_text(b.runs);
    case doc::BlockKind::Table: return b.table->label + " " + b.table->caption;
    case doc::BlockKind::Case: {
      std::string s = b.case_box->title;
      for (const auto& c : b.case_box->blocks) s += "／" + block_text(c);
      return s;
    }
    case doc::BlockKind::Figure: return b.figure->label + " " + b.figure->caption;
    default: return "";
  }
}

/// The sentence of TEXT around bytes [from, to).
std::string sentence_at(const std::string& text, size_t from, size_t to) {
  static const std::vector<std::string> ends = {"。", "！", "？", "；"};
  size_t start = 0, stop = text.size();
  for (const auto& e : ends) {
    size_t p = from == 0 ? std::string::npos : text.rfind(e, from - 1);
    if (p != std::string::npos) start = std::max(start, p + e.size());
    size_t q = text.find(e, to);
    if (q != std::string::npos) stop = std::min(stop, q + e.size());
  }
  return text.substr(start, stop - start);
}

/// Byte ranges in plain_text(RUNS) of each value run.
std::vector<std::pair<size_t, size_t>> value_ranges(const std::vector<doc::InlineRun>& runs) {
  std::vector<std::pair<size_t, size_t>> out;
  size_t at = 0;
  for (const auto& r : runs) {
    if (r.kind == doc::InlineKind::FootnoteRef) continue;
    if (r.value) out.push_back({at, at + r.text.size()});
    at += r.text.size();
  }
  return out;
}

std::vector<const doc::InlineRun*> value_runs(const std::vector<doc::InlineRun>& runs) {
  std::vector<const doc::InlineRun*> out;
  for (const auto& r : runs)
    if (r.value) out.push_back(&r);
  return out;
}

/// The printed name of a table cell's row and column.
struct CellName {
  std::string row, column;
};

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// 10266, 1,234, -3.5, 12.0%: a figure, not a label.
bool is_number(const std::string& s) {
  static const std::regex number(R"([+-]?[0-9][0-9,]*(\.[0-9]+)?%?|[+-]?\.[0-9]+%?)");
  return std::regex_match(s, number);
}

/// Cells of TABLE by a key that holds across versions: the row's label (its
/// first column, or the second after a 序号), the how-many-th row of that
/// label, the column.
std::map<std::string, std::pair<size_t, CellName>> cells_by_name(const doc::Table& t) {
  auto covering = [&](const std::vector<doc::TableCell>& cells, int row, int column) -> const doc::TableCell* {
    for (const auto& c : cells)
      if (row >= c.row && row < c.row + c.rowspan && column >= c.column && column < c.column + c.colspan) return &c;
    return nullptr;
  };
  std::vector<std::string> row_label(t.body_rows);
  std::map<std::string, int> seen;
  std::vector<int> occurrence(t.body_rows);
  for (int r = 0; r < t.body_rows; ++r) {
    // The texts before the row's first figure (after a 序号): 占地面积 / m², 第一产业 / 农林牧渔类 / 园艺技术, 合计.
    std::string label;
    for (int c = 0; c < t.columns; ++c) {
      const doc::TableCell* cell = covering(t.body, r, c);
      if (!cell || (cell->column != c)) continue;
      if (c == 0 && all_digits(cell->text) && t.columns > 1) continue;
      if (is_number(cell->text)) break;
      if (!cell->text.empty()) label += (label.empty() ? "" : " / ") + cell->text;
    }
    row_label[r] = label;
    occurrence[r] = seen[label]++;
  }
  std::vector<std::string> column(t.columns);
  for (int c = 0; c < t.columns; ++c) {
    std::string name;
    std::string last;
    for (int r = 0; r < t.header_rows; ++r)
      if (const doc::TableCell* h = covering(t.header, r, c); h && h->text != last) {
        name += (name.empty() ? "" : " / ") + h->text;
        last = h->text;
      }
    column[c] = name.empty() ? fmt::format("第{}列", c + 1) : name;
  }
  std::map<std::string, std::pair<size_t, CellName>> out;
  for (size_t k = 0; k < t.body.size(); ++k) {
    const auto& c = t.body[k];
    std::string key = fmt::format("{}\x1f{}\x1f{:03}", row_label[c.row], occurrence[c.row], c.column);
    out[key] = {k, {row_label[c.row], column[c.column]}};
  }
  return out;
}

// --- pages -----------------------------------------------------------------

bool same_page(const layout::Page& a, const layout::Page& b) {
  if (a.number != b.number || a.style != b.style || a.runs.size() != b.runs.size() || a.rules.size() != b.rules.size() ||
      a.rects.size() != b.rects.size() || a.images.size() != b.images.size() || a.shapes.size() != b.shapes.size() ||
      a.links.size() != b.links.size())
    return false;
  for (size_t i = 0; i < a.runs.size(); ++i) {
    const auto &x = a.runs[i], &y = b.runs[i];
    if (x.face != y.face || x.size != y.size || x.x != y.x || x.y != y.y || !(x.color == y.color) ||
        x.glyphs.size() != y.glyphs.size())
      return false;
    for (size_t g = 0; g < x.glyphs.size(); ++g)
      if (x.glyphs[g].gid != y.glyphs[g].gid || x.glyphs[g].advance != y.glyphs[g].advance) return false;
  }
  for (size_t i = 0; i < a.rules.size(); ++i) {
    const auto &x = a.rules[i], &y = b.rules[i];
    if (x.x0 != y.x0 || x.y0 != y.y0 || x.x1 != y.x1 || x.y1 != y.y1 || x.width != y.width || !(x.color == y.color)) return false;
  }
  for (size_t i = 0; i < a.rects.size(); ++i) {
    const auto &x = a.rects[i], &y = b.rects[i];
    if (x.x != y.x || x.y != y.y || x.w != y.w || x.h != y.h || x.fill != y.fill || !(x.fill_color == y.fill_color)) return false;
  }
  for (size_t i = 0; i < a.images.size(); ++i) {
    const auto &x = a.images[i], &y = b.images[i];
    if (x.x != y.x || x.y != y.y || x.w != y.w || x.h != y.h || x.image->bytes != y.image->bytes) return false;
  }
  for (size_t i = 0; i < a.shapes.size(); ++i)
    if (a.shapes[i].points != b.shapes[i].points || !(a.shapes[i].fill_color == b.shapes[i].fill_color)) return false;
  for (size_t i = 0; i < a.links.size(); ++i)
    if (a.links[i].target != b.links[i].target || a.links[i].uri != b.links[i].uri || a.links[i].y0 != b.links[i].y0 ||
        a.links[i].x0 != b.links[i].x0)
      return false;
  return true;
}

// --- comparing ---------------------------------------------------------------

class Comparer {
 public:
  Comparer(const Version& a, const Version& b, DiffReport& r) : a_(a), b_(b), r_(r) {}

  void run() {
    DataComparer(a_, b_, r_.inputs).walk(a_.inputs->data.root, b_.inputs->data.root, "");
    data_inputs_ = r_.inputs.size();
    blocks();
    checks();
    contents();
    pages();
    attribute();
  }

 private:
  struct Reads {
    std::vector<Span> old_reads, new_reads;
  };

  static std::string key_of(size_t block) { return fmt::format("b{}", block); }

  size_t index_of(const Version& v, const doc::Block& b) const { return &b - v.document.blocks.data(); }

  /// "1.1.2 中等职业教育规模": the section holding block I of the new version.
  std::string section(const Version& v, size_t i) const {
    for (size_t k = i + 1; k-- > 0;) {
      const auto& b = v.document.blocks[k];
      if (b.kind == doc::BlockKind::Heading) return block_text(b);
    }
    return "";
  }

  std::string first_page(const Version& v, const std::string& key) const {
    auto it = v.traced.find(key);
    if (it == v.traced.end() || it->second.empty()) return "";
    return page_label(v.pages, it->second.front().first);
  }

  std::string block_page(const Version& v, size_t i) const {
    const doc::Block& b = v.document.blocks[i];
    std::string key = key_of(i);
    std::string p = first_page(v, key);
    if (p.empty() && b.kind == doc::BlockKind::Table) p = first_page(v, key + ".cap");
    if (p.empty() && b.kind == doc::BlockKind::Case) p = first_page(v, key + ".t");
    if (p.empty() && b.kind == doc::BlockKind::Table)
      for (const auto& [k, lines] : v.traced)
        if (k.rfind(key + ".c", 0) == 0 && !lines.empty()) return page_label(v.pages, lines.front().first);
    if (p.empty() && !b.id.empty())
      if (auto a = v.pages.anchors.find(b.id); a != v.pages.anchors.end()) p = page_label(v.pages, a->second.page);
    return p;
  }

  /// Rectangles of every line of the traced text KEY (and of those starting with KEY + ".", if PREFIX).
  std::vector<DiffRect> line_rects(const std::string& key, bool prefix = false) const {
    std::vector<DiffRect> out;
    for (const auto& [k, lines] : b_.traced) {
      if (!(k == key || (prefix && k.rfind(key + ".", 0) == 0))) continue;
      for (const auto& [page, t] : lines) out.push_back(rect_of(page, t->x0, t->x1, *t));
    }
    return out;
  }

  void add_place(DiffPlace place, Reads reads) {
    r_.places.push_back(std::move(place));
    reads_.push_back(std::move(reads));
  }

  // report.md: blocks aligned by their source signature
  void blocks() {
    std::vector<std::string> sa, sb;
    for (const auto& b : a_.document.blocks) sa.push_back(block_signature(b));
    for (const auto& b : b_.document.blocks) sb.push_back(block_signature(b));
    auto pairs = align(sa, sb);
    size_t i = 0, j = 0;
    auto unmatched = [&](size_t i1, size_t j1) {
      // Old blocks [i, i1) and new blocks [j, j1) have no partner: paired in order as edits.
      while (i < i1 || j < j1) {
        if (i < i1 && j < j1) text_edit(&a_.document.blocks[i++], j++);
        else if (i < i1) text_edit(&a_.document.blocks[i++], SIZE_MAX);
        else text_edit(nullptr, j++);
      }
    };
    for (auto [pi, pj] : pairs) {
      unmatched(pi, pj);
      same_block(a_.document.blocks[pi], pj);
      i = pi + 1, j = pj + 1;
    }
    unmatched(a_.document.blocks.size(), b_.document.blocks.size());
  }

  /// 【案例分享2】标题, in the layout's words.
  std::string case_title(const doc::Block& b) const {
    const doc::Labels& l = b_.inputs->layout.labels;
    return fmt::format("{}{}{}{}{}", l.case_open, l.case_label, b.case_box->number, l.case_close, b.case_box->title);
  }

  void text_edit(const doc::Block* old_block, size_t j) {
    const doc::Block* new_block = j == SIZE_MAX ? nullptr : &b_.document.blocks[j];
    const doc::Block& shown_block = new_block ? *new_block : *old_block;
    if (shown_block.kind == doc::BlockKind::PageBreak || shown_block.kind == doc::BlockKind::Rule) return;
    DiffInput in;
    in.kind = !old_block ? DiffInput::Kind::TextAdded : !new_block ? DiffInput::Kind::TextRemoved : DiffInput::Kind::Text;
    in.span = shown_block.span;
    in.path = block_word(shown_block);
    in.old_text = old_block ? block_text(*old_block) : "";
    in.new_text = new_block ? block_text(*new_block) : "";
    r_.inputs.push_back(in);
    DiffPlace p;
    p.kind = DiffPlace::Kind::Text;
    p.where = in.path;
    p.old_text = in.old_text;
    p.new_text = in.new_text;
    p.inputs = {r_.inputs.size() - 1};
    if (new_block) {
      p.page = block_page(b_, j);
      if (new_block->kind == doc::BlockKind::Case && old_block && old_block->kind == doc::BlockKind::Case) {
        // The paragraphs of the box that changed.
        const auto &ca = old_block->case_box->blocks, &cb = new_block->case_box->blocks;
        if (old_block->case_box->title != new_block->case_box->title) p.rects = line_rects(key_of(j) + ".t");
        for (size_t k = 0; k < cb.size(); ++k)
          if (k >= ca.size() || block_signature(ca[k]) != block_signature(cb[k])) {
            auto more = line_rects(fmt::format("{}.p{}", key_of(j), k));
            p.rects.insert(p.rects.end(), more.begin(), more.end());
          }
      } else {
        p.rects = line_rects(key_of(j), true);
      }
    } else {
      p.page = block_page(a_, index_of(a_, *old_block));
    }
    add_place(std::move(p), {});
  }

  void same_block(const doc::Block& ob, size_t j) {
    const doc::Block& nb = b_.document.blocks[j];
    switch (nb.kind) {
      case doc::BlockKind::Heading:
      case doc::BlockKind::Paragraph: values(ob, nb, key_of(j), nb.kind == doc::BlockKind::Heading ? block_text(nb) : section(b_, j)); break;
      case doc::BlockKind::Case:
        for (size_t k = 0; k < nb.case_box->blocks.size() && k < ob.case_box->blocks.size(); ++k)
          values(ob.case_box->blocks[k], nb.case_box->blocks[k], fmt::format("{}.p{}", key_of(j), k), case_title(nb));
        break;
      case doc::BlockKind::Table: cells(*ob.table, *nb.table, j); break;
      case doc::BlockKind::Figure:
        if (ob.figure->chart && nb.figure->chart) chart(ob, nb, j);
        break;
      default: break;
    }
  }

  void values(const doc::Block& ob, const doc::Block& nb, const std::string& key, const std::string& where) {
    auto va = value_runs(ob.runs), vb = value_runs(nb.runs);
    auto ra = value_ranges(ob.runs), rb = value_ranges(nb.runs);
    std::string ta = doc::plain_text(ob.runs), tb = doc::plain_text(nb.runs);
    for (size_t k = 0; k < va.size() && k < vb.size(); ++k) {
      if (va[k]->text == vb[k]->text) continue;
      DiffPlace p;
      p.kind = DiffPlace::Kind::Value;
      p.where = where;
      p.old_text = va[k]->text;
      p.new_text = vb[k]->text;
      p.old_sentence = sentence_at(ta, ra[k].first, ra[k].second);
      p.new_sentence = sentence_at(tb, rb[k].first, rb[k].second);
      if (auto it = b_.traced.find(key); it != b_.traced.end())
        for (const auto& [page, t] : it->second)
          for (const auto& hit : t->values)
            if (hit.ordinal == static_cast<int>(k)) {
              if (p.rects.empty()) {
                p.page = page_label(b_.pages, page);
                p.line = line_on_page(b_, page, t->baseline);
              }
              p.rects.push_back(rect_of(page, hit.x0, hit.x1, *t));
            }
      Reads reads;
      if (auto it = a_.document.reads.find(va[k]->span.to_string()); it != a_.document.reads.end()) reads.old_reads = it->second;
      if (auto it = b_.document.reads.find(vb[k]->span.to_string()); it != b_.document.reads.end()) reads.new_reads = it->second;
      add_place(std::move(p), std::move(reads));
    }
  }

  void cells(const doc::Table& ta, const doc::Table& tb, size_t j) {
    auto ca = cells_by_name(ta), cb = cells_by_name(tb);
    std::string where = tb.label.empty() ? "表格" : tb.label;
    std::map<std::string, std::vector<size_t>> added_rows;  // row label → new cells
    std::vector<std::pair<std::string, std::pair<size_t, CellName>>> in_order(cb.begin(), cb.end());
    std::sort(in_order.begin(), in_order.end(), [&](const auto& x, const auto& y) {
      const doc::TableCell &p = tb.body[x.second.first], &q = tb.body[y.second.first];
      return std::pair{p.row, p.column} < std::pair{q.row, q.column};
    });
    for (const auto& [key, cell] : in_order) {
      auto it = ca.find(key);
      const doc::TableCell& nc = tb.body[cell.first];
      if (it == ca.end()) {
        added_rows[key.substr(0, key.rfind('\x1f'))].push_back(cell.first);
        continue;
      }
      const doc::TableCell& oc = ta.body[it->second.first];
      if (oc.text == nc.text) continue;
      DiffPlace p;
      p.kind = DiffPlace::Kind::Cell;
      p.where = where;
      p.row = cell.second.row;
      p.column = cell.second.column;
      p.old_text = oc.text;
      p.new_text = nc.text;
      p.rects = line_rects(fmt::format("{}.c{}", key_of(j), cell.first));
      p.page = p.rects.empty() ? block_page(b_, j) : page_label(b_.pages, p.rects.front().page);
      Reads reads{oc.reads, nc.reads};
      if (oc.reads.empty() && nc.reads.empty()) {
        // A cell written in report.md (a pipe table): a text edit of its own.
        r_.inputs.push_back({DiffInput::Kind::Text, nc.span, "表格单元格", oc.text, nc.text});
        p.inputs = {r_.inputs.size() - 1};
      }
      add_place(std::move(p), std::move(reads));
    }
    for (const auto& [row_key, list] : added_rows) {
      DiffPlace p;
      p.kind = DiffPlace::Kind::RowAdded;
      p.where = where;
      Reads reads;
      p.row = cb.at(row_key + fmt::format("\x1f{:03}", tb.body[list.front()].column)).second.row;
      for (size_t k : list) {
        const doc::TableCell& c = tb.body[k];
        auto more = line_rects(fmt::format("{}.c{}", key_of(j), k));
        p.rects.insert(p.rects.end(), more.begin(), more.end());
        if (!is_number(c.text) && (" / " + p.row + " / ").find(" / " + c.text + " / ") != std::string::npos) continue;
        p.new_text += (p.new_text.empty() ? "" : "｜") + c.text;
        reads.new_reads.insert(reads.new_reads.end(), c.reads.begin(), c.reads.end());
        reads.new_reads.push_back(c.span);
      }
      p.page = p.rects.empty() ? block_page(b_, j) : page_label(b_.pages, p.rects.front().page);
      add_place(std::move(p), std::move(reads));
    }
    std::map<std::string, std::vector<size_t>> removed_rows;
    for (const auto& [key, cell] : ca)
      if (!cb.count(key)) removed_rows[key.substr(0, key.rfind('\x1f'))].push_back(cell.first);
    for (const auto& [row_key, list] : removed_rows) {
      DiffPlace p;
      p.kind = DiffPlace::Kind::RowRemoved;
      p.where = where;
      Reads reads;
      p.row = ca.at(row_key + fmt::format("\x1f{:03}", ta.body[list.front()].column)).second.row;
      for (size_t k : list) {
        const doc::TableCell& c = ta.body[k];
        if (!is_number(c.text) && (" / " + p.row + " / ").find(" / " + c.text + " / ") != std::string::npos) continue;
        p.old_text += (p.old_text.empty() ? "" : "｜") + c.text;
        reads.old_reads.insert(reads.old_reads.end(), c.reads.begin(), c.reads.end());
        reads.old_reads.push_back(c.span);
      }
      p.page = block_page(b_, j);
      add_place(std::move(p), std::move(reads));
    }
  }

  void chart(const doc::Block& ob, const doc::Block& nb, size_t j) {
    const doc::Chart &ca = *ob.figure->chart, &cb = *nb.figure->chart;
    Reads reads;
    if (auto it = a_.document.reads.find("chart@" + ob.span.to_string()); it != a_.document.reads.end()) reads.old_reads = it->second;
    if (auto it = b_.document.reads.find("chart@" + nb.span.to_string()); it != b_.document.reads.end()) reads.new_reads = it->second;
    // A value's label on the chart (when it prints them), else the figure's caption.
    std::map<std::string, std::vector<DiffRect>> texts;
    const std::string prefix = key_of(j) + ".f";
    for (const auto& [k, lines] : b_.traced)
      if (k.rfind(prefix, 0) == 0 && k.find('|') != std::string::npos)
        for (const auto& [page, t] : lines) texts[k.substr(k.find('|') + 1)].push_back(rect_of(page, t->x0, t->x1, *t));
    const std::vector<DiffRect> caption = texts[nb.figure->label + " " + nb.figure->caption];
    for (size_t s = 0; s < cb.series.size(); ++s)
      for (size_t c = 0; c < cb.categories.size(); ++c) {
        const doc::ChartSeries* os = nullptr;
        for (const auto& x : ca.series)
          if (x.label == cb.series[s].label) os = &x;
        auto oc = std::find(ca.categories.begin(), ca.categories.end(), cb.categories[c]);
        std::string now = data::format_number(Value::of_number(cb.series[s].values[c]), cb.format).value_or("?");
        std::string before = "（无）";
        if (os && oc != ca.categories.end())
          before = data::format_number(Value::of_number(os->values[oc - ca.categories.begin()]), ca.format).value_or("?");
        if (before == now) continue;
        DiffPlace p;
        p.kind = DiffPlace::Kind::Chart;
        p.where = nb.figure->label;
        p.row = cb.categories[c];
        p.column = cb.series[s].label;
        p.old_text = before;
        p.new_text = now;
        auto label = texts.find(now);
        p.rects = cb.value_labels && label != texts.end() && label->second.size() == 1 ? label->second : caption;
        p.page = block_page(b_, j);
        add_place(std::move(p), reads);
      }
  }

  void checks() {
    std::map<std::string, int> seen;
    std::map<std::string, const Version::Check*> old_checks;
    for (const auto& c : a_.checks) old_checks[fmt::format("{}\x1f{}", c.name, seen[c.name]++)] = &c;
    seen.clear();
    for (const auto& c : b_.checks) {
      auto it = old_checks.find(fmt::format("{}\x1f{}", c.name, seen[c.name]++));
      if (it == old_checks.end() || it->second->holds == c.holds) continue;
      DiffPlace p;
      p.kind = DiffPlace::Kind::Check;
      p.where = "检查";
      p.row = c.name;
      p.old_text = it->second->holds ? "相符" : "不符";
      p.new_text = c.holds ? "相符" : "不符";
      add_place(std::move(p), {it->second->reads, c.reads});
    }
  }

  void contents() {
    // In the order the contents lists print them.
    std::vector<std::pair<std::string, const std::vector<std::pair<int, const layout::TracedLine*>>*>> entries;
    for (const auto& [key, lines] : b_.traced)
      if (key.rfind("tocnum:", 0) == 0 && !lines.empty()) entries.push_back({key, &lines});
    std::sort(entries.begin(), entries.end(), [](const auto& x, const auto& y) {
      const auto &a = x.second->front(), &b = y.second->front();
      return a.first != b.first ? a.first < b.first : a.second->baseline > b.second->baseline;
    });
    for (const auto& [key, entry] : entries) {
      const auto& lines = *entry;
      std::string id = key.substr(7);
      auto na = b_.pages.anchors.find(id), oa = a_.pages.anchors.find(id);
      if (na == b_.pages.anchors.end() || oa == a_.pages.anchors.end()) continue;
      std::string now = page_label(b_.pages, na->second.page), before = page_label(a_.pages, oa->second.page);
      if (now == before) continue;
      DiffPlace p;
      p.kind = DiffPlace::Kind::Contents;
      p.where = na->second.title;
      p.old_text = before;
      p.new_text = now;
      p.page = page_label(b_.pages, lines.front().first);
      for (const auto& [page, t] : lines) p.rects.push_back(rect_of(page, t->x0, t->x1, *t));
      add_place(std::move(p), {});
    }
  }

  void pages() {
    const auto &pa = a_.pages.pages, &pb = b_.pages.pages;
    for (size_t i = 0; i < pb.size(); ++i)
      if (i >= pa.size() || !same_page(pa[i], pb[i])) r_.changed_pages.push_back(page_label(b_.pages, static_cast<int>(i)));
    for (size_t i = pb.size(); i < pa.size(); ++i) r_.removed_pages.push_back(page_label(a_.pages, static_cast<int>(i)));
  }

  /// The spans READS depend on: themselves and, through the `{expr: …}` values, what those read.
  static std::vector<Span> closure(const std::vector<Span>& reads, const data::DataSet& data) {
    std::vector<Span> out;
    std::set<std::string> seen;
    std::vector<Span> todo = reads;
    while (!todo.empty()) {
      Span s = std::move(todo.back());
      todo.pop_back();
      std::string k = s.to_string();
      if (!seen.insert(k).second) continue;
      if (auto it = data.derived.find(k); it != data.derived.end())
        todo.insert(todo.end(), it->second.reads.begin(), it->second.reads.end());
      out.push_back(std::move(s));
    }
    return out;
  }

  static bool matches(const DiffInput& in, const std::vector<Span>& reads) {
    const bool row = in.kind == DiffInput::Kind::RowAdded || in.kind == DiffInput::Kind::RowRemoved;
    for (const auto& s : reads) {
      if (row && s.path == in.list.path && s.line == in.list.line && s.col == in.list.col) return true;
      if (s.path != in.span.path) continue;
      if (s.line == in.span.line && s.col == in.span.col) return true;
      if (row && (s.line == in.span.line || in.whole_file)) return true;
    }
    return false;
  }

  void attribute() {
    for (size_t p = 0; p < r_.places.size(); ++p) {
      DiffPlace& place = r_.places[p];
      if (!place.inputs.empty()) continue;
      auto old_reads = closure(reads_[p].old_reads, a_.inputs->data);
      auto new_reads = closure(reads_[p].new_reads, b_.inputs->data);
      for (size_t i = 0; i < data_inputs_; ++i) {
        const DiffInput& in = r_.inputs[i];
        bool removed = in.kind == DiffInput::Kind::RowRemoved || in.kind == DiffInput::Kind::KeyRemoved;
        if (matches(in, removed ? old_reads : new_reads)) place.inputs.push_back(i);
      }
    }
  }

  const Version& a_;
  const Version& b_;
  DiffReport& r_;
  std::vector<Reads> reads_;  ///< per place
  size_t data_inputs_ = 0;
};

std::string old_text_note(const DiffPlace& p) {
  switch (p.kind) {
    case DiffPlace::Kind::RowAdded: return "新增一行：" + p.new_text;
    case DiffPlace::Kind::Contents: return fmt::format("原页码：{}", p.old_text);
    case DiffPlace::Kind::Text: return p.old_text.empty() ? "新增" : "原文：" + p.old_text;
    default: return "原：" + p.old_text;
  }
}

}  // namespace

std::optional<DiffReport> diff_reports(const DiffOptions& options, DiagnosticSink& sink) {
  Version a, b;
  const bool pdf = !options.pdf.empty();
  // The old version's unchanged paragraphs are shaped once, as paiban watch shapes them.
  text::ShapeCache shapes;
  text::ShapeCache::Scope shaping(&shapes);
  if (!build_version(options, options.new_dir, nullptr, pdf, b, sink)) return std::nullopt;
  const fonts::FontSet& fonts = *b.inputs->owned_fonts;
  // The old version shares the new one's fonts (the same fonts.yaml).
  if (!build_version(options, options.old_dir, &fonts, false, a, sink)) {
    if (b.subsets.valid()) b.subsets.wait();
    return std::nullopt;
  }
  DiffReport report;
  Comparer(a, b, report).run();
  if (pdf) {
    for (const auto& place : report.places) {
      std::map<int, layout::Highlight> per_page;
      for (const auto& r : place.rects) {
        auto& h = per_page[r.page];
        h.quads.insert(h.quads.end(), {r.x0, r.y0, r.x1, r.y1});
        h.contents = old_text_note(place);
      }
      for (auto& [page, h] : per_page) b.pages.pages[page].highlights.push_back(std::move(h));
    }
    pdf::DocumentInfo info;
    info.title = b.document.meta.title;
    info.author = b.document.meta.issuer;
    info.creator = fmt::format("paiban {}", kVersion);
    info.subject = b.document.meta.subject;
    info.keywords = b.document.meta.keywords;
    info.creation_time = options.creation_time;
    std::optional<pdf::PreparedFonts> prepared;
    auto bytes = pdf::write_pdf(b.pages, fonts, info, sink, [&]() -> const pdf::PreparedFonts* {
      if (b.subsets.valid()) prepared = b.subsets.get();
      return prepared ? &*prepared : nullptr;
    });
    if (!bytes || sink.has_errors()) return std::nullopt;
    if (std::string err = write_file_atomically(options.pdf, *bytes); !err.empty()) {
      sink.error({options.pdf, 0, 0}, err);
      return std::nullopt;
    }
  }
  return report;
}

namespace {

std::string page_words(const std::string& label) { return label.empty() ? "" : fmt::format("第{}页", label); }

std::string input_line(const DiffInput& in) {
  std::string at = in.span.to_string();
  switch (in.kind) {
    case DiffInput::Kind::Value: return fmt::format("{}: {}：{} → {}", at, in.path, in.old_text, in.new_text);
    case DiffInput::Kind::Expression: return fmt::format("{}: {} 的算式：{} → {}", at, in.path, in.old_text, in.new_text);
    case DiffInput::Kind::RowAdded: return fmt::format("{}: 新增一行 {}：{}", at, in.path, in.new_text);
    case DiffInput::Kind::RowRemoved: return fmt::format("{}: 删去一行 {}：{}", at, in.path, in.old_text);
    case DiffInput::Kind::KeyAdded: return fmt::format("{}: 新增数据 {}：{}", at, in.path, in.new_text);
    case DiffInput::Kind::KeyRemoved: return fmt::format("{}: 删去数据 {}：{}", at, in.path, in.old_text);
    case DiffInput::Kind::Text: return fmt::format("{}: 改动{}", at, in.path);
    case DiffInput::Kind::TextAdded: return fmt::format("{}: 新增{}", at, in.path);
    case DiffInput::Kind::TextRemoved: return fmt::format("{}: 删去{}", at, in.path);
  }
  return at;
}

std::string place_lines(const DiffPlace& p) {
  std::string page = page_words(p.page);
  switch (p.kind) {
    case DiffPlace::Kind::Value: {
      std::string s = fmt::format("  {}{} {}：{} → {}\n", page, p.line > 0 ? fmt::format("第{}行", p.line) : "", p.where,
                                  p.old_text, p.new_text);
      s += fmt::format("    原：{}\n    新：{}\n", p.old_sentence, p.new_sentence);
      return s;
    }
    case DiffPlace::Kind::Cell:
    case DiffPlace::Kind::Chart:
      return fmt::format("  {} {} {} / {}：{} → {}\n", page, p.where, p.row, p.column, p.old_text, p.new_text);
    case DiffPlace::Kind::RowAdded: return fmt::format("  {} {} 新增行 {}：{}\n", page, p.where, p.row, p.new_text);
    case DiffPlace::Kind::RowRemoved: return fmt::format("  {} {} 删去行 {}：{}\n", page, p.where, p.row, p.old_text);
    case DiffPlace::Kind::Check: return fmt::format("  检查“{}”：{} → {}\n", p.row, p.old_text, p.new_text);
    case DiffPlace::Kind::Text: {
      std::string s = fmt::format("  {} {}\n", page.empty() ? "" : page, p.where);
      if (!p.old_text.empty()) s += fmt::format("    原：{}\n", p.old_text);
      if (!p.new_text.empty()) s += fmt::format("    新：{}\n", p.new_text);
      return s;
    }
    case DiffPlace::Kind::Contents:
      return fmt::format("  {} {}：第{}页 → 第{}页\n", page, p.where, p.old_text, p.new_text);
  }
  return "";
}

const char* kind_name(DiffInput::Kind k) {
  switch (k) {
    case DiffInput::Kind::Value: return "value";
    case DiffInput::Kind::RowAdded: return "row-added";
    case DiffInput::Kind::RowRemoved: return "row-removed";
    case DiffInput::Kind::KeyAdded: return "key-added";
    case DiffInput::Kind::KeyRemoved: return "key-removed";
    case DiffInput::Kind::Expression: return "expression";
    case DiffInput::Kind::Text: return "text";
    case DiffInput::Kind::TextAdded: return "text-added";
    case DiffInput::Kind::TextRemoved: return "text-removed";
  }
  return "";
}

const char* kind_name(DiffPlace::Kind k) {
  switch (k) {
    case DiffPlace::Kind::Value: return "value";
    case DiffPlace::Kind::Cell: return "cell";
    case DiffPlace::Kind::RowAdded: return "row-added";
    case DiffPlace::Kind::RowRemoved: return "row-removed";
    case DiffPlace::Kind::Chart: return "chart";
    case DiffPlace::Kind::Check: return "check";
    case DiffPlace::Kind::Text: return "text";
    case DiffPlace::Kind::Contents: return "contents";
  }
  return "";
}

}  // namespace

std::string format_diff_text(const DiffReport& r) {
  if (r.identical() && r.inputs.empty()) return "";
  std::string out;
  std::vector<bool> listed(r.places.size(), false);
  for (size_t i = 0; i < r.inputs.size(); ++i) {
    std::string places;
    for (size_t p = 0; p < r.places.size(); ++p)
      if (std::find(r.places[p].inputs.begin(), r.places[p].inputs.end(), i) != r.places[p].inputs.end()) {
        places += place_lines(r.places[p]);
        listed[p] = true;
      }
    out += input_line(r.inputs[i]) + (places.empty() ? "（输出不变）\n" : "\n") + places;
  }
  std::string contents, other;
  for (size_t p = 0; p < r.places.size(); ++p) {
    if (listed[p]) continue;
    (r.places[p].kind == DiffPlace::Kind::Contents ? contents : other) += place_lines(r.places[p]);
  }
  if (!other.empty()) out += "其他变化：\n" + other;
  if (!contents.empty()) out += "目录中页码变动的条目：\n" + contents;
  if (!r.changed_pages.empty() || !r.removed_pages.empty()) {
    out += "内容有变化的页：";
    for (size_t i = 0; i < r.changed_pages.size(); ++i) out += (i ? "、" : "") + r.changed_pages[i];
    out += "\n";
    if (!r.removed_pages.empty()) {
      out += "删去的页：";
      for (size_t i = 0; i < r.removed_pages.size(); ++i) out += (i ? "、" : "") + r.removed_pages[i];
      out += "\n";
    }
  }
  return out;
}

std::string format_diff_json(const DiffReport& r) {
  using nlohmann::json;
  json j;
  j["identical"] = r.identical();
  j["inputs"] = json::array();
  for (const auto& in : r.inputs)
    j["inputs"].push_back({{"kind", kind_name(in.kind)},
                           // A workbook cell as "x.xlsx:学校!C5", without line and column.
                           {"file", in.span.cell ? in.span.to_string() : in.span.path.str()},
                           {"line", in.span.cell ? 0 : in.span.line},
                           {"col", in.span.cell ? 0 : in.span.col},
                           {"path", in.path},
                           {"old", in.old_text},
                           {"new", in.new_text}});
  j["places"] = json::array();
  for (const auto& p : r.places) {
    json rects = json::array();
    for (const auto& x : p.rects) rects.push_back({{"page", x.page + 1}, {"x0", x.x0}, {"y0", x.y0}, {"x1", x.x1}, {"y1", x.y1}});
    j["places"].push_back({{"kind", kind_name(p.kind)},
                           {"where", p.where},
                           {"row", p.row},
                           {"column", p.column},
                           {"old", p.old_text},
                           {"new", p.new_text},
                           {"old_sentence", p.old_sentence},
                           {"new_sentence", p.new_sentence},
                           {"page", p.page},
                           {"line", p.line},
                           {"inputs", p.inputs},
                           {"rects", rects}});
  }
  j["changed_pages"] = r.changed_pages;
  j["removed_pages"] = r.removed_pages;
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace paiban
