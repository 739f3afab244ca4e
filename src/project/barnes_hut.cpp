#include "epochscope/project/barnes_hut.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "epochscope/core/matrix.hpp"
#include "epochscope/core/radix_sort.hpp"

namespace epochscope::project {

// ---- the tree ----------------------------------------------------------------------------------

namespace {

using v4f = float __attribute__((vector_size(16)));  // one SSE register on baseline x86-64
constexpr int kLanes = 8;                            // points per block: two v4f halves

std::uint64_t spread2(std::uint64_t x) {  // up to 24 bits -> every other bit of 48
  x &= 0xFFFFFFu;
  x = (x | (x << 16)) & 0x0000FFFF0000FFFFull;
  x = (x | (x << 8)) & 0x00FF00FF00FF00FFull;
  x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0Full;
  x = (x | (x << 2)) & 0x3333333333333333ull;
  x = (x | (x << 1)) & 0x5555555555555555ull;
  return x;
}

std::uint64_t spread3(std::uint64_t x) {  // up to 21 bits -> every third bit of 63
  x &= 0x1FFFFFu;
  x = (x | (x << 32)) & 0x1F00000000FFFFull;
  x = (x | (x << 16)) & 0x1F0000FF0000FFull;
  x = (x | (x << 8)) & 0x100F00F00F00F00Full;
  x = (x | (x << 4)) & 0x10C30C30C30C30C3ull;
  x = (x | (x << 2)) & 0x1249249249249249ull;
  return x;
}

// ---- kernels: kLanes points (p: D x kLanes) against an interaction list (lx[k][j], weights cw[j]) ---
// V is the vector type: v4f (two per block) on baseline x86-64, v8f (one) where AVX2 is present. Both
// do the same IEEE operations in the same order per lane (no FMA), so they give identical results.

using v8f = float __attribute__((vector_size(32)));

// Student-t: out[k] = sum_j w_j q_j^2 (p_k - x_jk), out[D] = sum_j w_j q_j, q_j = 1 / (1 + |p - x_j|^2).
// Inverse distance: out[k] = sum_j w_j (p_k - x_jk) / (|p - x_j|^2 + soft), out[D] = 0.
template <int D, typename V, bool kStudentT>
[[gnu::always_inline]] inline void block_kernel(const float* p, const float* const* lx, const float* cw,
                                                std::size_t len, float soft, float* out) {
  constexpr int kW = sizeof(V) / sizeof(float), kH = kLanes / kW;
  V pv[kH][D], f[kH][D], z[kH];
  for (int h = 0; h < kH; ++h) {
    for (int k = 0; k < D; ++k) {
      std::memcpy(&pv[h][k], p + k * kLanes + h * kW, sizeof(V));
      f[h][k] = V{};
    }
    z[h] = V{};
  }
  for (std::size_t j = 0; j < len; ++j) {
    for (int h = 0; h < kH; ++h) {
      V d[D], r = V{} + (kStudentT ? 1.f : soft);
      for (int k = 0; k < D; ++k) {
        d[k] = pv[h][k] - lx[k][j];
        r += d[k] * d[k];
      }
      V g;
      if constexpr (kStudentT) {
        const V q = 1.f / r;
        const V w = cw[j] * q;
        z[h] += w;
        g = w * q;
      } else {
        g = cw[j] / r;
      }
      for (int k = 0; k < D; ++k) f[h][k] += g * d[k];
    }
  }
  for (int h = 0; h < kH; ++h) {
    for (int k = 0; k < D; ++k) std::memcpy(out + k * kLanes + h * kW, &f[h][k], sizeof(V));
    std::memcpy(out + D * kLanes + h * kW, &z[h], sizeof(V));
  }
}

using KernelFn = void (*)(const float*, const float* const*, const float*, std::size_t, float, float*);

template <int D, bool kStudentT>
void kernel_sse(const float* p, const float* const* lx, const float* cw, std::size_t len, float soft, float* out) {
  block_kernel<D, v4f, kStudentT>(p, lx, cw, len, soft, out);
}

#if defined(__x86_64__) && defined(__GNUC__)
#define EPOCHSCOPE_BH_AVX2 1
template <int D, bool kStudentT>
__attribute__((target("avx2"))) void kernel_avx2(const float* p, const float* const* lx, const float* cw,
                                                 std::size_t len, float soft, float* out) {
  block_kernel<D, v8f, kStudentT>(p, lx, cw, len, soft, out);
}
#endif

// The kernels for this CPU, chosen once per tree.
template <int D>
struct Kernels {
  KernelFn student_t = kernel_sse<D, true>;
  KernelFn inverse = kernel_sse<D, false>;
  Kernels() {
#ifdef EPOCHSCOPE_BH_AVX2
    if (__builtin_cpu_supports("avx2")) {
      student_t = kernel_avx2<D, true>;
      inverse = kernel_avx2<D, false>;
    }
#endif
  }
  void run(RepulsionKernel kernel, const float* p, const float* const* lx, const float* cw, std::size_t len, float soft,
           float* out) const {
    (kernel == RepulsionKernel::student_t ? student_t : inverse)(p, lx, cw, len, soft, out);
  }
};

template <int D>
struct Node {
  float com[D];
  float lo[D], hi[D];
  float width2 = 0;  // squared largest side of the tight bounding box
  float count = 0;
  int begin = 0, end = 0;  // points, in Morton order
  int child = -1;          // first child (children are contiguous), -1 for a leaf
  int children = 0;
};

struct Scratch {
  std::vector<float> list[4];  // interaction list: D coordinates + weight (SoA)
  std::vector<int> stack;
};

template <int D>
class Tree {
 public:
  static constexpr int kBits = D == 2 ? 16 : 14;  // per axis: 32- or 42-bit codes, 3 or 4 radix passes

  void compute(const BarnesHutOptions& opt, const float* y, std::size_t n, RepulsionKernel kernel, float* forces,
               float* sums, ThreadTeam* team, BarnesHutCounts& counts) {
    n_ = n;
    sort_points(y);
    nodes_.clear();
    nodes_.emplace_back();
    build(0, 0, static_cast<int>(n), 0, opt.leaf_size);
    groups_.clear();
    collect_groups(0, opt.group_size);
    const int workers = team ? team->size() : 1;
    scratch_.resize(static_cast<std::size_t>(workers));
    tally_.assign(static_cast<std::size_t>(workers), 0);
    const float theta2 = static_cast<float>(opt.theta * opt.theta);
    const float soft = static_cast<float>(opt.softening);
    auto task = [&](std::size_t g, int worker) {
      evaluate(groups_[g], theta2, soft, kernel, forces, sums, scratch_[static_cast<std::size_t>(worker)],
               tally_[static_cast<std::size_t>(worker)]);
    };
    if (team) {
      team->run(groups_.size(), task);
    } else {
      for (std::size_t g = 0; g < groups_.size(); ++g) task(g, 0);
    }
    counts.nodes = nodes_.size();
    counts.groups = groups_.size();
    counts.interactions = 0;
    for (auto t : tally_) counts.interactions += t;
  }

 private:
  void sort_points(const float* y) {
    float lo[D], hi[D];
    for (int k = 0; k < D; ++k) lo[k] = hi[k] = y[k];
    for (std::size_t i = 0; i < n_; ++i) {
      for (int k = 0; k < D; ++k) {
        const float v = y[i * D + k];
        if (!std::isfinite(v)) throw Error("Barnes-Hut: position " + std::to_string(i) + " is not finite");
        lo[k] = std::min(lo[k], v);
        hi[k] = std::max(hi[k], v);
      }
    }
    float extent = 0;
    for (int k = 0; k < D; ++k) extent = std::max(extent, hi[k] - lo[k]);
    const float top = static_cast<float>((1u << kBits) - 1);
    const float scale = extent > 0 ? top / extent : 0.f;
    codes_.resize(n_);
    order_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      std::uint64_t code = 0;
      for (int k = 0; k < D; ++k) {
        const float q = std::clamp((y[i * D + k] - lo[k]) * scale, 0.f, top);
        const auto c = static_cast<std::uint64_t>(q);
        code |= (D == 2 ? spread2(c) : spread3(c)) << k;
      }
      codes_[i] = code;
      order_[i] = static_cast<std::uint32_t>(i);
    }
    radix_sort();
    for (int k = 0; k < D; ++k) {
      pos_[k].resize(n_);
      for (std::size_t s = 0; s < n_; ++s) pos_[k][s] = y[order_[s] * D + static_cast<std::size_t>(k)];
    }
  }

  // Stable LSD radix sort of (code, index), skipping digits all codes share.
  void radix_sort() { radix_sort_pairs(codes_, order_, D * kBits, tmp_codes_, tmp_order_); }

  // Fills node `slot` with the points [b, e), whose codes agree above `level`.
  void build(int slot, int b, int e, int level, int leaf_size) {
    nodes_[static_cast<std::size_t>(slot)].begin = b;
    nodes_[static_cast<std::size_t>(slot)].end = e;
    auto prefix = [&](int i, int lvl) { return codes_[static_cast<std::size_t>(i)] >> (D * (kBits - 1 - lvl)); };
    while (level < kBits && e - b > leaf_size && prefix(b, level) == prefix(e - 1, level)) ++level;
    if (e - b <= leaf_size || level >= kBits) {
      summarise_leaf(slot);
      return;
    }
    int bounds[(1 << D) + 1];
    int runs = 0;
    for (int s = b; s < e; ++runs) {
      bounds[runs] = s;
      const std::uint64_t p = prefix(s, level);
      s = static_cast<int>(
          std::upper_bound(codes_.begin() + s, codes_.begin() + e, p,
                           [&](std::uint64_t v, std::uint64_t c) { return v < (c >> (D * (kBits - 1 - level))); }) -
          codes_.begin());
    }
    bounds[runs] = e;
    const int first = static_cast<int>(nodes_.size());
    nodes_.resize(nodes_.size() + static_cast<std::size_t>(runs));
    nodes_[static_cast<std::size_t>(slot)].child = first;
    nodes_[static_cast<std::size_t>(slot)].children = runs;
    for (int r = 0; r < runs; ++r) build(first + r, bounds[r], bounds[r + 1], level + 1, leaf_size);
    Node<D>& nd = nodes_[static_cast<std::size_t>(slot)];
    double com[D] = {};
    for (int k = 0; k < D; ++k) {
      nd.lo[k] = std::numeric_limits<float>::max();
      nd.hi[k] = std::numeric_limits<float>::lowest();
    }
    for (int r = 0; r < runs; ++r) {
      const Node<D>& c = nodes_[static_cast<std::size_t>(first + r)];
      for (int k = 0; k < D; ++k) {
        com[k] += double(c.com[k]) * c.count;
        nd.lo[k] = std::min(nd.lo[k], c.lo[k]);
        nd.hi[k] = std::max(nd.hi[k], c.hi[k]);
      }
    }
    finish(nd, com);
  }

  void summarise_leaf(int slot) {
    Node<D>& nd = nodes_[static_cast<std::size_t>(slot)];
    double com[D] = {};
    for (int k = 0; k < D; ++k) {
      nd.lo[k] = std::numeric_limits<float>::max();
      nd.hi[k] = std::numeric_limits<float>::lowest();
      for (int s = nd.begin; s < nd.end; ++s) {
        const float v = pos_[k][static_cast<std::size_t>(s)];
        com[k] += v;
        nd.lo[k] = std::min(nd.lo[k], v);
        nd.hi[k] = std::max(nd.hi[k], v);
      }
    }
    finish(nd, com);
  }

  static void finish(Node<D>& nd, const double* com_sum) {
    nd.count = static_cast<float>(nd.end - nd.begin);
    float w = 0;
    for (int k = 0; k < D; ++k) {
      nd.com[k] = static_cast<float>(com_sum[k] / (nd.end - nd.begin));
      w = std::max(w, nd.hi[k] - nd.lo[k]);
    }
    nd.width2 = w * w;
  }

  void collect_groups(int slot, int group_size) {
    const Node<D>& nd = nodes_[static_cast<std::size_t>(slot)];
    if (nd.child < 0 || nd.end - nd.begin <= group_size) {
      groups_.push_back(slot);
      return;
    }
    for (int c = 0; c < nd.children; ++c) collect_groups(nd.child + c, group_size);
  }

  // Builds the interaction list of one group, then evaluates it for the group's points.
  void evaluate(int group, float theta2, float soft, RepulsionKernel kernel, float* forces, float* sums, Scratch& sc,
                std::size_t& tally) const {
    const Node<D>& g = nodes_[static_cast<std::size_t>(group)];
    for (auto& l : sc.list) l.clear();
    sc.stack.assign(1, 0);
    while (!sc.stack.empty()) {
      const Node<D>& nd = nodes_[static_cast<std::size_t>(sc.stack.back())];
      sc.stack.pop_back();
      float d2 = 0;
      bool overlap = true;
      for (int k = 0; k < D; ++k) {
        const float below = g.lo[k] - nd.com[k], above = nd.com[k] - g.hi[k];
        const float out = std::max({below, above, 0.f});
        d2 += out * out;
        overlap = overlap && nd.lo[k] <= g.hi[k] && nd.hi[k] >= g.lo[k];
      }
      if (!overlap && nd.width2 < theta2 * d2) {
        for (int k = 0; k < D; ++k) sc.list[k].push_back(nd.com[k]);
        sc.list[3].push_back(nd.count);
      } else if (nd.child < 0) {
        for (int s = nd.begin; s < nd.end; ++s) {
          for (int k = 0; k < D; ++k) sc.list[k].push_back(pos_[k][static_cast<std::size_t>(s)]);
          sc.list[3].push_back(1.f);
        }
      } else {
        for (int c = nd.children - 1; c >= 0; --c) sc.stack.push_back(nd.child + c);
      }
    }
    const std::size_t len = sc.list[3].size();
    const int count = g.end - g.begin;
    const float* lx[D];
    for (int k = 0; k < D; ++k) lx[k] = sc.list[k].data();
    const float* cw = sc.list[3].data();
    for (int blk = 0; blk < count; blk += kLanes) {
      alignas(32) float p[D][kLanes], out[D + 1][kLanes];
      for (int k = 0; k < D; ++k) {
        for (int l = 0; l < kLanes; ++l)
          p[k][l] = pos_[k][static_cast<std::size_t>(g.begin + std::min(blk + l, count - 1))];
      }
      kernels_.run(kernel, p[0], lx, cw, len, soft, out[0]);
      for (int l = 0; l < kLanes && blk + l < count; ++l) {
        const std::size_t i = order_[static_cast<std::size_t>(g.begin + blk + l)];
        for (int k = 0; k < D; ++k) forces[i * D + static_cast<std::size_t>(k)] = out[k][l];
        // The point met itself once in its leaf: w = 1 for t-SNE, nothing for 1/d.
        sums[i] = kernel == RepulsionKernel::student_t ? out[D][l] - 1.f : 0.f;
      }
      tally += len * kLanes;
    }
  }

  Kernels<D> kernels_;
  std::size_t n_ = 0;
  std::vector<std::uint64_t> codes_, tmp_codes_;
  std::vector<std::uint32_t> order_, tmp_order_;
  std::vector<float> pos_[D];
  std::vector<Node<D>> nodes_;
  std::vector<int> groups_;
  std::vector<Scratch> scratch_;
  std::vector<std::size_t> tally_;
};

}  // namespace

// ---- BarnesHut ---------------------------------------------------------------------------------

struct BarnesHut::Impl {
  Tree<2> tree2;
  Tree<3> tree3;
};

BarnesHut::BarnesHut(const BarnesHutOptions& options) : options_(options), impl_(std::make_unique<Impl>()) {
  if (options.dims != 2 && options.dims != 3) throw Error("Barnes-Hut: dims must be 2 or 3");
  if (!(options.theta >= 0)) throw Error("Barnes-Hut: theta must be >= 0");
  if (options.leaf_size < 1 || options.group_size < 1) throw Error("Barnes-Hut: leaf and group sizes must be >= 1");
  if (!(options.softening > 0)) throw Error("Barnes-Hut: softening must be > 0");
}

BarnesHut::~BarnesHut() = default;
BarnesHut::BarnesHut(BarnesHut&&) noexcept = default;
BarnesHut& BarnesHut::operator=(BarnesHut&&) noexcept = default;

void BarnesHut::set_theta(double theta) {
  if (!(theta >= 0)) throw Error("Barnes-Hut: theta must be >= 0");
  options_.theta = theta;
}

void BarnesHut::compute(const float* positions, std::size_t n, RepulsionKernel kernel, float* forces, float* sums,
                        ThreadTeam* team) {
  if (n == 0) return;
  if (options_.dims == 2) {
    impl_->tree2.compute(options_, positions, n, kernel, forces, sums, team, counts_);
  } else {
    impl_->tree3.compute(options_, positions, n, kernel, forces, sums, team, counts_);
  }
}

void exact_repulsion(int dims, const float* y, std::size_t n, RepulsionKernel kernel, float* forces, float* sums,
                     double softening) {
  const auto d = static_cast<std::size_t>(dims);
  for (std::size_t i = 0; i < n; ++i) {
    double f[3] = {}, z = 0;
    for (std::size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      double diff[3] = {}, r2 = 0;
      for (std::size_t k = 0; k < d; ++k) {
        diff[k] = double(y[i * d + k]) - y[j * d + k];
        r2 += diff[k] * diff[k];
      }
      double w;
      if (kernel == RepulsionKernel::student_t) {
        const double q = 1 / (1 + r2);
        z += q;
        w = q * q;
      } else {
        w = 1 / (r2 + softening);
      }
      for (std::size_t k = 0; k < d; ++k) f[k] += w * diff[k];
    }
    for (std::size_t k = 0; k < d; ++k) forces[i * d + k] = static_cast<float>(f[k]);
    sums[i] = static_cast<float>(z);
  }
}

}  // namespace epochscope::project
