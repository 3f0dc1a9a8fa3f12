#pragma once
// The process's memory limit (--max-memory-mb): a limit on its address space.
#include <cstddef>

namespace paiban {

/// Makes every thread share one malloc arena. Call before any thread starts: each further
/// arena reserves 64 MB of address space up front and grows inside it with no new mapping,
/// so under an address-space limit a build could use what the limit forbids. With one
/// arena, the heap grows by mappings the limit counts.
void share_one_malloc_arena();

/// Limits the process's address space to MB megabytes (its soft limit: see MemoryHeadroom).
void set_memory_limit(int mb);

/// For the length of its scope, the process may map kHeadroom bytes over its limit. For the
/// calls into a library that does not survive a failed allocation (fontconfig dereferences
/// what malloc returned): they are small, and the build's own allocations still fail as they
/// would, after the scope. Scopes on several threads take turns.
class MemoryHeadroom {
 public:
  static constexpr size_t kHeadroom = size_t{16} << 20;
  MemoryHeadroom();
  ~MemoryHeadroom();
  MemoryHeadroom(const MemoryHeadroom&) = delete;
  MemoryHeadroom& operator=(const MemoryHeadroom&) = delete;
};

}  // namespace paiban
