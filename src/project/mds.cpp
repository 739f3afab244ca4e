#include "epochscope/project/mds.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "epochscope/core/parallel.hpp"
#include "epochscope/core/random.hpp"
#include "epochscope/project/pca.hpp"

namespace epochscope::project {
namespace {

constexpr Eigen::Index kDirectMaxDims = 64;  // above: distances through a matrix product
constexpr Eigen::Index kRowChunk = 256;      // rows per unit of parallel work (fixed: thread-independent)
constexpr Eigen::Index kPcaRows = 3000;      // the PCA start is fitted on at most this many rows
constexpr int kLanes = 8;                    // partners processed together in the update

struct Rng {  // a stream of mix64 over a Weyl sequence (not SplitMix64's: kept for the same layouts)
  std::uint64_t state;
  std::uint64_t next() { return mix64(state++ * kGolden64); }
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32); }
};

// The first k entries of a seeded shuffle of [0, n): k distinct indices, uniformly drawn.
std::vector<std::int32_t> draw_distinct(std::int32_t n, std::int32_t k, Rng& rng) {
  std::vector<std::int32_t> all(static_cast<std::size_t>(n));
  std::iota(all.begin(), all.end(), 0);
  for (std::int32_t i = 0; i < k; ++i) {
    const auto j = i + static_cast<std::int32_t>(rng.below(static_cast<std::uint32_t>(n - i)));
    std::swap(all[static_cast<std::size_t>(i)], all[static_cast<std::size_t>(j)]);
  }
  all.resize(static_cast<std::size_t>(k));
  return all;
}

class MdsProjection final : public Projection {
 public:
  explicit MdsProjection(MdsOptions o) : o_(o), team_(std::max(1, o.threads)) {
    auto bad = [this](const std::string& what) { return Error(std::string(name()) + ": " + what); };
    if (o_.dims != 2 && o_.dims != 3) throw bad("dims must be 2 or 3, got " + std::to_string(o_.dims));
    if (o_.iterations < 1 || o_.warm_iterations < 0) throw bad("iterations must be >= 1 and warm_iterations >= 0");
    if (o_.pairs_per_point < 1 || o_.pool_size < o_.pairs_per_point) throw bad("need 1 <= pairs_per_point <= pool_size");
    if (!(o_.step_min > 0 && o_.step_min <= o_.step_max && o_.step_max <= 1 && o_.warm_step_max >= o_.step_min &&
          o_.warm_step_max <= 1)) {
      throw bad("steps must satisfy 0 < step_min <= step_max, warm_step_max <= 1");
    }
    if (!(o_.lambda >= 0)) throw bad("lambda must be >= 0");
    if (o_.threads < 1) throw bad("threads must be >= 1");
    if (o_.stress_pairs < 1) throw bad("stress_pairs must be >= 1");
  }

  Matrix initialize(const ProjectionInput& input) override;
  void run(Matrix& layout, int iteration_limit) override;
  int iteration() const override { return iteration_; }
  int total_iterations() const override { return total_; }
  ProjectionStats stats(const Matrix& layout) const override;

 private:
  const char* name() const { return o_.kind == MdsKind::sammon ? "Sammon" : "MDS"; }
  float weight(float dstar) const { return o_.kind == MdsKind::sammon ? inv_mean_weight_ / std::max(dstar, floor_) : 1.f; }
  void pool_distances(const Matrix& x);
  template <int Dims, bool Sammon>
  void step_rows(Eigen::Index lo, Eigen::Index hi, const std::vector<std::int32_t>& cols,
                 const std::vector<std::int32_t>& slot, const Matrix& old, Matrix& layout, float mu) const;

  MdsOptions o_;
  std::vector<std::int32_t> pool_;      // P distinct points, the partners every iteration draws from
  std::vector<std::int32_t> pool_pos_;  // N: the point's column in pool_, or -1
  Matrix pool_dist_;                    // P x N input distances from the pool to every point
  Matrix prev_;                         // the warm start, when given
  bool warm_ = false;
  std::vector<std::int32_t> pair_i_, pair_j_;  // the fixed stress sample and its input distances
  std::vector<float> pair_d_;
  float floor_ = 0;            // Sammon: distances below this weigh as this
  float inv_mean_weight_ = 1;  // Sammon: 1 / mean(1 / d*) on the stress sample, so weights average 1
  int iteration_ = 0;
  int total_ = 0;
  ThreadTeam team_;            // o_.threads, for the row chunks
};

void MdsProjection::pool_distances(const Matrix& x) {
  const Eigen::Index n = x.rows(), p = static_cast<Eigen::Index>(pool_.size());
  Matrix pool_rows(p, x.cols());
  for (Eigen::Index c = 0; c < p; ++c) pool_rows.row(c) = x.row(pool_[static_cast<std::size_t>(c)]);
  const Eigen::VectorXf pool_norms = pool_rows.rowwise().squaredNorm();
  pool_dist_.resize(p, n);
  const auto chunks = static_cast<std::size_t>((n + kRowChunk - 1) / kRowChunk);
  team_.run(chunks, [&](std::size_t chunk, int) {
    const Eigen::Index r0 = static_cast<Eigen::Index>(chunk) * kRowChunk, rows = std::min(kRowChunk, n - r0);
    if (x.cols() > kDirectMaxDims) {  // |a|^2 + |b|^2 - 2 a.b, on centred data
      const Matrix dots = pool_rows * x.middleRows(r0, rows).transpose();  // p x rows
      const Eigen::RowVectorXf norms = x.middleRows(r0, rows).rowwise().squaredNorm().transpose();
      for (Eigen::Index c = 0; c < p; ++c) {
        for (Eigen::Index r = 0; r < rows; ++r) {
          pool_dist_(c, r0 + r) = std::sqrt(std::max(norms(r) + pool_norms(c) - 2 * dots(c, r), 0.f));
        }
      }
    } else {
      for (Eigen::Index r = r0; r < r0 + rows; ++r) {
        for (Eigen::Index c = 0; c < p; ++c) pool_dist_(c, r) = (x.row(r) - pool_rows.row(c)).norm();
      }
    }
    for (Eigen::Index r = r0; r < r0 + rows; ++r) {  // exact zeros to oneself
      if (pool_pos_[static_cast<std::size_t>(r)] >= 0) pool_dist_(pool_pos_[static_cast<std::size_t>(r)], r) = 0;
    }
  });
}

Matrix MdsProjection::initialize(const ProjectionInput& input) {
  if (input.data == nullptr) throw Error(std::string(name()) + ": no input data");
  const Matrix& data = *input.data;
  const Eigen::Index n = data.rows(), dims = o_.dims;
  if (n < 2) throw Error(std::string(name()) + ": needs at least 2 points, got " + std::to_string(n));
  if (data.cols() < 1 || !data.allFinite()) throw Error(std::string(name()) + ": the data is empty or holds NaN or Inf");
  if (input.warm_start != nullptr) {
    const Matrix& w = *input.warm_start;
    if (w.rows() != n || w.cols() != dims || !w.allFinite()) {
      throw Error(std::string(name()) + ": the warm start must be a finite " + std::to_string(n) + " x " +
                  std::to_string(dims) + " layout");
    }
  }
  const Matrix x = data.rowwise() - data.colwise().mean();  // centred: better cancellation below
  const auto n32 = static_cast<std::int32_t>(n);

  // The partner pool and its distances.
  Rng pool_rng{mix64(o_.seed ^ 0x9001ull)};
  pool_ = draw_distinct(n32, std::min(n32, o_.pool_size), pool_rng);
  pool_pos_.assign(static_cast<std::size_t>(n), -1);
  for (std::size_t c = 0; c < pool_.size(); ++c) pool_pos_[static_cast<std::size_t>(pool_[c])] = static_cast<std::int32_t>(c);
  pool_distances(x);

  // The fixed stress sample: random pairs over all points, from their own stream.
  Rng rng{mix64(o_.seed ^ 0x5157e55ull)};
  const auto m = static_cast<std::size_t>(o_.stress_pairs);
  pair_i_.resize(m), pair_j_.resize(m), pair_d_.resize(m);
  double dsum = 0;
  for (std::size_t p = 0; p < m; ++p) {
    const auto i = rng.below(static_cast<std::uint32_t>(n));
    auto j = rng.below(static_cast<std::uint32_t>(n - 1));
    if (j >= i) ++j;
    pair_i_[p] = static_cast<std::int32_t>(i), pair_j_[p] = static_cast<std::int32_t>(j);
    pair_d_[p] = (x.row(i) - x.row(j)).norm();
    dsum += pair_d_[p];
  }
  floor_ = std::max(static_cast<float>(1e-4 * dsum / static_cast<double>(m)), 1e-30f);
  inv_mean_weight_ = 1;
  if (o_.kind == MdsKind::sammon) {
    double wsum = 0;
    for (float d : pair_d_) wsum += 1.0 / std::max(d, floor_);
    inv_mean_weight_ = static_cast<float>(static_cast<double>(m) / wsum);
  }

  iteration_ = 0;
  warm_ = input.warm_start != nullptr;
  if (warm_) {
    prev_ = *input.warm_start;
    total_ = o_.warm_iterations;
    return prev_;
  }
  prev_.resize(0, 0);
  total_ = o_.iterations;

  // PCA start (fitted on at most kPcaRows random rows, padded with zeros when D < dims), scaled by
  // least squares on the stress sample: alpha = sum w d* d / sum w d^2.
  const int fitted = static_cast<int>(std::min<Eigen::Index>(dims, data.cols()));
  Matrix y = Matrix::Zero(n, dims);
  if (n > kPcaRows) {
    Rng pca_rng{mix64(o_.seed ^ 0x9ca0ull)};
    const auto rows = draw_distinct(n32, static_cast<std::int32_t>(kPcaRows), pca_rng);
    Matrix sample(kPcaRows, x.cols());
    for (Eigen::Index r = 0; r < kPcaRows; ++r) sample.row(r) = x.row(rows[static_cast<std::size_t>(r)]);
    y.leftCols(fitted) = apply_pca(fit_pca(sample, fitted), x);
  } else {
    y.leftCols(fitted) = apply_pca(fit_pca(x, fitted), x);
  }
  double num = 0, den = 0;
  for (std::size_t p = 0; p < m; ++p) {
    const double d = (y.row(pair_i_[p]) - y.row(pair_j_[p])).norm();
    const double w = weight(pair_d_[p]);
    num += w * pair_d_[p] * d;
    den += w * d * d;
  }
  if (den > 0 && num > 0) y *= static_cast<float>(num / den);
  return y;
}

// Moves rows [lo, hi) a step mu towards the minimiser of their majorised sampled cost: the
// weighted mean of x_j + d*_ij (x_i - x_j) / |x_i - x_j| over the partners j = pool_[cols[c]]
// (a point is not its own partner), plus the movement penalty. Written as
// sum_j (w - s) x_j + s x_i with s = w d* / |x_i - x_j|, over lanes of 8 partners (SIMD through
// Eigen's fixed-size arrays; the lanes are summed in a fixed order, so results are reproducible).
template <int Dims, bool Sammon>
void MdsProjection::step_rows(Eigen::Index lo, Eigen::Index hi, const std::vector<std::int32_t>& cols,
                              const std::vector<std::int32_t>& slot, const Matrix& old, Matrix& layout,
                              float mu) const {
  using Lane = Eigen::Array<float, kLanes, 1>;
  const auto m = static_cast<int>(cols.size());
  const int mp = (m + kLanes - 1) / kLanes * kLanes;  // padded with zero-weight partners
  std::vector<float> px(static_cast<std::size_t>(mp * Dims), 0.f), ds(static_cast<std::size_t>(mp), 0.f);
  std::vector<float> mask(static_cast<std::size_t>(mp), 0.f);
  for (int c = 0; c < m; ++c) {
    const auto j = pool_[static_cast<std::size_t>(cols[static_cast<std::size_t>(c)])];
    for (int k = 0; k < Dims; ++k) px[static_cast<std::size_t>(k * mp + c)] = old(j, k);
    mask[static_cast<std::size_t>(c)] = 1.f;
  }
  const float penalty = warm_ ? static_cast<float>(o_.lambda) * static_cast<float>(m) : 0.f;
  constexpr float kTiny = 1e-30f;
  for (Eigen::Index i = lo; i < hi; ++i) {
    for (int c = 0; c < m; ++c) ds[static_cast<std::size_t>(c)] = pool_dist_(cols[static_cast<std::size_t>(c)], i);
    const std::int32_t own = pool_pos_[static_cast<std::size_t>(i)];
    const std::int32_t self = own >= 0 ? slot[static_cast<std::size_t>(own)] : -1;
    if (self >= 0) mask[static_cast<std::size_t>(self)] = 0.f;
    float xi[Dims];
    for (int k = 0; k < Dims; ++k) xi[k] = old(i, k);
    Lane sw = Lane::Zero(), ss = Lane::Zero(), sp[Dims];
    for (int k = 0; k < Dims; ++k) sp[k] = Lane::Zero();
    for (int c0 = 0; c0 < mp; c0 += kLanes) {
      Lane len2 = Lane::Zero(), pk[Dims];
      for (int k = 0; k < Dims; ++k) {
        pk[k] = Eigen::Map<const Lane>(px.data() + k * mp + c0);
        len2 += (xi[k] - pk[k]).square();
      }
      // Coincident points (len2 = 0) just pull towards each other; other partners separate them.
      const Lane inv = (len2 > kTiny).template cast<float>() / len2.max(kTiny).sqrt();
      const Lane d = Eigen::Map<const Lane>(ds.data() + c0);
      Lane w = Eigen::Map<const Lane>(mask.data() + c0);
      if constexpr (Sammon) w *= inv_mean_weight_ / d.max(floor_);
      const Lane s = w * d * inv;
      sw += w;
      ss += s;
      for (int k = 0; k < Dims; ++k) sp[k] += (w - s) * pk[k];
    }
    if (self >= 0) mask[static_cast<std::size_t>(self)] = 1.f;
    float wsum = 0, ssum = 0, acc[Dims] = {};
    for (int l = 0; l < kLanes; ++l) {
      wsum += sw(l), ssum += ss(l);
      for (int k = 0; k < Dims; ++k) acc[k] += sp[k](l);
    }
    for (int k = 0; k < Dims; ++k) acc[k] += ssum * xi[k];
    if (penalty > 0) {
      for (int k = 0; k < Dims; ++k) acc[k] += penalty * prev_(i, k);
      wsum += penalty;
    }
    if (wsum > 0) {
      for (int k = 0; k < Dims; ++k) layout(i, k) = xi[k] + mu * (acc[k] / wsum - xi[k]);
    }
  }
}

void MdsProjection::run(Matrix& layout, int iteration_limit) {
  const Eigen::Index n = pool_dist_.cols();
  if (n == 0) throw Error(std::string(name()) + ": run() before initialize()");
  if (layout.rows() != n || layout.cols() != o_.dims) throw Error(std::string(name()) + ": the layout has the wrong shape");
  const auto p = static_cast<std::int32_t>(pool_.size());
  const std::int32_t m = std::min(p, o_.pairs_per_point);
  std::vector<std::int32_t> slot(static_cast<std::size_t>(p), -1);  // pool column -> partner slot
  const auto chunks = static_cast<std::size_t>((n + kRowChunk - 1) / kRowChunk);
  const double smax = warm_ ? o_.warm_step_max : o_.step_max;
  Matrix old;
  for (; iteration_ < std::min(iteration_limit, total_); ++iteration_) {
    const int t = iteration_;
    const double frac = total_ > 1 ? static_cast<double>(t) / (total_ - 1) : 0.0;
    const auto mu = static_cast<float>(smax * std::pow(o_.step_min / smax, frac));
    Rng rng{mix64(o_.seed) ^ mix64(static_cast<std::uint64_t>(t) + 0x1234567ull)};  // this iteration's partners
    const std::vector<std::int32_t> cols = draw_distinct(p, m, rng);
    for (std::int32_t c = 0; c < m; ++c) slot[static_cast<std::size_t>(cols[static_cast<std::size_t>(c)])] = c;
    old = layout;
    team_.run(chunks, [&](std::size_t chunk, int) {
      const Eigen::Index lo = static_cast<Eigen::Index>(chunk) * kRowChunk, hi = std::min(n, lo + kRowChunk);
      const bool sammon = o_.kind == MdsKind::sammon;
      if (o_.dims == 2 && sammon) {
        step_rows<2, true>(lo, hi, cols, slot, old, layout, mu);
      } else if (o_.dims == 2) {
        step_rows<2, false>(lo, hi, cols, slot, old, layout, mu);
      } else if (sammon) {
        step_rows<3, true>(lo, hi, cols, slot, old, layout, mu);
      } else {
        step_rows<3, false>(lo, hi, cols, slot, old, layout, mu);
      }
    });
    for (std::int32_t c : cols) slot[static_cast<std::size_t>(c)] = -1;
  }
}

ProjectionStats MdsProjection::stats(const Matrix& layout) const {
  ProjectionStats s;
  s.cost_name = o_.kind == MdsKind::sammon ? "Sammon stress (sampled pairs)" : "normalized stress (sampled pairs)";
  if (layout.rows() != pool_dist_.cols() || layout.rows() == 0) return s;
  double num = 0, den = 0;
  for (std::size_t p = 0; p < pair_d_.size(); ++p) {
    const double dstar = pair_d_[p];
    const double d = (layout.row(pair_i_[p]) - layout.row(pair_j_[p])).norm();
    if (o_.kind == MdsKind::sammon) {
      if (dstar <= 0) continue;
      num += (dstar - d) * (dstar - d) / dstar;
      den += dstar;
    } else {
      num += (dstar - d) * (dstar - d);
      den += dstar * dstar;
    }
  }
  if (den > 0) s.cost = o_.kind == MdsKind::sammon ? num / den : std::sqrt(num / den);
  return s;
}

}  // namespace

std::unique_ptr<Projection> make_mds(const MdsOptions& options) { return std::make_unique<MdsProjection>(options); }

std::unique_ptr<Projection> make_sammon(MdsOptions options) {
  options.kind = MdsKind::sammon;
  return std::make_unique<MdsProjection>(options);
}

}  // namespace epochscope::project
