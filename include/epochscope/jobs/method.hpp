// Contract: the layout methods by name, for menus, the command line and the worker pool.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace epochscope::jobs {

enum class Method { star, pca, mds, sammon, graph, tsne, umap };

/// "star", "pca", "mds", "sammon", "graph", "tsne", "umap".
const char* method_name(Method m);
/// Human label: "Star coordinates", "PCA", "MDS", "Sammon", "kNN graph", "t-SNE", "UMAP".
const char* method_label(Method m);
std::optional<Method> parse_method(std::string_view name);
/// Every method, in menu order.
const std::vector<Method>& all_methods();

}  // namespace epochscope::jobs
