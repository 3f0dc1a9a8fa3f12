#include "base/side_task.h"

#include <atomic>
#include <system_error>

#include "base/memory_limit.h"
#include "base/threads.h"

namespace paiban {

namespace {
std::atomic<bool> helpers_allowed{true};
}  // namespace

void allow_helper_threads(bool allowed) { helpers_allowed = allowed; }
bool helper_threads_allowed() { return helpers_allowed; }

SideTask::SideTask(std::function<void()> work) : work_(std::move(work)) {
  if (!helper_threads_allowed()) return;  // join() runs the work
  wait_for_memory_limit();
  try {
    thread_ = std::thread([this] {
      try {
        work_();
      } catch (...) {
        failure_ = std::current_exception();
      }
    });
  } catch (const std::system_error&) {
    // No thread: join() runs the work.
  }
}

SideTask::~SideTask() {
  if (thread_.joinable()) thread_.join();
}

void SideTask::join() {
  if (joined_) return;
  joined_ = true;
  if (thread_.joinable()) {
    thread_.join();
    if (failure_) std::rethrow_exception(failure_);
  } else {
    work_();
  }
}

}  // namespace paiban
