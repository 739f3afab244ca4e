// The window's pool: sized from the machine's cores (see layout_pool.hpp).
#include <algorithm>

#include "epochscope/jobs/layout_pool.hpp"

namespace epochscope::jobs {

PoolOptions window_pool_options(unsigned cores) {
  const int c = std::max(1, static_cast<int>(cores));
  PoolOptions o;
  o.workers = std::clamp(c / 4, 1, 4);
  o.threads_per_job = std::clamp(c / (2 * o.workers), 1, 4);
  o.nice = 10;
  return o;
}

}  // namespace epochscope::jobs
