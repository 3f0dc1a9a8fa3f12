#pragma once
// CPU time, for the timings PAIBAN_TIMINGS prints (work on other threads
// runs beside the main one, so wall time alone would hide or double it).
#include <ctime>

namespace paiban {

inline double cpu_ms(clockid_t clock) {
  timespec t;
  clock_gettime(clock, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

/// CPU time the calling thread has used, in ms.
inline double thread_cpu_ms() { return cpu_ms(CLOCK_THREAD_CPUTIME_ID); }

/// CPU time all threads of the process have used, in ms.
inline double process_cpu_ms() { return cpu_ms(CLOCK_PROCESS_CPUTIME_ID); }

}  // namespace paiban
