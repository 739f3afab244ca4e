// Contract: the one small interface every layout method implements. A projection is a pure,
// resumable computation on a matrix:
//
//   auto p = make_tsne(options);                 // options: documented defaults, a seed
//   Matrix y = p->initialize(input);             // N x dims starting layout (or the final one)
//   while (!p->done()) p->run(y, p->iteration() + 50);   // slices: publish y, cancel, resume
//
// Same options and input, same layout; running to 200 iterations and then to the end equals one
// run; the thread count does not change the result beyond floating-point noise. Warm starts: when
// input.warm_start is given (the previous frame's layout), iterative methods start from it, skip
// early exaggeration, run their `warm_iterations`, and may pull points towards it with a movement
// penalty lambda * ||Y - Y_prev||^2. No GL, ImGui or torch here.
#pragma once

#include <memory>
#include <string>

#include "epochscope/core/matrix.hpp"
#include "epochscope/knn/neighbors.hpp"

namespace epochscope::project {

struct ProjectionInput {
  const Matrix* data = nullptr;        ///< N x D, rows = points (required, must outlive initialize())
  const Matrix* warm_start = nullptr;  ///< N x dims, the previous frame's layout (optional)
  /// N x dims, a cold start's layout used as given instead of the method's own initialisation
  /// (optional; t-SNE and UMAP read it, e.g. the same start a peer gets; warm_start wins).
  const Matrix* start = nullptr;
  /// Shared neighbour lists of `data` (optional; methods that need neighbours build their own
  /// when absent or when it holds fewer than they need).
  std::shared_ptr<const knn::NeighborList> neighbors;
};

/// What a method reports about the layout it holds.
struct ProjectionStats {
  std::string cost_name;  ///< "KL divergence", "stress", "" when the method has no cost
  double cost = 0;
};

class Projection {
 public:
  virtual ~Projection() = default;

  /// Prepares the computation (affinities, graph, ...) and returns the starting layout, N x dims.
  /// For non-iterative methods (star coordinates, PCA) this is the final layout.
  virtual Matrix initialize(const ProjectionInput& input) = 0;

  /// Advances `layout` (as returned by initialize, then by earlier runs) until iteration() reaches
  /// min(iteration_limit, total_iterations()).
  virtual void run(Matrix& layout, int iteration_limit) = 0;

  virtual int iteration() const = 0;
  virtual int total_iterations() const = 0;
  bool done() const { return iteration() >= total_iterations(); }

  /// Cost of the layout as of the last run() (may be computed lazily and cost a pass).
  virtual ProjectionStats stats(const Matrix& layout) const { (void)layout; return {}; }
};

}  // namespace epochscope::project
