// Contract: the plane of a training path in parameter space, after Li et al. 2018 ("Visualizing the
// Loss Landscape of Neural Nets", section 7): the first two principal directions of the matrix whose
// rows are theta_i - theta_c, one per frame snapshot, theta_c the latest (the centre, (a, b) = (0, 0);
// no mean is subtracted). Each snapshot's (a, b) is its exact orthogonal projection onto the plane,
// with how far off the plane it lies. Pure math on store::ParameterSnapshot, no torch: the window
// can fit a plane on any thread; train/landscape.hpp evaluates the loss over it.
//
// Directions span the parameters only (a snapshot's trailing buffers, e.g. BatchNorm running
// statistics, stay at the centre's). They are orthonormal: a and b are distances in parameter space.
// Signs: the first snapshot lies at a <= 0 and b <= 0 (training runs towards +, as in
// project::trajectory_pca). A path that spans fewer than two directions (two frames, or frames that
// did not move) gets seeded random ones, orthogonal to the path's, to complete the plane.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "epochscope/store/parameters.hpp"

namespace epochscope::store {

struct PlaneOptions {
  /// Seed of the random direction(s) that complete a plane the path does not span (default 1).
  std::uint64_t seed = 1;
};

/// One frame's snapshot, as the plane is fitted from them (frame order, the centre last).
struct PlaneSnapshot {
  int frame = 0;
  int epoch = 0;
  ParameterSnapshotPtr parameters;
};

/// A snapshot projected onto the plane.
struct PlanePoint {
  int frame = 0;
  int epoch = 0;
  double a = 0;          ///< coordinate along the first direction
  double b = 0;          ///< along the second
  double off_plane = 0;  ///< distance from the snapshot to its projection (0 = it lies in the plane)
  ParameterSnapshotPtr parameters;  ///< the snapshot itself (shared, not copied)
};

struct ParameterPlane {
  ParameterSnapshotPtr centre;  ///< the latest snapshot: (a, b) = (0, 0)
  std::vector<float> d1, d2;    ///< orthonormal, centre->parameter_count() values each
  /// The share of the path's squared distances to the centre that each direction carries.
  std::array<double, 2> explained{0, 0};
  int random_directions = 0;     ///< how many of d1, d2 are random (the path spans fewer than two)
  std::vector<PlanePoint> path;  ///< every snapshot's projection, in the order given (the centre last, at 0, 0)
};

/// Fits the plane of `path` (at least one snapshot, all of the same size). Throws epochscope::Error
/// for an empty path, a missing snapshot, snapshots of different sizes or one that breaks
/// parameter_snapshot_problem()'s rules. Cost: one pass over the snapshots for the S x S Gram
/// matrix (S snapshots) and two for the directions and projections; 46 frames of the default cnn:
/// about 0.1 s.
ParameterPlane fit_parameter_plane(std::span<const PlaneSnapshot> path, const PlaneOptions& options = {});

/// Another snapshot of the same model (another run's, say) projected exactly onto the plane: its
/// (a, b) and distance off it. Throws epochscope::Error when its size differs from the centre's.
PlanePoint project_onto_plane(const ParameterPlane& plane, const PlaneSnapshot& snapshot);

/// The full snapshot at (a, b): centre + a d1 + b d2 over the parameters, then the centre's
/// buffers; `out` is resized to the centre's size.
void point_on_plane(const ParameterPlane& plane, double a, double b, std::vector<float>& out);

/// The grid a landscape is evaluated on: `cells` values of a and of b, evenly spaced.
struct GridAxes {
  std::vector<double> a, b;
};

/// Covers the path's range on each axis widened by `margin` times that range on each side (0.25:
/// a quarter each side). An axis the path does not extend along takes the other's range; a path of
/// one point takes +-1% of the centre's norm (or +-1). Throws epochscope::Error for cells outside
/// 2..1001 or a margin that is negative or not finite.
GridAxes grid_axes(const ParameterPlane& plane, int cells, double margin);

/// The order a landscape's grid is evaluated in, coarse to fine, so that a picture exists long before
/// the last loss: level 0 is the lattice of every s-th column and row (s the largest power of two that
/// leaves at least 4 a side; the last column and row always belong), then every s/2-th, and so on to
/// every cell. 25 x 25: 4 x 4, 7 x 7, 13 x 13, then all 625. Within a level, the cells no coarser
/// level holds, row by row (b ascending, a ascending).
struct GridLevels {
  std::vector<std::size_t> order;    ///< every cell once, as b * na + a
  std::vector<std::size_t> ends;     ///< per level: how many of `order` complete it (the last = na * nb)
  std::vector<std::size_t> strides;  ///< per level: its stride (the last = 1)
};
GridLevels grid_levels(std::size_t na, std::size_t nb);
/// How many points a level of `stride` (one of GridLevels::strides) has along an axis of n.
std::size_t lattice_points(std::size_t n, std::size_t stride);

/// What a landscape shows once the first `evaluated` cells of `levels.order` are known (`values`:
/// na * nb, in any unit; the trajectory view passes log losses): the known cells as they are and the
/// others interpolated from the finest complete level's lattice (a cubic through its points, along a
/// then along b). Before level 0 completes, `values` unchanged. *stride, when given: that level's
/// stride (0: none complete yet, 1: every cell known).
std::vector<double> fill_grid(std::span<const double> values, std::size_t na, std::size_t nb, const GridLevels& levels,
                              std::size_t evaluated, std::size_t* stride = nullptr);

}  // namespace epochscope::store
