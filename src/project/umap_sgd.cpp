#include "umap_sgd.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define EPOCHSCOPE_UMAP_X86 1
#endif

namespace epochscope::project::umap_detail {
namespace {

constexpr float kClip = 4.f;
// Each end of an edge moves when its own copy is sampled, where the reference moves both ends at
// every sample: the pull is applied twice to keep the reference's balance of pull and push.
constexpr float kAttraction = 2.f;
constexpr float kRepulsionEps = 0.001f;
constexpr int kMaxNegatives = 255;  // per sample (8 bits of a packed pull); needs rate <= 127
constexpr std::int32_t kChunk = 1024;  // heads per pass: their ops stay in cache

// Lane vectors. Generic: 4 lanes (SSE2). AVX2: 8 lanes and hardware gathers. Both do the same
// float operations in the same order (no FMA), so a head's result does not depend on the path.
typedef float F4 __attribute__((vector_size(16)));
typedef std::int32_t I4 __attribute__((vector_size(16)));
typedef float F8 __attribute__((vector_size(32)));
typedef std::int32_t I8 __attribute__((vector_size(32)));
typedef std::uint32_t U4 __attribute__((vector_size(16)));
typedef std::uint32_t U8 __attribute__((vector_size(32)));

struct Generic {
  using F = F4;
  using I = I4;
  using U = U4;
  static constexpr int kLanes = 4;
  [[gnu::always_inline]] static void gather(const float* base, const I& idx, F& out) {
    for (int l = 0; l < kLanes; ++l) out[l] = base[idx[l]];
  }
  [[gnu::always_inline]] static void gather(const std::int32_t* base, const I& idx, I& out) {
    for (int l = 0; l < kLanes; ++l) out[l] = base[idx[l]];
  }
};

#ifdef EPOCHSCOPE_UMAP_X86
struct Avx2 {
  using F = F8;
  using I = I8;
  using U = U8;
  static constexpr int kLanes = 8;
  __attribute__((target("avx2"))) static void gather(const float* base, const I& idx, F& out) {
    out = _mm256_i32gather_ps(base, reinterpret_cast<const __m256i&>(idx), 4);
  }
  __attribute__((target("avx2"))) static void gather(const std::int32_t* base, const I& idx, I& out) {
    const __m256i r = _mm256_i32gather_epi32(base, reinterpret_cast<const __m256i&>(idx), 4);
    std::memcpy(&out, &r, sizeof(I));
  }
};
#endif

// Negative sample number `ordinal` of a head in an epoch comes from a counter-based hash of
// (seed, epoch, head, ordinal). A draw that hits the head itself is moved to the next point (the
// reference draws again; the difference is a bias of 1/N).
template <typename U>
[[gnu::always_inline]] inline void hash_lanes(U& x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
}

inline std::uint32_t hash32(std::uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

inline std::uint32_t epoch_key(std::uint64_t seed, int epoch) {
  return hash32(static_cast<std::uint32_t>(seed ^ (seed >> 32)) ^ hash32(static_cast<std::uint32_t>(epoch) + 0x632be5abU));
}

inline std::uint32_t head_key_of(std::uint32_t key, std::int32_t head) {
  return hash32(key ^ (static_cast<std::uint32_t>(head) * 0x85ebca77U));
}

// Pass 1 for heads [begin, end): advances their edges' schedules (branch-free) and lists each
// head's sampled edges as target | (negative samples << 24), in edge order. The head will pull
// towards each sampled edge's target and then push away from as many negative samples, as the
// reference does. Then sorts the heads with something to do by their number of steps, longest
// first, so that lanes of similar length run together.
template <typename V>
[[gnu::always_inline]] inline void make_ops(const Params& p, Edges& e, int epoch, std::int32_t begin, std::int32_t end,
                                            Scratch& sc) {
  const auto fe = static_cast<float>(epoch);
  const bool negatives = p.negative_rate > 0;
  const auto e0 = static_cast<std::size_t>(e.offsets[static_cast<std::size_t>(begin)]);
  const auto e1 = static_cast<std::size_t>(e.offsets[static_cast<std::size_t>(end)]);
  sc.nneg.resize(e1 - e0);
  float* next = e.next.data();
  float* next_neg = e.next_neg.data();
  const float* eps = e.eps.data();
  const float* eps_neg = e.eps_neg.data();
  std::int32_t* nneg = sc.nneg.data() - e0;
  for (std::size_t s = e0; s < e1; ++s) {  // vectorisable
    const float nx = next[s];
    const bool sampled = nx <= fe;
    next[s] = sampled ? nx + eps[s] : nx;
    float r = negatives ? (fe - next_neg[s]) / eps_neg[s] : 0.f;
    r = std::min(std::max(r, 0.f), static_cast<float>(kMaxNegatives));  // NaN -> 0
    const auto k = static_cast<std::int32_t>(r);
    next_neg[s] += sampled && k > 0 ? static_cast<float>(k) * eps_neg[s] : 0.f;
    nneg[s] = sampled ? k : -1;
  }
  const auto heads = static_cast<std::size_t>(end - begin);
  sc.first.resize(heads + 1);
  sc.steps.resize(heads);
  sc.pulls.resize(e1 - e0 + 1);
  std::int32_t used = 0;
  for (std::size_t h = 0; h < heads; ++h) {
    sc.first[h] = used;
    std::int32_t steps = 0;
    const auto s_end = static_cast<std::size_t>(e.offsets[begin + h + 1]);
    for (auto s = static_cast<std::size_t>(e.offsets[begin + h]); s < s_end; ++s) {  // branch-free
      const std::int32_t k = nneg[s];
      sc.pulls[static_cast<std::size_t>(used)] = e.target[s] | (std::max(k, 0) << 24);
      used += k >= 0;
      steps += k >= 0 ? 1 + k : 0;
    }
    sc.steps[h] = steps;
  }
  sc.first[heads] = used;
  // Counting sort by steps, longest first; heads with nothing to do go last.
  constexpr std::int32_t kBuckets = 1024;
  sc.bucket.assign(kBuckets + 1, 0);
  auto bucket_of = [&](std::size_t h) { return static_cast<std::size_t>(kBuckets - 1 - std::min(sc.steps[h], kBuckets - 1)); };
  for (std::size_t h = 0; h < heads; ++h) ++sc.bucket[bucket_of(h)];
  std::int32_t acc = 0;
  for (auto& b : sc.bucket) {
    const std::int32_t c = b;
    b = acc;
    acc += c;
  }
  sc.order.resize(heads);
  for (std::size_t h = 0; h < heads; ++h) sc.order[static_cast<std::size_t>(sc.bucket[bucket_of(h)]++)] = static_cast<std::int32_t>(h);
}

// log2 of positive normal floats: exponent plus atanh series on the mantissa (|error| < 2e-5).
template <typename F, typename I>
[[gnu::always_inline]] inline void log2_lanes(const F& x, F& out) {
  I bits;
  std::memcpy(&bits, &x, sizeof(I));
  const F e = __builtin_convertvector(((bits >> 23) & 255) - 127, F);
  const I mbits = (bits & 0x7fffff) | 0x3f800000;
  F m;
  std::memcpy(&m, &mbits, sizeof(F));  // [1, 2)
  const F t = (m - 1.f) / (m + 1.f), t2 = t * t;
  out = e + t * (2.88539008f + t2 * (0.961796694f + t2 * (0.577078016f + t2 * 0.412198583f)));
}

// 2^y (y clamped to [-126, 126]): Taylor series around 1/2 (relative error < 3e-6).
template <typename F, typename I>
[[gnu::always_inline]] inline void exp2_lanes(const F& y_in, F& out) {
  F y = y_in < -126.f ? -126.f : y_in;
  y = y > 126.f ? 126.f : y;
  I i = __builtin_convertvector(y, I);
  i += __builtin_convertvector(i, F) > y;  // -1 where truncation rounded up: floor
  const F f = (y - __builtin_convertvector(i, F) - 0.5f) * 0.693147181f;
  const F poly = 1.41421356f * (1.f + f * (1.f + f * (0.5f + f * (0.166666667f + f * (0.0416666667f + f * 0.00833333333f)))));
  const I scale_bits = (i + 127) << 23;
  F scale;
  std::memcpy(&scale, &scale_bits, sizeof(F));
  out = poly * scale;
}

// Pass 2: G x L heads at a time (one per lane, longest first), one step per lane at a time, for
// as many steps as the longest of them; shorter lanes idle at the end (masked). A lane whose
// pushes are used up takes its next pull; otherwise it draws its next negative sample. The G
// groups' chains of dependent steps are independent, so the core overlaps them.
template <typename V, int G, int D>
[[gnu::always_inline]] inline void play(const Params& p, int epoch, std::int32_t n, float alpha, const float* cur, float* nxt,
                                        const float* prev, std::int32_t begin, std::int32_t end, const Scratch& sc) {
  using F = typename V::F;
  using I = typename V::I;
  using U = typename V::U;
  constexpr int L = V::kLanes;
  const float anchor = prev != nullptr ? std::min(1.f, 2.f * p.lambda * alpha) : 0.f;
  auto finish = [&](std::int32_t h, const float* y) {
    for (int d = 0; d < D; ++d) {
      const std::size_t at = static_cast<std::size_t>(h) * D + static_cast<std::size_t>(d);
      nxt[at] = anchor > 0 ? y[d] - anchor * (y[d] - prev[at]) : y[d];
    }
  };
  const auto heads = static_cast<std::int32_t>(end - begin);
  std::int32_t active = 0;  // heads with steps come first in sc.order
  while (active < heads && sc.steps[static_cast<std::size_t>(sc.order[static_cast<std::size_t>(active)])] > 0) ++active;
  for (std::int32_t r = active; r < heads; ++r) {
    const std::int32_t h = begin + sc.order[static_cast<std::size_t>(r)];
    finish(h, cur + static_cast<std::size_t>(h) * D);
  }
  const std::uint32_t key = epoch_key(p.seed, epoch);
  const float to_range = static_cast<float>(n) * 0x1.0p-24f;
  const float a = p.a, b = p.b, pull = -2.f * a * b, push = 2.f * p.gamma * b;
  const float pull_step = kAttraction * alpha;
  const std::int32_t* pulls = sc.pulls.data();
  for (std::int32_t r0 = 0; r0 < active; r0 += G * L) {
    F y[G][D];
    I self[G], next_pull[G], last_pull[G], len[G], rem[G];
    U head_key[G], ordinal[G];
    std::int32_t steps = 0;
    for (int g = 0; g < G; ++g) {
      I base;
      for (int l = 0; l < L; ++l) {
        const std::int32_t r = r0 + g * L + l;
        const std::int32_t h = r < active ? sc.order[static_cast<std::size_t>(r)] : -1;
        const auto hu = static_cast<std::size_t>(h >= 0 ? h : 0);
        self[g][l] = begin + static_cast<std::int32_t>(hu);
        next_pull[g][l] = sc.first[hu];
        last_pull[g][l] = std::max(sc.first[hu], sc.first[hu + 1] - 1);
        len[g][l] = h >= 0 ? sc.steps[hu] : 0;
        head_key[g][l] = head_key_of(key, self[g][l]);
        base[l] = self[g][l] * D;
        steps = std::max(steps, len[g][l]);
      }
      rem[g] = I{};
      ordinal[g] = U{};
      for (int d = 0; d < D; ++d) V::gather(cur + d, base, y[g][d]);
    }
    for (std::int32_t t = 0; t < steps; ++t) {
      for (int g = 0; g < G; ++g) {
        const I att = rem[g] == 0;  // -1: a pull this step
        I entry;
        V::gather(pulls, next_pull[g] > last_pull[g] ? last_pull[g] : next_pull[g], entry);
        U draw = head_key[g] + ordinal[g] * 0x9e3779b9U;
        hash_lanes(draw);
        I k = __builtin_convertvector(__builtin_convertvector(draw >> 8, F) * to_range, I);
        k = k > n - 1 ? n - 1 : k;
        k = k == self[g] ? (k + 1 == n ? 0 : k + 1) : k;
        const I target = (att ? entry & 0xffffff : k) * D;
        rem[g] = att ? (entry >> 24) & 0xff : rem[g] - 1;
        next_pull[g] -= att;
        ordinal[g] += reinterpret_cast<const U&>(att) + 1U;  // +1 on pushes
        F diff[D], dsq = {};
        for (int d = 0; d < D; ++d) {
          F other;
          V::gather(cur + d, target, other);
          diff[d] = y[g][d] - other;
          dsq += diff[d] * diff[d];
        }
        F lg, pw;
        log2_lanes<F, I>(dsq, lg);
        exp2_lanes<F, I>(b * lg, pw);
        const F den = a * pw + 1.f;
        const F num = att ? pull * pw : F{} + push;
        const F div = att ? dsq * den : (kRepulsionEps + dsq) * den;
        const F coef = num / div;
        const F step = att ? F{} + pull_step : F{} + alpha;
        const I valid = (dsq > 0.f) & (t < len[g]);
        for (int d = 0; d < D; ++d) {
          F gd = coef * diff[d];
          gd = gd > kClip ? kClip : gd;
          gd = gd < -kClip ? -kClip : gd;
          y[g][d] += valid ? step * gd : F{};
        }
      }
    }
    for (int g = 0; g < G; ++g) {
      for (int l = 0; l < L; ++l) {
        if (r0 + g * L + l >= active) continue;
        float yl[D];
        for (int d = 0; d < D; ++d) yl[d] = y[g][d][l];
        finish(self[g][l], yl);
      }
    }
  }
}

template <typename V, int D>
[[gnu::always_inline]] inline void epoch_chunks(const Params& p, Edges& e, int epoch, float alpha, const float* cur, float* nxt,
                                                const float* prev, std::int32_t begin, std::int32_t end, Scratch& sc) {
  for (std::int32_t b = begin; b < end; b += kChunk) {
    const std::int32_t e_ = std::min(end, b + kChunk);
    make_ops<V>(p, e, epoch, b, e_, sc);
    play<V, 4, D>(p, epoch, static_cast<std::int32_t>(e.offsets.size() - 1), alpha, cur, nxt, prev, b, e_, sc);
  }
}

template <int D>
__attribute__((flatten)) void epoch_generic(const Params& p, Edges& e, int epoch, float alpha, const float* cur, float* nxt,
                                            const float* prev, std::int32_t begin, std::int32_t end, Scratch& sc) {
  epoch_chunks<Generic, D>(p, e, epoch, alpha, cur, nxt, prev, begin, end, sc);
}

#ifdef EPOCHSCOPE_UMAP_X86
template <int D>
__attribute__((target("avx2"), flatten)) void epoch_avx2(const Params& p, Edges& e, int epoch, float alpha, const float* cur,
                                                         float* nxt, const float* prev, std::int32_t begin, std::int32_t end,
                                                         Scratch& sc) {
  epoch_chunks<Avx2, D>(p, e, epoch, alpha, cur, nxt, prev, begin, end, sc);
}
#endif

template <int D>
void epoch_range(const Params& p, Edges& e, int epoch, float alpha, const float* cur, float* nxt, const float* prev,
                 std::int32_t begin, std::int32_t end, Scratch& sc) {
#ifdef EPOCHSCOPE_UMAP_X86
  if (!p.portable && __builtin_cpu_supports("avx2")) return epoch_avx2<D>(p, e, epoch, alpha, cur, nxt, prev, begin, end, sc);
#endif
  epoch_generic<D>(p, e, epoch, alpha, cur, nxt, prev, begin, end, sc);
}

}  // namespace

Edges make_edges(const SparseGraph& graph, int negative_rate) {
  if (graph.rows() >= (1 << 24)) throw Error("UMAP: at most 16,777,215 points");
  if (negative_rate > 127) throw Error("UMAP: negative_sample_rate must be at most 127");
  Edges e;
  const auto n = static_cast<std::size_t>(graph.rows());
  e.offsets.resize(n + 1);
  for (std::size_t i = 0; i <= n; ++i) e.offsets[i] = graph.outerIndexPtr()[i];
  const auto m = static_cast<std::size_t>(graph.nonZeros());
  e.target.assign(graph.innerIndexPtr(), graph.innerIndexPtr() + m);
  float max_w = 0;
  for (std::size_t s = 0; s < m; ++s) max_w = std::max(max_w, graph.valuePtr()[s]);
  e.eps.resize(m);
  e.eps_neg.resize(m);
  for (std::size_t s = 0; s < m; ++s) {
    e.eps[s] = max_w / graph.valuePtr()[s];
    e.eps_neg[s] = negative_rate > 0 ? e.eps[s] / static_cast<float>(negative_rate) : std::numeric_limits<float>::infinity();
  }
  e.next = e.eps;
  e.next_neg = e.eps_neg;
  return e;
}

std::vector<std::int32_t> partition(const Edges& edges, int parts) {
  const auto n = static_cast<std::int32_t>(edges.offsets.size() - 1);
  const std::int64_t total = edges.offsets.back();
  std::vector<std::int32_t> bounds(static_cast<std::size_t>(parts) + 1, n);
  bounds[0] = 0;
  for (int w = 1; w < parts; ++w) {
    // Work per head is about its edge count plus a constant.
    const double goal = static_cast<double>(total + n) * w / parts;
    std::int32_t lo = bounds[static_cast<std::size_t>(w) - 1], hi = n;
    while (lo < hi) {
      const std::int32_t mid = lo + (hi - lo) / 2;
      if (static_cast<double>(edges.offsets[static_cast<std::size_t>(mid)] + mid) < goal) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    bounds[static_cast<std::size_t>(w)] = lo;
  }
  return bounds;
}

void run_epoch(int dims, const Params& params, Edges& edges, int epoch, float alpha, const float* cur, float* nxt,
               const float* prev, std::int32_t begin, std::int32_t end, Scratch& scratch) {
  if (dims == 2) {
    epoch_range<2>(params, edges, epoch, alpha, cur, nxt, prev, begin, end, scratch);
  } else {
    epoch_range<3>(params, edges, epoch, alpha, cur, nxt, prev, begin, end, scratch);
  }
}

double cross_entropy(const SparseGraph& graph, const Matrix& layout, const Params& params, std::uint64_t seed) {
  const Eigen::Index n = layout.rows();
  auto q_of = [&](Eigen::Index i, Eigen::Index j) {
    const double dsq = (layout.row(i) - layout.row(j)).squaredNorm();
    return std::clamp(1.0 / (1.0 + params.a * std::pow(dsq, static_cast<double>(params.b))), 1e-12, 1.0 - 1e-12);
  };
  double ce = 0;
  for (Eigen::Index i = 0; i < graph.outerSize(); ++i) {
    for (SparseGraph::InnerIterator it(graph, i); it; ++it) {
      const double w = it.value(), q = q_of(i, it.col());
      ce -= w * std::log(q) + (1 - w) * std::log(1 - q);
    }
  }
  // Non-edges: mean of -log(1 - q) over random pairs, times their number.
  Rng rng{seed ^ 0xce11ce11ULL};
  const auto pairs = static_cast<double>(n) * static_cast<double>(n - 1) - static_cast<double>(graph.nonZeros());
  const int samples = static_cast<int>(std::min<double>(50000.0, std::max(0.0, pairs)));
  double acc = 0;
  int used = 0;
  for (int s = 0; s < samples; ++s) {
    const auto i = static_cast<Eigen::Index>(rng.below(static_cast<std::uint32_t>(n)));
    const auto j = static_cast<Eigen::Index>(rng.below(static_cast<std::uint32_t>(n)));
    if (i == j) continue;
    acc -= std::log(1 - q_of(i, j));
    ++used;
  }
  if (used > 0) ce += acc / used * pairs;
  return ce;
}

}  // namespace epochscope::project::umap_detail
