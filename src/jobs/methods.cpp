#include "epochscope/jobs/methods.hpp"

#include <array>
#include <cmath>

namespace epochscope::jobs {
namespace {

struct MethodInfo {
  Method method;
  const char* name;
  const char* label;
};

constexpr std::array<MethodInfo, 9> kMethods = {{
    {Method::star, "star", "Star coordinates"},
    {Method::pca, "pca", "PCA"},
    {Method::mds, "mds", "MDS"},
    {Method::sammon, "sammon", "Sammon"},
    {Method::graph, "graph", "kNN graph"},
    {Method::tsne, "tsne", "t-SNE"},
    {Method::umap, "umap", "UMAP"},
    {Method::pixels, "pixels", "Pixel explorer"},
    {Method::trajectory, "trajectory", "Trajectory"},
}};

}  // namespace

const char* method_name(Method m) { return kMethods[static_cast<std::size_t>(m)].name; }
const char* method_label(Method m) { return kMethods[static_cast<std::size_t>(m)].label; }

std::optional<Method> parse_method(std::string_view name) {
  for (const auto& info : kMethods) {
    if (name == info.name) return info.method;
  }
  return std::nullopt;
}

bool is_computed(Method m) { return m != Method::pixels && m != Method::trajectory; }

const std::vector<Method>& all_methods() {
  static const std::vector<Method> methods = [] {
    std::vector<Method> v;
    for (const auto& info : kMethods) {
      if (is_computed(info.method)) v.push_back(info.method);
    }
    return v;
  }();
  return methods;
}

int neighbors_needed(Method m, const MethodSettings& s) {
  switch (m) {
    case Method::tsne: return static_cast<int>(std::ceil(3 * s.tsne.perplexity));
    case Method::umap: return s.umap.n_neighbors;
    case Method::graph: return s.graph.k;
    default: return 0;
  }
}

bool is_iterative(Method m) { return m != Method::star && m != Method::pca && is_computed(m); }

std::unique_ptr<project::Projection> make_projection(Method m, const MethodSettings& s) {
  if (s.dims != 2 && s.dims != 3) throw Error("layouts have 2 or 3 dimensions, not " + std::to_string(s.dims));
  switch (m) {
    case Method::star:
      if (s.dims != 2) throw Error("star coordinates are 2-D only");
      return project::make_star(s.star);
    case Method::pca: {
      auto o = s.pca;
      o.dims = s.dims;
      return project::make_pca(o);
    }
    case Method::mds:
    case Method::sammon: {
      auto o = s.mds;
      o.dims = s.dims;
      o.seed = s.seed;
      o.threads = s.threads;
      return m == Method::mds ? project::make_mds(o) : project::make_sammon(o);
    }
    case Method::graph: {
      auto o = s.graph;
      o.dims = s.dims;
      o.seed = s.seed;
      o.threads = s.threads;
      return project::make_graph_layout(o);
    }
    case Method::tsne: {
      auto o = s.tsne;
      o.dims = s.dims;
      o.seed = s.seed;
      o.threads = s.threads;
      return project::make_tsne(o);
    }
    case Method::umap: {
      auto o = s.umap;
      o.dims = s.dims;
      o.seed = s.seed;
      o.threads = s.threads;
      return project::make_umap(o);
    }
    case Method::pixels:
      throw Error("the pixel explorer is drawn by a window view from the data; it is not a projection to compute");
    case Method::trajectory:
      throw Error("the trajectory is drawn by a window view from the parameter snapshots; it is not a projection of the points");
  }
  throw Error("unknown method");
}

}  // namespace epochscope::jobs
