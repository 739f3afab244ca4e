// The window's pure logic: camera, picking, traces, interpolation, linked state, settings, stats,
// redraw damage.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "epochscope/core/random.hpp"
#include "epochscope/ui/damage.hpp"
#include "epochscope/ui/file_browser.hpp"
#include "epochscope/ui/frame_stats.hpp"
#include "epochscope/ui/orbit_camera.hpp"
#include "epochscope/ui/palette.hpp"
#include "epochscope/ui/picking.hpp"
#include "epochscope/ui/pixel_axes.hpp"
#include "epochscope/ui/settings.hpp"
#include "epochscope/ui/traces.hpp"
#include "epochscope/ui/ui_state.hpp"
#include "epochscope/ui/view_transform.hpp"
#include "test_util.hpp"

using namespace epochscope;
using namespace epochscope::ui;

namespace {
const Rect kRect{{100, 50}, {500, 350}};  // 400 x 300 pixels

void expect_near(Vec2 a, Vec2 b, float tol = 1e-3f) {
  EXPECT_NEAR(a.x, b.x, tol);
  EXPECT_NEAR(a.y, b.y, tol);
}
}  // namespace

TEST(ViewTransform, ScreenAndDataAreInverse) {
  ViewTransform t{{3, -2}, 17};
  expect_near(t.to_screen({3, -2}, kRect), kRect.center());
  const Vec2 s = t.to_screen({4, -1}, kRect);
  EXPECT_GT(s.x, kRect.center().x);
  EXPECT_LT(s.y, kRect.center().y);  // data y up, screen y down
  expect_near(t.to_data(s, kRect), {4, -1});
}

TEST(ViewTransform, ZoomKeepsTheCursorFixedAndPanMovesByPixels) {
  ViewTransform t{{0, 0}, 10};
  const Vec2 cursor{420, 100};
  const Vec2 under = t.to_data(cursor, kRect);
  t.zoom_at(cursor, kRect, 2.5f);
  EXPECT_FLOAT_EQ(t.scale, 25.0f);
  expect_near(t.to_data(cursor, kRect), under);
  const Vec2 before = t.to_screen({1, 1}, kRect);
  t.pan({12, -7});
  expect_near(t.to_screen({1, 1}, kRect), {before.x + 12, before.y - 7});
}

TEST(ViewTransform, FitShowsEveryPointInsideTheMargin) {
  const std::vector<float> xy = {-5, 2, 15, 4, 3, -8, 0, 0};
  const auto t = ViewTransform::fit(Bounds::of(xy), kRect, 20);
  for (std::size_t i = 0; i < xy.size(); i += 2) {
    const Vec2 s = t.to_screen({xy[i], xy[i + 1]}, kRect);
    EXPECT_GE(s.x, kRect.min.x + 19.9f);
    EXPECT_LE(s.x, kRect.max.x - 19.9f);
    EXPECT_GE(s.y, kRect.min.y + 19.9f);
    EXPECT_LE(s.y, kRect.max.y - 19.9f);
  }
  // The tighter axis touches the margin: 20 data units over 360 pixels.
  EXPECT_NEAR(t.scale, 360.0f / 20.0f, 1e-3f);
  float s[2], o[2];
  t.ndc(kRect, s, o);
  // The centre maps to NDC 0, the rectangle's right edge to +1.
  EXPECT_NEAR(t.center.x * s[0] + o[0], 0, 1e-5);
  const Vec2 right = t.to_data({kRect.max.x, kRect.center().y}, kRect);
  EXPECT_NEAR(right.x * s[0] + o[0], 1.0f, 1e-4);
}

TEST(Picking, GridAgreesWithBruteForce) {
  std::mt19937 rng(5);
  std::normal_distribution<float> g(0, 3);
  std::vector<float> xy;
  std::vector<std::uint8_t> visible;
  for (int i = 0; i < 5000; ++i) {
    xy.push_back(g(rng) + (i % 3) * 6.0f);
    xy.push_back(g(rng));
    visible.push_back(i % 7 == 0 ? 0 : 1);
  }
  xy[10] = xy[12];  // an exact duplicate: ties go to the lower index
  xy[11] = xy[13];
  PointGrid grid;
  grid.build(xy, visible);
  std::uniform_real_distribution<float> u(-10, 22);
  for (int q = 0; q < 2000; ++q) {
    const Vec2 p{u(rng), u(rng) * 0.5f};
    const float radius = q % 2 == 0 ? 0.05f : 0.8f;
    ASSERT_EQ(grid.nearest(p, radius), nearest_brute_force(xy, visible, p, radius)) << q;
  }
  EXPECT_EQ(grid.nearest({xy[12], xy[13]}, 1e-4f), 5);
  EXPECT_EQ(grid.nearest({1000, 1000}, 1.0f), -1);
  const auto inside = grid.within({0, 0}, 1.0f);
  for (int i : inside) EXPECT_LE(std::hypot(xy[2 * i], xy[2 * i + 1]), 1.0f + 1e-5f);
  PointGrid empty;
  empty.build({});
  EXPECT_EQ(empty.nearest({0, 0}, 10), -1);
}

TEST(Traces, InterpolateAndAssembleAcrossFrames) {
  Matrix a(3, 2), b(3, 2);
  a << 0, 0, 1, 1, 2, 2;
  b << 10, 0, 1, 3, 2, 2;
  std::vector<float> out;
  interpolate(a, &b, 0.5f, out);
  ASSERT_EQ(out.size(), 6u);
  EXPECT_FLOAT_EQ(out[0], 5);
  EXPECT_FLOAT_EQ(out[3], 2);
  interpolate(a, nullptr, 0.7f, out);
  EXPECT_FLOAT_EQ(out[0], 0);
  // 3-D layouts interleave three coordinates; a 2-D layout asked for three gets z = 0.
  Matrix a3(2, 3), b3(2, 3);
  a3 << 0, 0, 0, 1, 1, 1;
  b3 << 2, 4, 6, 1, 1, 3;
  interpolate(a3, &b3, 0.5f, out, 3);
  ASSERT_EQ(out.size(), 6u);
  EXPECT_FLOAT_EQ(out[2], 3);
  EXPECT_FLOAT_EQ(out[5], 2);
  interpolate(a, nullptr, 0, out, 3);
  ASSERT_EQ(out.size(), 9u);
  EXPECT_FLOAT_EQ(out[3], 1);
  EXPECT_FLOAT_EQ(out[5], 0);
  const Matrix* layouts3[2] = {&a3, &b3};
  EXPECT_FLOAT_EQ(assemble_trace(layouts3, 0)[1].z, 6);
  EXPECT_FLOAT_EQ(ease(0), 0);
  EXPECT_FLOAT_EQ(ease(1), 1);
  EXPECT_FLOAT_EQ(ease(0.5f), 0.5f);

  const Matrix* layouts[4] = {&a, nullptr, &b, &a};  // frame 1 not computed yet
  const auto trace = assemble_trace(layouts, 1);
  ASSERT_EQ(trace.size(), 3u);
  EXPECT_EQ(trace[0].frame, 0);
  EXPECT_EQ(trace[1].frame, 2);
  EXPECT_FLOAT_EQ(trace[1].position.y, 3);
  expect_near(trace_position_at(trace, 1.0f), {1, 2});  // halfway across the gap
  expect_near(trace_position_at(trace, 9.0f), {1, 1});
  EXPECT_TRUE(assemble_trace(layouts, 7).empty());
}

TEST(UiState, EpochBarFollowsTheNewestFrameUntilMoved) {
  UiState s;
  s.on_frames(3);
  EXPECT_EQ(s.frame, 2);
  s.set_frame(0, 3);
  EXPECT_FALSE(s.follow_latest);
  s.on_frames(5);
  EXPECT_EQ(s.frame, 0);  // stays where the user put it
  s.step(+10, 5);
  EXPECT_EQ(s.frame, 4);
  EXPECT_TRUE(s.follow_latest);  // back at the newest: follows again
  s.on_frames(6);
  EXPECT_EQ(s.frame, 5);
}

TEST(UiState, PlaybackInterpolatesAndStopsAtTheEnd) {
  UiState s;
  s.on_frames(4);
  s.play_speed = 2;
  s.toggle_play(4);  // at the end: starts from frame 0
  EXPECT_TRUE(s.playing);
  EXPECT_EQ(s.frame, 0);
  EXPECT_TRUE(s.advance(0.25, 4));
  EXPECT_FLOAT_EQ(s.display_frame(), 0.5f);
  s.advance(0.5, 4);
  EXPECT_FLOAT_EQ(s.display_frame(), 1.5f);
  s.advance(5.0, 4);
  EXPECT_FALSE(s.playing);
  EXPECT_EQ(s.frame, 3);
  EXPECT_FLOAT_EQ(s.phase, 0);
}

TEST(UiState, PointLookFollowsTheHighlightAndTheMisclassifiedFilter) {
  UiState s;
  EXPECT_FALSE(s.point_look(3, true, -1).emphasis);  // nothing chosen: every point plain
  EXPECT_FALSE(s.point_look(3, true, -1).dim);
  EXPECT_TRUE(s.point_look(3, false, 3).emphasis);  // class 3 highlighted
  EXPECT_TRUE(s.point_look(4, false, 3).dim);
  s.show_misclassified = true;
  EXPECT_TRUE(s.point_look(4, true, -1).emphasis);  // only the wrong ones in colour
  EXPECT_TRUE(s.point_look(4, false, -1).dim);
  EXPECT_TRUE(s.point_look(3, true, 3).emphasis);  // both: the wrong ones of class 3
  EXPECT_TRUE(s.point_look(3, false, 3).dim);
}

TEST(UiState, LinkedHoverHighlightAndSelection) {
  UiState s;
  s.next_hovered = 42;  // found by some view during this frame
  s.begin_frame();
  EXPECT_EQ(s.hovered, 42);  // every view rings it next frame
  EXPECT_EQ(s.next_hovered, -1);
  s.toggle_pin(3);
  EXPECT_EQ(s.highlight_class(), 3);
  s.hovered_class = 7;
  EXPECT_EQ(s.highlight_class(), 7);  // hovering the legend beats the pin
  s.hovered_class = -1;
  s.toggle_pin(3);
  EXPECT_EQ(s.highlight_class(), -1);

  s.click_point(5, false);
  s.click_point(9, true);
  EXPECT_EQ(s.selection, (std::vector<int>{5, 9}));
  s.click_point(5, true);  // shift-click again removes
  EXPECT_EQ(s.selection, (std::vector<int>{9}));
  s.click_point(2, false);
  EXPECT_EQ(s.selection, (std::vector<int>{2}));
  const int cell[] = {2, 4, 6};
  s.select_points(cell, true);
  EXPECT_EQ(s.selection, (std::vector<int>{2, 4, 6}));
  s.clear_selection();
  EXPECT_TRUE(s.selection.empty());
  s.filter = SplitFilter::heldout;
  EXPECT_TRUE(s.passes_filter(true));
  EXPECT_FALSE(s.passes_filter(false));
}

TEST(Settings, RoundTripAndDamagedFile) {
  const auto dir = epochscope::testing::scratch_dir();
  GuiSettings s;
  s.window_width = 1400;
  s.view_count = 2;
  s.views[1] = {jobs::Method::umap, "hidden"};
  s.views[2] = {jobs::Method::tsne, "output"};
  s.views[2].dims = 3;
  s.point_size = 6;
  ASSERT_TRUE(save_settings(dir / "gui.json", s));
  const auto back = load_settings(dir / "gui.json");
  EXPECT_EQ(back.window_width, 1400);
  EXPECT_EQ(back.view_count, 2);
  EXPECT_EQ(back.views[1], (ViewConfig{jobs::Method::umap, "hidden"}));
  EXPECT_EQ(back.views[2].dims, 3);
  EXPECT_EQ(back.views[1].dims, 2);
  EXPECT_FLOAT_EQ(back.point_size, 6);
  epochscope::testing::write_bytes(dir / "bad.json", "{not json");
  std::string warning;
  const auto fallback = load_settings(dir / "bad.json", &warning);
  EXPECT_EQ(fallback.view_count, 4);
  EXPECT_NE(warning.find("bad.json"), std::string::npos);
  EXPECT_EQ(load_settings(dir / "missing.json").view_count, 4);
}

TEST(FrameStats, Percentiles) {
  FrameStats st;
  for (int i = 1; i <= 100; ++i) st.add(i);
  EXPECT_DOUBLE_EQ(st.percentile(50), 50);
  EXPECT_DOUBLE_EQ(st.percentile(95), 95);
  EXPECT_DOUBLE_EQ(st.max(), 100);
  EXPECT_NE(st.summary().find("over 100 ms: 0"), std::string::npos);
  st.redraws().full = 1;
  st.redraws().partial = 4;
  st.redraws().partial_fraction = 0.4;
  st.redraws().unchanged = 7;
  EXPECT_EQ(st.redraw_summary(), "redraws: full 1, partial 4 (10.0% of the window on average), unchanged 7 (not drawn)");
}

TEST(PixelExplorer, LayoutHoldsTheChosenPixelsJitteredALittle) {
  auto ps = epochscope::testing::synthetic_points(300);
  const int ax = 14 * 28 + 9, ay = 9 * 28 + 14;
  const Matrix m = pixel_axes_layout(ps, ax, ay);
  ASSERT_EQ(m.rows(), 300);
  ASSERT_EQ(m.cols(), 2);
  float max_jitter = 0;
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    const auto row = static_cast<std::size_t>(i) * 784;
    const float x = ps.images[row + ax] / 255.0f, y = ps.images[row + ay] / 255.0f;
    max_jitter = std::max({max_jitter, std::abs(m(i, 0) - x), std::abs(m(i, 1) - y)});
  }
  EXPECT_LE(max_jitter, kPixelJitter / 2 + 1e-6f);
  EXPECT_GT(max_jitter, kPixelJitter / 4);  // it does spread equal values
  EXPECT_EQ(m, pixel_axes_layout(ps, ax, ay));  // the same every time
  // Swapping the pixels swaps the values (the jitter stays with x and y).
  const Matrix swapped = pixel_axes_layout(ps, ay, ax);
  EXPECT_NEAR((swapped.col(0) - m.col(1)).cwiseAbs().maxCoeff(), 0.0f, kPixelJitter);
  // A signal's byte map is honoured: value = offset + scale * byte.
  ps.value_offset = -2.0f;
  ps.value_scale = 4.0f / 255.0f;
  const Matrix v = pixel_axes_layout(ps, ax, ay);
  EXPECT_NEAR(v(0, 0), -2.0f + 4.0f / 255.0f * ps.images[ax], 4.0f * kPixelJitter);
  EXPECT_THROW(pixel_axes_layout(ps, 784, 0), Error);
  EXPECT_THROW(pixel_axes_layout(ps, 0, -1), Error);
}

TEST(PixelExplorer, GridCellsMapBackToPixels) {
  const Rect canvas{{0, 0}, {800, 600}};
  const Rect gx = axis_grid_rect(canvas, 28, 28, true), gy = axis_grid_rect(canvas, 28, 28, false);
  EXPECT_NEAR(gx.width(), 28 * 90.0f / 28, 1e-3);  // about 90 pixels a side
  EXPECT_EQ(gx.min.x, gy.min.x);                   // one column on the left: x at the bottom
  EXPECT_GT(gx.min.y, canvas.center().y);
  EXPECT_LT(gy.max.x, canvas.center().x);          // y at the top
  EXPECT_LT(gy.max.y, canvas.center().y);
  const float cell = gx.width() / 28;
  for (int row : {0, 9, 14, 27}) {
    for (int col : {0, 13, 27}) {
      const Vec2 centre{gx.min.x + (static_cast<float>(col) + 0.5f) * cell, gx.min.y + (static_cast<float>(row) + 0.5f) * cell};
      EXPECT_EQ(axis_grid_cell(gx, 28, 28, centre), row * 28 + col);
    }
  }
  EXPECT_EQ(axis_grid_cell(gx, 28, 28, {gx.center().x, gx.center().y}), 14 * 28 + 14);
  EXPECT_EQ(axis_grid_cell(gx, 28, 28, {gx.min.x - 1, gx.min.y + 5}), -1);
  EXPECT_EQ(axis_grid_cell(gx, 28, 28, {gx.max.x, gx.max.y}), -1);
  // A 1-D signal of 40 samples: one row of cells.
  const Rect gs = axis_grid_rect(canvas, 40, 1, true);
  EXPECT_EQ(axis_grid_cell(gs, 40, 1, {gs.min.x + 0.5f, gs.center().y}), 0);
  EXPECT_EQ(axis_grid_cell(gs, 40, 1, {gs.max.x - 0.5f, gs.center().y}), 39);
}

TEST(PixelExplorer, PointsStayClearOfTheGridsAndTheirLabels) {
  const auto overlaps = [](const Rect& a, const Rect& b) {
    return a.min.x < b.max.x && b.min.x < a.max.x && a.min.y < b.max.y && b.min.y < a.max.y;
  };
  const float line = 18, box = 150;
  // A grid's box: its label line above it, `box` wide at least (growing left at the right edge).
  const auto box_of = [&](const Rect& g, bool right_edge) {
    return right_edge ? Rect{{std::min(g.min.x, g.max.x - box) - 4, g.min.y - line - 6}, {g.max.x + 4, g.max.y + 4}}
                      : Rect{{g.min.x - 4, g.min.y - line - 6}, {std::max(g.max.x, g.min.x + box) + 4, g.max.y + 4}};
  };
  for (const Rect canvas : {Rect{{0, 0}, {800, 600}}, Rect{{10, 20}, {370, 290}}, Rect{{0, 0}, {600, 200}}}) {
    for (const auto& [w, h] : {std::pair{28, 28}, std::pair{40, 1}}) {
      const Rect gx = axis_grid_rect(canvas, w, h, true, line), gy = axis_grid_rect(canvas, w, h, false, line);
      const Rect plot = axis_plot_rect(canvas, w, h, box, line);
      SCOPED_TRACE(::testing::Message() << canvas.width() << "x" << canvas.height() << " image " << w << "x" << h);
      const bool column = gx.min.x == gy.min.x;
      EXPECT_FALSE(overlaps(box_of(gx, !column), box_of(gy, false)));
      EXPECT_FALSE(overlaps(plot, box_of(gx, !column)));
      EXPECT_FALSE(overlaps(plot, box_of(gy, false)));
      for (const Rect& r : {gx, gy, plot}) {  // all inside the canvas
        EXPECT_GE(r.min.x, canvas.min.x);
        EXPECT_GE(r.min.y, canvas.min.y);
        EXPECT_LE(r.max.x, canvas.max.x);
        EXPECT_LE(r.max.y, canvas.max.y);
      }
      EXPECT_GT(plot.width() * plot.height(), 0.3f * canvas.width() * canvas.height());
    }
  }
  // Too short for a column (200 pixels high): x's grid goes bottom right, the points above it.
  const Rect wide{{0, 0}, {600, 200}};
  EXPECT_GT(axis_grid_rect(wide, 28, 28, true, line).min.x, wide.center().x);
  // Too small for points beside the grids: the whole canvas rather than nothing.
  const Rect tiny{{0, 0}, {150, 120}};
  const Rect p = axis_plot_rect(tiny, 28, 28, box, line);
  EXPECT_EQ(p.min.x, tiny.min.x);
  EXPECT_EQ(p.max.y, tiny.max.y);
}

TEST(OrbitCamera, ProjectsLooksAtTheTargetAndRotatesAroundIt) {
  OrbitCamera cam;
  const Rect r{{0, 0}, {400, 300}};
  // The target lands in the middle; the basis is orthonormal and right-handed.
  const Vec2 c = cam.project(cam.target, r);
  EXPECT_NEAR(c.x, 200, 1e-3);
  EXPECT_NEAR(c.y, 150, 1e-3);
  Vec3 right, up, forward;
  cam.basis(right, up, forward);
  auto dot = [](Vec3 a, Vec3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; };
  EXPECT_NEAR(dot(right, up), 0, 1e-5);
  EXPECT_NEAR(dot(right, forward), 0, 1e-5);
  EXPECT_NEAR(dot(up, forward), 0, 1e-5);
  EXPECT_NEAR(dot(right, right), 1, 1e-5);
  EXPECT_GT(up.y, 0);  // never upside down
  // A point above the target is drawn above the middle; one to the right, to the right.
  float depth_target = 0, depth_up = 0;
  cam.project(cam.target, r, &depth_target);
  EXPECT_LT(cam.project({0, 0.5f, 0}, r, &depth_up).y, 150);
  EXPECT_GT(cam.project({right.x * 0.5f, right.y * 0.5f, right.z * 0.5f}, r).x, 200);
  EXPECT_NEAR(depth_target, cam.distance, 1e-4);
  // Dragging turns the eye around the target at a constant distance.
  const Vec3 e0 = cam.eye();
  cam.rotate(157, 0);  // about 90 degrees of yaw
  const Vec3 e1 = cam.eye();
  EXPECT_NEAR(std::hypot(e1.x, e1.y, e1.z), cam.distance, 1e-4);
  EXPECT_LT(std::abs(e0.x * e1.x + e0.z * e1.z), 0.05f * cam.distance * cam.distance);  // a right angle
  cam.rotate(0, 100000);  // pitch is clamped: the view never flips
  EXPECT_LE(cam.pitch, 1.5f);
  cam.basis(right, up, forward);
  EXPECT_GT(up.y, 0);
  // The wheel zooms within limits; reset returns to the default view.
  const float d = cam.distance;
  cam.zoom(1);
  EXPECT_NEAR(cam.distance, d / 1.15f, 1e-4);
  cam.zoom(-100);
  EXPECT_FLOAT_EQ(cam.distance, 50.0f);
  cam.reset();
  EXPECT_FLOAT_EQ(cam.distance, OrbitCamera{}.distance);
}

TEST(OrbitCamera, ClipMatrixMatchesProject) {
  OrbitCamera cam;
  cam.rotate(40, -25);
  cam.zoom(1.5f);
  const Rect r{{30, 20}, {630, 420}};
  const Vec3 c{5, -2, 1};
  const float s = 0.25f, near = 0.5f, far = 9.0f;
  float m[16];
  cam.clip_matrix(r, near, far, m, c, s);
  const Vec3 qs[] = {{5, -2, 1}, {7, 0, -3}, {1, -4, 2}, {9, 1, 4}};
  for (const auto q : qs) {
    const float clip[4] = {m[0] * q.x + m[4] * q.y + m[8] * q.z + m[12], m[1] * q.x + m[5] * q.y + m[9] * q.z + m[13],
                           m[2] * q.x + m[6] * q.y + m[10] * q.z + m[14], m[3] * q.x + m[7] * q.y + m[11] * q.z + m[15]};
    float depth = 0;
    const Vec2 want = cam.project({(q.x - c.x) * s, (q.y - c.y) * s, (q.z - c.z) * s}, r, &depth);
    // NDC to the rect's pixels (y down), as the viewport maps them.
    const float sx = r.min.x + (clip[0] / clip[3] + 1) * 0.5f * r.width();
    const float sy = r.min.y + (1 - clip[1] / clip[3]) * 0.5f * r.height();
    EXPECT_NEAR(sx, want.x, 1e-2);
    EXPECT_NEAR(sy, want.y, 1e-2);
    EXPECT_NEAR(clip[3], depth, 1e-4);
  }
  // Depth maps near to -1 and far to +1: a point at depth d has NDC z = (a d + b) / d.
  const auto ndc_z = [&](float d) { return ((far + near) / (far - near) * d - 2 * far * near / (far - near)) / d; };
  EXPECT_NEAR(ndc_z(near), -1, 1e-5);
  EXPECT_NEAR(ndc_z(far), 1, 1e-5);
  Vec3 right, up, forward;
  cam.basis(right, up, forward);
  const Vec3 e = cam.eye();
  const Vec3 p{e.x + forward.x * near, e.y + forward.y * near, e.z + forward.z * near};  // model space
  const Vec3 q{p.x / s + c.x, p.y / s + c.y, p.z / s + c.z};
  const float z = m[2] * q.x + m[6] * q.y + m[10] * q.z + m[14], w = m[3] * q.x + m[7] * q.y + m[11] * q.z + m[15];
  EXPECT_NEAR(z / w, -1, 1e-3);
}

namespace {
DrawPrim prim(std::uint64_t id, Rect r) { return {mix64(id), r}; }
DrawSig frame_of(std::vector<DrawListSig> lists) { return {{640, 480}, std::move(lists)}; }
bool covers(const std::vector<Rect>& rects, Vec2 p) {
  return std::any_of(rects.begin(), rects.end(), [&](const Rect& r) { return r.contains(p); });
}
bool covers(const std::vector<Rect>& rects, const Rect& area) {
  for (float y = area.min.y + 0.5f; y < area.max.y; y += 1.0f) {
    for (float x = area.min.x + 0.5f; x < area.max.x; x += 1.0f) {
      if (!covers(rects, Vec2{x, y})) return false;
    }
  }
  return true;
}
}  // namespace

TEST(Damage, FirstFrameIsFullThenOnlyWhatChanged) {
  DamageTracker t;
  const DrawListSig panel{1, {prim(1, {{0, 0}, {200, 480}}), prim(2, {{10, 10}, {60, 24}})}};
  DrawListSig view{2, {prim(3, {{210, 0}, {640, 480}}), prim(4, {{300, 200}, {312, 212}})}};
  EXPECT_TRUE(t.update(frame_of({panel, view})).full);
  EXPECT_TRUE(t.update(frame_of({panel, view})).none());  // nothing changed: nothing is drawn
  // A ring moves: its old and new places, rounded out to tiles; nothing else.
  view.prims[1] = prim(5, {{400, 100}, {412, 112}});
  const auto d = t.update(frame_of({panel, view}));
  ASSERT_FALSE(d.full);
  EXPECT_TRUE(covers(d.rects, Rect{{300, 200}, {312, 212}}));
  EXPECT_TRUE(covers(d.rects, Rect{{400, 100}, {412, 112}}));
  EXPECT_FALSE(covers(d.rects, Vec2{100, 300}));
  EXPECT_LT(d.fraction({640, 480}), 0.01f);
  for (const auto& r : d.rects) {  // on the tile grid
    EXPECT_EQ(std::fmod(r.min.x, 16.0f), 0.0f);
    EXPECT_EQ(std::fmod(r.min.y, 16.0f), 0.0f);
  }
  // A tooltip appears, then goes away: its rectangle both times.
  const DrawListSig tip{9, {prim(6, {{500, 300}, {620, 420}})}};
  auto shown = t.update(frame_of({panel, view, tip}));
  EXPECT_TRUE(covers(shown.rects, Rect{{500, 300}, {620, 420}}));
  EXPECT_FALSE(covers(shown.rects, Vec2{100, 300}));
  auto gone = t.update(frame_of({panel, view}));
  EXPECT_TRUE(covers(gone.rects, Rect{{500, 300}, {620, 420}}));
  // A resize or an invalidation draws everything.
  EXPECT_TRUE(t.update(DrawSig{{800, 600}, {panel, view}}).full);
  t.invalidate();
  EXPECT_TRUE(t.update(DrawSig{{800, 600}, {panel, view}}).full);
  // Windows drawn in another order: everything.
  EXPECT_TRUE(t.update(DrawSig{{800, 600}, {view, panel}}).full);
  // Most of the window changed: everything (cheaper than many clipped passes).
  DrawListSig big{2, {prim(7, {{0, 0}, {700, 500}})}};
  EXPECT_TRUE(t.update(DrawSig{{800, 600}, {view, big}}).full);
  // A primitive that could be anywhere (non-finite bounds): everything.
  DrawListSig odd{2, {prim(8, {{0, 0}, {std::nanf(""), 10}})}};
  EXPECT_TRUE(t.update(DrawSig{{800, 600}, {view, odd}}).full);
}

// The guarantee the window relies on: outside the damage, every pixel is covered by the same
// primitives in the same order as in the previous frame (so last frame's pixels are still right).
TEST(Damage, OutsideTheDamageEveryPixelSeesTheSamePrimitives) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> pos(0.0f, 600.0f), len(1.0f, 90.0f);
  const auto random_prim = [&](std::uint64_t id) {
    const float x = pos(rng), y = pos(rng) * 0.75f;
    return prim(id, {{x, y}, {x + len(rng), y + len(rng)}});
  };
  std::uint64_t next_id = 1;
  std::vector<DrawListSig> lists(3);
  for (std::size_t l = 0; l < lists.size(); ++l) {
    lists[l].id = 100 + l;
    for (int i = 0; i < 40; ++i) lists[l].prims.push_back(random_prim(next_id++));
  }
  DamageTracker t;
  t.update(frame_of(lists));
  int partial = 0;
  for (int round = 0; round < 60; ++round) {
    auto edited = lists;
    for (auto& l : edited) {  // remove, insert, replace, and duplicate a few primitives
      std::uniform_int_distribution<int> at(0, static_cast<int>(l.prims.size()) - 1);
      const int kind = static_cast<int>(rng() % 5);
      if (kind == 0) l.prims.erase(l.prims.begin() + at(rng));
      if (kind == 1) l.prims.insert(l.prims.begin() + at(rng), random_prim(next_id++));
      if (kind == 2) l.prims[static_cast<std::size_t>(at(rng))] = random_prim(next_id++);
      if (kind == 3) l.prims.push_back(l.prims[static_cast<std::size_t>(at(rng))]);
      if (kind == 4 && round % 7 == 0) std::swap(l.prims[static_cast<std::size_t>(at(rng))], l.prims[static_cast<std::size_t>(at(rng))]);
    }
    const auto d = t.update(frame_of(edited));
    if (!d.full) {
      ++partial;
      for (float y = 2; y < 480; y += 7) {
        for (float x = 3; x < 640; x += 7) {
          if (covers(d.rects, Vec2{x, y})) continue;
          for (std::size_t l = 0; l < lists.size(); ++l) {
            std::vector<std::uint64_t> seen_before, seen_after;
            for (const auto& p : lists[l].prims) {
              if (p.bounds.contains({x, y})) seen_before.push_back(p.hash);
            }
            for (const auto& p : edited[l].prims) {
              if (p.bounds.contains({x, y})) seen_after.push_back(p.hash);
            }
            ASSERT_EQ(seen_before, seen_after) << "round " << round << " at " << x << "," << y;
          }
        }
      }
    }
    lists = edited;
  }
  EXPECT_GT(partial, 20);  // the test exercised partial redraws
}

TEST(Damage, CoalesceCoversEveryRectWithFewRectangles) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> pos(0.0f, 900.0f), len(0.5f, 40.0f);
  DamageOptions o;
  for (int n : {1, 3, 12, 40, 200}) {
    std::vector<Rect> in;
    for (int i = 0; i < n; ++i) {
      const float x = pos(rng), y = pos(rng) * 0.6f;
      in.push_back({{x, y}, {x + len(rng), y + len(rng)}});
    }
    const auto out = coalesce(in, {1000, 600}, o);
    EXPECT_LE(out.size(), static_cast<std::size_t>(o.max_rects));
    for (const auto& r : in) {
      const Rect inside{{r.min.x, r.min.y}, {std::min(r.max.x, 1000.0f), std::min(r.max.y, 600.0f)}};
      EXPECT_TRUE(covers(out, inside)) << n;
    }
    for (const auto& r : out) {  // inside the window
      EXPECT_GE(r.min.x, 0);
      EXPECT_LE(r.max.x, 1000);
      EXPECT_LE(r.max.y, 600);
    }
  }
  EXPECT_TRUE(coalesce({Rect{{5, 5}, {5, 40}}}, {100, 100}, o).empty());  // zero width: no pixel
}

TEST(FileBrowser, ListsFoldersFirstThenFilesAndRemembersRecentFiles) {
  const auto dir = epochscope::testing::scratch_dir();
  std::filesystem::create_directories(dir / "runs");
  std::filesystem::create_directories(dir / ".hidden");
  epochscope::testing::write_bytes(dir / "b.epochscope", "xx");
  epochscope::testing::write_bytes(dir / "a.txt", "x");
  const auto l = list_directory(dir);
  ASSERT_EQ(l.entries.size(), 3u);
  EXPECT_EQ(l.entries[0].name, "runs");
  EXPECT_TRUE(l.entries[0].directory);
  EXPECT_EQ(l.entries[1].name, "a.txt");
  EXPECT_FALSE(l.entries[1].session);
  EXPECT_TRUE(l.entries[2].session);
  EXPECT_EQ(l.entries[2].bytes, 2u);
  EXPECT_THROW(list_directory(dir / "missing"), Error);
  std::vector<std::string> recent;
  for (int i = 0; i < 12; ++i) recent = add_recent(recent, dir / ("r" + std::to_string(i)));
  recent = add_recent(recent, dir / "r5");
  ASSERT_EQ(recent.size(), kMaxRecent);
  EXPECT_EQ(recent[0], (dir / "r5").string());
  EXPECT_EQ(recent[1], (dir / "r11").string());
  EXPECT_EQ(std::count(recent.begin(), recent.end(), (dir / "r5").string()), 1);
  ASSERT_TRUE(save_recent(dir / "cfg" / "recent.json", recent));
  EXPECT_EQ(load_recent(dir / "cfg" / "recent.json"), recent);
  epochscope::testing::write_bytes(dir / "bad.json", "{not json");
  EXPECT_TRUE(load_recent(dir / "bad.json").empty());
}

// Up to 256 classes: the ten fixed colours, then generated ones apart for neighbouring classes.
TEST(Palette, ManyClassesStayApart) {
  auto dist = [](Rgba8 a, Rgba8 b) {
    return std::sqrt(std::pow(a.r - b.r, 2.0) + std::pow(a.g - b.g, 2.0) + std::pow(a.b - b.b, 2.0));
  };
  const Theme &dark = dark_theme(), &light = light_theme();
  for (int c = 0; c < 255; ++c) {
    EXPECT_GT(dist(dark.class_color(c), dark.class_color(c + 1)), 90.0) << c;
    EXPECT_GT(dist(dark.class_color(c), dark.view_bg), 100.0) << c;
    EXPECT_GT(dist(light.class_color(c), light.view_bg), 100.0) << c;
  }
  EXPECT_EQ(dark.class_color(3).r, kClassColors[3].r);  // the first ten as they were
  EXPECT_GT(dist(dark.class_color(13), dark.class_color(3)), 30.0);  // no longer the colour of class 3
}
