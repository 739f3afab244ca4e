// Contract: the MNIST-1D dataset (Greydanus 2020), generated rather than read: ten hand-made
// 12-value templates, padded, stretched, scaled, rotated, noised, sheared and resampled into short 1-D
// signals. A pure function of its options: the same seed gives the same numbers (the generator is
// splitmix64 and the normal samples come from Box-Muller on its raw output, so nothing depends on a
// standard library's distributions; only the last bits of libm's log/cos/sin could differ between
// platforms). No global state. Bad options fail with an epochscope::Error before anything is made.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "epochscope/data/dataset.hpp"

namespace epochscope::data {

struct Mnist1dOptions {
  std::size_t per_class = 500;  ///< examples per digit (>= 1); 10 x per_class in all
  std::size_t heldout = 1000;   ///< the last `heldout` examples after the shuffle (< the total; 0 allowed)
  std::uint64_t seed = 1;       ///< everything random derives from it
  int length = 40;              ///< samples per final signal, 8..1024
  /// The recipe's noise scales; set both to 0 for clean-ish signals (random padding, scale,
  /// rotation and shear remain, and are the same as with noise: the normals are drawn whatever the
  /// scales). Both must be finite and >= 0.
  float corr_noise_scale = 0.25f;  ///< Gaussian noise, smoothed (sigma 2 samples), in the padding only
  float iid_noise_scale = 0.02f;   ///< independent Gaussian noise on every sample
  /// The linear shear's total change across the signal is uniform in +/- shear_scale / 2 (finite, >= 0).
  float shear_scale = 0.75f;
};

/// The ten templates as published (12 values each, index = digit).
const std::array<std::array<float, 12>, 10>& mnist1d_raw_templates();

/// Template `label` (0..9) standardised (mean 0, population sd 1), shifted to start at 0 and divided
/// by 6: 12 values.
std::vector<float> mnist1d_template(int label);

/// The template with the mean padding (48 zeros, 24 in front and 24 behind), stretched to 72 samples
/// and resampled to `length` (8..1024), without scale, rotation, noise or shear. Not standardised.
std::vector<float> mnist1d_clean(int label, int length);

struct Mnist1dSet {
  std::vector<float> train_x;  ///< train count x length, row-major
  std::vector<float> test_x;   ///< heldout x length, row-major
  std::vector<std::uint8_t> train_y;
  std::vector<std::uint8_t> test_y;
  int length = 40;
};

/// Generates the whole set: per_class examples of each digit, each from its own seeded stream; the
/// padding (36..60 zeros in all) is split at a uniform random point between front and back. The
/// examples are shuffled, standardised together (one mean, one sd over every value of both parts) and
/// split: the first total - heldout are the training part.
Mnist1dSet generate_mnist1d(const Mnist1dOptions& options);

/// The same as a Dataset: name "mnist1d", height 1, width length, signal = true, classes "0".."9".
/// The standardised values are stored as bytes b with value = value_offset + value_scale * b, where
/// value_offset is the smallest value and value_scale = (largest - smallest) / 255 over both parts;
/// rounding to the nearest byte leaves an error of at most value_scale / 2 (about 0.015 for the
/// default set) plus float rounding.
Dataset mnist1d_dataset(const Mnist1dOptions& options);

}  // namespace epochscope::data
