#pragma once
// The Document: the syntax tree with headings numbered and lists flattened
// into paragraphs that carry their marker. What layout consumes.
#include <string>
#include <vector>

#include "base/diagnostic.h"
#include "source/syntax.h"

namespace paiban::doc {

using source::InlineRun;
using source::InlineStyle;

enum class BlockKind { Heading, Paragraph };

/// One block in reading order.
struct Block {
  BlockKind kind = BlockKind::Paragraph;
  Span span;                    ///< source position of the block
  int level = 0;                ///< Heading: 1–6
  std::string number;           ///< Heading: "1.", "1.1", "1.1.1"; empty when unnumbered
  std::vector<InlineRun> runs;  ///< the text
  int list_depth = 0;           ///< Paragraph: 0 in body text, n inside n nested lists
  std::string marker;           ///< Paragraph: the list marker ("•", "1.") on an item's first paragraph
  bool continuation = false;    ///< Paragraph: resumes text after a table or box, so no first-line indent
};

/// Front-matter facts the layout prints.
struct Metadata {
  std::string title;
  std::string issuer;
  std::string date;
};

struct Document {
  Metadata meta;
  std::vector<Block> blocks;
};

/// Numbers headings 1 / 1.1 / 1.1.1 (decimal scheme: chapter numbers carry a
/// trailing full stop as in the reference report) and flattens lists.
Document build_document(const source::SyntaxTree& tree, DiagnosticSink& sink);

/// The plain text of a block's runs.
std::string plain_text(const std::vector<InlineRun>& runs);

}  // namespace paiban::doc
