// Contract: the one place that turns a method name and shared settings (dims, seed, threads) into
// a configured projection, so the worker pool, the command line and the benchmark build every
// method the same way.
#pragma once

#include <memory>

#include "epochscope/jobs/method.hpp"
#include "epochscope/project/graph_layout.hpp"
#include "epochscope/project/mds.hpp"
#include "epochscope/project/pca.hpp"
#include "epochscope/project/projection.hpp"
#include "epochscope/project/star.hpp"
#include "epochscope/project/tsne.hpp"
#include "epochscope/project/umap.hpp"

namespace epochscope::jobs {

/// Per-method options; dims, seed and threads below override the ones inside them.
struct MethodSettings {
  int dims = 2;             ///< 2 or 3 (star coordinates: 2 only)
  std::uint64_t seed = 1;   ///< every method's seed
  int threads = 1;          ///< threads one projection may use
  project::StarOptions star;
  project::PcaOptions pca;
  project::MdsOptions mds;  ///< MDS and Sammon (kind is set by the method)
  project::GraphLayoutOptions graph;
  project::TsneOptions tsne;
  project::UmapOptions umap;
  /// t-SNE in a pool: start each frame from the previous frame's layout (the coherent chain, the
  /// default) or, false, from tsne.init (PCA or random) every frame, as independent runs.
  bool tsne_warm_start = true;
};

/// Neighbours per point the method wants in ProjectionInput::neighbors (0: none).
int neighbors_needed(Method m, const MethodSettings& s);

/// Whether the method iterates (and so is warm-started and animated).
bool is_iterative(Method m);

/// Throws epochscope::Error for a combination that cannot work (star coordinates in 3-D).
std::unique_ptr<project::Projection> make_projection(Method m, const MethodSettings& s);

}  // namespace epochscope::jobs
