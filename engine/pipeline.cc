// report folder → PDF. Reads like a table of contents: one call per stage.
#include "pipeline.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
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

#include "base/confine.h"
#include "batch_process.h"
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

/// The folder's own name, also when it is given as "." or "..".
static std::string folder_name(const std::string& dir) {
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
  s.heading_levels = static_cast<int>(layout.headings.size());
  s.labels = layout.labels;
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
    auto subset = [glyphs, &fonts, subset_cache] { return pdf::subset_fonts(glyphs, fonts, subset_cache); };
    try {
      subsets = std::async(std::launch::async, subset);
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

namespace {

// A BatchReport through the pipe from a child: fields as "<length>:<bytes>".
void put(std::string& out, const std::string& field) { out += fmt::format("{}:", field.size()) + field; }
bool take(const std::string& in, size_t& at, std::string& field) {
  size_t colon = in.find(':', at);
  if (colon == std::string::npos) return false;
  char* end = nullptr;
  unsigned long long size = std::strtoull(in.c_str() + at, &end, 10);
  if (end != in.c_str() + colon || colon + 1 + size > in.size()) return false;
  field = in.substr(colon + 1, size);
  at = colon + 1 + size;
  return true;
}

std::string serialize_report(const BatchReport& r) {
  std::string out;
  put(out, r.data_file);
  put(out, r.output);
  put(out, r.ok ? "1" : "0");
  put(out, std::to_string(r.pages));
  put(out, std::to_string(r.diagnostics.size()));
  for (const auto& d : r.diagnostics) {
    put(out, d.severity == Severity::Error ? "E" : "W");
    put(out, d.span.path);
    put(out, std::to_string(d.span.line));
    put(out, std::to_string(d.span.col));
    put(out, d.message);
    put(out, std::to_string(d.hints.size()));
    for (const auto& h : d.hints) put(out, h);
  }
  return out;
}

bool parse_report(const std::string& in, BatchReport& r) {
  size_t at = 0;
  std::string ok, pages, count;
  if (!take(in, at, r.data_file) || !take(in, at, r.output) || !take(in, at, ok) || !take(in, at, pages) ||
      !take(in, at, count))
    return false;
  r.ok = ok == "1";
  r.pages = std::atoi(pages.c_str());
  r.diagnostics.clear();
  for (long n = std::atol(count.c_str()); n > 0; --n) {
    Diagnostic d;
    std::string severity, line, col, hints;
    if (!take(in, at, severity) || !take(in, at, d.span.path) || !take(in, at, line) || !take(in, at, col) ||
        !take(in, at, d.message) || !take(in, at, hints))
      return false;
    d.severity = severity == "E" ? Severity::Error : Severity::Warning;
    d.span.line = std::atoi(line.c_str());
    d.span.col = std::atoi(col.c_str());
    for (long h = std::atol(hints.c_str()); h > 0; --h) {
      std::string hint;
      if (!take(in, at, hint)) return false;
      d.hints.push_back(std::move(hint));
    }
    r.diagnostics.push_back(std::move(d));
  }
  return at == in.size();
}

/// The faults PAIBAN_TEST_FAULTS asks for (tests of batch isolation only).
void inject_test_fault(const std::string& fault) {
  if (fault == "crash") std::raise(SIGSEGV);
  if (fault == "abort") std::abort();
  if (fault == "hang")
    for (;;) pause();
  if (fault == "memory") {
    std::vector<std::unique_ptr<char[]>> hog;
    for (;;) {
      hog.emplace_back(new char[64 << 20]);
      std::memset(hog.back().get(), 1, 64 << 20);
    }
  }
}

}  // namespace

/// What one report of a batch reads: a YAML file, or a row of a workbook.
struct BatchItem {
  fs::path file;
  std::string stem;                ///< the PDF's name without .pdf
  std::optional<data::Value> row;  ///< a workbook's row (a Record)
};

/// `paiban batch TEMPLATE schools.xlsx`: one item per row, named by the
/// --name-by column (default: the first). Rows whose name is empty, not a
/// file name, or taken by an earlier row are errors.
std::vector<BatchItem> batch_rows(const BatchOptions& options, DiagnosticSink& sink) {
  std::vector<BatchItem> items;
  std::vector<std::string> columns;
  auto table = data::load_table_file(options.data_dir, options.sheet, sink, &columns);
  if (!table || sink.has_errors()) return items;
  if (table->list->empty()) {
    sink.error({options.data_dir, 0, 0}, "the table has no rows", {"one row per school, below the header row"});
    return items;
  }
  std::string name_by = options.name_by.empty() && !columns.empty() ? columns.front() : options.name_by;
  if (std::find(columns.begin(), columns.end(), name_by) == columns.end()) {
    std::vector<std::string> hints;
    for (const auto& c : columns)
      if (edit_distance(c, name_by) <= 2) hints.push_back(fmt::format("did you mean \"{}\"?", c));
    hints.push_back(fmt::format("the columns: {}", fmt::join(columns, ", ")));
    sink.error({options.data_dir, 0, 0}, fmt::format("--name-by: the table has no column \"{}\"", name_by), hints);
    return items;
  }
  std::map<std::string, std::string> taken;  // name → the row that has it
  for (const auto& row : *table->list) {
    const data::Value& cell = row.record->at(name_by);
    std::string name = cell.is_number() ? data::format_number(cell, "").value_or("") : cell.text;
    for (char& c : name)
      if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20) c = '_';
    if (name.empty() || name == "." || name == "..") {
      sink.error(cell.span, fmt::format("the row has no name in column \"{}\" for its PDF", name_by),
                 {"every row names its PDF in that column (--name-by FIELD chooses another)"});
      continue;
    }
    if (auto [it, inserted] = taken.emplace(name, cell.span.to_string()); !inserted) {
      sink.error(cell.span, fmt::format("another row is named \"{}\" too: its PDF would be overwritten", name),
                 {fmt::format("the first is {}", it->second)});
      continue;
    }
    items.push_back({options.data_dir, name, row});
  }
  if (sink.has_errors()) items.clear();
  return items;
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
  // What each report reads: a YAML file of the folder, or a row of the workbook.
  std::vector<BatchItem> files;
  std::error_code ec;
  if (fs::is_regular_file(options.data_dir, ec)) {
    files = batch_rows(options, sink);
    if (files.empty()) return batch;
  } else {
    for (const auto& entry : fs::directory_iterator(options.data_dir, ec))
      if (entry.path().extension() == ".yaml") files.push_back({entry.path(), entry.path().stem().string(), {}});
    if (ec) {
      sink.error({options.data_dir, 0, 0}, fmt::format("cannot read the data folder: {}", ec.message()));
      return batch;
    }
    std::sort(files.begin(), files.end(), [](const BatchItem& a, const BatchItem& b) { return a.file < b.file; });
    if (files.empty()) {
      sink.error({options.data_dir, 0, 0}, "no .yaml data files", {"one YAML file per school, e.g. data/schools/04-liangzhou.yaml"});
      return batch;
    }
  }
  std::string out_dir = options.out_dir.empty()
                            ? (fs::path("output") / folder_name(options.template_dir)).string()
                            : options.out_dir;
  fs::create_directories(out_dir, ec);
  batch.reports.resize(files.size());
  // One school: its data (a YAML file, or a workbook's row), its pages, its
  // PDF written; everything it says in its own sink.
  auto render_school = [&](size_t i) {
    BatchReport report;
    const BatchItem& item = files[i];
    report.data_file = item.row ? item.row->span.to_string() : item.file.string();
    report.output = (fs::path(out_dir) / (item.stem + ".pdf")).string();
    if (std::string fault = test_fault_for(item.stem); !fault.empty()) inject_test_fault(fault);
    DiagnosticSink school;
    school.set_warnings_as_errors(options.strict);
    std::optional<data::DataSet> data;
    if (item.row) {
      data.emplace();
      data->root = *item.row;  // the row's fields are the school's data
    } else {
      data = data::load_data_set(item.file.parent_path().string(), {item.file.filename().string()}, school);
    }
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
    return report;
  };
  size_t done = 0;
  auto finished = [&](size_t i) {
    ++done;
    if (progress) progress({done, files.size(), files[i].stem, seconds()});
  };
  unsigned jobs = options.jobs > 0 ? static_cast<unsigned>(options.jobs) : std::max(1u, std::thread::hardware_concurrency());
  if (options.isolate) {
    // Each school in a process of its own, forked with the template, layout
    // and fonts loaded: a crash, hang or blow-up ends that school only.
    run_in_processes(files.size(), static_cast<int>(jobs), {options.max_seconds, options.max_memory_mb},
                     [&](size_t i) { return serialize_report(render_school(i)); },
                     [&](size_t i, JobOutcome outcome) {
                       BatchReport& report = batch.reports[i];
                       if (!outcome.finished || !parse_report(outcome.result, report)) {
                         report = BatchReport{};
                         report.data_file = files[i].row ? files[i].row->span.to_string() : files[i].file.string();
                         report.output = (fs::path(out_dir) / (files[i].stem + ".pdf")).string();
                         report.diagnostics.push_back(
                             {Severity::Error, {report.data_file, 0, 0},
                              fmt::format("the report {}", outcome.finished ? "sent back a malformed result" : outcome.failure),
                              {"its previous PDF, if any, is left as it was; the other reports are not affected"}});
                       }
                       finished(i);
                     });
  } else {
    std::mutex mutex;  // guards `done` and the progress callback
    std::atomic<size_t> next{0};
    auto worker = [&] {
      for (size_t i; (i = next++) < files.size();) {
        batch.reports[i] = render_school(i);
        std::lock_guard lock(mutex);
        finished(i);
      }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < std::min<size_t>(jobs, files.size()); ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
  }
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
  // The report folder and its sub-folders (tables/, schools/), the layouts
  // and the fonts; and the folder above the report's, to notice the report
  // folder itself replaced (renamed away and a new one put in its place).
  std::map<int, fs::path> watched;
  const fs::path report_dir = fs::path(options.build.report_dir).lexically_normal();
  std::error_code ec;
  const fs::path report_parent = fs::absolute(report_dir, ec).lexically_normal().parent_path();
  const std::string report_name = fs::absolute(report_dir, ec).lexically_normal().filename().string();
  auto watch = [&](const fs::path& dir, uint32_t extra = 0) {
    int wd = inotify_add_watch(fd, dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | extra);
    if (wd >= 0) watched[wd] = dir;
  };
  std::set<int> report_watches;
  auto watch_report_folder = [&] {
    for (int wd : report_watches) {
      inotify_rm_watch(fd, wd);
      watched.erase(wd);
    }
    report_watches.clear();
    auto add = [&](const fs::path& dir) {
      int wd = inotify_add_watch(fd, dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVE_SELF |
                                                      IN_DELETE_SELF);
      if (wd >= 0) {
        watched[wd] = dir;
        report_watches.insert(wd);
      }
    };
    add(report_dir);
    for (const auto& e : fs::recursive_directory_iterator(report_dir, ec))
      if (e.is_directory()) add(e.path());
  };
  watch_report_folder();
  watch(fs::path(root) / "layouts");
  watch(fs::path(root) / "fonts");
  int parent_wd = inotify_add_watch(fd, report_parent.c_str(), IN_MOVED_TO | IN_CREATE);

  BuildCaches caches;
  auto build = [&](std::chrono::steady_clock::time_point since, const std::string& changed) {
    DiagnosticSink build_sink;
    build_sink.set_warnings_as_errors(false);
    WatchEvent event;
    // The limits of a build, for each rebuild: the time limit ends paiban as
    // it ends a build (SIGALRM, set up by the caller); memory runs out as an
    // error of this rebuild, and the next starts afresh.
    if (options.max_seconds > 0) alarm(static_cast<unsigned>(options.max_seconds));
    try {
      event.result = write_report(options.build, build_sink, &caches);
    } catch (const std::bad_alloc&) {
      caches = BuildCaches();
      event.result = BuildResult{};
      event.result.output_path =
          options.build.output.empty() ? default_output_path(options.build.report_dir) : options.build.output;
      build_sink.error({options.build.report_dir, 0, 0},
                       "out of memory: the build needs more than the memory limit (--max-memory-mb)");
    }
    if (options.max_seconds > 0) alarm(0);
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
    bool fonts_changed = false, replaced = false;
    auto take = [&](ssize_t count) {
      for (char* p = buffer; p < buffer + count;) {
        auto* e = reinterpret_cast<inotify_event*>(p);
        std::string name = e->len ? e->name : "";
        if (e->wd == parent_wd) {
          // The report folder put back in place (mv new r, or mkdir r).
          if (name == report_name) replaced = true;
          p += sizeof(inotify_event) + e->len;
          continue;
        }
        if (report_watches.count(e->wd) && watched[e->wd] == report_dir && (e->mask & (IN_MOVE_SELF | IN_DELETE_SELF)))
          replaced = true;
        fs::path dir = watched.count(e->wd) ? watched[e->wd] : fs::path();
        // Editors' temporary files are not the report's (Office's owner
        // files ~$x.xlsx, the .tmp files Excel and LibreOffice save into
        // before renaming them over the workbook).
        if (!name.empty() && name[0] != '.' && name.back() != '~' && name.rfind("~$", 0) != 0 &&
            !name.ends_with(".tmp")) {
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
    if (replaced) {
      // Follow the folder now at the report's path, not the old one's inode.
      if (!fs::is_directory(report_dir, ec)) continue;  // moved away; wait for the new one
      // A new folder is often filled just after it appears.
      while (poll(&pfd, 1, 50) > 0 && (n = read(fd, buffer, sizeof buffer)) > 0) take(n);
      watch_report_folder();
      changed = report_dir.string();
    }
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
