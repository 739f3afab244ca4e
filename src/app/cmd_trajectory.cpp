// `epochscope trajectory FILE --out FILE.csv`: the run's path in parameter space, on the top 12
// principal components of its snapshots.
#include <fmt/core.h>
#include <fmt/os.h>

#include "commands.hpp"
#include "epochscope/io/session.hpp"
#include "epochscope/project/trajectory.hpp"

namespace epochscope::app {

int run_trajectory(const TrajectoryCommand& cmd) {
  // Every run's snapshots, stacked: one PCA, one shared basis, so several runs compare directly.
  struct Run {
    std::string name;
    std::vector<store::TrajectoryPoint> points;
  };
  std::vector<Run> runs;
  std::size_t dims = 0, total = 0;
  for (const auto& file : cmd.files) {
    auto s = io::read_session(file);
    if (!s.warning.empty()) fmt::print(stderr, "epochscope: warning: {}\n", s.warning);
    if (s.trajectory.size() < 2) {
      throw Error(file.string() + ": holds " + std::to_string(s.trajectory.size()) +
                  " parameter snapshots; a trajectory needs 2 or more (sessions before format 1.2 have none)");
    }
    if (dims == 0) dims = s.trajectory.front().sketch.size();
    if (s.trajectory.front().sketch.size() != dims) {
      throw Error(file.string() + ": its snapshots are sketched differently from " + cmd.files.front().string() +
                  "'s; they cannot share a basis");
    }
    total += s.trajectory.size();
    runs.push_back({file.stem().string(), std::move(s.trajectory)});
  }
  if (runs.empty()) throw Error("no session file given");
  std::vector<const std::vector<store::TrajectoryPoint>*> stacked;
  for (const auto& r : runs) stacked.push_back(&r.points);
  const auto pca = project::trajectory_pca(store::stack_sketches(stacked), 12);
  const auto k = pca.coordinates.cols();
  const bool several = runs.size() > 1;  // one file: the documented columns; several: a run column first
  auto out = fmt::output_file(cmd.out.string());
  out.print("{}step,epoch,loss", several ? "run," : "");
  for (Eigen::Index c = 0; c < 12; ++c) out.print(",pc{}", c + 1);
  out.print("\n");
  Eigen::Index row = 0;
  for (const auto& r : runs) {
    for (const auto& p : r.points) {
      if (several) out.print("{},", r.name);
      out.print("{},{},{:.6g}", p.step, p.epoch, p.loss);
      // Components beyond the snapshots' rank are 0 (a run of 5 snapshots has 4).
      for (Eigen::Index c = 0; c < 12; ++c) out.print(",{:.6g}", c < k ? pca.coordinates(row, c) : 0.0f);
      out.print("\n");
      ++row;
    }
  }
  out.close();
  double top2 = 0;
  for (std::size_t c = 0; c < pca.explained_ratio.size() && c < 2; ++c) top2 += pca.explained_ratio[c];
  fmt::print("epochscope: wrote {} snapshots of {} run{} on {} shared components to {}; PC1 and PC2 explain {:.1f}% of the variance\n",
             total, runs.size(), several ? "s" : "", k, cmd.out.string(), 100 * top2);
  return 0;
}

}  // namespace epochscope::app
