// Contract: the view menu's exports. Each runs `epochscope render` (this executable) as a child
// process on the session file, on a thread of its own, so the window never waits for it; one at a
// time. The outcome is one line: where the files went, or the child's last error line.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "epochscope/ui/context.hpp"

namespace epochscope::app {

/// The `render` arguments for one export (after the executable): PNG at `png`, SVG at `svg` if not
/// empty.
std::vector<std::string> render_arguments(const ui::ExportRequest& r, const std::filesystem::path& session,
                                          const std::filesystem::path& png, const std::filesystem::path& svg);

/// `dir/stem-method-layer[-3d]-frameN.png` (and .svg), numbered -2, -3, ... past existing files.
std::filesystem::path export_path(const std::filesystem::path& dir, const std::string& stem, const ui::ExportRequest& r);

class Exporter {
 public:
  /// exe: this program; dir: where the files go (created when first needed).
  Exporter(std::filesystem::path exe, std::filesystem::path dir) : exe_(std::move(exe)), dir_(std::move(dir)) {}
  ~Exporter();  ///< stops a running export (its child killed) and joins
  Exporter(const Exporter&) = delete;
  Exporter& operator=(const Exporter&) = delete;
  /// Starts one export of `session`; returns the line to show now ("Exporting ..." or why not).
  std::string start(const ui::ExportRequest& r, const std::filesystem::path& session);
  bool busy() const { return busy_.load(); }
  /// The outcome of the export that finished since the last call, once.
  std::optional<std::string> take_result();

 private:
  std::filesystem::path exe_, dir_;
  std::atomic<bool> busy_{false};
  std::atomic<pid_t> child_{0};
  std::mutex mutex_;
  std::optional<std::string> result_;  ///< guarded by mutex_
  std::jthread thread_;
};

}  // namespace epochscope::app
