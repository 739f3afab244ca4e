// The session format's filters (1.6): the first convolution's weights in each frame. What the
// writer writes reads back within the stated bound (and survives reading back alone and eviction),
// what breaks the rules the writer refuses, and another writer's record that breaks them is dropped
// with a one-line reason.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <msgpack.hpp>
#include <random>
#include <tuple>

#include "epochscope/io/codec.hpp"
#include "epochscope/io/session.hpp"
#include "epochscope/store/filter_bank.hpp"
#include "session_records.hpp"
#include "test_util.hpp"

using namespace epochscope;
using epochscope::testing::expect_same_frame;
using epochscope::testing::pack_bytes;
using epochscope::testing::pack_encoded;
using epochscope::testing::Packer;
using epochscope::testing::raw_record;
using epochscope::testing::read_bytes;
using epochscope::testing::scratch_dir;
using epochscope::testing::synthetic_frame;
using epochscope::testing::synthetic_points;
using epochscope::testing::write_bytes;

namespace {


store::FilterBank some_filters(int count, int channels, int height, int width, float range, std::uint32_t seed = 9) {
  store::FilterBank b{"conv1", count, channels, height, width, {}};
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-range, range);
  b.weights.resize(static_cast<std::size_t>(count) * b.filter_size());
  for (auto& w : b.weights) w = u(rng);
  return b;
}

void expect_same_filters(const store::FilterBank& got, const store::FilterBank& want, float tol) {
  EXPECT_EQ(got.layer, want.layer);
  EXPECT_EQ(got.count, want.count);
  EXPECT_EQ(got.channels, want.channels);
  EXPECT_EQ(got.height, want.height);
  EXPECT_EQ(got.width, want.width);
  ASSERT_EQ(got.weights.size(), want.weights.size());
  float worst = 0;
  for (std::size_t k = 0; k < got.weights.size(); ++k) worst = std::max(worst, std::abs(got.weights[k] - want.weights[k]));
  EXPECT_LE(worst, tol) << want.layer << " " << want.count << " x " << want.channels;
}

// The frame record `f` as the writer writes it (to the scratch file `path`), with a `filters` field
// that `filters` packs in place of the writer's (another writer's record, possibly breaking the rules).
std::string frame_with_filters(const std::filesystem::path& path, const store::PointSet& ps, const store::Frame& f,
                               const std::function<void(Packer&)>& filters) {
  std::uint64_t start = 0;
  {
    io::SessionWriter w(path, ps, {});
    start = w.bytes_written();
    auto plain = f;
    plain.filters = {};
    w.append(plain);
  }
  const std::string bytes = read_bytes(path);
  std::filesystem::remove(path);
  const auto envelope = msgpack::unpack(bytes.data() + start, bytes.size() - start);
  const auto& body = envelope.get().via.array.ptr[1].via.bin;
  const auto payload = msgpack::unpack(body.ptr, body.size);
  const auto& map = payload.get().via.map;
  msgpack::sbuffer out;
  Packer pk(out);
  pk.pack_map(map.size + 1);
  for (std::uint32_t i = 0; i < map.size; ++i) {
    pk.pack(map.ptr[i].key);
    pk.pack(map.ptr[i].val);
  }
  pk.pack(std::string("filters"));
  filters(pk);
  return raw_record(out);
}

// A `filters` map of the given fields; `data` is an encoded rows x cols matrix of `values`.
std::function<void(Packer&)> filters_map(std::string layer, int count, int channels, int height, int width,
                                         const io::EncodedMatrix& data) {
  return [=](Packer& pk) {
    pk.pack_map(6);
    pk.pack(std::string("layer")); pk.pack(layer);
    pk.pack(std::string("count")); pk.pack(count);
    pk.pack(std::string("channels")); pk.pack(channels);
    pk.pack(std::string("height")); pk.pack(height);
    pk.pack(std::string("width")); pk.pack(width);
    pk.pack(std::string("data"));
    pack_encoded(pk, data);
  };
}

}  // namespace

TEST(SessionFilters, RoundTripWithinTheBoundAndOnlyWhereWritten) {
  const auto dir = scratch_dir();
  const auto ps = synthetic_points(20);
  const auto grey = some_filters(32, 1, 3, 3, 0.33f);   // the default cnn's conv1
  const auto rgb = some_filters(16, 3, 5, 5, 0.2f);     // a colour input
  const auto line = some_filters(32, 1, 1, 5, 0.4f);    // a 1-D convolution (cnn1d)
  const auto wide = some_filters(4, 2, 3, 2, 50.0f);    // a range q16 cannot keep within 1e-5: f32
  std::vector<store::Frame> frames;
  std::vector<std::uint64_t> bytes;
  {
    io::SessionWriter w(dir / "s", ps, {});
    for (const auto* bank : {&grey, &rgb, static_cast<const store::FilterBank*>(nullptr), &line, &wide}) {
      auto f = synthetic_frame(ps, static_cast<int>(frames.size()));
      if (bank != nullptr) f.filters = *bank;
      w.append(f);
      bytes.push_back(w.last_filter_bytes());
      frames.push_back(std::move(f));
    }
  }
  const auto s = io::read_session(dir / "s");
  EXPECT_GE(s.version_minor, 6);  // filters came in 1.6
  EXPECT_EQ(s.dropped_bytes, 0u) << s.warning;
  ASSERT_EQ(s.frames.size(), 5u);
  expect_same_filters(s.frames[0]->filters, grey, io::kFilterMaxError);
  expect_same_filters(s.frames[1]->filters, rgb, io::kFilterMaxError);
  EXPECT_TRUE(s.frames[2]->filters.empty());
  EXPECT_EQ(bytes[2], 0u);
  expect_same_filters(s.frames[3]->filters, line, io::kFilterMaxError);
  expect_same_filters(s.frames[4]->filters, wide, 0.0f);  // f32: lossless
  for (std::size_t i = 0; i < frames.size(); ++i) expect_same_frame(frames[i], *s.frames[i], 1e-3f);
  // The default cnn's 32 x 1 x 3 x 3 weights (1,152 bytes as float32) take less in the file.
  EXPECT_GT(bytes[0], 300u);
  EXPECT_LT(bytes[0], 1152u);
  EXPECT_GT(s.filter_bytes, 0u);
  // A frame read back alone keeps its filters, and so does a frame an evicting store let go of.
  io::FrameReader reader(dir / "s", s.points);
  reader.add(1, s.frame_locations[1]);
  expect_same_filters(reader.read(1)->filters, s.frames[1]->filters, 0.0f);
  auto store = std::make_shared<store::EpochStore>(s.points, store::MemoryOptions{.resident_bytes = 1, .pinned = {}});
  store->set_loader([&](std::size_t i) { return s.frames[i]; });
  for (std::size_t i = 0; i < s.frames.size(); ++i) {
    store->publish(s.frames[i]);
    store->mark_saved(i);
  }
  EXPECT_GT(store->evicted_frames(), 0u);
  EXPECT_TRUE(store->frame(0)->layers.empty());
  expect_same_filters(store->frame(0)->filters, grey, io::kFilterMaxError);
}

TEST(SessionFilters, TheWriterRefusesBanksThatBreakTheRules) {
  const auto dir = scratch_dir();
  const auto ps = synthetic_points(10);
  io::SessionWriter w(dir / "s", ps, {});
  const auto bytes = w.bytes_written();
  auto nan = some_filters(8, 1, 3, 3, 0.3f);
  nan.weights[40] = std::numeric_limits<float>::quiet_NaN();
  auto short_of = some_filters(8, 1, 3, 3, 0.3f);
  short_of.weights.pop_back();
  auto unnamed = some_filters(2, 1, 3, 3, 0.3f);
  unnamed.layer.clear();
  for (const auto& [bank, why] : std::vector<std::pair<store::FilterBank, std::string>>{
           {nan, "filters of 'conv1': weight 40 of filter 4 is not finite"},
           {short_of, "filters of 'conv1': 71 weights for 8 x 1 x 3 x 3"},
           {unnamed, "filters: implausible layer name"},
           {some_filters(2, 17, 3, 3, 0.3f), "17 input channels (1 to 16)"},
           {some_filters(2, 1, 3, 33, 0.3f), "a 3 x 33 kernel"},
           {store::FilterBank{"conv1", 1024, 16, 32, 32, {}}, "16777216 weights, more than 262144"}}) {
    auto f = synthetic_frame(ps, 0);
    f.filters = bank;
    try {
      w.append(f);
      ADD_FAILURE() << "wrote " << why;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(w.bytes_written(), bytes);  // nothing written
  EXPECT_EQ(store::filter_bank_problem({}), "");
  const auto b = some_filters(3, 1, 2, 2, 1.0f);
  EXPECT_NEAR(b.norm(1), std::sqrt(b.weights[4] * b.weights[4] + b.weights[5] * b.weights[5] + b.weights[6] * b.weights[6] +
                                   b.weights[7] * b.weights[7]), 1e-6);
  EXPECT_EQ(b.max_abs(), std::abs(*std::max_element(b.weights.begin(), b.weights.end(), [](float x, float y) { return std::abs(x) < std::abs(y); })));
}

TEST(SessionFilters, DamagedFiltersDropTheFrameWithTheReason) {
  const auto dir = scratch_dir();
  const auto ps = synthetic_points(10);
  {
    io::SessionWriter w(dir / "base", ps, {});
    auto f = synthetic_frame(ps, 0);
    f.filters = some_filters(4, 1, 3, 3, 0.3f);
    w.append(f);
  }
  const auto next = synthetic_frame(ps, 1);
  auto encoded = [](int rows, int cols, float value) { return io::encode_matrix(Matrix::Constant(rows, cols, value), 0.0f); };
  const auto ok = encoded(4, 9, 0.1f);
  // Another writer's filters that keep the rules read (f32 here, as the simplest writer would).
  {
    const std::string good = read_bytes(dir / "base");
    write_bytes(dir / "foreign", good + frame_with_filters(dir / "scratch", ps, next, filters_map("stem", 4, 1, 3, 3, ok)));
    const auto s = io::read_session(dir / "foreign");
    EXPECT_EQ(s.dropped_bytes, 0u) << s.warning;
    ASSERT_EQ(s.frames.size(), 2u);
    EXPECT_EQ(s.frames[1]->filters.layer, "stem");
    EXPECT_EQ(s.frames[1]->filters.weights, std::vector<float>(36, 0.1f));
  }
  Matrix with_nan = Matrix::Constant(4, 9, 0.1f);
  with_nan(2, 5) = std::nanf("");
  auto short_data = ok;
  short_data.data.resize(short_data.data.size() / 2);
  const auto huge = io::EncodedMatrix{"f32", 1024, 16384, {}, {}, {0x78, 0x9c, 1, 2, 3}};
  auto with = [&](const std::function<void(Packer&)>& filters) { return frame_with_filters(dir / "scratch", ps, next, filters); };
  auto only_layer = [](Packer& pk) {
    pk.pack_map(1);
    pk.pack(std::string("layer")); pk.pack(std::string("conv1"));
  };
  for (const auto& [file, record, why] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"not-a-map", with([](Packer& pk) { pk.pack(5); }), "field 'filters' is not a map"},
           {"no-sizes", with(only_layer), "missing field 'count'"},
           {"no-name", with(filters_map("", 4, 1, 3, 3, ok)), "filters: implausible layer name"},
           {"no-filters", with(filters_map("conv1", 0, 1, 3, 3, encoded(0, 9, 0))), "filters of 'conv1': 0 filters (1 to 1024)"},
           {"negative", with(filters_map("conv1", -4, 1, 3, 3, ok)), "-4 filters"},
           {"channels", with(filters_map("conv1", 4, 17, 3, 3, ok)), "17 input channels"},
           {"kernel", with(filters_map("conv1", 4, 1, 33, 3, ok)), "a 33 x 3 kernel"},
           {"too-many", with(filters_map("conv1", 1024, 16, 32, 32, huge)), "16777216 weights, more than 262144"},
           {"shape", with(filters_map("conv1", 4, 1, 3, 3, encoded(3, 9, 0.1f))), "data is 3 x 9, not 4 x 9"},
           {"kernel-shape", with(filters_map("conv1", 4, 1, 3, 2, ok)), "data is 4 x 9, not 4 x 6"},
           {"short-data", with(filters_map("conv1", 4, 1, 3, 3, short_data)), "filters of 'conv1': "},
           {"nan", with(filters_map("conv1", 4, 1, 3, 3, io::encode_matrix(with_nan, 0.0f))), "weight 23 of filter 2 is not finite"}}) {
    const std::string good = read_bytes(dir / "base");
    write_bytes(dir / file, good + record);
    const auto s = io::read_session(dir / file);
    EXPECT_EQ(s.dropped_bytes, record.size()) << file;
    EXPECT_NE(s.warning.find(why), std::string::npos) << file << ": " << s.warning;
    EXPECT_EQ(s.warning.find('\n'), std::string::npos) << s.warning;
    ASSERT_EQ(s.frames.size(), 1u) << file;
    EXPECT_EQ(s.frames[0]->filters.count, 4);  // the frame before is whole
  }
}
