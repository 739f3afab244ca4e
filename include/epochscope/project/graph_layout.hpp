// Contract: force-directed layout of the k-nearest-neighbour graph, as a resumable Projection.
//
// Graph: every point is linked to its k nearest neighbours in the original space (input.neighbors
// when it holds enough, otherwise knn::build_knn); edges are the union of i -> j and j -> i, kept
// once as (i < j) and available through edges() so views can draw them.
// Forces, in layout units where the layout fills about one point per unit area (volume in 3-D):
//   springs   -spring * (|y_i - y_j| - L_ij) along each edge, rest length L_ij = the original
//             distance scaled so that the median edge rests at edge_length;
//   repulsion  every pair repels with magnitude 1/d (Barnes-Hut, inverse_distance kernel);
//   gravity   -g * y_i, with g chosen so that repulsion and gravity balance in a disc (ball) of
//             unit density: disconnected parts stay in view.
// Each iteration moves every point by step * force / (g + spring * degree), a diagonal (Jacobi)
// Newton step, capped by a temperature that cools linearly (Fruchterman-Reingold style). Cold starts begin from PCA
// scaled to that disc; warm starts (input.warm_start) from the given layout, for warm_iterations, cooler. Same options
// and input, same layout; slices equal one run; the thread count changes nothing.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "epochscope/project/projection.hpp"

namespace epochscope::project {

/// Options of make_graph_layout. Every field has a documented default.
struct GraphLayoutOptions {
  int dims = 2;                     ///< 2 (quadtree) or 3 (octree)
  int k = 3;                        ///< neighbours per point (clamped to N - 1)
  int iterations = 150;             ///< cold start
  int warm_iterations = 60;         ///< when input.warm_start is given
  double spring = 8.0;              ///< spring stiffness, relative to a repulsion of 1/d
  double edge_length = 0.2;         ///< rest length of the median edge, in units of the mean spacing
  double step = 1.0;                ///< fraction of the point's diagonal Newton step (force / stiffness)
  double temperature = 0.25;        ///< largest move in the first iteration, as a fraction of the layout radius
  double warm_temperature = 0.005;  ///< the same for warm starts
  double theta = 1.2;               ///< Barnes-Hut opening angle for the repulsion (~3% force error)
  std::uint64_t seed = 1;           ///< jitter that separates coincident points, kNN randomisation
  int threads = 1;                  ///< worker threads (results do not depend on it)
};

class GraphLayout : public Projection {
 public:
  /// Undirected kNN edges (i < j), sorted; empty before initialize(). Every point has at least
  /// min(k, N - 1) edges.
  virtual const std::vector<std::pair<int, int>>& edges() const = 0;
  /// Rest length of each edge in layout units, in the order of edges().
  virtual const std::vector<float>& rest_lengths() const = 0;
};

std::unique_ptr<GraphLayout> make_graph_layout(const GraphLayoutOptions& options = {});

}  // namespace epochscope::project
