#include "epochscope/project/fft_repulsion.hpp"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <limits>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "epochscope/core/matrix.hpp"

namespace epochscope::project {

namespace {

using cfloat = std::complex<float>;  // layout-compatible with fftwf_complex (FFTW manual, 4.1.1)

constexpr std::size_t kAlign = 64;     // bytes: every row and column chunk starts on a cache line
constexpr std::size_t kColChunk = 8;   // complex columns per column task (one cache line per row)
constexpr int kKernels = 3;
// Box widths are max_box_width * 2^(e / kLadder): each step changes the kernels' samples, and so
// costs three full transforms; 2^(1/4) steps keep the boxes between min_boxes and 1.19 min_boxes.
constexpr double kLadder = 4;
// The transform size P grows with 10 % to spare and shrinks only below 70 % use, so that a growing
// layout recomputes the kernels' spectra every ~10 % of growth rather than at every size step.
constexpr double kGrowth = 1.1, kShrink = 0.7;            // 1 / (1 + d^2), then d_x and d_y / (1 + d^2)^2

// FFTW's planner (and plan destruction) is process-wide state that is not thread-safe; executing a
// plan is. Every planner call goes through this lock.
std::mutex& planner_mutex() {
  static std::mutex m;
  return m;
}

fftwf_complex* fc(cfloat* p) { return reinterpret_cast<fftwf_complex*>(p); }

// a * b without std::complex's care for infinities (a library call per product, 3x slower here):
// the spectra are finite.
inline cfloat times(cfloat a, cfloat b) {
  return {a.real() * b.real() - a.imag() * b.imag(), a.real() * b.imag() + a.imag() * b.real()};
}

// A zero-filled, cache-line-aligned array (FFTW's SIMD code needs the alignment of the arrays a plan
// is executed on to match the planned ones: every base here is 64-byte aligned, every offset a
// multiple of 64 bytes).
template <class T>
class Aligned {
 public:
  void assign(std::size_t n) {
    if (n != n_) {
      data_.reset(static_cast<T*>(::operator new(std::max<std::size_t>(n, 1) * sizeof(T), std::align_val_t{kAlign})));
      n_ = n;
    }
    std::memset(static_cast<void*>(data_.get()), 0, n * sizeof(T));
  }
  T* data() const { return data_.get(); }
  std::size_t size() const { return n_; }

 private:
  struct Free {
    void operator()(T* p) const { ::operator delete(p, std::align_val_t{kAlign}); }
  };
  std::unique_ptr<T, Free> data_;
  std::size_t n_ = 0;
};

template <class Fn>
void for_tasks(ThreadTeam* team, std::size_t tasks, Fn&& fn) {
  if (team != nullptr && team->size() > 1) {
    team->run(tasks, fn);
  } else {
    for (std::size_t t = 0; t < tasks; ++t) fn(t, 0);
  }
}

// Smallest even 2^a 3^b 5^c 7^d >= n (sizes FFTW transforms fastest).
int fft_size(int n) {
  for (int s = std::max(n, 2);; ++s) {
    if (s % 2 != 0) continue;
    int r = s;
    for (int f : {2, 3, 5, 7}) {
      while (r % f == 0) r /= f;
    }
    if (r == 1) return s;
  }
}

// The transform size for a lattice of m nodes per axis, with kGrowth to spare.
int grown_size(int m) { return fft_size(static_cast<int>(std::ceil(kGrowth * (2 * m - 1)))); }

struct GridShape {
  double width = 1;  // of a box
  int boxes = 1;     // per axis
  int m = 1;         // nodes per axis
};

GridShape grid_shape(const FftRepulsionOptions& o, double extent) {
  // The box width: max_box_width * 2^(e / kLadder), e <= 0 the largest with at least min_boxes boxes,
  // raised while there would be more than max_boxes.
  int e = 0;
  if (extent < o.min_boxes * o.max_box_width) {
    e = -static_cast<int>(std::ceil(kLadder * std::log2(o.min_boxes * o.max_box_width / extent)));
  }
  const auto boxes_at = [&](int ex) { return std::ceil(extent / (o.max_box_width * std::exp2(ex / kLadder))); };
  while (boxes_at(e) > o.max_boxes) ++e;
  GridShape s;
  s.width = o.max_box_width * std::exp2(e / kLadder);
  s.boxes = std::max(1, static_cast<int>(boxes_at(e)));
  // Every point's stencil (below) must fit: the points' lattice coordinates u span extent / h and
  // must lie in [p/2 - 1, m - p/2).
  s.m = static_cast<int>(std::floor(extent / (s.width / o.nodes_per_box))) + o.nodes_per_box;
  return s;
}

// Lagrange weights of the p nodes 0, 1, .., p - 1 at t.
struct Lagrange {
  int p = 3;
  double inv_den[8] = {};
  explicit Lagrange(int nodes) : p(nodes) {
    for (int k = 0; k < p; ++k) {
      double den = 1;
      for (int l = 0; l < p; ++l) {
        if (l != k) den *= k - l;
      }
      inv_den[k] = 1 / den;
    }
  }
  void weights(double t, double* w) const {
    if (p == 3) {  // the default, spelled out
      w[0] = 0.5 * (t - 1) * (t - 2);
      w[1] = t * (2 - t);
      w[2] = 0.5 * t * (t - 1);
      return;
    }
    for (int k = 0; k < p; ++k) {
      double num = inv_den[k];
      for (int l = 0; l < p; ++l) {
        if (l != k) num *= t - l;
      }
      w[k] = num;
    }
  }
};

}  // namespace

struct FftRepulsion::Impl {
  // Grid of the current call: p nodes per box, boxes of `width`, m nodes per axis h = width / p
  // apart, node a of axis k at origin[k] + a h.
  int p = 3, boxes = 0, m = 0;
  double width = 0, h = 0, origin[2] = {};
  // Transforms: size P per axis, half spectrum of H = P / 2 + 1 columns stored with row stride Hs.
  int P = 0;
  std::size_t H = 0, Hs = 0;
  fftwf_plan row_r2c = nullptr, row_c2r = nullptr, col_fwd = nullptr, col_inv = nullptr;
  Aligned<cfloat> spec, work[kKernels], khat[kKernels];
  double kernel_width = -1;  // width the spectra in khat were computed for (at this P)
  std::vector<Aligned<float>> rows;  // per worker: one real row of P
  // Points by stencil (stable counting sort), charges on the nodes (m x m), the three sums (m x m x 3).
  std::vector<std::uint32_t> first, order;  // first: per point, its stencil's first node along x and y
  std::vector<float> weights;  // per point: p weights along x, then p along y
  std::vector<std::size_t> start;
  std::vector<double> charges, spill;  // spill: per band of the spreading, the p - 1 rows after it
  std::vector<float> values;

  ~Impl() { destroy_plans(); }

  void destroy_plans() {
    std::lock_guard lock(planner_mutex());
    for (fftwf_plan* plan : {&row_r2c, &row_c2r, &col_fwd, &col_inv}) {
      if (*plan != nullptr) fftwf_destroy_plan(*plan);
      *plan = nullptr;
    }
  }

  // Buffers and plans for transforms of size P x P (a no-op when P is unchanged).
  void prepare(int size, int workers) {
    if (static_cast<int>(rows.size()) < workers) {
      rows.resize(static_cast<std::size_t>(workers));
      for (auto& r : rows) {
        if (r.size() != static_cast<std::size_t>(P)) r.assign(static_cast<std::size_t>(P));
      }
    }
    if (size == P) return;
    destroy_plans();
    P = size;
    H = static_cast<std::size_t>(P / 2 + 1);
    Hs = (H + kColChunk - 1) / kColChunk * kColChunk;
    const std::size_t cells = static_cast<std::size_t>(P) * Hs;
    spec.assign(cells);
    for (auto& w : work) w.assign(cells);
    for (auto& k : khat) k.assign(cells);
    kernel_width = -1;
    for (auto& r : rows) r.assign(static_cast<std::size_t>(P));
    std::lock_guard lock(planner_mutex());
    const int n = P, stride = static_cast<int>(Hs), chunk = static_cast<int>(kColChunk);
    // FFTW_ESTIMATE: the plan is chosen without timing (the same every run) and touches no array.
    row_r2c = fftwf_plan_dft_r2c_1d(n, rows[0].data(), fc(spec.data()), FFTW_ESTIMATE);
    row_c2r = fftwf_plan_dft_c2r_1d(n, fc(work[0].data()), rows[0].data(), FFTW_ESTIMATE);
    col_fwd = fftwf_plan_many_dft(1, &n, chunk, fc(spec.data()), nullptr, stride, 1, fc(spec.data()), nullptr, stride,
                                  1, FFTW_FORWARD, FFTW_ESTIMATE);
    col_inv = fftwf_plan_many_dft(1, &n, chunk, fc(work[0].data()), nullptr, stride, 1, fc(work[0].data()), nullptr,
                                  stride, 1, FFTW_BACKWARD, FFTW_ESTIMATE);
    if (row_r2c == nullptr || row_c2r == nullptr || col_fwd == nullptr || col_inv == nullptr) {
      P = 0;  // plan again next time
      throw Error("FFT repulsion: FFTW could not plan a transform of size " + std::to_string(P));
    }
  }

  // In place: transforms every column chunk of the arrays a[0 .. count) forward (one dispatch).
  void columns_forward(Aligned<cfloat>* a, std::size_t count, ThreadTeam* team) const {
    const std::size_t chunks = Hs / kColChunk;
    for_tasks(team, count * chunks, [&](std::size_t task, int) {
      cfloat* base = a[task / chunks].data() + (task % chunks) * kColChunk;
      fftwf_execute_dft(col_fwd, fc(base), fc(base));
    });
  }

  // The spectra of the three kernels sampled on the lattice offsets (circularly: offset s at index
  // s mod P, |s| <= P / 2), scaled by 1 / P^2 so that the inverse transforms need no scaling.
  void kernel_spectra(ThreadTeam* team) {
    const auto scale = static_cast<float>(1.0 / (double(P) * P));
    for_tasks(team, static_cast<std::size_t>(kKernels) * static_cast<std::size_t>(P), [&](std::size_t task, int worker) {
      const auto k = static_cast<int>(task / static_cast<std::size_t>(P));
      const auto ty = static_cast<int>(task % static_cast<std::size_t>(P));
      float* row = rows[static_cast<std::size_t>(worker)].data();
      const double dy = (ty <= P / 2 ? ty : ty - P) * h;
      for (int tx = 0; tx < P; ++tx) {
        const double dx = (tx <= P / 2 ? tx : tx - P) * h;
        const double q = 1 / (1 + dx * dx + dy * dy);
        row[tx] = static_cast<float>(k == 0 ? q : (k == 1 ? dx : dy) * q * q);
      }
      cfloat* out = khat[k].data() + static_cast<std::size_t>(ty) * Hs;
      fftwf_execute_dft_r2c(row_r2c, row, fc(out));
      for (std::size_t c = 0; c < H; ++c) out[c] *= scale;
    });
    columns_forward(khat, kKernels, team);
    kernel_width = width;
  }

  void choose_grid(const FftRepulsionOptions& o, const double lo[2], const double hi[2]) {
    const GridShape s = grid_shape(o, std::max({hi[0] - lo[0], hi[1] - lo[1], 1e-30}));
    width = s.width;
    h = width / p;
    boxes = s.boxes;
    m = s.m;
    for (int k = 0; k < 2; ++k) origin[k] = 0.5 * (lo[k] + hi[k]) - 0.5 * (m - 1) * h;
  }

  // A point's stencil along one axis: the p nodes nearest to it, first .. first + p - 1 (for odd p,
  // centred on the nearest node), and its coordinate t in units of h from the first node.
  void stencil(double y, int axis, int& first, double& t) const {
    const double u = (y - origin[axis]) / h;
    first = std::clamp(static_cast<int>(std::floor(u + 1 - 0.5 * p)), 0, m - p);
    t = u - first;
  }
};

FftRepulsion::FftRepulsion(const FftRepulsionOptions& options) : options_(options), impl_(std::make_unique<Impl>()) {
  if (options.nodes_per_box < 1 || options.nodes_per_box > 8) throw Error("FFT repulsion: nodes_per_box must be 1..8");
  if (options.min_boxes < 1) throw Error("FFT repulsion: min_boxes must be >= 1");
  if (options.max_boxes < options.min_boxes) throw Error("FFT repulsion: max_boxes must be >= min_boxes");
  if (!(options.max_box_width > 0) || !std::isfinite(options.max_box_width))
    throw Error("FFT repulsion: max_box_width must be > 0");
  impl_->p = options.nodes_per_box;
}

int fft_transform_size(const FftRepulsionOptions& options, double extent) {
  return grown_size(grid_shape(options, std::max(extent, 1e-30)).m);
}

FftRepulsion::~FftRepulsion() = default;
FftRepulsion::FftRepulsion(FftRepulsion&&) noexcept = default;
FftRepulsion& FftRepulsion::operator=(FftRepulsion&&) noexcept = default;

void FftRepulsion::compute(const float* y, std::size_t n, float* forces, float* sums, ThreadTeam* team) {
  if (n == 0) return;
  if (n > std::numeric_limits<std::uint32_t>::max()) throw Error("FFT repulsion: too many points");
  Impl& g = *impl_;
  double lo[2] = {std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
  double hi[2] = {-lo[0], -lo[1]};
  for (std::size_t i = 0; i < n; ++i) {
    for (int k = 0; k < 2; ++k) {
      const float v = y[i * 2 + static_cast<std::size_t>(k)];
      if (!std::isfinite(v)) throw Error("FFT repulsion: non-finite position");
      lo[k] = std::min(lo[k], double(v));
      hi[k] = std::max(hi[k], double(v));
    }
  }
  g.choose_grid(options_, lo, hi);
  const int p = g.p, m = g.m;
  const int needed = 2 * m - 1;
  int size = g.P;
  if (size < needed || needed < kShrink * size) size = grown_size(m);
  g.prepare(size, team != nullptr ? team->size() : 1);
  if (g.kernel_width != g.width) {
    g.kernel_spectra(team);
    ++grid_.kernel_updates;
  }
  grid_.boxes = g.boxes;
  grid_.box_width = g.width;
  grid_.nodes = m;
  grid_.fft_size = g.P;

  // Every point's stencil and weights (alone, in parallel), then points by stencil row (the first
  // node along y): a stable counting sort, so each row lists its points in index order.
  const int cells = m - p + 1;
  const auto nc = static_cast<std::size_t>(cells), pu = static_cast<std::size_t>(p);
  const Lagrange lagrange(p);
  g.first.resize(n * 2);
  g.order.resize(n);
  g.weights.resize(n * 2 * pu);
  constexpr std::size_t kChunk = 2048;
  const std::size_t chunks = (n + kChunk - 1) / kChunk;
  for_tasks(team, chunks, [&](std::size_t c, int) {
    for (std::size_t i = c * kChunk; i < std::min(n, (c + 1) * kChunk); ++i) {
      int f[2];
      for (int k = 0; k < 2; ++k) {
        double t, w[8];
        g.stencil(y[i * 2 + static_cast<std::size_t>(k)], k, f[k], t);
        lagrange.weights(t, w);
        float* out = g.weights.data() + (i * 2 + static_cast<std::size_t>(k)) * pu;
        for (int l = 0; l < p; ++l) out[l] = static_cast<float>(w[l]);
      }
      g.first[i * 2] = static_cast<std::uint32_t>(f[0]);
      g.first[i * 2 + 1] = static_cast<std::uint32_t>(f[1]);
    }
  });
  g.start.assign(nc + 1, 0);
  for (std::size_t i = 0; i < n; ++i) ++g.start[g.first[i * 2 + 1] + 1];
  for (std::size_t r = 0; r < nc; ++r) g.start[r + 1] += g.start[r];
  {
    std::vector<std::size_t> fill(g.start.begin(), g.start.end() - 1);
    for (std::size_t i = 0; i < n; ++i) g.order[fill[g.first[i * 2 + 1]]++] = static_cast<std::uint32_t>(i);
  }

  // (1) Spread unit charges. A task is a band of kBand stencil rows [r0, r1): it adds to node rows
  // [r0, r1) directly and to the p - 1 rows after them in a buffer of its own, added once every band
  // is done, band by band. The bands do not depend on the thread count, and every node receives its
  // charges in one fixed order (its band's points by index, then the band before).
  const auto mu = static_cast<std::size_t>(m);
  constexpr std::size_t kBand = 16;
  const std::size_t bands = (nc + kBand - 1) / kBand, spill = (pu - 1) * mu;
  g.charges.assign(mu * mu, 0.0);
  g.spill.assign(bands * spill, 0.0);
  for_tasks(team, bands, [&](std::size_t b, int) {
    const std::size_t r0 = b * kBand, r1 = std::min(nc, r0 + kBand);
    const std::size_t own_end = b + 1 == bands ? mu : r1;  // the last band has all rows after it
    for (std::size_t s = g.start[r0]; s < g.start[r1]; ++s) {
      const std::size_t i = g.order[s], fy = g.first[i * 2 + 1];
      const float* w = g.weights.data() + i * 2 * pu;
      for (std::size_t ly = 0; ly < pu; ++ly) {
        const std::size_t r = fy + ly;
        double* row = (r < own_end ? g.charges.data() + r * mu : g.spill.data() + b * spill + (r - r1) * mu) +
                      g.first[i * 2];
        for (std::size_t lx = 0; lx < pu; ++lx) row[lx] += double(w[pu + ly]) * w[lx];
      }
    }
  });
  for (std::size_t b = 0; b + 1 < bands; ++b) {
    const std::size_t r1 = (b + 1) * kBand;
    const std::size_t len = std::min(spill, (mu - r1) * mu);
    for (std::size_t j = 0; j < len; ++j) g.charges[r1 * mu + j] += g.spill[b * spill + j];
  }

  // (2) Forward transform of the charges: rows (zero-padded to P), then columns.
  const std::size_t P = static_cast<std::size_t>(g.P), Hs = g.Hs;
  for_tasks(team, P, [&](std::size_t iy, int worker) {
    cfloat* out = g.spec.data() + iy * Hs;
    if (iy >= mu) {
      std::memset(static_cast<void*>(out), 0, g.H * sizeof(cfloat));
      return;
    }
    float* row = g.rows[static_cast<std::size_t>(worker)].data();
    const double* q = g.charges.data() + iy * mu;
    for (std::size_t ix = 0; ix < mu; ++ix) row[ix] = static_cast<float>(q[ix]);
    std::memset(row + mu, 0, (P - mu) * sizeof(float));
    fftwf_execute_dft_r2c(g.row_r2c, row, fc(out));
  });
  g.columns_forward(&g.spec, 1, team);

  // Then per kernel: multiply by its spectrum and transform back, columns then the m rows needed
  // (each pass one dispatch for the three kernels).
  g.values.resize(mu * mu * kKernels);
  const std::size_t col_chunks = Hs / kColChunk;
  for_tasks(team, col_chunks, [&](std::size_t c, int) {
    const std::size_t c0 = c * kColChunk;
    for (int k = 0; k < kKernels; ++k) {
      const cfloat* kh = g.khat[k].data();
      cfloat* out = g.work[k].data();
      for (std::size_t r = 0; r < P; ++r) {
        const std::size_t o = r * Hs + c0;
        for (std::size_t j = 0; j < kColChunk; ++j) out[o + j] = times(g.spec.data()[o + j], kh[o + j]);
      }
      fftwf_execute_dft(g.col_inv, fc(out + c0), fc(out + c0));
    }
  });
  for_tasks(team, mu, [&](std::size_t iy, int worker) {
    float* row = g.rows[static_cast<std::size_t>(worker)].data();
    float* v = g.values.data() + iy * mu * kKernels;
    for (int k = 0; k < kKernels; ++k) {
      fftwf_execute_dft_c2r(g.row_c2r, fc(g.work[k].data() + iy * Hs), row);
      for (std::size_t ix = 0; ix < mu; ++ix) v[ix * kKernels + static_cast<std::size_t>(k)] = row[ix];
    }
  });

  // (3) Read the sums back at every point from its stencil's nodes, with the same weights.
  for_tasks(team, chunks, [&](std::size_t c, int) {
    for (std::size_t i = c * kChunk; i < std::min(n, (c + 1) * kChunk); ++i) {
      const float* w = g.weights.data() + i * 2 * pu;
      const std::size_t fx = g.first[i * 2], fy = g.first[i * 2 + 1];
      float acc[kKernels] = {};
      for (std::size_t ly = 0; ly < pu; ++ly) {
        const float* v = g.values.data() + ((fy + ly) * mu + fx) * kKernels;
        float row[kKernels] = {};
        for (std::size_t lx = 0; lx < pu; ++lx) {
          for (int k = 0; k < kKernels; ++k) row[k] += w[lx] * v[lx * kKernels + static_cast<std::size_t>(k)];
        }
        for (int k = 0; k < kKernels; ++k) acc[k] += w[pu + ly] * row[k];
      }
      sums[i] = acc[0] - 1.f;  // less the point's own w = 1
      forces[i * 2] = acc[1];
      forces[i * 2 + 1] = acc[2];
    }
  });
}

}  // namespace epochscope::project
