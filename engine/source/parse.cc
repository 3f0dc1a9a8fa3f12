// Source → SyntaxTree.
//
// parse_source → split_front_matter → parse_front_matter (yaml-cpp)
//              → cmark-gfm → convert_block → collect_inlines
#include "source/parse.h"

#include <cmark-gfm.h>
#include <unicode/uchar.h>
#include <yaml-cpp/yaml.h>

#include "base/yaml_util.h"
#include "source/figure_syntax.h"

#include <memory>
#include <string_view>

#include <fmt/format.h>

namespace paiban::source {
namespace {

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

void parse_front_matter(const TextFile& file, const FrontMatterText& fm, FrontMatter& out,
                        DiagnosticSink& sink) {
  out.span = {file.path(), 1, 1};
  YAML::Node root;
  try {
    root = YAML::Load(fm.yaml);
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
  static const char* const known[] = {"title", "issuer", "date", "note", "subject", "keywords", "layout", "data"};
  for (const auto& item : root) {
    std::string key = item.first.Scalar();
    Span span = yaml_span(file, fm.first_line, item.first.Mark());
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
    std::string* field = nullptr;
    if (key == "title") field = &out.title;
    else if (key == "issuer") field = &out.issuer;
    else if (key == "date") field = &out.date;
    else if (key == "layout") field = &out.layout;
    else if (key == "subject") field = &out.subject;
    else if (key == "note") field = &out.note;
    else if (key == "keywords") field = &out.keywords;
    if (!field) {
      sink.error(span, fmt::format("front matter: unknown key \"{}\"", key),
                 {fmt::format("known keys: {}", fmt::join(known, ", "))});
      continue;
    }
    if (!item.second.IsScalar()) {
      sink.error(yaml_span(file, fm.first_line, item.second.Mark()),
                 fmt::format("front matter: \"{}\" must be a single value", key));
      continue;
    }
    *field = item.second.Scalar();
  }
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

/// `[@id]` becomes a Reference run, `{{ expr | format }}` a Value run.
void split_inline_markup(std::vector<InlineRun>& runs, DiagnosticSink& sink_) {
  std::vector<InlineRun> out;
  for (auto& run : runs) {
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
      if (until > literal_start) out.push_back({t.substr(literal_start, until - literal_start), run.style, span_at(literal_start)});
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
        apply_attributes(b);
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
      default:
        sink_.error(b.span, fmt::format("{} is not supported yet", cmark_node_get_type_string(node)),
                    {"write headings (#), paragraphs, lists, *emphasis* and **strong** text, "
                     "and ```table, ```case or ```contents blocks"});
        return std::nullopt;
    }
  }

  /// Parses Markdown TEXT whose first line is line FIRST_LINE of the file.
  std::vector<Block> parse_blocks(std::string_view text, int first_line) {
    std::unique_ptr<cmark_parser, decltype(&cmark_parser_free)> parser(cmark_parser_new(CMARK_OPT_DEFAULT),
                                                                       cmark_parser_free);
    cmark_parser_feed(parser.get(), text.data(), text.size());
    std::unique_ptr<cmark_node, decltype(&cmark_node_free)> root(cmark_parser_finish(parser.get()), cmark_node_free);
    int saved = line_offset_;
    line_offset_ = first_line - 1;
    std::vector<Block> blocks;
    for (cmark_node* n = cmark_node_first_child(root.get()); n; n = cmark_node_next(n))
      if (auto block = convert_block(n)) blocks.push_back(std::move(*block));
    line_offset_ = saved;
    return blocks;
  }

 private:
  /// ```table, ```case 标题 {#id} and ```contents: fenced blocks whose info
  /// string names a directive.
  std::optional<Block> convert_directive(cmark_node* node, Block& b) {
    std::string info = cmark_node_get_fence_info(node) ? cmark_node_get_fence_info(node) : "";
    std::string name = info.substr(0, info.find(' '));
    std::string rest = name.size() < info.size() ? info.substr(name.size() + 1) : "";
    std::string body = cmark_node_get_literal(node) ? cmark_node_get_literal(node) : "";
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
    static const char* const heading_classes[] = {".unnumbered", ".notoc"};
    static const char* const paragraph_classes[] = {".continue", ".pagebreak"};
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
      } else if (b.kind == BlockKind::Paragraph && token == ".continue") {
        b.continuation = true;
      } else if (b.kind == BlockKind::Paragraph && token == ".pagebreak") {
        b.kind = BlockKind::PageBreak;
      } else {
        std::vector<std::string> known;
        if (b.kind == BlockKind::Heading) known = {"#id", heading_classes[0], heading_classes[1]};
        else if (b.kind == BlockKind::Paragraph) known = {paragraph_classes[0], paragraph_classes[1]};
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
    if (open == std::string::npos || (open > 0 && t[open - 1] != ' ' && !(b.runs.size() == 1 && open == 0))) return;
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
    if (!runs.empty() && runs.back().style == style) {
      runs.back().text += text;
      return;
    }
    runs.push_back({std::move(text), style, std::move(span)});
  }

  void collect_inlines(cmark_node* parent, cmark_node* block, InlineStyle style,
                       std::vector<InlineRun>& runs) {
    for (cmark_node* n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
      switch (cmark_node_get_type(n)) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
          append(runs, cmark_node_get_literal(n), style, span_of(n, block));
          break;
        case CMARK_NODE_SOFTBREAK: {
          // clreq: a source newline between two CJK characters gives no space.
          // Decided when the next text arrives; mark it with U+000A for now.
          append(runs, "\n", style, span_of(n, block));
          break;
        }
        case CMARK_NODE_LINEBREAK:
          append(runs, "\n", style, span_of(n, block));
          break;
        case CMARK_NODE_EMPH:
          collect_inlines(n, block, style | InlineStyle::Emphasis, runs);
          break;
        case CMARK_NODE_STRONG:
          collect_inlines(n, block, style | InlineStyle::Strong, runs);
          break;
        default:
          sink_.error(span_of(n, block),
                      fmt::format("inline {} is not supported yet", cmark_node_get_type_string(n)));
      }
    }
    if (parent == block) {
      resolve_soft_breaks(runs);
      split_inline_markup(runs, sink_);
    }
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
    std::erase_if(runs, [](const InlineRun& r) { return r.text.empty(); });
  }

  static constexpr int kMaxListDepth = 16;
  const TextFile& file_;
  int line_offset_;
  DiagnosticSink& sink_;
  int list_depth_ = 0;
};

}  // namespace

std::optional<SyntaxTree> parse_source(const TextFile& file, DiagnosticSink& sink) {
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
  tree.blocks = converter.parse_blocks(body, body_line);
  return tree;
}

std::vector<InlineRun> parse_values(const std::string& text, const Span& span, DiagnosticSink& sink) {
  std::vector<InlineRun> runs{{text, InlineStyle::Regular, span}};
  split_inline_markup(runs, sink);
  return runs;
}

}  // namespace paiban::source
