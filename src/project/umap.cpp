#include "epochscope/project/umap.hpp"

#include <Eigen/Cholesky>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <string>

#include "epochscope/project/pca.hpp"
#include "umap_sgd.hpp"

namespace epochscope::project {
namespace {

constexpr float kMinScale = 1e-3f;      // sigma >= kMinScale * mean neighbour distance
constexpr int kBisectionSteps = 64;
constexpr double kBisectionTolerance = 1e-5;

int default_epochs(Eigen::Index n) { return n <= 10000 ? 500 : 200; }

// Counter-based: a generator per (seed, a, b) with no shared state.
umap_detail::Rng rng_for(std::uint64_t seed, std::uint64_t a, std::uint64_t b) {
  umap_detail::Rng r{seed ^ 0x6a09e667f3bcc909ULL};
  r.state ^= r.next() + a * 0xbb67ae8584caa73bULL;
  r.state ^= r.next() + b * 0x3c6ef372fe94f82bULL;
  r.next();
  return r;
}

// Box-Muller on our own uniforms (std::normal_distribution is not specified bit for bit).
float gaussian(umap_detail::Rng& r) {
  const double u1 = (static_cast<double>(r.next() >> 11) + 1.0) * 0x1.0p-53, u2 = static_cast<double>(r.next() >> 11) * 0x1.0p-53;
  return static_cast<float>(std::sqrt(-2 * std::log(u1)) * std::cos(2 * 3.14159265358979323846 * u2));
}

class Umap final : public Projection {
 public:
  explicit Umap(const UmapOptions& o) : opt_(o) {
    if (o.dims != 2 && o.dims != 3) throw Error("UMAP: dims must be 2 or 3, not " + std::to_string(o.dims));
    if (o.n_neighbors < 2) throw Error("UMAP: n_neighbors must be at least 2");
    if (!(o.min_dist >= 0) || !(o.spread > 0) || o.min_dist > o.spread * 3) throw Error("UMAP: need 0 <= min_dist <= 3 spread and spread > 0");
    if (o.a.has_value() != o.b.has_value()) throw Error("UMAP: give both a and b or neither");
    if (o.a && !(*o.a > 0 && *o.b > 0)) throw Error("UMAP: a and b must be positive");
    if (o.n_epochs && *o.n_epochs < 1) throw Error("UMAP: n_epochs must be at least 1");
    if (o.warm_epochs < 1) throw Error("UMAP: warm_epochs must be at least 1");
    if (o.negative_sample_rate < 0) throw Error("UMAP: negative_sample_rate must be >= 0");
    if (!(o.learning_rate > 0) || !(o.warm_learning_rate > 0)) throw Error("UMAP: learning rates must be positive");
    if (!(o.lambda >= 0)) throw Error("UMAP: lambda must be >= 0");
    if (o.threads < 1) throw Error("UMAP: threads must be at least 1");
  }

  Matrix initialize(const ProjectionInput& input) override;
  void run(Matrix& layout, int iteration_limit) override;
  int iteration() const override { return epoch_; }
  int total_iterations() const override { return total_; }
  ProjectionStats stats(const Matrix& layout) const override;

 private:
  Matrix start_layout(const Matrix& data, const SparseGraph& graph) const;

  UmapOptions opt_;
  umap_detail::Params params_;
  umap_detail::Edges edges_;
  SparseGraph graph_;
  Matrix previous_;  // the warm start, for the movement penalty
  std::unique_ptr<ThreadTeam> team_;  // made on the first run(), once the point count is known
  int epoch_ = 0;
  int total_ = 0;
};

Matrix Umap::initialize(const ProjectionInput& input) {
  if (input.data == nullptr) throw Error("UMAP: no input data");
  const Matrix& x = *input.data;
  const Eigen::Index n = x.rows();
  if (n < 2) throw Error("UMAP: needs at least 2 points, got " + std::to_string(n));
  if (!x.allFinite()) throw Error("UMAP: input holds NaN or Inf values");
  // n_neighbors counts the point itself, as umap-learn and uwot count it: n_neighbors - 1 others.
  const int k = std::min<int>(opt_.n_neighbors - 1, static_cast<int>(n) - 1);
  knn::NeighborList own;
  const knn::NeighborList* nn = input.neighbors.get();
  if (nn == nullptr || nn->n != static_cast<std::size_t>(n) || nn->k < k) {
    own = knn::build_knn(x, {.k = k, .threads = opt_.threads});
    nn = &own;
  }
  SparseGraph graph = fuzzy_graph(*nn, std::min<int>(opt_.n_neighbors, static_cast<int>(n)));
  const int epochs = opt_.n_epochs.value_or(default_epochs(n));
  // Edges too light to be sampled even once in a full run are dropped (as the reference does).
  const float max_w = graph.nonZeros() > 0 ? Eigen::Map<const Eigen::VectorXf>(graph.valuePtr(), graph.nonZeros()).maxCoeff() : 0.f;
  graph.prune([&](std::int32_t, std::int32_t, float w) { return w >= max_w / static_cast<float>(epochs); });
  graph.makeCompressed();

  const CurveParams ab = opt_.a ? CurveParams{*opt_.a, *opt_.b} : find_ab(opt_.spread, opt_.min_dist);
  params_ = {.a = ab.a, .b = ab.b, .gamma = opt_.repulsion_strength, .negative_rate = opt_.negative_sample_rate,
             .seed = opt_.seed, .lambda = 0.f, .learning_rate = opt_.learning_rate};
  edges_ = umap_detail::make_edges(graph, opt_.negative_sample_rate);
  Matrix y;
  const auto checked = [&](const Matrix& layout, const char* what) -> const Matrix& {
    if (layout.rows() != n || layout.cols() != opt_.dims) {
      throw Error(std::string("UMAP: ") + what + " is " + std::to_string(layout.rows()) + " x " +
                  std::to_string(layout.cols()) + ", expected " + std::to_string(n) + " x " + std::to_string(opt_.dims));
    }
    if (!layout.allFinite()) throw Error(std::string("UMAP: ") + what + " holds NaN or Inf values");
    return layout;
  };
  if (input.warm_start != nullptr) {
    const Matrix& w = checked(*input.warm_start, "warm start");
    y = w;
    previous_.resize(n, opt_.dims);  // in the optimiser's order
    for (Eigen::Index r = 0; r < n; ++r) previous_.row(r) = w.row(edges_.order[static_cast<std::size_t>(r)]);
    total_ = opt_.warm_epochs;
    params_.learning_rate = opt_.warm_learning_rate;
    params_.lambda = opt_.lambda;
  } else {
    y = input.start != nullptr ? checked(*input.start, "the starting layout") : start_layout(x, graph);
    previous_.resize(0, 0);
    total_ = epochs;
  }
  graph_ = std::move(graph);
  epoch_ = 0;
  return y;
}

Matrix Umap::start_layout(const Matrix& data, const SparseGraph& graph) const {
  const Eigen::Index n = data.rows();
  const int dims = opt_.dims;
  umap_detail::Rng rng = rng_for(opt_.seed, 0x1417, 0);
  std::optional<Matrix> y;
  if (opt_.init == UmapInit::random) {
    y = Matrix(n, dims);
    for (Eigen::Index i = 0; i < y->size(); ++i) y->data()[i] = static_cast<float>(20.0 * static_cast<double>(rng.next() >> 11) * 0x1.0p-53 - 10.0);
    return *y;
  }
  if (opt_.init == UmapInit::spectral) y = spectral_layout(graph, &data, {.dims = dims, .threads = opt_.threads});
  if (!y) {  // PCA (asked for, or the eigensolver did not converge)
    const Eigen::Index d = data.cols();
    if (d >= dims) {
      y = apply_pca(fit_pca(data, dims), data);
    } else {  // fewer columns than layout dimensions: pad with zeros
      y = Matrix::Zero(n, dims);
      y->leftCols(d) = data.rowwise() - data.colwise().mean();
    }
  }
  // As the reference: largest |coordinate| 10, plus noise of sd 1e-4, then each axis to [0, 10].
  const float max_abs = y->cwiseAbs().maxCoeff();
  if (max_abs > 0) *y *= 10.f / max_abs;
  for (Eigen::Index i = 0; i < y->size(); ++i) y->data()[i] += 1e-4f * gaussian(rng);
  for (int c = 0; c < dims; ++c) {
    const float lo = y->col(c).minCoeff(), hi = y->col(c).maxCoeff();
    y->col(c) = (y->col(c).array() - lo) * (hi > lo ? 10.f / (hi - lo) : 0.f);
  }
  return *y;
}

void Umap::run(Matrix& layout, int iteration_limit) {
  if (total_ == 0) throw Error("UMAP: run() before initialize()");
  const auto n = static_cast<Eigen::Index>(edges_.order.size());
  if (layout.rows() != n || layout.cols() != opt_.dims) throw Error("UMAP: run() got a layout of the wrong shape");
  const int limit = std::min(iteration_limit, total_);
  if (epoch_ >= limit) return;
  Matrix y(n, opt_.dims);  // in the optimiser's (colour) order
  for (Eigen::Index r = 0; r < n; ++r) y.row(r) = layout.row(edges_.order[static_cast<std::size_t>(r)]);
  // Parts of at least 256 heads: a thread more is not worth it below that.
  const int workers = std::max(1, std::min(opt_.threads, static_cast<int>(n / 256)));
  if (!team_ || team_->size() != workers) team_ = std::make_unique<ThreadTeam>(workers);
  umap_detail::run_epochs(opt_.dims, params_, edges_, epoch_, limit, total_, y.data(), previous_.size() > 0 ? previous_.data() : nullptr,
                          *team_);
  epoch_ = limit;
  for (Eigen::Index r = 0; r < n; ++r) layout.row(edges_.order[static_cast<std::size_t>(r)]) = y.row(r);
}

ProjectionStats Umap::stats(const Matrix& layout) const {
  if (total_ == 0 || layout.rows() != graph_.rows() || layout.cols() != opt_.dims) return {};
  return {"fuzzy cross-entropy (sampled)", umap_detail::cross_entropy(graph_, layout, params_, opt_.seed)};
}

}  // namespace

CurveParams find_ab(float spread, float min_dist) {
  if (!(spread > 0) || !(min_dist >= 0)) throw Error("find_ab: need spread > 0 and min_dist >= 0");
  constexpr int kPoints = 300;
  std::vector<double> xs(kPoints), ys(kPoints);
  for (int i = 0; i < kPoints; ++i) {
    xs[static_cast<std::size_t>(i)] = 3.0 * spread * i / (kPoints - 1);
    const double x = xs[static_cast<std::size_t>(i)];
    ys[static_cast<std::size_t>(i)] = x < min_dist ? 1.0 : std::exp(-(x - min_dist) / spread);
  }
  auto sse = [&](double a, double b) {
    double s = 0;
    for (int i = 0; i < kPoints; ++i) {
      const double r = 1.0 / (1.0 + a * std::pow(xs[static_cast<std::size_t>(i)], 2 * b)) - ys[static_cast<std::size_t>(i)];
      s += r * r;
    }
    return s;
  };
  // Levenberg-Marquardt from (1, 1), as scipy's curve_fit.
  double a = 1, b = 1, mu = 1e-3, err = sse(a, b);
  for (int it = 0; it < 200; ++it) {
    Eigen::Matrix2d jtj = Eigen::Matrix2d::Zero();
    Eigen::Vector2d jtr = Eigen::Vector2d::Zero();
    for (int i = 0; i < kPoints; ++i) {
      const double x = xs[static_cast<std::size_t>(i)];
      if (x <= 0) continue;  // f = 1 there whatever a and b
      const double p = std::pow(x, 2 * b), den = 1 + a * p, f = 1 / den;
      const Eigen::Vector2d g(-p / (den * den), -a * p * 2 * std::log(x) / (den * den));
      jtj += g * g.transpose();
      jtr += g * (f - ys[static_cast<std::size_t>(i)]);
    }
    bool improved = false;
    for (int tries = 0; tries < 30 && !improved; ++tries) {
      Eigen::Matrix2d m = jtj;
      m.diagonal() *= 1 + mu;
      const Eigen::Vector2d step = m.ldlt().solve(-jtr);
      const double na = a + step(0), nb = b + step(1);
      const double ne = na > 0 && nb > 0 ? sse(na, nb) : std::numeric_limits<double>::infinity();
      if (ne < err) {
        improved = true;
        const bool done = err - ne < 1e-14 * std::max(1.0, err);
        a = na;
        b = nb;
        err = ne;
        mu = std::max(mu / 10, 1e-12);
        if (done) return {static_cast<float>(a), static_cast<float>(b)};
      } else {
        mu *= 10;
      }
    }
    if (!improved) break;
  }
  return {static_cast<float>(a), static_cast<float>(b)};
}

SparseGraph fuzzy_graph(const knn::NeighborList& nn, int n_neighbors, std::vector<float>* rho_out, std::vector<float>* sigma_out) {
  const std::size_t n = nn.n;
  // n_neighbors counts the point itself (the reference's kNN lists hold it first): n_neighbors - 1
  // others, smoothed so their weights sum to log2(n_neighbors).
  const int k = std::min(n_neighbors - 1, nn.k);
  if (n < 2 || k < 1) throw Error("fuzzy graph: needs at least 2 points and 1 neighbour");
  const double target = std::log2(static_cast<double>(std::max(n_neighbors, 2)));
  double mean_all = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (int j = 0; j < k; ++j) mean_all += nn.distance(i, j);
  }
  mean_all /= static_cast<double>(n) * k;
  std::vector<float> rho(n), sigma(n);
  std::vector<Eigen::Triplet<float, std::int32_t>> directed;
  directed.reserve(n * static_cast<std::size_t>(k));
  for (std::size_t i = 0; i < n; ++i) {
    double r = 0, mean_i = 0;
    for (int j = 0; j < k; ++j) {
      const double d = nn.distance(i, j);
      mean_i += d;
      if (r == 0 && d > 0) r = d;  // local connectivity 1: the nearest non-zero distance
    }
    mean_i /= k;
    double lo = 0, hi = std::numeric_limits<double>::infinity(), mid = 1;
    for (int step = 0; step < kBisectionSteps; ++step) {
      double psum = 0;
      for (int j = 0; j < k; ++j) {
        const double d = nn.distance(i, j) - r;
        psum += d > 0 ? std::exp(-d / mid) : 1.0;
      }
      if (std::abs(psum - target) < kBisectionTolerance) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = std::isinf(hi) ? mid * 2 : (lo + hi) / 2;
      }
    }
    const double floor = kMinScale * (r > 0 ? mean_i : mean_all);
    if (mid < floor) mid = floor;
    rho[i] = static_cast<float>(r);
    sigma[i] = static_cast<float>(mid);
    for (int j = 0; j < k; ++j) {
      const double d = nn.distance(i, j) - r;
      const float w = (d <= 0 || mid <= 0) ? 1.f : static_cast<float>(std::exp(-d / mid));
      directed.emplace_back(static_cast<std::int32_t>(i), nn.index(i, j), w);
    }
  }
  SparseGraph a(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
  a.setFromTriplets(directed.begin(), directed.end(), [](float p, float q) { return std::max(p, q); });
  const SparseGraph at = a.transpose();
  // Fuzzy union: a + b - a b over the union of the two patterns.
  SparseGraph sum = a + at;
  const SparseGraph prod = a.cwiseProduct(at);
  SparseGraph out = sum - prod;
  out.prune([](std::int32_t r, std::int32_t c, float w) { return r != c && w > 0; });
  out.makeCompressed();
  if (rho_out != nullptr) *rho_out = std::move(rho);
  if (sigma_out != nullptr) *sigma_out = std::move(sigma);
  return out;
}

std::unique_ptr<Projection> make_umap(const UmapOptions& options) { return std::make_unique<Umap>(options); }

}  // namespace epochscope::project
