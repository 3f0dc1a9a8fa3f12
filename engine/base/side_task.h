#pragma once
// Work done beside the caller's: a thread of its own when one can be had.
#include <exception>
#include <functional>
#include <thread>

namespace paiban {

/// Starts WORK on a thread of its own. join() waits for it and rethrows what
/// it threw (out of memory, say), so that it is reported as on the caller's
/// thread. When no thread can be had (near a memory limit), WORK runs in
/// join() instead, after the caller's own work. Leaving the scope without
/// join() (an exception on the caller's side) waits for the thread and drops
/// what it threw. Where helper threads are not allowed (threads.h), WORK runs in join() too.
class SideTask {
 public:
  explicit SideTask(std::function<void()> work);
  ~SideTask();
  SideTask(const SideTask&) = delete;
  SideTask& operator=(const SideTask&) = delete;
  void join();

 private:
  std::function<void()> work_;
  std::thread thread_;
  std::exception_ptr failure_;
  bool joined_ = false;
};

}  // namespace paiban
