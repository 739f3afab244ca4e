// Contract: t-SNE's all-pairs repulsive sums in 2-D by FFT-accelerated interpolation (Linderman,
// Rachh, Hoskins, Steinerberger & Kluger 2019, "Fast interpolation-based t-SNE", Nature Methods:
// FIt-SNE, also openTSNE's "fft"). For every point i it returns what BarnesHut's student_t kernel
// returns, so t-SNE can use either:
//
//   force_i = sum_{j != i} w_ij^2 (y_i - y_j)   and   sum_i = sum_{j != i} w_ij,   w_ij = 1 / (1 + |y_i - y_j|^2).
//
// Method. An equispaced lattice of m x m interpolation nodes, h apart, covers the points; FIt-SNE's
// parameters set h: boxes of width <= max_box_width, at least min_boxes of them per axis, each
// holding p = nodes_per_box nodes per axis (h = width / p). (1) Every point spreads a unit charge
// to the p x p nodes nearest to it (for odd p, centred on the nearest node) with tensor-product
// Lagrange weights. (2) The charge lattice is convolved with three kernels sampled on the lattice
// offsets d: 1 / (1 + |d|^2) for the sums, and both components of d / (1 + |d|^2)^2 for the forces.
// The convolution is a zero-padded circular one of size P >= 2m - 1 (P with prime factors 2, 3, 5,
// 7), by real-to-complex FFTs (FFTW, single precision), rows then columns. (3) Each point reads the
// three sums back from the same p x p nodes with the same weights; its own term (w = 1 at d = 0) is
// subtracted from sum_i.
// Two departures from FIt-SNE. FIt-SNE interpolates from the p x p nodes of the fixed box a point
// falls in, which extrapolates near the box's edges; the nearest nodes bound the error 5 times lower
// at the same lattice (p = 3) and cut the measured force error 2.4 to 2.6 times (the tests' inputs).
// FIt-SNE convolves 1 / (1 + |d|^2)^2 with the four charges 1, x, y, x^2 + y^2 and
// combines them (4 forward and 4 inverse transforms; the combination cancels digits far from the
// origin, so it needs double precision); the force's own kernel needs 1 forward and 3 inverse, and
// no cancellation, so single precision does.
// The box width is rounded down to max_box_width * 2^(-k/4), and the transform size P grows with
// 10 % to spare, so that the kernels' spectra (which depend on P and h only) are reused across
// iterations while the layout grows; at most max_boxes boxes per axis (a layout with far outliers
// gets wider boxes, and coarser results, rather than a huge grid).
//
// Error (tests/project_fft_test.cpp, against exact_repulsion): the interpolation error of smooth
// kernels, largest for pairs a node or two apart, growing as h^3 for p = 3. With the defaults, on
// 1,000 clustered points, the relative error of the forces (sqrt(sum |F - F_exact|^2 / sum
// |F_exact|^2)) is 4.6e-5 with boxes 0.18 wide and 7.5e-3 to 1.6e-2 at the widest (1), that of
// Z = sum_i sum_i 7e-7 and 1.3e-4 to 3.4e-4. On a converged 70,000-point Fashion-MNIST layout
// (extent 165, boxes of width 1): forces 1.9e-2, Z 1.6e-4 (Barnes-Hut at t-SNE's theta = 1: 5.3e-2 and 3.5e-2); wider boxes cost
// recall@10 there (width 1.5: 0.393 against 0.411). Costs O(N p^2) for spreading and reading back
// plus O(P^2 log P) for the transforms, whatever the clustering.
// Speed: the transforms dominate, and P grows with the layout's extent (165 units for 70,000 t-SNE
// points: P = 1120). t-SNE's automatic repulsion uses it while it is the cheaper of the two
// (tsne.hpp): small layouts, many points.
//
// Determinism: points are sorted by their stencil's row by a stable counting sort; stencil rows p
// apart share no node, so they spread in parallel, phase by phase, and every node receives its
// charges in one fixed order; every FFT row and column chunk is its own task; plans are made with
// FFTW_ESTIMATE (no timing, so the same algorithm every run); each point reads back alone. Results
// are therefore bit-identical for any thread count and from run to run on one machine (FFTW picks
// its SIMD code by CPU, so another CPU may differ in the last bits). FFTW's planner is global state:
// plans are made and destroyed under one lock in fft_repulsion.cpp, and only executed (which FFTW
// allows from any thread) in parallel.
//
// Positions are n x 2, row-major, float; outputs in the same order. 3-D layouts use BarnesHut.
#pragma once

#include <cstddef>
#include <memory>

#include "epochscope/core/parallel.hpp"

namespace epochscope::project {

struct FftRepulsionOptions {
  int nodes_per_box = 3;       ///< Lagrange nodes per box per axis (FIt-SNE's n_interpolation_points), 1..8
  /// Boxes per axis at least. FIt-SNE's min_num_intervals is 50; 20 here: a small layout (t-SNE's
  /// early phase) then needs P = 140-160 rather than 350-380, so the FFT is the cheaper repulsion
  /// there from 20,000 points on (a 20,000-point run's 250 early iterations: 0.67 -> 0.47 s, recall@10
  /// and KL the same), and boxes stay at most max_box_width wide, FIt-SNE's bound for larger layouts.
  int min_boxes = 20;
  double max_box_width = 1.0;  ///< in layout units (FIt-SNE's 1 / intervals_per_integer); > 0
  int max_boxes = 400;         ///< boxes per axis at most: bounds the grid (memory ~ 28 P^2 bytes, P ~ 2 p boxes)
};

/// The grid of the last compute() call.
struct FftRepulsionGrid {
  int boxes = 0;           ///< per axis
  double box_width = 0;    ///< layout units
  int nodes = 0;           ///< interpolation nodes per axis, m
  int fft_size = 0;        ///< P, per axis
  int kernel_updates = 0;  ///< times the kernels' spectra were computed since construction
};

class FftRepulsion {
 public:
  /// Throws epochscope::Error on options out of range.
  explicit FftRepulsion(const FftRepulsionOptions& options = {});
  ~FftRepulsion();
  FftRepulsion(FftRepulsion&&) noexcept;
  FftRepulsion& operator=(FftRepulsion&&) noexcept;

  const FftRepulsionOptions& options() const { return options_; }

  /// positions: n x 2 (row-major). forces: n x 2, overwritten. sums: n, overwritten. team may be null
  /// (single thread). Non-finite positions throw.
  void compute(const float* positions, std::size_t n, float* forces, float* sums, ThreadTeam* team = nullptr);

  const FftRepulsionGrid& grid() const { return grid_; }

 private:
  struct Impl;
  FftRepulsionOptions options_;
  std::unique_ptr<Impl> impl_;
  FftRepulsionGrid grid_;
};

/// The transform size P (per axis) compute() picks for a layout whose larger side is `extent`, on a
/// fresh grid (a reused one may be up to 1 / 0.7 larger). Its cost grows as P^2 log P.
int fft_transform_size(const FftRepulsionOptions& options, double extent);

}  // namespace epochscope::project
