#include "epochscope/knn/neighbors.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>

#include "knn_detail.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define EPOCHSCOPE_KNN_X86 1
#endif

namespace epochscope::knn {

namespace {

// ---- exact search ------------------------------------------------------------------------------
//
// The squared distance is |a|^2 + |b|^2 - 2 a.b; the dot products come from a blocked matrix
// product over pairs of row blocks (I, J) with I <= J, so every pair is computed once and serves
// both of its rows. Each worker keeps its own sorted candidate list per row (ties broken by index)
// and the lists are merged at the end, so the result does not depend on how blocks were shared
// out. The surviving candidates' distances are then recomputed directly (no cancellation error)
// and re-sorted.

constexpr int kPanel = 24;                 // columns per packed panel (3 AVX registers)
constexpr int kBlock = 8 * kPanel;         // rows per block (192)
constexpr int kDepth = 256;                // dimensions per pass (a panel slice stays in L1)
constexpr int kExtra = 2;                  // candidates kept beyond k before the exact re-check

/// The `width` smallest (distance, index) pairs offered to every row, ties to the lower index, kept
/// as a binary max-heap (the root is the bar a new candidate has to pass), so an offer costs
/// O(log width) and a wide list (k = 90, or the PCA route's candidates) stays cheap.
struct Candidates {
  int width = 0;
  std::vector<float> dist;
  std::vector<std::int32_t> idx;

  Candidates(std::size_t n, int w)
      : width(w), dist(n * static_cast<std::size_t>(w), std::numeric_limits<float>::infinity()),
        idx(n * static_cast<std::size_t>(w), std::numeric_limits<std::int32_t>::max()) {}

  float bar(std::size_t row) const { return dist[row * static_cast<std::size_t>(width)]; }

  void offer(std::size_t row, float d, std::int32_t j) {
    float* dr = dist.data() + row * static_cast<std::size_t>(width);
    std::int32_t* ir = idx.data() + row * static_cast<std::size_t>(width);
    const auto before = [&](float da, std::int32_t ja, std::size_t b) {
      return da < dr[b] || (da == dr[b] && ja < ir[b]);
    };
    if (!before(d, j, 0)) return;
    const auto w = static_cast<std::size_t>(width);
    std::size_t p = 0;
    for (std::size_t c = 1; c < w; c = 2 * p + 1) {  // sift the new pair down from the root
      if (c + 1 < w && before(dr[c], ir[c], c + 1)) ++c;
      if (!before(d, j, c)) break;
      dr[p] = dr[c];
      ir[p] = ir[c];
      p = c;
    }
    dr[p] = d;
    ir[p] = j;
  }
};

/// The data with constant columns dropped and centred (distances unchanged, smaller norms), its
/// rows put in a locality order (leaves of a median-split tree, so a block holds near neighbours and
/// the first pass finds good candidates), a copy packed as panels of kPanel rows stored
/// dimension-major, and the squared row norms. Row r of `x` is input row order[r].
struct Prepared {
  Matrix x;                          // n x d
  std::vector<std::int32_t> order;   // n
  std::vector<float> panels;         // ceil(n / kPanel) panels of d x kPanel
  std::vector<float> norms;          // n
};

// Sorts order[lo, hi) into the leaf order of a tree that splits at the median of the dimension of
// largest spread.
void locality_order(const Matrix& x, std::vector<std::int32_t>& order, std::size_t lo, std::size_t hi) {
  constexpr std::size_t kLeaf = kBlock / 4;
  if (hi - lo <= kLeaf) return;
  Eigen::RowVectorXf mn = x.row(order[lo]), mx = mn;
  for (std::size_t s = lo + 1; s < hi; ++s) {
    mn = mn.cwiseMin(x.row(order[s]));
    mx = mx.cwiseMax(x.row(order[s]));
  }
  Eigen::Index dim = 0;
  if ((mx - mn).maxCoeff(&dim) <= 0) return;
  const std::size_t mid = lo + (hi - lo) / 2;
  const auto first = order.begin() + static_cast<std::ptrdiff_t>(lo);
  std::nth_element(first, order.begin() + static_cast<std::ptrdiff_t>(mid), order.begin() + static_cast<std::ptrdiff_t>(hi),
                   [&](std::int32_t a, std::int32_t b) { return x(a, dim) < x(b, dim) || (x(a, dim) == x(b, dim) && a < b); });
  locality_order(x, order, lo, mid);
  locality_order(x, order, mid, hi);
}

Prepared prepare(const Matrix& data) {
  const Eigen::Index n = data.rows();
  // Column ranges and means in one row-major pass.
  Eigen::RowVectorXf mn = data.row(0), mx = mn;
  Eigen::RowVectorXd sum = Eigen::RowVectorXd::Zero(data.cols());
  for (Eigen::Index i = 0; i < n; ++i) {
    mn = mn.cwiseMin(data.row(i));
    mx = mx.cwiseMax(data.row(i));
    sum += data.row(i).cast<double>();
  }
  std::vector<Eigen::Index> keep;
  for (Eigen::Index c = 0; c < data.cols(); ++c) {
    if (mx(c) > mn(c)) keep.push_back(c);
  }
  if (keep.empty()) keep.push_back(0);  // every point identical: one (constant) column will do
  const auto d = static_cast<Eigen::Index>(keep.size());
  Eigen::RowVectorXf mean(d);
  for (Eigen::Index c = 0; c < d; ++c) mean(c) = static_cast<float>(sum(keep[static_cast<std::size_t>(c)]) / static_cast<double>(n));
  Prepared p;
  p.order.resize(static_cast<std::size_t>(n));
  std::iota(p.order.begin(), p.order.end(), 0);
  locality_order(data, p.order, 0, p.order.size());
  p.x.resize(n, d);
  for (Eigen::Index r = 0; r < n; ++r) {
    const auto src = data.row(p.order[static_cast<std::size_t>(r)]);
    for (Eigen::Index c = 0; c < d; ++c) p.x(r, c) = src(keep[static_cast<std::size_t>(c)]) - mean(c);
  }
  p.norms.resize(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) p.norms[static_cast<std::size_t>(i)] = static_cast<float>(p.x.row(i).cast<double>().squaredNorm());
  const std::size_t n_panels = (static_cast<std::size_t>(n) + kPanel - 1) / kPanel;
  const auto du = static_cast<std::size_t>(d);
  p.panels.assign(n_panels * du * kPanel, 0.f);
  for (Eigen::Index i = 0; i < n; ++i) {
    float* panel = p.panels.data() + static_cast<std::size_t>(i / kPanel) * du * kPanel;
    const auto lane = static_cast<std::size_t>(i % kPanel);
    for (std::size_t c = 0; c < du; ++c) panel[c * kPanel + lane] = p.x(i, static_cast<Eigen::Index>(c));
  }
  return p;
}

#ifdef EPOCHSCOPE_KNN_X86
// c[4][kPanel] (+)= q[4 rows][0, depth) . panel[0, depth)[kPanel]
__attribute__((target("avx2,fma"))) void kernel_4x24(const float* const q[4], const float* panel, int depth,
                                                     float* c, std::size_t c_stride, bool accumulate) {
  __m256 acc[4][3];
  for (int r = 0; r < 4; ++r) {
    for (int v = 0; v < 3; ++v) acc[r][v] = accumulate ? _mm256_loadu_ps(c + static_cast<std::size_t>(r) * c_stride + 8 * static_cast<std::size_t>(v)) : _mm256_setzero_ps();
  }
  for (int t = 0; t < depth; ++t) {
    const float* pt = panel + static_cast<std::size_t>(t) * kPanel;
    const __m256 p0 = _mm256_loadu_ps(pt), p1 = _mm256_loadu_ps(pt + 8), p2 = _mm256_loadu_ps(pt + 16);
    for (int r = 0; r < 4; ++r) {
      const __m256 b = _mm256_broadcast_ss(q[r] + t);
      acc[r][0] = _mm256_fmadd_ps(b, p0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(b, p1, acc[r][1]);
      acc[r][2] = _mm256_fmadd_ps(b, p2, acc[r][2]);
    }
  }
  for (int r = 0; r < 4; ++r) {
    for (int v = 0; v < 3; ++v) _mm256_storeu_ps(c + static_cast<std::size_t>(r) * c_stride + 8 * static_cast<std::size_t>(v), acc[r][v]);
  }
}

// Panel pj of the block starting at row j0, dimensions from t0.
const float* panel_of(const Prepared& p, Eigen::Index j0, Eigen::Index pj, std::size_t t0) {
  const auto d = static_cast<std::size_t>(p.x.cols());
  return p.panels.data() + static_cast<std::size_t>(j0 / kPanel + pj) * d * kPanel + t0 * kPanel;
}

// Rows r of [i0, i0+ni) from t0 (a `lanes`-row group starting at r; past the end, the last row again).
template <int lanes>
void rows_of(const Prepared& p, Eigen::Index i0, Eigen::Index ni, Eigen::Index r, std::size_t t0, const float* (&q)[lanes]) {
  for (int s = 0; s < lanes; ++s) q[s] = p.x.row(i0 + std::min<Eigen::Index>(r + s, ni - 1)).data() + t0;
}

// dots' columns of panel pj (+)= rows [i0, i0+ni) . the panel, four rows at a time.
__attribute__((target("avx2,fma"))) void panel_dots_avx2(const Prepared& p, Eigen::Index i0, Eigen::Index ni, Eigen::Index j0,
                                                         Eigen::Index pj, std::size_t t0, int depth, float* dots) {
  for (Eigen::Index r = 0; r < ni; r += 4) {
    const float* q[4];
    rows_of(p, i0, ni, r, t0, q);
    kernel_4x24(q, panel_of(p, j0, pj, t0), depth, dots + static_cast<std::size_t>(r) * kBlock + static_cast<std::size_t>(pj) * kPanel,
                kBlock, t0 > 0);
  }
}

// dots (kBlock x kBlock, row-major) = rows [i0, i0+ni) . rows [j0, j0+nj)^T through the panels.
__attribute__((target("avx2,fma"))) void block_dots_avx2(const Prepared& p, Eigen::Index i0, Eigen::Index ni,
                                                         Eigen::Index j0, Eigen::Index nj, float* dots) {
  const auto d = static_cast<std::size_t>(p.x.cols());
  const Eigen::Index panels = (nj + kPanel - 1) / kPanel;
  for (std::size_t t0 = 0; t0 < d; t0 += kDepth) {
    const int depth = static_cast<int>(std::min<std::size_t>(kDepth, d - t0));
    for (Eigen::Index pj = 0; pj < panels; ++pj) panel_dots_avx2(p, i0, ni, j0, pj, t0, depth, dots);
  }
}

// AVX-512: c[8][48] (+)= q[8 rows] . two adjacent panels (columns 0-23 from pa, 24-47 from pb), three
// 16-lane registers per row, so each FMA does twice an AVX2 one's work. Every element is the same
// chain of FMAs over t as in kernel_4x24, so the products are bit-identical to it.
__attribute__((target("avx512f"))) void kernel_8x48(const float* const q[8], const float* pa, const float* pb,
                                                    int depth, float* c, std::size_t c_stride, bool accumulate) {
  __m512 acc[8][3];
  for (int r = 0; r < 8; ++r) {
    for (int v = 0; v < 3; ++v) {
      acc[r][v] = accumulate ? _mm512_loadu_ps(c + static_cast<std::size_t>(r) * c_stride + 16 * static_cast<std::size_t>(v))
                             : _mm512_setzero_ps();
    }
  }
  for (int t = 0; t < depth; ++t) {
    const float* at = pa + static_cast<std::size_t>(t) * kPanel;
    const float* bt = pb + static_cast<std::size_t>(t) * kPanel;
    const __m512 p0 = _mm512_loadu_ps(at);
    // (the masked form: GCC 12's plain insert reads an "undefined" vector and warns)
    const __m512d lo = _mm512_castps_pd(_mm512_castps256_ps512(_mm256_loadu_ps(at + 16)));
    const __m512 p1 = _mm512_castpd_ps(_mm512_mask_insertf64x4(lo, 0xFF, lo, _mm256_castps_pd(_mm256_loadu_ps(bt)), 1));
    const __m512 p2 = _mm512_loadu_ps(bt + 8);
    for (int r = 0; r < 8; ++r) {
      const __m512 b = _mm512_set1_ps(q[r][t]);
      acc[r][0] = _mm512_fmadd_ps(b, p0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(b, p1, acc[r][1]);
      acc[r][2] = _mm512_fmadd_ps(b, p2, acc[r][2]);
    }
  }
  for (int r = 0; r < 8; ++r) {
    for (int v = 0; v < 3; ++v) {
      _mm512_storeu_ps(c + static_cast<std::size_t>(r) * c_stride + 16 * static_cast<std::size_t>(v), acc[r][v]);
    }
  }
}

// block_dots_avx2's products, panels two at a time through kernel_8x48 (an odd last one through
// kernel_4x24): on the 70,000 x 64 Fashion-MNIST hidden layer (2 threads) the whole search took 1.7 s
// instead of 2.1 s at k = 15 and 3.1 s instead of 3.5 s at k = 90, the same lists.
__attribute__((target("avx512f,avx2,fma"))) void block_dots_avx512(const Prepared& p, Eigen::Index i0, Eigen::Index ni,
                                                                   Eigen::Index j0, Eigen::Index nj, float* dots) {
  const auto d = static_cast<std::size_t>(p.x.cols());
  const Eigen::Index panels = (nj + kPanel - 1) / kPanel;
  for (std::size_t t0 = 0; t0 < d; t0 += kDepth) {
    const int depth = static_cast<int>(std::min<std::size_t>(kDepth, d - t0));
    Eigen::Index pj = 0;
    for (; pj + 1 < panels; pj += 2) {
      for (Eigen::Index r = 0; r < ni; r += 8) {
        const float* q[8];
        rows_of(p, i0, ni, r, t0, q);
        kernel_8x48(q, panel_of(p, j0, pj, t0), panel_of(p, j0, pj + 1, t0), depth,
                    dots + static_cast<std::size_t>(r) * kBlock + static_cast<std::size_t>(pj) * kPanel, kBlock, t0 > 0);
      }
    }
    if (pj < panels) panel_dots_avx2(p, i0, ni, j0, pj, t0, depth, dots);
  }
}

bool has_avx2() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }
bool has_avx512() { return has_avx2() && __builtin_cpu_supports("avx512f"); }

__attribute__((target("avx2,fma"))) float squared_distance_avx2(const float* a, const float* b, std::size_t d) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  std::size_t t = 0;
  for (; t + 16 <= d; t += 16) {
    const __m256 u = _mm256_sub_ps(_mm256_loadu_ps(a + t), _mm256_loadu_ps(b + t));
    const __m256 v = _mm256_sub_ps(_mm256_loadu_ps(a + t + 8), _mm256_loadu_ps(b + t + 8));
    acc0 = _mm256_fmadd_ps(u, u, acc0);
    acc1 = _mm256_fmadd_ps(v, v, acc1);
  }
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, _mm256_add_ps(acc0, acc1));
  float sum = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
  for (; t < d; ++t) sum += (a[t] - b[t]) * (a[t] - b[t]);
  return sum;
}
#else
bool has_avx2() { return false; }
bool has_avx512() { return false; }
#endif

float squared_distance_generic(const float* a, const float* b, std::size_t d) {
  float sum = 0.f;
  for (std::size_t t = 0; t < d; ++t) sum += (a[t] - b[t]) * (a[t] - b[t]);
  return sum;
}

void block_dots_generic(const Prepared& p, Eigen::Index i0, Eigen::Index ni, Eigen::Index j0, Eigen::Index nj, float* dots) {
  Eigen::Map<Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>, 0, Eigen::OuterStride<>> out(
      dots, ni, nj, Eigen::OuterStride<>(kBlock));
  out.noalias() = p.x.middleRows(i0, ni) * p.x.middleRows(j0, nj).transpose();
}

// Offers every pair of block (I, J) to both rows' candidate lists. Inlined into a plain and an AVX2
// entry point so that the screening loop is vectorised for the machine it runs on.
[[gnu::always_inline]] inline void select_block_body(const Prepared& p, Eigen::Index i0, Eigen::Index ni, Eigen::Index j0, Eigen::Index nj,
                  const float* dots, Candidates& cand) {
  const bool diagonal = i0 == j0;
  // Column norms and bars padded to whole panels (the padding never passes: its bar is -inf).
  alignas(32) float norm_j[kBlock], bar_j[kBlock], d2[kPanel];
  for (Eigen::Index c = 0; c < kBlock; ++c) {
    norm_j[c] = c < nj ? p.norms[static_cast<std::size_t>(j0 + c)] : 0.f;
    bar_j[c] = c < nj ? cand.bar(static_cast<std::size_t>(j0 + c)) : -std::numeric_limits<float>::infinity();
  }
  for (Eigen::Index r = 0; r < ni; ++r) {
    const auto i = static_cast<std::size_t>(i0 + r);
    const float ni2 = p.norms[i];
    const float* row = dots + static_cast<std::size_t>(r) * kBlock;
    float bar_i = cand.bar(i);
    for (Eigen::Index c0 = 0; c0 < nj; c0 += kPanel) {
      if (diagonal && c0 + kPanel <= r + 1) continue;
      // Branch-free screen of a panel's worth of pairs; most pass neither bar.
      int hits = 0;
      for (int s = 0; s < kPanel; ++s) {
        d2[s] = std::max(0.f, ni2 + norm_j[c0 + s] - 2.f * row[c0 + s]);
        hits += static_cast<int>(d2[s] <= bar_i) | static_cast<int>(d2[s] <= bar_j[c0 + s]);
      }
      if (hits == 0) continue;
      for (int s = 0; s < kPanel; ++s) {
        const Eigen::Index c = c0 + s;
        if (c >= nj || (diagonal && c <= r)) continue;
        const auto j = static_cast<std::size_t>(j0 + c);
        if (d2[s] <= bar_i) {
          cand.offer(i, d2[s], p.order[j]);
          bar_i = cand.bar(i);
        }
        if (d2[s] <= bar_j[c]) {
          cand.offer(j, d2[s], p.order[i]);
          bar_j[c] = cand.bar(j);
        }
      }
    }
  }
}

void select_block_generic(const Prepared& p, Eigen::Index i0, Eigen::Index ni, Eigen::Index j0, Eigen::Index nj,
                          const float* dots, Candidates& cand) {
  select_block_body(p, i0, ni, j0, nj, dots, cand);
}

#ifdef EPOCHSCOPE_KNN_X86
__attribute__((target("avx2,fma"))) void select_block_avx2(const Prepared& p, Eigen::Index i0, Eigen::Index ni, Eigen::Index j0,
                                                           Eigen::Index nj, const float* dots, Candidates& cand) {
  select_block_body(p, i0, ni, j0, nj, dots, cand);
}
#endif

}  // namespace

std::vector<std::int32_t> detail::locality_order(const Matrix& data) {
  std::vector<std::int32_t> order(static_cast<std::size_t>(data.rows()));
  std::iota(order.begin(), order.end(), 0);
  knn::locality_order(data, order, 0, order.size());
  return order;
}

float detail::squared_distance(const float* a, const float* b, std::size_t d) {
#ifdef EPOCHSCOPE_KNN_X86
  if (has_avx2()) return squared_distance_avx2(a, b, d);
#endif
  return squared_distance_generic(a, b, d);
}

void detail::exact_knn(const Matrix& data, NeighborList& out, int threads) {
  const Prepared p = prepare(data);
  const Eigen::Index n = p.x.rows();
  const int width = std::min(out.k + kExtra, static_cast<int>(n) - 1);
  const Eigen::Index blocks = (n + kBlock - 1) / kBlock;
  const bool avx2 = has_avx2(), avx512 = has_avx512();
  auto dots_of = [&](Eigen::Index a, Eigen::Index b, std::vector<float>& dots) {
    const Eigen::Index i0 = a * kBlock, j0 = b * kBlock;
    const Eigen::Index ni = std::min<Eigen::Index>(kBlock, n - i0), nj = std::min<Eigen::Index>(kBlock, n - j0);
#ifdef EPOCHSCOPE_KNN_X86
    if (avx512) {
      block_dots_avx512(p, i0, ni, j0, nj, dots.data());
    } else if (avx2) {
      block_dots_avx2(p, i0, ni, j0, nj, dots.data());
    } else {
      block_dots_generic(p, i0, ni, j0, nj, dots.data());
    }
#else
    (void)avx2;
    (void)avx512;
    block_dots_generic(p, i0, ni, j0, nj, dots.data());
#endif
    return std::array<Eigen::Index, 4>{i0, ni, j0, nj};
  };
  auto select = [&](const std::array<Eigen::Index, 4>& b, const std::vector<float>& dots, Candidates& cand) {
#ifdef EPOCHSCOPE_KNN_X86
    if (avx2) return select_block_avx2(p, b[0], b[1], b[2], b[3], dots.data(), cand);
#endif
    select_block_generic(p, b[0], b[1], b[2], b[3], dots.data(), cand);
  };
  const int t_count = std::max(1, std::min<int>(threads, static_cast<int>(blocks)));
  // Pass 1: each block against itself (blocks hold near neighbours, so this sets tight bars).
  Candidates seeded(static_cast<std::size_t>(n), width);
  ThreadTeam team(t_count);
  std::vector<std::vector<float>> dots(static_cast<std::size_t>(t_count),
                                       std::vector<float>(static_cast<std::size_t>(kBlock) * kBlock, 0.f));
  team.run(static_cast<std::size_t>(blocks), [&](std::size_t a, int w) {
    auto& d = dots[static_cast<std::size_t>(w)];
    const auto block = static_cast<Eigen::Index>(a);
    select(dots_of(block, block, d), d, seeded);
  });
  // Pass 2: every pair of distinct blocks, each worker into its own copy of the lists.
  std::vector<std::pair<Eigen::Index, Eigen::Index>> tasks;
  for (Eigen::Index a = 0; a < blocks; ++a) {
    for (Eigen::Index b = a + 1; b < blocks; ++b) tasks.emplace_back(a, b);
  }
  std::vector<Candidates> lists(static_cast<std::size_t>(t_count), seeded);
  team.run(tasks.size(), [&](std::size_t t, int w) {
    auto& d = dots[static_cast<std::size_t>(w)];
    select(dots_of(tasks[t].first, tasks[t].second, d), d, lists[static_cast<std::size_t>(w)]);
  });
  // Merge the workers' lists, recompute the distances exactly and keep the k nearest.
  std::vector<std::int32_t> position(static_cast<std::size_t>(n));
  for (std::size_t r = 0; r < position.size(); ++r) position[static_cast<std::size_t>(p.order[r])] = static_cast<std::int32_t>(r);
  const int k = out.k;
  team.run_chunks(static_cast<std::size_t>(n), 256, [&](std::size_t begin, std::size_t end, int) {
    std::vector<std::pair<float, std::int32_t>> pool;
    std::vector<std::int32_t> found;
    for (std::size_t r = begin; r < end; ++r) {
      found.clear();
      for (const Candidates& c : lists) {
        for (int s = 0; s < width; ++s) {
          const std::int32_t j = c.idx[r * static_cast<std::size_t>(width) + static_cast<std::size_t>(s)];
          if (j != std::numeric_limits<std::int32_t>::max()) found.push_back(j);
        }
      }
      std::sort(found.begin(), found.end());
      found.erase(std::unique(found.begin(), found.end()), found.end());
      pool.clear();
      for (const std::int32_t j : found) {
        pool.emplace_back(
            (p.x.row(static_cast<Eigen::Index>(r)) - p.x.row(position[static_cast<std::size_t>(j)])).squaredNorm(), j);
      }
      std::sort(pool.begin(), pool.end());
      const auto i = static_cast<std::size_t>(p.order[r]);
      for (int s = 0; s < k; ++s) {
        out.indices[i * static_cast<std::size_t>(k) + static_cast<std::size_t>(s)] = pool[static_cast<std::size_t>(s)].second;
        out.distances[i * static_cast<std::size_t>(k) + static_cast<std::size_t>(s)] = std::sqrt(pool[static_cast<std::size_t>(s)].first);
      }
    }
  });
}

NeighborList NeighborList::truncated(int k_prime) const {
  if (k_prime >= k) return *this;
  NeighborList t;
  t.k = k_prime;
  t.n = n;
  t.indices.resize(n * static_cast<std::size_t>(k_prime));
  t.distances.resize(n * static_cast<std::size_t>(k_prime));
  for (std::size_t i = 0; i < n; ++i) {
    for (int j = 0; j < k_prime; ++j) {
      t.indices[i * static_cast<std::size_t>(k_prime) + static_cast<std::size_t>(j)] = index(i, j);
      t.distances[i * static_cast<std::size_t>(k_prime) + static_cast<std::size_t>(j)] = distance(i, j);
    }
  }
  return t;
}

NeighborList build_knn(const Matrix& data, const KnnOptions& options) {
  if (data.rows() < 2) throw Error("kNN needs at least 2 points");
  if (!data.allFinite()) throw Error("kNN input holds NaN or Inf values");
  if (data.cols() < 1) throw Error("kNN input has no columns");
  NeighborList out;
  out.n = static_cast<std::size_t>(data.rows());
  out.k = std::clamp(options.k, 1, static_cast<int>(data.rows()) - 1);
  out.indices.resize(out.n * static_cast<std::size_t>(out.k));
  out.distances.resize(out.n * static_cast<std::size_t>(out.k));
  if (options.pca_dims < 1) throw Error("kNN: pca_dims must be at least 1, not " + std::to_string(options.pca_dims));
  if (!(options.rerank_factor >= 1.f)) throw Error("kNN: rerank_factor must be at least 1");
  switch (resolve_method(data, options)) {
    case KnnMethod::kdtree:
      detail::kdtree_knn(data, out, options);
      break;
    case KnnMethod::pca:
      detail::pca_knn(data, out, options);
      break;
    default:
      detail::exact_knn(data, out, options.threads);
      break;
  }
  return out;
}

KnnMethod resolve_method(const Matrix& data, const KnnOptions& options) {
  const KnnMethod shape = resolve_method(data.rows(), data.cols(), options);
  if (options.method != KnnMethod::automatic || shape != KnnMethod::kdtree || data.cols() <= 3) return shape;
  constexpr std::size_t kProbeQueries = 256;
  const int k = std::clamp(options.k, 1, static_cast<int>(std::max<Eigen::Index>(data.rows(), 2)) - 1);
  const double visits = detail::kdtree_visits(data, k, options.leaf_size, kProbeQueries);
  return visits > static_cast<double>(data.rows()) / 50 ? KnnMethod::exact : KnnMethod::kdtree;
}

KnnMethod resolve_method(Eigen::Index n, Eigen::Index d, const KnnOptions& options) {
  if (options.method != KnnMethod::automatic) return options.method;
  if (detail::prefer_kdtree(n, d)) return KnnMethod::kdtree;
  return detail::prefer_pca(n, d, options) ? KnnMethod::pca : KnnMethod::exact;
}

std::vector<std::pair<std::int32_t, float>> neighbors_of(const Matrix& data, std::size_t point, int k) {
  const auto n = static_cast<std::size_t>(data.rows());
  if (point >= n) throw Error("neighbours of point " + std::to_string(point) + ": the data has " + std::to_string(n) + " points");
  std::vector<std::pair<float, std::int32_t>> d;
  d.reserve(n);
  const auto row = data.row(static_cast<Eigen::Index>(point));
  for (std::size_t m = 0; m < n; ++m) {
    if (m == point) continue;
    const float dist2 = (data.row(static_cast<Eigen::Index>(m)) - row).squaredNorm();
    d.push_back({std::isnan(dist2) ? std::numeric_limits<float>::infinity() : dist2, static_cast<std::int32_t>(m)});
  }
  const auto take = std::min<std::size_t>(d.size(), static_cast<std::size_t>(std::max(k, 0)));
  std::partial_sort(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(take), d.end());
  std::vector<std::pair<std::int32_t, float>> out;
  for (std::size_t j = 0; j < take; ++j) out.push_back({d[j].second, std::sqrt(d[j].first)});
  return out;
}

double neighbor_recall(const NeighborList& reference, const NeighborList& other, int k) {
  if (reference.n != other.n) throw Error("neighbour lists of different sizes");
  k = std::min({k, reference.k, other.k});
  if (k <= 0 || reference.n == 0) return 0.0;
  double hits = 0;
  for (std::size_t i = 0; i < reference.n; ++i) {
    for (int a = 0; a < k; ++a) {
      for (int b = 0; b < k; ++b) {
        if (reference.index(i, a) == other.index(i, b)) {
          hits += 1;
          break;
        }
      }
    }
  }
  return hits / (double(reference.n) * k);
}

}  // namespace epochscope::knn
