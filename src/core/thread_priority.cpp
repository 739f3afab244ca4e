#include "epochscope/core/thread_priority.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace epochscope {

namespace {

// The niceness of the thread `tid` (the main thread's when tid is the process id) into `out`;
// false when it cannot be read.
bool niceness(id_t tid, int& out) {
  errno = 0;
  out = getpriority(PRIO_PROCESS, tid);
  return errno == 0;
}

}  // namespace

void lower_thread_priority(int increment) {
  if (increment <= 0) return;
  // On Linux, PRIO_PROCESS with a thread id gets and sets that thread's niceness alone; with the
  // process id, the main thread's.
  int base = 0, current = 0;
  if (!niceness(static_cast<id_t>(getpid()), base) || !niceness(static_cast<id_t>(gettid()), current)) return;
  const int target = std::min(19, base + increment);
  if (current < target) setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), target);
}

int thread_priority_offset() {
  int base = 0, current = 0;
  if (!niceness(static_cast<id_t>(getpid()), base) || !niceness(static_cast<id_t>(gettid()), current)) return 0;
  return current - base;
}

}  // namespace epochscope
