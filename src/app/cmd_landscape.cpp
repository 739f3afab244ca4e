// `epochscope landscape FILE --out FILE.csv`: the training loss over the plane of the path in
// parameter space (Li et al. 2018), from the full parameter snapshots a session holds (format 1.7).
// CSV: kind,frame,epoch,a,b,loss; a `path` row per frame (its exact projection onto the plane, and
// the loss at the frame's own parameters), then a `grid` row per grid point, b-major (README).
#include <fmt/core.h>
#include <fmt/os.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "commands.hpp"
#include "epochscope/io/session.hpp"
#include "epochscope/train/landscape.hpp"

namespace epochscope::app {

int run_landscape(const LandscapeCommand& cmd) {
  const auto s = io::read_session(cmd.file);
  if (!s.warning.empty()) fmt::print(stderr, "epochscope: warning: {}\n", s.warning);
  std::size_t sample = 0;
  std::unique_ptr<train::LandscapeRun> run;
  try {
    run = train::session_landscape(*s.points, s.frames, s.meta, cmd.options, &sample);
  } catch (const Error& e) {
    throw Error(cmd.file.string() + ": " + e.what());
  }
  // In slices, so a terminal sees how far it is.
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  const auto start = std::chrono::steady_clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  while (!run->run(std::max<std::size_t>(1, run->total() / 50))) {
    if (!tty) continue;
    const double per = seconds() / double(run->done());
    fmt::print(stderr, "\rlandscape: {}/{} losses, {:.0f} s left   ", run->done(), run->total(), per * double(run->total() - run->done()));
    std::fflush(stderr);
  }
  if (tty) fmt::print(stderr, "\r{:60}\r", "");
  const double took = seconds();
  const auto land = run->result();
  const auto& plane = run->plane();

  const auto tmp = cmd.out.string() + ".tmp";
  {
    auto out = fmt::output_file(tmp);
    out.print("kind,frame,epoch,a,b,loss\n");
    for (std::size_t i = 0; i < plane.path.size(); ++i) {
      const auto& p = plane.path[i];
      out.print("path,{},{},{:.9g},{:.9g},{:.9g}\n", p.frame, p.epoch, p.a, p.b, land.path_loss[i]);
    }
    for (std::size_t ib = 0; ib < land.axes.b.size(); ++ib) {
      for (std::size_t ia = 0; ia < land.axes.a.size(); ++ia) {
        out.print("grid,,,{:.9g},{:.9g},{:.9g}\n", land.axes.a[ia], land.axes.b[ib], land.at(ia, ib));
      }
    }
  }
  std::filesystem::rename(tmp, cmd.out);

  std::size_t best = 0;
  for (std::size_t k = 1; k < land.loss.size(); ++k) best = land.loss[k] < land.loss[best] ? k : best;
  const std::size_t na = land.axes.a.size();
  double off = 0, reach = 0;  // how far the frames lie off the plane, against how far they lie from its centre
  for (const auto& p : plane.path) {
    off = std::max(off, p.off_plane);
    reach = std::max(reach, std::sqrt(p.a * p.a + p.b * p.b + p.off_plane * p.off_plane));
  }
  fmt::print("epochscope: landscape of {} frames over their plane in parameter space: directions explain {:.1f}% and {:.1f}% "
             "of the path{}; frames lie at most {:.1f}% of their distance off the plane\n",
             plane.path.size(), 100 * plane.explained[0], 100 * plane.explained[1],
             plane.random_directions > 0 ? fmt::format(" ({} random: the path spans fewer than two)", plane.random_directions) : "",
             reach > 0 ? 100 * off / reach : 0.0);
  fmt::print("epochscope: {} x {} grid, a {:.4g} to {:.4g}, b {:.4g} to {:.4g}; loss on {} training points: {:.4g} at the "
             "last frame, lowest {:.4g} at a = {:.4g}, b = {:.4g}\n",
             land.axes.a.size(), land.axes.b.size(), land.axes.a.front(), land.axes.a.back(), land.axes.b.front(),
             land.axes.b.back(), sample, land.centre_loss, land.loss[best], land.axes.a[best % na], land.axes.b[best / na]);
  fmt::print("epochscope: {} losses in {:.1f} s ({:.1f} ms each); wrote {}\n", land.total, took, 1000 * took / double(land.total),
             cmd.out.string());
  return 0;
}

}  // namespace epochscope::app
