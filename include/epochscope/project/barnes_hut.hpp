// Contract: Barnes-Hut approximation of all-pairs repulsive sums in 2-D (quadtree) and 3-D
// (octree), shared by t-SNE and the force-directed graph layout. For every point i it returns
//
//   force_i = sum_{j != i} k(y_i, y_j) (y_i - y_j)   and   sum_i = sum_{j != i} w(y_i, y_j)
//
// for one of two kernels (see RepulsionKernel). The tree is flat: an array of nodes over the points
// sorted by Morton code (radix sort), rebuilt on every call; each node keeps its points' tight
// bounding box and centre of mass. Points are evaluated in groups (subtrees of up to group_size
// points) that share one interaction list: a node far from the group's box is replaced by its
// centre of mass m when width < theta * d (width: the node box's largest side, d: distance from m to
// the group's box), so the test is at least as strict as the per-point test of van der Maaten
// (2014) at the same theta; other nodes are opened, leaves met point by point. The list is then
// evaluated eight points at a time with vector arithmetic (SSE2, or AVX2 where the CPU has it: the
// same operations in the same order, so identical results). Each point's result depends only on the
// positions and the options, never on the thread count. Positions are n x dims, row-major, float;
// outputs are in the same order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "epochscope/core/parallel.hpp"

namespace epochscope::project {

enum class RepulsionKernel {
  /// t-SNE: w = 1 / (1 + |y_i - y_j|^2), k = w^2. sum_i is the point's share of the normaliser Z.
  student_t,
  /// Graph layout: k = 1 / (|y_i - y_j|^2 + softening), a force of magnitude ~1/d; w = 0.
  /// Coincident points exert no force on each other.
  inverse_distance,
};

struct BarnesHutOptions {
  int dims = 2;             ///< 2 (quadtree) or 3 (octree)
  double theta = 0.5;       ///< opening angle: 0 = exact, larger = faster and coarser
  int leaf_size = 8;        ///< points per leaf at most (more where codes coincide)
  int group_size = 128;     ///< points that share one interaction list (a subtree of the tree)
  double softening = 1e-6;  ///< inverse_distance: added to d^2 (> 0; in squared layout units)
};

/// Work counters of the last compute() call.
struct BarnesHutCounts {
  std::size_t nodes = 0;         ///< tree nodes
  std::size_t groups = 0;        ///< interaction lists built
  std::size_t interactions = 0;  ///< point-cell plus point-point evaluations (padding included)
};

class BarnesHut {
 public:
  /// Throws epochscope::Error on dims other than 2 or 3, theta < 0, leaf_size or group_size < 1.
  explicit BarnesHut(const BarnesHutOptions& options = {});
  ~BarnesHut();
  BarnesHut(BarnesHut&&) noexcept;
  BarnesHut& operator=(BarnesHut&&) noexcept;

  const BarnesHutOptions& options() const { return options_; }
  void set_theta(double theta);

  /// positions: n x dims (row-major). forces: n x dims, overwritten. sums: n, overwritten (zeros
  /// for inverse_distance). team may be null (single thread). Non-finite positions throw.
  void compute(const float* positions, std::size_t n, RepulsionKernel kernel, float* forces, float* sums,
               ThreadTeam* team = nullptr);

  const BarnesHutCounts& counts() const { return counts_; }

 private:
  struct Impl;
  BarnesHutOptions options_;
  std::unique_ptr<Impl> impl_;
  BarnesHutCounts counts_;
};

/// The exact O(n^2) sums the tree approximates (same layout of inputs and outputs), for tests.
void exact_repulsion(int dims, const float* positions, std::size_t n, RepulsionKernel kernel, float* forces,
                     float* sums, double softening = 1e-6);

}  // namespace epochscope::project
