#include "screenshot_writer.hpp"

#include <chrono>
#include <thread>

#include "epochscope/render/screenshot.hpp"

namespace epochscope::app {

ScreenshotWriter::~ScreenshotWriter() {
  // The runner drops queued tasks when destroyed: wait until its one thread has run them all.
  for (const auto& [path, task] : pending_) {
    while (!task->ready()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void ScreenshotWriter::save(std::filesystem::path path, int width, int height, std::vector<std::uint8_t> rgba) {
  std::string name = path.string();
  pending_.emplace_back(std::move(name), runner_.submit([path = std::move(path), width, height, rgba = std::move(rgba)] {
    render::write_png(path, width, height, rgba);
    return true;
  }));
}

std::vector<ScreenshotWriter::Outcome> ScreenshotWriter::take_finished() {
  std::vector<Outcome> out;
  while (!pending_.empty() && pending_.front().second->ready()) {  // one thread: they finish in order
    const auto& [path, task] = pending_.front();
    out.push_back({path, task->failed() ? task->error() : std::string()});
    pending_.erase(pending_.begin());
  }
  return out;
}

}  // namespace epochscope::app
