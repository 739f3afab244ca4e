// A randomized kd-forest (Silpa-Anan and Hartley 2008, as in FLANN), written here rather than
// taken from FLANN because FLANN 1.9 shuffles its trees with std::random_device, which makes its
// lists change from run to run. Each tree splits at the mean of a dimension drawn at random among
// the five of largest variance (estimated on up to 100 of the node's points); a query descends all
// trees and then visits the pending branches of all of them nearest first (best-bin-first) until it
// has examined `checks` points. Everything random comes from the seed, so the lists are a function
// of (data, options) alone; queries are independent, so the thread count does not matter.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <queue>

#include "knn_detail.hpp"

namespace epochscope::knn::detail {
namespace {

constexpr int kLeafSize = 4;       // points per leaf at most (unless they are all equal)
constexpr int kSampleSize = 100;   // points used to estimate a node's variances
constexpr int kTopDims = 5;        // the split dimension is drawn among this many

struct SplitMix {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32); }
};

struct Node {
  std::int32_t dim = -1;  // split dimension, or -1 for a leaf
  float split = 0;
  std::int32_t a = 0, b = 0;  // children (inner node) or [a, b) in the tree's permutation (leaf)
};

struct Tree {
  std::vector<Node> nodes;
  std::vector<std::int32_t> perm;
};

class Builder {
 public:
  Builder(const Matrix& x, Tree& tree, std::uint64_t seed) : x_(x), tree_(tree), rng_{seed} {}

  void build() {
    const auto n = static_cast<std::int32_t>(x_.rows());
    tree_.perm.resize(static_cast<std::size_t>(n));
    std::iota(tree_.perm.begin(), tree_.perm.end(), 0);
    for (std::int32_t i = n - 1; i > 0; --i) std::swap(tree_.perm[static_cast<std::size_t>(i)], tree_.perm[rng_.below(static_cast<std::uint32_t>(i + 1))]);
    node(0, n);
  }

 private:
  float at(std::int32_t lo_offset, Eigen::Index dim) const { return x_(tree_.perm[static_cast<std::size_t>(lo_offset)], dim); }

  // Per-dimension variance of points [lo, lo + count) of the permutation.
  void variances(std::int32_t lo, std::int32_t count) {
    const Eigen::Index d = x_.cols();
    mean_.assign(static_cast<std::size_t>(d), 0.0);
    var_.assign(static_cast<std::size_t>(d), 0.0);
    for (std::int32_t s = 0; s < count; ++s) {
      for (Eigen::Index c = 0; c < d; ++c) mean_[static_cast<std::size_t>(c)] += at(lo + s, c);
    }
    for (auto& m : mean_) m /= count;
    for (std::int32_t s = 0; s < count; ++s) {
      for (Eigen::Index c = 0; c < d; ++c) {
        const double v = at(lo + s, c) - mean_[static_cast<std::size_t>(c)];
        var_[static_cast<std::size_t>(c)] += v * v;
      }
    }
  }

  std::int32_t node(std::int32_t lo, std::int32_t hi) {
    const auto id = static_cast<std::int32_t>(tree_.nodes.size());
    tree_.nodes.push_back({-1, 0.f, lo, hi});
    if (hi - lo <= kLeafSize) return id;
    variances(lo, std::min(kSampleSize, hi - lo));
    if (*std::max_element(var_.begin(), var_.end()) <= 0) variances(lo, hi - lo);
    if (*std::max_element(var_.begin(), var_.end()) <= 0) return id;  // all points equal: one leaf
    std::vector<std::int32_t> order(var_.size());
    std::iota(order.begin(), order.end(), 0);
    const auto top = std::min<std::size_t>(kTopDims, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(top), order.end(), [&](std::int32_t p, std::int32_t q) {
      return var_[static_cast<std::size_t>(p)] > var_[static_cast<std::size_t>(q)] || (var_[static_cast<std::size_t>(p)] == var_[static_cast<std::size_t>(q)] && p < q);
    });
    std::size_t usable = 1;
    while (usable < top && var_[static_cast<std::size_t>(order[usable])] > 0) ++usable;
    const std::int32_t dim = order[rng_.below(static_cast<std::uint32_t>(usable))];
    const auto split = static_cast<float>(mean_[static_cast<std::size_t>(dim)]);
    // Three-way partition: < split, == split, > split; equal values go to whichever side balances.
    auto* p = tree_.perm.data();
    std::int32_t lt = lo, gt = hi, i = lo;
    while (i < gt) {
      const float v = x_(p[i], dim);
      if (v < split) {
        std::swap(p[i++], p[lt++]);
      } else if (v > split) {
        std::swap(p[i], p[--gt]);
      } else {
        ++i;
      }
    }
    std::int32_t mid = std::clamp(lo + (hi - lo) / 2, lt, gt);
    if (mid == lo || mid == hi) mid = lo + (hi - lo) / 2;  // (cannot happen: the sample straddles its mean)
    const std::int32_t left = node(lo, mid);
    const std::int32_t right = node(mid, hi);
    tree_.nodes[static_cast<std::size_t>(id)] = {dim, split, left, right};
    return id;
  }

  const Matrix& x_;
  Tree& tree_;
  SplitMix rng_;
  std::vector<double> mean_, var_;
};

struct Branch {
  float bound;
  std::int32_t tree, node;
  bool operator>(const Branch& o) const { return bound > o.bound; }
};

class Searcher {
 public:
  Searcher(const Matrix& x, const std::vector<Tree>& trees, int k, int checks)
      : x_(x), trees_(trees), k_(k), checks_(checks), stamp_(static_cast<std::size_t>(x.rows()), 0) {}

  void query(std::int32_t self, std::int32_t* idx, float* dist) {
    ++query_count_;
    q_ = x_.row(self).data();
    self_ = self;
    found_ = 0;
    examined_ = 0;
    heap_ = {};
    best_d_.assign(static_cast<std::size_t>(k_), std::numeric_limits<float>::infinity());
    best_i_.assign(static_cast<std::size_t>(k_), std::numeric_limits<std::int32_t>::max());
    for (std::size_t t = 0; t < trees_.size(); ++t) descend(static_cast<std::int32_t>(t), 0, 0.f);
    while (!heap_.empty() && (examined_ < checks_ || found_ < k_)) {
      const Branch b = heap_.top();
      heap_.pop();
      if (found_ == k_ && b.bound > best_d_.back()) break;
      descend(b.tree, b.node, b.bound);
    }
    for (int s = 0; s < k_; ++s) {
      idx[s] = best_i_[static_cast<std::size_t>(s)];
      dist[s] = std::sqrt(best_d_[static_cast<std::size_t>(s)]);
    }
  }

 private:
  void descend(std::int32_t t, std::int32_t n, float bound) {
    const Tree& tree = trees_[static_cast<std::size_t>(t)];
    const Node* node = &tree.nodes[static_cast<std::size_t>(n)];
    while (node->dim >= 0) {
      const float diff = q_[node->dim] - node->split;
      const std::int32_t near = diff < 0 ? node->a : node->b, far = diff < 0 ? node->b : node->a;
      heap_.push({bound + diff * diff, t, far});
      node = &tree.nodes[static_cast<std::size_t>(near)];
    }
    const Eigen::Index d = x_.cols();
    for (std::int32_t s = node->a; s < node->b; ++s) {
      const std::int32_t j = tree.perm[static_cast<std::size_t>(s)];
      auto& st = stamp_[static_cast<std::size_t>(j)];
      if (st == query_count_ || j == self_) continue;
      st = query_count_;
      ++examined_;
      const float* r = x_.row(j).data();
      float d2 = 0;
      for (Eigen::Index c = 0; c < d; ++c) d2 += (q_[c] - r[c]) * (q_[c] - r[c]);
      offer(d2, j);
    }
  }

  void offer(float d, std::int32_t j) {
    int p = k_ - 1;
    if (d > best_d_[static_cast<std::size_t>(p)] || (d == best_d_[static_cast<std::size_t>(p)] && j >= best_i_[static_cast<std::size_t>(p)])) return;
    while (p > 0 && (best_d_[static_cast<std::size_t>(p - 1)] > d || (best_d_[static_cast<std::size_t>(p - 1)] == d && best_i_[static_cast<std::size_t>(p - 1)] > j))) {
      best_d_[static_cast<std::size_t>(p)] = best_d_[static_cast<std::size_t>(p - 1)];
      best_i_[static_cast<std::size_t>(p)] = best_i_[static_cast<std::size_t>(p - 1)];
      --p;
    }
    best_d_[static_cast<std::size_t>(p)] = d;
    best_i_[static_cast<std::size_t>(p)] = j;
    found_ = std::min(found_ + 1, k_);
  }

  const Matrix& x_;
  const std::vector<Tree>& trees_;
  int k_, checks_;
  std::vector<std::uint32_t> stamp_;
  std::uint32_t query_count_ = 0;
  const float* q_ = nullptr;
  std::int32_t self_ = 0;
  int found_ = 0, examined_ = 0;
  std::priority_queue<Branch, std::vector<Branch>, std::greater<>> heap_;
  std::vector<float> best_d_;
  std::vector<std::int32_t> best_i_;
};

}  // namespace

bool prefer_kdtree(Eigen::Index n, Eigen::Index d) { return d <= 64 && n >= 20000; }

void kdtree_knn(const Matrix& data, NeighborList& out, const KnnOptions& options) {
  const int tree_count = std::max(1, options.trees);
  std::vector<Tree> trees(static_cast<std::size_t>(tree_count));
  const int threads = std::max(1, options.threads);
  run_workers(std::min(threads, tree_count), [&](int w) {
    for (int t = w; t < tree_count; t += std::min(threads, tree_count)) {
      Builder(data, trees[static_cast<std::size_t>(t)], options.seed * 0x2545f4914f6cdd1dULL + static_cast<std::uint64_t>(t)).build();
    }
  });
  const int k = out.k;
  const int checks = std::max(options.checks, k);
  parallel_rows(out.n, threads, [&](std::size_t begin, std::size_t end) {
    Searcher s(data, trees, k, checks);
    for (std::size_t i = begin; i < end; ++i) {
      s.query(static_cast<std::int32_t>(i), out.indices.data() + i * static_cast<std::size_t>(k), out.distances.data() + i * static_cast<std::size_t>(k));
    }
  });
}

}  // namespace epochscope::knn::detail
