// A view's rank-quality figures on demand (ui/quality_probe.hpp): one computation at a time, so a
// layout that changes under a resting cursor (an animation) does not queue one full computation per
// step; the newer layout is refused (and says it waits) until the older one's figures are done.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "epochscope/jobs/tasks.hpp"
#include "epochscope/ui/quality_probe.hpp"
#include "test_util.hpp"

using namespace epochscope;

namespace {

std::shared_ptr<const Matrix> layout_of(const Matrix& layer, float shift) {
  auto m = std::make_shared<Matrix>(layer.leftCols(2));
  m->array() += shift;
  return m;
}

template <class Ready>
void wait_for(Ready ready) {
  for (int i = 0; i < 3000 && !ready(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

}  // namespace

TEST(QualityProbe, OneComputationAtATimeTheNewerLayoutAsksAgain) {
  auto ps = std::make_shared<store::PointSet>(epochscope::testing::synthetic_points(4000));
  auto frame = std::make_shared<store::Frame>(epochscope::testing::synthetic_frame(*ps, 0));
  auto source = std::make_shared<store::EpochStore>(ps);
  source->publish(frame);
  jobs::TaskRunner tasks({.threads = 1});
  ui::QualityProbe probe;
  const auto a = layout_of(*frame->layer("hidden"), 0.0f), b = layout_of(*frame->layer("hidden"), 1.0f);

  probe.request(tasks, source, frame, "hidden", a);
  EXPECT_TRUE(probe.covers(a.get()));
  probe.request(tasks, source, frame, "hidden", b);  // a's figures are still being computed
  EXPECT_FALSE(probe.covers(b.get()));
  EXPECT_TRUE(probe.waiting());
  EXPECT_EQ(probe.line(b.get()), "trustworthiness, continuity and distance rho: computing...");
  wait_for([&] { return !probe.waiting(); });
  ASSERT_NE(probe.figures(a.get()), nullptr);  // a ran to the end and is kept
  const double trust_a = probe.figures(a.get())->trustworthiness;
  EXPECT_EQ(probe.figures(b.get()), nullptr);
  EXPECT_EQ(probe.line(b.get()), "");

  probe.request(tasks, source, frame, "hidden", b);  // asked again: now it starts
  EXPECT_TRUE(probe.covers(b.get()));
  EXPECT_FALSE(probe.waiting());
  wait_for([&] { return probe.figures(b.get()) != nullptr; });
  const auto* q = probe.figures(b.get());
  ASSERT_NE(q, nullptr);
  EXPECT_NEAR(q->trustworthiness, trust_a, 1e-3);  // b is a shifted: the same neighbourhoods
  EXPECT_EQ(probe.figures(a.get()), nullptr);  // forgotten with its layout
  EXPECT_NE(probe.line(b.get()).find("trustworthiness 0."), std::string::npos) << probe.line(b.get());
}
