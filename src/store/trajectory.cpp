#include "epochscope/store/trajectory.hpp"

#include <algorithm>
#include <cmath>

#include "epochscope/core/random.hpp"

namespace epochscope::store {

std::vector<float> sketch_parameters(std::span<const float> theta, int dims, std::uint64_t seed) {
  if (dims < 4) throw Error("parameter sketches need at least 4 dimensions");
  std::vector<float> out(static_cast<std::size_t>(dims), 0.0f);
  const auto d = static_cast<std::uint64_t>(dims);
  const std::uint64_t base = mix64(seed);
  for (std::size_t j = 0; j < theta.size(); ++j) {
    std::uint64_t h = mix64(base ^ (static_cast<std::uint64_t>(j) * 0x9e3779b97f4a7c15ULL));
    const float v = 0.5f * theta[j];  // 4 entries of +/- 1/2: unit norm per parameter
    for (int s = 0; s < 4; ++s) {
      // 16 bits of the hash per entry: 15 pick the dim (d <= 32768), 1 the sign. Collisions of two
      // entries on one dim only add (as in Kane & Nelson's block-free variant).
      const auto bits = (h >> (16 * s)) & 0xffffu;
      const auto dim = static_cast<std::size_t>((bits >> 1) % d);
      out[dim] += (bits & 1u) != 0 ? v : -v;
    }
  }
  return out;
}

Matrix stack_sketches(std::span<const std::vector<TrajectoryPoint>* const> runs) {
  std::size_t total = 0, dims = 0;
  for (const auto* run : runs) {
    total += run->size();
    if (dims == 0 && !run->empty()) dims = run->front().sketch.size();
  }
  Matrix out(static_cast<Eigen::Index>(total), static_cast<Eigen::Index>(dims));
  Eigen::Index row = 0;
  for (const auto* run : runs) {
    for (const auto& p : *run) {
      if (p.sketch.size() != dims) throw Error("parameter snapshots sketched differently cannot share one basis");
      out.row(row++) = Eigen::Map<const Eigen::RowVectorXf>(p.sketch.data(), static_cast<Eigen::Index>(dims));
    }
  }
  return out;
}

std::vector<float> heldout_loss_at_snapshots(std::span<const TrajectoryPoint> points,
                                             std::span<const float> frame_loss) {
  // The step of each frame: the last snapshot of an epoch <= f (one pass, then a running maximum;
  // this runs every frame the 3-D plot is drawn).
  const std::size_t frames = frame_loss.size();
  std::vector<int> last_of_epoch(frames, -1);
  for (const auto& p : points) {
    const auto e = static_cast<std::size_t>(std::max(p.epoch, 0));
    if (e < frames) last_of_epoch[e] = std::max(last_of_epoch[e], p.step);
  }
  std::vector<float> frame_step, loss;
  int step = -1;
  for (std::size_t f = 0; f < frames; ++f) {
    step = std::max(step, last_of_epoch[f]);
    if (step < 0) break;
    frame_step.push_back(static_cast<float>(step));
    loss.push_back(frame_loss[f]);
  }
  if (frame_step.empty()) return {};
  std::vector<float> out(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto s = static_cast<float>(points[i].step);
    // The last frame whose successor's step is not below s (frame steps never decrease).
    const auto f = static_cast<std::size_t>(std::lower_bound(frame_step.begin() + 1, frame_step.end(), s) - frame_step.begin()) - 1;
    float v = loss[f];
    if (f + 1 < frame_step.size() && s > frame_step[f]) {
      const float a = (s - frame_step[f]) / std::max(frame_step[f + 1] - frame_step[f], 1.0f);
      v = loss[f] + std::min(a, 1.0f) * (loss[f + 1] - loss[f]);
    }
    out[i] = v;
  }
  return out;
}

}  // namespace epochscope::store
