// The plane of a training path in parameter space (store/parameter_plane.hpp) and the rules of a
// parameter snapshot (store/parameters.hpp): directions against Eigen's SVD, exact projections,
// the completion of a plane the path does not span, the grid's extent, and bad input.
#include <gtest/gtest.h>

#include <Eigen/SVD>
#include <cmath>
#include <limits>
#include <random>

#include "epochscope/core/matrix.hpp"
#include "epochscope/store/parameter_plane.hpp"
#include "epochscope/store/parameters.hpp"

using namespace epochscope;

namespace {

store::ParameterSnapshotPtr snapshot(std::vector<float> values, std::size_t buffers = 0) {
  auto s = std::make_shared<store::ParameterSnapshot>();
  s->values = std::move(values);
  s->buffers = buffers;
  return s;
}

// A random walk of `count` snapshots of `size` values, drifting along a few directions.
std::vector<store::PlaneSnapshot> random_path(int count, std::size_t size, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g(0.f, 1.f);
  std::vector<float> theta(size), drift(size);
  for (auto& v : theta) v = g(rng);
  for (auto& v : drift) v = 0.5f * g(rng);
  std::vector<store::PlaneSnapshot> path;
  for (int i = 0; i < count; ++i) {
    path.push_back({i, i, snapshot(theta)});
    for (std::size_t j = 0; j < size; ++j) theta[j] += drift[j] / static_cast<float>(i + 1) + 0.1f * g(rng);
  }
  return path;
}

double dot(const std::vector<float>& x, const std::vector<float>& y) {
  double s = 0;
  for (std::size_t j = 0; j < x.size(); ++j) s += double(x[j]) * double(y[j]);
  return s;
}

}  // namespace

TEST(ParameterPlane, DirectionsAndCoordinatesMatchTheSvdOfThePath) {
  for (const auto& [count, size] : {std::pair<int, std::size_t>{7, 40}, std::pair<int, std::size_t>{12, 9}}) {
    SCOPED_TRACE(std::to_string(count) + " snapshots of " + std::to_string(size));
    const auto path = random_path(count, size, 3);
    const auto plane = store::fit_parameter_plane(path);
    ASSERT_EQ(plane.d1.size(), size);
    EXPECT_EQ(plane.random_directions, 0);
    // The reference: Eigen's SVD of D, rows theta_i - theta_c (the centre's row left out).
    Eigen::MatrixXd d(count - 1, size);
    for (int i = 0; i + 1 < count; ++i) {
      for (std::size_t j = 0; j < size; ++j) d(i, j) = double(path[i].parameters->values[j]) - double(path.back().parameters->values[j]);
    }
    Eigen::JacobiSVD<Eigen::MatrixXd> svd(d, Eigen::ComputeThinU | Eigen::ComputeThinV);
    const auto& sv = svd.singularValues();
    for (int k = 0; k < 2; ++k) {
      const auto& dir = k == 0 ? plane.d1 : plane.d2;
      Eigen::VectorXd ref = svd.matrixV().col(k);
      if (d.row(0).dot(ref) > 0) ref = -ref;  // the same sign rule: the first snapshot at <= 0
      for (std::size_t j = 0; j < size; ++j) EXPECT_NEAR(dir[j], ref(static_cast<Eigen::Index>(j)), 2e-4) << "direction " << k;
      EXPECT_NEAR(plane.explained[static_cast<std::size_t>(k)], sv(k) * sv(k) / d.squaredNorm(), 1e-5);
      for (int i = 0; i + 1 < count; ++i) {
        const double want = d.row(i).dot(ref);
        const auto& pt = plane.path[static_cast<std::size_t>(i)];
        EXPECT_NEAR(k == 0 ? pt.a : pt.b, want, 1e-4 * (1 + std::abs(want)));
      }
    }
    EXPECT_NEAR(dot(plane.d1, plane.d1), 1.0, 1e-6);
    EXPECT_NEAR(dot(plane.d2, plane.d2), 1.0, 1e-6);
    EXPECT_NEAR(dot(plane.d1, plane.d2), 0.0, 1e-6);
    // The centre is at (0, 0), the first snapshot at a, b <= 0, and every snapshot's distance to the
    // centre is its projection's and what lies off the plane.
    EXPECT_EQ(plane.path.back().a, 0.0);
    EXPECT_EQ(plane.path.back().b, 0.0);
    EXPECT_LE(plane.path.front().a, 0.0);
    EXPECT_LE(plane.path.front().b, 0.0);
    for (int i = 0; i + 1 < count; ++i) {
      const auto& pt = plane.path[static_cast<std::size_t>(i)];
      EXPECT_EQ(pt.frame, i);
      EXPECT_NEAR(pt.a * pt.a + pt.b * pt.b + pt.off_plane * pt.off_plane, d.row(i).squaredNorm(), 1e-4 * d.row(i).squaredNorm());
    }
    // A point of the plane is the centre plus the directions, and projects back to its coordinates.
    std::vector<float> theta;
    store::point_on_plane(plane, -0.7, 0.3, theta);
    std::vector<float> diff(size);
    for (std::size_t j = 0; j < size; ++j) diff[j] = theta[j] - path.back().parameters->values[j];
    EXPECT_NEAR(dot(diff, plane.d1), -0.7, 1e-5);
    EXPECT_NEAR(dot(diff, plane.d2), 0.3, 1e-5);
  }
}

TEST(ParameterPlane, APathOfFewDirectionsIsCompletedWithSeededRandomOnes) {
  const auto path = random_path(2, 30, 5);  // two frames: one direction
  const auto plane = store::fit_parameter_plane(path, {.seed = 4});
  EXPECT_EQ(plane.random_directions, 1);
  EXPECT_NEAR(dot(plane.d2, plane.d2), 1.0, 1e-6);
  EXPECT_NEAR(dot(plane.d1, plane.d2), 0.0, 1e-6);
  double dist = 0;
  for (std::size_t j = 0; j < 30; ++j) {
    const double v = path[0].parameters->values[j] - path[1].parameters->values[j];
    dist += v * v;
  }
  EXPECT_NEAR(plane.path[0].a, -std::sqrt(dist), 1e-4);
  EXPECT_NEAR(plane.path[0].b, 0.0, 1e-4);
  EXPECT_NEAR(plane.explained[0], 1.0, 1e-6);
  EXPECT_EQ(store::fit_parameter_plane(path, {.seed = 4}).d2, plane.d2);  // same seed, same plane
  EXPECT_NE(store::fit_parameter_plane(path, {.seed = 5}).d2, plane.d2);
  // One frame: both directions random, the path a single point at the centre.
  const auto one = store::fit_parameter_plane(std::span(path).first(1));
  EXPECT_EQ(one.random_directions, 2);
  EXPECT_NEAR(dot(one.d1, one.d2), 0.0, 1e-6);
  ASSERT_EQ(one.path.size(), 1u);
  const auto axes = store::grid_axes(one, 5, 0.25);
  EXPECT_LT(axes.a.front(), 0.0);
  EXPECT_GT(axes.a.back(), 0.0);
}

TEST(ParameterPlane, BuffersStayAtTheCentre) {
  // 6 parameters and 2 buffers (running statistics): the directions span the parameters only.
  std::vector<store::PlaneSnapshot> path;
  for (int i = 0; i < 4; ++i) {
    const float t = static_cast<float>(i);
    path.push_back({i, i, snapshot({t, t * t, -t, 1, 0.5f * t, 2, 10 + t, 20 - t}, 2)});
  }
  const auto plane = store::fit_parameter_plane(path);
  EXPECT_EQ(plane.d1.size(), 6u);
  std::vector<float> theta;
  store::point_on_plane(plane, 1.5, -2.0, theta);
  ASSERT_EQ(theta.size(), 8u);
  EXPECT_EQ(theta[6], 13.0f);  // the centre's buffers
  EXPECT_EQ(theta[7], 17.0f);
}

TEST(ParameterPlane, GridCoversThePathWithItsMargin) {
  const auto plane = store::fit_parameter_plane(random_path(6, 20, 8));
  double lo_a = 0, hi_a = 0, lo_b = 0, hi_b = 0;
  for (const auto& p : plane.path) {
    lo_a = std::min(lo_a, p.a), hi_a = std::max(hi_a, p.a);
    lo_b = std::min(lo_b, p.b), hi_b = std::max(hi_b, p.b);
  }
  const auto axes = store::grid_axes(plane, 25, 0.25);
  ASSERT_EQ(axes.a.size(), 25u);
  ASSERT_EQ(axes.b.size(), 25u);
  EXPECT_NEAR(axes.a.front(), lo_a - 0.25 * (hi_a - lo_a), 1e-9);
  EXPECT_NEAR(axes.a.back(), hi_a + 0.25 * (hi_a - lo_a), 1e-9);
  EXPECT_NEAR(axes.b.front(), lo_b - 0.25 * (hi_b - lo_b), 1e-9);
  EXPECT_NEAR(axes.b.back(), hi_b + 0.25 * (hi_b - lo_b), 1e-9);
  for (std::size_t i = 1; i < 25; ++i) EXPECT_GT(axes.a[i], axes.a[i - 1]);
  EXPECT_THROW(store::grid_axes(plane, 1, 0.25), Error);
  EXPECT_THROW(store::grid_axes(plane, 5000, 0.25), Error);
  EXPECT_THROW(store::grid_axes(plane, 25, -1), Error);
  EXPECT_THROW(store::grid_axes(plane, 25, std::nan("")), Error);
}

TEST(ParameterPlane, OtherSnapshotsProjectLikeThePathsOwn) {
  const auto path = random_path(6, 20, 8);
  const auto plane = store::fit_parameter_plane(path);
  for (std::size_t i = 0; i < path.size(); ++i) {  // the path's own snapshots: the same (a, b) as the fit's
    const auto p = store::project_onto_plane(plane, path[i]);
    EXPECT_NEAR(p.a, plane.path[i].a, 1e-4);
    EXPECT_NEAR(p.b, plane.path[i].b, 1e-4);
    EXPECT_NEAR(p.off_plane, plane.path[i].off_plane, 1e-3);
  }
  // Another run's snapshot at centre + 2 d1 - 3 d2 lies there, on the plane.
  std::vector<float> other;
  store::point_on_plane(plane, 2.0, -3.0, other);
  const auto p = store::project_onto_plane(plane, {7, 7, snapshot(other)});
  EXPECT_NEAR(p.a, 2.0, 1e-4);
  EXPECT_NEAR(p.b, -3.0, 1e-4);
  EXPECT_NEAR(p.off_plane, 0.0, 1e-2);
  EXPECT_EQ(p.frame, 7);
  EXPECT_THROW(store::project_onto_plane(plane, {0, 0, snapshot(std::vector<float>(5, 1.0f))}), Error);
}

TEST(ParameterPlane, RefusesBadSnapshotsWithAReason) {
  EXPECT_THROW(store::fit_parameter_plane({}), Error);
  auto path = random_path(3, 10, 1);
  path[1].parameters = nullptr;
  EXPECT_THROW(store::fit_parameter_plane(path), Error);
  path = random_path(3, 10, 1);
  path[0].parameters = snapshot(std::vector<float>(11, 0.f));
  try {
    store::fit_parameter_plane(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "frame 0 has 11 parameter values, frame 2 has 10");
  }
  path = random_path(3, 10, 1);
  auto bad = std::vector<float>(10, 1.f);
  bad[4] = std::numeric_limits<float>::infinity();
  path[1].parameters = snapshot(bad);
  try {
    store::fit_parameter_plane(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "frame 1: parameters: value 4 of 10 is not finite");
  }
}

TEST(ParameterSnapshot, Rules) {
  EXPECT_EQ(store::parameter_snapshot_problem(*snapshot({1, 2, 3}, 1)), "");
  EXPECT_EQ(store::parameter_snapshot_problem(*snapshot({})), "parameters: no values");
  EXPECT_EQ(store::parameter_snapshot_problem(*snapshot({1, 2}, 2)), "parameters: 2 buffer values of 2 leave no parameter");
  EXPECT_EQ(store::parameter_shape_problem(store::kMaxParameterValues + 1, 0),
            "parameters: 16777217 values, more than 16777216");
  EXPECT_EQ(store::parameter_snapshot_problem(*snapshot({1, std::nanf("")})), "parameters: value 1 of 2 is not finite");
  EXPECT_EQ(snapshot({1, 2, 3}, 1)->parameters().size(), 2u);
}

// The grid is evaluated coarse to fine: 25 x 25 as 4 x 4, 7 x 7, 13 x 13, then every cell, each cell
// once; a small grid is one level.
TEST(GridLevels, CoarseToFine) {
  const auto l = store::grid_levels(25, 25);
  EXPECT_EQ(l.ends, (std::vector<std::size_t>{16, 49, 169, 625}));
  EXPECT_EQ(l.strides, (std::vector<std::size_t>{8, 4, 2, 1}));
  std::vector<int> seen(625, 0);
  for (const auto c : l.order) ++seen[c];
  for (const int s : seen) EXPECT_EQ(s, 1);
  EXPECT_EQ(l.order[0], 0u);
  EXPECT_EQ(l.order[3], 24u);             // the last column belongs to every level
  EXPECT_EQ(l.order[15], 24u * 25 + 24);  // and the last row
  EXPECT_EQ(l.order[16], 4u);             // level 1 starts with the first new cell of row 0
  const auto odd = store::grid_levels(30, 3);  // a: strides 8, 4, 2, 1 (last column 29); b: every row
  EXPECT_EQ(odd.ends.front(), 5u * 3);
  EXPECT_EQ(odd.ends.back(), 90u);
  EXPECT_EQ(store::grid_levels(6, 6).ends, (std::vector<std::size_t>{36}));
  EXPECT_EQ(store::lattice_points(25, 8), 4u);  // what the view says it is drawn from: "4 x 4 computed"
  EXPECT_EQ(store::lattice_points(25, 2), 13u);
  EXPECT_EQ(store::lattice_points(30, 8), 5u);  // 0, 8, 16, 24 and the last, 29
  EXPECT_EQ(store::lattice_points(3, 8), 3u);   // an axis too short for the stride: every point
}

// Until level 0 is known the values are shown as they are; then the rest is interpolated from the
// finest complete level's lattice, known cells kept: a plane (linear in a and b) and a bowl (quadratic)
// come back exactly, and every cell is known once the last level completes.
TEST(GridLevels, FillInterpolatesFromTheFinestCompleteLevel) {
  const std::size_t n = 25;
  const auto l = store::grid_levels(n, n);
  auto make = [&](auto f) {
    std::vector<double> v(n * n);
    for (std::size_t b = 0; b < n; ++b) {
      for (std::size_t a = 0; a < n; ++a) v[b * n + a] = f(double(a) / 24, double(b) / 24);
    }
    return v;
  };
  const auto plane = make([](double a, double b) { return 1 + 2 * a - 3 * b; });
  const auto bowl = make([](double a, double b) { return (a - 0.4) * (a - 0.4) + 2 * (b - 0.6) * (b - 0.6); });
  auto partial = [&](const std::vector<double>& v, std::size_t evaluated) {
    std::vector<double> p(n * n, std::nan(""));
    for (std::size_t k = 0; k < evaluated; ++k) p[l.order[k]] = v[l.order[k]];
    return p;
  };
  std::size_t stride = 99;
  auto early = store::fill_grid(partial(plane, 15), n, n, l, 15, &stride);
  EXPECT_EQ(stride, 0u);
  EXPECT_TRUE(std::isnan(early[1]));
  const auto flat = store::fill_grid(partial(plane, 16), n, n, l, 16, &stride);
  EXPECT_EQ(stride, 8u);
  for (std::size_t c = 0; c < n * n; ++c) EXPECT_NEAR(flat[c], plane[c], 1e-12) << c;
  const auto coarse = store::fill_grid(partial(bowl, 60), n, n, l, 60, &stride);  // 7 x 7 and 11 more
  EXPECT_EQ(stride, 4u);
  double worst = 0;
  for (std::size_t c = 0; c < n * n; ++c) worst = std::max(worst, std::abs(coarse[c] - bowl[c]));
  EXPECT_LT(worst, 1e-9);  // a quadratic comes back exactly from its 7 x 7 lattice
  for (std::size_t k = 0; k < 60; ++k) EXPECT_EQ(coarse[l.order[k]], bowl[l.order[k]]);
  const auto all = store::fill_grid(bowl, n, n, l, n * n, &stride);
  EXPECT_EQ(stride, 1u);
  EXPECT_EQ(all, bowl);
  EXPECT_THROW(store::fill_grid(bowl, n, n + 1, l, 0), Error);
}
