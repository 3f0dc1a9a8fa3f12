// paiban: the command-line tool. The only code that prints.
// Exit codes: 0 success, 1 the input has errors, 2 usage error, 70 internal error.
// diff, as diff(1): 0 the outputs are identical, 1 they differ, 2 usage or errors.
#include <unistd.h>

#include <csignal>
#include <new>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>

#include <fmt/format.h>

#include "base/memory_limit.h"
#include "base/text_file.h"
#include "compose/lines.h"
#include "fonts/font_set.h"
#include "cli/batch.h"
#include "cli/watch.h"
#include "diff/diff.h"
#include "pipeline.h"

namespace {

constexpr int kExitInput = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInternal = 70;

/// --max-seconds: a build that runs longer is stopped with an error (hostile
/// input must not hang a batch server). The atomic write means no partial
/// PDF is left in place of the previous one.
/// The message, formatted beforehand (a signal handler may not allocate):
/// at the report folder, with the limit.
char time_limit_message[4096] = "paiban: error: the build took longer than the time limit (--max-seconds)\n";

/// The out-of-memory message, formatted beforehand too (it is printed where memory ran out).
char memory_limit_message[4096] =
    "paiban: error: out of memory: the build needs more than the memory limit (--max-memory-mb)\n";

int time_limit_code = 1;  // diff: 2 (1 says the versions differ)

void on_time_limit(int) {
  paiban::remove_temporary_files();
  (void)!write(STDERR_FILENO, time_limit_message, std::strlen(time_limit_message));
  _exit(time_limit_code);
}

/// SIGINT, SIGTERM: no temporary file left behind, then the default action.
void on_interrupt(int sig) {
  paiban::remove_temporary_files();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void set_limits(int max_seconds, int max_memory_mb, const std::string& report_dir) {
  if (!report_dir.empty())
    std::snprintf(time_limit_message, sizeof time_limit_message,
                  "%s: error: the build took longer than the time limit (%d s, --max-seconds)\n", report_dir.c_str(),
                  max_seconds);
  if (!report_dir.empty())
    std::snprintf(memory_limit_message, sizeof memory_limit_message,
                  "%s: error: out of memory: the build needs more than the memory limit (%d MB, --max-memory-mb)\n"
                  "  hint: give it more with --max-memory-mb, or 0 for no limit\n",
                  report_dir.c_str(), max_memory_mb);
  if (max_seconds > 0) {
    std::signal(SIGALRM, on_time_limit);
    alarm(static_cast<unsigned>(max_seconds));
  }
  // (Once fontconfig has its caches: see start_fontconfig in run. Until then no helper thread
  // starts: see base/memory_limit.h.)
  if (max_memory_mb > 0) {
    paiban::expect_memory_limit();
    paiban::fonts::whenever_fontconfig_ready([max_memory_mb] {
      paiban::compose::prepare_break_engines();  // (before the limit: see there)
      paiban::set_memory_limit(max_memory_mb);
    });
  }
}

int report(const paiban::DiagnosticSink& sink) {
  std::fputs(sink.format_all().c_str(), stderr);
  return sink.has_errors() ? kExitInput : 0;
}

int run(int argc, char** argv) {
  // fontconfig's caches are loaded before any memory limit (this process's or a batch worker's,
  // forked from it): see init_fontconfig. They load on a thread of their own while the
  // arguments are read and the build starts; the memory limit is set when they are loaded.
  paiban::fonts::start_fontconfig();
  CLI::App app{"paiban: typesets Chinese reports from Markdown and data into print-ready PDF", "paiban"};
  app.set_version_flag("--version", std::string("paiban ") + paiban::kVersion);
  app.require_subcommand(1);
  int max_seconds = 600, max_memory_mb = 4096;
  app.add_option("--max-seconds", max_seconds, "stop a build that runs longer (default 600; 0: no limit)");
  app.add_option("--max-memory-mb", max_memory_mb, "memory a build may use (default 4096; 0: no limit)");

  paiban::BuildOptions build_options;
  auto* build = app.add_subcommand("build", "render the report in DIR to PDF");
  build->add_option("DIR", build_options.report_dir, "report folder (holds report.md)")->required();
  build->add_option("-o,--output", build_options.output, "PDF file (default: output/<DIR name>.pdf)");
  build->add_option("--layout", build_options.layout, "layout name in layouts/ or a path (default: report)");
  bool strict = false;
  build->add_flag("--pdfa", build_options.pdfa, "write PDF/A-1b (XMP metadata, sRGB output intent)");
  build->add_flag("--strict", strict, "treat warnings (overfull lines, broken line-breaking rules, …) as errors");

  paiban::BuildOptions check_options;
  auto* check = app.add_subcommand("check", "parse and validate the report in DIR without writing a PDF");
  check->add_option("DIR", check_options.report_dir, "report folder")->required();
  check->add_option("--layout", check_options.layout, "layout name in layouts/ or a path");
  check->add_flag("--strict", strict, "treat warnings as errors");

  auto* fonts_cmd = app.add_subcommand("fonts", "list, per font role, the file and face index that will be used; "
                                                "given a report, whether every character of it is covered");
  paiban::BuildOptions fonts_options;
  fonts_cmd->add_option("DIR", fonts_options.report_dir, "report folder whose characters to check");
  fonts_cmd->add_option("--layout", fonts_options.layout, "layout name in layouts/ or a path");

  paiban::WatchOptions watch_options;
  auto* watch = app.add_subcommand("watch", "build the report in DIR, then again whenever one of its files changes");
  watch->add_option("DIR", watch_options.build.report_dir, "report folder")->required();
  watch->add_option("-o,--output", watch_options.build.output, "PDF file (default: output/<DIR name>.pdf)");
  watch->add_option("--layout", watch_options.build.layout, "layout name in layouts/ or a path");
  watch->add_option("--exit-after", watch_options.exit_after, "stop after this many rebuilds (for scripts)");

  paiban::BatchOptions batch_options;
  auto* batch = app.add_subcommand("batch", "render one report per data file of DATA (or per row of a workbook) from the template in TEMPLATE_DIR");
  batch->add_option("TEMPLATE_DIR", batch_options.template_dir, "template report folder (holds report.md)")->required();
  batch->add_option("DATA", batch_options.data_dir,
                    "folder of .yaml data files, one per report; or a workbook (.xlsx, .xls) or CSV file, one report per row")
      ->required();
  batch->add_option("--sheet", batch_options.sheet, "the workbook's sheet, by name or number (default: the first)");
  batch->add_option("--name-by", batch_options.name_by, "the column naming each row's PDF (default: the first column)");
  batch->add_option("-o,--output", batch_options.out_dir, "folder for the PDFs (default: output/<template name>)");
  batch->add_option("-j,--jobs", batch_options.jobs, "reports rendered at once, each in its own process (default: one per core)")->check(CLI::Range(1, 256));
  batch->add_option("--layout", batch_options.layout, "layout name in layouts/ or a path");
  batch->add_flag("--strict", batch_options.strict, "treat warnings as errors");
  batch->add_flag("--pdfa", batch_options.pdfa, "write PDF/A-1b");
  bool batch_threads = false;
  batch->add_flag("--threads", batch_threads,
                  "render in threads of this one process: a little faster, but without isolation (a crash ends the batch) "
                  "and without per-report limits");

  paiban::DiffOptions diff_options;
  bool diff_json = false;
  auto* diff = app.add_subcommand("diff", "show what changes between two versions of a report: each changed input and "
                                          "the values, table cells, checks, text and pages it changes");
  diff->add_option("OLD_DIR", diff_options.old_dir, "the report folder before the correction")->required();
  diff->add_option("NEW_DIR", diff_options.new_dir, "the report folder after it")->required();
  diff->add_option("--pdf", diff_options.pdf, "write the new version's PDF with each changed place highlighted");
  diff->add_option("--layout", diff_options.layout, "layout name in layouts/ or a path (both versions)");
  diff->add_flag("--json", diff_json, "print the changes as JSON");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }

  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  paiban::DiagnosticSink sink;
  sink.set_warnings_as_errors(strict);
  // A batch's limits are per report (each in its own process), not for the whole run.
  // watch: the same limits for each rebuild (armed again before each).
  if (!*batch)
    set_limits(max_seconds, max_memory_mb,
               *build ? build_options.report_dir : *watch ? watch_options.build.report_dir
               : *diff ? diff_options.new_dir
               : *check ? check_options.report_dir : fonts_options.report_dir);
  // Reproducible builds: a creation date only when SOURCE_DATE_EPOCH gives one.
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch && *epoch) {
    char* end = nullptr;
    long long t = std::strtoll(epoch, &end, 10);
    if (*end != '\0' || t < 0) {
      std::fprintf(stderr, "paiban: error: SOURCE_DATE_EPOCH must be a whole number of seconds, got \"%s\"\n", epoch);
      return kExitUsage;
    }
    build_options.creation_time = t;
  }
  if (*build) {
    auto result = paiban::write_report(build_options, sink);
    int code = report(sink);
    if (code == 0) std::printf("%s: %d pages\n", result.output_path.c_str(), result.page_count);
    return code;
  }
  if (*watch) {
    watch_options.build.creation_time = build_options.creation_time;
    watch_options.max_seconds = max_seconds;
    paiban::watch_report(watch_options, sink, [](const paiban::WatchEvent& e) {
      for (const auto& d : e.diagnostics) std::fputs(d.format().c_str(), stderr);
      if (e.result.pdf)
        std::printf("%s: %d pages, %.1f ms%s%s\n", e.result.output_path.c_str(), e.result.page_count, e.milliseconds,
                    e.changed.empty() ? "" : " after a change to ", e.changed.c_str());
      else
        std::printf("%s: not written (errors above)\n", e.result.output_path.c_str());
      std::fflush(stdout);
    });
    return report(sink);
  }
  if (*batch) {
    batch_options.creation_time = build_options.creation_time;
    batch_options.max_seconds = max_seconds;
    batch_options.max_memory_mb = max_memory_mb;
    batch_options.isolate = !batch_threads;
    paiban::fonts::wait_for_fontconfig();  // before the workers are forked, and before their limits
    if (batch_threads) set_limits(max_seconds, max_memory_mb, batch_options.template_dir);
    const bool terminal = isatty(STDERR_FILENO);
    auto progress = [&](const paiban::BatchProgress& p) {
      if (terminal) std::fprintf(stderr, "\r\033[K[%zu/%zu] %s  %.1f s", p.done, p.total, p.current.c_str(), p.seconds);
    };
    auto result = paiban::run_batch(batch_options, sink, progress);
    if (terminal && !result.reports.empty()) std::fputs("\r\033[K", stderr);
    int code = report(sink);
    if (code != 0) return code;
    size_t failed = 0;
    for (const auto& r : result.reports) {
      if (r.ok) {
        // Warnings of a report that was written.
        for (const auto& d : r.diagnostics) std::fputs(d.format().c_str(), stderr);
        std::printf("%s: %d pages\n", r.output.c_str(), r.pages);
      } else {
        ++failed;
      }
    }
    std::fprintf(stderr, "paiban batch: %zu rendered, %zu failed, %.2f s\n", result.reports.size() - failed, failed,
                 result.seconds);
    for (const auto& r : result.reports)
      if (!r.ok) {
        std::fprintf(stderr, "  failed: %s\n", r.data_file.c_str());
        for (const auto& d : r.diagnostics)
          if (d.severity == paiban::Severity::Error) {
            // Its first error, hints included, indented under the name.
            std::string text = d.format();
            for (size_t at = text.find('\n'); at != std::string::npos && at + 1 < text.size(); at = text.find('\n', at + 5))
              text.insert(at + 1, "    ");
            std::fprintf(stderr, "    %s", text.c_str());
            break;
          }
      }
    return failed ? kExitInput : 0;
  }
  if (*diff) {
    time_limit_code = kExitUsage;
    diff_options.creation_time = build_options.creation_time;
    auto result = paiban::diff_reports(diff_options, sink);
    std::fputs(sink.format_all().c_str(), stderr);
    if (!result) return kExitUsage;  // trouble, as diff(1)
    std::fputs((diff_json ? paiban::format_diff_json(*result) : paiban::format_diff_text(*result)).c_str(), stdout);
    return result->identical() ? 0 : 1;
  }
  if (*check) {
    paiban::check_report(check_options, sink);
    return report(sink);
  }
  if (*fonts_cmd) {
    std::string root = paiban::resource_root();
    auto set = paiban::fonts::load_font_set(root + "/fonts", sink);
    if (set)
      for (const auto& r : set->resolutions())
        std::printf("%s\t%s\t%s\t%s#%u%s%s\n", r.role.c_str(), r.chain.c_str(), r.request.c_str(), r.path.c_str(), r.index,
                    r.synthetic_bold ? "\tsynthetic bold" : "", r.synthetic_oblique ? "\tsynthetic oblique" : "");
    if (!fonts_options.report_dir.empty()) {
      int missing = 0;
      for (const auto& m : paiban::font_coverage(fonts_options, sink)) {
        std::string list;
        for (char32_t cp : m.code_points) {
          std::string ch;
          paiban::append_utf8(ch, cp);
          list += fmt::format(" U+{:04X} {}", static_cast<uint32_t>(cp), ch);
        }
        std::printf("%s\t%s\n", m.role.c_str(), m.code_points.empty() ? "covers every character" : ("missing:" + list).c_str());
        missing += static_cast<int>(m.code_points.size());
      }
      // (The diagnostics first: a warning such as a substitute font explains the gaps.)
      int code = report(sink);
      return missing > 0 ? kExitInput : code;
    }
    return report(sink);
  }
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::bad_alloc&) {
    std::fputs(memory_limit_message, stderr);
    return kExitInput;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "paiban: internal error: %s\n", e.what());
    return kExitInternal;
  } catch (...) {
    std::fprintf(stderr, "paiban: internal error\n");
    return kExitInternal;
  }
}
