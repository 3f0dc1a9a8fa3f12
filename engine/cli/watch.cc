// paiban watch: inotify on the report, its layouts and fonts; a rebuild per change, caches kept.
#include "cli/watch.h"

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
#include "base/cpu_time.h"
#include "base/memory_limit.h"
#include "base/text_file.h"
#include "data/data.h"
#include "doc/document.h"
#include "layout/layout_spec.h"
#include "layout/paginate.h"
#include "pdf/writer.h"
#include "source/parse.h"
#include "text/shape.h"

#include "pipeline_internal.h"

namespace paiban {
namespace fs = std::filesystem;

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
      end_memory_exhaustion();  // (the next rebuild starts afresh)
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

}  // namespace paiban
