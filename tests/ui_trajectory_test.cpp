// The trajectory view's arithmetic (ui/trajectory_plot.hpp) and its settings in gui.json.
#include <gtest/gtest.h>

#include <cmath>

#include "epochscope/ui/settings.hpp"
#include "epochscope/ui/trajectory_plot.hpp"
#include "test_util.hpp"

using namespace epochscope;
using namespace epochscope::ui;

namespace {

store::TrajectoryPoint snap(int step, int epoch, float loss) { return {step, epoch, loss, {}}; }

}  // namespace

TEST(TrajectoryPlot, PairsAreLorchsSmallMultiplesOrTheChosenOne) {
  using P = std::pair<int, int>;
  EXPECT_EQ(trajectory_pairs(12, true, 5, 7), (std::vector<P>{{0, 1}, {0, 2}, {1, 2}, {2, 3}}));
  EXPECT_EQ(trajectory_pairs(3, true, 0, 1), (std::vector<P>{{0, 1}, {0, 2}, {1, 2}}));  // no PC4: (3,4) left out
  EXPECT_EQ(trajectory_pairs(12, false, 2, 5), (std::vector<P>{{2, 5}}));
  EXPECT_EQ(trajectory_pairs(4, false, 9, -3), (std::vector<P>{{3, 0}}));  // clamped to the components fitted
  EXPECT_TRUE(trajectory_pairs(1, false, 0, 1).empty());
}

TEST(TrajectoryPlot, PlotsFillTheAreaWithoutOverlapping) {
  const Rect area{{10, 20}, {410, 320}};
  const auto one = trajectory_plot_rects(area, 1, 8);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_FLOAT_EQ(one[0].width(), 400);
  const auto four = trajectory_plot_rects(area, 4, 8);
  ASSERT_EQ(four.size(), 4u);
  for (const auto& r : four) {
    EXPECT_FLOAT_EQ(r.width(), 196);
    EXPECT_FLOAT_EQ(r.height(), 146);
    EXPECT_GE(r.min.x, area.min.x);
    EXPECT_LE(r.max.x, area.max.x + 1e-3f);
    EXPECT_LE(r.max.y, area.max.y + 1e-3f);
  }
  EXPECT_FLOAT_EQ(four[1].min.x - four[0].max.x, 8);  // side by side
  EXPECT_FLOAT_EQ(four[2].min.y - four[0].max.y, 8);  // one below the other
  EXPECT_EQ(trajectory_plot_rects(area, 3, 8).size(), 3u);
  EXPECT_TRUE(trajectory_plot_rects(area, 0, 8).empty());
}

TEST(TrajectoryPlot, EachAxisFitsItsRangeWithYUp) {
  const std::vector<float> xs{-2, 0, 6, NAN}, ys{1, 1.5f, 3, 0};
  const Rect rect{{0, 0}, {200, 100}};
  const auto fit = AxisFit::of(xs, ys, rect, 10);
  EXPECT_FLOAT_EQ(fit.to_screen(-2, 0).x, 10);   // the smallest x at the left margin
  EXPECT_FLOAT_EQ(fit.to_screen(6, 0).x, 190);   // the largest at the right one
  EXPECT_FLOAT_EQ(fit.to_screen(0, 0).y, 90);    // the smallest y (0) at the bottom
  EXPECT_FLOAT_EQ(fit.to_screen(0, 3).y, 10);    // the largest at the top
  const std::vector<float> flat{4, 4, 4};
  const auto centred = AxisFit::of(flat, flat, rect, 10);
  EXPECT_FLOAT_EQ(centred.to_screen(4, 4).x, 100);
  EXPECT_FLOAT_EQ(centred.to_screen(4, 4).y, 50);
}

TEST(TrajectoryPlot, LossColoursShareOneLogScaleAcrossRuns) {
  const std::vector<store::TrajectoryPoint> a{snap(0, 0, 2.0f), snap(10, 1, 0.5f)};
  const std::vector<store::TrajectoryPoint> b{snap(0, 0, 8.0f), snap(10, 1, 0.0f)};
  const std::vector<const std::vector<store::TrajectoryPoint>*> runs{&a, &b};
  const auto scale = ColourScale::of(runs, false);
  EXPECT_FLOAT_EQ(scale.value(b[0]), 0.0f);  // the highest loss of any run: dark
  EXPECT_FLOAT_EQ(scale.value(a[1]), 1.0f);  // the lowest: bright
  EXPECT_NEAR(scale.value(a[0]), 0.5f, 1e-5f);  // 2 is the geometric middle of 0.5 and 8
  EXPECT_TRUE(std::isnan(scale.value(b[1])));  // a loss of 0 has no log: grey
  const auto epochs = ColourScale::of(runs, true);
  EXPECT_FLOAT_EQ(epochs.value(a[0]), 0.0f);
  EXPECT_FLOAT_EQ(epochs.value(b[1]), 1.0f);
}

TEST(TrajectoryPlot, HoverFindsTheNearestStepWithinTheRadius) {
  const std::vector<Vec2> screen{{10, 10}, {20, 10}, {40, 40}};
  EXPECT_EQ(nearest_within(screen, {18, 11}, 5), 1);
  EXPECT_EQ(nearest_within(screen, {12, 10}, 5), 0);
  EXPECT_EQ(nearest_within(screen, {30, 25}, 5), -1);
  EXPECT_EQ(nearest_within({}, {0, 0}, 5), -1);
}

TEST(TrajectoryPlot, FramesAndSnapshotsFindEachOther) {
  // Snapshots before training (epoch 0), then during epochs 1 and 2; frames after epochs 0, 1, 2.
  const std::vector<store::TrajectoryPoint> pts{snap(0, 0, 2), snap(5, 1, 1), snap(10, 1, 0.8f), snap(15, 2, 0.5f), snap(20, 2, 0.4f)};
  EXPECT_EQ(snapshot_of_epoch(pts, 0), 0);
  EXPECT_EQ(snapshot_of_epoch(pts, 1), 2);  // the last step of epoch 1
  EXPECT_EQ(snapshot_of_epoch(pts, 7), 4);
  EXPECT_EQ(snapshot_of_epoch(pts, -1), -1);
  const std::vector<int> frame_epochs{0, 1, 2};
  EXPECT_EQ(frame_of_epoch(frame_epochs, 1), 1);
  EXPECT_EQ(frame_of_epoch(frame_epochs, 0), 0);
  EXPECT_EQ(frame_of_epoch(frame_epochs, 9), 2);  // past the last frame: the last
  EXPECT_EQ(frame_of_epoch({}, 1), -1);
  // Round trip: each frame's snapshot shows that frame.
  for (int f = 0; f < 3; ++f) {
    EXPECT_EQ(frame_of_epoch(frame_epochs, pts[static_cast<std::size_t>(snapshot_of_epoch(pts, f))].epoch), f);
  }
}

TEST(TrajectoryPlot, ViewSettingsRoundTripThroughGuiJson) {
  const auto dir = epochscope::testing::scratch_dir();
  GuiSettings s;
  s.views[3].method = jobs::Method::trajectory;
  s.views[3].pc_x = 2;
  s.views[3].pc_y = 4;
  s.views[3].pc_pairs = true;
  s.views[3].colour_by_epoch = true;
  ASSERT_TRUE(save_settings(dir / "gui.json", s));
  const auto back = load_settings(dir / "gui.json");
  EXPECT_EQ(back.views[3], s.views[3]);
  EXPECT_EQ(back.views[0].pc_x, 0);
  EXPECT_EQ(back.views[0].pc_y, 1);
  EXPECT_FALSE(back.views[0].colour_by_epoch);
  epochscope::testing::write_bytes(dir / "odd.json", R"({"views": [{"method": "trajectory", "pc_x": 99, "pc_y": -4}]})");
  const auto odd = load_settings(dir / "odd.json");
  EXPECT_EQ(odd.views[0].method, jobs::Method::trajectory);
  EXPECT_EQ(odd.views[0].pc_x, 11);
  EXPECT_EQ(odd.views[0].pc_y, 0);
}

TEST(TrajectoryPlot, ContoursFollowTheLevelAndSkipMissingCells) {
  // f = x on a 4 x 3 grid: the level 1.5 is the vertical line x = 1.5 through both rows of cells.
  std::vector<double> ramp;
  for (int y = 0; y < 3; ++y) {
    for (int x = 0; x < 4; ++x) ramp.push_back(x);
  }
  const auto line = contour_segments(ramp, 4, 3, 1.5);
  ASSERT_EQ(line.size(), 2u);
  for (const auto& s : line) {
    EXPECT_FLOAT_EQ(s.p.x, 1.5f);
    EXPECT_FLOAT_EQ(s.q.x, 1.5f);
  }
  // A bowl f = (x - 10)^2 + (y - 10)^2: every point of the level 25 lies about 5 from the centre.
  std::vector<double> bowl;
  for (int y = 0; y <= 20; ++y) {
    for (int x = 0; x <= 20; ++x) bowl.push_back((x - 10.0) * (x - 10.0) + (y - 10.0) * (y - 10.0));
  }
  const auto ring = contour_segments(bowl, 21, 21, 25);
  EXPECT_GE(ring.size(), 20u);
  for (const auto& s : ring) {
    for (const auto& p : {s.p, s.q}) EXPECT_NEAR(std::hypot(p.x - 10.0, p.y - 10.0), 5.0, 0.25);
  }
  // Not yet evaluated (NaN) cells draw nothing; a saddle gives two segments, not crossing ones.
  ramp[5] = NAN;
  EXPECT_EQ(contour_segments(ramp, 4, 3, 1.5).size(), 0u);
  const std::vector<double> saddle{1, 0, 0, 1};
  EXPECT_EQ(contour_segments(saddle, 2, 2, 0.5).size(), 2u);
  EXPECT_TRUE(contour_segments(saddle, 1, 4, 0.5).empty());
}
