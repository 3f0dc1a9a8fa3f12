#pragma once
// Jobs in child processes: one job's crash, hang or runaway memory cannot
// touch the others or the parent. A pool of JOBS workers is forked from the
// parent after it has loaded what every job shares (template, layout,
// fonts), so they read it copy-on-write; each has its own memory limit, the
// parent kills a worker whose job overruns its time, and a worker that dies
// fails only the job it was doing and is replaced by a new fork.
#include <functional>
#include <string>

namespace paiban {

struct JobLimits {
  int max_seconds = 0;    ///< wall time per job; 0: none
  int max_memory_mb = 0;  ///< address space per job; 0: none
};

/// How a job ended.
struct JobOutcome {
  bool finished = false;  ///< the job ran to its end and sent its result
  std::string result;     ///< what it sent (finished)
  std::string failure;    ///< why not (!finished): "crashed (signal 11, …)", "ran out of memory", …
};

/// Runs JOB(i) for every i < COUNT on at most JOBS worker processes under
/// LIMITS; ON_DONE(i, outcome) is called in this process, in the order jobs
/// end. JOB's return value is sent back through a pipe. The caller must have
/// no other threads running (fork copies only this one). When no worker can
/// be started the jobs run in this process instead.
void run_in_processes(size_t count, int jobs, const JobLimits& limits,
                      const std::function<std::string(size_t)>& job,
                      const std::function<void(size_t, JobOutcome)>& on_done);

/// Test-only faults, from PAIBAN_TEST_FAULTS="name:crash,other:hang": the
/// fault named for NAME, or "" (so that tests can show that a crashing or
/// hanging job is contained).
std::string test_fault_for(const std::string& name);

}  // namespace paiban
