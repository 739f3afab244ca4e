// `epochscope trajectory FILE --out FILE.csv`: the run's path in parameter space, on the top 12
// principal components of its snapshots.
#include <fmt/core.h>
#include <fmt/os.h>

#include "commands.hpp"
#include "epochscope/io/session.hpp"
#include "epochscope/project/trajectory.hpp"

namespace epochscope::app {

int run_trajectory(const TrajectoryCommand& cmd) {
  const auto s = io::read_session(cmd.file);
  if (!s.warning.empty()) fmt::print(stderr, "epochscope: warning: {}\n", s.warning);
  if (s.trajectory.size() < 2) {
    throw Error(cmd.file.string() + ": holds " + std::to_string(s.trajectory.size()) +
                " parameter snapshots; a trajectory needs 2 or more (sessions before format 1.2 have none)");
  }
  const auto n = static_cast<Eigen::Index>(s.trajectory.size());
  const auto dims = static_cast<Eigen::Index>(s.trajectory.front().sketch.size());
  Matrix sketches(n, dims);
  for (Eigen::Index i = 0; i < n; ++i) {
    sketches.row(i) = Eigen::Map<const Eigen::RowVectorXf>(s.trajectory[static_cast<std::size_t>(i)].sketch.data(), dims);
  }
  const auto pca = project::trajectory_pca(sketches, 12);
  const auto k = pca.coordinates.cols();
  auto out = fmt::output_file(cmd.out.string());
  out.print("step,epoch,loss");
  for (Eigen::Index c = 0; c < 12; ++c) out.print(",pc{}", c + 1);
  out.print("\n");
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto& p = s.trajectory[static_cast<std::size_t>(i)];
    out.print("{},{},{:.6g}", p.step, p.epoch, p.loss);
    // Components beyond the snapshots' rank are 0 (a run of 5 snapshots has 4).
    for (Eigen::Index c = 0; c < 12; ++c) out.print(",{:.6g}", c < k ? pca.coordinates(i, c) : 0.0f);
    out.print("\n");
  }
  out.close();
  double top2 = 0;
  for (std::size_t c = 0; c < pca.explained_ratio.size() && c < 2; ++c) top2 += pca.explained_ratio[c];
  fmt::print("epochscope: wrote {} snapshots (steps {} to {}) on {} components to {}; PC1 and PC2 explain {:.1f}% of the path's variance\n",
             n, s.trajectory.front().step, s.trajectory.back().step, k, cmd.out.string(), 100 * top2);
  return 0;
}

}  // namespace epochscope::app
