// Contract: a network's full parameter vector at one frame (format 1.7's `parameters`,
// docs/session-format.md), so the plane of the training path (store/parameter_plane.hpp) and the
// loss landscape over it (train/landscape.hpp) can be computed from a session alone. Plain data:
// every parameter flattened in the model's parameter order (PyTorch's `parameters()`, each tensor
// row-major), then the model's floating-point buffers (BatchNorm running means and variances; none
// for cnn and mlp). The default cnn has 121,930 parameters: 487,720 bytes a frame as float32.
// parameter_snapshot_problem() holds the rules the writer, the reader and the trainer all apply.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace epochscope::store {

/// At most this many values in a snapshot (64 MiB as float32), checked before a reader allocates.
inline constexpr std::size_t kMaxParameterValues = std::size_t{1} << 24;

struct ParameterSnapshot {
  /// Parameters, then `buffers` buffer values; every value finite.
  std::vector<float> values;
  /// How many trailing values are buffers (running statistics, not trained by the optimiser and
  /// never moved along a direction); 0 for networks without batch norm.
  std::size_t buffers = 0;

  std::size_t parameter_count() const { return values.size() - buffers; }
  /// The parameters alone (what the plane's directions span).
  std::span<const float> parameters() const { return {values.data(), parameter_count()}; }
};

using ParameterSnapshotPtr = std::shared_ptr<const ParameterSnapshot>;

/// Empty when `count` values of which `buffers` are buffers keep the size rules (1 to
/// kMaxParameterValues values, at least one of them a parameter), else one line saying which they
/// break. A reader checks this before it allocates the values.
std::string parameter_shape_problem(std::size_t count, std::size_t buffers);

/// Empty when `snapshot` keeps every rule (the sizes above, every value finite), else one line
/// saying which it breaks, e.g. "parameters: value 17 of 121930 is not finite".
std::string parameter_snapshot_problem(const ParameterSnapshot& snapshot);

}  // namespace epochscope::store
