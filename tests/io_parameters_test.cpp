// The session format's parameters (1.7): the network's full parameter vector in each frame. What
// the writer writes reads back within the stated bound (and survives reading back alone and
// eviction), what breaks the rules the writer refuses, and another writer's record that breaks them
// is dropped with a one-line reason.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <functional>
#include <limits>
#include <msgpack.hpp>
#include <random>
#include <tuple>

#include "epochscope/io/codec.hpp"
#include "epochscope/io/session.hpp"
#include "epochscope/store/parameters.hpp"
#include "session_records.hpp"
#include "test_util.hpp"

using namespace epochscope;
using epochscope::testing::expect_same_frame;
using epochscope::testing::pack_encoded;
using epochscope::testing::Packer;
using epochscope::testing::raw_record;
using epochscope::testing::read_bytes;
using epochscope::testing::scratch_dir;
using epochscope::testing::synthetic_frame;
using epochscope::testing::synthetic_points;
using epochscope::testing::write_bytes;

namespace {

store::ParameterSnapshotPtr some_parameters(std::size_t count, float range, std::size_t buffers = 0, std::uint32_t seed = 9) {
  auto p = std::make_shared<store::ParameterSnapshot>();
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-range, range);
  p->values.resize(count);
  for (auto& v : p->values) v = u(rng);
  p->buffers = buffers;
  return p;
}

float worst_error(const store::ParameterSnapshot& got, const store::ParameterSnapshot& want) {
  EXPECT_EQ(got.values.size(), want.values.size());
  EXPECT_EQ(got.buffers, want.buffers);
  float worst = 0;
  for (std::size_t k = 0; k < std::min(got.values.size(), want.values.size()); ++k) {
    worst = std::max(worst, std::abs(got.values[k] - want.values[k]));
  }
  return worst;
}

// The frame record `f` as the writer writes it (to the scratch file `path`), with a `parameters`
// field that `pack` packs (another writer's record, possibly breaking the rules).
std::string frame_with_parameters(const std::filesystem::path& path, const store::PointSet& ps, const store::Frame& f,
                                  const std::function<void(Packer&)>& pack) {
  std::uint64_t start = 0;
  {
    io::SessionWriter w(path, ps, {});
    start = w.bytes_written();
    w.append(f);
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
  pk.pack(std::string("parameters"));
  pack(pk);
  return raw_record(out);
}

std::function<void(Packer&)> parameters_map(std::uint64_t count, std::uint64_t buffers, const io::EncodedMatrix& data) {
  return [=](Packer& pk) {
    pk.pack_map(3);
    pk.pack(std::string("count")); pk.pack(count);
    pk.pack(std::string("buffers")); pk.pack(buffers);
    pk.pack(std::string("data"));
    pack_encoded(pk, data);
  };
}

}  // namespace

TEST(SessionParameters, RoundTripWithinTheBoundAndOnlyWhereWritten) {
  const auto dir = scratch_dir();
  const auto ps = synthetic_points(20);
  const auto cnn = some_parameters(121930, 0.4f);        // the default cnn's size and a trained range: q16
  const auto bn = some_parameters(5000, 0.5f, 384, 4);   // with buffers
  const auto wide = some_parameters(300, 30.0f, 0, 5);   // a range q16 cannot keep within 1e-5: f32
  std::vector<store::Frame> frames;
  std::vector<std::uint64_t> bytes;
  {
    io::SessionWriter w(dir / "s", ps, {});
    for (const auto& p : {cnn, store::ParameterSnapshotPtr{}, bn, wide}) {
      auto f = synthetic_frame(ps, static_cast<int>(frames.size()));
      f.parameters = p;
      w.append(f);
      bytes.push_back(w.last_parameter_bytes());
      frames.push_back(std::move(f));
    }
  }
  const auto s = io::read_session(dir / "s");
  EXPECT_EQ(s.version_minor, 7);  // parameters came in 1.7
  EXPECT_EQ(s.dropped_bytes, 0u) << s.warning;
  ASSERT_EQ(s.frames.size(), 4u);
  ASSERT_TRUE(s.frames[0]->parameters);
  EXPECT_LE(worst_error(*s.frames[0]->parameters, *cnn), io::kParameterMaxError);
  EXPECT_FALSE(s.frames[1]->parameters);
  EXPECT_EQ(bytes[1], 0u);
  EXPECT_LE(worst_error(*s.frames[2]->parameters, *bn), io::kParameterMaxError);
  EXPECT_EQ(worst_error(*s.frames[3]->parameters, *wide), 0.0f);  // f32: lossless
  for (std::size_t i = 0; i < frames.size(); ++i) expect_same_frame(frames[i], *s.frames[i], 1e-3f);
  // q16: about 2 bytes a value (the default cnn's 487,720 bytes as float32), uniform noise deflating little.
  EXPECT_GT(bytes[0], 121930u * 3 / 2);
  EXPECT_LT(bytes[0], 121930u * 2 + 200);
  EXPECT_GT(bytes[3], 300u * 3);  // f32
  EXPECT_GT(s.parameter_bytes, bytes[0]);
  // A frame read back alone keeps them, and so does a frame an evicting store let go of.
  io::FrameReader reader(dir / "s", s.points);
  reader.add(2, s.frame_locations[2]);
  EXPECT_EQ(reader.read(2)->parameters->values, s.frames[2]->parameters->values);
  auto store = std::make_shared<store::EpochStore>(s.points, store::MemoryOptions{.resident_bytes = 1, .pinned = {}});
  store->set_loader([&](std::size_t i) { return s.frames[i]; });
  for (std::size_t i = 0; i < s.frames.size(); ++i) {
    store->publish(s.frames[i]);
    store->mark_saved(i);
  }
  EXPECT_GT(store->evicted_frames(), 0u);
  EXPECT_TRUE(store->frame(0)->layers.empty());
  EXPECT_EQ(store->frame(0)->parameters, s.frames[0]->parameters);  // the same snapshot, not a copy
}

TEST(SessionParameters, TheWriterRefusesSnapshotsThatBreakTheRules) {
  const auto dir = scratch_dir();
  const auto ps = synthetic_points(10);
  io::SessionWriter w(dir / "s", ps, {});
  const auto bytes = w.bytes_written();
  auto nan = std::make_shared<store::ParameterSnapshot>(*some_parameters(50, 0.3f));
  nan->values[17] = std::numeric_limits<float>::quiet_NaN();
  for (const auto& [p, why] : std::vector<std::pair<store::ParameterSnapshotPtr, std::string>>{
           {nan, "parameters: value 17 of 50 is not finite"},
           {some_parameters(0, 1.0f), "parameters: no values"},
           {some_parameters(4, 1.0f, 4), "parameters: 4 buffer values of 4 leave no parameter"}}) {
    auto f = synthetic_frame(ps, 0);
    f.parameters = p;
    try {
      w.append(f);
      ADD_FAILURE() << "wrote " << why;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(w.bytes_written(), bytes);  // nothing written
}

TEST(SessionParameters, DamagedParametersDropTheFrameWithTheReason) {
  const auto dir = scratch_dir();
  const auto ps = synthetic_points(10);
  {
    io::SessionWriter w(dir / "base", ps, {});
    auto f = synthetic_frame(ps, 0);
    f.parameters = some_parameters(40, 0.3f);
    w.append(f);
  }
  const auto next = synthetic_frame(ps, 1);
  auto column = [](int rows, float value) { return io::encode_matrix(Matrix::Constant(rows, 1, value), 0.0f); };
  const auto ok = column(40, 0.1f);
  auto with = [&](const std::function<void(Packer&)>& pack) { return frame_with_parameters(dir / "scratch", ps, next, pack); };
  // Another writer's parameters that keep the rules read (f32, without the optional `buffers`).
  {
    const std::string good = read_bytes(dir / "base");
    write_bytes(dir / "foreign", good + with([&](Packer& pk) {
                  pk.pack_map(2);
                  pk.pack(std::string("count")); pk.pack(40);
                  pk.pack(std::string("data"));
                  pack_encoded(pk, ok);
                }));
    const auto s = io::read_session(dir / "foreign");
    EXPECT_EQ(s.dropped_bytes, 0u) << s.warning;
    ASSERT_EQ(s.frames.size(), 2u);
    EXPECT_EQ(s.frames[1]->parameters->values, std::vector<float>(40, 0.1f));
    EXPECT_EQ(s.frames[1]->parameters->buffers, 0u);
  }
  Matrix with_inf = Matrix::Constant(40, 1, 0.1f);
  with_inf(23, 0) = std::numeric_limits<float>::infinity();
  auto short_data = ok;
  short_data.data.resize(short_data.data.size() / 2);
  const auto huge = io::EncodedMatrix{"f32", 1u << 30, 1, {}, {}, {0x78, 0x9c, 1, 2, 3}};
  for (const auto& [file, record, why] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"not-a-map", with([](Packer& pk) { pk.pack(5); }), "field 'parameters' is not a map"},
           {"no-data", with([](Packer& pk) { pk.pack_map(1); pk.pack(std::string("count")); pk.pack(40); }), "missing field 'data'"},
           {"no-count", with([&](Packer& pk) { pk.pack_map(1); pk.pack(std::string("data")); pack_encoded(pk, ok); }),
            "missing field 'count'"},
           {"empty", with(parameters_map(0, 0, column(0, 0))), "parameters: no values"},
           {"all-buffers", with(parameters_map(40, 40, ok)), "parameters: 40 buffer values of 40 leave no parameter"},
           {"too-many", with(parameters_map(1u << 30, 0, huge)), "parameters: 1073741824 values, more than 16777216"},
           {"shape", with(parameters_map(41, 0, ok)), "parameters: data is 40 x 1, not 41 x 1"},
           {"columns", with(parameters_map(40, 0, io::encode_matrix(Matrix::Constant(20, 2, 0.1f), 0.0f))),
            "parameters: data is 20 x 2, not 40 x 1"},
           {"short-data", with(parameters_map(40, 0, short_data)), "parameters: "},
           {"inf", with(parameters_map(40, 0, io::encode_matrix(with_inf, 0.0f))), "parameters: value 23 of 40 is not finite"}}) {
    const std::string good = read_bytes(dir / "base");
    write_bytes(dir / file, good + record);
    const auto s = io::read_session(dir / file);
    EXPECT_EQ(s.dropped_bytes, record.size()) << file;
    EXPECT_NE(s.warning.find(why), std::string::npos) << file << ": " << s.warning;
    EXPECT_EQ(s.warning.find('\n'), std::string::npos) << s.warning;
    ASSERT_EQ(s.frames.size(), 1u) << file;
    EXPECT_EQ(s.frames[0]->parameters->values.size(), 40u);  // the frame before is whole
  }
}
