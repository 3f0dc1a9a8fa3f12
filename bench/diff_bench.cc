// paiban diff against one build: the district report and a copy with one school's
// enrolment corrected (target: the diff at most 2.5× one build, each loading its fonts).
//   build/bench/paiban_bench --benchmark_filter=Diff
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "diff/diff.h"
#include "pipeline.h"

namespace paiban {
namespace {

namespace fs = std::filesystem;

/// A copy of data/liangzhou-2023 with school 05's enrolment 301 → 426.
const std::string& corrected() {
  static std::string dir = [] {
    fs::path d = fs::temp_directory_path() / "paiban-bench-diff";
    fs::remove_all(d);
    fs::copy(PAIBAN_SOURCE_DIR "/data/liangzhou-2023", d, fs::copy_options::recursive);
    fs::path school = d / "schools" / "05-wuwei-xinxi.yaml";
    std::ifstream in(school);
    std::stringstream s;
    s << in.rdbuf();
    std::string text = s.str();
    text.replace(text.find("enrolment: 301"), 14, "enrolment: 426");
    std::ofstream(school) << text;
    return d.string();
  }();
  return dir;
}

/// One build as `paiban build` runs it: fonts loaded, the PDF made and written (atomically, flushed).
void DiffOneBuild(benchmark::State& state) {
  BuildOptions options;
  options.report_dir = corrected();
  options.root = PAIBAN_SOURCE_DIR;
  options.output = (fs::temp_directory_path() / "paiban-bench-diff-build.pdf").string();
  for (auto _ : state) {
    DiagnosticSink sink;
    BuildResult r = write_report(options, sink);
    if (!r.pdf) state.SkipWithError("build failed");
  }
  fs::remove(options.output);
}
BENCHMARK(DiffOneBuild)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

/// The same without writing the file (build_report: the bytes only).
void DiffOneBuildInMemory(benchmark::State& state) {
  BuildOptions options;
  options.report_dir = corrected();
  options.root = PAIBAN_SOURCE_DIR;
  for (auto _ : state) {
    DiagnosticSink sink;
    BuildResult r = build_report(options, sink);
    if (!r.pdf) state.SkipWithError("build failed");
  }
}
BENCHMARK(DiffOneBuildInMemory)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

void diff(benchmark::State& state, bool pdf) {
  DiffOptions options;
  options.old_dir = PAIBAN_SOURCE_DIR "/data/liangzhou-2023";
  options.new_dir = corrected();
  options.root = PAIBAN_SOURCE_DIR;
  if (pdf) options.pdf = (fs::temp_directory_path() / "paiban-bench-diff.pdf").string();
  size_t places = 0;
  for (auto _ : state) {
    DiagnosticSink sink;
    auto r = diff_reports(options, sink);
    if (!r) state.SkipWithError("diff failed");
    else places = r->places.size();
  }
  state.counters["places"] = static_cast<double>(places);
  if (pdf) fs::remove(options.pdf);
}

/// paiban diff OLD NEW: both versions built and compared.
void DiffDistrict(benchmark::State& state) { diff(state, false); }
BENCHMARK(DiffDistrict)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

/// paiban diff OLD NEW --pdf FILE: and the new version's PDF with its highlights written.
void DiffDistrictWithPdf(benchmark::State& state) { diff(state, true); }
BENCHMARK(DiffDistrictWithPdf)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

}  // namespace
}  // namespace paiban
