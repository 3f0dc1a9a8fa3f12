#include "layout/layout_spec.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>

#include <fmt/format.h>

#include "base/yaml_parse.h"
#include "base/text_file.h"
#include "base/yaml_span.h"

namespace paiban::layout {

std::optional<double> parse_length(const std::string& text) {
  // Chinese type sizes (号): GB/T 9704 and every bureau's style sheet use them.
  static const std::pair<const char*, double> hao[] = {
      {"初号", 42},  {"小初", 36}, {"一号", 26}, {"小一", 24}, {"二号", 22}, {"小二", 18},
      {"三号", 16},  {"小三", 15}, {"四号", 14}, {"小四", 12}, {"五号", 10.5}, {"小五", 9},
      {"六号", 7.5}, {"小六", 6.5}, {"七号", 5.5}, {"八号", 5}};
  for (const auto& [name, pt] : hao)
    if (text == name) return pt;
  double value = 0;
  const char* begin = text.data();
  const char* end = begin + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr == begin) return std::nullopt;
  std::string unit(ptr, end);
  if (unit == "pt") return value;
  if (unit == "mm") return value * 72.0 / 25.4;
  if (unit == "cm") return value * 72.0 / 2.54;
  if (unit == "in") return value * 72.0;
  return std::nullopt;
}

std::string heading_number(const std::vector<int>& counters, HeadingNumbering scheme) {
  if (counters.empty()) return {};
  if (scheme == HeadingNumbering::Decimal) {
    std::string n;
    for (size_t i = 0; i < counters.size(); ++i) n += fmt::format("{}{}", i ? "." : "", counters[i]);
    return counters.size() == 1 ? n + "." : n;
  }
  static const char* const digits[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
  auto chinese = [](int v) {
    if (v <= 0 || v >= 100) return std::to_string(v);
    std::string s;
    if (v >= 10) s += std::string(v >= 20 ? digits[v / 10] : "") + "十";
    return s + digits[v % 10];
  };
  int v = counters.back();
  switch (counters.size()) {
    case 1: return chinese(v) + "、";
    case 2: return "（" + chinese(v) + "）";
    case 3: return std::to_string(v) + ".";
    default: return "（" + std::to_string(v) + "）";
  }
}

std::vector<std::string> roles_used(const LayoutSpec& spec) {
  std::vector<std::string> roles = {spec.body.role, spec.strong_role, spec.emphasis_role, spec.title.role,
                                    spec.header.role, spec.footer.role, spec.table.text.role, spec.table.header.role,
                                    spec.table.caption.role, spec.case_box.title.role, spec.contents.title.role,
                                    spec.contents.entry.role, spec.cover.title.role, spec.cover.line.role,
                                    spec.quote.text.role, spec.footnotes.text.role,
                                    spec.figure.caption.role, spec.figure.subcaption.role, spec.figure.chart.role};
  for (const auto& h : spec.headings) roles.push_back(h.text.role);
  if (spec.document == DocumentKind::Notice)
    for (const auto* t : {&spec.notice.mark, &spec.notice.head, &spec.notice.number, &spec.notice.signer,
                          &spec.notice.title, &spec.notice.foot})
      if (!t->role.empty()) roles.push_back(t->role);
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  return roles;
}

namespace {

/// The values a layout number may take: finite, within [min, max] (or above
/// min when MIN_EXCLUSIVE).
struct Range {
  double min, max;
  bool min_exclusive;
  const char* what;
  bool holds(double v) const { return std::isfinite(v) && (min_exclusive ? v > min : v >= min) && v <= max; }
  std::string describe(const char* unit) const {
    return fmt::format("{} {}{} and at most {}{}", min_exclusive ? "is more than" : "is at least", min, unit, max, unit);
  }
};
constexpr double kTwoMetres = 2000 * 72.0 / 25.4;  // 5669.3 pt
constexpr Range kPageSize{0, kTwoMetres, true, "a page size"};
constexpr Range kSpace{0, kTwoMetres, false, "a length"};
constexpr Range kTypeSize{1, 500, false, "a type size"};
constexpr Range kLineHeight{0.5, 1000, false, "a line height"};
constexpr Range kEms{-50, 50, false, "a number of em"};
constexpr Range kPitch{0.5, 500, false, "a leader pitch"};
constexpr Range kFactor{0, 10000, false, "a factor"};

/// Walks a YAML map with a table of known keys; anything else is an error.
class MapReader {
 public:
  MapReader(const TextFile& file, DiagnosticSink& sink) : path_(file), sink_(sink) {}

  using Handler = std::function<void(const YAML::Node&)>;
  void read(const YAML::Node& map, const std::string& where, const std::map<std::string, Handler>& keys) {
    if (!map.IsMap()) {
      sink_.error(yaml_span(path_, map.Mark()), fmt::format("{}: expected key: value pairs", where));
      return;
    }
    for (const auto& item : map) {
      std::string key = item.first.Scalar();
      auto it = keys.find(key);
      if (it == keys.end()) {
        std::vector<std::string> names;
        for (const auto& [k, h] : keys) names.push_back(k);
        sink_.error(yaml_span(path_, item.first.Mark()), fmt::format("{}: unknown key \"{}\"", where, key),
                    {fmt::format("known keys: {}", fmt::join(names, ", "))});
        continue;
      }
      it->second(item.second);
    }
  }

  /// A length within RANGE (every length is bounded: a page of 1e20 mm, a
  /// type size of 0 or -12 pt, or NaN would reach the PDF as nonsense).
  Handler length(double& out, Range range = kSpace) {
    return [this, &out, range](const YAML::Node& n) {
      auto v = n.IsScalar() ? parse_length(n.Scalar()) : std::nullopt;
      if (!v) {
        sink_.error(yaml_span(path_, n.Mark()), fmt::format("expected a length, got \"{}\"", n.IsScalar() ? n.Scalar() : "…"),
                    {"write a number with a unit (12pt, 25mm, 1.5cm, 1in) or a 号 size (三号, 小四)"});
        return;
      }
      if (!range.holds(*v)) {
        sink_.error(yaml_span(path_, n.Mark()), fmt::format("{} \"{}\" is out of range", range.what, n.Scalar()),
                    {fmt::format("{} {}", range.what, range.describe("pt"))});
        return;
      }
      out = *v;
    };
  }
  Handler number(double& out, Range range = kEms) {
    return [this, &out, range](const YAML::Node& n) {
      double v = 0;
      const std::string s = n.IsScalar() ? n.Scalar() : "";
      auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
        sink_.error(yaml_span(path_, n.Mark()), fmt::format("expected a number, got \"{}\"", s));
        return;
      }
      if (!range.holds(v)) {
        sink_.error(yaml_span(path_, n.Mark()), fmt::format("{} \"{}\" is out of range", range.what, s),
                    {fmt::format("{} {}", range.what, range.describe(""))});
        return;
      }
      out = v;
    };
  }
  /// A font role's name, remembered with its place (fonts.yaml may lack it).
  Handler role(std::string& out) {
    return [this, &out](const YAML::Node& n) {
      text(out)(n);
      if (n.IsScalar() && roles_) roles_->emplace(n.Scalar(), yaml_span(path_, n.Mark()));
    };
  }
  void remember_roles(std::map<std::string, Span>* roles) { roles_ = roles; }
  Handler text(std::string& out) {
    return [this, &out](const YAML::Node& n) {
      if (!n.IsScalar()) {
        sink_.error(yaml_span(path_, n.Mark()), "expected a single value");
        return;
      }
      out = n.Scalar();
    };
  }
  Handler color(Color& out) {
    return [this, &out](const YAML::Node& n) {
      std::string t = n.IsScalar() ? n.Scalar() : "";
      unsigned v = 0;
      if (t.size() == 7 && t[0] == '#' && std::sscanf(t.c_str() + 1, "%6x", &v) == 1) {
        out = {((v >> 16) & 0xFF) / 255.0, ((v >> 8) & 0xFF) / 255.0, (v & 0xFF) / 255.0};
        return;
      }
      sink_.error(yaml_span(path_, n.Mark()), fmt::format("expected a colour, got \"{}\"", t), {"write #RRGGBB, e.g. #F2F2F2"});
    };
  }
  Handler whole(int& out, int max = 1000) {
    return [this, &out, max](const YAML::Node& n) {
      const std::string s = n.IsScalar() ? n.Scalar() : "";
      int v = -1;
      auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || v < 0 || v > max)
        sink_.error(yaml_span(path_, n.Mark()), fmt::format("expected a whole number from 0 to {}, got \"{}\"", max, s));
      else out = v;
    };
  }
  Handler flag(bool& out) {
    return [this, &out](const YAML::Node& n) {
      std::string t = n.IsScalar() ? n.Scalar() : "";
      if (t == "true" || t == "yes") out = true;
      else if (t == "false" || t == "no") out = false;
      else sink_.error(yaml_span(path_, n.Mark()), fmt::format("expected true or false, got \"{}\"", t));
    };
  }
  Handler style(TextStyle& s, const std::string& where) {
    return [this, &s, where](const YAML::Node& n) {
      read(n, where, {{"role", role(s.role)}, {"size", length(s.size, kTypeSize)},
                      {"line-height", length(s.line_height, kLineHeight)}});
    };
  }

 private:
  const TextFile& path_;  ///< the layout file (spans in code points)
  DiagnosticSink& sink_;
  std::map<std::string, Span>* roles_ = nullptr;
};

}  // namespace

std::optional<LayoutSpec> load_layout(const std::string& path, DiagnosticSink& sink) {
  auto file = read_text_file(path, sink);
  if (!file) return std::nullopt;
  YAML::Node root;
  try {
    root = parse_yaml_text(file->text());
  } catch (const YAML::Exception& e) {
    sink.error(yaml_span(*file, e.mark), e.msg);
    return std::nullopt;
  }
  int errors_before = sink.error_count();
  LayoutSpec spec;
  spec.path = path;
  MapReader r(*file, sink);
  r.remember_roles(&spec.role_spans);
  auto heading = [&](int level) {
    HeadingStyle& h = spec.headings[level - 1];
    return [&r, &h, level](const YAML::Node& n) {
      std::string where = fmt::format("headings.{}", level);
      r.read(n, where, {{"role", r.role(h.text.role)}, {"size", r.length(h.text.size, kTypeSize)},
                        {"line-height", r.length(h.text.line_height, kLineHeight)}, {"indent", r.number(h.indent_em)},
                        {"space-before", r.length(h.space_before)}, {"space-after", r.length(h.space_after)}});
    };
  };
  r.read(root, "layout", {
    {"page", [&](const YAML::Node& n) {
      r.read(n, "page", {{"width", r.length(spec.page_width, kPageSize)}, {"height", r.length(spec.page_height, kPageSize)},
                         {"margin-top", r.length(spec.margin_top)}, {"margin-bottom", r.length(spec.margin_bottom)},
                         {"margin-left", r.length(spec.margin_left)}, {"margin-right", r.length(spec.margin_right)}});
    }},
    {"body", [&](const YAML::Node& n) {
      r.read(n, "body", {{"role", r.role(spec.body.role)}, {"size", r.length(spec.body.size, kTypeSize)},
                         {"line-height", r.length(spec.body.line_height, kLineHeight)},
                         {"indent", r.number(spec.paragraph_indent_em)},
                         {"paragraph-space", r.length(spec.paragraph_space)},
                         {"list-indent", r.number(spec.list_indent_em)},
                         {"strong-role", r.role(spec.strong_role)},
                         {"emphasis-role", r.role(spec.emphasis_role)}});
    }},
    {"title", r.style(spec.title, "title")},
    {"composition", [&](const YAML::Node& n) {
      r.read(n, "composition", {
        {"punctuation", [&](const YAML::Node& v) {
          if (!v.IsScalar() || !compose::parse_punctuation_scheme(v.Scalar(), spec.compose.punctuation))
            sink.error(yaml_span(*file, v.Mark()), fmt::format("unknown punctuation scheme \"{}\"", v.IsScalar() ? v.Scalar() : "…"),
                       {"use quanjiao, kaiming or banjiao"});
        }},
        {"line-breaking", [&](const YAML::Node& v) {
          std::string name = v.IsScalar() ? v.Scalar() : "";
          if (name == "optimal") spec.compose.strategy = compose::BreakStrategy::Optimal;
          else if (name == "first-fit") spec.compose.strategy = compose::BreakStrategy::FirstFit;
          else sink.error(yaml_span(*file, v.Mark()), fmt::format("unknown line-breaking strategy \"{}\"", name),
                          {"use optimal or first-fit"});
        }},
        {"tolerance", r.number(spec.compose.tolerance, kFactor)},
        {"han-latin-gap", r.number(spec.compose.han_latin_gap, kFactor)},
        {"hyphenate", r.flag(spec.hyphenate)},
        {"grid", [&](const YAML::Node& v) {
          r.read(v, "composition.grid", {{"chars", r.whole(spec.grid_chars)}, {"lines", r.whole(spec.grid_lines)}});
        }},
      });
    }},
    {"headings", [&](const YAML::Node& n) {
      r.read(n, "headings", {{"1", heading(1)}, {"2", heading(2)}, {"3", heading(3)}, {"4", heading(4)},
                             {"numbering", [&](const YAML::Node& v) {
                               std::string name = v.IsScalar() ? v.Scalar() : "";
                               if (name == "decimal") spec.heading_numbering = HeadingNumbering::Decimal;
                               else if (name == "chinese") spec.heading_numbering = HeadingNumbering::Chinese;
                               else sink.error(yaml_span(*file, v.Mark()), fmt::format("unknown heading numbering \"{}\"", name),
                                               {"decimal (1. / 1.1 / 1.1.1) or chinese (一、 / （一） / 1. / （1）)"});
                             }}});
    }},
    {"tables", [&](const YAML::Node& n) {
      auto& t = spec.table;
      r.read(n, "tables", {{"text", r.style(t.text, "tables.text")}, {"header", r.style(t.header, "tables.header")},
                           {"caption", r.style(t.caption, "tables.caption")},
                           {"padding-x", r.length(t.padding_x)}, {"padding-y", r.length(t.padding_y)},
                           {"rule", r.length(t.rule)}, {"frame", r.length(t.frame)},
                           {"header-fill", r.color(t.header_fill)},
                           {"space-before", r.length(t.space_before)}, {"space-after", r.length(t.space_after)},
                           {"continued", r.text(spec.labels.table_continued)},
                           {"numbering", [&](const YAML::Node& v) {
                             std::string name = v.IsScalar() ? v.Scalar() : "";
                             if (name == "document") t.numbering = doc::TableNumbering::Document;
                             else if (name == "chapter") t.numbering = doc::TableNumbering::Chapter;
                             else sink.error(yaml_span(*file, v.Mark()), fmt::format("unknown table numbering \"{}\"", name),
                                             {"document (表1, 表2, …) or chapter (表1-1, 表1-2, …)"});
                           }}});
    }},
    {"cases", [&](const YAML::Node& n) {
      auto& c = spec.case_box;
      r.read(n, "cases", {{"title", r.style(c.title, "cases.title")}, {"fill", r.color(c.fill)},
                          {"frame", r.color(c.frame)}, {"frame-width", r.length(c.frame_width)},
                          {"padding", r.length(c.padding)}, {"radius", r.length(c.radius)},
                          {"space-before", r.length(c.space_before)}, {"space-after", r.length(c.space_after)},
                          {"label", r.text(spec.labels.case_label)}});
    }},
    {"contents", [&](const YAML::Node& n) {
      auto& c = spec.contents;
      r.read(n, "contents", {{"title", r.style(c.title, "contents.title")}, {"entry", r.style(c.entry, "contents.entry")},
                             {"levels", r.whole(c.levels, 4)}, {"indent", r.number(c.indent_em)},
                             {"leader-pitch", r.length(c.leader_pitch, kPitch)},
                             {"toc-title", r.text(spec.labels.toc)}, {"tables-title", r.text(spec.labels.tables)},
                             {"cases-title", r.text(spec.labels.cases)}, {"figures-title", r.text(spec.labels.figures)}});
    }},
    {"labels", [&](const YAML::Node& n) {
      auto& l = spec.labels;
      r.read(n, "labels", {{"table", r.text(l.table)}, {"table-continued", r.text(l.table_continued)},
                           {"case", r.text(l.case_label)}, {"case-open", r.text(l.case_open)},
                           {"case-close", r.text(l.case_close)}, {"continued", r.text(l.continued)},
                           {"total", r.text(l.total)}, {"unit", r.text(l.unit)}, {"bullet", r.text(l.bullet)},
                           {"cover", r.text(l.cover)}, {"toc", r.text(l.toc)}, {"tables", r.text(l.tables)},
                           {"cases", r.text(l.cases)}, {"figures", r.text(l.figures)}, {"case-entry", r.text(l.case_entry)},
                           {"appendix-table", r.text(l.appendix_table)},
                           {"appendix-table-continued", r.text(l.appendix_table_continued)},
                           {"appendix-tables", r.text(l.appendix_tables)}});
    }},
    {"quotes", [&](const YAML::Node& n) {
      r.read(n, "quotes", {{"role", r.text(spec.quote.text.role)}, {"size", r.length(spec.quote.text.size)},
                           {"line-height", r.length(spec.quote.text.line_height)},
                           {"indent", r.number(spec.quote.indent_em)}});
    }},
    {"rules", [&](const YAML::Node& n) {
      r.read(n, "rules", {{"width", r.length(spec.rule.width)}, {"length", r.number(spec.rule.length)},
                          {"space", r.length(spec.rule.space)}, {"color", r.color(spec.rule.color)}});
    }},
    {"links", [&](const YAML::Node& n) { r.read(n, "links", {{"color", r.color(spec.links.color)}}); }},
    {"footnotes", [&](const YAML::Node& n) {
      auto& f = spec.footnotes;
      r.read(n, "footnotes", {{"role", r.text(f.text.role)}, {"size", r.length(f.text.size)},
                              {"line-height", r.length(f.text.line_height)}, {"mark-size", r.number(f.mark_size)},
                              {"rule-length", r.number(f.rule_length)}, {"rule-width", r.length(f.rule_width)},
                              {"space", r.length(f.space)},
                              {"numbering", [&](const YAML::Node& v) {
                                std::string name = v.IsScalar() ? v.Scalar() : "";
                                if (name == "page") f.numbering = FootnoteNumbering::Page;
                                else if (name == "chapter") f.numbering = FootnoteNumbering::Chapter;
                                else if (name == "document") f.numbering = FootnoteNumbering::Document;
                                else sink.error(yaml_span(path, v.Mark()), fmt::format("unknown footnote numbering \"{}\"", name),
                                                {"page (①② restart on every page), chapter, or document"});
                              }},
                              {"marks", [&](const YAML::Node& v) {
                                std::string name = v.IsScalar() ? v.Scalar() : "";
                                if (name == "circled") f.marks = FootnoteMarks::Circled;
                                else if (name == "arabic") f.marks = FootnoteMarks::Arabic;
                                else sink.error(yaml_span(path, v.Mark()), fmt::format("unknown footnote marks \"{}\"", name),
                                                {"circled (①②③) or arabic (1 2 3)"});
                              }}});
    }},
    {"figures", [&](const YAML::Node& n) {
      auto& f = spec.figure;
      r.read(n, "figures", {{"caption", r.style(f.caption, "figures.caption")},
                            {"subcaption", r.style(f.subcaption, "figures.subcaption")},
                            {"chart-text", r.style(f.chart, "figures.chart-text")},
                            {"space-before", r.length(f.space_before)}, {"space-after", r.length(f.space_after)},
                            {"caption-gap", r.length(f.caption_gap)}, {"row-gap", r.length(f.row_gap)},
                            {"chart-height", r.length(f.chart_height)},
                            {"label", r.text(f.label)}, {"sub-label", r.text(f.sub_label)}, {"unit", r.text(f.unit)},
                            {"float", r.flag(f.floating)},
                            {"numbering", [&](const YAML::Node& v) {
                              std::string name = v.IsScalar() ? v.Scalar() : "";
                              if (name == "document") f.numbering = doc::TableNumbering::Document;
                              else if (name == "chapter") f.numbering = doc::TableNumbering::Chapter;
                              else sink.error(yaml_span(path, v.Mark()), fmt::format("unknown figure numbering \"{}\"", name),
                                              {"document (图1, 图2, …) or chapter (图1-1, 图1-2, …)"});
                            }},
                            {"palette", [&](const YAML::Node& v) {
                              if (!v.IsSequence() || v.size() == 0) {
                                sink.error(yaml_span(path, v.Mark()), "figures.palette is a list of colours",
                                           {"palette: [\"#1F3864\", \"#E6A23C\", \"#C0504D\"]"});
                                return;
                              }
                              f.palette.clear();
                              for (const auto& c : v) {
                                f.palette.emplace_back();
                                r.color(f.palette.back())(c);
                              }
                            }}});
    }},
    {"document", [&](const YAML::Node& v) {
      std::string name = v.IsScalar() ? v.Scalar() : "";
      if (name == "report") spec.document = DocumentKind::Report;
      else if (name == "notice") spec.document = DocumentKind::Notice;
      else sink.error(yaml_span(*file, v.Mark()), fmt::format("unknown document kind \"{}\"", name),
                      {"report (cover, contents, body) or notice (a GB/T 9704 公文: 版头, 主体, 版记)"});
    }},
    {"notice", [&](const YAML::Node& n) {
      auto& c = spec.notice;
      r.read(n, "notice", {{"mark", r.style(c.mark, "notice.mark")}, {"head", r.style(c.head, "notice.head")},
                           {"number", r.style(c.number, "notice.number")}, {"signer", r.style(c.signer, "notice.signer")},
                           {"title", r.style(c.title, "notice.title")}, {"foot", r.style(c.foot, "notice.foot")},
                           {"color", r.color(c.red)}, {"mark-top", r.length(c.mark_top)},
                           {"rule-gap", r.length(c.rule_gap)}, {"rule-width", r.length(c.rule_width)},
                           {"seal-size", r.length(c.seal_size, kPageSize)}, {"thick-rule", r.length(c.thick_rule)},
                           {"thin-rule", r.length(c.thin_rule)}});
    }},
    {"cover", [&](const YAML::Node& n) {
      r.read(n, "cover", {{"enabled", r.flag(spec.cover_page)}, {"title", r.style(spec.cover.title, "cover.title")},
                          {"line", r.style(spec.cover.line, "cover.line")}});
    }},
    {"header", [&](const YAML::Node& n) {
      r.read(n, "header", {{"role", r.role(spec.header.role)}, {"size", r.length(spec.header.size, kTypeSize)},
                           {"offset", r.length(spec.header_offset)}, {"enabled", r.flag(spec.header_enabled)}});
    }},
    {"footer", [&](const YAML::Node& n) {
      r.read(n, "footer", {{"role", r.role(spec.footer.role)}, {"size", r.length(spec.footer.size, kTypeSize)},
                           {"offset", r.length(spec.footer_offset)}, {"format", r.text(spec.footer_format)},
                           {"position", [&](const YAML::Node& v) {
                             std::string name = v.IsScalar() ? v.Scalar() : "";
                             if (name == "center") spec.footer_position = NumberPosition::Center;
                             else if (name == "outside") spec.footer_position = NumberPosition::Outside;
                             else sink.error(yaml_span(*file, v.Mark()), fmt::format("unknown page-number position \"{}\"", name),
                                             {"center, or outside (odd pages right, even pages left)"});
                           }}});
    }},
  });
  // Defaults that follow from other values.
  spec.compose.hyphenator = spec.hyphenate ? compose::english_hyphenator() : nullptr;
  if (spec.grid_lines > 0) spec.body.line_height = spec.type_height() / spec.grid_lines;
  if (spec.grid_chars > 0) spec.grid_pitch = spec.type_width() / spec.grid_chars;
  if (spec.body.line_height <= 0) spec.body.line_height = spec.body.size * 1.6;
  if (spec.strong_role.empty()) spec.strong_role = spec.body.role;
  if (spec.emphasis_role.empty()) spec.emphasis_role = spec.body.role;
  for (auto* s : {&spec.title, &spec.header, &spec.footer}) {
    if (s->role.empty()) s->role = spec.body.role;
    if (s->line_height <= 0) s->line_height = s->size * 1.4;
  }
  for (auto* s : {&spec.notice.mark, &spec.notice.head, &spec.notice.number, &spec.notice.signer, &spec.notice.title,
                  &spec.notice.foot}) {
    if (s->role.empty()) s->role = spec.body.role;
    if (s->line_height <= 0) s->line_height = spec.body.line_height;
  }
  if (spec.quote.text.size <= 0) spec.quote.text.size = spec.body.size;
  if (spec.quote.text.line_height <= 0) spec.quote.text.line_height = spec.body.line_height;
  if (spec.footnotes.text.role.empty()) spec.footnotes.text.role = spec.body.role;
  for (auto& h : spec.headings) {
    if (h.text.role.empty()) h.text.role = spec.body.role;
    if (h.text.line_height <= 0) h.text.line_height = h.text.size * 1.4;
  }
  if (spec.body.role.empty()) sink.error({path, 1, 1}, "body.role is missing", {"body:\n  role: song"});
  // Lines closer than half their type size overprint each other.
  auto check_leading = [&](const TextStyle& style, const char* where) {
    if (style.line_height > 0 && style.line_height < style.size * 0.5)
      sink.error({path, 1, 1},
                 fmt::format("{}: a line height of {:g} pt is less than half the type size ({:g} pt)", where,
                             style.line_height, style.size),
                 {"a line height is usually 1.2 to 2 times the type size"});
  };
  check_leading(spec.body, "body");
  check_leading(spec.title, "title");
  for (int level = 1; level <= 4; ++level)
    check_leading(spec.headings[level - 1].text, level == 1 ? "headings.1" : level == 2 ? "headings.2" : level == 3 ? "headings.3" : "headings.4");
  if (spec.type_width() <= spec.body.size * 4 || spec.type_height() <= spec.body.line_height * 4)
    sink.error({path, 1, 1}, fmt::format("the margins leave a type area of {:.1f} × {:.1f} pt, too small for text",
                                         spec.type_width(), spec.type_height()));
  if (sink.error_count() > errors_before) return std::nullopt;
  return spec;
}

}  // namespace paiban::layout
