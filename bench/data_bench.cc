// Loading a 100,000-row sheet as report data (.xlsx through libzip + expat,
// and the same rows as CSV): wall time, the process's CPU time, and its peak
// resident memory.
//   build/bench/paiban_data_bench
// A program of its own, so that the peak memory is the loading's alone.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "data/data.h"

namespace paiban {
namespace {

constexpr int kRows = 100000;

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

/// A report folder with the sheet as tables/schools.xlsx and tables/schools.csv:
/// per row a code, a name, a district, two counts, a ratio and a date.
const std::string& folder() {
  static const std::string dir = [] {
    std::string t = (std::filesystem::temp_directory_path() / "paiban-bench-data-XXXXXX").string();
    std::string d = mkdtemp(t.data());
    std::filesystem::create_directories(d + "/tables");
    // Written by a child process: libxlsxwriter's memory is not the loading's.
    if (pid_t child = fork(); child != 0) {
      int status = 0;
      waitpid(child, &status, 0);
      static const struct Remove {
        std::string dir;
        ~Remove() { std::filesystem::remove_all(dir); }
      } remove{d};
      return d;
    }
    lxw_workbook_options options = {};
    options.constant_memory = LXW_FALSE;  // shared strings, as Excel writes them
    lxw_workbook* book = workbook_new_opt((d + "/tables/schools.xlsx").c_str(), &options);
    lxw_worksheet* s = workbook_add_worksheet(book, "学校");
    lxw_format* pct = workbook_add_format(book);
    format_set_num_format(pct, "0.0%");
    lxw_format* date = workbook_add_format(book);
    format_set_num_format(date, "yyyy-mm-dd");
    std::ofstream csv(d + "/tables/schools.csv");
    const char* header[] = {"代码", "学校", "区县", "在校生", "毕业生", "就业率", "成立"};
    for (int c = 0; c < 7; ++c) worksheet_write_string(s, 0, c, header[c], nullptr);
    csv << "代码,学校,区县,在校生,毕业生,就业率,成立\n";
    const char* districts[] = {"凉州区", "民勤县", "古浪县", "天祝县"};
    for (int r = 1; r <= kRows; ++r) {
      std::string code = fmt::format("62{:06}", r), name = fmt::format("第{}职业学校", r);
      worksheet_write_string(s, r, 0, code.c_str(), nullptr);
      worksheet_write_string(s, r, 1, name.c_str(), nullptr);
      worksheet_write_string(s, r, 2, districts[r % 4], nullptr);
      worksheet_write_number(s, r, 3, 1000 + r % 5000, nullptr);
      worksheet_write_number(s, r, 4, 300 + r % 900, nullptr);
      worksheet_write_number(s, r, 5, 0.9 + (r % 100) / 1000.0, pct);
      lxw_datetime founded = {1950 + r % 70, 1 + r % 12, 1 + r % 28, 0, 0, 0};
      worksheet_write_datetime(s, r, 6, &founded, date);
      csv << fmt::format("{},{},{},{},{},{}%,{}\n", code, name, districts[r % 4], 1000 + r % 5000, 300 + r % 900,
                         90 + (r % 100) / 10.0, founded.year);
    }
    workbook_close(book);
    csv.close();
    std::ofstream(d + "/xlsx.yaml") << "schools: {xlsx: tables/schools.xlsx, sheet: 学校}\n";
    std::ofstream(d + "/csv.yaml") << "schools: {csv: tables/schools.csv}\n";
    _exit(0);
  }();
  return dir;
}

void load(benchmark::State& state, const char* file) {
  const std::string& dir = folder();
  double before = peak_rss_mb();
  for (auto _ : state) {
    DiagnosticSink sink;
    auto data = data::load_data_set(dir, {file}, sink);
    if (!data || sink.has_errors()) state.SkipWithError(sink.format_all().c_str());
    benchmark::DoNotOptimize(data);
  }
  state.counters["rows"] = kRows;
  state.counters["peak_rss_MB"] = peak_rss_mb();
  state.counters["rss_before_MB"] = before;
}

void LoadXlsx100kRows(benchmark::State& state) { load(state, "xlsx.yaml"); }
void LoadCsv100kRows(benchmark::State& state) { load(state, "csv.yaml"); }
// Wall time, and the CPU time of the whole process: a workbook's shared
// strings and the two halves of a large sheet's records are made on two threads.
BENCHMARK(LoadXlsx100kRows)->Unit(benchmark::kMillisecond)->Iterations(5)->Repetitions(5)->MeasureProcessCPUTime()->UseRealTime();
BENCHMARK(LoadCsv100kRows)->Unit(benchmark::kMillisecond)->Iterations(5)->Repetitions(5)->MeasureProcessCPUTime()->UseRealTime();

}  // namespace
}  // namespace paiban

BENCHMARK_MAIN();
