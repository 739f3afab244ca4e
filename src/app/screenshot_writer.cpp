#include "screenshot_writer.hpp"

#include <exception>
#include <utility>

#include "epochscope/render/screenshot.hpp"

namespace epochscope::app {

ScreenshotWriter::~ScreenshotWriter() {
  for (auto& w : writes_) {
    if (w.thread.joinable()) w.thread.join();
  }
}

void ScreenshotWriter::save(std::filesystem::path path, int width, int height, std::vector<std::uint8_t> rgba) {
  // Writes that are done are joined here (their threads have ended or are ending).
  std::erase_if(writes_, [](Write& w) {
    if (!w.done->load()) return false;
    w.thread.join();
    return true;
  });
  auto done = std::make_unique<std::atomic<bool>>(false);
  std::atomic<bool>* flag = done.get();
  writes_.push_back({std::move(done), std::jthread([this, flag, path = std::move(path), width, height, rgba = std::move(rgba)] {
    Outcome outcome{path.string(), {}};
    try {
      render::write_png(path, width, height, rgba);
    } catch (const std::exception& e) {
      outcome.error = e.what();
    }
    {
      std::lock_guard lock(mutex_);
      finished_.push_back(std::move(outcome));
    }
    flag->store(true);
  })});
}

std::vector<ScreenshotWriter::Outcome> ScreenshotWriter::take_finished() {
  std::lock_guard lock(mutex_);
  return std::exchange(finished_, {});
}

}  // namespace epochscope::app
