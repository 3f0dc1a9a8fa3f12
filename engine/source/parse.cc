// Source → SyntaxTree.
//
// parse_source → split_front_matter → parse_front_matter (yaml-cpp)
//              → cmark-gfm → convert_block → collect_inlines
#include "source/parse.h"

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <unicode/uchar.h>
#include <yaml-cpp/yaml.h>

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
  if (!root.IsMap()) {
    sink.error({file.path(), fm.first_line, 1}, "front matter: expected key: value pairs");
    return;
  }
  static const char* const known[] = {"title", "issuer", "date", "layout"};
  for (const auto& item : root) {
    std::string key = item.first.Scalar();
    Span span = yaml_span(file, fm.first_line, item.first.Mark());
    std::string* field = nullptr;
    if (key == "title") field = &out.title;
    else if (key == "issuer") field = &out.issuer;
    else if (key == "date") field = &out.date;
    else if (key == "layout") field = &out.layout;
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
        b.numbered = !strip_attribute(b, "{.unnumbered}");
        return b;
      case CMARK_NODE_PARAGRAPH:
        b.kind = BlockKind::Paragraph;
        collect_inlines(node, node, InlineStyle::Regular, b.runs);
        b.continuation = strip_attribute(b, "{.continue}");
        return b;
      case CMARK_NODE_LIST:
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
      default:
        sink_.error(b.span, fmt::format("{} is not supported yet", cmark_node_get_type_string(node)),
                    {"write headings (#), paragraphs, lists, *emphasis* and **strong** text"});
        return std::nullopt;
    }
  }

 private:
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
    if (parent == block) resolve_soft_breaks(runs);
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

  /// Removes a trailing attribute such as `{.unnumbered}` from the block's
  /// text; true if it was there.
  static bool strip_attribute(Block& b, std::string_view attr) {
    if (b.runs.empty()) return false;
    std::string& t = b.runs.back().text;
    size_t end = t.find_last_not_of(' ');
    if (end == std::string::npos || end + 1 < attr.size()) return false;
    if (std::string_view(t).substr(end + 1 - attr.size(), attr.size()) != attr) return false;
    t.erase(end + 1 - attr.size());
    while (!t.empty() && t.back() == ' ') t.pop_back();
    if (t.empty()) b.runs.pop_back();
    return true;
  }

  const TextFile& file_;
  int line_offset_;
  DiagnosticSink& sink_;
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

  cmark_gfm_core_extensions_ensure_registered();
  std::unique_ptr<cmark_parser, decltype(&cmark_parser_free)> parser(
      cmark_parser_new(CMARK_OPT_DEFAULT), cmark_parser_free);
  std::string_view body(file.text());
  body.remove_prefix(body_start);
  cmark_parser_feed(parser.get(), body.data(), body.size());
  std::unique_ptr<cmark_node, decltype(&cmark_node_free)> root(cmark_parser_finish(parser.get()),
                                                               cmark_node_free);
  Converter converter(file, body_line - 1, sink);
  for (cmark_node* n = cmark_node_first_child(root.get()); n; n = cmark_node_next(n))
    if (auto block = converter.convert_block(n)) tree.blocks.push_back(std::move(*block));
  return tree;
}

}  // namespace paiban::source
