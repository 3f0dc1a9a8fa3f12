// Figures: the example school report and the figures example with their photos and charts against the same report without
// them (target: at most 15% more time), and large photos (their bytes copied, not decoded).
//   build/bench/paiban_bench --benchmark_filter=Figures
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "fonts/font_set.h"
#include "image/image.h"
#include "pipeline.h"

namespace paiban {
namespace {

namespace fs = std::filesystem;

const fonts::FontSet& shared_fonts() {
  static std::unique_ptr<fonts::FontSet> f = [] {
    DiagnosticSink sink;
    return fonts::load_font_set(PAIBAN_SOURCE_DIR "/fonts", sink);
  }();
  return *f;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A copy of data/NAME with every figure taken out (and references to them written as text).
std::string without_figures(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("paiban-bench-no-figures-" + name);
  fs::path src = fs::path(PAIBAN_SOURCE_DIR "/data") / name;
  fs::remove_all(d);
  fs::copy(src, d, fs::copy_options::recursive);
  fs::remove_all(d / "images");
  std::istringstream in(slurp(src / "report.md"));
  std::string out, line;
  bool skipping = false;
  while (std::getline(in, line)) {
    if (!skipping && (line.rfind("```chart", 0) == 0 || line.rfind("```figure", 0) == 0)) {
      skipping = true;
      continue;
    }
    if (skipping) {
      if (line == "```") skipping = false;
      continue;
    }
    if (line.rfind("![", 0) == 0) continue;
    out += std::regex_replace(line, std::regex("\\[@fig-[a-z-]+\\]"), "图1") + "\n";
  }
  std::ofstream(d / "report.md") << out;
  return d.string();
}

void build(benchmark::State& state, const std::string& dir) {
  BuildOptions options;
  options.report_dir = dir;
  options.root = PAIBAN_SOURCE_DIR;
  size_t bytes = 0;
  for (auto _ : state) {
    DiagnosticSink sink;
    BuildResult r = build_report(options, sink, &shared_fonts());
    if (!r.pdf) state.SkipWithError("build failed");
    else bytes = r.pdf->size();
  }
  state.counters["pdf_bytes"] = static_cast<double>(bytes);
}

void FiguresReportWithFigures(benchmark::State& state) { build(state, PAIBAN_SOURCE_DIR "/data/figures-example"); }
BENCHMARK(FiguresReportWithFigures)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

void FiguresReportWithoutFigures(benchmark::State& state) {
  static std::string dir = without_figures("figures-example");
  build(state, dir);
}
BENCHMARK(FiguresReportWithoutFigures)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

/// The example school report (data/school-2024: three photos, three charts) against the same report
/// without them (target: at most 15% more time).
void FiguresSchoolWith(benchmark::State& state) { build(state, PAIBAN_SOURCE_DIR "/data/school-2024"); }
BENCHMARK(FiguresSchoolWith)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

void FiguresSchoolWithout(benchmark::State& state) {
  static std::string dir = without_figures("school-2024");
  build(state, dir);
}
BENCHMARK(FiguresSchoolWithout)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

/// The district report (data/liangzhou-2023) with four photos and two charts added: the
/// with-and-without comparison of a whole report (target: at most 15% more time).
const std::string& district_with_figures() {
  static std::string dir = [] {
    fs::path d = fs::temp_directory_path() / "paiban-bench-district-figures";
    fs::remove_all(d);
    fs::copy(PAIBAN_SOURCE_DIR "/data/liangzhou-2023", d, fs::copy_options::recursive);
    fs::copy(PAIBAN_SOURCE_DIR "/data/figures-example/images", d / "images", fs::copy_options::recursive);
    std::ofstream(d / "data.yaml", std::ios::app)
        << "\nbench_enrolment:\n  - {year: 2020年, admitted: 4680, graduated: 4020}\n"
           "  - {year: 2021年, admitted: 5120, graduated: 4310}\n  - {year: 2022年, admitted: 5450, graduated: 4700}\n";
    std::ofstream(d / "report.md", std::ios::app)
        << "\n# 图表\n\n```chart\ncaption: 近三年招生与毕业人数\ntype: bar\nrows: bench_enrolment\nx: year\n"
           "series:\n  - {value: admitted, label: 招生人数}\n  - {value: graduated, label: 毕业人数}\nunit: 人\n```\n\n"
           "```chart\ncaption: 招生人数构成\ntype: pie\nrows: bench_enrolment\nx: year\nseries: admitted\nunit: 人\n```\n\n"
           "![机电实训车间](images/sample-workshop.jpg){width=70%}\n\n"
           "```figure 实训场所\n![计算机房](images/sample-computer-room.jpg)\n\n![运动场](images/sample-sports-ground.jpg)\n```\n\n"
           "![校徽](images/sample-badge.png){width=25%}\n";
    return d.string();
  }();
  return dir;
}

void FiguresDistrictWithout(benchmark::State& state) { build(state, PAIBAN_SOURCE_DIR "/data/liangzhou-2023"); }
BENCHMARK(FiguresDistrictWithout)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

void FiguresDistrictWith(benchmark::State& state) { build(state, district_with_figures()); }
BENCHMARK(FiguresDistrictWith)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

/// A report of one photo of SIDE × SIDE·3/4 pixels (noise, so that the JPEG is large).
std::string photo_report(int side) {
  fs::path d = fs::temp_directory_path() / ("paiban-bench-photo-" + std::to_string(side));
  if (!fs::exists(d / "report.md")) {
    fs::create_directories(d / "images");
    const int w = side, h = side * 3 / 4;
    std::vector<uint8_t> px(size_t(w) * h * 3);
    unsigned s = 1;
    for (auto& v : px) v = uint8_t((s = s * 1103515245 + 12345) >> 24);
    std::ofstream(d / "images/photo.jpg", std::ios::binary) << image::encode_jpeg(w, h, 3, px, 92);
    std::ofstream(d / "report.md") << "---\ntitle: 照片\n---\n\n![照片](images/photo.jpg)\n";
  }
  return d.string();
}

void FiguresLargePhoto(benchmark::State& state) {
  std::string dir = photo_report(static_cast<int>(state.range(0)));
  build(state, dir);
  state.counters["jpeg_bytes"] = static_cast<double>(fs::file_size(fs::path(dir) / "images/photo.jpg"));
}
BENCHMARK(FiguresLargePhoto)->Arg(1000)->Arg(2000)->Arg(4000)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

}  // namespace
}  // namespace paiban
