#include "base/memory_limit.h"

#include <fcntl.h>
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <unicode/uclean.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include <condition_variable>
#include <mutex>

namespace paiban {
namespace {

std::mutex limit_mutex;
rlim_t limit_bytes = 0;  // (0: none)
bool in_headroom = false;
rlim_t rescue_bytes = 0;  // (the limit once an allocation of ICU's was served past it; 0: none yet)
std::atomic<bool> exhausted{false};

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
  rlim_t soft = limit_bytes > rescue_bytes ? limit_bytes : rescue_bytes;
  if (in_headroom) {
    // (Past what is mapped already, which may be more than the limit: it counts only new mappings.)
    rlim_t mapped = mapped_bytes();
    rlim_t wider = (mapped > soft ? mapped : soft) + MemoryHeadroom::kHeadroom;
    if (current.rlim_max == RLIM_INFINITY || wider <= current.rlim_max) soft = wider;
  }
  if (current.rlim_max != RLIM_INFINITY && soft > current.rlim_max) soft = current.rlim_max;
  rlimit limit{soft, current.rlim_max};
  setrlimit(RLIMIT_AS, &limit);
}

#if !defined(__SANITIZE_ADDRESS__)  // (no limit under AddressSanitizer: see set_memory_limit)
/// An allocation of ICU's failed: the build is out of memory. ICU does not survive a failed
/// allocation everywhere (its dictionary break engine dereferences what it could not make, or
/// makes it again at every break), so the first such failure is served from a headroom past
/// what is mapped, and the build ends at its next check (throw_if_memory_exhausted).
void serve_failed_allocation() {
  exhausted = true;
  std::lock_guard lock(limit_mutex);
  if (rescue_bytes != 0 || limit_bytes == 0) return;
  rlim_t mapped = mapped_bytes();
  rescue_bytes = (mapped > limit_bytes ? mapped : limit_bytes) + MemoryHeadroom::kHeadroom;
  apply();
}

void* icu_alloc(const void*, size_t size) {
  void* p = std::malloc(size);
  if (p == nullptr && size != 0) {
    serve_failed_allocation();
    p = std::malloc(size);
  }
  return p;
}

void* icu_realloc(const void*, void* old, size_t size) {
  void* p = std::realloc(old, size);
  if (p == nullptr && size != 0) {
    serve_failed_allocation();
    p = std::realloc(old, size);
  }
  return p;
}

void icu_free(const void*, void* p) { std::free(p); }
#endif

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
    // (ICU's memory is malloc's either way, so what it allocated before is freed alike.)
    UErrorCode status = U_ZERO_ERROR;
    u_setMemoryFunctions(nullptr, icu_alloc, icu_realloc, icu_free, &status);
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

bool memory_exhausted() { return exhausted; }

void throw_if_memory_exhausted() {
  if (exhausted) throw std::bad_alloc();
}

void end_memory_exhaustion() {
  exhausted = false;
  std::lock_guard lock(limit_mutex);
  rescue_bytes = 0;  // (the limit is the one asked for again)
  apply();
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
