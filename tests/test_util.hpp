// Shared helpers for the tests: scratch directories and small synthetic datasets.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "epochscope/data/dataset.hpp"
#include "epochscope/data/idx.hpp"

namespace epochscope::testing {

/// A fresh directory for the running test, removed first if it exists.
inline std::filesystem::path scratch_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto dir = std::filesystem::path(EPOCHSCOPE_TEST_TMP) / info->test_suite_name() / info->name();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline void write_bytes(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Ten easily told apart classes of 28x28 images: class c lights a bar at a class-specific place,
/// plus noise. Learnable in a couple of epochs.
inline data::Dataset synthetic_dataset(std::size_t train, std::size_t test, std::uint64_t seed = 7) {
  data::Dataset ds;
  ds.name = "synthetic";
  ds.class_names = data::class_names_for("mnist");
  std::mt19937 rng(static_cast<std::uint32_t>(seed));
  std::uniform_int_distribution<int> noise(0, 60);
  auto make = [&](std::size_t n, std::vector<std::uint8_t>& images, std::vector<std::uint8_t>& labels) {
    for (std::size_t i = 0; i < n; ++i) {
      const int c = static_cast<int>(i % 10);
      labels.push_back(static_cast<std::uint8_t>(c));
      for (int y = 0; y < 28; ++y) {
        for (int x = 0; x < 28; ++x) {
          const bool on = (c < 5) ? (y >= 4 + 4 * c && y < 7 + 4 * c) : (x >= 4 + 4 * (c - 5) && x < 7 + 4 * (c - 5));
          images.push_back(static_cast<std::uint8_t>(on ? 200 + noise(rng) % 56 : noise(rng)));
        }
      }
    }
  };
  make(train, ds.train_images, ds.train_labels);
  make(test, ds.test_images, ds.test_labels);
  return ds;
}

/// Writes a dataset as the four standard IDX files.
inline void write_idx_dir(const data::Dataset& ds, const std::filesystem::path& dir, bool gzip = false) {
  const std::string sfx = gzip ? ".gz" : "";
  auto u = [](std::size_t v) { return static_cast<std::uint32_t>(v); };
  data::write_idx(dir / ("train-images-idx3-ubyte" + sfx), {{u(ds.train_count()), 28, 28}, ds.train_images}, gzip);
  data::write_idx(dir / ("train-labels-idx1-ubyte" + sfx), {{u(ds.train_count())}, ds.train_labels}, gzip);
  data::write_idx(dir / ("t10k-images-idx3-ubyte" + sfx), {{u(ds.test_count()), 28, 28}, ds.test_images}, gzip);
  data::write_idx(dir / ("t10k-labels-idx1-ubyte" + sfx), {{u(ds.test_count())}, ds.test_labels}, gzip);
}

}  // namespace epochscope::testing

#include "epochscope/store/frame.hpp"

namespace epochscope::testing {

/// n points with 10 classes, a 20% held-out split, random images and the three standard layers.
inline store::PointSet synthetic_points(std::size_t n, std::uint64_t seed = 3) {
  store::PointSet ps;
  ps.dataset = "synthetic";
  ps.class_names = data::class_names_for("mnist");
  std::mt19937 rng(static_cast<std::uint32_t>(seed));
  for (std::size_t i = 0; i < n; ++i) {
    ps.labels.push_back(static_cast<std::uint8_t>(i % 10));
    ps.heldout.push_back(i % 5 == 0 ? 1 : 0);
    ps.source_index.push_back(static_cast<std::uint32_t>(i));
    for (int k = 0; k < 784; ++k) ps.images.push_back(static_cast<std::uint8_t>(rng() & 0xff));
  }
  ps.layers = {{"output", 10}, {"logits", 10}, {"hidden", 64}};
  return ps;
}

/// A frame of plausible activations: softmax outputs, logits in +-15, ReLU hidden units up to 30.
inline store::Frame synthetic_frame(const store::PointSet& ps, int index, std::uint64_t seed = 11) {
  std::mt19937 rng(static_cast<std::uint32_t>(seed + static_cast<std::uint64_t>(index)));
  std::normal_distribution<float> g(0.f, 5.f);
  const auto n = static_cast<Eigen::Index>(ps.size());
  Matrix logits(n, 10), hidden(n, 64);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (int c = 0; c < 10; ++c) logits(i, c) = std::clamp(g(rng) + (c == ps.labels[static_cast<std::size_t>(i)] ? 3.f * index : 0.f), -15.f, 15.f);
    for (int c = 0; c < 64; ++c) hidden(i, c) = std::clamp(g(rng) * 3, 0.f, 30.f);
  }
  store::Frame f;
  f.index = index;
  f.epoch = index;
  Matrix out(n, 10);
  for (Eigen::Index i = 0; i < n; ++i) {
    out.row(i) = (logits.row(i).array() - logits.row(i).maxCoeff()).exp();
    out.row(i) /= out.row(i).sum();
  }
  f.layers.emplace("output", out);
  f.layers.emplace("logits", logits);
  f.layers.emplace("hidden", hidden);
  f.predicted.resize(ps.size());
  for (Eigen::Index i = 0; i < n; ++i) {
    Eigen::Index arg;
    logits.row(i).maxCoeff(&arg);
    f.predicted[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(arg);
  }
  f.metrics.train_loss = 2.0 / (index + 1);
  f.metrics.heldout_accuracy = 0.1 * index;
  f.metrics.per_class_accuracy.assign(10, 0.5);
  f.metrics.confusion.assign(100, 1);
  f.metrics.wall_seconds = index * 1.5;
  return f;
}

/// Two frames agree: index, epoch, predictions, metrics exactly; every layer within `tol`.
inline void expect_same_frame(const store::Frame& a, const store::Frame& b, float tol) {
  EXPECT_EQ(a.index, b.index);
  EXPECT_EQ(a.epoch, b.epoch);
  EXPECT_EQ(a.predicted, b.predicted);
  EXPECT_EQ(a.metrics.confusion, b.metrics.confusion);
  EXPECT_DOUBLE_EQ(a.metrics.train_loss, b.metrics.train_loss);
  EXPECT_DOUBLE_EQ(a.metrics.heldout_accuracy, b.metrics.heldout_accuracy);
  for (const auto& [name, m] : a.layers) {
    const Matrix* o = b.layer(name);
    ASSERT_NE(o, nullptr) << name;
    ASSERT_EQ(o->rows(), m.rows());
    ASSERT_EQ(o->cols(), m.cols());
    EXPECT_LE((m - *o).cwiseAbs().maxCoeff(), tol) << name;
  }
}

}  // namespace epochscope::testing
