#include "exporter.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>

#include "epochscope/jobs/methods.hpp"

extern char** environ;

namespace epochscope::app {

std::vector<std::string> render_arguments(const ui::ExportRequest& r, const std::filesystem::path& session,
                                          const std::filesystem::path& png, const std::filesystem::path& svg) {
  std::vector<std::string> a = {"render", session.string(), "--method", jobs::method_name(r.key.method), "--layer",
                                r.key.layer, "--frame", std::to_string(r.frame), "--dims", std::to_string(r.key.dims),
                                "--size", fmt::format("{}x{}", r.width, r.height), "--scale", fmt::format("{:g}", r.scale),
                                "--theme", r.light ? "light" : "dark", "--png", png.string()};
  if (!svg.empty()) a.insert(a.end(), {"--svg", svg.string()});
  if (r.legend) a.emplace_back("--legend");
  if (!r.selection.empty()) {
    std::string list;
    for (std::size_t i = 0; i < r.selection.size() && i < 512; ++i) list += (i > 0 ? "," : "") + std::to_string(r.selection[i]);
    a.insert(a.end(), {"--select", list});
  }
  if (r.highlight >= 0) a.insert(a.end(), {"--highlight", std::to_string(r.highlight)});
  return a;
}

std::filesystem::path export_path(const std::filesystem::path& dir, const std::string& stem, const ui::ExportRequest& r) {
  const std::string base = fmt::format("{}-{}-{}{}-frame{}", stem, jobs::method_name(r.key.method), r.key.layer,
                                       r.key.dims == 3 ? "-3d" : "", r.frame);
  std::error_code ec;
  for (int n = 1;; ++n) {
    const auto name = n == 1 ? base : fmt::format("{}-{}", base, n);
    const auto png = dir / (name + ".png");
    if (!std::filesystem::exists(png, ec) && !std::filesystem::exists(dir / (name + ".svg"), ec)) return png;
  }
}

Exporter::~Exporter() {
  if (const pid_t pid = child_.load(); pid > 0) ::kill(pid, SIGTERM);
}

std::string Exporter::start(const ui::ExportRequest& r, const std::filesystem::path& session) {
  if (busy_.load()) return "An export is still running: one at a time";
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return fmt::format("cannot export: cannot create {} ({})", dir_.string(), ec.message());
  const auto png = export_path(dir_, session.stem().string(), r);
  auto svg = png;
  if (r.svg) svg.replace_extension(".svg");
  const auto args = render_arguments(r, session, png, r.svg ? svg : std::filesystem::path{});
  busy_ = true;
  if (thread_.joinable()) thread_.join();
  thread_ = std::jthread([this, args, png, svg, want_svg = r.svg] {
    const auto log = std::filesystem::path(png).replace_extension(".log");
    std::vector<char*> argv;
    std::string exe = exe_.string();
    argv.push_back(exe.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = 0;
    const int err = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    std::string outcome;
    if (err != 0) {
      outcome = fmt::format("export failed: cannot run {} ({})", exe, std::strerror(err));
    } else {
      child_ = pid;
      int status = 0;
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      child_ = 0;
      if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        outcome = want_svg ? fmt::format("Saved the view to {} and {}", png.string(), svg.filename().string())
                           : fmt::format("Saved the view to {}", png.string());
      } else {
        std::ifstream in(log);
        std::string line, last;
        while (std::getline(in, line)) {
          if (!line.empty()) last = line;
        }
        outcome = "export failed: " + (last.empty() ? std::string("render stopped") : last);
      }
    }
    std::error_code ec2;
    std::filesystem::remove(log, ec2);
    {
      std::lock_guard lock(mutex_);
      result_ = std::move(outcome);
    }
    busy_ = false;
  });
  return fmt::format("Exporting {}...", png.filename().string());
}

std::optional<std::string> Exporter::take_result() {
  std::lock_guard lock(mutex_);
  return std::exchange(result_, std::nullopt);
}

}  // namespace epochscope::app
