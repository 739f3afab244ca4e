#include "epochscope/store/parameter_plane.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>

#include "epochscope/core/matrix.hpp"
#include "epochscope/core/random.hpp"

namespace epochscope::store {
namespace {

double dot(std::span<const float> x, std::span<const float> y) {
  double s = 0;
  for (std::size_t j = 0; j < x.size(); ++j) s += static_cast<double>(x[j]) * static_cast<double>(y[j]);
  return s;
}

// Makes `d` orthogonal to every direction in `basis` (twice, for float round-off) and of unit norm;
// false when nothing is left of it.
bool orthonormalise(std::vector<float>& d, const std::vector<const std::vector<float>*>& basis) {
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto* e : basis) {
      const double c = dot(d, *e);
      for (std::size_t j = 0; j < d.size(); ++j) d[j] -= static_cast<float>(c * (*e)[j]);
    }
  }
  const double norm = std::sqrt(dot(d, d));
  if (!(norm > 0) || !std::isfinite(norm)) return false;
  for (auto& v : d) v = static_cast<float>(v / norm);
  return true;
}

// A seeded Gaussian direction (Box-Muller on splitmix64), orthonormal to `basis`.
std::vector<float> random_direction(std::size_t size, std::uint64_t seed, const std::vector<const std::vector<float>*>& basis) {
  SplitMix64 rng{mix64(seed ^ 0x9a3e5ca1e5ULL)};
  for (;;) {  // a Gaussian vector is orthogonal to a plane's worth of directions with probability 0
    std::vector<float> d(size);
    for (auto& v : d) {
      const double u1 = 1.0 - rng.uniform(), u2 = rng.uniform();
      v = static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
    }
    if (orthonormalise(d, basis)) return d;
  }
}

}  // namespace

ParameterPlane fit_parameter_plane(std::span<const PlaneSnapshot> path, const PlaneOptions& options) {
  if (path.empty()) throw Error("a parameter plane needs at least one snapshot");
  for (const auto& s : path) {
    if (!s.parameters) throw Error("frame " + std::to_string(s.frame) + " has no parameter snapshot");
    if (auto problem = parameter_snapshot_problem(*s.parameters); !problem.empty()) {
      throw Error("frame " + std::to_string(s.frame) + ": " + problem);
    }
  }
  ParameterPlane plane;
  plane.centre = path.back().parameters;
  const auto& c = *plane.centre;
  const std::size_t p = c.parameter_count();
  for (const auto& s : path) {
    if (s.parameters->values.size() != c.values.size() || s.parameters->buffers != c.buffers) {
      throw Error("frame " + std::to_string(s.frame) + " has " + std::to_string(s.parameters->values.size()) +
                  " parameter values, frame " + std::to_string(path.back().frame) + " has " + std::to_string(c.values.size()));
    }
  }
  // D: one row theta_i - theta_c per snapshot but the centre (rows = snapshots, cols = parameters).
  const auto n = static_cast<Eigen::Index>(path.size() - 1);
  const auto cp = Eigen::Map<const Eigen::RowVectorXf>(c.values.data(), static_cast<Eigen::Index>(p));
  Matrix d(n, static_cast<Eigen::Index>(p));
  for (Eigen::Index i = 0; i < n; ++i) {
    d.row(i) = Eigen::Map<const Eigen::RowVectorXf>(path[static_cast<std::size_t>(i)].parameters->values.data(),
                                                    static_cast<Eigen::Index>(p)) - cp;
  }
  // Principal directions through the n x n Gram matrix: D^T u / sqrt(lambda) for its top eigenpairs.
  std::vector<std::vector<float>> dirs;
  if (n > 0) {
    Eigen::MatrixXd gram(n, n);
    for (Eigen::Index i = 0; i < n; ++i) {
      for (Eigen::Index j = 0; j <= i; ++j) {
        gram(i, j) = gram(j, i) = d.row(i).cast<double>().dot(d.row(j).cast<double>());
      }
    }
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(gram);
    const auto& values = eig.eigenvalues();  // ascending
    const double top = values(n - 1);
    for (Eigen::Index k = n - 1; k >= 0 && dirs.size() < 2; --k) {
      if (!(values(k) > 1e-10 * top) || !(top > 0)) break;  // the path spans no more directions
      const Eigen::VectorXf u = eig.eigenvectors().col(k).cast<float>();
      Eigen::RowVectorXf dir = u.transpose() * d;
      std::vector<float> v(dir.data(), dir.data() + dir.size());
      std::vector<const std::vector<float>*> basis;
      for (const auto& e : dirs) basis.push_back(&e);
      if (!orthonormalise(v, basis)) break;
      dirs.push_back(std::move(v));
    }
  }
  while (dirs.size() < 2) {
    std::vector<const std::vector<float>*> basis;
    for (const auto& e : dirs) basis.push_back(&e);
    dirs.push_back(random_direction(p, options.seed + dirs.size(), basis));
    ++plane.random_directions;
  }
  plane.d1 = std::move(dirs[0]);
  plane.d2 = std::move(dirs[1]);
  // Exact projections, in double.
  std::vector<float> diff(p);
  double total = 0, along[2] = {0, 0};
  for (const auto& s : path) {
    const auto& v = s.parameters->values;
    for (std::size_t j = 0; j < p; ++j) diff[j] = v[j] - c.values[j];
    const double a = dot(diff, plane.d1), b = dot(diff, plane.d2), sq = dot(diff, diff);
    plane.path.push_back({s.frame, s.epoch, a, b, std::sqrt(std::max(0.0, sq - a * a - b * b)), s.parameters});
    total += sq;
    along[0] += a * a;
    along[1] += b * b;
  }
  // Signs: the first snapshot at a <= 0, b <= 0.
  for (int k = 0; k < 2; ++k) {
    const double first = k == 0 ? plane.path.front().a : plane.path.front().b;
    if (first <= 0) continue;
    auto& dir = k == 0 ? plane.d1 : plane.d2;
    for (auto& x : dir) x = 0.0f - x;
    for (auto& pt : plane.path) {
      double& v = k == 0 ? pt.a : pt.b;
      v = 0.0 - v;  // the centre stays at +0
    }
  }
  if (total > 0) plane.explained = {along[0] / total, along[1] / total};
  return plane;
}

PlanePoint project_onto_plane(const ParameterPlane& plane, const PlaneSnapshot& snapshot) {
  if (!plane.centre || !snapshot.parameters) throw Error("a projection needs a plane and a snapshot");
  const auto& c = *plane.centre;
  const auto& v = snapshot.parameters->values;
  if (v.size() != c.values.size()) {
    throw Error("a snapshot of " + std::to_string(v.size()) + " values cannot lie on the plane of a model with " +
                std::to_string(c.values.size()));
  }
  const std::size_t p = c.parameter_count();
  std::vector<float> diff(p);
  for (std::size_t j = 0; j < p; ++j) diff[j] = v[j] - c.values[j];
  const double a = dot(diff, plane.d1), b = dot(diff, plane.d2), sq = dot(diff, diff);
  return {snapshot.frame, snapshot.epoch, a, b, std::sqrt(std::max(0.0, sq - a * a - b * b)), snapshot.parameters};
}

void point_on_plane(const ParameterPlane& plane, double a, double b, std::vector<float>& out) {
  const auto& c = *plane.centre;
  out = c.values;
  const std::size_t p = c.parameter_count();
  for (std::size_t j = 0; j < p; ++j) {
    out[j] = static_cast<float>(c.values[j] + a * plane.d1[j] + b * plane.d2[j]);
  }
}

GridAxes grid_axes(const ParameterPlane& plane, int cells, double margin) {
  if (cells < 2 || cells > 1001) throw Error("a landscape grid has 2 to 1001 cells a side, not " + std::to_string(cells));
  if (!(margin >= 0) || !std::isfinite(margin)) throw Error("the landscape margin must be a finite number >= 0");
  double lo[2] = {0, 0}, hi[2] = {0, 0};  // the centre (0, 0) is on the path
  for (const auto& pt : plane.path) {
    lo[0] = std::min(lo[0], pt.a), hi[0] = std::max(hi[0], pt.a);
    lo[1] = std::min(lo[1], pt.b), hi[1] = std::max(hi[1], pt.b);
  }
  double extent[2] = {hi[0] - lo[0], hi[1] - lo[1]};
  if (!(extent[0] > 0) && !(extent[1] > 0)) {
    const double norm = plane.centre ? std::sqrt(dot(plane.centre->parameters(), plane.centre->parameters())) : 0.0;
    const double half = norm > 0 ? 0.01 * norm : 1.0;
    for (int k = 0; k < 2; ++k) lo[k] = -half, hi[k] = half, extent[k] = 0;
  }
  for (int k = 0; k < 2; ++k) {
    if (!(extent[k] > 0) && extent[1 - k] > 0) {  // centred on the path's (constant) value
      lo[k] -= extent[1 - k] / 2, hi[k] += extent[1 - k] / 2, extent[k] = extent[1 - k];
    }
  }
  GridAxes axes;
  for (int k = 0; k < 2; ++k) {
    auto& out = k == 0 ? axes.a : axes.b;
    const double from = lo[k] - margin * extent[k], to = hi[k] + margin * extent[k];
    for (int i = 0; i < cells; ++i) out.push_back(from + (to - from) * i / (cells - 1));
  }
  return axes;
}

namespace {

// Is index i on the lattice of stride s of an axis of n (its multiples of s, and the last index)?
bool on_lattice(std::size_t i, std::size_t n, std::size_t s) { return i % s == 0 || i + 1 == n; }

// The coarsest stride for an axis of n: the largest power of two leaving at least 4 lattice points.
std::size_t coarsest_stride(std::size_t n) {
  std::size_t s = 1;
  while (n > 1 && (n - 1) / (2 * s) >= 3) s *= 2;
  return s;
}

// The slope at x of the parabola through three points.
double parabola_slope(const double* x, const double* y, double at) {
  return y[0] * ((at - x[1]) + (at - x[2])) / ((x[0] - x[1]) * (x[0] - x[2])) +
         y[1] * ((at - x[0]) + (at - x[2])) / ((x[1] - x[0]) * (x[1] - x[2])) +
         y[2] * ((at - x[0]) + (at - x[1])) / ((x[2] - x[0]) * (x[2] - x[1]));
}

// A cubic through (xs[k], ys[k]) (xs ascending), piecewise Hermite with each knot's slope that of
// the parabola through it and its neighbours (at the ends, the nearest three: a quadratic comes back
// exactly), evaluated at every integer from 0 to n - 1 into out[i * step].
void cubic_through(const std::vector<double>& xs, const std::vector<double>& ys, std::size_t n, double* out, std::size_t step) {
  const std::size_t m = xs.size();
  if (m == 1) {
    for (std::size_t i = 0; i < n; ++i) out[i * step] = ys[0];
    return;
  }
  std::vector<double> tangent(m);
  for (std::size_t k = 0; k < m; ++k) {
    if (m == 2) {
      tangent[k] = (ys[1] - ys[0]) / (xs[1] - xs[0]);
      continue;
    }
    const std::size_t first = std::clamp<std::size_t>(k, 1, m - 2) - 1;
    tangent[k] = parabola_slope(&xs[first], &ys[first], xs[k]);
  }
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = static_cast<double>(i);
    while (k + 2 < m && x > xs[k + 1]) ++k;
    const double h = xs[k + 1] - xs[k], t = (x - xs[k]) / h, t2 = t * t, t3 = t2 * t;
    out[i * step] = (2 * t3 - 3 * t2 + 1) * ys[k] + (t3 - 2 * t2 + t) * h * tangent[k] + (-2 * t3 + 3 * t2) * ys[k + 1] +
                    (t3 - t2) * h * tangent[k + 1];
  }
}

}  // namespace

GridLevels grid_levels(std::size_t na, std::size_t nb) {
  GridLevels levels;
  std::vector<char> taken(na * nb, 0);
  for (std::size_t s = std::max(coarsest_stride(na), coarsest_stride(nb));; s /= 2) {
    const std::size_t sa = std::min(s, coarsest_stride(na)), sb = std::min(s, coarsest_stride(nb));
    for (std::size_t ib = 0; ib < nb; ++ib) {
      for (std::size_t ia = 0; ia < na; ++ia) {
        const std::size_t cell = ib * na + ia;
        if (!taken[cell] && on_lattice(ia, na, sa) && on_lattice(ib, nb, sb)) {
          taken[cell] = 1;
          levels.order.push_back(cell);
        }
      }
    }
    levels.ends.push_back(levels.order.size());
    levels.strides.push_back(s);
    if (s == 1) break;
  }
  return levels;
}

std::size_t lattice_points(std::size_t n, std::size_t stride) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < n; ++i) count += on_lattice(i, n, std::min(std::max<std::size_t>(stride, 1), coarsest_stride(n)));
  return count;
}

std::vector<double> fill_grid(std::span<const double> values, std::size_t na, std::size_t nb, const GridLevels& levels,
                              std::size_t evaluated, std::size_t* stride) {
  if (values.size() != na * nb) throw Error("fill_grid: the values do not match the grid");
  std::vector<double> out(values.begin(), values.end());
  std::size_t level = levels.ends.size();
  for (std::size_t l = 0; l < levels.ends.size(); ++l) {
    if (levels.ends[l] <= evaluated) level = l;
  }
  if (stride != nullptr) *stride = level < levels.ends.size() ? levels.strides[level] : 0;
  if (level >= levels.ends.size() || levels.strides[level] == 1) return out;
  const std::size_t s = levels.strides[level];
  const std::size_t sa = std::min(s, coarsest_stride(na)), sb = std::min(s, coarsest_stride(nb));
  std::vector<double> xa, xb;
  for (std::size_t i = 0; i < na; ++i) {
    if (on_lattice(i, na, sa)) xa.push_back(static_cast<double>(i));
  }
  for (std::size_t i = 0; i < nb; ++i) {
    if (on_lattice(i, nb, sb)) xb.push_back(static_cast<double>(i));
  }
  std::vector<double> rows(na * nb), ys;  // along a on the lattice's rows, then along b on every column
  for (const double b : xb) {
    const auto ib = static_cast<std::size_t>(b);
    ys.clear();
    for (const double a : xa) ys.push_back(values[ib * na + static_cast<std::size_t>(a)]);
    cubic_through(xa, ys, na, &rows[ib * na], 1);
  }
  std::vector<double> smooth(na * nb);
  for (std::size_t ia = 0; ia < na; ++ia) {
    ys.clear();
    for (const double b : xb) ys.push_back(rows[static_cast<std::size_t>(b) * na + ia]);
    cubic_through(xb, ys, nb, &smooth[ia], na);
  }
  std::vector<char> known(na * nb, 0);
  for (std::size_t k = 0; k < std::min(evaluated, levels.order.size()); ++k) known[levels.order[k]] = 1;
  for (std::size_t c = 0; c < out.size(); ++c) {
    if (!known[c]) out[c] = smooth[c];
  }
  return out;
}

}  // namespace epochscope::store
