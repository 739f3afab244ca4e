#include "epochscope/core/thread_priority.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace epochscope {

void lower_thread_priority(int increment) {
  if (increment <= 0) return;
  // On Linux, PRIO_PROCESS with a thread id sets that thread's niceness alone.
  const auto tid = static_cast<id_t>(gettid());
  errno = 0;
  const int current = getpriority(PRIO_PROCESS, tid);
  if (errno != 0) return;
  setpriority(PRIO_PROCESS, tid, std::min(19, current + increment));
}

}  // namespace epochscope
