// `epochscope info --follow FILE`: watches a session file another process is appending to and
// prints each frame as it lands, like `tail -f` for training runs.
#include <fmt/core.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "commands.hpp"
#include "epochscope/io/session_follow.hpp"

namespace epochscope::app {
namespace {

std::atomic<int> g_follow_signal{0};  // written by the signal handler only
extern "C" void on_follow_signal(int sig) { g_follow_signal.store(sig); }

using Clock = std::chrono::steady_clock;

std::string frame_line(const store::Frame& f, const io::SessionMeta& meta) {
  const auto& m = f.metrics;
  const auto epochs = meta.find("epochs");
  const std::string total = epochs == meta.end() ? "" : "/" + epochs->second;
  return fmt::format("epoch {:>3}{}: train loss {:.4f} acc {:5.1f}% | held-out loss {:.4f} acc {:5.1f}% | {:.2f} s",
                     f.epoch, total, m.train_loss, 100 * m.train_accuracy, m.heldout_loss, 100 * m.heldout_accuracy,
                     m.epoch_seconds);
}

std::string frame_json(const store::Frame& f) {
  const auto& m = f.metrics;
  nlohmann::ordered_json j = {{"index", f.index},
                              {"epoch", f.epoch},
                              {"train_loss", m.train_loss},
                              {"train_accuracy", m.train_accuracy},
                              {"heldout_loss", m.heldout_loss},
                              {"heldout_accuracy", m.heldout_accuracy},
                              {"wall_seconds", m.wall_seconds},
                              {"epoch_seconds", m.epoch_seconds}};
  return j.dump();
}

std::string describe(const io::SessionFollower& f) {
  const auto& ps = *f.points();
  std::string layers;
  for (const auto& l : ps.layers) layers += fmt::format(" {}/{}", l.name, l.width);
  return fmt::format("following {} (format {}.{}, dataset {}, {} points, layers{})", f.path().string(),
                     f.version_major(), f.version_minor(), ps.dataset, ps.size(), layers);
}

}  // namespace

int run_follow(const FollowCommand& cmd) {
  io::SessionFollower follower(cmd.file);
  std::signal(SIGINT, on_follow_signal);
  std::signal(SIGTERM, on_follow_signal);
  const auto poll = std::chrono::duration<double>(std::max(0.01, cmd.poll_seconds));
  auto last_news = Clock::now();
  std::size_t printed = 0;
  bool said_waiting = false;
  while (true) {
    const auto u = follower.poll();
    if (u.restarted) {
      fmt::print(stderr, "epochscope: {} was truncated or replaced: following the new run from its start\n",
                 cmd.file.string());
    }
    if (!follower.exists() && !said_waiting) {
      fmt::print(stderr, "epochscope: waiting for {} to appear\n", cmd.file.string());
      said_waiting = true;
    }
    if (u.header) fmt::print(stderr, "epochscope: {}\n", describe(follower));
    for (const auto& f : u.frames) {
      const auto line = cmd.json ? frame_json(*f) : frame_line(*f, follower.meta());
      std::fputs((line + "\n").c_str(), stdout);
      std::fflush(stdout);  // a pipe reader sees each frame at once
      ++printed;
      last_news = Clock::now();
      if (cmd.frames > 0 && printed >= cmd.frames) return 0;
    }
    if (!u.damage.empty()) {
      fmt::print(stderr, "epochscope: {}\n", u.damage);
      return 1;
    }
    if (u.ended) {
      fmt::print(stderr, "epochscope: the writer finished ({}) after {} frames\n",
                 follower.end_reason().empty() ? "no reason given" : follower.end_reason(), follower.frames());
      return 0;
    }
    if (g_follow_signal.load() != 0) {
      fmt::print(stderr, "epochscope: stopped by signal {} after {} frames\n", g_follow_signal.load(), printed);
      return 0;
    }
    const double quiet = std::chrono::duration<double>(Clock::now() - last_news).count();
    if (cmd.timeout > 0 && quiet >= cmd.timeout) {
      if (printed == 0) {
        fmt::print(stderr, "epochscope: no frame arrived in {} within {:g} s\n", cmd.file.string(), cmd.timeout);
        return 1;
      }
      fmt::print(stderr, "epochscope: no new frame for {:g} s: stopping after {} frames\n", cmd.timeout, printed);
      return 0;
    }
    std::this_thread::sleep_for(poll);
  }
}

}  // namespace epochscope::app
