#include "base/memory_limit.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unicode/unistr.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <new>
#include <thread>

#include "base/side_task.h"

namespace paiban {
namespace {

/// Whether SIZE bytes can be mapped now (mapped and given back).
bool can_map(size_t size) {
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return false;
  munmap(p, size);
  return true;
}

/// Runs CHECK in a child process (the limit is the process's) and returns its exit code.
template <typename Check>
int in_child(Check check) {
  pid_t pid = fork();
  if (pid == 0) _exit(check());
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

TEST(MemoryLimit, NothingMoreIsMappedPastTheLimitButInsideAHeadroomScope) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves terabytes of address space, so paiban sets no memory limit under it";
#endif
  const size_t four_mb = size_t{4} << 20;
  int code = in_child([&] {
    if (!can_map(four_mb)) return 1;  // (no limit yet)
    set_memory_limit(1);              // far below what a process has mapped
    if (can_map(four_mb)) return 2;
    {
      MemoryHeadroom headroom;
      if (!can_map(four_mb)) return 3;
      if (can_map(MemoryHeadroom::kHeadroom + four_mb)) return 4;  // (the headroom has a size)
    }
    if (can_map(four_mb)) return 5;  // the limit is back
    {
      MemoryHeadroom again;  // (a scope may come again)
      if (!can_map(four_mb)) return 6;
    }
    return 0;
  });
  EXPECT_EQ(code, 0);
}

// ICU does not survive a failed allocation everywhere (its dictionary break engine crashed, or
// tried again at every break): its first one under the limit is served, and the build is told.
TEST(MemoryLimit, AnAllocationOfIcuPastTheLimitIsServedAndEndsTheBuild) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves terabytes of address space, so paiban sets no memory limit under it";
#endif
  const size_t four_mb = size_t{4} << 20;
  int code = in_child([&] {
    set_memory_limit(1);
    if (memory_exhausted()) return 1;
    icu::UnicodeString text;
    char16_t* buffer = text.getBuffer(static_cast<int32_t>(four_mb));  // 8 MB, through ICU's allocator
    if (buffer == nullptr) return 3;
    buffer[four_mb - 1] = u'中';
    text.releaseBuffer(static_cast<int32_t>(four_mb));
    if (text.length() != static_cast<int32_t>(four_mb) || text.charAt(static_cast<int32_t>(four_mb) - 1) != u'中') return 4;
    if (!memory_exhausted()) return 5;
    try {
      throw_if_memory_exhausted();
      return 6;
    } catch (const std::bad_alloc&) {
    }
    end_memory_exhaustion();
    if (memory_exhausted()) return 7;
    if (can_map(MemoryHeadroom::kHeadroom + four_mb)) return 8;  // (the limit asked for is back)
    return 0;
  });
  EXPECT_EQ(code, 0);
}

TEST(MemoryLimit, NoLimitWithoutANumber) {
  const size_t four_mb = size_t{4} << 20;
  int code = in_child([&] {
    set_memory_limit(0);  // (--max-memory-mb 0: no limit)
    { MemoryHeadroom headroom; }
    return can_map(four_mb) ? 0 : 1;
  });
  EXPECT_EQ(code, 0);
}

// Until an expected limit is set, no helper thread starts: an arena made before the limit
// could grow past it.
TEST(MemoryLimit, AHelperThreadStartsOnlyOnceTheExpectedLimitIsSet) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves terabytes of address space, so paiban sets no memory limit under it";
#endif
  int code = in_child([] {
    expect_memory_limit();
    std::atomic<bool> ran{false};
    std::thread setter([] {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      set_memory_limit(4096);
    });
    auto start = std::chrono::steady_clock::now();
    SideTask task([&] { ran = true; });  // waits here for the limit
    auto waited = std::chrono::steady_clock::now() - start;
    task.join();
    setter.join();
    if (!ran) return 1;
    if (waited < std::chrono::milliseconds(90)) return 2;
    start = std::chrono::steady_clock::now();
    SideTask again([] {});  // (no limit expected any more: no wait)
    again.join();
    if (std::chrono::steady_clock::now() - start > std::chrono::milliseconds(50)) return 3;
    return 0;
  });
  EXPECT_EQ(code, 0);
}

}  // namespace
}  // namespace paiban
