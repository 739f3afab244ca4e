#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <vector>

#include "epochscope/core/matrix.hpp"
#include "epochscope/project/barnes_hut.hpp"

using namespace epochscope;
using namespace epochscope::project;

namespace {

// Clustered points: a few Gaussian blobs of different spreads, as a t-SNE layout looks.
std::vector<float> blobs(std::size_t n, int dims, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g(0.f, 1.f);
  std::vector<float> y(n * static_cast<std::size_t>(dims));
  for (std::size_t i = 0; i < n; ++i) {
    const int c = static_cast<int>(i % 7);
    for (int k = 0; k < dims; ++k) {
      y[i * static_cast<std::size_t>(dims) + static_cast<std::size_t>(k)] =
          static_cast<float>(10 * std::cos(c * 1.3 + k)) + g(rng) * (0.5f + 0.3f * static_cast<float>(c));
    }
  }
  return y;
}

struct Errors {
  double force = 0;  // sum |f - f_exact| / sum |f_exact|
  double sum = 0;    // sum |s - s_exact| / sum s_exact
};

Errors compare(int dims, RepulsionKernel kernel, double theta, std::size_t n) {
  const auto y = blobs(n, dims, 5);
  std::vector<float> f(y.size()), s(n), fe(y.size()), se(n);
  BarnesHut bh({.dims = dims, .theta = theta});
  bh.compute(y.data(), n, kernel, f.data(), s.data());
  exact_repulsion(dims, y.data(), n, kernel, fe.data(), se.data());
  Errors e;
  double num = 0, den = 0, sn = 0, sd = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double dn = 0, de = 0;
    for (int k = 0; k < dims; ++k) {
      const std::size_t o = i * static_cast<std::size_t>(dims) + static_cast<std::size_t>(k);
      dn += (f[o] - fe[o]) * double(f[o] - fe[o]);
      de += fe[o] * double(fe[o]);
    }
    num += std::sqrt(dn);
    den += std::sqrt(de);
    sn += std::abs(s[i] - se[i]);
    sd += se[i];
  }
  e.force = num / den;
  e.sum = kernel == RepulsionKernel::student_t ? sn / sd : 0.0;
  std::printf("dims %d theta %.2f: force error %.4f, sum error %.5f, interactions/point %.0f\n", dims, theta, e.force,
              e.sum, double(bh.counts().interactions) / double(n));
  return e;
}

}  // namespace

TEST(BarnesHut, ApproximatesExactStudentT2D) {
  const auto e = compare(2, RepulsionKernel::student_t, 0.5, 3000);
  EXPECT_LT(e.force, 0.03);
  EXPECT_LT(e.sum, 0.01);
}

TEST(BarnesHut, ApproximatesExactStudentT3D) {
  const auto e = compare(3, RepulsionKernel::student_t, 0.5, 3000);
  EXPECT_LT(e.force, 0.03);
  EXPECT_LT(e.sum, 0.01);
}

TEST(BarnesHut, ApproximatesExactInverseDistance) {
  EXPECT_LT(compare(2, RepulsionKernel::inverse_distance, 0.5, 3000).force, 0.03);
  EXPECT_LT(compare(3, RepulsionKernel::inverse_distance, 0.5, 3000).force, 0.03);
}

TEST(BarnesHut, ThetaZeroIsExact) {
  const auto e = compare(2, RepulsionKernel::student_t, 0.0, 500);
  EXPECT_LT(e.force, 1e-5);
  EXPECT_LT(e.sum, 1e-5);
}

TEST(BarnesHut, LargerThetaIsCoarserAndCheaper) {
  const auto y = blobs(3000, 2, 9);
  std::vector<float> f(y.size()), s(3000);
  BarnesHut fine({.theta = 0.3}), coarse({.theta = 1.0});
  fine.compute(y.data(), 3000, RepulsionKernel::student_t, f.data(), s.data());
  coarse.compute(y.data(), 3000, RepulsionKernel::student_t, f.data(), s.data());
  EXPECT_LT(coarse.counts().interactions, fine.counts().interactions);
  EXPECT_GT(compare(2, RepulsionKernel::student_t, 1.0, 3000).force,
            compare(2, RepulsionKernel::student_t, 0.3, 3000).force);
}

TEST(BarnesHut, ThreadCountDoesNotChangeTheResult) {
  for (int dims : {2, 3}) {
    const auto y = blobs(4000, dims, 11);
    std::vector<float> f1(y.size()), s1(4000), f3(y.size()), s3(4000);
    BarnesHut a({.dims = dims}), b({.dims = dims});
    ThreadTeam team(3);
    a.compute(y.data(), 4000, RepulsionKernel::student_t, f1.data(), s1.data());
    b.compute(y.data(), 4000, RepulsionKernel::student_t, f3.data(), s3.data(), &team);
    EXPECT_EQ(f1, f3);
    EXPECT_EQ(s1, s3);
  }
}

TEST(BarnesHut, CoincidentPointsStayFinite) {
  std::vector<float> y(2 * 100, 1.5f);  // every point at the same place
  y[0] = 3.f;
  std::vector<float> f(y.size()), s(100);
  BarnesHut bh;
  for (auto kernel : {RepulsionKernel::inverse_distance, RepulsionKernel::student_t}) {
    bh.compute(y.data(), 100, kernel, f.data(), s.data());
    for (float v : f) EXPECT_TRUE(std::isfinite(v));
    for (float v : s) EXPECT_TRUE(std::isfinite(v));
  }
  EXPECT_NEAR(s[1], 98 + 1 / (1 + 1.5 * 1.5), 1e-3);  // 98 coincident points at q = 1, one apart
}

TEST(BarnesHut, RejectsBadInput) {
  EXPECT_THROW(BarnesHut({.dims = 4}), Error);
  EXPECT_THROW(BarnesHut({.theta = -1}), Error);
  EXPECT_THROW(BarnesHut({.leaf_size = 0}), Error);
  std::vector<float> y = {0, 0, 1, std::numeric_limits<float>::quiet_NaN()}, f(4), s(2);
  BarnesHut bh;
  EXPECT_THROW(bh.compute(y.data(), 2, RepulsionKernel::student_t, f.data(), s.data()), Error);
}
