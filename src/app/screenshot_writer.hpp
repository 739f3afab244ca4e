// Contract: F12's screenshots encoded and written off the window's thread. The window reads the
// pixels back (GL, on its thread, a few milliseconds) and hands them over; the writer's own task
// runner (one thread, so writes finish in the order they were taken) encodes the PNG and writes it
// (at 1296 x 810 about 0.2 s, which on the window's thread was a frame of 178 ms). The window polls
// for the outcome each frame. Destroying the writer waits for every write handed over, so a
// screenshot taken just before the window closes is on disk.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "epochscope/jobs/tasks.hpp"

namespace epochscope::app {

class ScreenshotWriter {
 public:
  struct Outcome {
    std::string path;   ///< the file written
    std::string error;  ///< why not (empty when written)
  };

  ScreenshotWriter() = default;
  ~ScreenshotWriter();  ///< waits for the writes handed over
  ScreenshotWriter(const ScreenshotWriter&) = delete;
  ScreenshotWriter& operator=(const ScreenshotWriter&) = delete;

  /// Starts writing `rgba` (width x height, top row first) as a PNG at `path`; returns at once.
  void save(std::filesystem::path path, int width, int height, std::vector<std::uint8_t> rgba);
  /// The writes that finished since the last call, in the order they were taken.
  std::vector<Outcome> take_finished();

 private:
  jobs::TaskRunner runner_{{.threads = 1}};
  std::vector<std::pair<std::string, jobs::TaskPtr<bool>>> pending_;  ///< path, write; oldest first
};

}  // namespace epochscope::app
