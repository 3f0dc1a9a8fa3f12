#pragma once
// The look of a report, read from layouts/NAME.yaml. Lengths are in points.
#include <array>
#include <vector>
#include <optional>
#include <map>
#include <string>

#include "base/diagnostic.h"
#include "compose/compose.h"
#include "doc/document.h"
#include "layout/pages.h"

namespace paiban::layout {

/// A font role at a size.
struct TextStyle {
  std::string role;        ///< a role of fonts/fonts.yaml
  double size = 12;        ///< font size, pt
  double line_height = 0;  ///< baseline-to-baseline distance, pt
};

struct HeadingStyle {
  TextStyle text;
  double space_before = 0;  ///< pt above the heading's first line
  double space_after = 0;   ///< pt below its last line
  double indent_em = 0;     ///< first-line indent, em of the body size
};

/// How headings are numbered.
enum class HeadingNumbering {
  Decimal,  ///< 1. / 1.1 / 1.1.1 (the reference report)
  Chinese,  ///< 一、 / （一） / 1. / （1） (GB/T 9704 structure numbers)
};

/// The printed heading number for COUNTERS (1-based, one per level) in SCHEME.
std::string heading_number(const std::vector<int>& counters, HeadingNumbering scheme);

/// Where the page number goes.
enum class NumberPosition { Center, Outside };

/// Tables: 表N captions, grid, header rows.
struct TableStyle {
  TextStyle text{"song", 10.5, 15};          ///< cells (五号)
  TextStyle header{"hei-bold", 10.5, 15};    ///< header cells
  TextStyle caption{"hei-bold", 10.5, 20};   ///< "表1 凉州区中等职业学校统计"
  double padding_x = 4, padding_y = 3;       ///< pt inside each cell
  double rule = 0.5, frame = 1.0;            ///< inner rules and the top/bottom frame, pt
  Color header_fill{0.93, 0.93, 0.93};
  double space_before = 8, space_after = 12; ///< pt around a table
  doc::TableNumbering numbering = doc::TableNumbering::Document;
};

/// 【案例分享N】 boxes.
struct CaseStyle {
  TextStyle title{"hei-bold", 12, 24};
  Color fill{0.955, 0.967, 0.985};
  Color frame{0.36, 0.49, 0.69};
  double frame_width = 0.8;   ///< pt
  double padding = 9;         ///< pt between the frame and the text
  double radius = 3;          ///< pt, rounded corners
  double space_before = 10, space_after = 12;
};

/// 图N: photos and charts.
struct FigureStyle {
  TextStyle caption{"hei-bold", 10.5, 20};   ///< "图1 学生参加技能大赛", centred below the figure
  TextStyle subcaption{"song", 10.5, 16};    ///< "（a）车间" under each image of a row
  TextStyle chart{"song", 9, 12};            ///< ticks, labels and legend of charts
  double space_before = 8, space_after = 12; ///< pt around a figure
  double caption_gap = 4;                    ///< pt between the figure and its caption
  double row_gap = 12;                       ///< pt between the images of a row
  double chart_height = 200;                 ///< pt, the plot and its axes
  doc::TableNumbering numbering = doc::TableNumbering::Document;
  std::string label = "图";                  ///< before the number
  std::string sub_label = "（{}）";           ///< a row's sub-caption mark; {} becomes a, b, c
  std::string unit = "单位：{}";              ///< a chart's unit at its value axis; {} becomes the unit
  bool floating = true;                      ///< a figure that does not fit moves to the next page top and the text after it fills the space; false: strict order
  std::vector<Color> palette{{0.122, 0.220, 0.392}, {0.902, 0.635, 0.235}, {0.753, 0.314, 0.302},
                             {0.741, 0.843, 0.933}, {0.416, 0.561, 0.235}, {0.35, 0.35, 0.35},
                             {0.957, 0.839, 0.627}, {0.498, 0.416, 0.576}};
};

/// 目录, 表目录, 案例目录.
struct ContentsStyle {
  TextStyle title{"hei-bold", 16, 40};
  TextStyle entry{"song", 12, 24};
  int levels = 2;              ///< heading levels listed in 目录
  double indent_em = 1;        ///< extra indent per heading level, em
  double leader_pitch = 4;     ///< pt between leader dots
};

/// The cover page.
struct CoverStyle {
  TextStyle title{"hei-bold", 26, 44};  ///< 一号
  TextStyle line{"song", 16, 30};       ///< issuer and date (三号)
};

/// Block quotes: an indented block, by default in 楷体.
struct QuoteStyle {
  TextStyle text{"kai", 0, 0};     ///< size and line height 0: the body's
  double indent_em = 2;            ///< left and right indent, em of the body size
};

/// `---`: a rule across the measure.
struct RuleStyle {
  double width = 0.5;              ///< stroke, pt
  double length = 1;               ///< fraction of the measure, centred
  double space = 6;                ///< pt above and below
  Color color{0, 0, 0};
};

/// Footnotes at the foot of the page where their mark falls.
enum class FootnoteNumbering { Page, Chapter, Document };
enum class FootnoteMarks { Circled, Arabic };
struct FootnoteStyle {
  TextStyle text{"", 9, 14};       ///< role "": the body's (小五 on 14 pt)
  double mark_size = 0.6;          ///< a mark in the text: this fraction of the text size, raised
  double rule_length = 0.25;       ///< the separator rule: this fraction of the measure
  double rule_width = 0.5;
  double space = 6;                ///< pt between the body and the rule, and the rule and the notes
  FootnoteNumbering numbering = FootnoteNumbering::Page;
  FootnoteMarks marks = FootnoteMarks::Circled;
};

/// Links: clickable text.
struct LinkStyle {
  Color color{0, 0.2, 0.6};
};

/// What a document is: a report (cover, contents, body) or a GB/T 9704 notice.
enum class DocumentKind { Report, Notice };

/// A notice's 版头, 主体 and 版记 (GB/T 9704-2012 §7). Roles left empty are the body's.
struct NoticeStyle {
  TextStyle mark{"xiaobiaosong", 60, 0};    ///< 发文机关标志: at most this size, shrunk to the type width
  TextStyle head{"hei", 16, 0};             ///< 份号, 密级, 紧急程度 (3号黑体)
  TextStyle number{"", 16, 0};              ///< 发文字号 (3号仿宋)
  TextStyle signer{"kai", 16, 0};           ///< 签发人's name (3号楷体)
  TextStyle title{"xiaobiaosong", 22, 0};   ///< 标题 (2号小标宋); line height 0: the body's
  TextStyle foot{"", 14, 0};                ///< 版记 (4号仿宋); line height 0: the body's
  Color red{1, 0, 0};                       ///< the mark, the rule (the seal is an image in its own red)
  double mark_top = 35 * 72 / 25.4;         ///< the mark's top edge below the type area's top (7.2.4)
  double rule_gap = 4 * 72 / 25.4;          ///< the red rule below the 文号 (7.2.7)
  double rule_width = 1;                    ///< the red rule's stroke, pt
  double seal_size = 42 * 72 / 25.4;        ///< the seal image's width (a 42 mm 公章)
  double thick_rule = 0.35 * 72 / 25.4;     ///< 版记: first and last rule (7.4.1)
  double thin_rule = 0.25 * 72 / 25.4;      ///< 版记: the rules between
};

/// Everything layout reads from a layout file.
struct LayoutSpec {
  std::string path;                 ///< the file it came from
  std::map<std::string, Span> role_spans;  ///< where each font role is first named
  double page_width = 595.276;      ///< pt (A4)
  double page_height = 841.89;      ///< pt
  double margin_top = 72, margin_bottom = 72, margin_left = 72, margin_right = 72;  ///< pt
  TextStyle body;                   ///< body paragraphs
  std::string strong_role;          ///< role for **strong** text
  std::string emphasis_role;        ///< role for *emphasis*
  double paragraph_indent_em = 2;   ///< first-line indent, in em of the body size
  double paragraph_space = 0;       ///< pt between paragraphs
  double list_indent_em = 2;        ///< indent per list level, em
  TextStyle title;                  ///< the report title on page 1
  std::array<HeadingStyle, 4> headings;  ///< levels 1–4 (deeper levels use level 4)
  TextStyle header;                 ///< running header (the report title)
  TextStyle footer;                 ///< page number
  double header_offset = 0;         ///< pt from the type area's top edge up to the header baseline
  double footer_offset = 0;         ///< pt from the type area's bottom edge down to the footer baseline
  std::string footer_format = "{}"; ///< the page number in its decoration: "— {} —"
  NumberPosition footer_position = NumberPosition::Center;  ///< Outside: odd pages right, even left, one character in
  bool header_enabled = true;       ///< the running header (report title and rule)
  HeadingNumbering heading_numbering = HeadingNumbering::Decimal;
  int grid_chars = 0, grid_lines = 0;  ///< > 0: the body on a character grid (GB/T 9704: 28 × 22)
  double grid_pitch = 0;            ///< pt per grid character (type width ÷ chars); body-size text only
  bool hyphenate = true;            ///< Latin words are hyphenated (composition.hyphenate); compose.hyphenator is set from it
  compose::ComposeSettings compose; ///< punctuation scheme, line-breaking strategy and tunables
  TableStyle table;
  CaseStyle case_box;
  FigureStyle figure;
  ContentsStyle contents;
  CoverStyle cover;
  QuoteStyle quote;
  RuleStyle rule;
  FootnoteStyle footnotes;
  LinkStyle links;
  doc::Labels labels;               ///< the words printed around content (`labels:`)
  bool cover_page = true;           ///< a cover page from the front matter (title, issuer, date)
  DocumentKind document = DocumentKind::Report;  ///< `document:` (the front matter's wins)
  NoticeStyle notice;
  int max_passes = 5;               ///< layout passes until page numbers settle
  int max_pages = 10000;            ///< hostile input: a document longer than this is an error

  double type_width() const { return page_width - margin_left - margin_right; }
  double type_height() const { return page_height - margin_top - margin_bottom; }
};

/// The font roles the layout names (body, headings, tables, …), each once.
std::vector<std::string> roles_used(const LayoutSpec& spec);

/// Reads a layout file. Unknown keys and bad values are errors at their
/// position in the file.
std::optional<LayoutSpec> load_layout(const std::string& path, DiagnosticSink& sink);

/// Parses a length: "25mm", "12pt", "1.5cm", "1in". nullopt if malformed.
std::optional<double> parse_length(const std::string& text);

}  // namespace paiban::layout
