// `![caption](path){#id width=60%}` → a Figure block.
#include "source/figure_syntax.h"

#include <fmt/format.h>

namespace paiban::source {
namespace {

std::string trimmed(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\n"), e = s.find_last_not_of(" \t\n");
  return a == std::string::npos ? std::string() : s.substr(a, e - a + 1);
}

void alt_text(cmark_node* n, std::string& out) {
  for (cmark_node* c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
    if (const char* lit = cmark_node_get_literal(c)) out += cmark_node_get_type(c) == CMARK_NODE_SOFTBREAK ? "" : lit;
    alt_text(c, out);
  }
}

}  // namespace

void parse_figure_attributes(const std::string& text, Block& b, const Span& span, DiagnosticSink& sink) {
  std::string inner = text.substr(1, text.size() - 2);
  size_t pos = 0;
  while (pos < inner.size()) {
    size_t end = inner.find(' ', pos);
    std::string token = inner.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? inner.size() : end + 1;
    if (token.empty()) continue;
    if (token[0] == '#' && token.size() > 1) b.id = token.substr(1);
    else if (token.rfind("width=", 0) == 0) b.width = token.substr(6);
    else if (token.rfind("height=", 0) == 0) b.height = token.substr(7);
    else
      sink.error(span, fmt::format("unknown figure attribute \"{}\"", token),
                 {"known here: #id width=60% (or 80mm, 6cm, 200pt) height=5cm"});
  }
}

bool convert_image_paragraph(cmark_node* paragraph, const TextFile& file, int line_offset, Block& b, DiagnosticSink& sink) {
  cmark_node* image = nullptr;
  std::string after;
  for (cmark_node* n = cmark_node_first_child(paragraph); n; n = cmark_node_next(n)) {
    cmark_node_type t = cmark_node_get_type(n);
    if (t == CMARK_NODE_IMAGE && !image && after.empty()) {
      image = n;
    } else if (image && (t == CMARK_NODE_TEXT || t == CMARK_NODE_SOFTBREAK)) {
      if (const char* lit = cmark_node_get_literal(n)) after += lit;
    } else if (t == CMARK_NODE_TEXT && !image && trimmed(cmark_node_get_literal(n)).empty()) {
      continue;
    } else {
      {
        for (cmark_node* m = cmark_node_first_child(paragraph); m; m = cmark_node_next(m))
          if (cmark_node_get_type(m) == CMARK_NODE_IMAGE) {
            sink.error(file.span_at_line_byte(cmark_node_get_start_line(m) + line_offset, cmark_node_get_start_column(m)),
                       "an image stands in a paragraph of its own",
                       {"put ![图题](images/photo.jpg) on its own line, with blank lines around it"});
            b.kind = BlockKind::Figure;
            return true;
          }
      }
      return false;
    }
  }
  if (!image) return false;
  b.kind = BlockKind::Figure;
  b.src = cmark_node_get_url(image) ? cmark_node_get_url(image) : "";
  b.src_span = file.span_at_line_byte(cmark_node_get_start_line(image) + line_offset, cmark_node_get_start_column(image));
  b.span = b.src_span;
  alt_text(image, b.title);
  b.title = trimmed(b.title);
  after = trimmed(after);
  if (!after.empty()) {
    if (after.front() == '{' && after.back() == '}') parse_figure_attributes(after, b, b.src_span, sink);
    else
      sink.error(b.src_span, "an image stands in a paragraph of its own",
                 {"text after an image goes into its own paragraph; attributes follow it as {#fig-id width=60%}"});
  }
  return true;
}

}  // namespace paiban::source
