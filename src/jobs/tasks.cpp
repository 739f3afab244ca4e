#include "epochscope/jobs/tasks.hpp"

#include <algorithm>

#include "epochscope/core/thread_priority.hpp"

namespace epochscope::jobs {

TaskRunner::TaskRunner(TaskRunnerOptions options) {
  const int n = std::max(1, options.threads);
  for (int i = 0; i < n; ++i) threads_.emplace_back([this, nice = options.nice] { work(nice); });
}

TaskRunner::~TaskRunner() {
  std::deque<Job> dropped;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    dropped.swap(queue_);
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
  for (auto& job : dropped) job.cancel();
}

std::size_t TaskRunner::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void TaskRunner::enqueue(std::function<void()> run, std::function<void()> cancel) {
  {
    std::lock_guard lock(mutex_);
    if (stop_) {
      cancel();
      return;
    }
    queue_.push_back({std::move(run), std::move(cancel)});
  }
  wake_.notify_one();
}

void TaskRunner::work(int nice) {
  lower_thread_priority(nice);
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job.run();  // catches everything itself
  }
}

}  // namespace epochscope::jobs
