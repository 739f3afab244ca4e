// Contract: the weights of a network's first convolution at one frame (format 1.6's `filters`,
// docs/session-format.md), so the window can draw each filter as a small image and a user can watch
// edge detectors form. Plain data: count x channels x height x width float32 values, row-major (the
// layout of a PyTorch Conv2d's weight); a 1-D convolution has height 1. An empty bank (no weights)
// means the frame has none: Python recorder sessions, imports, MLPs, files older than 1.6.
// filter_bank_problem() holds the rules the writer, the reader and the trainer all apply.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace epochscope::store {

/// Bounds a filter bank must keep (checked before anything is allocated from a file's claims).
inline constexpr int kMaxFilters = 1024;          ///< filters (output channels)
inline constexpr int kMaxFilterChannels = 16;     ///< input channels each filter sees
inline constexpr int kMaxKernelSide = 32;         ///< kernel height and width
inline constexpr std::size_t kMaxFilterValues = std::size_t{1} << 18;  ///< all weights: 1 MiB of float32

struct FilterBank {
  std::string layer;    ///< the convolution they belong to ("conv1"); the rule of layer names
  int count = 0;        ///< filters (the layer's output channels)
  int channels = 0;     ///< input channels each filter sees (1 grey, 3 RGB)
  int height = 0;       ///< kernel height (1 for a 1-D convolution)
  int width = 0;        ///< kernel width
  std::vector<float> weights;  ///< count x channels x height x width, row-major; empty = no bank

  bool empty() const { return weights.empty(); }
  /// channels x height x width: the values of one filter.
  std::size_t filter_size() const {
    return static_cast<std::size_t>(channels) * static_cast<std::size_t>(height) * static_cast<std::size_t>(width);
  }
  /// The values of filter i (filter_size() of them), channel by channel, each row by row.
  const float* filter(int i) const { return weights.data() + static_cast<std::size_t>(i) * filter_size(); }
  /// The L2 norm of filter i's weights.
  double norm(int i) const;
  /// The largest |weight| of the whole bank (0 when empty): the symmetric scale the window draws with.
  float max_abs() const;
};

/// Empty when the name and sizes of `bank` keep the rules below (its weights not looked at: a reader
/// checks this before it allocates them), else one line saying which they break.
std::string filter_shape_problem(const FilterBank& bank);

/// Empty when `bank` keeps every rule, else one line saying which it breaks: a plausible layer name,
/// count in 1..kMaxFilters, channels in 1..kMaxFilterChannels, height and width in 1..kMaxKernelSide,
/// at most kMaxFilterValues values in all, exactly count x channels x height x width weights, every
/// one finite. An empty bank with all sizes 0 and no name is fine (no bank).
std::string filter_bank_problem(const FilterBank& bank);

}  // namespace epochscope::store
