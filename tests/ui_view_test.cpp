// The projection view's parts, their logic without ImGui or GL: star anchors, the kNN graph's
// adjacency, the 3-D fit, projection and front-most picking, the change colouring, the status line,
// PCA image colours, the pixel explorer's axes, the layouts a view makes on a worker, the SVG export,
// chart axes, and settings made for one session fitted to another.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

#include "epochscope/project/star.hpp"
#include "epochscope/ui/change_colours.hpp"
#include "epochscope/ui/chart_axes.hpp"
#include "epochscope/ui/graph_adjacency.hpp"
#include "epochscope/ui/local_layouts.hpp"
#include "epochscope/ui/orbit_fit.hpp"
#include "epochscope/ui/pca_images.hpp"
#include "epochscope/ui/picking.hpp"
#include "epochscope/ui/pixel_axes.hpp"
#include "epochscope/ui/point_filter.hpp"
#include "epochscope/ui/selection_table.hpp"
#include "epochscope/ui/star_anchors.hpp"
#include "epochscope/ui/settings.hpp"
#include "epochscope/ui/svg_export.hpp"
#include "epochscope/ui/strip_grid.hpp"
#include "epochscope/ui/ui_state.hpp"
#include "epochscope/ui/view_status.hpp"
#include "test_util.hpp"

using namespace epochscope;
using namespace epochscope::ui;
using namespace std::chrono_literals;

namespace {
const Rect kRect{{100, 50}, {500, 350}};  // 400 x 300 pixels
}  // namespace

TEST(StarAnchors, DefaultsHitTestingDragsAndGenerations) {
  StarAnchors a;
  a.ensure(10);
  EXPECT_EQ(a.dims(), 10);
  EXPECT_FALSE(a.moved());
  EXPECT_TRUE(a.anchors().isApprox(project::default_star_anchors(10)));
  const unsigned g0 = a.generation();
  a.ensure(10);  // same size: kept
  EXPECT_EQ(a.generation(), g0);
  const ViewTransform camera{{0, 0}, 100};  // the unit circle is 100 pixels round the centre
  const Vec2 on = camera.to_screen({a.anchors()(3, 0), a.anchors()(3, 1)}, kRect);
  EXPECT_EQ(a.hit({on.x + 4, on.y - 3}, camera, kRect), 3);
  EXPECT_EQ(a.hit(kRect.center(), camera, kRect), -1);  // the origin is far from every anchor
  a.move(3, {0.25f, -0.5f});
  EXPECT_TRUE(a.moved());
  EXPECT_GT(a.generation(), g0);
  EXPECT_FLOAT_EQ(a.anchors()(3, 0), 0.25f);
  const unsigned g1 = a.generation();
  a.move(99, {1, 1});  // not an anchor: nothing happens
  EXPECT_EQ(a.generation(), g1);
  a.reset(10);
  EXPECT_FALSE(a.moved());
  EXPECT_GT(a.generation(), g1);
  a.ensure(4);  // another layer
  EXPECT_EQ(a.dims(), 4);
}

TEST(StarAnchors, LabelsSitBeyondTheAnchorAlongItsSpoke) {
  const Vec2 origin{200, 200};
  const Vec2 at = anchor_label_position({300, 200}, origin, {20, 10}, 16);  // an anchor to the right
  EXPECT_FLOAT_EQ(at.x, 300 + 16);  // the label starts 16 px right of it
  EXPECT_FLOAT_EQ(at.y, 200 - 5);
  const Vec2 left = anchor_label_position({100, 200}, origin, {90, 10}, 16);  // a long label on the left
  EXPECT_FLOAT_EQ(left.x + 90, 100 - 16);  // ends 16 px before the anchor
  const Vec2 up = anchor_label_position({200, 100}, origin, {20, 10}, 16);  // above: the label further up
  EXPECT_LT(up.y + 5, 100.0f);
}

TEST(StarAnchors, OverlappingLabelsAreFound) {
  const Rect a{{0, 0}, {40, 10}}, b{{50, 0}, {90, 10}}, c{{30, 5}, {60, 15}};
  EXPECT_FALSE(labels_overlap({a, b}, 4));
  EXPECT_TRUE(labels_overlap({a, b}, 12));  // 10 px apart: too close for 12
  EXPECT_TRUE(labels_overlap({a, b, c}, 0));
  EXPECT_FALSE(labels_overlap({}, 4));
  EXPECT_FALSE(labels_overlap({a}, 4));
}

TEST(GraphAdjacency, ListsBothEndsAndSkipsEdgesOutOfRange) {
  const std::vector<std::pair<int, int>> edges{{0, 1}, {1, 2}, {0, 2}, {2, 7}, {-1, 0}};
  Adjacency adj;
  adj.build(edges, 3);
  EXPECT_EQ(adj.size(), 3u);
  auto as_vector = [](std::span<const std::uint32_t> s) { return std::vector<std::uint32_t>(s.begin(), s.end()); };
  EXPECT_EQ(as_vector(adj.of(0)), (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(as_vector(adj.of(1)), (std::vector<std::uint32_t>{0, 2}));
  EXPECT_EQ(as_vector(adj.of(2)), (std::vector<std::uint32_t>{1, 0}));
  EXPECT_TRUE(adj.of(3).empty());
}

TEST(OrbitFit, SnapsFirstThenFollowsSmoothly) {
  const std::vector<float> xyz{0, 0, 0, 2, 2, 2, std::nanf(""), 0, 0};
  const Box3 box = Box3::of(xyz);
  ASSERT_TRUE(box.valid);
  EXPECT_FLOAT_EQ(box.center().x, 1.0f);
  EXPECT_NEAR(box.radius(), std::sqrt(3.0f), 1e-5f);
  OrbitFit fit;
  EXPECT_FALSE(fit.follow(box, 0.016f));  // snaps
  EXPECT_FLOAT_EQ(fit.center.y, 1.0f);
  const std::vector<float> moved{10, 0, 0, 12, 2, 2};
  EXPECT_TRUE(fit.follow(Box3::of(moved), 0.016f));  // part of the way
  EXPECT_GT(fit.center.x, 1.0f);
  EXPECT_LT(fit.center.x, 11.0f);
  for (int i = 0; i < 200 && fit.follow(Box3::of(moved), 0.1f); ++i) {
  }
  EXPECT_NEAR(fit.center.x, 11.0f, 1e-3f);
  EXPECT_FALSE(fit.follow(Box3{}, 0.1f));  // nothing to fit
  // A portrait canvas scales the layout down so it fits the narrower width.
  EXPECT_LT(fit.model_scale({{0, 0}, {100, 300}}), fit.model_scale({{0, 0}, {300, 100}}));
}

TEST(OrbitFit, ScreenPositionsMatchTheCameraAndTheFrontMostPointIsPicked) {
  OrbitCamera cam;
  cam.distance = 3;
  float m[16];
  cam.clip_matrix(kRect, 0.02f, 100.f, m);
  // Two points on the line of sight through the centre, one nearer the eye, and one off to a side.
  Vec3 right, up, forward;
  cam.basis(right, up, forward);
  const Vec3 eye = cam.eye();
  auto along = [&](float d) { return Vec3{eye.x + forward.x * d, eye.y + forward.y * d, eye.z + forward.z * d}; };
  const Vec3 near = along(2.0f), far = along(4.0f), side{right.x, right.y, right.z};
  const std::vector<float> xyz{far.x, far.y, far.z, near.x, near.y, near.z, side.x, side.y, side.z};
  std::vector<float> xy, depth;
  project_to_screen(xyz, m, kRect, 0.02f, xy, depth);
  ASSERT_EQ(xy.size(), 6u);
  EXPECT_NEAR(depth[0], 4.0f, 1e-3f);
  EXPECT_NEAR(depth[1], 2.0f, 1e-3f);
  // Offsets from the centre, y up, as OrbitCamera::project places them (y down, absolute).
  for (std::size_t i = 0; i < 3; ++i) {
    const Vec2 s = cam.project({xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]}, kRect);
    EXPECT_NEAR(xy[2 * i], s.x - kRect.center().x, 1e-2f);
    EXPECT_NEAR(xy[2 * i + 1], kRect.center().y - s.y, 1e-2f);
  }
  const std::vector<int> both{0, 1};
  EXPECT_EQ(front_most(both, xy, depth, {0, 0}, 8, cam.distance), 1);  // the nearer one covers the centre
  EXPECT_EQ(front_most(both, xy, depth, {40, 40}, 8, cam.distance), -1);  // no disc there
  // Behind the eye: not drawn, not pickable.
  const Vec3 behind = along(-1.0f);
  const std::vector<float> back{behind.x, behind.y, behind.z};
  project_to_screen(back, m, kRect, 0.02f, xy, depth);
  EXPECT_TRUE(std::isnan(xy[0]));
}

TEST(ChangeColours, MostChangedOnTopFilteredOutLeftOutUnknownGrey) {
  const std::vector<float> change{0.9f, 0.1f, 0.5f, 0.0f};
  const std::vector<std::uint8_t> heldout{0, 1, 0, 1};
  const auto c = change_colours(change, heldout, [](bool) { return true; });
  EXPECT_EQ(c.order, (std::vector<std::uint32_t>{3, 1, 2, 0}));
  EXPECT_EQ(c.colours[0].r, sequential_color(0.9f).r);
  EXPECT_EQ(c.hollow[1], 1);
  const auto training = change_colours(change, heldout, [](bool h) { return !h; });
  EXPECT_EQ(training.order, (std::vector<std::uint32_t>{2, 0}));
  const auto unknown = change_colours({}, heldout, [](bool) { return true; });
  EXPECT_EQ(unknown.colours[2].a, kDimmed.a);
  EXPECT_EQ(unknown.order, (std::vector<std::uint32_t>{0, 1, 2, 3}));
  EXPECT_NEAR(mean_change(change), 0.375, 1e-6);
  EXPECT_DOUBLE_EQ(mean_change({}), 0.0);
}

TEST(ViewStatus, ChainStatusInWords) {
  jobs::ChainStatus st;
  st.frames_available = 46;
  st.frames_final = 31;
  st.working_frame = 31;
  st.iteration = 430;
  st.total_iterations = 750;
  ShownLayout animating{31, false, 430, 750};
  EXPECT_EQ(chain_status("t-SNE", st, animating, 31), "t-SNE: 31/46 frames, animating frame 31, iteration 430/750");
  ShownLayout older{30, true, 750, 750};
  EXPECT_EQ(chain_status("t-SNE", st, older, 31),
            "t-SNE: 31/46 frames, computing frame 31 (430/750) - showing frame 30 until 31 is ready");
  st.error = "NaN in the gradient";
  st.error_frame = 12;
  st.working_frame = -1;
  EXPECT_EQ(chain_status("UMAP", st, ShownLayout{11, true, 0, 0}, 11), "UMAP: 31/46 frames, stopped at frame 12: NaN in the gradient");
  EXPECT_NEAR(chain_progress(st), 31.0 / 46, 1e-6);
  st.working_frame = 31;
  EXPECT_NEAR(chain_progress(st), (31 + 430.0 / 750) / 46, 1e-6);
  EXPECT_EQ(chain_progress(jobs::ChainStatus{}), 0.0f);
}

TEST(ViewStatus, ReadoutsShowWhatIsKnown) {
  EXPECT_EQ(readouts_text({}), "");
  Readouts r;
  r.kl = 1.234;
  r.recall = 0.714;
  r.displacement = 0.05;
  r.mean_change = 0.123;
  EXPECT_EQ(readouts_text(r), "  |  KL 1.23  |  recall@10 0.71  |  moved 0.05  |  changed 12%");
  r.kl = std::nan("");
  r.mean_change = -1;
  EXPECT_EQ(readouts_text(r), "  |  recall@10 0.71  |  moved 0.05");
}

TEST(PcaImages, RedForPlusBlueForMinusBlackAtZero) {
  const Rgba8 plus = loading_colour(1.0f), minus = loading_colour(-1.0f), zero = loading_colour(0.0f);
  EXPECT_GT(plus.r, plus.b);
  EXPECT_GT(minus.b, minus.r);
  EXPECT_EQ(zero.r + zero.g + zero.b, 0);
  EXPECT_EQ(loading_colour(2.0f).r, plus.r);  // clamped
  EXPECT_LT(loading_colour(0.5f).r, plus.r);
}

TEST(PixelAxes, NamesWidthsLayerColumnsAndTheMeanImage) {
  auto ps = epochscope::testing::synthetic_points(50);
  EXPECT_EQ(layer_width(ps, "hidden"), 64);
  EXPECT_EQ(layer_width(ps, "input"), 0);
  EXPECT_EQ(axis_count(ps, "input"), 784);
  EXPECT_EQ(axis_count(ps, "output"), 10);
  EXPECT_EQ(axis_name(ps, "input", 14 * 28 + 9), "pixel (row 14, col 9)");
  EXPECT_EQ(axis_name(ps, "output", 3), "p(3)");
  EXPECT_EQ(axis_name(ps, "logits", 3), "logit 3");
  EXPECT_EQ(axis_name(ps, "hidden", 12), "unit 12");
  ps.signal = true;
  EXPECT_EQ(axis_name(ps, "input", 39), "sample 39");
  Matrix layer(3, 4);
  layer << 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12;
  const Matrix m = layer_axes_layout(layer, 3, 0);
  EXPECT_EQ(m(1, 0), 8);
  EXPECT_EQ(m(1, 1), 5);
  EXPECT_THROW(layer_axes_layout(layer, 4, 0), Error);
  const auto mean = mean_image(ps);
  ASSERT_EQ(mean.size(), 784u);
  double direct = 0;
  for (std::size_t i = 0; i < ps.size(); ++i) direct += ps.images[i * 784 + 100];
  EXPECT_NEAR(mean[100], direct / static_cast<double>(ps.size()), 1e-3);
}

namespace {

// A session of `frames` frames whose evicted layers are read back through a loader that takes `delay`.
std::shared_ptr<store::EpochStore> evicting_store(int frames, std::chrono::milliseconds delay, std::atomic<int>* reads) {
  auto ps = std::make_shared<store::PointSet>(epochscope::testing::synthetic_points(300));
  std::vector<store::FramePtr> originals;
  for (int i = 0; i < frames; ++i) originals.push_back(std::make_shared<store::Frame>(epochscope::testing::synthetic_frame(*ps, i)));
  auto s = std::make_shared<store::EpochStore>(ps, store::MemoryOptions{.resident_bytes = 1, .pinned = {"output"}, .reload_cache = 1});
  for (auto& f : originals) s->publish(f);
  s->set_loader([originals, delay, reads](std::size_t i) {
    std::this_thread::sleep_for(delay);
    ++*reads;
    return originals.at(i);
  });
  for (int i = 0; i < frames; ++i) s->mark_saved(static_cast<std::size_t>(i));
  return s;
}

LocalLayouts::Lookup wait_current(LocalLayouts& l, const std::shared_ptr<store::EpochStore>& s, jobs::TaskRunner& tasks, int frame) {
  LocalLayouts::Lookup got;
  for (int i = 0; i < 500; ++i) {
    got = l.get(s, &tasks, frame);
    if (got.current || !got.error.empty()) return got;
    std::this_thread::sleep_for(10ms);
  }
  return got;
}

}  // namespace

TEST(LocalLayouts, ReadsEvictedLayersOnAWorkerAndNeverWaits) {
  std::atomic<int> reads{0};
  auto s = evicting_store(4, 300ms, &reads);
  ASSERT_GT(s->evicted_frames(), 0u);
  jobs::TaskRunner tasks({.threads = 2});
  LocalLayouts l;
  const Matrix anchors = project::default_star_anchors(64);
  l.set_recipe([anchors](const store::PointSet&, const Matrix* layer) {
    return project::star_layout(project::star_normalized(*layer), anchors);
  }, 1, "hidden");
  const auto start = std::chrono::steady_clock::now();
  const auto first = l.get(s, &tasks, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 100ms);  // did not wait for the 300 ms read
  EXPECT_TRUE(first.reading);
  EXPECT_FALSE(first.current);
  EXPECT_EQ(first.layout, nullptr);
  EXPECT_TRUE(l.busy());
  const auto done = wait_current(l, s, tasks, 0);
  ASSERT_TRUE(done.current) << done.error;
  EXPECT_EQ(done.layout->rows(), 300);
  EXPECT_TRUE(done.layout->isApprox(project::star_layout(project::star_normalized(*s->layer(0, "hidden")), anchors)));
  EXPECT_EQ(l.current_frames(), 1);
  // Peeking starts nothing.
  EXPECT_EQ(l.get(s, &tasks, 2, false).layout, nullptr);
  EXPECT_FALSE(l.busy());
}

TEST(LocalLayouts, ANewRecipeKeepsTheStaleLayoutUntilTheNewOneIsThere) {
  std::atomic<int> reads{0};
  auto s = evicting_store(2, 0ms, &reads);
  jobs::TaskRunner tasks;
  LocalLayouts l;
  auto scaled = [](float k) {
    return [k](const store::PointSet&, const Matrix* layer) { return Matrix(layer->leftCols(2) * k); };
  };
  l.set_recipe(scaled(1), 1, "hidden");
  const auto one = wait_current(l, s, tasks, 1);
  ASSERT_TRUE(one.current);
  l.set_recipe(scaled(2), 2, "hidden");
  const auto stale = l.get(s, &tasks, 1);
  EXPECT_FALSE(stale.current);
  EXPECT_EQ(stale.layout, one.layout);  // shown until the new one is there
  const auto two = wait_current(l, s, tasks, 1);
  ASSERT_TRUE(two.current);
  EXPECT_FLOAT_EQ((*two.layout)(5, 0), 2 * (*one.layout)(5, 0));
}

TEST(LocalLayouts, FailuresAreReportedOnceAndTheInputIsLaidOutOnce) {
  std::atomic<int> reads{0};
  auto s = evicting_store(3, 0ms, &reads);
  jobs::TaskRunner tasks;
  LocalLayouts l;
  l.set_recipe([](const store::PointSet&, const Matrix*) -> Matrix { throw Error("no such axis"); }, 1, "hidden");
  const auto failed = wait_current(l, s, tasks, 0);
  EXPECT_EQ(failed.error, "no such axis");
  EXPECT_FALSE(l.busy());
  EXPECT_EQ(l.get(s, &tasks, 0).error, "no such axis");  // not tried again with the same recipe
  EXPECT_FALSE(l.busy());
  // The input: one layout for every frame, made from the points alone.
  int made = 0;
  l.set_recipe([&made](const store::PointSet& ps, const Matrix* layer) {
    ++made;
    EXPECT_EQ(layer, nullptr);
    return pixel_axes_layout(ps, 0, 1);
  }, 2, "input");
  ASSERT_TRUE(wait_current(l, s, tasks, 0).current);
  EXPECT_TRUE(l.get(s, &tasks, 2).current);
  EXPECT_EQ(made, 1);
}

TEST(SvgExport, PointsGroupedByColourTracesLegendAndEscapedText) {
  SvgScene s;
  s.width = 300;
  s.height = 200;
  const Rgba8 a{230, 159, 0, 215}, b{86, 180, 233, 215};
  s.points = {{{10, 10}, a, false}, {{20, 20}, a, false}, {{30, 30}, b, true}, {{std::nanf(""), 5}, b, true}, {{40, 40}, a, false}};
  s.traces = {{{{10, 10}, {50, 60}, {90, 20}}, a}};
  s.legend = {{"T-shirt/top", a}, {"<Bag & co>", b}};
  s.caption = "t-SNE of the \"output\" layer, frame 3";
  const std::string svg = to_svg(s);
  const auto count = [&](const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = svg.find(needle); at != std::string::npos; at = svg.find(needle, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_NE(svg.find("width=\"300.0\""), std::string::npos);
  // 4 finite points + 3 trace dots + 2 legend dots; the NaN point is left out.
  EXPECT_EQ(count("<circle"), 4u + 3u + 2u);
  EXPECT_EQ(count("<g fill=\"#e69f00\""), 3u);  // a's two runs of points, and the trace's dots
  EXPECT_EQ(count("stroke=\"#56b4e9\" stroke-opacity"), 1u);  // the ring group
  EXPECT_EQ(count("<polyline"), 2u);  // the trace and its outline
  EXPECT_NE(svg.find("&lt;Bag &amp; co&gt;"), std::string::npos);
  EXPECT_NE(svg.find("&quot;output&quot;"), std::string::npos);
  EXPECT_EQ(svg.find("<Bag"), std::string::npos);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
}

TEST(ChartAxes, RoundStepsCoveringTheRange) {
  EXPECT_EQ(nice_ticks(0, 1, 4), (std::vector<double>{0, 0.5, 1}));  // the step at least range / target
  EXPECT_EQ(nice_ticks(0.31, 2.35, 4), (std::vector<double>{1, 2}));  // inside the range only
  EXPECT_EQ(nice_ticks(0.31, 2.35, 8), (std::vector<double>{0.5, 1, 1.5, 2}));
  EXPECT_EQ(nice_ticks(0, 100, 2), (std::vector<double>{0, 50, 100}));
  EXPECT_EQ(nice_ticks(-1, 1, 4), (std::vector<double>{-1, -0.5, 0, 0.5, 1}));  // zero exactly, not -1e-17
  const auto big = nice_ticks(1234, 98765, 5);
  ASSERT_FALSE(big.empty());
  for (double v : big) EXPECT_EQ(std::fmod(v, 20000), 0);
  EXPECT_TRUE(nice_ticks(1, 1).empty());
  EXPECT_TRUE(nice_ticks(2, 1).empty());
  EXPECT_TRUE(nice_ticks(0, std::nan("")).empty());
  EXPECT_TRUE(nice_ticks(0, 1, 0).empty());
}

TEST(ChartAxes, LabelsHaveTheDecimalsTheStepNeeds) {
  EXPECT_EQ(tick_label(0.25, 0.25), "0.25");
  EXPECT_EQ(tick_label(0.5, 0.5), "0.5");
  EXPECT_EQ(tick_label(50, 50), "50");
  EXPECT_EQ(tick_label(20000, 20000), "20000");
  EXPECT_EQ(tick_label(0.002, 0.001), "0.002");
  EXPECT_EQ(tick_label(1e-9, 1e-9), "0.000000");  // six places at most
}

TEST(ChartAxes, ShortNamesTellClassesApart) {
  const std::vector<std::string> fashion = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
  EXPECT_EQ(short_names(fashion),
            (std::vector<std::string>{"T-", "Tr", "P", "D", "C", "Sa", "Sh", "Sn", "Bag", "A"}));
  EXPECT_EQ(short_names({"0", "1", "10"}), (std::vector<std::string>{"0", "1", "10"}));
  EXPECT_EQ(short_names({"same", "same"}), (std::vector<std::string>{"same", "same"}));  // nothing tells them apart
}

TEST(UiState, SettingsOfOneSessionFitTheNext) {
  UiState state;
  state.views[0] = {jobs::Method::tsne, "conv2"};  // a layer this session does not have
  state.views[1] = {jobs::Method::pixels, "input"};
  state.views[1].axis_x = 300;  // MNIST pixels
  state.views[1].axis_y = 400;
  store::PointSet mnist1d;
  mnist1d.width = 40;
  mnist1d.height = 1;
  mnist1d.layers = {{"hidden", 64, store::LayerKind::dense},
                    {"logits", 10, store::LayerKind::logits},
                    {"output", 10, store::LayerKind::output}};
  const auto note = state.fit_views(mnist1d);
  EXPECT_NE(note.find("conv2"), std::string::npos);
  EXPECT_EQ(state.views[0].layer, "logits");  // the deepest layer that is not the softmax output
  EXPECT_EQ(std::make_pair(state.views[1].axis_x, state.views[1].axis_y), std::make_pair(10, 30));  // two samples apart
  store::PointSet mnist;
  mnist.layers = mnist1d.layers;
  state.views[1].axis_x = 300;
  state.views[1].axis_y = 400;
  EXPECT_TRUE(state.fit_views(mnist).empty());
  EXPECT_EQ(std::make_pair(state.views[1].axis_x, state.views[1].axis_y), std::make_pair(300, 400));  // kept: they fit
}

TEST(Settings, UiScaleAndThemeRoundTripClamped) {
  const auto dir = epochscope::testing::scratch_dir();
  GuiSettings s;
  s.ui_scale = 1.75f;
  s.light = true;
  ASSERT_TRUE(save_settings(dir / "gui.json", s));
  auto back = load_settings(dir / "gui.json");
  EXPECT_FLOAT_EQ(back.ui_scale, 1.75f);
  EXPECT_TRUE(back.light);
  s.ui_scale = 40;  // hand-edited
  ASSERT_TRUE(save_settings(dir / "gui.json", s));
  EXPECT_FLOAT_EQ(load_settings(dir / "gui.json").ui_scale, 3.0f);
}

TEST(DepthStrip, ColumnsMakeTheLargestPanels) {
  EXPECT_EQ(strip_columns(1, 400, 300), 1);
  EXPECT_EQ(strip_columns(6, 600, 400), 3);   // 3 x 2 panels of 200 x 200
  EXPECT_EQ(strip_columns(5, 300, 900), 1);   // a tall view: one column
  EXPECT_EQ(strip_columns(5, 1000, 200), 5);  // a wide one: one row
  EXPECT_EQ(strip_columns(4, 400, 400), 2);
}

TEST(Lasso, PointsInPolygonMatchTheDefinition) {
  // A 10 x 10 grid of points at (x + 0.5, y + 0.5); an L-shaped (concave) lasso.
  std::vector<float> xy;
  for (int y = 0; y < 10; ++y) {
    for (int x = 0; x < 10; ++x) {
      xy.push_back(static_cast<float>(x) + 0.5f);
      xy.push_back(static_cast<float>(y) + 0.5f);
    }
  }
  const std::vector<Vec2> l{{0, 0}, {4, 0}, {4, 6}, {8, 6}, {8, 10}, {0, 10}};
  const auto inside = points_in_polygon(xy, {}, l);
  std::vector<int> expected;
  for (int y = 0; y < 10; ++y) {
    for (int x = 0; x < 10; ++x) {
      if ((x < 4) || (y >= 6 && x < 8)) expected.push_back(y * 10 + x);
    }
  }
  EXPECT_EQ(inside, expected);
  // Hidden points stay out; the orientation does not matter; a line selects nothing.
  std::vector<std::uint8_t> visible(100, 1);
  visible[0] = 0;
  const std::vector<Vec2> reversed(l.rbegin(), l.rend());
  auto hidden = points_in_polygon(xy, visible, reversed);
  EXPECT_EQ(hidden.size(), expected.size() - 1);
  EXPECT_TRUE(points_in_polygon(xy, {}, std::vector<Vec2>{{0, 0}, {5, 5}}).empty());
}

TEST(Lasso, SelectAddAndTakeAway) {
  UiState s;
  s.select_points(std::vector<int>{3, 1, 2}, false);
  EXPECT_EQ(s.selection, (std::vector<int>{3, 1, 2}));
  s.select_points(std::vector<int>{2, 5}, true);  // Shift: added, no duplicates
  EXPECT_EQ(s.selection, (std::vector<int>{3, 1, 2, 5}));
  s.deselect_points(std::vector<int>{1, 5, 9});  // Alt: taken away
  EXPECT_EQ(s.selection, (std::vector<int>{3, 2}));
  s.select_points(std::vector<int>{7}, false);  // plain: replaced
  EXPECT_EQ(s.selection, (std::vector<int>{7}));
  // 5,000 points added to 5,000 in one go stay quick and unique.
  std::vector<int> a(5000), b(5000);
  for (int i = 0; i < 5000; ++i) a[static_cast<std::size_t>(i)] = i, b[static_cast<std::size_t>(i)] = i + 2500;
  s.select_points(a, false);
  s.select_points(b, true);
  EXPECT_EQ(s.selection.size(), 7500u);
}

TEST(SelectionTable, RowsSortAndCsv) {
  auto ps = epochscope::testing::synthetic_points(6);  // labels 0..5
  std::vector<store::FramePtr> frames;
  for (int f = 0; f < 3; ++f) {
    auto fr = std::make_shared<store::Frame>(epochscope::testing::synthetic_frame(ps, f));
    fr->metrics.train_accuracy = fr->metrics.heldout_accuracy = 0.5;
    // Point 1 right from frame 1 on, point 4 never, point 2 always.
    fr->predicted = {9, static_cast<std::uint8_t>(f >= 1 ? 1 : 0), 2, 9, 0, 9};
    fr->epoch = f;
    frames.push_back(fr);
  }
  auto rows = selection_rows(ps, frames, {4, 1, 2, 99}, 2);  // 99 is no point: skipped
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].point, 4);
  EXPECT_EQ(rows[0].first_correct, -1);
  EXPECT_EQ(rows[1].first_correct, 1);
  EXPECT_EQ(rows[2].first_correct, 0);
  EXPECT_EQ(rows[1].predicted, 1);
  EXPECT_NEAR(rows[1].confidence, (*frames[2]->layer("output"))(1, 1), 1e-6);
  sort_rows(rows, SelectionColumn::first_correct, true);  // never: last
  EXPECT_EQ((std::vector<int>{rows[0].point, rows[1].point, rows[2].point}), (std::vector<int>{2, 1, 4}));
  sort_rows(rows, SelectionColumn::point, false);
  EXPECT_EQ(rows[0].point, 4);
  auto layout = std::make_shared<Matrix>(Matrix::Constant(6, 2, 0.5f));
  const auto csv = selection_csv(ps, rows, {{"view1_umap_hidden", layout}});
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "index,true,predicted,confidence,first_correct_epoch,view1_umap_hidden_x,view1_umap_hidden_y");
  EXPECT_NE(csv.find("\n4,\"4\",\"0\","), std::string::npos) << csv;
  EXPECT_NE(csv.find(",,0.5,0.5\n"), std::string::npos) << csv;  // point 4: never right, empty cell
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
}

TEST(PointFilter, EachConditionAgainstADirectCheck) {
  auto ps = epochscope::testing::synthetic_points(6);  // labels 0..5
  std::vector<store::FramePtr> frames;
  for (int f = 0; f < 3; ++f) {
    auto fr = std::make_shared<store::Frame>(epochscope::testing::synthetic_frame(ps, f));
    fr->metrics.train_accuracy = fr->metrics.heldout_accuracy = 0.5;
    fr->predicted = {0, static_cast<std::uint8_t>(f >= 1 ? 1 : 0), 2, 9, 0, 9};  // 1 right from epoch 1
    fr->epoch = f;
    Matrix out = Matrix::Constant(6, 10, 0.05f);
    for (int i = 0; i < 6; ++i) out(i, fr->predicted[static_cast<std::size_t>(i)]) = 0.1f * static_cast<float>(i + 1);
    fr->layers["output"] = out;
    frames.push_back(fr);
  }
  auto kept = [&](PointFilter f) { return kept_points(filter_mask(ps, frames, 2, f)); };
  EXPECT_EQ(kept({}).size(), 6u);
  EXPECT_EQ(kept({.true_class = 3}), (std::vector<int>{3}));
  EXPECT_EQ(kept({.predicted_class = 0}), (std::vector<int>{0, 4}));
  EXPECT_EQ(kept({.correct = 1}), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(kept({.correct = 2}), (std::vector<int>{3, 4, 5}));
  EXPECT_EQ(kept({.confidence_lo = 0.25f, .confidence_hi = 0.45f}), (std::vector<int>{2, 3}));
  EXPECT_EQ(kept({.changed_since = 0}), (std::vector<int>{1}));
  EXPECT_EQ(kept({.first_correct_at_least = 1}), (std::vector<int>{1}));  // 0 and 2 were right at 0; 3-5 never
  EXPECT_EQ(kept({.correct = 1, .point = 2}), (std::vector<int>{2}));
  // Nothing predicted (an imported embedding): prediction filters keep nothing, the class filter works.
  for (auto& f : frames) std::const_pointer_cast<store::Frame>(f)->metrics.train_accuracy = std::nan(""),
                         std::const_pointer_cast<store::Frame>(f)->metrics.heldout_accuracy = std::nan("");
  EXPECT_TRUE(kept({.correct = 1}).empty());
  EXPECT_EQ(kept({.true_class = 4}), (std::vector<int>{4}));
}

TEST(Bounds, TheFitLeavesOutAFewPointsFarFromTheRest) {
  std::vector<float> xy;
  for (int i = 0; i < 5000; ++i) {
    xy.push_back(static_cast<float>(i % 100) * 0.1f);  // a 10 x 5 block
    xy.push_back(static_cast<float>(i / 100) * 0.1f);
  }
  std::size_t far = 99;
  const Bounds same = Bounds::of_bulk(xy, &far);  // no outliers: every point's bounds
  EXPECT_EQ(far, 0u);
  EXPECT_FLOAT_EQ(same.max.x, 9.9f);
  EXPECT_FLOAT_EQ(same.max.y, 4.9f);
  for (const float v : {500.0f, -800.0f, 1200.0f}) xy.insert(xy.end(), {v, v});  // three flung far out
  const Bounds bulk = Bounds::of_bulk(xy, &far);
  EXPECT_EQ(far, 3u);
  EXPECT_FLOAT_EQ(bulk.min.x, 0.0f);
  EXPECT_FLOAT_EQ(bulk.max.x, 9.9f);
  EXPECT_FLOAT_EQ(bulk.max.y, 4.9f);
  const std::vector<float> few = {0, 0, 1, 1, 1000, 1000};  // under 1,000 points: all of them
  EXPECT_FLOAT_EQ(Bounds::of_bulk(few, &far).max.x, 1000.0f);
  EXPECT_EQ(far, 0u);
}
