#include <gtest/gtest.h>
#include <malloc.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <new>
#include <string>

#include "base/diagnostic.h"
#include "base/memory_limit.h"
#include "base/text_file.h"
#include "source/parse.h"

namespace paiban::source {
namespace {

// Markdown whose nodes need more memory than is left: cmark-gfm runs out while it parses.
// Its own allocator would abort the process; the build must get std::bad_alloc instead (and
// from it the out-of-memory error).
TEST(SourceOutOfMemory, CmarkRunningOutOfMemoryThrowsInsteadOfAborting) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves terabytes of address space, so paiban sets no memory limit under it";
#endif
  pid_t pid = fork();
  if (pid == 0) {
    // The heap keeps what is freed (no trimming, nothing mapped on its own): the room made
    // below is what there is under the limit.
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    std::string text;
    for (int i = 0; i < 300000; ++i) text += "- a" + std::to_string(i) + "\n";
    TextFile file("r.md", std::move(text));
    DiagnosticSink sink;
    char* volatile room = static_cast<char*>(std::malloc(size_t{32} << 20));  // (volatile: kept)
    room[0] = 1;  // a few copies of the text, not its nodes
    std::free(room);
    set_memory_limit(1);
    try {
      parse_source(file, sink);
      _exit(2);  // (it all fitted: the test has not reached cmark's allocator)
    } catch (const std::bad_alloc&) {
      _exit(0);
    }
    _exit(3);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << "ended by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace paiban::source
