#include "cli/batch_process.h"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

#include <fmt/format.h>

#include "base/memory_limit.h"
#include "compose/lines.h"

namespace paiban {
namespace {

/// A worker process: it takes job numbers from its command pipe, one at a
/// time, and sends each result back before it reads the next.
struct Worker {
  pid_t pid = -1;
  int command_fd = -1;  ///< write end: job numbers
  int result_fd = -1;   ///< read end: results
  bool busy = false;
  size_t job = 0;
  std::string received;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  bool timed_out = false;
};

bool write_all(int fd, const char* p, size_t left) {
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}

bool read_all(int fd, char* p, size_t left) {
  while (left > 0) {
    ssize_t n = ::read(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}

/// In the worker: limits, then jobs until the command pipe closes. Never returns.
[[noreturn]] void worker_main(int command_fd, int result_fd, const JobLimits& limits,
                              const std::function<std::string(size_t)>& job) {
  // The parent's SIGINT and SIGTERM handlers stay (they remove this
  // process's temporary files); its time is the parent's to watch.
  signal(SIGALRM, SIG_DFL);
  alarm(0);
  // A parent that dies (killed outright) takes its workers with it.
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() == 1) _exit(5);
  // (The parent's arenas are all free for the taking in a forked child: its threads share one.)
  if (limits.max_memory_mb > 0) {
    share_one_malloc_arena();
    compose::prepare_break_engines();  // (before the limit: see there)
  }
  set_memory_limit(limits.max_memory_mb);
  for (;;) {
    uint64_t i = 0;
    if (!read_all(command_fd, reinterpret_cast<char*>(&i), sizeof i)) _exit(0);
    int code = 0;
    try {
      std::string result = job(static_cast<size_t>(i));
      // "R<size>:" + result: a finished job (a worker that dies mid-write sends less).
      std::string head = fmt::format("R{}:", result.size());
      if (!write_all(result_fd, head.data(), head.size()) || !write_all(result_fd, result.data(), result.size())) _exit(0);
      continue;
    } catch (const std::bad_alloc&) {
      code = 3;
    } catch (...) {
      code = 4;
    }
    // _exit: no static destructors, no atexit handlers of the parent's.
    _exit(code);
  }
}

/// What a worker's exit status says about why its job sent no result.
std::string failure_of(int status, const Worker& w, const JobLimits& limits) {
  if (w.timed_out) return fmt::format("took longer than the time limit ({} s, --max-seconds)", limits.max_seconds);
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    if (sig == SIGXCPU) return fmt::format("took longer than the time limit ({} s, --max-seconds)", limits.max_seconds);
    if (sig == SIGKILL) return "was killed (SIGKILL), perhaps for lack of memory";
    return fmt::format("crashed (signal {}, {})", sig, strsignal(sig));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
    return fmt::format("ran out of memory (the limit is {} MB, --max-memory-mb)", limits.max_memory_mb);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 4) return "stopped on an internal error";
  return fmt::format("ended without a result (exit status {})", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/// A whole result at the start of RECEIVED ("R<size>:<bytes>"): moved to
/// OUT and removed from RECEIVED.
bool take_result(std::string& received, std::string& out) {
  size_t colon = received.find(':');
  if (received.empty() || received[0] != 'R' || colon == std::string::npos) return false;
  char* end = nullptr;
  unsigned long long size = std::strtoull(received.c_str() + 1, &end, 10);
  if (end != received.c_str() + colon || received.size() - colon - 1 < size) return false;
  out = received.substr(colon + 1, size);
  received.erase(0, colon + 1 + size);
  return true;
}

}  // namespace

void run_in_processes(size_t count, int jobs, const JobLimits& limits,
                      const std::function<std::string(size_t)>& job,
                      const std::function<void(size_t, JobOutcome)>& on_done) {
  if (jobs < 1) jobs = 1;
  // A pool of workers forked from this process; one that crashes, hangs
  // (killed at its job's deadline) or runs out of memory fails its job and
  // is replaced by a new fork. (A worker per job costs a process's start
  // and its first touches of memory for every report.)
  std::vector<Worker> workers;
  size_t next = 0;
  auto spawn = [&]() -> bool {
    int commands[2], results[2];
    if (::pipe2(commands, O_CLOEXEC) != 0) return false;
    if (::pipe2(results, O_CLOEXEC) != 0) {
      ::close(commands[0]);
      ::close(commands[1]);
      return false;
    }
    std::fflush(nullptr);  // nothing buffered is written twice
    pid_t pid = ::fork();
    if (pid == 0) {
      ::close(commands[1]);
      ::close(results[0]);
      for (const auto& w : workers) {  // the other workers' pipes are not this one's
        ::close(w.command_fd);
        ::close(w.result_fd);
      }
      worker_main(commands[0], results[1], limits, job);
    }
    ::close(commands[0]);
    ::close(results[1]);
    if (pid < 0) {
      ::close(commands[1]);
      ::close(results[0]);
      return false;
    }
    Worker w;
    w.pid = pid;
    w.command_fd = commands[1];
    w.result_fd = results[0];
    workers.push_back(std::move(w));
    return true;
  };
  auto assign = [&](Worker& w) {
    uint64_t i = next++;
    w.busy = true;
    w.job = static_cast<size_t>(i);
    w.received.clear();
    w.timed_out = false;
    w.deadline = limits.max_seconds > 0 ? std::chrono::steady_clock::now() + std::chrono::seconds(limits.max_seconds)
                                        : std::chrono::steady_clock::time_point::max();
    if (!write_all(w.command_fd, reinterpret_cast<const char*>(&i), sizeof i)) ::kill(w.pid, SIGKILL);
  };
  signal(SIGPIPE, SIG_IGN);  // a worker gone while it is sent a job: seen at its end of file
  while (next < count || std::any_of(workers.begin(), workers.end(), [](const Worker& w) { return w.busy; })) {
    // Keep the pool full while jobs remain, and every worker busy.
    while (next < count && static_cast<int>(workers.size()) < std::min<int>(jobs, static_cast<int>(count))) {
      if (!spawn()) break;
    }
    if (workers.empty()) {
      // No process could be started: the job runs here.
      size_t i = next++;
      on_done(i, {true, job(i), {}});
      continue;
    }
    for (auto& w : workers)
      if (!w.busy && next < count) assign(w);
    std::vector<pollfd> fds;
    auto now = std::chrono::steady_clock::now();
    auto nearest = std::chrono::steady_clock::time_point::max();
    for (const auto& w : workers) {
      fds.push_back({w.result_fd, POLLIN, 0});
      if (w.busy) nearest = std::min(nearest, w.deadline);
    }
    int timeout = -1;
    if (nearest != std::chrono::steady_clock::time_point::max())
      timeout = static_cast<int>(std::max<long long>(
          0, std::chrono::duration_cast<std::chrono::milliseconds>(nearest - now).count() + 1));
    int n = ::poll(fds.data(), fds.size(), timeout);
    if (n < 0 && errno != EINTR) break;
    now = std::chrono::steady_clock::now();
    for (size_t k = workers.size(); k-- > 0;) {
      Worker& w = workers[k];
      bool ended = false;
      if (fds[k].revents & (POLLIN | POLLHUP | POLLERR)) {
        char buffer[65536];
        ssize_t got = ::read(w.result_fd, buffer, sizeof buffer);
        if (got > 0) w.received.append(buffer, static_cast<size_t>(got));
        else if (got == 0 || errno != EINTR) ended = true;
      }
      std::string result;
      if (w.busy && !w.timed_out && take_result(w.received, result)) {
        w.busy = false;
        size_t i = w.job;
        on_done(i, {true, std::move(result), {}});
        continue;  // (workers[k] may be reused: nothing after this touches it)
      }
      if (!ended && w.busy && now >= w.deadline && !w.timed_out) {
        w.timed_out = true;
        ::kill(w.pid, SIGKILL);
      }
      if (!ended) continue;
      ::close(w.result_fd);
      ::close(w.command_fd);
      int status = 0;
      while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
      }
      bool busy = w.busy;
      size_t i = w.job;
      JobOutcome outcome;
      outcome.failure = failure_of(status, w, limits);
      workers.erase(workers.begin() + static_cast<long>(k));
      if (busy) on_done(i, std::move(outcome));
    }
  }
  // No more jobs: the workers see the end of their command pipes and exit.
  for (auto& w : workers) {
    ::close(w.command_fd);
    ::close(w.result_fd);
  }
  for (auto& w : workers) {
    int status = 0;
    while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

std::string test_fault_for(const std::string& name) {
  const char* faults = std::getenv("PAIBAN_TEST_FAULTS");
  if (!faults) return {};
  std::string list = faults;
  for (size_t at = 0; at <= list.size();) {
    size_t comma = list.find(',', at);
    if (comma == std::string::npos) comma = list.size();
    std::string item = list.substr(at, comma - at);
    size_t colon = item.find(':');
    if (colon != std::string::npos && item.substr(0, colon) == name) return item.substr(colon + 1);
    at = comma + 1;
  }
  return {};
}

}  // namespace paiban
