#pragma once
// The syntax tree: what the source says, before numbering and layout.
#include <map>
#include <string>
#include <vector>

#include "base/span.h"

namespace paiban::source {

/// Inline style flags.
enum class InlineStyle : unsigned { Regular = 0, Emphasis = 1, Strong = 2, Strike = 4 };
inline InlineStyle operator|(InlineStyle a, InlineStyle b) {
  return static_cast<InlineStyle>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
inline bool has(InlineStyle s, InlineStyle flag) {
  return (static_cast<unsigned>(s) & static_cast<unsigned>(flag)) != 0;
}

/// What an inline run holds.
enum class InlineKind {
  Text,       ///< literal text
  Reference,  ///< `[@id]`: a cross-reference; `text` is the target id
  Value,      ///< `{{ expr | format }}`: a data value; `text` is the expression
  FootnoteRef,  ///< `[^label]`: a footnote mark; `text` is the label
  LineBreak,    ///< a hard line break (two trailing spaces or `\`); `text` is empty
};

/// A stretch of text in one style.
struct InlineRun {
  std::string text;                          ///< UTF-8, soft breaks already resolved
  InlineStyle style = InlineStyle::Regular;  ///< emphasis / strong
  Span span;                                 ///< where the run starts in the source
  InlineKind kind = InlineKind::Text;
  std::string format;                        ///< Value: the number format after `|` (may be empty)
  std::string target;                        ///< after resolution: the id a Reference links to
  std::string url;                           ///< inside a link `[…](url)`, an autolink or a bare URL: its address
  bool value = false;                        ///< after binding: this Text is a `{{ }}` value's printed form
};

enum class BlockKind {
  Heading,
  Paragraph,
  List,
  ListItem,
  Table,      ///< ```table: a table fed from data; `spec` holds its YAML
  Case,       ///< ```case 标题 {#id}: a framed case box; `children` hold its Markdown
  Contents,   ///< ```contents: where the contents lists go; `spec` holds its YAML
  PageBreak,  ///< a paragraph of just `{.pagebreak}`
  Quote,      ///< `> …`: a block quote; `children` hold its blocks
  Rule,       ///< `---`: a thematic break, a rule across the measure
  Footnote,   ///< `[^label]: …`: a footnote definition; `id` is the label, `children` its blocks
  PipeTable,  ///< a GFM pipe table: `children` are its rows (ListItem blocks of cells, each a Paragraph)
  Figure,     ///< a paragraph of one image `![caption](path){#id width=60%}`; ```figure 标题 {#id}: a row of them in `children`
  Chart,      ///< ```chart: a chart fed from data; `spec` holds its YAML
};

/// How a paragraph's lines sit in the measure (`{.right}`, `{.center}`).
enum class ParagraphAlign { Justify, Right, Center };

/// A pipe-table column's alignment from the delimiter row (`:---`, `:---:`, `---:`).
enum class ColumnAlign { None, Left, Center, Right };

/// A block of the source. Lists hold ListItems, which hold blocks.
struct Block {
  BlockKind kind = BlockKind::Paragraph;
  Span span;                     ///< where the block starts
  int level = 0;                 ///< Heading: 1–6
  bool numbered = true;          ///< Heading: false when written `{.unnumbered}`
  bool attachment = false;       ///< Heading: `{.attachment}`, a notice's 附件 starts here (unnumbered)
  bool continuation = false;     ///< Paragraph: `{.continue}`, text resumed after a table or box (no indent)
  bool in_contents = true;       ///< Heading: listed in the contents (`{.notoc}` leaves it out)
  bool appendix = false;         ///< Heading: `{.appendix}`, the tables after it are 附表1, 附表2, …
  std::string id;                ///< Heading, Case: `{#id}`, the target of cross-references
  std::string title;             ///< Case: its title
  std::string spec;              ///< Table, Contents: the directive's YAML
  int spec_line = 0;             ///< the YAML's first line is line spec_line + 1 of the file
  bool ordered = false;          ///< List: 1. 2. 3. rather than bullets
  int start = 1;                 ///< List: number of the first item
  ParagraphAlign align = ParagraphAlign::Justify;  ///< Paragraph: `{.right}` or `{.center}`
  std::vector<ColumnAlign> columns;  ///< PipeTable: per column, from the delimiter row
  std::string caption;           ///< PipeTable: `{#tab-x caption="…"}` on the line after it
  bool landscape = false;        ///< PipeTable: `{.landscape}`, set on landscape pages
  std::vector<InlineRun> runs;   ///< Heading, Paragraph
  std::vector<Block> children;   ///< List, ListItem, Quote, Footnote, PipeTable; Figure: the images of a row; Case: its blocks
  std::string src;               ///< Figure: the image path as written
  std::string width, height;     ///< Figure: `width=`, `height=` as written (empty: from the image)
  Span src_span;                 ///< Figure: where the path is
};

/// The YAML front matter's known fields.
struct FrontMatter {
  std::string title;   ///< the report's title (required)
  std::string issuer;  ///< who publishes it
  std::string date;    ///< as written, e.g. 2023-01
  std::string note;      ///< a line on the cover under the date (e.g. 样例数据)
  std::string subject;   ///< the PDF's Subject
  std::string keywords;  ///< the PDF's Keywords
  std::string layout;  ///< layout name, overrides the default
  Span layout_span;    ///< where it is named
  std::vector<std::string> data;  ///< data files (YAML), relative to the report folder
  std::vector<Span> data_spans;   ///< where each is named
  Span span;           ///< where the front matter starts

  /// `document: notice`: a GB/T 9704 公文 (no cover, no contents; its head,
  /// signature and foot from the keys below); empty: as the layout says.
  std::string document;
  // The notice's parts (GB/T 9704-2012 §7), each optional.
  std::string issuer_mark;   ///< 发文机关标志: 河西市河东区教育局文件
  std::string doc_number;    ///< 发文字号: 河东教发〔2024〕35号
  std::string copy_number;   ///< 份号: six digits
  std::string secrecy;       ///< 密级和保密期限: 秘密★1年
  std::string urgency;       ///< 紧急程度: 特急, 加急
  std::string signer;        ///< 签发人 (上行文)
  std::string to;            ///< 主送机关
  std::string signature;     ///< 发文机关署名
  std::string seal;          ///< 印章: an image in the report folder
  std::string remark;        ///< 附注
  std::string printed_by;    ///< 印发机关
  std::string printed_date;  ///< 印发日期
  std::vector<std::string> cc;           ///< 抄送机关
  std::vector<std::string> attachments;  ///< 附件说明: the attachments' names
  /// Where each key's value is, by key (`doc-number`, `seal`, `cc`, …).
  std::map<std::string, Span> spans;
};

struct SyntaxTree {
  FrontMatter front;
  std::vector<Block> blocks;
};

}  // namespace paiban::source
