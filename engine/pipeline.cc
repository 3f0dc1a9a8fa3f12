// report folder → PDF. Reads like a table of contents: one call per stage.
#include "pipeline.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>
#include <atomic>
#include <map>
#include <set>

#include <fmt/ranges.h>

#include <fmt/format.h>

#include "base/cpu_time.h"
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

std::string default_output_path(const std::string& report_dir) {
  fs::path dir = fs::path(report_dir).lexically_normal();
  if (dir.filename().empty()) dir = dir.parent_path();
  return (fs::path("output") / (dir.filename().string() + ".pdf")).string();
}

namespace {

struct Inputs {
  source::SyntaxTree tree;
  layout::LayoutSpec layout;
  data::DataSet data;
  std::unique_ptr<fonts::FontSet> owned_fonts;
};

std::string layout_path(const std::string& root, const std::string& name) {
  if (name.find('/') != std::string::npos || name.ends_with(".yaml")) return name;
  return (fs::path(root) / "layouts" / (name + ".yaml")).string();
}

/// Every role the layout names exists; a role whose fonts only stand in
/// for a style (a free 楷 for 仿宋) is a warning that names the substitution.
void check_roles(const layout::LayoutSpec& spec, const fonts::FontSet& fonts, DiagnosticSink& sink) {
  for (const auto& name : layout::roles_used(spec)) {
    const fonts::Role* role = fonts.role(name);
    if (!role) {
      sink.error({spec.path, 0, 0}, fmt::format("the layout uses font role \"{}\", which fonts.yaml does not define", name),
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

/// source → syntax tree; layout file; fonts. Nullopt after an error.
std::optional<Inputs> read_inputs(const BuildOptions& options, DiagnosticSink& sink, bool load_fonts,
                                  bool load_data = true) {
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
  std::string name = !options.layout.empty() ? options.layout
                     : !tree->front.layout.empty() ? tree->front.layout : "report";
  auto spec = layout::load_layout(layout_path(root, name), sink);
  if (!spec) return std::nullopt;

  // 3. data: YAML and CSV files named by the front matter
  data::DataSet data_set;
  data_set.root.kind = data::Value::Kind::Record;
  data_set.root.record = std::make_shared<data::Record>();
  // Data files stay inside the report folder (hostile input: no reading of
  // files elsewhere); reported at their place in the front matter.
  for (size_t i = 0; i < tree->front.data.size(); ++i) {
    fs::path p = fs::path(tree->front.data[i]).lexically_normal();
    if (p.is_absolute() || p.empty() || *p.begin() == "..")
      sink.error(tree->front.data_spans[i], fmt::format("data file \"{}\" is outside the report folder", tree->front.data[i]),
                 {"data files are named relative to the report folder, e.g. data.yaml or tables/majors.csv"});
  }
  if (sink.has_errors()) return std::nullopt;
  if (load_data && !tree->front.data.empty()) {
    auto loaded = data::load_data_set(options.report_dir, tree->front.data, sink);
    if (!loaded || sink.has_errors()) return std::nullopt;
    data_set = std::move(*loaded);
  }
  Inputs inputs{std::move(*tree), std::move(*spec), std::move(data_set), nullptr};
  // 4. fonts: every role resolved to installed faces
  if (load_fonts) {
    inputs.owned_fonts = fonts::load_font_set((fs::path(root) / "fonts").string(), sink, layout::roles_used(inputs.layout));
    if (!inputs.owned_fonts || sink.has_errors()) return std::nullopt;
    check_roles(inputs.layout, *inputs.owned_fonts, sink);
  }
  return inputs;
}

}  // namespace

/// PAIBAN_TIMINGS=1: each stage's wall time on stderr, with the CPU time of
/// this thread and of the whole process (fonts are subset on other threads
/// while pages are made, and page contents deflated in parallel), then the
/// CPU that shaping and layout took against what writing the PDF took (for
/// profiling; not a diagnostic).
class StageTimer {
 public:
  struct Sample {
    std::chrono::steady_clock::time_point wall;
    double thread_ms, process_ms;
  };
  StageTimer() : on_(std::getenv("PAIBAN_TIMINGS") != nullptr), last_(now()) {}
  /// Returns the CPU times the stage just ended took (this thread, process).
  std::pair<double, double> mark(const char* stage) {
    Sample n = now();
    double thread = n.thread_ms - last_.thread_ms, process = n.process_ms - last_.process_ms;
    if (on_)
      std::fprintf(stderr, "paiban: %-28s %7.2f ms (CPU %6.2f ms here, %6.2f ms in all threads)\n", stage,
                   std::chrono::duration<double, std::milli>(n.wall - last_.wall).count(), thread, process);
    last_ = n;
    return {thread, process};
  }
  bool on() const { return on_; }

 private:
  static Sample now() { return {std::chrono::steady_clock::now(), thread_cpu_ms(), process_cpu_ms()}; }
  bool on_;
  Sample last_;
};

/// What the document stage takes from the layout and the report folder.
static doc::DocumentSettings document_settings(const layout::LayoutSpec& layout, const std::string& report_dir) {
  doc::DocumentSettings s;
  s.table_numbering = layout.table.numbering;
  s.figure_numbering = layout.figure.numbering;
  s.figure_label = layout.figure.label;
  s.report_dir = report_dir;
  return s;
}

/// Stages 5–8 for a parsed source and its data: document, checks, pages, PDF.
BuildResult render(const source::SyntaxTree& tree, const data::DataSet& data, const layout::LayoutSpec& layout,
                   const fonts::FontSet& fonts, const BuildOptions& options, DiagnosticSink& sink, StageTimer& timer,
                   pdf::SubsetCache* subset_cache = nullptr) {
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
    subsets = std::async(std::launch::async,
                         [glyphs, &fonts, subset_cache] { return pdf::subset_fonts(glyphs, fonts, subset_cache); });
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
  auto [serialise_thread_cpu, serialise_cpu] = timer.mark("pdf: subset, write");
  (void)serialise_thread_cpu;
  if (timer.on())
    std::fprintf(stderr, "paiban: CPU: shaping and layout %.2f ms, writing (subsetting and serialising) %.2f ms\n",
                 layout_cpu, paginate_stage_cpu - layout_cpu + serialise_cpu);
  return result;
}

struct BuildCaches {
  std::unique_ptr<fonts::FontSet> fonts;  ///< loaded once; reloaded when fonts/ changes
  text::ShapeCache shapes;
  pdf::SubsetCache subsets;
};

BuildResult build_report(const BuildOptions& options, DiagnosticSink& sink, const fonts::FontSet* shared_fonts,
                         BuildCaches* caches) {
  StageTimer timer;
  if (caches && caches->fonts) shared_fonts = caches->fonts.get();
  auto inputs = read_inputs(options, sink, shared_fonts == nullptr);
  BuildResult result;
  if (inputs) {
    if (caches && !caches->fonts && inputs->owned_fonts) caches->fonts = std::move(inputs->owned_fonts);
    const fonts::FontSet& fonts = shared_fonts ? *shared_fonts : caches && caches->fonts ? *caches->fonts : *inputs->owned_fonts;
    timer.mark("source, data, layout, fonts");
    text::ShapeCache::Scope shapes(caches ? &caches->shapes : nullptr);
    result = render(inputs->tree, inputs->data, inputs->layout, fonts, options, sink, timer,
                    caches ? &caches->subsets : nullptr);
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

BatchResult run_batch(const BatchOptions& options, DiagnosticSink& sink,
                      const std::function<void(const BatchProgress&)>& progress) {
  BatchResult batch;
  auto start = std::chrono::steady_clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  // The template, its layout and the fonts: read once, shared by every school.
  BuildOptions template_options;
  template_options.report_dir = options.template_dir;
  template_options.layout = options.layout;
  template_options.root = options.root;
  auto inputs = read_inputs(template_options, sink, true, /*load_data=*/false);
  if (!inputs) return batch;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(options.data_dir, ec))
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  if (ec) {
    sink.error({options.data_dir, 0, 0}, fmt::format("cannot read the data folder: {}", ec.message()));
    return batch;
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    sink.error({options.data_dir, 0, 0}, "no .yaml data files", {"one YAML file per school, e.g. data/schools/04-liangzhou.yaml"});
    return batch;
  }
  std::string out_dir = options.out_dir.empty()
                            ? (fs::path("output") / fs::path(options.template_dir).lexically_normal().filename()).string()
                            : options.out_dir;
  fs::create_directories(out_dir, ec);
  batch.reports.resize(files.size());
  std::mutex mutex;  // guards `done` and the progress callback
  size_t done = 0;
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next++) < files.size();) {
      BatchReport& report = batch.reports[i];
      report.data_file = files[i].string();
      report.output = (fs::path(out_dir) / (files[i].stem().string() + ".pdf")).string();
      DiagnosticSink school;
      school.set_warnings_as_errors(options.strict);
      auto data = data::load_data_set(files[i].parent_path().string(), {files[i].filename().string()}, school);
      if (data && !school.has_errors()) {
        StageTimer quiet;
        BuildOptions build;
        build.report_dir = options.template_dir;
        build.creation_time = options.creation_time;
        build.pdfa = options.pdfa;
        BuildResult result = render(inputs->tree, *data, inputs->layout, *inputs->owned_fonts, build, school, quiet);
        if (result.pdf && !school.has_errors()) {
          if (std::string err = write_file_atomically(report.output, *result.pdf); !err.empty())
            school.error({report.output, 0, 0}, err);
          report.pages = result.page_count;
        }
      }
      report.ok = !school.has_errors();
      report.diagnostics = school.all();
      std::lock_guard lock(mutex);
      ++done;
      if (progress) progress({done, files.size(), files[i].stem().string(), seconds()});
    }
  };
  unsigned jobs = options.jobs > 0 ? static_cast<unsigned>(options.jobs) : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < std::min<size_t>(jobs, files.size()); ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  batch.seconds = seconds();
  return batch;
}

void watch_report(const WatchOptions& options, DiagnosticSink& sink,
                  const std::function<void(const WatchEvent&)>& on_build) {
  const std::string root = options.build.root.empty() ? resource_root() : options.build.root;
  int fd = inotify_init1(IN_CLOEXEC);
  if (fd < 0) {
    sink.error({options.build.report_dir, 0, 0}, fmt::format("cannot watch files: {}", std::strerror(errno)));
    return;
  }
  // The report folder and its sub-folders (tables/, schools/), the layouts and the fonts.
  std::map<int, fs::path> watched;
  auto watch = [&](const fs::path& dir) {
    int wd = inotify_add_watch(fd, dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE);
    if (wd >= 0) watched[wd] = dir;
  };
  std::error_code ec;
  watch(options.build.report_dir);
  for (const auto& e : fs::recursive_directory_iterator(options.build.report_dir, ec))
    if (e.is_directory()) watch(e.path());
  watch(fs::path(root) / "layouts");
  watch(fs::path(root) / "fonts");

  BuildCaches caches;
  auto build = [&](std::chrono::steady_clock::time_point since, const std::string& changed) {
    DiagnosticSink build_sink;
    build_sink.set_warnings_as_errors(false);
    WatchEvent event;
    event.result = write_report(options.build, build_sink, &caches);
    event.milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since).count();
    event.diagnostics = build_sink.all();
    event.changed = changed;
    on_build(event);
  };
  build(std::chrono::steady_clock::now(), "");
  int rebuilds = 0;
  alignas(inotify_event) char buffer[16384];
  while (options.exit_after <= 0 || rebuilds < options.exit_after) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) {
      if (errno == EINTR) continue;
      break;
    }
    auto since = std::chrono::steady_clock::now();
    std::string changed;
    bool fonts_changed = false;
    auto take = [&](ssize_t count) {
      for (char* p = buffer; p < buffer + count;) {
        auto* e = reinterpret_cast<inotify_event*>(p);
        fs::path dir = watched.count(e->wd) ? watched[e->wd] : fs::path();
        std::string name = e->len ? e->name : "";
        // Editors' temporary files are not the report's.
        if (!name.empty() && name[0] != '.' && name.back() != '~') {
          changed = (dir / name).string();
          if (dir == fs::path(root) / "fonts") fonts_changed = true;
          if ((e->mask & IN_CREATE) && fs::is_directory(dir / name)) watch(dir / name);
        }
        p += sizeof(inotify_event) + e->len;
      }
    };
    take(n);
    // An editor saves in several steps: gather what follows within 2 ms.
    pollfd pfd{fd, POLLIN, 0};
    while (poll(&pfd, 1, 2) > 0 && (n = read(fd, buffer, sizeof buffer)) > 0) take(n);
    if (changed.empty()) continue;
    if (fonts_changed) caches = BuildCaches();
    build(since, changed);
    ++rebuilds;
  }
  close(fd);
}

std::vector<MissingGlyphs> font_coverage(const BuildOptions& options, DiagnosticSink& sink) {
  std::vector<MissingGlyphs> out;
  auto inputs = read_inputs(options, sink, true);
  if (!inputs) return out;
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
        add(spec.case_box.title.role, "【】（续）" + spec.case_box.label + b.case_box->title);
        for (const auto& p : b.case_box->blocks) {
          add_runs(p.runs, spec.body.role);
          if (p.figure) add(spec.figure.caption.role, p.figure->label + p.figure->caption);
          if (p.figure)
            for (const auto& panel : p.figure->panels) add(spec.figure.subcaption.role, spec.figure.sub_label + "abc" + panel.caption);
        }
        break;
      case doc::BlockKind::Contents:
        add(spec.contents.title.role, spec.contents.toc_title + spec.contents.tables_title + spec.contents.cases_title);
        break;
      case doc::BlockKind::Figure: {
        const doc::Figure& f = *b.figure;
        add(spec.figure.caption.role, f.label + f.caption);
        add(spec.contents.entry.role, f.label + f.caption);
        add(spec.contents.title.role, spec.contents.figures_title);
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
