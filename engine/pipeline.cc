// report folder → PDF. Reads like a table of contents: one call per stage.
#include "pipeline.h"
#include "pipeline_internal.h"

#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <atomic>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <system_error>
#include <thread>

#include <fmt/ranges.h>

#include <fmt/format.h>

#include "base/confine.h"
#include "base/cpu_time.h"
#include "base/memory_limit.h"
#include "base/side_task.h"
#include "base/threads.h"
#include "base/text_file.h"
#include "data/data.h"
#include "doc/document.h"
#include "layout/layout_spec.h"
#include "layout/paginate.h"
#include "pdf/writer.h"
#include "source/parse.h"
#include "text/shape.h"

#ifndef PAIBAN_SOURCE_DIR
#define PAIBAN_SOURCE_DIR "."
#endif

namespace paiban {
namespace fs = std::filesystem;

std::string resource_root() {
  if (const char* home = std::getenv("PAIBAN_HOME"); home && *home) return home;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec)
    for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path())
      if (fs::exists(dir / "layouts" / "report.yaml") && fs::exists(dir / "fonts" / "fonts.yaml"))
        return dir.string();
  return PAIBAN_SOURCE_DIR;
}

/// The folder's own name, also when it is given as "." or "..".
std::string folder_name(const std::string& dir) {
  std::error_code ec;
  fs::path path = fs::absolute(dir, ec).lexically_normal();
  if (path.filename().empty()) path = path.parent_path();
  std::string name = path.filename().string();
  return name.empty() || name == "." || name == ".." ? "report" : name;
}

std::string default_output_path(const std::string& report_dir) {
  return (fs::path("output") / (folder_name(report_dir) + ".pdf")).string();
}

namespace {

std::string layout_path(const std::string& root, const std::string& name) {
  if (name.find('/') != std::string::npos || name.ends_with(".yaml")) return name;
  return (fs::path(root) / "layouts" / (name + ".yaml")).string();
}

std::vector<std::string> installed_layouts(const std::string& root) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(root) / "layouts", ec))
    if (e.path().extension() == ".yaml") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

/// The layout file a report's front matter names: a file of the report
/// folder (`look.yaml`, `layouts/look.yaml`) or an installed layout by name
/// (`gbt9704`), never anything else; reported at the front matter.
std::optional<std::string> front_matter_layout(const std::string& root, const std::string& report_dir,
                                               const std::string& name, const Span& span, DiagnosticSink& sink) {
  std::string installed = fmt::format("installed layouts: {}", fmt::join(installed_layouts(root), ", "));
  fs::path normal = fs::path(name).lexically_normal();
  if (normal.is_absolute() || normal.empty() || *normal.begin() == "..") {
    sink.error(span, fmt::format("layout \"{}\" is outside the report folder", name),
               {"name an installed layout, or a layout file inside the report folder, e.g. layout: look.yaml", installed});
    return std::nullopt;
  }
  std::vector<fs::path> candidates;
  if (name.find('/') != std::string::npos || name.ends_with(".yaml")) candidates.push_back(fs::path(report_dir) / normal);
  if (name.find('/') == std::string::npos)
    candidates.push_back(fs::path(root) / "layouts" / (name.ends_with(".yaml") ? name : name + ".yaml"));
  std::error_code ec;
  for (const auto& candidate : candidates) {
    if (!fs::exists(fs::symlink_status(candidate, ec))) continue;
    ConfinedPath c = confine_path(candidate.string(), {report_dir, (fs::path(root) / "layouts").string()},
                                  PathKind::File, "layout");
    if (!c.ok()) {
      sink.error(span, c.error, c.hint.empty() ? std::vector<std::string>{} : std::vector{c.hint});
      return std::nullopt;
    }
    return candidate.string();
  }
  sink.error(span, fmt::format("there is no layout \"{}\"", name),
             {fmt::format("a layout file is looked for in the report folder ({}), an installed layout by its name", report_dir),
              installed});
  return std::nullopt;
}

/// Every role the layout names exists; a role whose fonts only stand in
/// for a style (a free 楷 for 仿宋) is a warning that names the substitution.
void check_roles(const layout::LayoutSpec& spec, const fonts::FontSet& fonts, DiagnosticSink& sink) {
  for (const auto& name : layout::roles_used(spec)) {
    const fonts::Role* role = fonts.role(name);
    if (!role) {
      auto at = spec.role_spans.find(name);
      sink.error(at != spec.role_spans.end() ? at->second : Span{spec.path, 0, 0},
                 fmt::format("the layout uses font role \"{}\", which fonts.yaml does not define", name),
                 {fmt::format("roles defined: {}", fmt::join(fonts.role_names(), ", "))});
      continue;
    }
    if (!role->substitute_for.empty() && !role->cjk.empty())
      sink.warning(role->span,
                   fmt::format("font role \"{}\" sets {} with {}, a substitute", name, role->substitute_for,
                               fonts.face(role->cjk.front()).family),
                   {fmt::format("drop a licensed {} font into fonts/ and name it first in the role's cjk chain",
                                role->substitute_for)});
  }
}

}  // namespace

/// source → syntax tree; layout file; fonts. Nullopt after an error.
std::optional<Inputs> read_inputs(const BuildOptions& options, DiagnosticSink& sink, bool load_fonts,
                                  bool load_data) {
  std::string root = options.root.empty() ? resource_root() : options.root;
  std::string source_path = (fs::path(options.report_dir) / "report.md").string();
  if (!fs::is_directory(options.report_dir)) {
    sink.error({options.report_dir, 0, 0}, "not a report folder",
               {"give the folder that holds report.md, e.g. data/liangzhou-2023"});
    return std::nullopt;
  }
  auto file = read_text_file(source_path, sink);
  if (!file) return std::nullopt;
  // 1. source: front matter + Markdown → syntax tree
  auto tree = source::parse_source(*file, sink);
  if (!tree || sink.has_errors()) return std::nullopt;

  // 2. layout file: the command line wins over the front matter
  //    (--layout is the user's own choice and may be any regular file; the
  //    front matter's is confined to the report and the installed layouts)
  std::string layout_file;
  if (!options.layout.empty()) {
    layout_file = layout_path(root, options.layout);
  } else if (!tree->front.layout.empty()) {
    auto found = front_matter_layout(root, options.report_dir, tree->front.layout, tree->front.layout_span, sink);
    if (!found) return std::nullopt;
    layout_file = *found;
  } else {
    layout_file = layout_path(root, "report");
  }
  auto spec = layout::load_layout(layout_file, sink);
  if (!spec) return std::nullopt;
  // The document kind: the front matter's, else the layout's.
  if (tree->front.document == "notice") spec->document = layout::DocumentKind::Notice;
  else if (tree->front.document == "report") spec->document = layout::DocumentKind::Report;
  if (spec->document == layout::DocumentKind::Notice) {
    // 成文日期 and 印发日期 in Arabic numerals, without leading zeros (GB/T 9704-2012 7.3.5, 7.4.3).
    static const std::regex arabic("^[0-9]{4}年([1-9]|1[0-2])月([1-9]|[12][0-9]|3[01])日$");
    for (auto [key, value] : {std::pair{"date", &tree->front.date}, {"printed-date", &tree->front.printed_date}}) {
      if (value->empty() || value->find("{{") != std::string::npos || std::regex_match(*value, arabic)) continue;
      auto at = tree->front.spans.find(key);
      sink.error(at != tree->front.spans.end() ? at->second : tree->front.span,
                 fmt::format("front matter: {} \"{}\" is not a date in Arabic numerals", key, *value),
                 {"a notice dates itself 2024年3月5日: Arabic numerals, no leading zeros (GB/T 9704-2012 7.3.5)"});
    }
    if (sink.has_errors()) return std::nullopt;
  }
  if (spec->document == layout::DocumentKind::Report) {
    // A notice's keys in a report print nowhere: say so once, at the first.
    for (const char* key : {"issuer-mark", "doc-number", "copy-number", "secrecy", "urgency", "signer", "to",
                            "signature", "seal", "remark", "cc", "printed-by", "printed-date", "attachments"})
      if (auto at = tree->front.spans.find(key); at != tree->front.spans.end()) {
        sink.warning(at->second, fmt::format("front matter: \"{}\" is printed only in a notice", key),
                     {"add `document: notice` to the front matter (a GB/T 9704 公文 with its 版头 and 版记, no cover)"});
        break;
      }
    for (const auto& b : tree->blocks)
      if (b.kind == source::BlockKind::Heading && b.attachment) {
        sink.warning(b.span, "{.attachment} starts a 附件 only in a notice: here it is an unnumbered heading",
                     {"add `document: notice` to the front matter, or remove {.attachment}"});
        break;
      }
  }

  // 3. data: YAML and CSV files named by the front matter
  data::DataSet data_set;
  data_set.root.kind = data::Value::Kind::Record;
  data_set.root.record = std::make_shared<data::Record>();
  // Data files stay inside the report folder (hostile input: no reading of
  // files elsewhere); reported at their place in the front matter.
  for (size_t i = 0; i < tree->front.data.size(); ++i) {
    fs::path p = fs::path(tree->front.data[i]).lexically_normal();
    if (p.is_absolute() || p.empty() || *p.begin() == "..") {
      sink.error(tree->front.data_spans[i], fmt::format("data file \"{}\" is outside the report folder", tree->front.data[i]),
                 {"data files are named relative to the report folder, e.g. data.yaml or tables/majors.csv"});
      continue;
    }
    // What the name resolves to (a symlink), and what kind of file it is.
    std::string joined = (fs::path(options.report_dir) / p).string();
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(joined, ec))) {
      sink.error(tree->front.data_spans[i], fmt::format("there is no data file \"{}\"", joined),
                 {"data files are named relative to the report folder, e.g. data.yaml or tables/majors.csv"});
      continue;
    }
    ConfinedPath c = confine_path(joined, {options.report_dir}, PathKind::File, "data file");
    if (!c.ok()) sink.error(tree->front.data_spans[i], c.error, c.hint.empty() ? std::vector<std::string>{} : std::vector{c.hint});
  }
  if (sink.has_errors()) return std::nullopt;
  // 3 and 4 side by side: the fonts (every role resolved to installed faces)
  // load on a thread of their own while the data loads; their diagnostics
  // follow the data's, as when one came after the other.
  std::unique_ptr<fonts::FontSet> font_set;
  DiagnosticSink font_sink;
  const std::vector<std::string> roles = layout::roles_used(*spec);
  // On fontconfig's own thread when the process has one (it answers the font queries),
  // else on a thread of its own.
  std::optional<SideTask> font_task;
  std::future<void> fonts_loaded;
  struct WaitForFonts {  // (an early return waits for it: it fills font_set and font_sink)
    std::future<void>& loaded;
    ~WaitForFonts() {
      if (loaded.valid()) loaded.wait();
    }
  } wait_for_fonts{fonts_loaded};
  if (load_fonts) {
    auto load = [&] { font_set = fonts::load_font_set((fs::path(root) / "fonts").string(), font_sink, roles); };
    auto task = std::make_shared<std::packaged_task<void()>>(load);
    fonts_loaded = task->get_future();
    if (!fonts::post_to_fontconfig_thread([task] { (*task)(); })) {
      fonts_loaded = {};
      font_task.emplace(load);
    }
  }
  if (load_data && !tree->front.data.empty()) {
    auto loaded = data::load_data_set(options.report_dir, tree->front.data, sink);
    if (!loaded || sink.has_errors()) return std::nullopt;
    data_set = std::move(*loaded);
  }
  Inputs inputs{std::move(*tree), std::move(*spec), std::move(data_set), nullptr};
  if (load_fonts) {
    if (fonts_loaded.valid()) fonts_loaded.get();
    else font_task->join();
    for (const auto& d : font_sink.all()) sink.add(d);
    inputs.owned_fonts = std::move(font_set);
    if (!inputs.owned_fonts || sink.has_errors()) return std::nullopt;
    check_roles(inputs.layout, *inputs.owned_fonts, sink);
  }
  return inputs;
}



/// What the document stage takes from the layout and the report folder.
doc::DocumentSettings document_settings(const layout::LayoutSpec& layout, const std::string& report_dir) {
  doc::DocumentSettings s;
  s.table_numbering = layout.table.numbering;
  s.figure_numbering = layout.figure.numbering;
  s.figure_label = layout.figure.label;
  s.report_dir = report_dir;
  s.heading_levels = static_cast<int>(layout.headings.size());
  s.labels = layout.labels;
  return s;
}

/// Stages 5–8 for a parsed source and its data: document, checks, pages, PDF.
BuildResult render(const source::SyntaxTree& tree, const data::DataSet& data, const layout::LayoutSpec& layout,
                   const fonts::FontSet& fonts, const BuildOptions& options, DiagnosticSink& sink, StageTimer& timer,
                   pdf::SubsetCache* subset_cache) {
  BuildResult result;
  // 5. doc: data bound, headings, tables and cases numbered, references resolved
  doc::Document document = doc::build_document(tree, data, sink, document_settings(layout, options.report_dir));
  if (sink.has_errors()) return result;
  // 6. data checks: reported as warnings (errors with --strict)
  data::run_checks(data, sink);
  timer.mark("document, checks");
  // 7. text, compose, layout: shape each paragraph, break it into lines, place lines on pages;
  //    the fonts are subset on other threads as soon as every glyph is known
  std::future<pdf::PreparedFonts> subsets;
  layout::Pages pages = layout::paginate(document, layout, fonts, sink, [&](const layout::GlyphSets& glyphs) {
    auto subset = [glyphs, &fonts, subset_cache] { return pdf::subset_fonts(glyphs, fonts, subset_cache); };
    try {
      subsets = std::async(helper_threads_allowed() ? std::launch::async : std::launch::deferred, subset);
    } catch (const std::system_error&) {  // no thread to be had (near a memory limit): subset when asked
      subsets = std::async(std::launch::deferred, subset);
    }
  });
  if (sink.has_errors()) return result;
  auto [layout_cpu, paginate_stage_cpu] = timer.mark("shape, compose, paginate");
  // 8. pdf: write the objects (the page contents while the subsets are still
  //    being made), embed the subsets
  result.page_count = static_cast<int>(pages.pages.size());
  pdf::DocumentInfo info;
  info.title = document.meta.title;
  info.author = document.meta.issuer;
  info.creator = fmt::format("paiban {}", kVersion);
  info.subject = document.meta.subject;
  info.keywords = document.meta.keywords;
  info.creation_time = options.creation_time;
  info.pdfa = options.pdfa;
  std::optional<pdf::PreparedFonts> prepared;
  result.pdf = pdf::write_pdf(pages, fonts, info, sink, [&]() -> const pdf::PreparedFonts* {
    if (subsets.valid()) prepared = subsets.get();
    return prepared ? &*prepared : nullptr;
  });
  throw_if_memory_exhausted();  // (a library's allocation was served past the limit: no PDF)
  auto [serialise_thread_cpu, serialise_cpu] = timer.mark("pdf: subset, write");
  (void)serialise_thread_cpu;
  // (Shaping and layout: this thread's, and the helper's that prepared blocks beside it; the
  // rest of the stage's CPU is the fonts' subsets made meanwhile.)
  const double shaping_cpu = layout_cpu + pages.helper_cpu_ms;
  if (timer.on())
    std::fprintf(stderr, "paiban: CPU: shaping and layout %.2f ms, writing (subsetting and serialising) %.2f ms\n",
                 shaping_cpu, paginate_stage_cpu - shaping_cpu + serialise_cpu);
  return result;
}


BuildResult build_report(const BuildOptions& options, DiagnosticSink& sink, const fonts::FontSet* shared_fonts,
                         BuildCaches* caches) {
  StageTimer timer;
  if (caches && caches->fonts) shared_fonts = caches->fonts.get();
  YamlTextCache::Scope yaml(caches ? &caches->yaml : nullptr);
  source::ParseCache::Scope source_parse(caches ? &caches->source : nullptr);
  pdf::PageStreamCache::Scope page_streams(caches ? &caches->page_streams : nullptr);
  auto inputs = read_inputs(options, sink, shared_fonts == nullptr);
  BuildResult result;
  if (inputs) {
    if (caches && !caches->fonts && inputs->owned_fonts) caches->fonts = std::move(inputs->owned_fonts);
    const fonts::FontSet& fonts = shared_fonts ? *shared_fonts : caches && caches->fonts ? *caches->fonts : *inputs->owned_fonts;
    timer.mark("source, data, layout, fonts");
    // A build keeps what it shaped and composed for its later page passes (a
    // running header, a contents entry), and paiban watch for its next build.
    BuildCaches own;
    BuildCaches& kept = caches ? *caches : own;
    text::ShapeCache::Scope shapes(&kept.shapes);
    compose::ComposeCache::Scope composes(&kept.composes);
    result = render(inputs->tree, inputs->data, inputs->layout, fonts, options, sink, timer,
                    caches ? &caches->subsets : nullptr);
    if (timer.on())
      std::fprintf(stderr,
                   "paiban: kept: %zu paragraphs shaped (%zu reused), %zu composed (%zu reused), "
                   "%zu YAML texts reused, %zu source parses reused, %zu page streams reused\n",
                   kept.shapes.size(), kept.shapes.hits(), kept.composes.size(), kept.composes.hits(), kept.yaml.hits(),
                   kept.source.hits(), kept.page_streams.hits());
  }
  result.output_path = options.output.empty() ? default_output_path(options.report_dir) : options.output;
  return result;
}

BuildResult write_report(const BuildOptions& options, DiagnosticSink& sink, BuildCaches* caches) {
  BuildResult result = build_report(options, sink, nullptr, caches);
  if (!result.pdf || sink.has_errors()) {
    result.pdf.reset();
    return result;
  }
  fs::path out(result.output_path);
  std::error_code ec;
  if (out.has_parent_path()) fs::create_directories(out.parent_path(), ec);
  if (std::string err = write_file_atomically(result.output_path, *result.pdf); !err.empty()) {
    sink.error({result.output_path, 0, 0}, err);
    result.pdf.reset();
  }
  return result;
}

void check_report(const BuildOptions& options, DiagnosticSink& sink) {
  auto inputs = read_inputs(options, sink, true);
  if (!inputs) return;
  doc::Document document = doc::build_document(inputs->tree, inputs->data, sink, document_settings(inputs->layout, options.report_dir));
  (void)document;
  data::run_checks(inputs->data, sink);
}


std::vector<MissingGlyphs> font_coverage(const BuildOptions& options, DiagnosticSink& sink) {
  std::vector<MissingGlyphs> out;
  auto inputs = read_inputs(options, sink, true);
  // (An error here may be a role the layout uses and fonts.yaml lacks.)
  if (!inputs || sink.has_errors()) return out;
  doc::Document document = doc::build_document(inputs->tree, inputs->data, sink, document_settings(inputs->layout, options.report_dir));
  const layout::LayoutSpec& spec = inputs->layout;
  // Which role sets which text.
  std::map<std::string, std::string> text_of;
  auto add = [&](const std::string& role, const std::string& text) { text_of[role] += text; };
  auto add_runs = [&](const std::vector<doc::InlineRun>& runs, const std::string& role) {
    for (const auto& r : runs) {
      std::string rl = source::has(r.style, source::InlineStyle::Strong)     ? spec.strong_role
                       : source::has(r.style, source::InlineStyle::Emphasis) ? spec.emphasis_role
                                                                             : role;
      add(rl, r.text);
    }
  };
  add(spec.cover.title.role, document.meta.title);
  add(spec.header.role, document.meta.title);
  add(spec.cover.line.role, document.meta.issuer + document.meta.date);
  add(spec.footer.role, "0123456789IVXLC" + spec.footer_format);
  if (spec.document == layout::DocumentKind::Notice) {
    const doc::Notice& n = document.meta.notice;
    const layout::NoticeStyle& ns = spec.notice;
    add(ns.head.role, n.copy_number + n.secrecy + n.urgency);
    add(ns.mark.role, n.issuer_mark);
    add(ns.number.role, n.doc_number + "签发人：");
    add(ns.signer.role, n.signer);
    add(ns.title.role, document.meta.title);
    std::string body = n.to + "：附件：0123456789." + n.signature + document.meta.date + "（）" + n.remark;
    for (const auto& a : n.attachments) body += a;
    add(spec.body.role, body);
    std::string foot = "抄送：，。印发" + n.printed_by + n.printed_date;
    for (const auto& c : n.cc) foot += c;
    add(ns.foot.role, foot);
  }
  for (const auto& b : document.blocks) {
    switch (b.kind) {
      case doc::BlockKind::Heading: {
        const auto& h = spec.headings[std::clamp(b.level, 1, 4) - 1];
        add_runs(b.runs, h.text.role);
        add(h.text.role, layout::heading_number(b.counters, spec.heading_numbering));
        add(spec.contents.entry.role, doc::plain_text(b.runs));
        break;
      }
      case doc::BlockKind::Paragraph: add_runs(b.runs, spec.body.role); break;
      case doc::BlockKind::Table:
        for (const auto& c : b.table->header) add(spec.table.header.role, c.text);
        for (const auto& c : b.table->body) add(spec.table.text.role, c.text);
        add(spec.table.caption.role, b.table->label + b.table->caption + b.table->unit + "续（单位：）");
        add(spec.contents.entry.role, b.table->label + b.table->caption);
        break;
      case doc::BlockKind::Case:
        add(spec.case_box.title.role, spec.labels.case_open + spec.labels.case_close + spec.labels.continued + spec.labels.case_label + b.case_box->title);
        for (const auto& p : b.case_box->blocks) {
          add_runs(p.runs, spec.body.role);
          if (p.figure) add(spec.figure.caption.role, p.figure->label + p.figure->caption);
          if (p.figure)
            for (const auto& panel : p.figure->panels) add(spec.figure.subcaption.role, spec.figure.sub_label + "abc" + panel.caption);
        }
        break;
      case doc::BlockKind::Contents:
        add(spec.contents.title.role, spec.labels.toc + spec.labels.tables + spec.labels.cases);
        break;
      case doc::BlockKind::Figure: {
        const doc::Figure& f = *b.figure;
        add(spec.figure.caption.role, f.label + f.caption);
        add(spec.contents.entry.role, f.label + f.caption);
        add(spec.contents.title.role, spec.labels.figures);
        for (const auto& p : f.panels) add(spec.figure.subcaption.role, spec.figure.sub_label + "abc" + p.caption);
        if (f.chart) {
          std::string t = spec.figure.unit + f.chart->unit + "（）0123456789.%-";
          for (const auto& c : f.chart->categories) t += c;
          for (const auto& s : f.chart->series) t += s.label;
          add(spec.figure.chart.role, t);
        }
        break;
      }
      default:
        break;
    }
  }
  const fonts::FontSet& fonts = *inputs->owned_fonts;
  for (const auto& [role_name, text] : text_of) {
    const fonts::Role* role = fonts.role(role_name);
    if (!role) continue;
    MissingGlyphs m{role_name, {}};
    std::set<char32_t> seen;
    for (size_t i = 0; i < text.size();) {
      char32_t cp = next_code_point(text, i);
      if (cp < 0x20 || cp == ' ' || !seen.insert(cp).second) continue;
      bool found = false;
      for (const auto* chain : {&role->cjk, &role->latin})
        for (fonts::FaceId id : *chain) found = found || fonts.face(id).glyph_for(cp) != 0;
      if (!found) m.code_points.push_back(cp);
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace paiban
