#include "epochscope/project/tsne.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>
#include <string>

#include "epochscope/project/barnes_hut.hpp"
#include "epochscope/project/fft_repulsion.hpp"
#include "epochscope/project/pca.hpp"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace epochscope::project {

// ---- the projection ----------------------------------------------------------------------------

namespace {

// ---- attractive forces ------------------------------------------------------------------------
// attr = sum_j p_ij q_ij (y_i - y_j) over row i of P, q_ij = 1 / (1 + |y_i - y_j|^2), eight entries
// at a time (kLanes), then the rest one by one. V is v4f (two per step) on baseline x86-64 or v8f
// with AVX2; the lanes are summed in one fixed order, so both give identical results.

constexpr int kLanes = 8;
using v4f = float __attribute__((vector_size(16)));
using v8f = float __attribute__((vector_size(32)));
using AttractFn = void (*)(const float*, const std::int64_t*, const std::int32_t*, const float*, std::size_t, float*);

// The entries [e, end) after the last whole group of kLanes, one by one.
template <int D>
[[gnu::always_inline]] inline void attract_rest(const float* pos, const std::int32_t* cols, const float* vals,
                                                const float* yi, std::size_t e, std::size_t end, float* attr) {
  for (; e < end; ++e) {
    const float* b = pos + static_cast<std::size_t>(cols[e]) * D;
    float diff[D], r2 = 1;
    for (int k = 0; k < D; ++k) {
      diff[k] = yi[k] - b[k];
      r2 += diff[k] * diff[k];
    }
    const float w = vals[e] / r2;
    for (int k = 0; k < D; ++k) attr[k] += w * diff[k];
  }
}

template <int D, typename V>
[[gnu::always_inline]] inline void attract_row(const float* pos, const std::int64_t* row_ptr, const std::int32_t* cols,
                                               const float* vals, std::size_t i, float* attr) {
  constexpr int kW = sizeof(V) / sizeof(float), kH = kLanes / kW;
  auto e = static_cast<std::size_t>(row_ptr[i]);
  const auto end = static_cast<std::size_t>(row_ptr[i + 1]);
  const float* yi = pos + i * D;
  V acc[kH][D];
  for (int h = 0; h < kH; ++h) {
    for (int k = 0; k < D; ++k) acc[h][k] = V{};
  }
  for (; e + kLanes <= end; e += kLanes) {
    for (int h = 0; h < kH; ++h) {
      V diff[D], r2 = V{} + 1.f;
      for (int k = 0; k < D; ++k) {
        V other;
        for (int l = 0; l < kW; ++l) {
          const auto j = static_cast<std::size_t>(cols[e + static_cast<std::size_t>(h * kW + l)]);
          other[l] = pos[j * D + static_cast<std::size_t>(k)];
        }
        diff[k] = yi[k] - other;
        r2 += diff[k] * diff[k];
      }
      V p;
      std::memcpy(&p, vals + e + static_cast<std::size_t>(h * kW), sizeof(V));
      const V w = p / r2;
      for (int k = 0; k < D; ++k) acc[h][k] += w * diff[k];
    }
  }
  for (int k = 0; k < D; ++k) {
    float lane[kLanes];
    for (int h = 0; h < kH; ++h) std::memcpy(lane + h * kW, &acc[h][k], sizeof(V));
    attr[k] = ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
  }
  attract_rest<D>(pos, cols, vals, yi, e, end, attr);
}

template <int D>
void attract_sse(const float* pos, const std::int64_t* rp, const std::int32_t* cols, const float* vals, std::size_t i,
                 float* attr) {
  attract_row<D, v4f>(pos, rp, cols, vals, i, attr);
}

#if defined(__x86_64__) && defined(__GNUC__)
#define EPOCHSCOPE_TSNE_AVX2 1
template <int D>
__attribute__((target("avx2"))) void attract_avx2(const float* pos, const std::int64_t* rp, const std::int32_t* cols,
                                                  const float* vals, std::size_t i, float* attr) {
  attract_row<D, v8f>(pos, rp, cols, vals, i, attr);
}

// 2-D: each neighbour's (x, y) pair comes in one 8-byte load, four pairs to a 128-bit register, and
// two shuffles part them into x and y, in entry order (the element-wise gathers above take two
// inserts per entry and were a third of t-SNE's time at 20,000 points). The arithmetic is
// attract_row's, lane for lane: the same results.
template <>
__attribute__((target("avx2"))) void attract_avx2<2>(const float* pos, const std::int64_t* row_ptr,
                                                     const std::int32_t* cols, const float* vals, std::size_t i,
                                                     float* attr) {
  auto e = static_cast<std::size_t>(row_ptr[i]);
  const auto end = static_cast<std::size_t>(row_ptr[i + 1]);
  const float* yi = pos + i * 2;
  const auto pair = [&](std::size_t a, std::size_t b) {
    const auto ja = static_cast<std::size_t>(cols[a]), jb = static_cast<std::size_t>(cols[b]);
    const __m128 lo = _mm_castpd_ps(_mm_load_sd(reinterpret_cast<const double*>(pos + ja * 2)));
    return _mm_loadh_pi(lo, reinterpret_cast<const __m64*>(pos + jb * 2));  // xa ya xb yb
  };
  v8f acc_x = v8f{}, acc_y = v8f{};
  const v8f xi = v8f{} + yi[0], yi1 = v8f{} + yi[1];
  for (; e + kLanes <= end; e += kLanes) {
    const __m256 a = _mm256_set_m128(pair(e + 4, e + 5), pair(e, e + 1));      // 0 1 | 4 5
    const __m256 b = _mm256_set_m128(pair(e + 6, e + 7), pair(e + 2, e + 3));  // 2 3 | 6 7
    const v8f ox = reinterpret_cast<v8f>(_mm256_shuffle_ps(a, b, 0x88));       // x0 .. x7
    const v8f oy = reinterpret_cast<v8f>(_mm256_shuffle_ps(a, b, 0xDD));       // y0 .. y7
    const v8f dx = xi - ox, dy = yi1 - oy;
    v8f r2 = v8f{} + 1.f;
    r2 += dx * dx;
    r2 += dy * dy;
    v8f p;
    std::memcpy(&p, vals + e, sizeof(v8f));
    const v8f w = p / r2;
    acc_x += w * dx;
    acc_y += w * dy;
  }
  for (int k = 0; k < 2; ++k) {
    const v8f& l = k == 0 ? acc_x : acc_y;
    attr[k] = ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
  }
  attract_rest<2>(pos, cols, vals, yi, e, end, attr);
}
#endif

// ln(u) for u >= 1 to about 1e-7 relative: u = m 2^e with m in [0.707, 1.414], ln m = 2 atanh(s),
// s = (m - 1) / (m + 1), |s| <= 0.172, by its series to s^7 (stats()'s readout needs 3 digits).
inline float log_at_least_one(float u) {
  std::uint32_t bits;
  std::memcpy(&bits, &u, sizeof bits);
  int e = static_cast<int>(bits >> 23) - 127;
  bits = (bits & 0x7FFFFFu) | 0x3F800000u;
  float m;
  std::memcpy(&m, &bits, sizeof m);
  if (m > 1.41421356f) {
    m *= 0.5f;
    ++e;
  }
  const float s = (m - 1.f) / (m + 1.f), s2 = s * s;
  return static_cast<float>(e) * 0.69314718f + 2.f * s * (1.f + s2 * (1.f / 3 + s2 * (1.f / 5 + s2 * (1.f / 7))));
}

template <int D>
AttractFn pick_attract() {
#ifdef EPOCHSCOPE_TSNE_AVX2
  if (__builtin_cpu_supports("avx2")) return attract_avx2<D>;
#endif
  return attract_sse<D>;
}

class Tsne final : public Projection {
 public:
  explicit Tsne(const TsneOptions& o)
      : opt_(o),
        attract_(o.dims == 3 ? pick_attract<3>() : pick_attract<2>()),
        team_(std::max(1, o.threads)),
        bh_({.dims = o.dims == 3 ? 3 : 2, .theta = o.theta}) {
    if (o.dims != 2 && o.dims != 3) throw Error("t-SNE: dims must be 2 or 3");
    if (!(o.perplexity > 0)) throw Error("t-SNE: perplexity must be > 0");
    if (o.learning_rate && !(*o.learning_rate > 0)) throw Error("t-SNE: learning rate must be > 0");
    if (o.iterations < 0 || o.warm_iterations < 0 || o.early_iterations < 0)
      throw Error("t-SNE: negative iteration count");
    if (!(o.early_exaggeration > 0) || !(o.exaggeration > 0)) throw Error("t-SNE: exaggeration must be > 0");
    if (!(o.late_learning_rate_factor > 0)) throw Error("t-SNE: late learning rate factor must be > 0");
    if (!(o.lambda >= 0)) throw Error("t-SNE: lambda must be >= 0");
    if (o.dims == 2) FftRepulsion{o.fft};  // throws on bad FFT options now rather than at initialize()
  }

  Matrix initialize(const ProjectionInput& input) override {
    if (!input.data) throw Error("t-SNE: no input data");
    const Matrix& x = *input.data;
    const auto n = static_cast<std::size_t>(x.rows());
    const auto d = static_cast<Eigen::Index>(opt_.dims);
    if (n < 4) throw Error("t-SNE: needs at least 4 points, got " + std::to_string(n));
    const auto check = [&](const Matrix& layout, const char* what) {
      if (layout.rows() != x.rows() || layout.cols() != d) {
        throw Error(std::string("t-SNE: ") + what + " must be " + std::to_string(n) + " x " + std::to_string(d));
      }
      if (!layout.allFinite()) throw Error(std::string("t-SNE: ") + what + " holds NaN or Inf values");
    };
    if (input.warm_start) {
      check(*input.warm_start, "warm start");
    } else if (input.start) {
      check(*input.start, "the starting layout");
    }
    const bool use_fft = opt_.dims == 2 && opt_.repulsion != TsneRepulsion::barnes_hut;
    const auto shared = neighbors(input);
    const knn::NeighborList& nn = *shared;
    // Few points: the perplexity shrinks to what the neighbour lists can hold.
    const double perplexity = std::max(1.0, std::min(opt_.perplexity, (nn.k - 1) / 3.0 + 1e-9));
    auto p = symmetrize_affinities(nn, conditional_affinities(nn, perplexity, opt_.threads), opt_.threads);
    Matrix y = input.warm_start ? *input.warm_start : input.start ? *input.start : initial_layout(x);
    // Nothing above changed the object: a throw leaves it as it was.
    n_ = n;
    p_ = std::move(p);
    plogp_.reset();
    fft_.reset();
    if (use_fft) fft_ = std::make_unique<FftRepulsion>(opt_.fft);
    fft_now_ = use_fft;
    warm_ = input.warm_start != nullptr;
    prev_ = warm_ ? y : Matrix();
    lr_ = opt_.learning_rate.value_or(std::max(200.0, static_cast<double>(n_) / opt_.early_exaggeration));
    total_ = warm_ ? opt_.warm_iterations : opt_.iterations;
    iter_ = 0;
    const std::size_t size = n_ * static_cast<std::size_t>(d);
    update_.assign(size, 0.f);
    gains_.assign(size, 1.f);
    rep_.assign(size, 0.f);
    sums_.assign(n_, 0.f);
    next_.resize(size);
    return y;
  }

  void run(Matrix& y, int limit) override {
    if (p_.n == 0) throw Error("t-SNE: run() before initialize()");
    if (static_cast<std::size_t>(y.rows()) != n_ || y.cols() != opt_.dims)
      throw Error("t-SNE: layout has the wrong shape");
    while (iter_ < std::min(limit, total_)) {
      step(y);
      ++iter_;
    }
  }

  int iteration() const override { return iter_; }
  int total_iterations() const override { return total_; }

  // KL(P || Q) with Q's normaliser Z taken from one pass of the repulsion in use (an estimate, as
  // in openTSNE).
  ProjectionStats stats(const Matrix& y) const override {
    if (p_.n == 0 || static_cast<std::size_t>(y.rows()) != n_ || y.cols() != opt_.dims) return {"KL divergence", 0};
    std::vector<float> f(n_ * static_cast<std::size_t>(opt_.dims)), s(n_);
    if (fft_now_) {
      FftRepulsion(fft_->options()).compute(y.data(), n_, f.data(), s.data());
    } else {
      BarnesHut({.dims = opt_.dims, .theta = opt_.theta})
          .compute(y.data(), n_, RepulsionKernel::student_t, f.data(), s.data());
    }
    const double z = std::accumulate(s.begin(), s.end(), 0.0);
    // KL = sum p log p + sum p log(1 + d^2) + log Z (P sums to 1). The first term is fixed (computed
    // once); the second runs over the upper triangle (P and d are symmetric) with a float logarithm:
    // at 70,000 points on one thread 0.064 s a call, about three iterations, against 0.115 s before
    // (the window shows KL every 25).
    if (!plogp_) {
      double h = 0;
      for (float p : p_.values) h += p > 0 ? double(p) * std::log(double(p)) : 0.0;
      plogp_ = h;
    }
    const auto d = static_cast<std::size_t>(opt_.dims);
    const float* pos = y.data();
    double cross = 0;
    for (std::size_t i = 0; i < n_; ++i) {
      const auto end = static_cast<std::size_t>(p_.row_ptr[i + 1]);
      auto e = static_cast<std::size_t>(p_.row_ptr[i]);
      while (e < end && static_cast<std::size_t>(p_.cols[e]) <= i) ++e;  // columns ascend
      const float* a = pos + i * d;
      float row = 0;
      for (; e < end; ++e) {
        const float* b = pos + static_cast<std::size_t>(p_.cols[e]) * d;
        float r2 = 0;
        for (std::size_t k = 0; k < d; ++k) r2 += (a[k] - b[k]) * (a[k] - b[k]);
        row += p_.values[e] * log_at_least_one(1.f + r2);
      }
      cross += row;
    }
    return {"KL divergence", *plogp_ + 2 * cross + std::log(std::max(z, 1e-300))};
  }

 private:
  // The given lists when they have exactly the k needed (no copy), else cut to k or built.
  std::shared_ptr<const knn::NeighborList> neighbors(const ProjectionInput& input) const {
    const auto n = static_cast<std::size_t>(input.data->rows());
    const int k = static_cast<int>(std::min<double>(static_cast<double>(n - 1), std::ceil(3 * opt_.perplexity)));
    if (input.neighbors && input.neighbors->n == n && input.neighbors->k == k) return input.neighbors;
    if (input.neighbors && input.neighbors->n == n && input.neighbors->k > k)
      return std::make_shared<const knn::NeighborList>(input.neighbors->truncated(k));
    return std::make_shared<const knn::NeighborList>(knn::build_knn(*input.data, {.k = k, .threads = opt_.threads}));
  }

  Matrix initial_layout(const Matrix& x) const {
    const auto d = static_cast<Eigen::Index>(opt_.dims);
    const auto n = static_cast<double>(x.rows());
    Matrix y;
    if (opt_.init == TsneInit::pca && x.cols() >= d) {
      y = apply_pca(fit_pca(x, opt_.dims), x);
      const double mean = y.col(0).mean();
      const double sd = std::sqrt((y.col(0).array() - mean).square().sum() / n);
      if (sd > 0 && y.allFinite()) {
        y *= static_cast<float>(1e-4 / sd);
        return y;
      }
    }
    std::mt19937_64 rng(opt_.seed);
    std::normal_distribution<float> g(0.f, 1e-4f);
    y.resize(x.rows(), d);
    for (Eigen::Index i = 0; i < y.size(); ++i) y.data()[i] = g(rng);
    return y;
  }

  void step(Matrix& y) {
    if (opt_.dims == 2) {
      step_dims<2>(y);
    } else {
      step_dims<3>(y);
    }
  }

  template <int D>
  void step_dims(Matrix& y) {
    const bool early = !warm_ && iter_ < opt_.early_iterations;
    const auto exaggeration = static_cast<float>(early ? opt_.early_exaggeration : opt_.exaggeration);
    const auto momentum = static_cast<float>(early ? opt_.early_momentum : opt_.momentum);
    const auto lr = static_cast<float>(early || opt_.learning_rate ? lr_ : lr_ * opt_.late_learning_rate_factor);
    const float* pos = y.data();
    if (fft_now_ && opt_.repulsion == TsneRepulsion::automatic) {
      double extent = 0;
      for (Eigen::Index k = 0; k < y.cols(); ++k) extent = std::max(extent, double(y.col(k).maxCoeff() - y.col(k).minCoeff()));
      fft_now_ = tsne_repulsion_for(opt_, n_, extent) == TsneRepulsion::fft;  // once off, off to the end
    }
    if (fft_now_) {
      fft_->compute(pos, n_, rep_.data(), sums_.data(), &team_);
    } else {
      bh_.compute(pos, n_, RepulsionKernel::student_t, rep_.data(), sums_.data(), &team_);
    }
    double z = 0;
    for (float s : sums_) z += s;
    const auto inv_z = static_cast<float>(1.0 / std::max(z, 1e-300));
    const bool pull = warm_ && opt_.lambda > 0;
    const auto pull_w = static_cast<float>(2 * opt_.lambda / static_cast<double>(n_));

    constexpr std::size_t kChunk = 256;
    team_.run((n_ + kChunk - 1) / kChunk, [&](std::size_t c, int) {
      for (std::size_t i = c * kChunk; i < std::min(n_, (c + 1) * kChunk); ++i) {
        float attr[D];
        attract_(pos, p_.row_ptr.data(), p_.cols.data(), p_.values.data(), i, attr);
        for (std::size_t k = 0; k < D; ++k) {
          const std::size_t o = i * D + k;
          float grad = exaggeration * attr[k] - rep_[o] * inv_z;
          if (pull) grad += pull_w * (pos[o] - prev_.data()[o]);
          float& gain = gains_[o];
          gain = (grad > 0) != (update_[o] > 0) ? gain + 0.2f : std::max(gain * 0.8f, 0.01f);
          update_[o] = momentum * update_[o] - lr * gain * grad;
          next_[o] = pos[o] + update_[o];
        }
      }
    });
    // Recentre (not under a movement penalty, which anchors the layout itself).
    double mean[D] = {};
    if (!pull) {
      for (std::size_t i = 0; i < n_; ++i) {
        for (std::size_t k = 0; k < D; ++k) mean[k] += next_[i * D + k];
      }
    }
    float* out = y.data();
    for (std::size_t k = 0; k < D; ++k) {
      const auto m = static_cast<float>(mean[k] / static_cast<double>(n_));
      for (std::size_t i = 0; i < n_; ++i) out[i * D + k] = next_[i * D + k] - m;
    }
  }

  TsneOptions opt_;
  AttractFn attract_ = nullptr;
  ThreadTeam team_;
  BarnesHut bh_;
  std::unique_ptr<FftRepulsion> fft_;  ///< set when this layout may use the FFT repulsion
  bool fft_now_ = false;               ///< the FFT, not Barnes-Hut, makes this iteration's repulsion
  SparseAffinities p_;
  mutable std::optional<double> plogp_;  ///< sum p log p over P, once stats() needs it
  std::size_t n_ = 0;
  int iter_ = 0, total_ = 0;
  bool warm_ = false;
  double lr_ = 200;
  Matrix prev_;
  std::vector<float> update_, gains_, rep_, sums_, next_;
};

}  // namespace

TsneRepulsion tsne_repulsion_for(const TsneOptions& options, std::size_t n, double extent) {
  if (options.dims != 2 || options.repulsion == TsneRepulsion::barnes_hut) return TsneRepulsion::barnes_hut;
  if (options.repulsion == TsneRepulsion::fft) return TsneRepulsion::fft;
  const double p = fft_transform_size(options.fft, extent);
  return p * p <= kTsneFftCostRatio * static_cast<double>(n) ? TsneRepulsion::fft : TsneRepulsion::barnes_hut;
}

std::unique_ptr<Projection> make_tsne(const TsneOptions& options) { return std::make_unique<Tsne>(options); }

}  // namespace epochscope::project
