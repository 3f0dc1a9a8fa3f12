// Source → SyntaxTree.
//
// parse_source → split_front_matter → parse_front_matter (yaml-cpp)
//              → cmark-gfm → convert_block → collect_inlines
#include "source/parse.h"

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <unicode/uchar.h>
#include <yaml-cpp/yaml.h>

#include "base/yaml_parse.h"
#include "base/yaml_util.h"
#include "source/cjk_emphasis.h"
#include "source/figure_syntax.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <set>
#include <tuple>
#include <string_view>

#include <fmt/format.h>

namespace paiban::source {
namespace {

// cmark's own allocator aborts the process when the heap cannot grow (near the memory limit).
// This one throws instead, through cmark's C frames (they have unwind tables), so that the
// build ends in the out-of-memory error. cmark is left halfway then: what it holds is not
// freed but dropped (CmarkFree).
thread_local bool cmark_out_of_memory = false;

[[noreturn]] void cmark_ran_out() {
  cmark_out_of_memory = true;
  throw std::bad_alloc();
}
void* cmark_calloc(size_t count, size_t size) {
  void* p = std::calloc(count, size);
  if (!p && count && size) cmark_ran_out();
  return p;
}
void* cmark_realloc(void* old, size_t size) {
  void* p = std::realloc(old, size);
  if (!p && size) cmark_ran_out();
  return p;
}
cmark_mem cmark_allocator = {cmark_calloc, cmark_realloc, std::free};

template <typename T, void (*free_it)(T*)>
struct CmarkFree {
  void operator()(T* p) const {
    if (!cmark_out_of_memory) free_it(p);
  }
};
using CmarkParser = std::unique_ptr<cmark_parser, CmarkFree<cmark_parser, cmark_parser_free>>;
using CmarkRoot = std::unique_ptr<cmark_node, CmarkFree<cmark_node, cmark_node_free>>;

struct FrontMatterText {
  std::string yaml;     ///< the YAML between the fences
  int first_line = 0;   ///< 1-based line of the YAML's first line
  size_t body_start = 0;
  int body_line = 1;    ///< 1-based line where the Markdown body starts
};

std::optional<FrontMatterText> split_front_matter(const TextFile& file) {
  const std::string& t = file.text();
  if (t.rfind("---\n", 0) != 0 && t.rfind("---\r\n", 0) != 0) return std::nullopt;
  size_t pos = t.find('\n') + 1;
  int line = 2;
  while (pos < t.size()) {
    size_t end = t.find('\n', pos);
    std::string_view l(t.data() + pos, (end == std::string::npos ? t.size() : end) - pos);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (l == "---" || l == "...") {
      FrontMatterText fm;
      fm.first_line = 2;
      fm.yaml = t.substr(file.line_start(2), pos - file.line_start(2));
      fm.body_start = end == std::string::npos ? t.size() : end + 1;
      fm.body_line = line + 1;
      return fm;
    }
    if (end == std::string::npos) break;
    pos = end + 1;
    ++line;
  }
  return FrontMatterText{};  // opened but never closed: first_line == 0
}

Span yaml_span(const TextFile& file, int first_line, const YAML::Mark& mark) {
  if (mark.line < 0) return {file.path(), first_line, 1};
  return {file.path(), first_line + mark.line, mark.column + 1};
}

/// Where the Nth code point of a front-matter value is: the value starts at
/// SPAN (past an opening quote, if it has one).
Span value_char_span(const TextFile& file, Span span, size_t code_points) {
  size_t at = file.line_start(span.line);
  const std::string& t = file.text();
  for (int c = 1; c < span.col && at < t.size(); ++c) next_code_point(t, at);
  if (at < t.size() && (t[at] == '"' || t[at] == '\'')) ++span.col;
  span.col += static_cast<int>(code_points);
  return span;
}

/// The code points of TEXT.
std::vector<char32_t> code_points(const std::string& text) {
  std::vector<char32_t> cps;
  for (size_t i = 0; i < text.size();) cps.push_back(next_code_point(text, i));
  return cps;
}

/// The notice's keys whose form GB/T 9704-2012 fixes: 发文字号 (7.2.5),
/// 份号 (7.2.1) and the document kind.
void check_notice_keys(const TextFile& file, const FrontMatter& out, DiagnosticSink& sink) {
  auto at = [&](const char* key) { return out.spans.count(key) ? out.spans.at(key) : out.span; };
  if (!out.document.empty() && out.document != "notice" && out.document != "report")
    sink.error(at("document"), fmt::format("front matter: unknown document kind \"{}\"", out.document),
               {"document: notice (a GB/T 9704 公文: 版头, 主体, 版记; no cover, no contents) or document: report"});
  if (!out.copy_number.empty()) {
    bool six = out.copy_number.size() == 6 &&
               std::all_of(out.copy_number.begin(), out.copy_number.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!six)
      sink.error(at("copy-number"), fmt::format("front matter: copy-number \"{}\" is not six digits", out.copy_number),
                 {"份号 is six Arabic digits (GB/T 9704-2012 7.2.1), e.g. copy-number: \"000012\" (quoted, so that YAML keeps the zeros)"});
  }
  if (!out.doc_number.empty()) {
    // 机关代字 + 〔year〕 + number without leading zeros + 号: 凉教发〔2024〕12号.
    const std::vector<char32_t> cps = code_points(out.doc_number);
    const std::string example = "the year goes in 六角括号 〔〕 and the number follows without leading zeros or 第: 凉教发〔2024〕12号";
    auto digit = [](char32_t c) { return c >= U'0' && c <= U'9'; };
    // A four-digit year and what stands on either side of it.
    size_t year = cps.size();
    for (size_t i = 0; i + 4 <= cps.size(); ++i)
      if (digit(cps[i]) && digit(cps[i + 1]) && digit(cps[i + 2]) && digit(cps[i + 3]) && (i == 0 || !digit(cps[i - 1])) &&
          (i + 4 == cps.size() || !digit(cps[i + 4]))) {
        year = i;
        break;
      }
    std::string error;
    size_t where = 0;
    if (year == cps.size() || year == 0 || year + 5 >= cps.size()) {
      error = fmt::format("doc-number \"{}\" has no year in 〔〕", out.doc_number);
    } else if (cps[year - 1] != U'〔' || cps[year + 4] != U'〕') {
      where = cps[year - 1] != U'〔' ? year - 1 : year + 4;
      std::string open, close;
      size_t i = 0, n = 0;
      for (; i < out.doc_number.size() && n < year - 1; ++n) next_code_point(out.doc_number, i);
      size_t a = i;
      next_code_point(out.doc_number, i);
      open = out.doc_number.substr(a, i - a);
      for (n = year; n < year + 4; ++n) next_code_point(out.doc_number, i);
      a = i;
      next_code_point(out.doc_number, i);
      close = out.doc_number.substr(a, i - a);
      error = fmt::format("doc-number \"{}\" puts the year in {}{} rather than 〔〕", out.doc_number, open, close);
    } else {
      size_t n = year + 5;
      if (n < cps.size() && cps[n] == U'第') error = fmt::format("doc-number \"{}\": no 第 before the number", out.doc_number);
      else if (n < cps.size() && cps[n] == U'0') error = fmt::format("doc-number \"{}\": the number has a leading zero", out.doc_number);
      else {
        size_t d = n;
        while (d < cps.size() && digit(cps[d])) ++d;
        if (d == n || d + 1 != cps.size() || cps[d] != U'号')
          error = fmt::format("doc-number \"{}\" does not end in a number and 号", out.doc_number);
      }
      where = n;
    }
    if (!error.empty()) sink.error(value_char_span(file, at("doc-number"), where), "front matter: " + error, {example});
  }
}

void parse_front_matter(const TextFile& file, const FrontMatterText& fm, FrontMatter& out,
                        DiagnosticSink& sink) {
  out.span = {file.path(), 1, 1};
  YAML::Node root;
  try {
    root = parse_yaml_text(fm.yaml);
  } catch (const YAML::ParserException& e) {
    sink.error(yaml_span(file, fm.first_line, e.mark), fmt::format("front matter: {}", e.msg),
               {"the front matter is YAML between two lines of ---, e.g. `title: 报告标题`"});
    return;
  }
  if (!check_duplicate_keys(root, file.path(), fm.first_line - 1, sink)) return;
  if (!root.IsMap()) {
    sink.error({file.path(), fm.first_line, 1}, "front matter: expected key: value pairs");
    return;
  }
  static const char* const known[] = {"title", "issuer", "date", "note", "subject", "keywords", "layout", "data",
                                      "document", "issuer-mark", "doc-number", "copy-number", "secrecy", "urgency",
                                      "signer", "to", "signature", "seal", "remark", "cc", "printed-by",
                                      "printed-date", "attachments"};
  for (const auto& item : root) {
    std::string key = item.first.Scalar();
    Span span = yaml_span(file, fm.first_line, item.first.Mark());
    Span value_span = item.second.Mark().line < 0 ? span
                                                 : file.span_at_line_byte(fm.first_line + item.second.Mark().line,
                                                                          item.second.Mark().column + 1);
    out.spans[key] = value_span;
    if (key == "data") {
      YAML::Node list = item.second;
      if (list.IsScalar()) {
        out.data.push_back(list.Scalar());
        out.data_spans.push_back(yaml_span(file, fm.first_line, list.Mark()));
      } else if (list.IsSequence()) {
        for (const auto& f : list) {
          out.data.push_back(f.IsScalar() ? f.Scalar() : "");
          out.data_spans.push_back(yaml_span(file, fm.first_line, f.Mark()));
        }
      } else {
        sink.error(yaml_span(file, fm.first_line, list.Mark()), "front matter: \"data\" lists the data files",
                   {"data: [data.yaml]"});
      }
      continue;
    }
    if (key == "cc" || key == "attachments") {
      // A list of names (one name may be written without the brackets).
      std::vector<std::string>& list = key == "cc" ? out.cc : out.attachments;
      const YAML::Node& v = item.second;
      bool ok = v.IsScalar() || v.IsSequence();
      if (v.IsScalar()) list.push_back(v.Scalar());
      else if (v.IsSequence())
        for (const auto& e : v) {
          if (!e.IsScalar()) ok = false;
          else list.push_back(e.Scalar());
        }
      if (!ok)
        sink.error(value_span, fmt::format("front matter: \"{}\" is a list of names", key),
                   {key == "cc" ? "cc: [市教育局, 区人民政府办公室]" : "attachments: [质量年度报告编写提纲, 数据表]"});
      continue;
    }
    static const std::map<std::string, std::string FrontMatter::*> fields = {
        {"title", &FrontMatter::title},           {"issuer", &FrontMatter::issuer},
        {"date", &FrontMatter::date},             {"layout", &FrontMatter::layout},
        {"subject", &FrontMatter::subject},       {"note", &FrontMatter::note},
        {"keywords", &FrontMatter::keywords},     {"document", &FrontMatter::document},
        {"issuer-mark", &FrontMatter::issuer_mark}, {"doc-number", &FrontMatter::doc_number},
        {"copy-number", &FrontMatter::copy_number}, {"secrecy", &FrontMatter::secrecy},
        {"urgency", &FrontMatter::urgency},       {"signer", &FrontMatter::signer},
        {"to", &FrontMatter::to},                 {"signature", &FrontMatter::signature},
        {"seal", &FrontMatter::seal},             {"remark", &FrontMatter::remark},
        {"printed-by", &FrontMatter::printed_by}, {"printed-date", &FrontMatter::printed_date}};
    auto field_at = fields.find(key);
    if (field_at == fields.end()) {
      std::vector<std::string> hints;
      for (const char* k : known)
        if (edit_distance(key, k) <= 2) hints.push_back(fmt::format("did you mean \"{}\"?", k));
      hints.push_back(fmt::format("known keys: {}", fmt::join(known, ", ")));
      sink.error(span, fmt::format("front matter: unknown key \"{}\"", key), hints);
      continue;
    }
    std::string* field = &(out.*(field_at->second));
    if (!item.second.IsScalar()) {
      sink.error(yaml_span(file, fm.first_line, item.second.Mark()),
                 fmt::format("front matter: \"{}\" must be a single value", key));
      continue;
    }
    *field = item.second.Scalar();
    if (field == &out.layout) out.layout_span = yaml_span(file, fm.first_line, item.second.Mark());
  }
  check_notice_keys(file, out, sink);
  if (out.title.empty()) sink.error({file.path(), fm.first_line, 1}, "front matter: \"title\" is missing");
}

bool is_wide(char32_t c) {
  int w = u_getIntPropertyValue(static_cast<UChar32>(c), UCHAR_EAST_ASIAN_WIDTH);
  return w == U_EA_WIDE || w == U_EA_FULLWIDTH;
}

char32_t last_code_point(std::string_view s) {
  size_t i = s.size();
  while (i > 0 && (static_cast<unsigned char>(s[i - 1]) & 0xC0) == 0x80) --i;
  if (i == 0) return 0;
  --i;
  return next_code_point(s, i);
}

std::string trim_spaces(std::string s) {
  size_t a = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return a == std::string::npos ? std::string() : s.substr(a, e - a + 1);
}

/// Inside `{{ … }}` (on one line), `*` and `_` are an expression's, not
/// Markdown's emphasis (`{{ x*2*3 }}`): they are hidden from cmark as the
/// control bytes 0x01 and 0x02 (one byte each, so every column stays) and
/// restored in what cmark hands back.
std::string hide_expression_marks(std::string_view text) {
  std::string out(text);
  for (size_t open = out.find("{{"); open != std::string::npos; open = out.find("{{", open + 2)) {
    size_t close = out.find("}}", open + 2), line_end = out.find('\n', open);
    if (close == std::string::npos || close > line_end) continue;
    for (size_t i = open + 2; i < close; ++i)
      if (out[i] == '*') out[i] = '\x01';
      else if (out[i] == '_') out[i] = '\x02';
  }
  return out;
}

std::string restore_expression_marks(const char* literal) {
  std::string out = literal ? literal : "";
  for (char& c : out)
    if (c == '\x01') c = '*';
    else if (c == '\x02') c = '_';
  return out;
}

/// `[@id]` becomes a Reference run, `{{ expr | format }}` a Value run.
void split_inline_markup(std::vector<InlineRun>& runs, DiagnosticSink& sink_,
                         const std::set<std::string>* footnotes = nullptr) {
  std::vector<InlineRun> out;
  for (auto& run : runs) {
    if (run.kind != InlineKind::Text) {
      out.push_back(std::move(run));
      continue;
    }
    const std::string& t = run.text;
    size_t pos = 0, literal_start = 0;
    auto span_at = [&](size_t byte) {
      Span s = run.span;
      if (s.col > 0 && t.find('\n') == std::string::npos) {
        int cps = 0;
        for (size_t i = 0; i < byte;) {
          next_code_point(t, i);
          ++cps;
        }
        s.col += cps;
      }
      return s;
    };
    auto flush = [&](size_t until) {
      if (until > literal_start) {
        InlineRun r{t.substr(literal_start, until - literal_start), run.style, span_at(literal_start)};
        r.url = run.url;
        out.push_back(std::move(r));
      }
    };
    while (pos < t.size()) {
      if (t.compare(pos, 2, "{{") == 0) {
        size_t close = t.find("}}", pos + 2);
        if (close == std::string::npos) {
          sink_.error(span_at(pos), "\"{{\" is not closed", {"write a value as {{ students.total }}"});
          break;
        }
        flush(pos);
        std::string inner = t.substr(pos + 2, close - pos - 2);
        std::string format;
        size_t bar = inner.rfind('|');
        if (bar != std::string::npos && inner.find('"', bar) == std::string::npos) {
          format = trim_spaces(inner.substr(bar + 1));
          inner = inner.substr(0, bar);
        }
        size_t lead = inner.find_first_not_of(' ');
        InlineRun v{trim_spaces(inner), run.style, span_at(pos + 2 + (lead == std::string::npos ? 0 : lead)), InlineKind::Value, format};
        if (v.text.empty()) sink_.error(span_at(pos), "empty {{ }}", {"write a value as {{ students.total }}"});
        out.push_back(std::move(v));
        pos = literal_start = close + 2;
      } else if (t.compare(pos, 2, "[^") == 0 && t.find(']', pos + 2) != std::string::npos &&
                 t.find_first_of(" []", pos + 2) == t.find(']', pos + 2) && t.find(']', pos + 2) > pos + 2) {
        // cmark-gfm leaves a reference to a footnote that is not defined as text.
        size_t close = t.find(']', pos + 2);
        std::string label = t.substr(pos + 2, close - pos - 2);
        flush(pos);
        if (footnotes && footnotes->count(label)) {
          // A mark inside a case box, whose text is parsed apart from the notes defined in the report.
          out.push_back({label, run.style, span_at(pos), InlineKind::FootnoteRef});
        } else {
          sink_.error(span_at(pos), fmt::format("footnote [^{}] is not defined", label),
                      {fmt::format("define it on a line of its own: [^{}]: 注释的文字。", label)});
        }
        pos = literal_start = close + 1;
      } else if (t.compare(pos, 2, "[@") == 0) {
        size_t close = t.find(']', pos + 2);
        std::string id = close == std::string::npos ? "" : t.substr(pos + 2, close - pos - 2);
        bool valid = !id.empty() && id.find_first_of(" []") == std::string::npos;
        if (!valid) {
          ++pos;
          continue;
        }
        flush(pos);
        out.push_back({id, run.style, span_at(pos), InlineKind::Reference, {}});
        pos = literal_start = close + 1;
      } else {
        ++pos;
      }
    }
    flush(t.size());
  }
  runs = std::move(out);
}


class Converter {
 public:
  Converter(const TextFile& file, int line_offset, DiagnosticSink& sink)
      : file_(file), line_offset_(line_offset), sink_(sink) {}

  Span span_of(cmark_node* node, cmark_node* fallback) const {
    int line = cmark_node_get_start_line(node);
    int col = cmark_node_get_start_column(node);
    if (line <= 0 && fallback) return span_of(fallback, nullptr);
    if (prepared_) col = prepared_->source_column(line, col);
    return file_.span_at_line_byte(line + line_offset_, col);
  }

  std::optional<Block> convert_block(cmark_node* node) {
    Block b;
    b.span = span_of(node, nullptr);
    switch (cmark_node_get_type(node)) {
      case CMARK_NODE_HEADING:
        b.kind = BlockKind::Heading;
        b.level = cmark_node_get_heading_level(node);
        collect_inlines(node, node, InlineStyle::Regular, b.runs);
        apply_attributes(b);
        return b;
      case CMARK_NODE_PARAGRAPH:
        if (convert_image_paragraph(node, file_, line_offset_, b, sink_)) return b;
        b.kind = BlockKind::Paragraph;
        collect_inlines(node, node, InlineStyle::Regular, b.runs);
        if (!(after_pipe_table_ && is_attribute_paragraph(b))) apply_attributes(b);
        return b;
      case CMARK_NODE_LIST: {
        // Hostile input: a list nested thousands deep would exhaust the stack.
        if (list_depth_ >= kMaxListDepth) {
          sink_.error(b.span, fmt::format("lists nested more than {} deep", kMaxListDepth),
                      {"a report's lists need two or three levels"});
          return std::nullopt;
        }
        struct Depth {
          int& d;
          explicit Depth(int& depth) : d(++depth) {}
          ~Depth() { --d; }
        } depth(list_depth_);
        b.kind = BlockKind::List;
        b.ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST;
        b.start = cmark_node_get_list_start(node);
        for (cmark_node* item = cmark_node_first_child(node); item; item = cmark_node_next(item)) {
          Block li;
          li.kind = BlockKind::ListItem;
          li.span = span_of(item, node);
          for (cmark_node* c = cmark_node_first_child(item); c; c = cmark_node_next(c))
            if (auto child = convert_block(c)) li.children.push_back(std::move(*child));
          b.children.push_back(std::move(li));
        }
        return b;
      }
      case CMARK_NODE_CODE_BLOCK:
        return convert_directive(node, b);
      case CMARK_NODE_BLOCK_QUOTE:
        b.kind = BlockKind::Quote;
        for (cmark_node* c = cmark_node_first_child(node); c; c = cmark_node_next(c))
          if (auto child = convert_block(c)) b.children.push_back(std::move(*child));
        return b;
      case CMARK_NODE_THEMATIC_BREAK:
        b.kind = BlockKind::Rule;
        return b;
      case CMARK_NODE_FOOTNOTE_DEFINITION:
        b.kind = BlockKind::Footnote;
        b.id = footnote_label(node);
        for (cmark_node* c = cmark_node_first_child(node); c; c = cmark_node_next(c))
          if (auto child = convert_block(c)) b.children.push_back(std::move(*child));
        return b;
      case CMARK_NODE_HTML_BLOCK:
        sink_.error(b.span, "raw HTML is not part of a report's source",
                    {"write the text as Markdown; a table is a pipe table or a ```table block"});
        return std::nullopt;
      default:
        if (std::string_view(cmark_node_get_type_string(node)) == "table") return convert_pipe_table(node, b);
        sink_.error(b.span, fmt::format("{} is not supported", cmark_node_get_type_string(node)),
                    {"write headings (#), paragraphs, lists, quotes (>), rules (---), pipe tables, footnotes, "
                     "and ```table, ```case or ```contents blocks"});
        return std::nullopt;
    }
  }

  /// Parses Markdown TEXT whose first line is line FIRST_LINE of the file.
  std::vector<Block> parse_blocks(std::string_view text, int first_line) {
    cmark_gfm_core_extensions_ensure_registered();
    cmark_out_of_memory = false;
    CmarkParser parser(cmark_parser_new_with_mem(CMARK_OPT_DEFAULT | CMARK_OPT_FOOTNOTES, &cmark_allocator));
    for (const char* name : {"table", "strikethrough", "autolink"})
      if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name))
        cmark_parser_attach_syntax_extension(parser.get(), ext);
    CjkPrepared prepared = prepare_cjk_emphasis(hide_expression_marks(text));
    cmark_parser_feed(parser.get(), prepared.text.data(), prepared.text.size());
    CmarkRoot root(cmark_parser_finish(parser.get()));
    int saved = line_offset_;
    const CjkPrepared* saved_prepared = prepared_;
    line_offset_ = first_line - 1;
    prepared_ = &prepared;
    std::vector<Block> blocks;
    for (cmark_node* n = cmark_node_first_child(root.get()); n; n = cmark_node_next(n)) {
      after_pipe_table_ = !blocks.empty() && blocks.back().kind == BlockKind::PipeTable && blocks.back().id.empty();
      auto block = convert_block(n);
      after_pipe_table_ = false;
      if (block) {
        // `{#tab-x caption="…"}` on the line after a pipe table names and captions it.
        if (block->kind == BlockKind::Paragraph && !blocks.empty() && blocks.back().kind == BlockKind::PipeTable &&
            blocks.back().id.empty() && is_attribute_paragraph(*block)) {
          apply_table_attributes(block->runs.front().text, blocks.back(), block->span);
          continue;
        }
        blocks.push_back(std::move(*block));
      }
    }
    add_unreferenced_footnotes(prepared, blocks);
    line_offset_ = saved;
    prepared_ = saved_prepared;
    return blocks;
  }

 private:
  /// ```table, ```case 标题 {#id} and ```contents: fenced blocks whose info
  /// string names a directive.
  std::optional<Block> convert_directive(cmark_node* node, Block& b) {
    std::string info = restore_expression_marks(cmark_node_get_fence_info(node));
    std::string name = info.substr(0, info.find(' '));
    std::string rest = name.size() < info.size() ? info.substr(name.size() + 1) : "";
    std::string body = restore_expression_marks(cmark_node_get_literal(node));
    int fence_line = cmark_node_get_start_line(node) + line_offset_;
    static const char* const directives[] = {"table", "case", "contents", "chart", "figure"};
    if (name == "table" || name == "contents") {
      b.kind = name == "table" ? BlockKind::Table : BlockKind::Contents;
      b.spec = body;
      b.spec_line = fence_line;
      if (!trim(rest).empty())
        sink_.error(b.span, fmt::format("```{} takes no words after its name", name),
                    {"put its settings in the block, as YAML"});
      return b;
    }
    if (name == "chart") {
      b.kind = BlockKind::Chart;
      b.spec = body;
      b.spec_line = fence_line;
      if (!trim(rest).empty())
        sink_.error(b.span, "```chart takes no words after its name", {"put its settings in the block, as YAML"});
      return b;
    }
    if (name == "figure") {  // a row of images: ```figure 标题 {#id}, one image per paragraph
      b.kind = BlockKind::Figure;
      std::string title = trim(rest);
      if (!title.empty() && title.back() == '}' && title.find('{') != std::string::npos) {
        std::string attrs = title.substr(title.rfind('{'));
        title = trim(title.substr(0, title.rfind('{')));
        parse_figure_attributes(attrs, b, b.span, sink_);
      }
      if (title.empty()) sink_.error(b.span, "a figure needs a caption", {"```figure 实训场景 {#fig-training}"});
      b.title = title;
      b.children = parse_blocks(body, fence_line + 1);
      for (const auto& child : b.children)
        if (child.kind != BlockKind::Figure || !child.children.empty())
          sink_.error(child.span, "a ```figure row holds images only, one per paragraph",
                      {"![车间](images/a.jpg)\n\n![机房](images/b.jpg)"});
      if (b.children.size() < 2 || b.children.size() > 3)
        sink_.error(b.span, fmt::format("a ```figure row holds 2 or 3 images, not {}", b.children.size()),
                    {"a single image is a paragraph of its own: ![图题](images/photo.jpg)"});
      return b;
    }
    if (name == "case") {
      b.kind = BlockKind::Case;
      std::string title = trim(rest);
      if (!title.empty() && title.back() == '}' && title.find('{') != std::string::npos) {
        std::string attrs = title.substr(title.rfind('{'));
        title = trim(title.substr(0, title.rfind('{')));
        parse_attribute_list(attrs, b, b.span);
      }
      if (title.empty())
        sink_.error(b.span, "a case needs a title", {"```case 教材建设 {#case-textbook}"});
      b.title = title;
      b.children = parse_blocks(body, fence_line + 1);
      for (const auto& child : b.children)
        if (child.kind != BlockKind::Paragraph && child.kind != BlockKind::List && child.kind != BlockKind::Figure &&
            child.kind != BlockKind::Chart)
          sink_.error(child.span, "a case holds paragraphs, lists and figures only");
      return b;
    }
    if (name.empty()) {
      sink_.error(b.span, "code blocks are not supported", {"a fenced block names a directive: ```table, ```case or ```contents"});
    } else {
      std::vector<std::string> hints{fmt::format("directives: {}", fmt::join(directives, ", "))};
      for (const char* d : directives)
        if (edit_distance(name, d) <= 2) hints.insert(hints.begin(), fmt::format("did you mean \"{}\"?", d));
      sink_.error(b.span, fmt::format("unknown directive \"{}\"", name), hints);
    }
    return std::nullopt;
  }

  static std::string trim(std::string s) {
    size_t a = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
    return a == std::string::npos ? std::string() : s.substr(a, e - a + 1);
  }

  /// `{#id .class …}`: the attributes a heading, paragraph or case may carry.
  void parse_attribute_list(const std::string& text, Block& b, const Span& span) {
    static const char* const heading_classes[] = {".unnumbered", ".notoc", ".appendix", ".attachment"};
    static const char* const paragraph_classes[] = {".continue", ".pagebreak", ".right", ".center"};
    std::string inner = text.substr(1, text.size() - 2);
    size_t pos = 0;
    while (pos < inner.size()) {
      size_t end = inner.find(' ', pos);
      std::string token = inner.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
      pos = end == std::string::npos ? inner.size() : end + 1;
      if (token.empty()) continue;
      if (token[0] == '#' && token.size() > 1 && b.kind != BlockKind::Paragraph) {
        b.id = token.substr(1);
      } else if (b.kind == BlockKind::Heading && token == ".unnumbered") {
        b.numbered = false;
      } else if (b.kind == BlockKind::Heading && token == ".notoc") {
        b.in_contents = false;
      } else if (b.kind == BlockKind::Heading && token == ".appendix") {
        b.appendix = true;
      } else if (b.kind == BlockKind::Heading && token == ".attachment") {
        if (b.level != 1)
          sink_.error(span, "an attachment starts at a level-1 heading", {"# 附件的标题 {.attachment}"});
        b.attachment = true;
        b.numbered = false;
      } else if (b.kind == BlockKind::Paragraph && token == ".continue") {
        b.continuation = true;
      } else if (b.kind == BlockKind::Paragraph && token == ".pagebreak") {
        b.kind = BlockKind::PageBreak;
      } else if (b.kind == BlockKind::Paragraph && token == ".right") {
        b.align = ParagraphAlign::Right;
      } else if (b.kind == BlockKind::Paragraph && token == ".center") {
        b.align = ParagraphAlign::Center;
      } else {
        std::vector<std::string> known;
        if (b.kind == BlockKind::Heading) known.push_back("#id");
        if (b.kind == BlockKind::Heading) known.insert(known.end(), std::begin(heading_classes), std::end(heading_classes));
        else if (b.kind == BlockKind::Paragraph) known.assign(std::begin(paragraph_classes), std::end(paragraph_classes));
        else known = {"#id"};
        sink_.error(span, fmt::format("unknown attribute \"{}\"", token),
                    {fmt::format("known here: {}", fmt::join(known, " "))});
      }
    }
  }

  /// A trailing `{…}` on a heading or paragraph holds attributes.
  void apply_attributes(Block& b) {
    if (b.runs.empty() || b.runs.back().kind != InlineKind::Text) return;
    std::string& t = b.runs.back().text;
    size_t end = t.find_last_not_of(' ');
    if (end == std::string::npos || t[end] != '}') return;
    size_t open = t.rfind('{', end);
    if (open == std::string::npos) return;
    // The list stands after a space, a line break, or a CJK character (no space is typed there).
    bool after_break = open == 0 && b.runs.size() > 1 && b.runs[b.runs.size() - 2].kind == InlineKind::LineBreak;
    if (open > 0 && t[open - 1] != ' ' && !is_wide(last_code_point(std::string_view(t).substr(0, open))) && !after_break) return;
    std::string attrs = t.substr(open, end - open + 1);
    if (attrs.size() < 3 || (attrs[1] != '.' && attrs[1] != '#')) return;
    Span span = b.runs.back().span;
    t.erase(open);
    while (!t.empty() && t.back() == ' ') t.pop_back();
    if (t.empty()) b.runs.pop_back();
    parse_attribute_list(attrs, b, span);
    if (b.kind == BlockKind::PageBreak && !b.runs.empty())
      sink_.error(b.span, "{.pagebreak} stands alone in its paragraph");
  }

  void append(std::vector<InlineRun>& runs, std::string text, InlineStyle style, Span span) {
    remove_joiners(text);
    if (!runs.empty() && runs.back().style == style && runs.back().kind == InlineKind::Text && runs.back().url == url_) {
      runs.back().text += text;
      return;
    }
    InlineRun r{std::move(text), style, std::move(span)};
    r.url = url_;
    runs.push_back(std::move(r));
  }

  void collect_inlines(cmark_node* parent, cmark_node* block, InlineStyle style,
                       std::vector<InlineRun>& runs) {
    for (cmark_node* n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
      switch (cmark_node_get_type(n)) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
          append(runs, restore_expression_marks(cmark_node_get_literal(n)), style, span_of(n, block));
          break;
        case CMARK_NODE_LINK: {
          const char* url = cmark_node_get_url(n);
          std::string saved = url_;
          url_ = url ? url : "";
          if (url_.empty() || url_[0] == '#')
            sink_.error(span_of(n, block), "a link needs an address",
                        {"[文字](https://…); to refer to a table, case or section write [@id]"});
          collect_inlines(n, block, style, runs);
          url_ = saved;
          break;
        }
        case CMARK_NODE_FOOTNOTE_REFERENCE: {
          InlineRun r{footnote_label(n), style, span_of(n, block), InlineKind::FootnoteRef};
          runs.push_back(std::move(r));
          break;
        }
        case CMARK_NODE_HTML_INLINE:
          sink_.error(span_of(n, block), "raw HTML is not part of a report's source",
                      {"write the text as Markdown: **strong**, *emphasis*, ~~struck~~, [text](url)"});
          break;
        case CMARK_NODE_IMAGE:
          sink_.error(span_of(n, block), "images are not supported in this version",
                      {"a figure is written as a paragraph of its own: ![caption](images/photo.jpg)"});
          break;
        case CMARK_NODE_SOFTBREAK: {
          // clreq: a source newline between two CJK characters gives no space.
          // Decided when the next text arrives; mark it with U+000A for now.
          append(runs, "\n", style, span_of(n, block));
          break;
        }
        case CMARK_NODE_LINEBREAK:
          runs.push_back({"", style, span_of(n, block), InlineKind::LineBreak});
          break;
        case CMARK_NODE_EMPH:
          collect_inlines(n, block, style | InlineStyle::Emphasis, runs);
          break;
        case CMARK_NODE_STRONG:
          collect_inlines(n, block, style | InlineStyle::Strong, runs);
          break;
        default:
          if (std::string_view(cmark_node_get_type_string(n)) == "strikethrough") {
            collect_inlines(n, block, style | InlineStyle::Strike, runs);
            break;
          }
          sink_.error(span_of(n, block),
                      fmt::format("inline {} is not supported", cmark_node_get_type_string(n)));
      }
    }
    if (parent == block) {
      resolve_soft_breaks(runs);
      split_inline_markup(runs, sink_, &footnote_labels_);
      link_bare_addresses(runs);
    }
  }

  /// A web address typed in the text (after a Chinese character, where GFM's
  /// autolink extension does not look) becomes a link: http://, https:// or
  /// www., up to the next space or non-ASCII character, less trailing punctuation.
  static void link_bare_addresses(std::vector<InlineRun>& runs) {
    std::vector<InlineRun> out;
    for (auto& run : runs) {
      if (run.kind != InlineKind::Text || !run.url.empty()) {
        out.push_back(std::move(run));
        continue;
      }
      const std::string& t = run.text;
      size_t done = 0;
      for (size_t at = 0; at < t.size();) {
        size_t found = std::string::npos;
        for (const char* scheme : {"https://", "http://", "www."}) {
          size_t f = t.find(scheme, at);
          if (f < found) found = f;
        }
        if (found == std::string::npos) break;
        size_t end = found;
        while (end < t.size() && static_cast<unsigned char>(t[end]) > 0x20 && static_cast<unsigned char>(t[end]) < 0x80) ++end;
        while (end > found && std::strchr(".,;:!?)'\"", t[end - 1])) --end;
        std::string address = t.substr(found, end - found);
        if (address.size() <= 8 || address.find('.') == std::string::npos) {
          at = found + 1;
          continue;
        }
        if (found > done) {
          InlineRun before = run;
          before.text = t.substr(done, found - done);
          out.push_back(std::move(before));
        }
        InlineRun link = run;
        link.text = address;
        link.url = address.rfind("www.", 0) == 0 ? "http://" + address : address;
        out.push_back(std::move(link));
        done = at = end;
      }
      if (done == 0) {
        out.push_back(std::move(run));
      } else if (done < t.size()) {
        InlineRun after = run;
        after.text = t.substr(done);
        out.push_back(std::move(after));
      }
    }
    runs = std::move(out);
  }

  static void resolve_soft_breaks(std::vector<InlineRun>& runs) {
    for (size_t r = 0; r < runs.size(); ++r) {
      std::string& t = runs[r].text;
      for (size_t i = t.find('\n'); i != std::string::npos; i = t.find('\n', i)) {
        std::string before = i > 0 ? t.substr(0, i) : (r > 0 ? runs[r - 1].text : std::string());
        char32_t prev = last_code_point(before);
        char32_t next = 0;
        if (i + 1 < t.size()) {
          size_t j = i + 1;
          next = next_code_point(t, j);
        } else if (r + 1 < runs.size() && !runs[r + 1].text.empty()) {
          size_t j = 0;
          next = next_code_point(runs[r + 1].text, j);
        }
        if ((prev && is_wide(prev)) || (next && is_wide(next)) || !prev || !next) {
          t.erase(i, 1);
        } else {
          t[i] = ' ';
          ++i;
        }
      }
    }
    std::erase_if(runs, [](const InlineRun& r) { return r.text.empty() && r.kind == InlineKind::Text; });
  }

  /// A GFM pipe table: rows of cells, each cell's inlines as a Paragraph.
  std::optional<Block> convert_pipe_table(cmark_node* node, Block& b) {
    b.kind = BlockKind::PipeTable;
    uint16_t columns = cmark_gfm_extensions_get_table_columns(node);
    uint8_t* aligns = cmark_gfm_extensions_get_table_alignments(node);
    for (uint16_t c = 0; c < columns; ++c) {
      uint8_t a = aligns ? aligns[c] : 0;
      b.columns.push_back(a == 'l' ? ColumnAlign::Left : a == 'c' ? ColumnAlign::Center
                          : a == 'r' ? ColumnAlign::Right : ColumnAlign::None);
    }
    for (cmark_node* row = cmark_node_first_child(node); row; row = cmark_node_next(row)) {
      Block r;
      r.kind = BlockKind::ListItem;
      r.span = span_of(row, node);
      r.numbered = cmark_gfm_extensions_get_table_row_is_header(row) != 0;  // a header row
      for (cmark_node* cell = cmark_node_first_child(row); cell; cell = cmark_node_next(cell)) {
        Block c;
        c.kind = BlockKind::Paragraph;
        c.span = span_of(cell, row);
        collect_inlines(cell, cell, InlineStyle::Regular, c.runs);
        r.children.push_back(std::move(c));
      }
      b.children.push_back(std::move(r));
    }
    // `{#tab-x caption="…"}` written as the table's last row (no blank line before it).
    if (b.children.size() > 1) {
      Block& last = b.children.back();
      if (!last.numbered && !last.children.empty() && is_attribute_paragraph(last.children.front())) {
        bool rest_empty = true;
        for (size_t i = 1; i < last.children.size(); ++i) rest_empty &= last.children[i].runs.empty();
        if (rest_empty) {
          Span at = last.children.front().span;
          std::string attrs = last.children.front().runs.front().text;
          b.children.pop_back();
          apply_table_attributes(attrs, b, at);
        }
      }
    }
    return b;
  }

  /// cmark-gfm drops a footnote definition nothing refers to; it is kept
  /// (with no text) so that the document stage can warn about it.
  void add_unreferenced_footnotes(const CjkPrepared& prepared, std::vector<Block>& blocks) {
    std::set<std::string> defined;
    for (const auto& b : blocks)
      if (b.kind == BlockKind::Footnote) defined.insert(b.id);
    for (auto& [label, line, col] : footnote_definitions(prepared.text)) {
      if (!defined.insert(label).second) continue;
      Block f;
      f.kind = BlockKind::Footnote;
      f.id = label;
      f.span = file_.span_at_line_byte(line + line_offset_, prepared.source_column(line, col));
      // Its text (the rest of its line), parsed as a paragraph of its own: a mark in a case box may refer to it.
      std::string_view text = prepared.text;
      size_t at = 0;
      for (int l = 1; l < line && at != std::string_view::npos; ++l) at = text.find('\n', at) + 1;
      size_t end = text.find('\n', at);
      std::string_view rest = text.substr(at, (end == std::string_view::npos ? text.size() : end) - at);
      if (static_cast<size_t>(col - 1) < rest.size()) {
        std::string source(rest.substr(col - 1));
        const CjkPrepared* outer = prepared_;
        int offset = line_offset_;
        f.children = parse_blocks(source, line + line_offset_);
        prepared_ = outer;
        line_offset_ = offset;
      }
      blocks.push_back(std::move(f));
    }
  }

 public:
  /// The footnote definitions `[^label]: …` of TEXT (outside fenced blocks): label, line, column of the note's text.
  static std::vector<std::tuple<std::string, int, int>> footnote_definitions(std::string_view text) {
    std::vector<std::tuple<std::string, int, int>> out;
    bool fenced = false;
    int line = 1;
    for (size_t at = 0; at < text.size(); ++line) {
      size_t end = text.find('\n', at);
      std::string_view l = text.substr(at, (end == std::string_view::npos ? text.size() : end) - at);
      at = end == std::string_view::npos ? text.size() : end + 1;
      size_t lead = l.find_first_not_of(' ');
      if (lead == std::string_view::npos || lead > 3) continue;
      std::string_view body = l.substr(lead);
      if (body.rfind("```", 0) == 0 || body.rfind("~~~", 0) == 0) fenced = !fenced;
      if (fenced || body.rfind("[^", 0) != 0) continue;
      size_t close = body.find("]:");
      if (close == std::string_view::npos || close <= 2 || body.substr(2, close - 2).find_first_of(" []") != std::string_view::npos)
        continue;
      out.push_back({std::string(body.substr(2, close - 2)), line, static_cast<int>(lead + close + 4)});
    }
    return out;
  }
  std::set<std::string> footnote_labels_;  ///< every footnote the report defines

 private:

  /// A footnote's label as written at NODE's position, `[^label]` (cmark-gfm
  /// keeps only the footnote's ordinal).
  std::string footnote_label(cmark_node* node) const {
    if (!prepared_) return {};
    int line = cmark_node_get_start_line(node), col = cmark_node_get_start_column(node);
    std::string_view text = prepared_->text;
    size_t at = 0;
    for (int l = 1; l < line && at != std::string_view::npos; ++l) {
      at = text.find('\n', at);
      if (at != std::string_view::npos) ++at;
    }
    if (at == std::string_view::npos || col < 1) return {};
    // A reference starts at its `[^`; a definition's position is its text's, after `[^label]:`.
    bool definition = cmark_node_get_type(node) == CMARK_NODE_FOOTNOTE_DEFINITION;
    size_t open = definition ? text.rfind("[^", at + col - 1) : text.find("[^", at + col - 1);
    if (open == std::string_view::npos || open < at || (!definition && open > at + col + 3)) return {};
    size_t close = text.find(']', open + 2);
    if (close == std::string_view::npos) return {};
    return std::string(text.substr(open + 2, close - open - 2));
  }

  static bool is_attribute_paragraph(const Block& p) {
    if (p.runs.size() != 1 || p.runs.front().kind != InlineKind::Text) return false;
    std::string t = trim(p.runs.front().text);
    return t.size() > 2 && t.front() == '{' && t.back() == '}' && (t[1] == '#' || t[1] == '.' || t.find('=') != std::string::npos);
  }

  /// `{#tab-x caption="…" unit="…" note="…"}` after a pipe table.
  void apply_table_attributes(const std::string& text, Block& table, const Span& span) {
    std::string t = trim(text);
    std::string inner = t.substr(1, t.size() - 2);
    size_t pos = 0;
    while (pos < inner.size()) {
      if (inner[pos] == ' ') {
        ++pos;
        continue;
      }
      size_t end = inner.find(' ', pos);
      size_t eq = inner.find('=', pos);
      if (eq != std::string::npos && (end == std::string::npos || eq < end)) {
        std::string key = inner.substr(pos, eq - pos);
        std::string value;
        size_t after;
        if (eq + 1 < inner.size() && inner[eq + 1] == '"') {
          size_t close = inner.find('"', eq + 2);
          if (close == std::string::npos) {
            sink_.error(span, fmt::format("the value of \"{}\" is not closed with \"", key));
            return;
          }
          value = inner.substr(eq + 2, close - eq - 2);
          after = close + 1;
        } else {
          after = end == std::string::npos ? inner.size() : end;
          value = inner.substr(eq + 1, after - eq - 1);
        }
        if (key == "caption") table.caption = value;
        else if (key == "unit") table.title = value;
        else if (key == "note") table.spec = value;
        else
          sink_.error(span, fmt::format("unknown table attribute \"{}\"", key),
                      {"a pipe table takes {#id caption=\"…\" unit=\"…\" note=\"…\"}"});
        pos = after;
        continue;
      }
      std::string token = inner.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
      pos = end == std::string::npos ? inner.size() : end;
      if (token.size() > 1 && token[0] == '#') table.id = token.substr(1);
      else if (token == ".landscape") table.landscape = true;
      else
        sink_.error(span, fmt::format("unknown table attribute \"{}\"", token),
                    {"a pipe table takes {#id caption=\"…\" unit=\"…\" note=\"…\" .landscape}"});
    }
  }

  static constexpr int kMaxListDepth = 16;
  const CjkPrepared* prepared_ = nullptr;
  std::string url_;  ///< the address of the link being collected
  bool after_pipe_table_ = false;  ///< converting the block right after a pipe table
  const TextFile& file_;
  int line_offset_;
  DiagnosticSink& sink_;
  int list_depth_ = 0;
};

}  // namespace

namespace {
std::optional<SyntaxTree> parse_uncached(const TextFile& file, DiagnosticSink& sink);
}  // namespace


std::optional<SyntaxTree> parse_source(const TextFile& file, DiagnosticSink& sink) {
  ParseCache* cache = ParseCache::Scope::current();
  if (!cache) return parse_uncached(file, sink);
  if (cache->tree_ && cache->path_ == file.path() && cache->text_ == file.text()) {
    ++cache->hits_;
    for (const auto& d : cache->diagnostics_) sink.add(d);
    return cache->tree_;
  }
  // What this parse reports, kept with its tree (in a sink of its own, then passed on).
  DiagnosticSink own;
  own.set_warnings_as_errors(sink.warnings_as_errors());
  std::optional<SyntaxTree> tree = parse_uncached(file, own);
  for (const auto& d : own.all()) sink.add(d);
  cache->tree_.reset();
  if (tree && !own.has_errors()) {
    cache->path_ = file.path();
    cache->text_ = file.text();
    cache->tree_ = tree;
    cache->diagnostics_ = own.all();
  }
  return tree;
}

namespace {
std::optional<SyntaxTree> parse_uncached(const TextFile& file, DiagnosticSink& sink) {
  SyntaxTree tree;
  size_t body_start = 0;
  int body_line = 1;
  auto fm = split_front_matter(file);
  if (!fm) {
    sink.error({file.path(), 1, 1}, "the report has no front matter",
               {"start the file with a YAML block:\n---\ntitle: 报告标题\n---"});
  } else if (fm->first_line == 0) {
    sink.error({file.path(), 1, 1}, "the front matter is not closed",
               {"end the front matter with a line of three dashes: ---"});
    return std::nullopt;
  } else {
    parse_front_matter(file, *fm, tree.front, sink);
    body_start = fm->body_start;
    body_line = fm->body_line;
  }

  std::string_view body(file.text());
  body.remove_prefix(body_start);
  Converter converter(file, 0, sink);
  for (auto& [label, line, col] : Converter::footnote_definitions(body)) converter.footnote_labels_.insert(label);
  tree.blocks = converter.parse_blocks(body, body_line);
  return tree;
}
}  // namespace

std::vector<InlineRun> parse_values(const std::string& text, const Span& span, DiagnosticSink& sink) {
  std::vector<InlineRun> runs{{text, InlineStyle::Regular, span}};
  split_inline_markup(runs, sink);
  return runs;
}

}  // namespace paiban::source
