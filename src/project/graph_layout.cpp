#include "epochscope/project/graph_layout.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <string>

#include "epochscope/project/barnes_hut.hpp"
#include "epochscope/project/pca.hpp"

namespace epochscope::project {
namespace {

class ForceGraph final : public GraphLayout {
 public:
  explicit ForceGraph(const GraphLayoutOptions& o)
      : opt_(o), team_(std::max(1, o.threads)), bh_({.dims = o.dims, .theta = o.theta, .softening = 1e-4}) {
    if (o.dims != 2 && o.dims != 3) throw Error("graph layout: dims must be 2 or 3");
    if (o.k < 1) throw Error("graph layout: k must be >= 1");
    if (o.iterations < 0 || o.warm_iterations < 0) throw Error("graph layout: negative iteration count");
    if (!(o.spring >= 0) || !(o.edge_length > 0) || !(o.step > 0)) {
      throw Error("graph layout: spring must be >= 0, edge_length and step > 0");
    }
    if (!(o.temperature > 0) || !(o.warm_temperature > 0)) throw Error("graph layout: temperatures must be > 0");
  }

  Matrix initialize(const ProjectionInput& input) override {
    if (!input.data) throw Error("graph layout: no input data");
    const Matrix& x = *input.data;
    const auto n = static_cast<std::size_t>(x.rows());
    const int d = opt_.dims;
    if (n < 2) throw Error("graph layout: needs at least 2 points, got " + std::to_string(n));
    if (input.warm_start) {
      if (input.warm_start->rows() != x.rows() || input.warm_start->cols() != d) {
        throw Error("graph layout: warm start must be " + std::to_string(n) + " x " + std::to_string(d));
      }
      if (!input.warm_start->allFinite()) throw Error("graph layout: warm start holds NaN or Inf values");
    }
    const auto nn = neighbors(input);
    // Unit density: a disc (ball) of radius R holds the N points; gravity balances 1/d repulsion there.
    const double radius =
        d == 2 ? std::sqrt(double(n) / std::numbers::pi) : std::cbrt(3.0 * double(n) / (4 * std::numbers::pi));
    Matrix y = input.warm_start ? *input.warm_start : initial_layout(x, radius);
    // Nothing above changed the object: a throw leaves it as it was.
    n_ = n;
    radius_ = radius;
    gravity_ = double(n) / (radius * radius);
    make_graph(nn);
    warm_ = input.warm_start != nullptr;
    total_ = warm_ ? opt_.warm_iterations : opt_.iterations;
    iter_ = 0;
    force_.assign(n_ * static_cast<std::size_t>(d), 0.f);
    unused_.assign(n_, 0.f);
    next_.resize(n_ * static_cast<std::size_t>(d));
    return y;
  }

  void run(Matrix& y, int limit) override {
    if (adj_ptr_.empty()) throw Error("graph layout: run() before initialize()");
    if (static_cast<std::size_t>(y.rows()) != n_ || y.cols() != opt_.dims)
      throw Error("graph layout: layout has the wrong shape");
    while (iter_ < std::min(limit, total_)) {
      step(y);
      ++iter_;
    }
  }

  int iteration() const override { return iter_; }
  int total_iterations() const override { return total_; }
  const std::vector<std::pair<int, int>>& edges() const override { return edges_; }
  const std::vector<float>& rest_lengths() const override { return rest_; }

 private:
  knn::NeighborList neighbors(const ProjectionInput& input) const {
    const auto n = static_cast<std::size_t>(input.data->rows());
    const int k = std::min(opt_.k, static_cast<int>(n) - 1);
    if (input.neighbors && input.neighbors->n == n && input.neighbors->k >= k) return input.neighbors->truncated(k);
    return knn::build_knn(*input.data, {.k = k, .threads = opt_.threads});
  }

  // Edges (i < j, sorted, each once), their rest lengths, and the adjacency both ways.
  void make_graph(const knn::NeighborList& nn) {
    struct E {
      int a, b;
      float d;
    };
    std::vector<E> all;
    all.reserve(nn.n * static_cast<std::size_t>(nn.k));
    for (std::size_t i = 0; i < nn.n; ++i) {
      for (int j = 0; j < nn.k; ++j) {
        const int o = nn.index(i, j), s = static_cast<int>(i);
        if (o == s || o < 0 || static_cast<std::size_t>(o) >= n_) continue;
        all.push_back({std::min(s, o), std::max(s, o), nn.distance(i, j)});
      }
    }
    std::sort(all.begin(), all.end(), [](const E& p, const E& q) {
      return p.a != q.a ? p.a < q.a : p.b != q.b ? p.b < q.b : p.d < q.d;
    });
    all.erase(std::unique(all.begin(), all.end(), [](const E& p, const E& q) { return p.a == q.a && p.b == q.b; }),
              all.end());
    edges_.clear();
    rest_.clear();
    std::vector<float> dist;
    for (const auto& e : all) {
      edges_.emplace_back(e.a, e.b);
      dist.push_back(e.d);
    }
    // Scale: the median edge rests at edge_length (mean spacing 1 at unit density).
    std::vector<float> sorted = dist;
    float ref = 0;
    if (!sorted.empty()) {
      std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2), sorted.end());
      ref = sorted[sorted.size() / 2];
      if (!(ref > 0)) {
        double mean = 0;
        for (float v : dist) mean += v;
        ref = static_cast<float>(mean / double(dist.size()));
      }
    }
    const float scale = ref > 0 ? static_cast<float>(opt_.edge_length) / ref : 0.f;
    for (float v : dist) rest_.push_back(ref > 0 ? v * scale : static_cast<float>(opt_.edge_length));
    // Adjacency (both directions) for per-point spring sums.
    adj_ptr_.assign(n_ + 1, 0);
    for (const auto& [a, b] : edges_) {
      ++adj_ptr_[static_cast<std::size_t>(a) + 1];
      ++adj_ptr_[static_cast<std::size_t>(b) + 1];
    }
    for (std::size_t i = 0; i < n_; ++i) adj_ptr_[i + 1] += adj_ptr_[i];
    adj_.resize(adj_ptr_[n_]);
    std::vector<std::size_t> fill(adj_ptr_.begin(), adj_ptr_.end() - 1);
    for (std::size_t e = 0; e < edges_.size(); ++e) {
      const auto a = static_cast<std::size_t>(edges_[e].first), b = static_cast<std::size_t>(edges_[e].second);
      adj_[fill[a]++] = {static_cast<std::int32_t>(b), rest_[e]};
      adj_[fill[b]++] = {static_cast<std::int32_t>(a), rest_[e]};
    }
  }

  Matrix initial_layout(const Matrix& x, double radius) const {
    const auto d = static_cast<Eigen::Index>(opt_.dims);
    const Eigen::Index n = x.rows();
    Matrix y = Matrix::Zero(n, d);
    if (x.cols() >= d && n > d) y = apply_pca(fit_pca(x, opt_.dims), x);
    const double rms = std::sqrt(double(y.rowwise().squaredNorm().sum()) / double(n));
    // A uniform disc of radius R has RMS radius R / sqrt(2); a uniform ball R * sqrt(3/5).
    const double target = radius * (opt_.dims == 2 ? std::sqrt(0.5) : std::sqrt(0.6));
    if (rms > 0 && y.allFinite()) {
      y *= static_cast<float>(target / rms);
    } else {
      y.setZero();
    }
    std::mt19937_64 rng(opt_.seed);
    std::normal_distribution<float> jitter(0.f, rms > 0 ? 0.01f : static_cast<float>(target));
    for (Eigen::Index i = 0; i < y.size(); ++i) y.data()[i] += jitter(rng);
    return y;
  }

  void step(Matrix& y) {
    const auto du = static_cast<std::size_t>(opt_.dims);
    const float* pos = y.data();
    bh_.compute(pos, n_, RepulsionKernel::inverse_distance, force_.data(), unused_.data(), &team_);
    const double t0 = (warm_ ? opt_.warm_temperature : opt_.temperature) * radius_;
    const auto temp = static_cast<float>(t0 * (1.0 - double(iter_) / std::max(1, total_)) + 1e-3);
    const auto g = static_cast<float>(gravity_);
    const auto spring = static_cast<float>(opt_.spring);
    const auto step = static_cast<float>(opt_.step);
    constexpr std::size_t kChunk = 512;
    team_.run((n_ + kChunk - 1) / kChunk, [&](std::size_t c, int) {
      for (std::size_t i = c * kChunk; i < std::min(n_, (c + 1) * kChunk); ++i) {
        float f[3] = {0, 0, 0}, yi[3] = {0, 0, 0};
        for (std::size_t k = 0; k < du; ++k) {
          yi[k] = pos[i * du + k];
          f[k] = force_[i * du + k] - g * yi[k];
        }
        for (std::size_t e = adj_ptr_[i]; e < adj_ptr_[i + 1]; ++e) {
          const auto j = static_cast<std::size_t>(adj_[e].first);
          float diff[3] = {0, 0, 0}, len2 = 0;
          for (std::size_t k = 0; k < du; ++k) {
            diff[k] = pos[j * du + k] - yi[k];
            len2 += diff[k] * diff[k];
          }
          const float len = std::sqrt(len2);
          if (len <= 0) continue;
          const float pull = spring * (len - adj_[e].second) / len;
          for (std::size_t k = 0; k < du; ++k) f[k] += pull * diff[k];
        }
        // Jacobi-scaled step: divide by the point's stiffness (gravity + its springs), then cap.
        const float scale = step / (g + spring * static_cast<float>(adj_ptr_[i + 1] - adj_ptr_[i]));
        float m2 = 0;
        for (std::size_t k = 0; k < du; ++k) m2 += f[k] * f[k] * scale * scale;
        const float cap = m2 > temp * temp ? temp / std::sqrt(m2) : 1.f;
        for (std::size_t k = 0; k < du; ++k) next_[i * du + k] = yi[k] + f[k] * scale * cap;
      }
    });
    std::copy(next_.begin(), next_.end(), y.data());
  }

  GraphLayoutOptions opt_;
  ThreadTeam team_;
  BarnesHut bh_;
  std::size_t n_ = 0;
  int iter_ = 0, total_ = 0;
  bool warm_ = false;
  double radius_ = 1, gravity_ = 1;
  std::vector<std::pair<int, int>> edges_;
  std::vector<float> rest_;
  std::vector<std::size_t> adj_ptr_;
  std::vector<std::pair<std::int32_t, float>> adj_;
  std::vector<float> force_, unused_, next_;
};

}  // namespace

std::unique_ptr<GraphLayout> make_graph_layout(const GraphLayoutOptions& options) {
  return std::make_unique<ForceGraph>(options);
}

}  // namespace epochscope::project
