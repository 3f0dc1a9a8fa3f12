#pragma once
// Work shared among threads that may not be had: a process near its memory
// limit (a batch child's RLIMIT_AS) cannot always map another thread's
// stack, and then the work runs on the threads there are.
#include <exception>
#include <mutex>
#include <new>
#include <system_error>
#include <thread>
#include <vector>

#include "base/memory_limit.h"

namespace paiban {

/// Whether this process may share work with helper threads (it may, unless told otherwise).
/// A batch that keeps every core busy with its own workers turns it off: there a helper thread
/// only adds its own cost. SideTask and run_on_threads then run the work on the calling thread.
void allow_helper_threads(bool allowed);
bool helper_threads_allowed();

/// A mutex for a cache that threads share and its owner moves (watch starts its caches
/// afresh by assignment): moving moves nothing; the new object has its own, unlocked mutex.
/// Nobody may use either object while it is moved.
class MovableMutex : public std::mutex {
 public:
  MovableMutex() = default;
  MovableMutex(MovableMutex&&) noexcept {}
  MovableMutex& operator=(MovableMutex&&) noexcept { return *this; }
};

/// Runs WORKER on up to THREADS threads, this one included, and waits for all.
/// WORKER takes its items from a shared counter, so any number of threads
/// does all the work. What WORKER throws on any thread (out of memory, say) is
/// thrown here once every thread has stopped: the first of them if several throw.
template <typename Worker>
void run_on_threads(unsigned threads, Worker&& worker) {
  if (!helper_threads_allowed()) threads = 1;
  std::mutex failure_mutex;
  std::exception_ptr failure;
  auto guarded = [&] {
    try {
      worker();
    } catch (...) {
      std::lock_guard lock(failure_mutex);
      if (!failure) failure = std::current_exception();
    }
  };
  if (threads > 1) wait_for_memory_limit();
  std::vector<std::thread> pool;
  try {
    pool.reserve(threads);
  } catch (const std::bad_alloc&) {
    threads = 1;
  }
  for (unsigned t = 1; t < threads; ++t) {
    try {
      pool.emplace_back(guarded);
    } catch (const std::exception&) {
      break;  // no thread to be had (no stack, no memory for its state): fewer do the work
    }
  }
  guarded();
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace paiban
