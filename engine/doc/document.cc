// Syntax tree + data → Document.
//
// build_document → Builder::add (numbering, ids, tables built from data,
// values bound) → Builder::resolve_references (second pass: targets may
// come later in the document)
#include "doc/document.h"

#include <array>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "base/text_file.h"
#include "base/yaml_util.h"
#include "doc/figures.h"
#include "source/parse.h"

namespace paiban::doc {
namespace {

/// A column of a table spec.
struct ColumnSpec {
  std::string value;  ///< expression, evaluated with the row's fields in scope
  Span value_span;
  std::string format;
  Align align = Align::Center;
  bool align_given = false;
  bool merge_down = false;
  bool total = false;
};

class Builder {
 public:
  Builder(const data::DataSet& data, DiagnosticSink& sink, const DocumentSettings& settings)
      : data_(data), sink_(sink), settings_(settings) {}

  void add(const source::Block& b, int depth, const std::string& marker, std::vector<Block>& out) {
    switch (b.kind) {
      case source::BlockKind::Heading: add_heading(b, out); break;
      case source::BlockKind::Paragraph: {
        Block p;
        p.kind = BlockKind::Paragraph;
        p.span = b.span;
        p.runs = bind_values(b.runs);
        p.list_depth = depth;
        p.marker = marker;
        p.continuation = b.continuation;
        p.quote_depth = quote_depth_;
        p.align = b.align;
        note_references(p.runs);
        out.push_back(std::move(p));
        break;
      }
      case source::BlockKind::Quote: {
        ++quote_depth_;
        for (const auto& child : b.children) add(child, depth, {}, out);
        --quote_depth_;
        break;
      }
      case source::BlockKind::Rule: {
        Block r;
        r.kind = BlockKind::Rule;
        r.span = b.span;
        out.push_back(std::move(r));
        break;
      }
      case source::BlockKind::Footnote: add_footnote(b); break;
      case source::BlockKind::PipeTable: add_pipe_table(b, out); break;
      case source::BlockKind::List: {
        int n = b.start;
        for (const auto& item : b.children) {
          std::string m = b.ordered ? fmt::format("{}.", n++) : settings_.labels.bullet;
          bool first = true;
          for (const auto& child : item.children) {
            add(child, depth + 1, first ? m : std::string(), out);
            first = false;
          }
        }
        break;
      }
      case source::BlockKind::ListItem: break;  // handled by List
      case source::BlockKind::Table: add_table(b, out); break;
      case source::BlockKind::Case: add_case(b, out); break;
      case source::BlockKind::Contents: add_contents(b, out); break;
      case source::BlockKind::Figure:
      case source::BlockKind::Chart: add_figure(b, out); break;
      case source::BlockKind::PageBreak: {
        Block p;
        p.kind = BlockKind::PageBreak;
        p.span = b.span;
        out.push_back(std::move(p));
        break;
      }
    }
  }

  /// Footnotes: definitions by label, numbered in order of first reference;
  /// an undefined reference is an error at it, an unused definition a warning.
  std::map<std::string, Footnote> take_footnotes() {
    std::map<std::string, Footnote> out;
    int index = 0;
    for (const auto& [label, span] : references_) {
      auto it = definitions_.find(label);
      if (it == definitions_.end()) {
        std::vector<std::string> hints;
        for (const auto& [l, f] : definitions_)
          if (edit_distance(l, label) <= 2) hints.push_back(fmt::format("did you mean [^{}]?", l));
        hints.push_back(fmt::format("define it on a line of its own: [^{}]: 注释的文字。", label));
        sink_.error(span, fmt::format("footnote [^{}] is not defined", label), hints);
        continue;
      }
      if (out.count(label)) continue;
      Footnote f = it->second;
      f.index = ++index;
      out.emplace(label, std::move(f));
    }
    for (const auto& [label, f] : definitions_)
      if (!out.count(label) && !undefined_.count(label))
        sink_.warning(f.span, fmt::format("footnote [^{}] is defined but never referred to", label),
                      {fmt::format("put [^{}] where its mark goes, or delete the definition", label)});
    return out;
  }

  /// Binds the values of RUNS (front-matter text).
  std::vector<InlineRun> bind(const std::vector<InlineRun>& runs) { return bind_values(runs); }

  /// Second pass: [@id] → its label, linked.
  void resolve_references(std::vector<Block>& blocks) {
    for (auto& block : blocks) {
      for (auto& run : block.runs) resolve(run);
      if (block.case_box)
        for (auto& child : block.case_box->blocks)
          for (auto& run : child.runs) resolve(run);
    }
  }

 private:
  /// 表3 or 表2-1 (图3, 图2-1): WORD and the number through the document, or the chapter's and the number in it.
  std::string numbered(const std::string& word, TableNumbering numbering, int number, int in_chapter) const {
    return numbering == TableNumbering::Chapter ? fmt::format("{}{}-{}", word, counters_[0], in_chapter)
                                                : fmt::format("{}{}", word, number);
  }

  /// 表N (表2-1) through the body; after a `{.appendix}` heading 附表1, 附表2, … counted apart.
  /// The continuation's caption word follows: 续表N, 续附表N.
  void number_table(Table& table) {
    if (in_appendix_) {
      table.appendix = true;
      table.number = ++appendix_tables_;
      std::string n = std::to_string(table.number);
      table.label = settings_.labels.appendix_table + n;
      table.continued_label = settings_.labels.appendix_table_continued + n;
      return;
    }
    table.number = ++table_count_;
    ++chapter_tables_;
    table.label = numbered(settings_.labels.table, settings_.table_numbering, table.number, chapter_tables_);
    table.continued_label = settings_.labels.table_continued + table.label.substr(settings_.labels.table.size());
  }

  void register_id(const std::string& id, const std::string& label, const Span& span) {
    if (id.empty()) return;
    auto [it, inserted] = labels_.emplace(id, label);
    if (!inserted)
      sink_.error(span, fmt::format("duplicate id \"{}\"", id),
                  {fmt::format("\"{}\" already names {}", id, it->second)});
  }

  void resolve(InlineRun& run) {
    if (run.kind != InlineKind::Reference || !run.target.empty()) return;
    auto it = labels_.find(run.text);
    if (it == labels_.end()) {
      std::vector<std::string> hints;
      for (const auto& [id, label] : labels_)
        if (edit_distance(id, run.text) <= 2) hints.push_back(fmt::format("did you mean \"{}\" ({})?", id, label));
      if (hints.empty()) {
        std::vector<std::string> ids;
        for (const auto& [id, label] : labels_)
          if (ids.size() < 8) ids.push_back(id);
        hints.push_back(ids.empty() ? "give a table, case or heading an id to refer to it"
                                    : fmt::format("ids defined: {}", fmt::join(ids, ", ")));
      }
      sink_.error(run.span, fmt::format("unresolved reference \"{}\"", run.text), hints);
      run.kind = InlineKind::Text;
      run.text = "??";
      return;
    }
    run.target = run.text;
    run.text = it->second;
  }

  /// {{ expr | format }} → the formatted value as text.
  std::vector<InlineRun> bind_values(const std::vector<InlineRun>& runs) {
    std::vector<InlineRun> out;
    for (const auto& run : runs) {
      if (run.kind != InlineKind::Value) {
        out.push_back(run);
        continue;
      }
      InlineRun text = run;
      text.kind = InlineKind::Text;
      text.text = "??";
      text.value = true;
      std::optional<data::ReadRecorder> recorder;
      if (settings_.provenance) recorder.emplace();
      auto v = data::evaluate(run.text, data_, run.span, sink_);
      if (recorder) reads_[run.span.to_string()] = recorder->take();
      if (v) {
        if (v->is_number()) {
          auto s = data::format_number(*v, run.format);
          if (s) text.text = *s;
          else sink_.error(run.span, fmt::format("malformed number format \"{}\"", run.format),
                           {"patterns: 0, 0.00, #,##0, 0.0%, +0.#%"});
        } else if (v->kind == data::Value::Kind::Text) {
          text.text = v->text;
        } else {
          sink_.error(run.span, fmt::format("\"{}\" is not a number or text", run.text));
        }
      }
      out.push_back(std::move(text));
    }
    return out;
  }

  void add_heading(const source::Block& b, std::vector<Block>& out) {
    if (b.level > settings_.heading_levels) {
      sink_.error(b.span, fmt::format("a level-{} heading: the layout styles and numbers headings down to level {}",
                                      b.level, settings_.heading_levels),
                  {fmt::format("use at most {} # signs, or write a paragraph with **strong** text", settings_.heading_levels)});
      return;
    }
    Block h;
    h.kind = BlockKind::Heading;
    h.span = b.span;
    h.level = b.level;
    h.runs = bind_values(b.runs);
    note_references(h.runs);
    h.in_contents = b.in_contents;
    if (b.appendix) in_appendix_ = true;
    if (b.attachment) {
      // A notice's 附件: a document of its own, its headings numbered from 一、 again.
      h.attachment = ++attachments_;
      counters_.fill(0);
      last_level_ = 0;
    }
    if (b.numbered) {
      if (b.level > last_level_ + 1)
        sink_.warning(b.span, fmt::format("heading level jumps from {} to {}", last_level_, b.level),
                      {fmt::format("use {} # for the next level down", last_level_ + 1)});
      ++counters_[b.level - 1];
      for (int i = b.level; i < 6; ++i) counters_[i] = 0;
      std::string number;
      for (int i = 0; i < b.level; ++i) number += fmt::format("{}{}", i ? "." : "", counters_[i]);
      if (b.level == 1) {
        number += ".";
        chapter_tables_ = 0;
        chapter_figures_ = 0;
      }
      h.number = number;
      h.counters.assign(counters_.begin(), counters_.begin() + b.level);
      last_level_ = b.level;
    }
    h.id = b.id.empty() ? fmt::format("heading-{}", ++heading_count_) : b.id;
    register_id(b.id, h.number.empty() ? plain_text(h.runs) : h.number.substr(0, h.number.find_last_not_of('.') + 1), b.span);
    out.push_back(std::move(h));
  }

  void note_references(const std::vector<InlineRun>& runs) {
    for (const auto& r : runs)
      if (r.kind == InlineKind::FootnoteRef) references_.push_back({r.text, r.span});
  }

  void add_footnote(const source::Block& b) {
    Footnote f;
    f.label = b.id;
    f.span = b.span;
    std::vector<Block> blocks;
    for (const auto& child : b.children) {
      if (child.kind != source::BlockKind::Paragraph) {
        sink_.error(child.span, "a footnote holds paragraphs only");
        continue;
      }
      add(child, 0, {}, blocks);
    }
    for (auto& p : blocks)
      for (const auto& r : p.runs)
        if (r.kind == InlineKind::FootnoteRef) sink_.error(r.span, "a footnote inside a footnote", {"write it into the note's text"});
    f.blocks = std::move(blocks);
    if (!definitions_.emplace(f.label, f).second)
      sink_.error(b.span, fmt::format("footnote [^{}] is defined twice", f.label));
  }

  /// A pipe table: a table like the data tables (numbered when it has a caption).
  void add_pipe_table(const source::Block& b, std::vector<Block>& out) {
    auto table = std::make_shared<Table>();
    table->span = b.span;
    table->caption = b.caption;
    table->unit = b.title;
    table->note = b.spec;
    table->landscape = b.landscape;
    table->columns = static_cast<int>(b.columns.size());
    int header = 0, body = 0;
    for (const auto& row : b.children) {
      bool is_header = row.numbered;
      int r = is_header ? header++ : body++;
      for (size_t c = 0; c < row.children.size() && static_cast<int>(c) < table->columns; ++c) {
        const source::Block& cell = row.children[c];
        TableCell tc;
        tc.row = r;
        tc.column = static_cast<int>(c);
        tc.span = cell.span;
        tc.runs = bind_values(cell.runs);
        note_references(tc.runs);
        tc.text = plain_text(tc.runs);
        source::ColumnAlign a = b.columns[c];
        tc.align = is_header || a == source::ColumnAlign::None ? Align::Center
                   : a == source::ColumnAlign::Left            ? Align::Left
                   : a == source::ColumnAlign::Right           ? Align::Right
                                                               : Align::Center;
        (is_header ? table->header : table->body).push_back(std::move(tc));
      }
    }
    table->header_rows = header;
    table->body_rows = body;
    table->total_rows.assign(body, false);
    if (!table->caption.empty()) {
      number_table(*table);
    } else if (!b.id.empty()) {
      sink_.error(b.span, fmt::format("table \"{}\" has an id but no caption", b.id),
                  {"a table referred to is numbered and captioned: {#tab-x caption=\"…\"}"});
    }
    table->id = b.id.empty() ? fmt::format("pipe-table-{}", ++pipe_tables_) : b.id;
    if (!b.id.empty() && !table->label.empty()) register_id(b.id, table->label, b.span);
    Block t;
    t.kind = BlockKind::Table;
    t.span = b.span;
    t.id = table->id;
    t.table = std::move(table);
    out.push_back(std::move(t));
  }

  void add_case(const source::Block& b, std::vector<Block>& out) {
    Block c;
    c.kind = BlockKind::Case;
    c.span = b.span;
    c.case_box = std::make_shared<CaseBox>();
    c.case_box->number = ++case_count_;
    c.case_box->title = b.title;
    c.case_box->id = b.id.empty() ? fmt::format("case-{}", c.case_box->number) : b.id;
    c.id = c.case_box->id;
    register_id(b.id, fmt::format("{}{}", settings_.labels.case_label, c.case_box->number), b.span);
    for (const auto& child : b.children) add(child, 0, {}, c.case_box->blocks);
    out.push_back(std::move(c));
  }

  /// 图N: an image, a row of images or a chart, numbered like tables.
  void add_figure(const source::Block& b, std::vector<Block>& out) {
    auto figure = std::make_shared<Figure>();
    std::optional<data::ReadRecorder> recorder;
    if (settings_.provenance && b.kind == source::BlockKind::Chart) recorder.emplace();
    bool ok = b.kind == source::BlockKind::Chart ? build_chart(b, data_, sink_, *figure)
                                                 : build_image_figure(b, settings_, sink_, *figure);
    if (recorder) reads_["chart@" + b.span.to_string()] = recorder->take();
    if (!ok) return;
    figure->number = ++figure_count_;
    ++chapter_figures_;
    figure->label = numbered(settings_.figure_label, settings_.figure_numbering, figure->number, chapter_figures_);
    if (figure->id.empty()) figure->id = fmt::format("figure-{}", figure->number);
    else register_id(figure->id, figure->label, b.span);
    Block f;
    f.kind = BlockKind::Figure;
    f.span = b.span;
    f.id = figure->id;
    f.figure = std::move(figure);
    out.push_back(std::move(f));
  }

  void add_contents(const source::Block& b, std::vector<Block>& out) {
    Block c;
    c.kind = BlockKind::Contents;
    c.span = b.span;
    auto root = load_yaml(b.spec, b.span.path, b.spec_line, sink_, "contents");
    if (!root) return;
    // (A scalar or a list has no ["lists"]: yaml-cpp throws on the subscript.)
    YAML::Node lists = root->IsMap() ? (*root)["lists"] : YAML::Node();
    if (!root->IsMap() || !lists || !lists.IsSequence()) {
      sink_.error(b.span, "contents: expected `lists: [toc, tables, cases]`");
      return;
    }
    for (const auto& item : *root)
      if (item.first.Scalar() != "lists")
        sink_.error(yaml_span(b.span.path, item.first.Mark(), b.spec_line),
                    fmt::format("contents: unknown key \"{}\"", item.first.Scalar()), {"known keys: lists"});
    for (const auto& l : lists) {
      std::string name = l.IsScalar() ? l.Scalar() : "";
      if (name == "toc") c.contents.push_back(ContentsKind::Headings);
      else if (name == "tables") c.contents.push_back(ContentsKind::Tables);
      else if (name == "cases") c.contents.push_back(ContentsKind::Cases);
      else if (name == "figures") c.contents.push_back(ContentsKind::Figures);
      else if (name == "appendix-tables") c.contents.push_back(ContentsKind::AppendixTables);
      else sink_.error(yaml_span(b.span.path, l.Mark(), b.spec_line), fmt::format("contents: unknown list \"{}\"", name),
                       {"lists: toc (目录), tables (表目录), cases (案例目录), figures (图目录), appendix-tables (附表目录)"});
    }
    out.push_back(std::move(c));
  }

  // --- tables ---------------------------------------------------------------

  /// The span of a YAML node of a directive; yaml-cpp counts bytes, editors code points.
  Span at(const source::Block& b, const YAML::Node& n) const { return directive_span(b, n); }


  std::optional<int> read_int(const source::Block& b, const YAML::Node& n, const char* what, int max = 1000000) {
    try {
      int v = n.as<int>();
      if (v >= 1 && v <= max) return v;
    } catch (const YAML::Exception&) {
    }
    sink_.error(at(b, n), fmt::format("{} must be a whole number from 1 to {}", what, max));
    return std::nullopt;
  }

  std::optional<std::string> read_text(const source::Block& b, const YAML::Node& n, const char* what) {
    if (n.IsScalar()) return n.Scalar();
    sink_.error(at(b, n), fmt::format("{} must be text", what));
    return std::nullopt;
  }

  void add_table(const source::Block& b, std::vector<Block>& out) {
    int errors = sink_.error_count();
    auto root = load_yaml(b.spec, b.span.path, b.spec_line, sink_, "table");
    if (!root) return;
    if (!root->IsMap()) {
      sink_.error(b.span, "table: expected key: value settings", {"id, caption, rows, header, columns"});
      return;
    }
    auto table = std::make_shared<Table>();
    table->span = b.span;
    static const std::vector<std::string> known = {"id", "caption", "unit", "rows", "header", "columns", "total", "note", "landscape"};
    YAML::Node header, columns, total, rows;
    std::string rows_expr;
    Span rows_span = b.span;
    for (const auto& item : *root) {
      std::string key = item.first.Scalar();
      const YAML::Node& v = item.second;
      if (key == "id") table->id = read_text(b, v, "id").value_or("");
      else if (key == "caption") table->caption = read_text(b, v, "caption").value_or("");
      else if (key == "unit") table->unit = read_text(b, v, "unit").value_or("");
      else if (key == "note") table->note = read_text(b, v, "note").value_or("");
      else if (key == "landscape") {
        if (v.IsScalar() && (v.Scalar() == "true" || v.Scalar() == "false")) table->landscape = v.Scalar() == "true";
        else sink_.error(at(b, v), "table: landscape is true or false");
      } else if (key == "rows") {
        rows_expr = read_text(b, v, "rows").value_or("");
        rows_span = at(b, v);
      } else if (key == "header") header = v;
      else if (key == "columns") columns = v;
      else if (key == "total") total = v;
      else {
        std::vector<std::string> hints;
        for (const auto& k : known)
          if (edit_distance(k, key) <= 2) hints.push_back(fmt::format("did you mean \"{}\"?", k));
        hints.push_back(fmt::format("known keys: {}", fmt::join(known, ", ")));
        sink_.error(at(b, item.first), fmt::format("table: unknown key \"{}\"", key), hints);
      }
    }
    for (const char* required : {"caption", "rows", "columns"})
      if (!(*root)[required]) sink_.error(b.span, fmt::format("table: \"{}\" is missing", required));
    if (sink_.error_count() > errors) return;

    std::vector<ColumnSpec> specs = read_columns(b, columns);
    table->columns = static_cast<int>(specs.size());
    read_header(b, header, *table);
    // (Rows are not filled with columns that were reported broken: that only adds errors
    // about what was already reported.)
    if (sink_.error_count() > errors) return;
    auto list = data::evaluate(rows_expr, data_, rows_span, sink_);
    if (list && list->kind != data::Value::Kind::List) {
      sink_.error(rows_span, fmt::format("table: rows \"{}\" is not a list", rows_expr),
                  {"name a CSV table or a YAML list of records"});
      list.reset();
    }
    // Hostile input: limits that keep a table's layout bounded.
    constexpr size_t kMaxRows = 100000, kMaxColumns = 64;
    if (list && list->list->size() > kMaxRows) {
      sink_.error(rows_span, fmt::format("table: {} rows, more than the {} a table may have", list->list->size(), kMaxRows));
      list.reset();
    }
    if (specs.size() > kMaxColumns)
      sink_.error(b.span, fmt::format("table: {} columns, more than the {} a table may have", specs.size(), kMaxColumns));
    if (list && specs.size() <= kMaxColumns) fill_body(b, *list, specs, total, *table);
    if (sink_.error_count() > errors) return;

    number_table(*table);
    if (table->id.empty()) table->id = fmt::format("table-{}", table->number);
    else register_id(table->id, table->label, b.span);
    Block t;
    t.kind = BlockKind::Table;
    t.span = b.span;
    t.id = table->id;
    t.table = std::move(table);
    out.push_back(std::move(t));
  }

  std::vector<ColumnSpec> read_columns(const source::Block& b, const YAML::Node& columns) {
    std::vector<ColumnSpec> specs;
    if (!columns.IsSequence()) {
      sink_.error(at(b, columns), "table: columns must be a list", {"columns:\n  - {value: name}\n  - {value: students, format: \"0\"}"});
      return specs;
    }
    for (const auto& c : columns) {
      ColumnSpec spec;
      if (c.IsScalar()) {
        spec.value = c.Scalar();
        spec.value_span = at(b, c);
      } else if (c.IsMap()) {
        for (const auto& kv : c) {
          std::string k = kv.first.Scalar();
          if (k == "value") {
            spec.value = read_text(b, kv.second, "value").value_or("");
            spec.value_span = at(b, kv.second);
          } else if (k == "format") {
            spec.format = read_text(b, kv.second, "format").value_or("");
            if (!data::format_number(data::Value::of_number(0), spec.format))
              sink_.error(at(b, kv.second), fmt::format("malformed number format \"{}\"", spec.format),
                          {"patterns: 0, 0.00, #,##0, 0.0%, +0.#%"});
          } else if (k == "align") {
            std::string a = kv.second.IsScalar() ? kv.second.Scalar() : "";
            spec.align_given = true;
            if (a == "left") spec.align = Align::Left;
            else if (a == "center") spec.align = Align::Center;
            else if (a == "right") spec.align = Align::Right;
            else sink_.error(at(b, kv.second), fmt::format("unknown alignment \"{}\"", a), {"left, center or right"});
          } else if (k == "merge") {
            if (kv.second.IsScalar() && kv.second.Scalar() == "down") spec.merge_down = true;
            else sink_.error(at(b, kv.second), "merge takes one value: down");
          } else if (k == "total") {
            if (kv.second.IsScalar() && kv.second.Scalar() == "sum") spec.total = true;
            else sink_.error(at(b, kv.second), "total takes one value: sum");
          } else {
            sink_.error(at(b, kv.first), fmt::format("table: unknown column key \"{}\"", k),
                        {"known keys: value, format, align, merge, total"});
          }
        }
      }
      if (spec.value.empty()) sink_.error(at(b, c), "table: a column needs a value", {"- {value: students}"});
      specs.push_back(spec);
    }
    return specs;
  }

  void read_header(const source::Block& b, const YAML::Node& header, Table& table) {
    if (!header.IsDefined() || header.IsNull()) return;
    if (!header.IsSequence()) {
      sink_.error(at(b, header), "table: header must be a list of rows");
      return;
    }
    // Slots taken by row-spanning cells from rows above.
    std::vector<int> taken(table.columns, 0);
    int row = 0;
    for (const auto& r : header) {
      if (!r.IsSequence()) {
        sink_.error(at(b, r), "table: a header row is a list of cells", {"- [项目, {text: 普通高中, colspan: 3}]"});
        return;
      }
      int col = 0;
      auto skip_taken = [&] {
        while (col < table.columns && taken[col] > 0) ++col;
      };
      for (const auto& c : r) {
        TableCell cell;
        cell.row = row;
        cell.span = at(b, c);
        if (c.IsScalar()) {
          cell.text = c.Scalar();
        } else if (c.IsMap()) {
          for (const auto& kv : c) {
            std::string k = kv.first.Scalar();
            if (k == "text") cell.text = read_text(b, kv.second, "text").value_or("");
            else if (k == "rowspan") cell.rowspan = read_int(b, kv.second, "rowspan", static_cast<int>(header.size())).value_or(1);
            else if (k == "colspan") cell.colspan = read_int(b, kv.second, "colspan", table.columns).value_or(1);
            else sink_.error(at(b, kv.first), fmt::format("table: unknown header cell key \"{}\"", k),
                             {"known keys: text, rowspan, colspan"});
          }
        }
        skip_taken();
        cell.column = col;
        if (col + cell.colspan > table.columns) {
          sink_.error(cell.span, fmt::format("table: header row {} is wider than the {} columns", row + 1, table.columns));
          return;
        }
        for (int k = col; k < col + cell.colspan; ++k) taken[k] = cell.rowspan;
        col += cell.colspan;
        table.header.push_back(cell);
      }
      skip_taken();
      if (col != table.columns) {
        sink_.error(at(b, r), fmt::format("table: header row {} covers {} of the {} columns", row + 1, col, table.columns));
        return;
      }
      for (int& t : taken)
        if (t > 0) --t;
      ++row;
    }
    table.header_rows = row;
    for (int t : taken)
      if (t > 0) sink_.error(at(b, header), "table: a header cell spans below the last header row");
  }

  std::string cell_text(const data::Value& v, const ColumnSpec& spec) {
    if (v.is_number()) return data::format_number(v, spec.format).value_or("");
    if (v.kind == data::Value::Kind::Text) return v.text;
    return "";
  }

  void fill_body(const source::Block& b, const data::Value& rows, const std::vector<ColumnSpec>& specs,
                 const YAML::Node& total, Table& table) {
    const int columns = table.columns;
    std::vector<std::vector<std::string>> texts;
    std::vector<std::vector<Span>> spans;
    std::vector<std::vector<std::vector<Span>>> reads;  ///< provenance: per row, per column
    std::vector<double> sums(columns, 0);
    std::vector<bool> numeric(columns, false);
    int index = 0;
    for (const auto& row : *rows.list) {
      ++index;
      data::DataSet scoped = data_;
      scoped.root.record = std::make_shared<data::Record>(*data_.root.record);
      if (row.kind == data::Value::Kind::Record)
        for (const auto& [k, v] : *row.record) (*scoped.root.record)[k] = v;
      (*scoped.root.record)["_index"] = data::Value::of_number(index);
      scoped.root.record->emplace("row", row);  // row["在校生（人）"]: a column whose name is not a key
      std::vector<std::string> line;
      std::vector<Span> line_spans;
      std::vector<std::vector<Span>> line_reads;
      for (int c = 0; c < columns; ++c) {
        std::optional<data::ReadRecorder> recorder;
        if (settings_.provenance) recorder.emplace();
        auto v = data::evaluate(specs[c].value, scoped, specs[c].value_span, sink_);
        if (recorder) line_reads.push_back(recorder->take());
        if (!v) return;
        if (v->is_number()) {
          numeric[c] = true;
          sums[c] += v->number;
        }
        line.push_back(cell_text(*v, specs[c]));
        line_spans.push_back(v->span.path.empty() ? specs[c].value_span : v->span);
      }
      texts.push_back(std::move(line));
      spans.push_back(std::move(line_spans));
      if (settings_.provenance) reads.push_back(std::move(line_reads));
    }
    const int n = static_cast<int>(texts.size());
    for (int c = 0; c < columns; ++c) {
      Align align = specs[c].align_given ? specs[c].align : numeric[c] ? Align::Right : Align::Center;
      for (int r = 0; r < n;) {
        int span = 1;
        if (specs[c].merge_down)
          while (r + span < n && texts[r + span][c] == texts[r][c] && !texts[r][c].empty()) ++span;
        table.body.push_back({r, c, span, 1, texts[r][c], align, specs[c].merge_down && span > 1, spans[r][c]});
        if (settings_.provenance) table.body.back().reads = reads[r][c];
        r += span;
      }
    }
    table.body_rows = n;
    table.total_rows.assign(n, false);
    if (total.IsDefined() && !total.IsNull()) {
      std::string label = settings_.labels.total;
      int label_span = 1;
      if (total.IsMap()) {
        for (const auto& kv : total) {
          std::string k = kv.first.Scalar();
          if (k == "label") label = read_text(b, kv.second, "label").value_or(label);
          else if (k == "span") label_span = read_int(b, kv.second, "span").value_or(1);
          else sink_.error(at(b, kv.first), fmt::format("table: unknown total key \"{}\"", k), {"known keys: label, span"});
        }
      }
      label_span = std::min(label_span, columns);
      table.body.push_back({n, 0, 1, label_span, label, Align::Center, false, at(b, total)});
      for (int c = label_span; c < columns; ++c) {
        std::string text;
        if (specs[c].total) text = data::format_number(data::Value::of_number(sums[c]), specs[c].format).value_or("");
        Align align = specs[c].align_given ? specs[c].align : numeric[c] ? Align::Right : Align::Center;
        table.body.push_back({n, c, 1, 1, text, align, false, at(b, total)});
        if (settings_.provenance && specs[c].total)
          for (const auto& row : reads) table.body.back().reads.insert(table.body.back().reads.end(), row[c].begin(), row[c].end());
      }
      table.total_rows.push_back(true);
      table.body_rows = n + 1;
    }
  }

  const data::DataSet& data_;
  DiagnosticSink& sink_;
  const DocumentSettings& settings_;

 public:
  std::map<std::string, std::vector<Span>> reads_;  ///< provenance: Document::reads

 private:
  int quote_depth_ = 0;
  int pipe_tables_ = 0;
  std::vector<std::pair<std::string, Span>> references_;  ///< footnote references, in order
  std::map<std::string, Footnote> definitions_;
  std::set<std::string> undefined_;
  std::map<std::string, std::string> labels_;  ///< id → "表1", "案例分享2", "1.1"
  std::array<int, 6> counters_{};
  int attachments_ = 0;
  int last_level_ = 0;
  int heading_count_ = 0;
  int table_count_ = 0;
  int chapter_tables_ = 0;
  bool in_appendix_ = false;  ///< past a `{.appendix}` heading
  int appendix_tables_ = 0;   ///< 附表N
  int case_count_ = 0;
  int figure_count_ = 0;
  int chapter_figures_ = 0;
};

}  // namespace

Document build_document(const source::SyntaxTree& tree, const data::DataSet& data, DiagnosticSink& sink,
                        const DocumentSettings& settings) {
  Document d;
  Builder builder(data, sink, settings);
  // Front-matter values may hold {{ … }} too (a school's name in a template).
  auto bind = [&](const std::string& text) {
    return plain_text(builder.bind(source::parse_values(text, tree.front.span, sink)));
  };
  d.meta = {bind(tree.front.title),   bind(tree.front.issuer),   bind(tree.front.date),
            bind(tree.front.subject), bind(tree.front.keywords), bind(tree.front.note), {}};
  const source::FrontMatter& f = tree.front;
  Notice& n = d.meta.notice;
  n.issuer_mark = bind(f.issuer_mark);
  n.doc_number = bind(f.doc_number);
  n.copy_number = bind(f.copy_number);
  n.secrecy = bind(f.secrecy);
  n.urgency = bind(f.urgency);
  n.signer = bind(f.signer);
  n.to = bind(f.to);
  n.signature = bind(f.signature);
  n.remark = bind(f.remark);
  n.printed_by = bind(f.printed_by);
  n.printed_date = bind(f.printed_date);
  for (const auto& c : f.cc) n.cc.push_back(bind(c));
  for (const auto& a : f.attachments) n.attachments.push_back(bind(a));
  n.span = f.span;
  n.spans = f.spans;
  n.cc_span = f.spans.count("cc") ? f.spans.at("cc") : f.span;
  if (!f.seal.empty()) n.seal = load_report_image(f.seal, f.spans.count("seal") ? f.spans.at("seal") : f.span, settings, sink);
  for (const auto& b : tree.blocks) builder.add(b, 0, {}, d.blocks);
  builder.resolve_references(d.blocks);
  d.footnotes = builder.take_footnotes();
  d.reads = std::move(builder.reads_);
  return d;
}

std::string plain_text(const std::vector<InlineRun>& runs) {
  std::string s;
  for (const auto& r : runs)
    if (r.kind != InlineKind::FootnoteRef) s += r.text;
  return s;
}

}  // namespace paiban::doc
