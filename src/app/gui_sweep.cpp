#include "gui_sweep.hpp"

#include <algorithm>

#include "epochscope/core/matrix.hpp"

namespace epochscope::app {

std::vector<std::filesystem::path> sweep_sessions(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".epochscope") files.push_back(entry.path());
  }
  if (ec) throw Error(dir.string() + ": cannot read the directory (" + ec.message() + ")");
  if (files.empty()) throw Error(dir.string() + ": holds no session files (*.epochscope); train --sweep ... --out DIR/ writes them");
  std::sort(files.begin(), files.end());
  return files;
}

void SweepOverlay::start(jobs::TaskRunner& tasks, std::vector<std::filesystem::path> files, Reader read) {
  if (files.empty() || !read) return;
  task_ = tasks.submit([files = std::move(files), read = std::move(read)] {
    Read out;
    for (const auto& f : files) {
      try {
        auto run = read(f.string());
        if (run.points.size() < 2) throw Error(f.string() + ": holds no parameter snapshots");
        out.runs.push_back(std::move(run));
      } catch (const std::exception& e) {
        if (out.errors.empty()) out.errors = e.what();  // the first; the other runs are still shown
      }
    }
    return out;
  });
}

bool SweepOverlay::poll(ui::UiContext& ctx, std::string& error) {
  if (!task_ || !task_->ready()) return false;
  if (task_->failed()) {
    error = task_->error();
  } else {
    auto& t = ctx.trajectory;
    for (const auto& run : task_->value().runs) t.others.push_back(run);
    t.refit = true;
    error = task_->value().errors;
  }
  task_.reset();
  return true;
}

}  // namespace epochscope::app
