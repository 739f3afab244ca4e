// Contract: the layout methods by name, for menus, the command line and the worker pool.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace epochscope::jobs {

/// pixels: the pixel explorer (x and y are two chosen input pixels, or two chosen dimensions of a
/// layer). A view draws it from the data directly; pools never compute it (not in all_methods()).
enum class Method { star, pca, mds, sammon, graph, tsne, umap, pixels };

/// "star", "pca", "mds", "sammon", "graph", "tsne", "umap".
const char* method_name(Method m);
/// Human label: "Star coordinates", "PCA", "MDS", "Sammon", "kNN graph", "t-SNE", "UMAP".
const char* method_label(Method m);
std::optional<Method> parse_method(std::string_view name);
/// Every method a pool computes, in menu order (the pixel explorer is not one).
const std::vector<Method>& all_methods();

}  // namespace epochscope::jobs
