#pragma once
// The Document: the syntax tree with data bound, headings, tables and cases
// numbered, cross-references resolved and lists flattened. What layout consumes.
//
// build_document → Builder::add (per block) → bind values ({{ }}) →
//   build_table (data rows, merged cells, totals) → resolve references
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/diagnostic.h"
#include "data/data.h"
#include "image/image.h"
#include "source/syntax.h"

namespace paiban::doc {

using source::InlineKind;
using source::InlineRun;
using source::InlineStyle;

enum class Align { Left, Center, Right };

/// A table cell in the HTML model: it starts at (row, column) and spans
/// rowspan × colspan slots.
struct TableCell {
  int row = 0, column = 0;
  int rowspan = 1, colspan = 1;
  std::string text;
  Align align = Align::Center;
  bool merged_down = false;  ///< a label merged over equal values below it (repeated on a continuation)
  Span span;                 ///< where its text comes from
  std::vector<InlineRun> runs;  ///< a pipe table's cell: its inlines (emphasis, links, footnote marks); empty: `text`
  std::vector<Span> reads;      ///< with DocumentSettings::provenance: the data its value read
};

struct Table {
  std::string id;
  int number = 0;             ///< 1, 2, … through the document
  std::string label;          ///< "表1" (or "表2-1" when numbered per chapter); after `{.appendix}`: "附表1"
  std::string continued_label;  ///< over a continuation: "续表1", "续附表1"
  bool appendix = false;      ///< after a `{.appendix}` heading: numbered 附表1, 附表2, … in a sequence of its own
  std::string caption;        ///< the title after the label
  std::string unit;           ///< "人、个": printed as （单位：人、个）
  int columns = 0;
  int header_rows = 0;
  int body_rows = 0;          ///< total rows included
  std::vector<TableCell> header;  ///< cells of the header rows
  std::vector<TableCell> body;    ///< cells of the body rows (rows count from 0)
  std::vector<bool> total_rows;   ///< per body row: a totals row
  std::string note;           ///< printed under the table
  bool landscape = false;     ///< `{.landscape}` / `landscape: true`: set on landscape pages
  Span span;
};

enum class BlockKind { Heading, Paragraph, Table, Case, Contents, PageBreak, Rule, Figure };

/// The words paiban prints around content. A layout's `labels:` section sets
/// them (a notice or a traditional-Chinese layout changes them); these are
/// the defaults.
struct Labels {
  std::string table = "表";                 ///< 表1, 表2-1
  std::string table_continued = "续表";     ///< the caption over a table's continuation
  std::string case_label = "案例分享";      ///< 【案例分享1】
  std::string case_open = "【", case_close = "】";
  std::string continued = "（续）";         ///< after a case title on its continuation
  std::string total = "合计";               ///< a totals row's label
  std::string unit = "（单位：{}）";        ///< a table's unit under its caption
  std::string bullet = "•";                 ///< an unordered list item's marker
  std::string cover = "封面";               ///< the cover's page label
  std::string toc = "目录", tables = "表目录", cases = "案例目录", figures = "图目录";
  std::string case_entry = "{}：{}";        ///< a 案例目录 entry: label and title
  std::string appendix_table = "附表";      ///< a table after `{.appendix}`: 附表1, 附表2, …
  std::string appendix_table_continued = "续附表";  ///< the caption over its continuation
  std::string appendix_tables = "附表目录"; ///< the list of 附表
};

/// Which list a contents directive prints.
enum class ContentsKind { Headings, Tables, Cases, Figures, AppendixTables };

/// One image of a figure.
struct FigurePanel {
  std::shared_ptr<const image::Image> image;
  std::string caption;        ///< a row's sub-caption (without its （a）); empty for a single image
  double width_fraction = 0;  ///< `width=60%`: of the measure (0: not given)
  double width_pt = 0;        ///< `width=80mm` (0: not given)
  double height_pt = 0;       ///< `height=5cm` (0: not given)
  Span span;
};

enum class ChartType { Bar, Line, Pie };

struct ChartSeries {
  std::string label;           ///< in the legend
  std::vector<double> values;  ///< one per category
  Span span;
};

/// A chart drawn from data.
struct Chart {
  ChartType type = ChartType::Bar;
  bool horizontal = false;     ///< bar: bars run left to right
  bool stacked = false;        ///< bar: series stacked, not side by side
  bool doughnut = false;       ///< pie: a ring
  bool value_labels = false;   ///< print each value at its bar, point or slice
  std::string format;          ///< number format of values and ticks (empty: as the data has it)
  std::string unit;            ///< printed at the value axis: （单位：人）
  std::vector<std::string> categories;  ///< the x of each row
  std::vector<ChartSeries> series;
  Span span;
};

/// 图N: one image, a row of 2–3 images with sub-captions, or a chart.
struct Figure {
  std::string id;
  int number = 0;
  std::string label;              ///< "图1" (or "图2-1" when numbered per chapter)
  std::string caption;
  std::vector<FigurePanel> panels;  ///< images (empty for a chart)
  std::shared_ptr<Chart> chart;
  Span span;
};

struct Block;

/// 【案例分享N】: a framed box of paragraphs.
struct CaseBox {
  std::string id;
  int number = 0;
  std::string title;
  std::vector<Block> blocks;  ///< paragraphs and figures
};

/// One block in reading order.
struct Block {
  BlockKind kind = BlockKind::Paragraph;
  Span span;                    ///< source position of the block
  std::string id;               ///< Heading: the anchor for references and contents links
  int level = 0;                ///< Heading: 1–6
  std::string number;           ///< Heading: "1.", "1.1", "1.1.1"; empty when unnumbered
  std::vector<int> counters;    ///< Heading: the number per level ({1, 1} for 1.1); empty when unnumbered
  bool in_contents = true;      ///< Heading: listed in 目录
  int attachment = 0;           ///< Heading: a notice's 附件 starts here, the Nth (its headings are numbered anew)
  std::vector<InlineRun> runs;  ///< Heading, Paragraph: the text, values bound and references resolved
  int list_depth = 0;           ///< Paragraph: 0 in body text, n inside n nested lists
  std::string marker;           ///< Paragraph: the list marker ("•", "1.") on an item's first paragraph
  bool continuation = false;    ///< Paragraph: resumes text after a table or box, so no first-line indent
  int quote_depth = 0;          ///< Paragraph: inside this many block quotes
  source::ParagraphAlign align = source::ParagraphAlign::Justify;  ///< Paragraph: `{.right}`, `{.center}`
  std::shared_ptr<Table> table;       ///< Table
  std::shared_ptr<CaseBox> case_box;  ///< Case
  std::vector<ContentsKind> contents; ///< Contents: the lists, in order
  std::shared_ptr<Figure> figure;     ///< Figure
};

/// A GB/T 9704 notice's parts from the front matter, values bound; empty: not printed.
struct Notice {
  std::string issuer_mark, doc_number, copy_number, secrecy, urgency, signer, to, signature, remark;
  std::string printed_by, printed_date;
  std::vector<std::string> cc, attachments;
  std::shared_ptr<const image::Image> seal;  ///< 印章
  Span span;     ///< the front matter
  Span cc_span;  ///< where `cc` is (the 版记 is reported there)
  std::map<std::string, Span> spans;  ///< where each key's value is, by key
  /// Where KEY's value is (the front matter when it is not given).
  Span at(const std::string& key) const {
    auto it = spans.find(key);
    return it == spans.end() ? span : it->second;
  }
};

/// Front-matter facts the layout prints.
struct Metadata {
  std::string title;
  std::string issuer;
  std::string date;
  std::string subject;
  std::string keywords;
  std::string note;  ///< printed on the cover under the date
  Notice notice;
};

/// A footnote: its definition `[^label]: …`, numbered in order of first reference.
struct Footnote {
  std::string label;
  int index = 0;               ///< 1, 2, … in order of first reference through the document
  std::vector<Block> blocks;   ///< its paragraphs
  Span span;
};

struct Document {
  Metadata meta;
  std::vector<Block> blocks;
  /// Footnotes by label; a FootnoteRef run's `target` names one.
  std::map<std::string, Footnote> footnotes;
  /// With DocumentSettings::provenance: the spans of the data each printed
  /// value read, by the value's own span (Span::to_string of a `{{ }}` run),
  /// and by "chart@" + the span of a chart block for its series.
  std::map<std::string, std::vector<Span>> reads;
};

/// How tables are numbered.
enum class TableNumbering { Document, Chapter };

struct DocumentSettings {
  TableNumbering table_numbering = TableNumbering::Document;
  int heading_levels = 4;  ///< the deepest heading the layout styles and numbers
  Labels labels;
  TableNumbering figure_numbering = TableNumbering::Document;  ///< figures: 图N or 图2-1, like tables
  std::string report_dir;        ///< images are read from here, never outside it (empty: no images)
  std::string figure_label = "图";  ///< the word before a figure's number (from the layout)
  image::Limits image_limits;
  /// Images read in this build, by file: a photo shown twice is read and embedded once.
  /// paiban diff: note which data every printed value reads (Document::reads,
  /// TableCell::reads). Off for a build: it costs a copy of each span read.
  bool provenance = false;
  std::shared_ptr<std::map<std::string, std::shared_ptr<const image::Image>>> image_cache =
      std::make_shared<std::map<std::string, std::shared_ptr<const image::Image>>>();
};

/// Binds DATA (may be empty) into the tree: numbers headings 1 / 1.1 / 1.1.1
/// (chapter numbers carry a trailing full stop as in the reference report),
/// tables 表1… and cases 案例分享1…, evaluates values and builds tables from
/// their data, resolves references, flattens lists.
Document build_document(const source::SyntaxTree& tree, const data::DataSet& data, DiagnosticSink& sink,
                        const DocumentSettings& settings = {});

/// The plain text of a block's runs.
std::string plain_text(const std::vector<InlineRun>& runs);

}  // namespace paiban::doc
