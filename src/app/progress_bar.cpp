#include "progress_bar.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace epochscope::app {

std::string format_duration(double seconds) {
  if (seconds < 0 || !std::isfinite(seconds)) return "--";
  const long s = std::lround(seconds);
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, (s / 60) % 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

ProgressBar::ProgressBar(bool enabled) : enabled_(enabled && ::isatty(STDERR_FILENO) == 1) {}

void ProgressBar::draw(const train::TrainProgress& p, double eta_seconds) {
  if (!enabled_) return;
  constexpr int kWidth = 24;
  const double frac = p.batches > 0 ? static_cast<double>(p.batch) / p.batches : 0.0;
  const int filled = static_cast<int>(frac * kWidth);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kWidth, '.');
  fmt::print(stderr, "\r\033[Kepoch {}/{} [{}] batch {}/{} loss {:.4f} acc {:5.1f}% {:6.0f} img/s ETA {}", p.epoch,
             p.epochs, bar, p.batch, p.batches, p.loss, 100 * p.accuracy, p.images_per_second,
             format_duration(eta_seconds));
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::draw_custom(const std::string& text, double fraction) {
  if (!enabled_) return;
  constexpr int kWidth = 24;
  const int filled = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * kWidth);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kWidth, '.');
  fmt::print(stderr, "\r\033[K[{}] {}", bar, text);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::line(const std::string& text) {
  if (drawn_) fmt::print(stderr, "\r\033[K");
  fmt::print(stderr, "{}\n", text);
  drawn_ = false;
}

void ProgressBar::finish() {
  if (drawn_) fmt::print(stderr, "\r\033[K");
  drawn_ = false;
}

}  // namespace epochscope::app
