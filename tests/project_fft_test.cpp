// FFT-interpolated t-SNE repulsion (project/fft_repulsion) against the exact O(N^2) sums, its
// determinism, and t-SNE run with it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <vector>

#include "blobs.hpp"
#include "epochscope/project/barnes_hut.hpp"
#include "epochscope/project/fft_repulsion.hpp"
#include "epochscope/project/tsne.hpp"

using namespace epochscope;
using namespace epochscope::project;
using epochscope::testing::gaussian_blobs;
using epochscope::testing::majority_accuracy;

namespace {

// n points in `clusters` Gaussian clusters of spread `sd` whose centres are spread by `span`.
std::vector<float> clustered(std::size_t n, int clusters, float span, float sd, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g(0.f, 1.f);
  std::vector<float> centres(static_cast<std::size_t>(clusters) * 2), y(n * 2);
  for (auto& c : centres) c = span * g(rng);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t c = i % static_cast<std::size_t>(clusters);
    for (std::size_t k = 0; k < 2; ++k) y[i * 2 + k] = centres[c * 2 + k] + sd * g(rng);
  }
  return y;
}

struct Errors {
  double force = 0;  ///< sqrt(sum |F - F_exact|^2 / sum |F_exact|^2)
  double z = 0;      ///< |Z - Z_exact| / Z_exact
  double share = 0;  ///< largest |s_i - s_i exact| / s_i exact
};

Errors errors_against_exact(const std::vector<float>& y, FftRepulsion& fft, ThreadTeam* team = nullptr) {
  const std::size_t n = y.size() / 2;
  std::vector<float> f(n * 2), s(n), fe(n * 2), se(n);
  fft.compute(y.data(), n, f.data(), s.data(), team);
  exact_repulsion(2, y.data(), n, RepulsionKernel::student_t, fe.data(), se.data());
  double num = 0, den = 0, z = 0, ze = 0;
  Errors e;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < 2; ++k) {
      num += std::pow(double(f[i * 2 + k]) - fe[i * 2 + k], 2);
      den += std::pow(double(fe[i * 2 + k]), 2);
    }
    z += s[i];
    ze += se[i];
    e.share = std::max(e.share, std::abs(double(s[i]) - se[i]) / se[i]);
  }
  e.force = std::sqrt(num / den);
  e.z = std::abs(z - ze) / ze;
  return e;
}

Matrix run_all(const TsneOptions& o, const Matrix& x) {
  auto p = make_tsne(o);
  Matrix y = p->initialize({.data = &x});
  p->run(y, p->total_iterations());
  return y;
}

}  // namespace

TEST(FftRepulsion, MatchesExactSums) {
  // 1,000 points in 5 clusters at three scales, with the default 3 nodes per box: an early t-SNE
  // layout (extent 4: 22 boxes 0.18 wide), a middle one (extent 33: 33 boxes of the maximum width 1,
  // FIt-SNE's default) and a spread one (78 boxes of width 1). The error grows with the cube of the
  // node spacing: measured 4.6e-5, 7.5e-3 and 1.6e-2 for the forces, 7e-7, 1.3e-4 and 3.4e-4 for Z.
  // (With FIt-SNE's 50 boxes at least: 4e-6, 2e-3 and 1.6e-2; 3e-8, 3e-5 and 3e-4.)
  struct Case {
    float span;
    double force, z;
  };
  for (const Case c : {Case{0.3f, 1e-4, 2e-6}, Case{8.f, 1e-2, 2e-4}, Case{20.f, 2.5e-2, 1e-3}}) {
    const auto y = clustered(1000, 5, c.span, c.span / 6 + 0.5f, 11);
    FftRepulsion fft;
    const Errors e = errors_against_exact(y, fft);
    std::printf("span %4.1f: %d boxes of %.3f, %d nodes, P = %d: force error %.2e, Z error %.2e, worst share %.2e\n",
                c.span, fft.grid().boxes, fft.grid().box_width, fft.grid().nodes, fft.grid().fft_size, e.force, e.z,
                e.share);
    EXPECT_LT(e.force, c.force);
    EXPECT_LT(e.z, c.z);
    EXPECT_LT(e.share, 10 * c.force);
  }
}

TEST(FftRepulsion, MoreNodesPerBoxAreMoreAccurate) {
  const auto y = clustered(1000, 4, 10, 2, 12);
  FftRepulsion coarse({.nodes_per_box = 2}), fine({.nodes_per_box = 5});
  const Errors ec = errors_against_exact(y, coarse), ef = errors_against_exact(y, fine);
  std::printf("force error: 2 nodes per box %.2e, 5 nodes %.2e\n", ec.force, ef.force);
  EXPECT_LT(ef.force, ec.force / 10);
}

TEST(FftRepulsion, ThreadCountChangesNothing) {
  const auto y = clustered(3000, 6, 15, 3, 13);
  const std::size_t n = y.size() / 2;
  std::vector<float> f1(n * 2), s1(n);
  FftRepulsion fft;
  fft.compute(y.data(), n, f1.data(), s1.data());
  for (int threads : {2, 3}) {
    ThreadTeam team(threads);
    std::vector<float> f(n * 2), s(n);
    FftRepulsion other;
    other.compute(y.data(), n, f.data(), s.data(), &team);
    EXPECT_EQ(f, f1);
    EXPECT_EQ(s, s1);
  }
}

TEST(FftRepulsion, ReusesKernelsAndBoundsTheGrid) {
  FftRepulsion fft({.max_boxes = 80});
  auto y = clustered(500, 3, 10, 2, 14);
  const std::size_t n = y.size() / 2;
  std::vector<float> f(n * 2), s(n);
  fft.compute(y.data(), n, f.data(), s.data());
  for (auto& v : y) v *= 1.01f;  // the layout grows a little: same box width and transform size
  fft.compute(y.data(), n, f.data(), s.data());
  EXPECT_EQ(fft.grid().kernel_updates, 1);
  EXPECT_LE(fft.grid().box_width, 1.0);
  y[0] = 1e4f;  // a far outlier: at most max_boxes boxes, wider ones
  fft.compute(y.data(), n, f.data(), s.data());
  EXPECT_LE(fft.grid().boxes, 80);
  for (float v : f) ASSERT_TRUE(std::isfinite(v));
}

TEST(FftRepulsion, RejectsBadInput) {
  EXPECT_THROW(FftRepulsion({.nodes_per_box = 0}), Error);
  EXPECT_THROW(FftRepulsion({.min_boxes = 0}), Error);
  EXPECT_THROW(FftRepulsion({.max_box_width = 0}), Error);
  EXPECT_THROW(FftRepulsion({.min_boxes = 50, .max_boxes = 10}), Error);
  std::vector<float> y = {0, 0, 0, std::numeric_limits<float>::quiet_NaN()}, f(4), s(2);
  FftRepulsion fft;
  EXPECT_THROW(fft.compute(y.data(), 2, f.data(), s.data()), Error);
  y[3] = 1;  // two points, (0, 0) and (0, 1): each feels the other
  fft.compute(y.data(), 2, f.data(), s.data());
  EXPECT_NEAR(s[0], 0.5, 1e-3);
  EXPECT_NEAR(f[1], -0.25, 1e-3);  // w^2 (y_0 - y_1) = 1/4 * -1
}

TEST(Tsne, FftRepulsionSeparatesBlobsWithoutNaN) {
  std::vector<int> labels;
  const Matrix x = gaussian_blobs(5, 100, 20, 4, &labels);
  const TsneOptions o{.iterations = 500, .repulsion = TsneRepulsion::fft, .threads = 1};
  EXPECT_EQ(tsne_repulsion_for(o, 500, 1000), TsneRepulsion::fft);
  EXPECT_EQ(tsne_repulsion_for({.dims = 3, .repulsion = TsneRepulsion::fft}, 500, 10), TsneRepulsion::barnes_hut);
  EXPECT_EQ(tsne_repulsion_for({.repulsion = TsneRepulsion::barnes_hut}, 70000, 10), TsneRepulsion::barnes_hut);
  // automatic: the FFT while its transform is cheap against Barnes-Hut's cost of n points.
  EXPECT_EQ(tsne_repulsion_for({}, 70000, 30), TsneRepulsion::fft);    // P = 210
  EXPECT_EQ(tsne_repulsion_for({}, 70000, 165), TsneRepulsion::barnes_hut);  // P = 1120
  EXPECT_EQ(tsne_repulsion_for({}, 20000, 10), TsneRepulsion::fft);    // P = 140: the early phase
  EXPECT_EQ(tsne_repulsion_for({}, 20000, 60), TsneRepulsion::barnes_hut);  // P = 420
  EXPECT_EQ(tsne_repulsion_for({.fft = {.min_boxes = 50}}, 20000, 10), TsneRepulsion::barnes_hut);  // P = 378
  EXPECT_EQ(tsne_repulsion_for({.dims = 3}, 70000, 10), TsneRepulsion::barnes_hut);
  const Matrix y = run_all(o, x);
  EXPECT_TRUE(y.allFinite());
  EXPECT_GT(majority_accuracy(y, labels), 0.95);
  auto o2 = o;
  o2.threads = 2;
  EXPECT_EQ(run_all(o2, x), y);  // thread-independent, as with Barnes-Hut
  // KL from the FFT's Z is close to KL from Barnes-Hut's on the same layout.
  auto p = make_tsne(o);
  auto pb = make_tsne({.iterations = 500, .repulsion = TsneRepulsion::barnes_hut, .threads = 1});
  p->initialize({.data = &x});
  pb->initialize({.data = &x});
  EXPECT_NEAR(p->stats(y).cost, pb->stats(y).cost, 0.02 * pb->stats(y).cost);
}

TEST(Tsne, AutomaticStartsOnTheFftAndEndsOnBarnesHut) {
  // Few boxes make the FFT's grid cheap enough for 500 points while the layout is small; as it grows,
  // the rule hands the rest of the run to Barnes-Hut. The result is then neither run's alone.
  std::vector<int> labels;
  const Matrix x = gaussian_blobs(5, 100, 20, 9, &labels);
  TsneOptions o{.iterations = 500, .threads = 1};
  o.fft.min_boxes = 4;
  o.fft.max_box_width = 0.5;
  EXPECT_EQ(tsne_repulsion_for(o, 500, 1), TsneRepulsion::fft);
  EXPECT_EQ(tsne_repulsion_for(o, 500, 40), TsneRepulsion::barnes_hut);
  const Matrix both = run_all(o, x);
  EXPECT_TRUE(both.allFinite());
  EXPECT_GT(majority_accuracy(both, labels), 0.95);
  auto fft = o, bh = o, threads = o;
  fft.repulsion = TsneRepulsion::fft;
  bh.repulsion = TsneRepulsion::barnes_hut;
  EXPECT_NE(both, run_all(fft, x));
  EXPECT_NE(both, run_all(bh, x));
  threads.threads = 2;
  EXPECT_EQ(run_all(threads, x), both);
}
