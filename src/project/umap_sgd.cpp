#include "umap_sgd.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#if defined(__x86_64__) || defined(__i386__)
#define EPOCHSCOPE_UMAP_X86 1
#endif

namespace epochscope::project::umap_detail {
namespace {

constexpr float kClip = 4.f;
constexpr float kRepulsionEps = 0.001f;
constexpr int kMaxNegatives = 255;  // per sample (8 bits of a packed pull); needs rate <= 127
constexpr std::int32_t kChunk = 1024;  // heads per pass: their ops stay in cache

// Lane vectors. Generic: 4 lanes (SSE2). AVX2: 8 lanes. Both do the same
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
// (Hardware gathers were slower than plain loads on the AMD Zen 2 we measured on.)
struct Avx2 {
  using F = F8;
  using I = I8;
  using U = U8;
  static constexpr int kLanes = 8;
  [[gnu::always_inline]] static void gather(const float* base, const I& idx, F& out) {
    for (int l = 0; l < kLanes; ++l) out[l] = base[idx[l]];
  }
  [[gnu::always_inline]] static void gather(const std::int32_t* base, const I& idx, I& out) {
    for (int l = 0; l < kLanes; ++l) out[l] = base[idx[l]];
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
template <typename V, int D>
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
  // The same float operations lane-wise and one by one, so the split does not change a result.
  using F = typename V::F;
  using I = typename V::I;
  constexpr std::size_t L = V::kLanes;
  const float cap = negatives ? static_cast<float>(kMaxNegatives) : 0.f;
  std::size_t s = e0;
  for (; s + L <= e1; s += L) {
    F nx, ep, nn, en;
    std::memcpy(&nx, next + s, sizeof(F));
    std::memcpy(&ep, eps + s, sizeof(F));
    std::memcpy(&nn, next_neg + s, sizeof(F));
    std::memcpy(&en, eps_neg + s, sizeof(F));
    const I sampled = nx <= fe;
    nx = sampled ? nx + ep : nx;
    F r = (fe - nn) / en;
    r = r > 0.f ? r : F{};  // NaN -> 0
    r = r < cap ? r : F{} + cap;
    const I k = __builtin_convertvector(r, I);
    nn = sampled & (k > 0) ? nn + __builtin_convertvector(k, F) * en : nn;
    const I out = sampled ? k : I{} - 1;
    std::memcpy(next + s, &nx, sizeof(F));
    std::memcpy(next_neg + s, &nn, sizeof(F));
    std::memcpy(nneg + s, &out, sizeof(I));
  }
  for (; s < e1; ++s) {
    const bool sampled = next[s] <= fe;
    if (sampled) next[s] = next[s] + eps[s];
    float r = (fe - next_neg[s]) / eps_neg[s];
    r = r > 0.f ? r : 0.f;
    r = r < cap ? r : cap;
    const auto k = static_cast<std::int32_t>(r);
    if (sampled && k > 0) next_neg[s] = next_neg[s] + static_cast<float>(k) * eps_neg[s];
    nneg[s] = sampled ? k : -1;
  }
  const auto heads = static_cast<std::size_t>(end - begin);
  sc.first.resize(heads + 1);
  sc.steps.resize(heads);
  sc.pulls.resize(e1 - e0 + 1);
  sc.pull_edge.resize(e1 - e0 + 1);
  std::int32_t used = 0;
  for (std::size_t h = 0; h < heads; ++h) {
    sc.first[h] = used;
    std::int32_t steps = 0;
    const auto s_end = static_cast<std::size_t>(e.offsets[begin + h + 1]);
    for (auto s = static_cast<std::size_t>(e.offsets[begin + h]); s < s_end; ++s) {  // branch-free
      const std::int32_t k = nneg[s];
      sc.pulls[static_cast<std::size_t>(used)] = e.target[s] | (std::max(k, 0) << 24);
      sc.pull_edge[static_cast<std::size_t>(used)] = e.rev[s];
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

// log2 of positive normal floats, for G vectors stage by stage (so that the core can overlap
// them): exponent plus atanh series on the mantissa (|error| < 2e-5).
template <typename F, typename I, int G>
[[gnu::always_inline]] inline void log2_lanes(const F (&x)[G], F (&out)[G]) {
  I bits[G];
  F e[G], t[G], t2[G];
  std::memcpy(bits, x, sizeof(bits));
  for (int g = 0; g < G; ++g) e[g] = __builtin_convertvector(((bits[g] >> 23) & 255) - 127, F);
  for (int g = 0; g < G; ++g) bits[g] = (bits[g] & 0x7fffff) | 0x3f800000;
  std::memcpy(t, bits, sizeof(t));  // mantissas in [1, 2)
  for (int g = 0; g < G; ++g) t[g] = (t[g] - 1.f) / (t[g] + 1.f);
  for (int g = 0; g < G; ++g) t2[g] = t[g] * t[g];
  for (int g = 0; g < G; ++g) out[g] = 0.577078016f + t2[g] * 0.412198583f;
  for (int g = 0; g < G; ++g) out[g] = 0.961796694f + t2[g] * out[g];
  for (int g = 0; g < G; ++g) out[g] = 2.88539008f + t2[g] * out[g];
  for (int g = 0; g < G; ++g) out[g] = e[g] + t[g] * out[g];
}

// 2^y (y clamped to [-126, 126]), for G vectors stage by stage: y = i + f with i = round(y) (the
// 1.5 * 2^23 trick) and |f| <= 1/2, 2^f by its Taylor series (relative error < 3e-6).
template <typename F, typename I, int G>
[[gnu::always_inline]] inline void exp2_lanes(const F (&y_in)[G], F (&out)[G]) {
  constexpr float kMagic = 12582912.f;  // 1.5 * 2^23
  F y[G], r[G], f[G];
  I bits[G];
  for (int g = 0; g < G; ++g) y[g] = y_in[g] < -126.f ? -126.f : y_in[g];
  for (int g = 0; g < G; ++g) y[g] = y[g] > 126.f ? 126.f : y[g];
  for (int g = 0; g < G; ++g) r[g] = y[g] + kMagic;
  std::memcpy(bits, r, sizeof(bits));
  for (int g = 0; g < G; ++g) f[g] = (y[g] - (r[g] - kMagic)) * 0.693147181f;  // ln 2 * (y - round(y))
  for (int g = 0; g < G; ++g) bits[g] = (bits[g] - 0x4b400000 + 127) << 23;  // 2^round(y)
  for (int g = 0; g < G; ++g) out[g] = 0.00833333333f * f[g] + 0.0416666667f;
  for (int g = 0; g < G; ++g) out[g] = out[g] * f[g] + 0.166666667f;
  for (int g = 0; g < G; ++g) out[g] = out[g] * f[g] + 0.5f;
  for (int g = 0; g < G; ++g) out[g] = out[g] * f[g] + 1.f;
  for (int g = 0; g < G; ++g) out[g] = out[g] * f[g] + 1.f;
  std::memcpy(r, bits, sizeof(r));
  for (int g = 0; g < G; ++g) out[g] *= r[g];
}

// Pass 2: G x L heads at a time (one per lane, longest first), one step per lane at a time, for
// as many steps as the longest of them; shorter lanes idle at the end (masked). A lane whose
// pushes are used up takes its next pull; otherwise it draws its next negative sample. The G
// groups' chains of dependent steps are independent, so the core overlaps them.
template <typename V, int G, int D>
[[gnu::always_inline]] inline void play(const Params& p, int epoch, std::int32_t n, float alpha, float* cur, float* pending,
                                        const float* prev, std::int32_t begin, std::int32_t end, Scratch& sc) {
  using F = typename V::F;
  using I = typename V::I;
  using U = typename V::U;
  constexpr int L = V::kLanes;
  const float anchor = prev != nullptr ? std::min(1.f, 2.f * p.lambda * alpha) : 0.f;
  auto finish = [&](std::int32_t h, const float* y) {
    for (int d = 0; d < D; ++d) {
      const std::size_t at = static_cast<std::size_t>(h) * D + static_cast<std::size_t>(d);
      cur[at] = anchor > 0 ? y[d] - anchor * (y[d] - prev[at]) : y[d];
    }
  };
  const auto heads = static_cast<std::int32_t>(end - begin);
  std::int32_t active = 0;  // heads with steps come first in sc.order
  while (active < heads && sc.steps[static_cast<std::size_t>(sc.order[static_cast<std::size_t>(active)])] > 0) ++active;
  for (std::int32_t r = active; r < heads; ++r) {
    const std::int32_t h = begin + sc.order[static_cast<std::size_t>(r)];
    float y[D];
    for (int d = 0; d < D; ++d) y[d] = cur[static_cast<std::size_t>(h) * D + static_cast<std::size_t>(d)];
    finish(h, y);
  }
  const std::uint32_t key = epoch_key(p.seed, epoch);
  const float to_range = static_cast<float>(n) * 0x1.0p-24f;
  const float a = p.a, b = p.b, pull = -2.f * a * b, push = 2.f * p.gamma * b;
  const std::int32_t* pulls = sc.pulls.data();
  const std::int32_t* pull_rev = sc.pull_edge.data();
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
      // What each lane does this step (off the chain of dependent steps).
      I att[G], edge[G];
      F other[G][D];
      for (int g = 0; g < G; ++g) {
        att[g] = rem[g] == 0;  // -1: a pull this step
        I entry;
        const I at = next_pull[g] > last_pull[g] ? last_pull[g] : next_pull[g];
        V::gather(pulls, at, entry);
        V::gather(pull_rev, at, edge[g]);
        U draw = head_key[g] + ordinal[g] * 0x9e3779b9U;
        hash_lanes(draw);
        I k = __builtin_convertvector(__builtin_convertvector(draw >> 8, F) * to_range, I);
        k = k > n - 1 ? n - 1 : k;
        k = k == self[g] ? (k + 1 == n ? 0 : k + 1) : k;
        const I target = att[g] ? (entry & 0xffffff) * D : (k + n) * D;  // pushes read the snapshot
        rem[g] = att[g] ? (entry >> 24) & 0xff : rem[g] - 1;
        next_pull[g] -= att[g];
        ordinal[g] += reinterpret_cast<const U&>(att[g]) + 1U;  // +1 on pushes
        for (int d = 0; d < D; ++d) V::gather(cur + d, target, other[g][d]);
      }
      // The step itself, stage by stage over the groups.
      F diff[G][D], dsq[G], lg[G], pw[G], coef[G];
      for (int g = 0; g < G; ++g) {
        dsq[g] = F{};
        for (int d = 0; d < D; ++d) {
          diff[g][d] = y[g][d] - other[g][d];
          dsq[g] += diff[g][d] * diff[g][d];
        }
      }
      log2_lanes<F, I, G>(dsq, lg);
      for (int g = 0; g < G; ++g) lg[g] *= b;
      exp2_lanes<F, I, G>(lg, pw);
      for (int g = 0; g < G; ++g) {
        const F den = a * pw[g] + 1.f;
        const F num = att[g] ? pull * pw[g] : F{} + push;
        const F div = att[g] ? dsq[g] * den : (kRepulsionEps + dsq[g]) * den;
        coef[g] = num / div;
      }
      for (int g = 0; g < G; ++g) {
        const F step = F{} + alpha;
        const I valid = (dsq[g] > 0.f) & (t < len[g]);
        F move[D];
        for (int d = 0; d < D; ++d) {
          F gd = coef[g] * diff[g][d];
          gd = gd > kClip ? kClip : gd;
          gd = gd < -kClip ? -kClip : gd;
          move[d] = valid ? step * gd : F{};
          y[g][d] += move[d];
        }
        // The other end of a pull moves the opposite way once the colour is done (as the
        // reference moves both ends); other lanes write to a scratch slot.
        const I slot = att[g] & valid ? edge[g] : I{} + sc.sink_slot;  // branch-free
        for (int l = 0; l < L; ++l) {
          for (int d = 0; d < D; ++d) pending[static_cast<std::size_t>(slot[l]) * D + static_cast<std::size_t>(d)] = -move[d][l];
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
[[gnu::always_inline]] inline void epoch_chunks(const Params& p, Edges& e, int epoch, float alpha, float* cur, const float* prev,
                                                std::int32_t begin, std::int32_t end, Scratch& sc) {
  for (std::int32_t b = begin; b < end; b += kChunk) {
    const std::int32_t e_ = std::min(end, b + kChunk);
    make_ops<V, D>(p, e, epoch, b, e_, sc);
    play<V, 4, D>(p, epoch, static_cast<std::int32_t>(e.offsets.size() - 1), alpha, cur, e.pending.data(), prev, b, e_, sc);
    // Where this chunk's pulls left moves for their other ends (applied once the colour is done),
    // listed by the range of points the other end falls in, in head order.
    const auto pulls = static_cast<std::size_t>(sc.first[static_cast<std::size_t>(e_ - b)]);
    const auto ranges = static_cast<std::int64_t>(sc.written.size());
    const auto n = static_cast<std::int64_t>(e.offsets.size() - 1);
    for (std::size_t i = 0; i < pulls; ++i) {
      const std::int32_t tail = sc.pulls[i] & 0xffffff;
      sc.written[static_cast<std::size_t>(tail * ranges / n)].emplace_back(tail, sc.pull_edge[i]);
    }
  }
}

template <int D>
__attribute__((flatten)) void epoch_generic(const Params& p, Edges& e, int epoch, float alpha, float* cur, const float* prev,
                                            std::int32_t begin, std::int32_t end, Scratch& sc) {
  epoch_chunks<Generic, D>(p, e, epoch, alpha, cur, prev, begin, end, sc);
}

#ifdef EPOCHSCOPE_UMAP_X86
template <int D>
__attribute__((target("avx2"), flatten)) void epoch_avx2(const Params& p, Edges& e, int epoch, float alpha, float* cur,
                                                         const float* prev, std::int32_t begin, std::int32_t end, Scratch& sc) {
  epoch_chunks<Avx2, D>(p, e, epoch, alpha, cur, prev, begin, end, sc);
}
#endif

// Heads [begin, end) (one colour, or part of one) for one epoch.
void epoch_range(int dims, const Params& p, Edges& e, int epoch, float alpha, float* cur, const float* prev, std::int32_t begin,
                 std::int32_t end, Scratch& sc) {
#ifdef EPOCHSCOPE_UMAP_X86
  if (!p.portable && __builtin_cpu_supports("avx2")) {
    if (dims == 2) return epoch_avx2<2>(p, e, epoch, alpha, cur, prev, begin, end, sc);
    return epoch_avx2<3>(p, e, epoch, alpha, cur, prev, begin, end, sc);
  }
#endif
  if (dims == 2) return epoch_generic<2>(p, e, epoch, alpha, cur, prev, begin, end, sc);
  epoch_generic<3>(p, e, epoch, alpha, cur, prev, begin, end, sc);
}

// Splits heads [begin, end) into `parts` ranges with about as much work each (edges plus one).
std::vector<std::int32_t> partition(const Edges& edges, std::int32_t begin, std::int32_t end, int parts) {
  const auto cost = [&](std::int32_t h) { return static_cast<double>(edges.offsets[static_cast<std::size_t>(h)]) + h; };
  std::vector<std::int32_t> bounds(static_cast<std::size_t>(parts) + 1, end);
  bounds[0] = begin;
  for (int w = 1; w < parts; ++w) {
    const double goal = cost(begin) + (cost(end) - cost(begin)) * w / parts;
    std::int32_t lo = bounds[static_cast<std::size_t>(w) - 1], hi = end;
    while (lo < hi) {
      const std::int32_t mid = lo + (hi - lo) / 2;
      if (cost(mid) < goal) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    bounds[static_cast<std::size_t>(w)] = lo;
  }
  return bounds;
}

}  // namespace

Edges make_edges(const SparseGraph& graph, int negative_rate) {
  if (graph.rows() >= (1 << 24)) throw Error("UMAP: at most 16,777,215 points");
  if (negative_rate > 127) throw Error("UMAP: negative_sample_rate must be at most 127");
  const auto n = static_cast<std::int32_t>(graph.rows());
  // Greedy colouring in index order, then points renumbered colour by colour.
  std::vector<std::int32_t> colour(static_cast<std::size_t>(n), -1), seen;
  std::int32_t colours = 0;
  for (std::int32_t i = 0; i < n; ++i) {
    seen.assign(static_cast<std::size_t>(colours) + 1, 0);
    for (SparseGraph::InnerIterator it(graph, i); it; ++it) {
      const std::int32_t c = colour[static_cast<std::size_t>(it.col())];
      if (c >= 0) seen[static_cast<std::size_t>(c)] = 1;
    }
    std::int32_t c = 0;
    while (seen[static_cast<std::size_t>(c)] != 0) ++c;
    colour[static_cast<std::size_t>(i)] = c;
    colours = std::max(colours, c + 1);
  }
  Edges e;
  e.colour_start.assign(static_cast<std::size_t>(colours) + 1, 0);
  for (std::int32_t c : colour) ++e.colour_start[static_cast<std::size_t>(c) + 1];
  for (std::size_t c = 0; c < static_cast<std::size_t>(colours); ++c) e.colour_start[c + 1] += e.colour_start[c];
  e.order.resize(static_cast<std::size_t>(n));
  std::vector<std::int32_t> fill(e.colour_start.begin(), e.colour_start.end() - 1), position(static_cast<std::size_t>(n));
  for (std::int32_t i = 0; i < n; ++i) {
    const std::int32_t r = fill[static_cast<std::size_t>(colour[static_cast<std::size_t>(i)])]++;
    e.order[static_cast<std::size_t>(r)] = i;
    position[static_cast<std::size_t>(i)] = r;
  }
  float max_w = 0;
  for (std::int64_t s = 0; s < graph.nonZeros(); ++s) max_w = std::max(max_w, graph.valuePtr()[s]);
  e.offsets.assign(1, 0);
  std::vector<std::pair<std::int32_t, float>> row;
  for (std::int32_t r = 0; r < n; ++r) {
    row.clear();
    for (SparseGraph::InnerIterator it(graph, e.order[static_cast<std::size_t>(r)]); it; ++it) {
      row.emplace_back(position[static_cast<std::size_t>(it.col())], it.value());
    }
    std::sort(row.begin(), row.end());
    for (const auto& [t, w] : row) {
      e.target.push_back(t);
      e.eps.push_back(max_w / w);
      e.eps_neg.push_back(negative_rate > 0 ? max_w / w / static_cast<float>(negative_rate) : std::numeric_limits<float>::infinity());
    }
    e.offsets.push_back(static_cast<std::int64_t>(e.target.size()));
  }
  e.next = e.eps;
  e.next_neg = e.eps_neg;
  // The reverse of every edge (its other copy, in the target's row); the graph is symmetric.
  e.rev.assign(e.target.size(), 0);
  for (std::int32_t r = 0; r < n; ++r) {
    for (auto s = e.offsets[static_cast<std::size_t>(r)]; s < e.offsets[static_cast<std::size_t>(r) + 1]; ++s) {
      const std::int32_t t = e.target[static_cast<std::size_t>(s)];
      const auto first = e.target.begin() + e.offsets[static_cast<std::size_t>(t)], last = e.target.begin() + e.offsets[static_cast<std::size_t>(t) + 1];
      const auto it = std::lower_bound(first, last, r);
      if (it == last || *it != r) throw Error("UMAP: the fuzzy graph is not symmetric");
      e.rev[static_cast<std::size_t>(s)] = static_cast<std::int32_t>(it - e.target.begin());
    }
  }
  return e;
}

void run_epochs(int dims, const Params& params, Edges& edges, int from, int to, int total, float* positions, const float* prev,
                ThreadTeam& team) {
  if (from >= to) return;
  const auto n = static_cast<std::int32_t>(edges.offsets.size() - 1);
  const std::size_t size = static_cast<std::size_t>(n) * static_cast<std::size_t>(dims);
  const int workers = team.size();
  // One slot per edge, then one per worker where lanes without a pull write.
  const std::size_t slots = edges.target.size() + static_cast<std::size_t>(workers);
  if (edges.pending.size() < slots * static_cast<std::size_t>(dims)) edges.pending.resize(slots * static_cast<std::size_t>(dims), 0.f);
  std::vector<float> buffer(2 * size);  // the layout, then its snapshot at the start of the epoch
  std::copy(positions, positions + size, buffer.begin());
  float* cur = buffer.data();
  const auto colours = static_cast<int>(edges.colour_start.size()) - 1;
  // Each colour's heads split into one range per worker, about as much work each. The other ends'
  // moves are recorded range by range in head order and applied ranges in order: head order, for any
  // number of ranges, so the thread count does not change the result.
  std::vector<std::vector<std::int32_t>> bounds;
  for (int c = 0; c < colours; ++c) {
    bounds.push_back(partition(edges, edges.colour_start[static_cast<std::size_t>(c)], edges.colour_start[static_cast<std::size_t>(c) + 1], workers));
  }
  std::vector<Scratch> scratch(static_cast<std::size_t>(workers));
  for (int w = 0; w < workers; ++w) scratch[static_cast<std::size_t>(w)].sink_slot = static_cast<std::int32_t>(edges.target.size()) + w;
  for (auto& sc : scratch) sc.written.resize(static_cast<std::size_t>(workers));  // per range of other ends
  int epoch = from, colour = 0;
  auto work = [&](std::size_t part, int) {
    const auto& b = bounds[static_cast<std::size_t>(colour)];
    const float alpha = params.learning_rate * (1.f - static_cast<float>(epoch) / static_cast<float>(total));
    epoch_range(dims, params, edges, epoch, alpha, cur, prev, b[part], b[part + 1], scratch[part]);
  };
  const auto du = static_cast<std::size_t>(dims);
  // The colour is done: its pulls move their other ends now (as the reference moves both ends at
  // once), so the next colours see them. (Left until the other end's own turn, up to an epoch later,
  // they cost 9% of the cross-entropy on blobs.) One task per range of other ends, each adding the
  // moves in head order (the parts in order), so the result does not depend on the thread count.
  auto apply = [&](std::size_t range, int) {
    for (auto& sc : scratch) {
      for (const auto& [tail, slot] : sc.written[range]) {
        const float* move = edges.pending.data() + static_cast<std::size_t>(slot) * du;
        for (std::size_t d = 0; d < du; ++d) cur[static_cast<std::size_t>(tail) * du + d] += move[d];
      }
      sc.written[range].clear();
    }
  };
  auto advance = [&]() noexcept {
    team.run(static_cast<std::size_t>(workers), apply);
    if (++colour < colours) return;
    colour = 0;
    if (++epoch < to) std::copy(cur, cur + size, cur + size);
  };
  std::copy(cur, cur + size, cur + size);
  while (epoch < to) {  // one colour of one epoch at a time, its heads split over the team
    team.run(static_cast<std::size_t>(workers), work);
    advance();
  }
  std::copy(cur, cur + size, positions);
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
