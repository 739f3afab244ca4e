// `make bench` helper: what the window computes on its own thread when a user acts, at 10,000
// points, against the budget of one frame. Each figure is the median of 21 runs in milliseconds:
//  - the Neurons panel's matrix for a new frame (class x unit means, selectivity, display order) of
//    a 128-unit layer and of the 784 pixels;
//  - the Neighbours panel's list for a hovered point: its 10 nearest in the layer at this frame and
//    at the frame before (two exact scans), for 128 units and for 784 pixels;
//  - a lasso around half the points (5,000 of 10,000) drawn with 200 corners.
// Synthetic data (ten Gaussian classes) of the shapes of MNIST's hidden layer and pixels; the work
// does not depend on the values. Prints one JSON object.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <random>
#include <vector>

#include "epochscope/knn/neighbors.hpp"
#include "epochscope/store/neurons.hpp"
#include "epochscope/ui/picking.hpp"

namespace {

using namespace epochscope;

double median_ms(const std::function<std::size_t()>& run) {
  std::vector<double> ms;
  std::size_t sink = 0;
  for (int r = 0; r < 21; ++r) {
    const auto start = std::chrono::steady_clock::now();
    sink += run();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  if (sink == 0) std::fprintf(stderr, "interaction_bench: nothing computed\n");
  return ms[ms.size() / 2];
}

Matrix classes(std::size_t n, int dims, std::vector<std::uint8_t>& labels, std::mt19937& rng) {
  std::normal_distribution<float> g(0.f, 1.f);
  Matrix x(static_cast<Eigen::Index>(n), dims);
  labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    labels[i] = static_cast<std::uint8_t>(i % 10);
    for (int d = 0; d < dims; ++d) x(static_cast<Eigen::Index>(i), d) = g(rng) + (d % 10 == labels[i] ? 3.f : 0.f);
  }
  return x;
}

}  // namespace

int main() {
  constexpr std::size_t n = 10000;
  std::mt19937 rng(1);
  std::vector<std::uint8_t> labels;
  const Matrix hidden = classes(n, 128, labels, rng), hidden_before = classes(n, 128, labels, rng);
  const Matrix pixels = classes(n, 784, labels, rng);
  auto neurons = [&](const Matrix& layer) {
    return [&] {
      const auto table = store::neuron_table(layer, labels, 10);
      return store::neuron_order(table, store::NeuronOrder::by_class).size();
    };
  };
  std::size_t hovered = 0;
  auto neighbours = [&](const Matrix& now, const Matrix& before) {
    return [&] {
      hovered = (hovered + 7919) % n;
      return knn::neighbors_of(now, hovered, 10).size() + knn::neighbors_of(before, hovered, 10).size();
    };
  };
  // A layout in the unit square and a round lasso of 200 corners holding half of its points.
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  std::vector<float> xy(2 * n);
  for (auto& v : xy) v = u(rng);
  const std::vector<std::uint8_t> visible(n, 1);
  std::vector<ui::Vec2> lasso;
  const float radius = std::sqrt(2.f / 3.14159265f);  // area 2 of the square's 4
  for (int c = 0; c < 200; ++c) {
    const float a = 2.f * 3.14159265f * static_cast<float>(c) / 200.f;
    lasso.push_back({radius * std::cos(a), radius * std::sin(a)});
  }
  const std::size_t inside = ui::points_in_polygon(xy, visible, lasso).size();
  std::printf(
      "{\"points\": %zu, \"neurons_128_ms\": %.3f, \"neurons_784_ms\": %.3f, \"neighbours_128_ms\": %.3f, "
      "\"neighbours_784_ms\": %.3f, \"lasso_points\": %zu, \"lasso_ms\": %.3f}\n",
      n, median_ms(neurons(hidden)), median_ms(neurons(pixels)), median_ms(neighbours(hidden, hidden_before)),
      median_ms(neighbours(pixels, pixels)), inside, median_ms([&] { return ui::points_in_polygon(xy, visible, lasso).size() + 1; }));
}
