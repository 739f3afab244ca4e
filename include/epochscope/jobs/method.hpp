// Contract: the layout methods by name, for menus, the command line and the worker pool.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace epochscope::jobs {

/// pixels: the pixel explorer (x and y are two chosen input pixels, or two chosen dimensions of a
/// layer). trajectory: the path of the network's parameters during training (ui/trajectory_view.hpp),
/// not of the points. A view draws both from the data directly; pools never compute them (not in
/// all_methods()).
enum class Method { star, pca, mds, sammon, graph, tsne, umap, pixels, trajectory };

/// "star", "pca", "mds", "sammon", "graph", "tsne", "umap", "pixels", "trajectory".
const char* method_name(Method m);
/// Human label: "Star coordinates", "PCA", "MDS", "Sammon", "kNN graph", "t-SNE", "UMAP", "Pixel
/// explorer", "Trajectory".
const char* method_label(Method m);
std::optional<Method> parse_method(std::string_view name);
/// Every method a pool computes, in menu order (the pixel explorer and the trajectory are not).
const std::vector<Method>& all_methods();
/// Whether a pool computes layouts of it (false for the pixel explorer and the trajectory).
bool is_computed(Method m);

}  // namespace epochscope::jobs
