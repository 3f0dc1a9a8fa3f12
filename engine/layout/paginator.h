#pragma once
// The paginator, internal to the layout stage: its state and its jobs, each in a file of
// its own (paginate.cc: the page-number loop; prepare_blocks.cc; flow.cc; tables.cc;
// boxes.cc; contents.cc; cover.cc; furniture.cc).
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "layout/paginate.h"
#include "layout/prepare.h"

namespace paiban::layout {

inline constexpr double kEpsilon = 1e-6;

/// Thrown inside the paginator only: the document passed the page limit.
struct TooManyPages {};

/// Text of a figure (a caption, a chart's tick), placed relative to the figure's top left.
struct FigureText {
  TextBlock text;
  double x = 0;         ///< pt from the figure's left edge to the line's left edge
  double baseline = 0;  ///< pt down from the figure's top
};

/// A figure composed once: images, chart paths and text relative to its top
/// left (y grows downwards), and its size.
struct FigureLayout {
  const doc::Figure* figure = nullptr;
  double width = 0, height = 0;  ///< pt, the whole figure with its captions
  struct Image {
    std::shared_ptr<const image::Image> image;
    double x = 0, top = 0, w = 0, h = 0;
  };
  std::vector<Image> images;
  std::vector<Shape> shapes;  ///< points: x from the left, y down from the top
  std::vector<Rule> rules;    ///< the same
  std::vector<FigureText> texts;
};

/// Images sized, sub-captions and the caption composed; a chart drawn. MEASURE: the width available.
FigureLayout prepare_figure(const doc::Figure& figure, double measure, double max_height, const LayoutSpec& spec,
                            const fonts::FontSet& fonts, DiagnosticSink& sink);

/// A chart's drawing (without its caption) WIDTH wide, at the top of OUT; returns its height.
double prepare_chart(const doc::Chart& chart, double width, const LayoutSpec& spec, const fonts::FontSet& fonts,
                     DiagnosticSink& sink, FigureLayout& out);

/// Percentages of VALUES to DECIMALS places that add up to exactly 100
/// (largest remainder: the rounding goes to the shares that lost most).
std::vector<double> largest_remainder_percentages(const std::vector<double>& values, int decimals = 1);

/// Tick values from LOW to HIGH at a nice step (1, 2 or 5 × 10^n), about TARGET of them.
std::vector<double> nice_ticks(double low, double high, int target = 5);

/// A block with everything that does not depend on page numbers done.
struct PreparedBlock {
  const doc::Block* block = nullptr;
  std::vector<TextBlock> texts;  ///< Heading, Paragraph: one; Case: title, continued title, then paragraphs
  std::optional<TableLayout> table;
  double space_before = 0, space_after = 0;
  std::optional<FigureLayout> figure;            ///< Figure
  std::map<size_t, FigureLayout> box_figures;   ///< Case: the figures among its blocks, by index into texts
};

/// One entry of a contents list.
struct ContentsEntry {
  std::string text;    ///< "1.1 办学规模"
  std::string target;  ///< anchor id
  int level = 1;       ///< heading level (1 for table and case entries)
  double hang = 0;     ///< pt: continuation lines start this far in (the number's width)
  std::string number;  ///< the entry's number as it starts TEXT ("1.1 ", "表3 ", "案例分享2："); empty if unnumbered
};

/// Lines [from, to) of a footnote set at a page's foot.
struct NotePart {
  std::string label;
  size_t from = 0, to = 0;
};

/// A notice's parts, composed once (notice.cc).
struct NoticeParts {
  std::vector<TextBlock> head;   ///< 份号, 密级, 紧急程度
  TextBlock mark;                ///< 发文机关标志, at MARK_SIZE
  double mark_size = 0;
  TextBlock number, signer_label, signer;  ///< 发文字号; "签发人：" and the name
  TextBlock title, to;
  TextBlock attach_label;        ///< "附件："
  std::vector<TextBlock> attach_numbers, attach_names;
  double attach_name_x = 0;      ///< pt from the type area's left edge to the names
  TextBlock signature, date, remark;
  TextBlock cc_label, cc, printed_by, printed_date;  ///< 版记
  struct Attachment {
    TextBlock label, title;      ///< "附件1" (3号黑体) and its title (2号小标宋)
  };
  std::map<const doc::Block*, Attachment> attachments;  ///< by the heading that starts each 附件
};

class Paginator {
 public:
  Paginator(const doc::Document& doc, const LayoutSpec& spec, const fonts::FontSet& fonts, DiagnosticSink& sink)
      : doc_(doc), spec_(&spec), portrait_(spec), landscape_(landscape_of(spec)), fonts_(fonts), sink_(sink) {}

  Pages run(const std::function<void(const GlyphSets&)>& on_shaped);

 private:
  // prepare_blocks.cc: shaping and composing every block once
  InlineText styled(const std::vector<doc::InlineRun>& runs, const std::string& role, const std::string& strong, const std::string& emphasis, double size) const;

  /// Composition settings for text of SIZE: body-size text sits on the grid when the layout has one.
  compose::ComposeSettings settings_for(double size) const;
  void warn_if_not_hyphenated();

  /// The printed number of a heading in the layout's scheme.
  std::string heading_label(const doc::Block& b) const { return heading_number(b.counters, spec_->heading_numbering); }

  TextBlock body_paragraph(const doc::Block& b, double width, DiagnosticSink& sink) const;

  /// Shapes and composes one block (const: blocks may be prepared on two threads at once).
  PreparedBlock prepare_block(const doc::Block& b, DiagnosticSink& sink) const;
  /// Below about this many bytes of text a document is prepared on one thread.
  static constexpr size_t kParallelPrepareWeight = 8000;

  void prepare();

  /// Every glyph the pages can use: the prepared text, and what is shaped
  /// while placing (contents entries, page numbers in any style, the running
  /// header, the cover).
  GlyphSets expected_glyphs() const;

  // footnotes.cc: notes composed once, marks numbered as they are placed, notes drawn at the page foot
  static constexpr int kMaxMarks = 50;
  std::string mark_text(int number) const;
  void prepare_footnotes();
  /// The height the notes of LABELS add to this page's foot (the rule and its space with the first).
  double notes_height(const std::vector<std::string>& labels) const;
  /// The lines of a note one page's foot holds at most (half the type area); the rest continues on the next.
  size_t note_lines_per_page(const TextBlock& note) const;
  /// Puts the carried parts of notes on the new page's foot.
  void carry_notes();
  /// Numbers the marks of LABELS and puts their notes on this page.
  void register_notes(const std::vector<std::string>& labels);
  void draw_footnotes(size_t page_index);
  /// Link colours and the marks' numbers on this page, for draw_line.
  const DecorationStyle* decorations();

  // paginate.cc: the page-number loop
  static std::map<std::string, std::string> page_map(const Pages& pages);

  Pages place_all(DiagnosticSink& pass_sink);

  // flow.cc: pages, the cursor, blocks and their keep rules
  double page_top() const { return spec_->page_height - spec_->margin_top; }
  double y_at(double cursor) const { return page_top() - cursor; }
  bool fits(double h, double reserve = 0) const { return cursor_ + h <= spec_->type_height() - reserve - note_height_ + kEpsilon; }
  Page& page() { return pages_.pages.back(); }

  /// Starts a new page. OVERFLOW: the previous page ended because the next
  /// thing did not fit (so it is full and its bottom is justified).
  void new_page(bool overflow);

  void ensure_page();

  /// Vertical space that vanishes at a page top and may stretch on a full page.
  void space(double h);

  void anchor(const std::string& id, const std::string& title, int level);

  /// What must fit below a heading for it to stay on this page; ABOVE: the
  /// height the headings will take above it.
  double keep_height(const PreparedBlock& p, double above = 0) const;

  void place(const PreparedBlock& p);

  void flush_pending();

  /// Places the lines of T at the cursor, breaking pages as needed: never one
  /// line of a paragraph alone at a page's foot (orphan) or head (widow).
  /// RESERVE keeps that much free at the page foot; ON_BREAK runs before and
  /// after each page break (true: before, false: after).
  void place_lines(const TextBlock& t, double x, double reserve, const std::function<void(bool)>& on_break);

  void report_line(const TextBlock& t, size_t i);

  // tables.cc
  /// What of a table must go on the page where it starts, with ROOM left on it.
  double table_start_height(const TableLayout& t, double room) const;

  void place_table(const PreparedBlock& p);

  /// Draws a cell's text centred vertically in the part of it between rows
  /// FIRST and LAST (a row-spanning label is repeated on a continuation).
  void draw_cell(const doc::TableCell& c, const TextBlock& text, const std::vector<double>& row_y, int first, int last, double x0, const TableLayout& t);

  void draw_grid(const TableLayout& t, double x0, const std::vector<double>& header_y, const std::vector<double>& body_y, int first, int last, const std::vector<size_t>& cells);

  // boxes.cc
  void place_case(const PreparedBlock& p);

  // figures.cc
  /// A figure where it is written, or (floating) at the next page top while the text after it goes on.
  void place_figure(const PreparedBlock& p);

  /// Draws F with its top at the cursor and its left edge at X0; moves the cursor below it.
  void draw_figure(const FigureLayout& f, double x0);

  /// Figures waiting for a new page: placed at its top, as many as fit.
  void place_floats();

  /// On a line grid, moves the cursor down to the next grid line.
  void snap_to_grid();

  // contents.cc
  std::vector<ContentsEntry> entries(doc::ContentsKind kind) const;

  /// The page number a target is printed on, from the previous pass.
  std::string printed_page(const std::string& id) const;

  void contents_list(doc::ContentsKind kind);

  /// Dotted leader from the end of the entry's last line to its page number,
  /// the numbers right-aligned in one column; dots on a common grid.
  void leader_and_number(const TextBlock& tb, size_t line, const std::string& target, double baseline);

  // cover.cc
  void cover();

  // notice.cc: a GB/T 9704 notice's head, close and foot
  bool notice() const { return spec_->document == DocumentKind::Notice; }
  double notice_char() const;
  TextBlock notice_line(const std::string& text, const TextStyle& style, double width) const;
  void prepare_notice();
  std::vector<const TextBlock*> notice_texts() const;
  /// Draws LINE of T with its line box's top at TOP (cursor) and its left edge at X, in COLOR if given.
  void draw_at(const TextBlock& t, size_t line, double x, double top, const Color* color = nullptr);
  /// A title in the notice's title style: centred, balanced, broken between words.
  TextBlock notice_title(const std::string& text, const Span& span) const;
  void notice_head();
  /// 附件说明, signature, date, seal and 附注, after the body (and before any 附件).
  void notice_close();
  /// A 附件's first page: "附件N" top left, its title on the third line.
  void notice_attachment(const doc::Block& heading);
  void notice_foot();
  NoticeParts notice_;

  // flow.cc
  /// Full pages end on the same baseline: a page that ended because the next
  /// thing did not fit is brought to the body text's grid bottom (as many
  /// body lines as the type area holds) by stretching its vertical spaces, up
  /// to three body lines, or shrinking them by up to half (TeX's \flushbottom).
  void justify_vertically(size_t index);

  // furniture.cc
  /// Running header (title and a rule) and the page number; none on the cover.
  void decorate(Page& page);

 public:
  void set_previous_pages(std::map<std::string, std::string> m) { previous_pages_ = std::move(m); }
  /// The block being placed when the page limit is reached (for the error).
  Span placing;

 private:
  const doc::Document& doc_;
  /// The page geometry in force: portrait_, or landscape_ on the pages of a landscape table.
  const LayoutSpec* spec_;
  const LayoutSpec& portrait_;
  const LayoutSpec landscape_;
  const fonts::FontSet& fonts_;
  DiagnosticSink& sink_;
  DiagnosticSink* pass_sink_ = nullptr;
  std::vector<PreparedBlock> prepared_;
  double helper_cpu_ms_ = 0;  ///< what the second thread of prepare() took
  std::map<std::string, std::string> previous_pages_;  ///< id → printed page, from the last pass

  Pages pages_;
  std::vector<bool> full_;                 ///< per page: ended because the next thing did not fit
  std::vector<double> bottoms_;            ///< per page: the cursor where its content ends
  struct Glue {
    double at = 0;    ///< cursor where the space starts
    double size = 0;  ///< its natural height, pt
  };
  std::vector<std::vector<Glue>> glue_;    ///< per page: stretchable spaces
  double cursor_ = 0;                      ///< pt used from the top of the type area
  bool page_open_ = false;
  bool inside_box_ = false;  ///< placing a case box's paragraphs
  NumberStyle style_ = NumberStyle::Arabic;
  int next_number_ = 1;
  std::vector<const PreparedBlock*> pending_;  ///< headings waiting for the block they keep with
  const PreparedBlock* next_ = nullptr;        ///< the block after the one being placed
  std::map<std::string, TextBlock> notes_;     ///< footnote label → its note, composed with a placeholder mark
  std::vector<std::vector<NotePart>> page_notes_;  ///< per page: its notes (or their parts), in order
  std::vector<NotePart> carried_notes_;        ///< the rest of notes too long for their page, for the next
  double note_height_ = 0;                     ///< pt the current page's notes take at its foot
  std::map<std::string, int> mark_numbers_;    ///< footnote label → its printed number
  int mark_counter_ = 0;                       ///< marks numbered so far on this page (or chapter, or document)
  DecorationStyle decoration_style_;
  std::vector<const PreparedBlock*> floats_;   ///< figures moved to the next page top
};

}  // namespace paiban::layout
