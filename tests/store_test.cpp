#include <gtest/gtest.h>

#include <thread>

#include "epochscope/store/epoch_store.hpp"
#include "epochscope/store/metrics.hpp"
#include "test_util.hpp"

using namespace epochscope;

TEST(EpochStore, PublishesInOrderOnly) {
  auto ps = std::make_shared<store::PointSet>(epochscope::testing::synthetic_points(20));
  store::EpochStore s(ps);
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.latest(), nullptr);
  s.publish(std::make_shared<store::Frame>(epochscope::testing::synthetic_frame(*ps, 0)));
  EXPECT_THROW(s.publish(std::make_shared<store::Frame>(epochscope::testing::synthetic_frame(*ps, 2))), Error);
  EXPECT_EQ(s.size(), 1u);
  EXPECT_EQ(s.frame(0)->index, 0);
  EXPECT_EQ(s.frame(5), nullptr);
  EXPECT_FALSE(s.wait_for(2, std::chrono::milliseconds(10)));
  s.close();
  EXPECT_TRUE(s.closed());
  EXPECT_FALSE(s.wait_for(2, std::chrono::milliseconds(1000)));  // returns at once when closed
}

// One writer, several readers; run under ThreadSanitizer by `make test` (the tsan preset).
TEST(EpochStore, ConcurrentReadersSeeWholeFramesOnly) {
  auto ps = std::make_shared<store::PointSet>(epochscope::testing::synthetic_points(200));
  store::EpochStore s(ps);
  constexpr int kFrames = 60;
  std::vector<store::FramePtr> made;
  for (int i = 0; i < kFrames; ++i) made.push_back(std::make_shared<store::Frame>(epochscope::testing::synthetic_frame(*ps, i)));

  std::atomic<bool> failed{false};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      std::size_t seen = 0;
      while (seen < kFrames) {
        s.wait_for(seen + 1, std::chrono::milliseconds(50));
        const auto snap = s.snapshot();
        if (snap.size() < seen) failed = true;  // never shrinks
        for (std::size_t i = 0; i < snap.size(); ++i) {
          const auto& f = *snap[i];
          if (f.index != static_cast<int>(i) || f.layer("hidden") == nullptr || f.layer("hidden")->rows() != 200 ||
              f.predicted.size() != 200) {
            failed = true;
          }
        }
        seen = snap.size();
        if (auto latest = s.latest(); latest && latest->index + 1 < static_cast<int>(seen)) failed = true;
      }
    });
  }
  std::thread writer([&] {
    for (auto& f : made) {
      s.publish(f);
      std::this_thread::yield();
    }
    s.close();
  });
  writer.join();
  for (auto& r : readers) r.join();
  EXPECT_FALSE(failed.load());
  EXPECT_EQ(s.size(), static_cast<std::size_t>(kFrames));
}

TEST(Metrics, AccuracyLossAndConfusion) {
  store::PointSet ps;
  ps.class_names = {"a", "b", "c"};
  ps.labels = {0, 1, 2, 0};
  ps.heldout = {0, 0, 1, 1};
  Matrix logits(4, 3);
  logits << 5, 0, 0,   // train, right
      5, 0, 0,         // train, wrong (label 1)
      0, 0, 5,         // held-out, right
      0, 5, 0;         // held-out, wrong (label 0 predicted 1)
  std::vector<std::uint8_t> predicted;
  const auto m = store::compute_metrics(ps, logits, predicted);
  EXPECT_EQ(predicted, (std::vector<std::uint8_t>{0, 0, 2, 1}));
  EXPECT_DOUBLE_EQ(m.train_accuracy, 0.5);
  EXPECT_DOUBLE_EQ(m.heldout_accuracy, 0.5);
  const double right = std::log(1 + 2 * std::exp(-5.0));
  EXPECT_NEAR(m.train_loss, (right + (5 + right)) / 2, 1e-5);
  EXPECT_EQ(m.confusion[0 * 3 + 1], 1u);
  EXPECT_EQ(m.confusion[2 * 3 + 2], 1u);
  EXPECT_DOUBLE_EQ(m.per_class_accuracy[0], 0.0);
  EXPECT_DOUBLE_EQ(m.per_class_accuracy[2], 1.0);
  const Matrix p = store::softmax(logits);
  EXPECT_NEAR(p.row(0).sum(), 1.0f, 1e-6f);
}

TEST(PointSet, SamplesKeepSplitAndClassProportions) {
  const auto ds = epochscope::testing::synthetic_dataset(800, 200);
  const auto all = store::make_point_set(ds, 10000, 1);
  EXPECT_EQ(all.size(), 1000u);
  EXPECT_EQ(all.heldout_count(), 200u);
  EXPECT_EQ(all.images.size(), 1000u * 784u);
  const auto some = store::make_point_set(ds, 100, 1);
  EXPECT_EQ(some.size(), 100u);
  EXPECT_EQ(some.heldout_count(), 20u);
  std::vector<int> per_class(10, 0);
  for (auto l : some.labels) per_class[l]++;
  for (int c : per_class) EXPECT_EQ(c, 10);
  // The images travel with their labels.
  for (std::size_t i = 0; i < some.size(); ++i) {
    const auto& src = some.heldout[i] ? ds.test_images : ds.train_images;
    EXPECT_EQ(some.images[i * 784 + 100], src[some.source_index[i] * 784 + 100]);
  }
}
