#pragma once
// Work shared among threads that may not be had: a process near its memory
// limit (a batch child's RLIMIT_AS) cannot always map another thread's
// stack, and then the work runs on the threads there are.
#include <system_error>
#include <thread>
#include <vector>

namespace paiban {

/// Runs WORKER on up to THREADS threads, this one included, and waits for all.
/// WORKER takes its items from a shared counter, so any number of threads
/// does all the work.
template <typename Worker>
void run_on_threads(unsigned threads, Worker&& worker) {
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) {
    try {
      pool.emplace_back(worker);
    } catch (const std::system_error&) {
      break;  // no thread to be had: fewer do the work
    }
  }
  worker();
  for (auto& t : pool) t.join();
}

}  // namespace paiban
