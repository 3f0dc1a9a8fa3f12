#include "base/memory_limit.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstddef>

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

TEST(MemoryLimit, NoLimitWithoutANumber) {
  const size_t four_mb = size_t{4} << 20;
  int code = in_child([&] {
    set_memory_limit(0);  // (--max-memory-mb 0: no limit)
    { MemoryHeadroom headroom; }
    return can_map(four_mb) ? 0 : 1;
  });
  EXPECT_EQ(code, 0);
}

}  // namespace
}  // namespace paiban
