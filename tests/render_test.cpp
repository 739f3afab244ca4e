// render/: the parts that need no GL context (the density renderer's aggregation and shading).
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <random>

#include "epochscope/render/density.hpp"

namespace er = epochscope::render;

namespace {

er::PointStyle style(std::uint8_t r, std::uint8_t g, std::uint8_t b, std::uint8_t a = 255) {
  er::PointStyle s;
  s.r = r, s.g = g, s.b = b, s.a = a;
  return s;
}

// Points in [-1, 1]^2 mapped onto the whole image (scale 1, offset 0).
constexpr float kScale[2] = {1, 1}, kOffset[2] = {0, 0};

std::vector<std::uint32_t> all(std::size_t n) {
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  return order;
}

}  // namespace

TEST(Density, EveryPointsWeightIsKeptAwayFromTheEdges) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-0.8f, 0.8f);
  const std::size_t n = 5000;
  std::vector<float> xy(2 * n);
  for (auto& v : xy) v = u(rng);
  std::vector<er::PointStyle> styles(n, style(200, 100, 50, 255));
  for (std::size_t i = 0; i < n; i += 2) styles[i].a = 51;  // half the points weigh 0.2
  const auto img = er::aggregate_density(xy, styles, all(n), kScale, kOffset, 160, 120, 6.0f);
  EXPECT_EQ(img.points, n);
  const double expected = n / 2 * (1.0 + 51.0 / 255.0);
  EXPECT_NEAR(img.total, expected, 1e-3 * expected);
  // The colour sums carry the same mass: every point has the same colour.
  double red = 0;
  for (std::size_t p = 0; p < img.sums.size(); p += 4) red += img.sums[p + 1];
  EXPECT_NEAR(red, expected * 200.0 / 255.0, 1e-3 * expected);
}

TEST(Density, PointsLeftOutOfTheOrderOrOutsideTheImageAddNothing) {
  const std::vector<float> xy = {0.0f, 0.0f, 0.5f, 0.5f, 3.0f, 0.0f, NAN, 0.0f};
  const std::vector<er::PointStyle> styles(4, style(255, 255, 255));
  const std::vector<std::uint32_t> order = {0, 2, 3, 7};  // 1 left out; 2 off the image; 3 NaN; 7 no such point
  const auto img = er::aggregate_density(xy, styles, order, kScale, kOffset, 64, 64, 4.0f);
  EXPECT_EQ(img.points, 1u);
  EXPECT_NEAR(img.total, 1.0, 1e-5);
}

TEST(Density, ALonePointPeaksAtItsPixelWithTheKernelsCentre) {
  // A point at a pixel centre: all its weight in one pixel before the tent spreads it.
  const int w = 41, h = 41;
  const std::vector<float> xy = {(20.5f / w) * 2 - 1, (20.5f / h) * 2 - 1};
  const std::vector<er::PointStyle> styles = {style(255, 0, 0)};
  const auto img = er::aggregate_density(xy, styles, all(1), kScale, kOffset, w, h, 5.0f);
  std::size_t peak = 0;
  for (std::size_t p = 0; p < img.sums.size() / 4; ++p) peak = img.weight(p) > img.weight(peak) ? p : peak;
  EXPECT_EQ(peak, std::size_t{20 * w + 20});
  EXPECT_NEAR(img.weight(peak), img.lone_peak, 1e-6);
  const auto rgba = er::shade_density(img);
  const std::size_t c = 4 * (20 * w + 20);
  EXPECT_EQ(rgba[c + 1], 0);  // red, premultiplied: r == a
  EXPECT_EQ(rgba[c], rgba[c + 3]);
  // Alone in the picture it is the densest there is, yet not solid (a lone point is never opaque).
  EXPECT_GT(rgba[c + 3], 255 * er::DensityOptions{}.floor);
  EXPECT_LT(rgba[c + 3], 230);
  EXPECT_EQ(rgba[3], 0);  // a far corner stays transparent
}

TEST(Density, OpacityGrowsWithDensityAndColourIsTheWeightedMean) {
  // 200 points on one pixel: red weighs 1, blue 0.25 (greyed context): red dominates 4 to 1.
  const int w = 32, h = 32;
  std::vector<float> xy;
  std::vector<er::PointStyle> styles;
  for (int i = 0; i < 100; ++i) {
    xy.insert(xy.end(), {(8.5f / w) * 2 - 1, (8.5f / h) * 2 - 1});
    styles.push_back(style(255, 0, 0, 255));
    xy.insert(xy.end(), {(8.5f / w) * 2 - 1, (8.5f / h) * 2 - 1});
    styles.push_back(style(0, 0, 255, 64));
  }
  xy.insert(xy.end(), {(24.5f / w) * 2 - 1, (24.5f / h) * 2 - 1});  // one lone point elsewhere
  styles.push_back(style(255, 0, 0, 255));
  const auto img = er::aggregate_density(xy, styles, all(styles.size()), kScale, kOffset, w, h, 4.0f);
  const auto rgba = er::shade_density(img);
  const std::size_t dense = 4 * (8 * w + 8), lone = 4 * (24 * w + 24);
  EXPECT_EQ(rgba[dense + 3], 255);
  EXPECT_LT(rgba[lone + 3], 160);
  EXPECT_GT(rgba[lone + 3], 40);
  // Straight colour = premultiplied / alpha: red 1 / (1 + 0.25) = 0.8, blue 0.2.
  EXPECT_NEAR(rgba[dense] / 255.0, 0.8, 0.02);
  EXPECT_NEAR(rgba[dense + 2] / 255.0, 0.2, 0.02);
}

TEST(Density, CoverageCountsSpritesPerPixel) {
  EXPECT_NEAR(er::sprite_coverage(70000, 4.5f, 700, 400), 70000 * 3.14159 * 2.25 * 2.25 / 280000, 1e-3);
  EXPECT_EQ(er::sprite_coverage(10, 4, 0, 100), 0);
}
