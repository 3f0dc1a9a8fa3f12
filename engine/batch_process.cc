#include "batch_process.h"

#include <malloc.h>

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

#include <fmt/format.h>

namespace paiban {
namespace {

/// A child at work.
struct Running {
  size_t job = 0;
  pid_t pid = -1;
  int fd = -1;  ///< read end of its result pipe
  std::string received;
  std::chrono::steady_clock::time_point deadline;
  bool timed_out = false;
};

void write_all(int fd, const std::string& bytes) {
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

/// In the child: limits, the job, its result down the pipe, exit. Never returns.
[[noreturn]] void child(size_t i, int fd, const JobLimits& limits, const std::function<std::string(size_t)>& job) {
  // The parent's SIGINT and SIGTERM handlers stay (they remove this
  // process's temporary files); its time is the parent's to watch.
  signal(SIGALRM, SIG_DFL);
  alarm(0);
  // A parent that dies (killed outright) takes its children with it.
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() == 1) _exit(5);
#if !defined(__SANITIZE_ADDRESS__)
  // Each thread's malloc arena reserves 64 MB of address space; under an
  // address-space limit the threads share one, so the limit measures memory used.
  if (limits.max_memory_mb > 0) mallopt(M_ARENA_MAX, 1);
  if (limits.max_memory_mb > 0) {
    rlim_t bytes = static_cast<rlim_t>(limits.max_memory_mb) << 20;
    rlimit limit{bytes, bytes};
    setrlimit(RLIMIT_AS, &limit);
  }
#endif
  if (limits.max_seconds > 0) {
    // CPU time as a backstop; the parent kills on wall time.
    rlimit cpu{static_cast<rlim_t>(limits.max_seconds) * 2 + 1, static_cast<rlim_t>(limits.max_seconds) * 2 + 2};
    setrlimit(RLIMIT_CPU, &cpu);
  }
  int code = 0;
  try {
    std::string result = job(i);
    // "R" + result: a finished job (a child that dies mid-write sends less).
    write_all(fd, fmt::format("R{}:", result.size()) + result);
  } catch (const std::bad_alloc&) {
    code = 3;
  } catch (...) {
    code = 4;
  }
  ::close(fd);
  // _exit: no static destructors, no atexit handlers of the parent's.
  _exit(code);
}

/// What a child's exit status says about why it sent no result.
std::string failure_of(int status, const Running& r, const JobLimits& limits) {
  if (r.timed_out) return fmt::format("took longer than the time limit ({} s, --max-seconds)", limits.max_seconds);
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

/// The result a finished child sent: "R<size>:<bytes>".
bool parse_result(const std::string& received, std::string& out) {
  if (received.size() < 3 || received[0] != 'R') return false;
  size_t colon = received.find(':');
  if (colon == std::string::npos) return false;
  char* end = nullptr;
  unsigned long long size = std::strtoull(received.c_str() + 1, &end, 10);
  if (end != received.c_str() + colon || received.size() - colon - 1 != size) return false;
  out = received.substr(colon + 1);
  return true;
}

}  // namespace

void run_in_processes(size_t count, int jobs, const JobLimits& limits,
                      const std::function<std::string(size_t)>& job,
                      const std::function<void(size_t, JobOutcome)>& on_done) {
  if (jobs < 1) jobs = 1;
  std::vector<Running> running;
  size_t next = 0;
  auto start = [&](size_t i) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      on_done(i, {true, job(i), {}});
      return;
    }
    std::fflush(nullptr);  // nothing buffered is written twice
    pid_t pid = ::fork();
    if (pid == 0) {
      ::close(fds[0]);
      child(i, fds[1], limits, job);
    }
    ::close(fds[1]);
    if (pid < 0) {
      ::close(fds[0]);
      on_done(i, {true, job(i), {}});
      return;
    }
    Running r;
    r.job = i;
    r.pid = pid;
    r.fd = fds[0];
    r.deadline = limits.max_seconds > 0 ? std::chrono::steady_clock::now() + std::chrono::seconds(limits.max_seconds)
                                        : std::chrono::steady_clock::time_point::max();
    running.push_back(std::move(r));
  };
  while (next < count || !running.empty()) {
    while (next < count && running.size() < static_cast<size_t>(jobs)) start(next++);
    if (running.empty()) continue;
    // Wait for output, an end of file, or the nearest deadline.
    std::vector<pollfd> fds;
    auto now = std::chrono::steady_clock::now();
    auto nearest = std::chrono::steady_clock::time_point::max();
    for (const auto& r : running) {
      fds.push_back({r.fd, POLLIN, 0});
      nearest = std::min(nearest, r.deadline);
    }
    int timeout = -1;
    if (nearest != std::chrono::steady_clock::time_point::max())
      timeout = static_cast<int>(std::max<long long>(
          0, std::chrono::duration_cast<std::chrono::milliseconds>(nearest - now).count() + 1));
    int n = ::poll(fds.data(), fds.size(), timeout);
    if (n < 0 && errno != EINTR) break;
    now = std::chrono::steady_clock::now();
    for (size_t k = running.size(); k-- > 0;) {
      Running& r = running[k];
      bool ended = false;
      if (fds[k].revents & (POLLIN | POLLHUP | POLLERR)) {
        char buffer[65536];
        ssize_t got = ::read(r.fd, buffer, sizeof buffer);
        if (got > 0) r.received.append(buffer, static_cast<size_t>(got));
        else if (got == 0 || errno != EINTR) ended = true;
      }
      if (!ended && now >= r.deadline && !r.timed_out) {
        r.timed_out = true;
        ::kill(r.pid, SIGKILL);
      }
      if (!ended) continue;
      ::close(r.fd);
      int status = 0;
      while (::waitpid(r.pid, &status, 0) < 0 && errno == EINTR) {
      }
      JobOutcome outcome;
      if (!r.timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0 && parse_result(r.received, outcome.result))
        outcome.finished = true;
      else
        outcome.failure = failure_of(status, r, limits);
      size_t i = r.job;
      running.erase(running.begin() + static_cast<long>(k));
      on_done(i, std::move(outcome));
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
