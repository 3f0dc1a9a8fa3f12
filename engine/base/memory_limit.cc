#include "base/memory_limit.h"

#include <fcntl.h>
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>

#include <condition_variable>
#include <mutex>

namespace paiban {
namespace {

std::mutex limit_mutex;
rlim_t limit_bytes = 0;  // (0: none)
bool in_headroom = false;

std::mutex expected_mutex;
std::condition_variable limit_set;
bool limit_expected = false;

void release_waiting_threads() {
  {
    std::lock_guard lock(expected_mutex);
    limit_expected = false;
  }
  limit_set.notify_all();
}

/// The address space the process has mapped, in bytes (0 if unknown). (No allocation: it
/// runs where the heap may not grow.)
rlim_t mapped_bytes() {
  int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char text[64];
  ssize_t n = read(fd, text, sizeof text - 1);
  close(fd);
  if (n <= 0) return 0;
  text[n] = '\0';
  return static_cast<rlim_t>(std::strtoull(text, nullptr, 10)) * static_cast<rlim_t>(sysconf(_SC_PAGESIZE));
}

/// (Under limit_mutex.)
void apply() {
  if (limit_bytes == 0) return;
  rlimit current{};
  if (getrlimit(RLIMIT_AS, &current) != 0) return;
  rlim_t soft = limit_bytes;
  if (in_headroom) {
    // (Past what is mapped already, which may be more than the limit: it counts only new mappings.)
    rlim_t mapped = mapped_bytes();
    rlim_t wider = (mapped > limit_bytes ? mapped : limit_bytes) + MemoryHeadroom::kHeadroom;
    if (current.rlim_max == RLIM_INFINITY || wider <= current.rlim_max) soft = wider;
  }
  if (current.rlim_max != RLIM_INFINITY && soft > current.rlim_max) soft = current.rlim_max;
  rlimit limit{soft, current.rlim_max};
  setrlimit(RLIMIT_AS, &limit);
}

}  // namespace

void share_one_malloc_arena() {
#if !defined(__SANITIZE_ADDRESS__)
  mallopt(M_ARENA_MAX, 1);
#endif
}

void expect_memory_limit() {
#if !defined(__SANITIZE_ADDRESS__)
  std::lock_guard lock(expected_mutex);
  limit_expected = true;
#endif
}

void wait_for_memory_limit() {
  std::unique_lock lock(expected_mutex);
  limit_set.wait(lock, [] { return !limit_expected; });
}

void set_memory_limit(int mb) {
#if !defined(__SANITIZE_ADDRESS__)
  // (AddressSanitizer reserves terabytes of address space: no limit under it.)
  if (mb > 0) {
    std::lock_guard lock(limit_mutex);
    limit_bytes = static_cast<rlim_t>(mb) << 20;
    apply();
  }
#else
  (void)mb;
#endif
  release_waiting_threads();
}

bool near_memory_limit() {
  std::lock_guard lock(limit_mutex);
  return limit_bytes != 0 && mapped_bytes() + MemoryHeadroom::kHeadroom >= limit_bytes;
}

MemoryHeadroom::MemoryHeadroom() {
  limit_mutex.lock();
  in_headroom = true;
  apply();
}

MemoryHeadroom::~MemoryHeadroom() {
  in_headroom = false;
  apply();
  limit_mutex.unlock();
}

}  // namespace paiban
