#include "epochscope/data/dataset.hpp"

#include <algorithm>

#include "epochscope/core/matrix.hpp"
#include "epochscope/core/paths.hpp"
#include "epochscope/data/idx.hpp"
#include "epochscope/data/mnist1d.hpp"

namespace epochscope::data {
namespace {

std::filesystem::path find_file(const std::filesystem::path& dir, const std::string& stem, const std::string& kind) {
  // e.g. stem "train-images", kind "idx3-ubyte"
  const std::string names[] = {stem + "-" + kind, stem + "." + kind};
  for (const auto& n : names) {
    for (const char* suffix : {"", ".gz"}) {
      auto p = dir / (n + suffix);
      std::error_code ec;
      if (std::filesystem::is_regular_file(p, ec)) return p;
    }
  }
  throw Error(dir.string() + ": missing " + stem + "-" + kind + " (or .gz); a data directory holds the four "
              "standard IDX files: train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, "
              "t10k-labels-idx1-ubyte");
}

void load_part(const std::filesystem::path& dir, const std::string& prefix, int classes, Dataset& ds,
               std::vector<std::uint8_t>& images, std::vector<std::uint8_t>& labels) {
  const auto label_path = find_file(dir, prefix + "-labels", "idx1-ubyte");
  IdxArray l = read_idx(label_path, {.expected_rank = 1});
  for (std::size_t i = 0; i < l.values.size(); ++i) {
    if (l.values[i] >= classes) {
      throw Error(label_path.string() + ": label " + std::to_string(l.values[i]) + " at item " + std::to_string(i) +
                  " is out of range for " + std::to_string(classes) + " classes");
    }
  }
  const auto image_path = find_file(dir, prefix + "-images", "idx3-ubyte");
  IdxArray im = read_idx(image_path, {.expected_rank = 3});
  if (im.dims[0] != l.dims[0]) {
    throw Error(image_path.string() + ": holds " + std::to_string(im.dims[0]) + " images but " +
                label_path.filename().string() + " holds " + std::to_string(l.dims[0]) + " labels");
  }
  if (im.dims[1] == 0 || im.dims[2] == 0 || im.dims[1] > 1024 || im.dims[2] > 1024) {
    throw Error(image_path.string() + ": implausible image size " + std::to_string(im.dims[1]) + "x" +
                std::to_string(im.dims[2]));
  }
  if (!ds.train_labels.empty() || !ds.test_labels.empty()) {
    if (static_cast<int>(im.dims[1]) != ds.height || static_cast<int>(im.dims[2]) != ds.width) {
      throw Error(image_path.string() + ": image size " + std::to_string(im.dims[1]) + "x" +
                  std::to_string(im.dims[2]) + " differs from the other part's");
    }
  }
  ds.height = static_cast<int>(im.dims[1]);
  ds.width = static_cast<int>(im.dims[2]);
  images = std::move(im.values);
  labels = std::move(l.values);
}

}  // namespace

const std::vector<std::string>& dataset_names() {
  static const std::vector<std::string> names = {"mnist", "fashion", "mnist1d"};
  return names;
}

std::vector<std::string> class_names_for(const std::string& name) {
  if (name == "fashion") {
    return {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
  }
  return {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
}

std::filesystem::path default_dataset_dir(const std::string& name) {
  if (name == "fashion") return "/usr/share/datasets/fashion-mnist";
  return data_home() / name;
}

Dataset load_idx_dir(const std::filesystem::path& dir, const std::string& name, std::vector<std::string> class_names) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) throw Error(dir.string() + ": no such data directory");
  Dataset ds;
  ds.name = name;
  ds.class_names = std::move(class_names);
  load_part(dir, "train", ds.class_count(), ds, ds.train_images, ds.train_labels);
  load_part(dir, "t10k", ds.class_count(), ds, ds.test_images, ds.test_labels);
  return ds;
}

std::string directory_name(const std::filesystem::path& dir) {
  const auto normal = dir.lexically_normal();
  auto name = normal.filename().string();
  if (name.empty()) name = normal.parent_path().filename().string();  // "data/" -> "data"
  if (name.empty() || name == "." || name == "..") name = std::filesystem::absolute(normal).lexically_normal().filename().string();
  return name.empty() ? std::string("data") : name;
}

Dataset load_dataset(const DatasetSpec& spec) {
  if (spec.name == "mnist1d") {
    if (!spec.data_dir.empty()) {
      throw Error("dataset 'mnist1d' is generated, not read: give no data directory (got " + spec.data_dir.string() +
                  ")");
    }
    return mnist1d_dataset({});
  }
  const auto& names = dataset_names();
  if (spec.data_dir.empty() && std::find(names.begin(), names.end(), spec.name) == names.end()) {
    throw Error("unknown dataset '" + spec.name + "' (known: mnist, fashion, mnist1d; or give --data-dir)");
  }
  const auto dir = spec.data_dir.empty() ? default_dataset_dir(spec.name) : spec.data_dir;
  std::error_code ec;
  if (spec.data_dir.empty() && !std::filesystem::is_directory(dir, ec)) {
    throw Error("dataset '" + spec.name + "' not found at " + dir.string() +
                (spec.name == "fashion" ? " (install Debian's dataset-fashion-mnist: make build)"
                                        : " (run 'make build' to fetch and convert it)"));
  }
  // A user's directory is recorded by its name (the session says which data it holds; the class
  // names are still those of spec.name).
  return load_idx_dir(dir, spec.data_dir.empty() ? spec.name : directory_name(spec.data_dir), class_names_for(spec.name));
}

}  // namespace epochscope::data
