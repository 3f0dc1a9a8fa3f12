#include "doc/document.h"

#include <array>

#include <fmt/format.h>

namespace paiban::doc {
namespace {

class Builder {
 public:
  explicit Builder(DiagnosticSink& sink) : sink_(sink) {}

  void add(const source::Block& b, int depth, const std::string& marker) {
    switch (b.kind) {
      case source::BlockKind::Heading: add_heading(b); break;
      case source::BlockKind::Paragraph: {
        Block p;
        p.kind = BlockKind::Paragraph;
        p.span = b.span;
        p.runs = b.runs;
        p.list_depth = depth;
        p.marker = marker;
        p.continuation = b.continuation;
        out_.push_back(std::move(p));
        break;
      }
      case source::BlockKind::List: {
        int n = b.start;
        for (const auto& item : b.children) {
          std::string m = b.ordered ? fmt::format("{}.", n++) : "•";
          bool first = true;
          for (const auto& child : item.children) {
            add(child, depth + 1, first ? m : std::string());
            first = false;
          }
        }
        break;
      }
      case source::BlockKind::ListItem: break;  // handled by List
    }
  }

  std::vector<Block> take() { return std::move(out_); }

 private:
  void add_heading(const source::Block& b) {
    Block h;
    h.kind = BlockKind::Heading;
    h.span = b.span;
    h.level = b.level;
    h.runs = b.runs;
    if (b.numbered) {
      if (b.level > last_level_ + 1)
        sink_.warning(b.span, fmt::format("heading level jumps from {} to {}", last_level_, b.level),
                      {fmt::format("use {} # for the next level down", last_level_ + 1)});
      ++counters_[b.level - 1];
      for (int i = b.level; i < 6; ++i) counters_[i] = 0;
      std::string number;
      for (int i = 0; i < b.level; ++i) number += fmt::format("{}{}", i ? "." : "", counters_[i]);
      if (b.level == 1) number += ".";
      h.number = number;
      last_level_ = b.level;
    }
    out_.push_back(std::move(h));
  }

  DiagnosticSink& sink_;
  std::vector<Block> out_;
  std::array<int, 6> counters_{};
  int last_level_ = 0;
};

}  // namespace

Document build_document(const source::SyntaxTree& tree, DiagnosticSink& sink) {
  Document d;
  d.meta = {tree.front.title, tree.front.issuer, tree.front.date};
  Builder builder(sink);
  for (const auto& b : tree.blocks) builder.add(b, 0, {});
  d.blocks = builder.take();
  return d;
}

std::string plain_text(const std::vector<InlineRun>& runs) {
  std::string s;
  for (const auto& r : runs) s += r.text;
  return s;
}

}  // namespace paiban::doc
