#pragma once
// The process's memory limit (--max-memory-mb): a limit on its address space (RLIMIT_AS).
//
// Such a limit counts mappings, and glibc's malloc gives each thread an arena that reserves
// 64 MB of address space at once and grows inside it with no new mapping. An arena made
// before the limit is set could thus hold memory the limit forbids. So none is used after:
// - a process that will set a limit says so first (expect_memory_limit), and no helper
//   thread starts until it is set (wait_for_memory_limit: SideTask and run_on_threads);
// - the one thread that runs before it, fontconfig's, never ends, so that its arena is
//   never handed to another thread (fonts/font_set.cc).
// Arenas made under the limit have had their reservation counted by it.
#include <cstddef>

namespace paiban {

/// Makes every thread to come share one malloc arena (a batch worker, forked with its
/// parent's arenas, whose limit must hold with none of them).
void share_one_malloc_arena();

/// This process will set a memory limit (set_memory_limit): until it does, helper threads wait.
void expect_memory_limit();

/// Returns once no memory limit is expected that is not set yet.
void wait_for_memory_limit();

/// Limits the process's address space to MB megabytes (its soft limit: see MemoryHeadroom),
/// and lets the helper threads waiting for it start. MB 0 or less: no limit.
void set_memory_limit(int mb);

/// Whether the process has a memory limit and has mapped nearly all of it (within kHeadroom):
/// an allocation may have failed inside a library. HarfBuzz 6.0 can then crash destroying a
/// face whose table accelerator it could not make (it writes to its read-only Null object),
/// so the owners of faces leave them to the process's end instead.
bool near_memory_limit();

/// Whether an allocation of ICU's failed under the limit since the last end_memory_exhaustion.
/// (set_memory_limit gives ICU an allocator that serves the first such failure from a headroom,
/// since ICU does not survive it everywhere, and marks the build out of memory.)
bool memory_exhausted();

/// Throws std::bad_alloc where memory_exhausted(): after each pass through ICU, and before
/// the PDF is written.
void throw_if_memory_exhausted();

/// A new build begins after one that ran out of memory (watch).
void end_memory_exhaustion();

/// For the length of its scope, the process may map kHeadroom bytes past what it has mapped
/// or its limit, whichever is more. For the calls into a library that does not survive a
/// failed allocation (fontconfig dereferences what malloc returns): they are small, and the
/// build's own allocations fail as they would, after the scope. Scopes on several threads
/// take turns.
class MemoryHeadroom {
 public:
  static constexpr size_t kHeadroom = size_t{16} << 20;
  MemoryHeadroom();
  ~MemoryHeadroom();
  MemoryHeadroom(const MemoryHeadroom&) = delete;
  MemoryHeadroom& operator=(const MemoryHeadroom&) = delete;
};

}  // namespace paiban
