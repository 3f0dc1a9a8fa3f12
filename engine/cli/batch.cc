// paiban batch: the template read once, then each school rendered in a process of its own.
#include "cli/batch.h"

#include <poll.h>
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
#include "base/cpu_time.h"
#include "base/text_file.h"
#include "base/threads.h"
#include "base/yaml_util.h"
#include "compose/compose.h"
#include "data/data.h"
#include "doc/document.h"
#include "layout/layout_spec.h"
#include "layout/paginate.h"
#include "pdf/writer.h"
#include "source/parse.h"
#include "text/shape.h"

#include "cli/batch_process.h"
#include "pipeline_internal.h"

namespace paiban {
namespace fs = std::filesystem;

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
    put(out, d.span.cell ? "1" : "0");
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
    std::string severity, path, line, col, cell, hints;
    if (!take(in, at, severity) || !take(in, at, path) || !take(in, at, line) || !take(in, at, col) ||
        !take(in, at, cell) || !take(in, at, d.message) || !take(in, at, hints))
      return false;
    d.span.path = std::move(path);
    d.span.cell = cell == "1";
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
      // A worker (a process, or with --threads a thread) keeps what it shaped
      // and composed for its next reports: the template's text and tables are
      // mostly the same from school to school. Bounded: past kKeptParagraphs
      // it starts afresh, so that memory stays flat over any number of reports.
      constexpr size_t kKeptParagraphs = 4000;
      thread_local text::ShapeCache kept_shapes;
      thread_local compose::ComposeCache kept_composes;
      thread_local YamlTextCache kept_specs;  // the template's table, chart and contents specs
      thread_local pdf::SubsetCache kept_subsets;  // the faces subset to the glyphs seen so far
      if (kept_shapes.size() + kept_composes.size() > kKeptParagraphs) {
        kept_shapes = text::ShapeCache();
        kept_composes = compose::ComposeCache();
      }
      text::ShapeCache::Scope shaping(&kept_shapes);
      compose::ComposeCache::Scope composing(&kept_composes);
      YamlTextCache::Scope specs(&kept_specs);
      StageTimer quiet;
      BuildOptions build;
      build.report_dir = options.template_dir;
      build.creation_time = options.creation_time;
      build.pdfa = options.pdfa;
      BuildResult result =
          render(inputs->tree, *data, inputs->layout, *inputs->owned_fonts, build, school, quiet, &kept_subsets);
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
  // With a worker per core, each renders its reports on its own thread alone (the fonts
  // subset, the blocks prepared, one after the other): a helper thread would only take a
  // core from another worker, and cost its start and hand-over.
  struct HelperThreads {  // as they were once the batch is done
    bool before = helper_threads_allowed();
    ~HelperThreads() { allow_helper_threads(before); }
  } restore;
  if (jobs >= std::max(1u, std::thread::hardware_concurrency())) allow_helper_threads(false);
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


}  // namespace paiban
