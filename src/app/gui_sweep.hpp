// A directory of runs (what `epochscope train --sweep NAME=V1,V2,... --out DIR/` writes) opened with
// `--session DIR/`: the window shows the first session and overlays the others' parameter paths on
// the trajectory, in one basis (Lorch's comparison of optimisers in one command).
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "epochscope/jobs/tasks.hpp"
#include "epochscope/ui/context.hpp"

namespace epochscope::app {

/// The session files (*.epochscope) directly in `dir`, sorted by name. Throws epochscope::Error, in
/// one line, when it holds none.
std::vector<std::filesystem::path> sweep_sessions(const std::filesystem::path& dir);

/// Reads the runs to overlay on a worker and hands them to the trajectory once all are read.
class SweepOverlay {
 public:
  using Reader = std::function<ui::OverlayRun(const std::string& path)>;
  /// Starts reading `files` (nothing when empty) on `tasks`.
  void start(jobs::TaskRunner& tasks, std::vector<std::filesystem::path> files, Reader read);
  /// Once read: adds the runs to ctx.trajectory.others (refitting the basis) and returns true; a file
  /// that could not be read leaves `error` set (its one-line reason) and the others added.
  bool poll(ui::UiContext& ctx, std::string& error);

 private:
  struct Read {
    std::vector<ui::OverlayRun> runs;
    std::string errors;
  };
  jobs::TaskPtr<Read> task_;
};

}  // namespace epochscope::app
