// Contract: work the window hands off so that its thread never waits on disk or heavy work
// (reading an evicted frame back from the session, another session file, a layout that is cheap but
// not free). A TaskRunner owns a few threads; submit() queues a function and returns at once with a
// Task handle that the caller polls (every frame, say): ready(), then value() or error(). A task
// that throws is ready with its exception's message as error(). Tasks start in submission order.
// Destroying the runner drops the queued tasks (their handles stay not ready, cancelled() true) and
// joins the running ones. Handles are shared and outlive the runner. Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace epochscope::jobs {

/// The result of a submitted function, filled in once by the runner's thread.
template <class T>
class Task {
 public:
  /// The function returned or threw: value() or error() may be read.
  bool ready() const { return ready_.load(std::memory_order_acquire); }
  /// The runner was destroyed before the function ran: it never will.
  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }
  bool failed() const { return ready() && !value_.has_value(); }
  /// Valid once ready() and not failed().
  const T& value() const { return *value_; }
  /// The exception's message once failed() (never empty then).
  const std::string& error() const { return error_; }

  // For the runner.
  void set_value(T v) {
    value_.emplace(std::move(v));
    ready_.store(true, std::memory_order_release);
  }
  void set_error(std::string e) {
    error_ = e.empty() ? std::string("failed") : std::move(e);
    ready_.store(true, std::memory_order_release);
  }
  void cancel() { cancelled_.store(true, std::memory_order_release); }

 private:
  std::optional<T> value_;
  std::string error_;
  std::atomic<bool> ready_{false};
  std::atomic<bool> cancelled_{false};
};

template <class T>
using TaskPtr = std::shared_ptr<const Task<T>>;

struct TaskRunnerOptions {
  int threads = 1;  ///< threads running tasks
  int nice = 0;     ///< added to their niceness (the window's runner yields to drawing)
};

class TaskRunner {
 public:
  explicit TaskRunner(TaskRunnerOptions options = {});
  ~TaskRunner();
  TaskRunner(const TaskRunner&) = delete;
  TaskRunner& operator=(const TaskRunner&) = delete;

  /// Queues fn (no arguments, returns a value) and returns its handle at once.
  template <class F>
  TaskPtr<std::invoke_result_t<F>> submit(F fn) {
    using T = std::invoke_result_t<F>;
    auto task = std::make_shared<Task<T>>();
    enqueue(
        [task, fn = std::move(fn)]() mutable {
          try {
            task->set_value(fn());
          } catch (const std::exception& e) {
            task->set_error(e.what());
          } catch (...) {
            task->set_error("unknown error");
          }
        },
        [task] { task->cancel(); });
    return task;
  }

  /// Tasks queued and not yet started.
  std::size_t queued() const;

 private:
  struct Job {
    std::function<void()> run, cancel;
  };
  void enqueue(std::function<void()> run, std::function<void()> cancel);
  void work(int nice);

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace epochscope::jobs
