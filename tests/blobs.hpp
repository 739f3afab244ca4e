// Shared by the projection tests: Gaussian blobs and how well a layout keeps them apart.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "epochscope/core/matrix.hpp"
#include "epochscope/knn/neighbors.hpp"

namespace epochscope::testing {

/// `blobs` Gaussian clusters of `per` points in `dims` dimensions (unit spread, centres drawn with
/// spread 8), point i in cluster i % blobs; labels appended when given.
inline Matrix gaussian_blobs(int blobs, int per, int dims, std::uint32_t seed, std::vector<int>* labels = nullptr) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g(0.f, 1.f);
  Matrix centres(blobs, dims);
  for (Eigen::Index i = 0; i < centres.size(); ++i) centres.data()[i] = 8 * g(rng);
  Matrix x(blobs * per, dims);
  for (int i = 0; i < blobs * per; ++i) {
    for (int k = 0; k < dims; ++k) x(i, k) = centres(i % blobs, k) + g(rng);
    if (labels) labels->push_back(i % blobs);
  }
  return x;
}

/// The same blobs (count of them, `per` points each, d dims) with byte labels, as the quality
/// functions take them.
inline Matrix blobs(int per, Eigen::Index d, std::vector<std::uint8_t>& labels, std::uint32_t seed = 3, int count = 5) {
  std::vector<int> l;
  Matrix x = gaussian_blobs(count, per, static_cast<int>(d), seed, &l);
  labels.assign(l.begin(), l.end());
  return x;
}

/// Fraction of points whose 10 nearest neighbours in the layout mostly share their label.
inline double majority_accuracy(const Matrix& y, const std::vector<int>& labels) {
  const auto nn = knn::build_knn(y, {.k = 10, .method = knn::KnnMethod::exact});
  double ok = 0;
  for (std::size_t i = 0; i < nn.n; ++i) {
    int same = 0;
    for (int j = 0; j < 10; ++j) same += labels[static_cast<std::size_t>(nn.index(i, j))] == labels[i];
    ok += same > 5;
  }
  return ok / double(nn.n);
}

}  // namespace epochscope::testing
