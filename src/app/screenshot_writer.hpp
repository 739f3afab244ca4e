// Contract: F12's screenshots encoded and written off the window's thread. The window reads the
// pixels back (GL, on its thread, a few milliseconds) and hands them over; a thread of the writer
// encodes the PNG and writes it (at 1296 x 810 about 0.2 s, which on the window's thread was a frame
// of 178 ms). The window polls for the outcome each frame. Destroying the writer waits for the
// writes under way, so a screenshot taken just before the window closes is on disk.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace epochscope::app {

class ScreenshotWriter {
 public:
  struct Outcome {
    std::string path;   ///< the file written
    std::string error;  ///< why not (empty when written)
  };

  ScreenshotWriter() = default;
  ~ScreenshotWriter();  ///< joins the writes under way
  ScreenshotWriter(const ScreenshotWriter&) = delete;
  ScreenshotWriter& operator=(const ScreenshotWriter&) = delete;

  /// Starts writing `rgba` (width x height, top row first) as a PNG at `path`; returns at once.
  void save(std::filesystem::path path, int width, int height, std::vector<std::uint8_t> rgba);
  /// The writes that finished since the last call, in the order they finished.
  std::vector<Outcome> take_finished();

 private:
  std::mutex mutex_;
  std::vector<Outcome> finished_;  ///< guarded by mutex_
  struct Write {
    std::unique_ptr<std::atomic<bool>> done;
    std::jthread thread;
  };
  std::vector<Write> writes_;  ///< the window's thread only
};

}  // namespace epochscope::app
