// Contract (private to src/project): UMAP's optimiser. make_edges colours the graph greedily
// (no edge joins two points of one colour), numbers the points colour by colour and keeps every
// undirected edge twice, once per end, with its sampling schedule. run_epochs then runs epochs of
// SGD in that numbering: colour after colour, each point (head) applies its sampled edges' pulls and
// their negative samples' pushes to itself, step by step; each pull moves the edge's other end the
// opposite way once the colour is done (a point of another colour, so no point of this colour reads
// it meanwhile). Pulls read the current layout (a neighbour of another colour has already moved this
// epoch, or has not: either way the order is fixed), pushes read the layout as it stood at the start
// of the epoch, and negative samples come from a hash of (seed, epoch, head, draw). Points of one
// colour never read each other and the other ends' moves are added in a fixed order, so how the
// heads are split over threads and vector lanes does not change the result: it is that of a serial
// run in colour order.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "epochscope/core/parallel.hpp"
#include "epochscope/core/random.hpp"
#include "epochscope/project/spectral.hpp"

namespace epochscope::project::umap_detail {

using Rng = SplitMix64;

struct Params {
  float a = 1.577f, b = 0.895f;  ///< curve 1 / (1 + a d^2b)
  float gamma = 1.f;             ///< repulsion strength
  int negative_rate = 5;         ///< negative samples per positive sample (<= 127)
  std::uint64_t seed = 0;
  float lambda = 0.f;            ///< movement penalty towards `prev`
  float learning_rate = 1.f;     ///< at epoch 0, decaying linearly to 0 at `total`
  bool portable = false;         ///< skip the AVX2 kernel (tests compare the two)
};

/// The graph in colour order. Head r's edges are [offsets[r], offsets[r+1]); r is input point
/// order[r]; colour c holds heads [colour_start[c], colour_start[c+1]).
struct Edges {
  std::vector<std::int64_t> offsets;
  std::vector<std::int32_t> target;
  std::vector<float> eps;       ///< epochs per sample: max weight / weight
  std::vector<float> next;      ///< epoch of the next sample
  std::vector<float> eps_neg;   ///< epochs per negative sample: eps / negative_rate
  std::vector<float> next_neg;  ///< epoch of the next negative sample
  std::vector<std::int32_t> order;
  std::vector<std::int32_t> colour_start;
  std::vector<std::int32_t> rev;  ///< the edge's other copy (in its target's row)
  std::vector<float> pending;     ///< per edge x dims: the move its head's pull gives its other end (then sinks)
};

/// graph: symmetric, N < 2^24 points. Throws epochscope::Error beyond the limits.
Edges make_edges(const SparseGraph& graph, int negative_rate);

/// Epochs [from, to) of `total`. positions and prev (may be null): N x dims, row-major, in the
/// edges' numbering. Each colour's heads are split into team.size() parts (results do not depend
/// on it); every move is applied by the time it returns.
void run_epochs(int dims, const Params& params, Edges& edges, int from, int to, int total, float* positions, const float* prev,
                ThreadTeam& team);

/// Sum over edges of -w log q - (1 - w) log(1 - q), plus -log(1 - q) over the non-edges estimated
/// from a seeded sample of pairs; q = 1 / (1 + a d^2b). Input numbering.
double cross_entropy(const SparseGraph& graph, const Matrix& layout, const Params& params, std::uint64_t seed);

/// A worker's buffers, reused from chunk to chunk.
struct Scratch {
  std::vector<std::int32_t> nneg;   ///< per edge of the chunk: negative samples, -1 = not sampled
  std::vector<std::int32_t> pulls;  ///< per head, its sampled edges: target | (negatives << 24)
  std::vector<std::int32_t> pull_edge;  ///< the reverse edges of `pulls` (where the tail's move goes)
  std::int32_t sink_slot = 0;       ///< the pending slot where this worker's lanes without a pull write
  std::vector<std::int32_t> first;  ///< head h's pulls are [first[h - begin], first[h - begin + 1])
  std::vector<std::int32_t> steps;  ///< per head: pulls plus pushes
  std::vector<std::int32_t> order;  ///< heads (minus begin) by steps, longest first
  std::vector<std::int32_t> bucket;
  /// Where the pulls of the heads being run left moves for their other ends, (other end, slot), one
  /// list per range of other ends.
  std::vector<std::vector<std::pair<std::int32_t, std::int32_t>>> written;
};

}  // namespace epochscope::project::umap_detail
