#include <gtest/gtest.h>
#include <zlib.h>

#include <msgpack.hpp>

#include "epochscope/io/codec.hpp"
#include "epochscope/io/session.hpp"
#include "epochscope/store/layers.hpp"
#include "epochscope/io/session_follow.hpp"
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

std::filesystem::path write_session(const std::filesystem::path& path, const store::PointSet& ps, int frames) {
  io::SessionWriter w(path, ps, {{"seed", "1"}});
  for (int i = 0; i < frames; ++i) w.append(synthetic_frame(ps, i));
  return path;
}



// The payload of frame `index` of `ps` as the writer makes it, except that layer `name` is `layer`
// (already encoded, possibly lying) and the predicted classes are `predicted`.
msgpack::sbuffer frame_payload(const store::PointSet& ps, int index, const std::string& name,
                               const io::EncodedMatrix& layer, const std::vector<std::uint8_t>& predicted) {
  const auto f = synthetic_frame(ps, index);
  msgpack::sbuffer buf;
  Packer pk(buf);
  pk.pack_map(13);
  pk.pack(std::string("type")); pk.pack(std::string("frame"));
  pk.pack(std::string("index")); pk.pack(index);
  pk.pack(std::string("epoch")); pk.pack(index);
  pk.pack(std::string("train_loss")); pk.pack(f.metrics.train_loss);
  pk.pack(std::string("train_accuracy")); pk.pack(f.metrics.train_accuracy);
  pk.pack(std::string("heldout_loss")); pk.pack(f.metrics.heldout_loss);
  pk.pack(std::string("heldout_accuracy")); pk.pack(f.metrics.heldout_accuracy);
  pk.pack(std::string("per_class_accuracy")); pk.pack(f.metrics.per_class_accuracy);
  pk.pack(std::string("confusion")); pk.pack(f.metrics.confusion);
  pk.pack(std::string("wall_seconds")); pk.pack(f.metrics.wall_seconds);
  pk.pack(std::string("epoch_seconds")); pk.pack(f.metrics.epoch_seconds);
  pk.pack(std::string("predicted")); pack_bytes(pk, predicted.data(), predicted.size());
  pk.pack(std::string("layers"));
  pk.pack_map(static_cast<std::uint32_t>(ps.layers.size()));
  for (const auto& info : ps.layers) {
    pk.pack(info.name);
    const Matrix* m = f.layer(info.name);
    pack_encoded(pk, info.name == name ? layer
                     : io::encode_matrix(m != nullptr ? *m : Matrix::Zero(static_cast<Eigen::Index>(ps.size()), info.width)));
  }
  return buf;
}

// Appends `records` to a copy of the session at `base`, reads it and expects the records dropped
// with a warning that contains `why`; returns the session read.
io::Session expect_dropped(const std::filesystem::path& base, const std::filesystem::path& out,
                           const std::string& records, const std::string& why) {
  const std::string good = read_bytes(base);
  write_bytes(out, good + records);
  auto s = io::read_session(out);
  EXPECT_EQ(s.dropped_bytes, records.size()) << out;
  EXPECT_NE(s.warning.find(why), std::string::npos) << s.warning;
  EXPECT_NE(s.warning.find(out.string()), std::string::npos) << s.warning;
  EXPECT_EQ(s.warning.find('\n'), std::string::npos) << s.warning;
  return s;
}

}  // namespace

TEST(Codec, Q16StaysWithinItsBoundAndF32IsLossless) {
  Matrix probs = Matrix::Random(500, 10).cwiseAbs();
  const auto e = io::encode_matrix(probs);
  EXPECT_EQ(e.encoding, "q16");
  const Matrix back = io::decode_matrix(e, 5000);
  EXPECT_LE((back - probs).cwiseAbs().maxCoeff(), 1.0f / 131070 + 1e-7f);

  Matrix wide = Matrix::Random(100, 4) * 1000.0f;  // range 2000: q16 error would be 0.015 > 1e-3
  const auto f = io::encode_matrix(wide);
  EXPECT_EQ(f.encoding, "f32");
  EXPECT_EQ(io::decode_matrix(f, 400), wide);

  Matrix with_nan = probs;
  with_nan(3, 3) = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(io::encode_matrix(with_nan).encoding, "f32");
  EXPECT_THROW(io::decode_matrix(e, 100), Error);  // larger than allowed
  auto corrupt = e;
  corrupt.data[corrupt.data.size() / 2] ^= 0x55;
  corrupt.data.resize(corrupt.data.size() - 3);
  EXPECT_THROW(io::decode_matrix(corrupt, 5000), Error);
}

TEST(Session, RoundTripWithinTheStatedError) {
  const auto dir = scratch_dir();
  const auto ps = synthetic_points(300);
  write_session(dir / "s.epochscope", ps, 4);
  const auto s = io::read_session(dir / "s.epochscope");
  EXPECT_EQ(s.dropped_bytes, 0u);
  EXPECT_TRUE(s.warning.empty());
  EXPECT_EQ(s.version_major, io::kFormatMajor);
  EXPECT_EQ(s.meta.at("seed"), "1");
  EXPECT_EQ(s.points->labels, ps.labels);
  EXPECT_EQ(s.points->heldout, ps.heldout);
  EXPECT_EQ(s.points->images, ps.images);
  EXPECT_EQ(s.points->source_index, ps.source_index);
  EXPECT_EQ(s.points->class_names, ps.class_names);
  ASSERT_EQ(s.points->layers.size(), 3u);
  EXPECT_EQ(s.points->layers[2].name, "hidden");
  ASSERT_EQ(s.frames.size(), 4u);
  for (int i = 0; i < 4; ++i) expect_same_frame(synthetic_frame(ps, i), *s.frames[i], 1e-3f);
  // Softmax outputs are far more precise than the bound.
  const Matrix diff = *s.frames[3]->layer("output") - *synthetic_frame(ps, 3).layer("output");
  EXPECT_LE(diff.cwiseAbs().maxCoeff(), 1e-5f);
  EXPECT_GT(s.layer_bytes.at("output"), 0u);
}

TEST(Session, FramesReadBackByLocationFeedAnEvictingStore) {
  const auto dir = scratch_dir();
  const auto ps = std::make_shared<store::PointSet>(synthetic_points(200));
  std::vector<io::FrameLocation> written;
  {
    io::SessionWriter w(dir / "s", *ps, {});
    for (int i = 0; i < 5; ++i) {
      written.push_back(w.append(synthetic_frame(*ps, i)));
      io::LayoutRecord l;  // a layout between frames must not shift their locations
      l.method = "tsne";
      l.frame = i;
      l.positions = Matrix::Zero(200, 2);
      w.append_layout(l);
    }
  }
  const auto s = io::read_session(dir / "s");
  ASSERT_EQ(s.frame_locations.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(s.frame_locations[i].offset, written[i].offset);
    EXPECT_EQ(s.frame_locations[i].size, written[i].size);
  }
  io::FrameReader reader(dir / "s", ps);
  EXPECT_THROW(reader.read(1), Error);  // not added: unknown
  for (std::size_t i = 0; i < 5; ++i) reader.add(i, written[i]);
  expect_same_frame(synthetic_frame(*ps, 3), *reader.read(3), 1e-3f);
  // A location that points at another record is refused, never misread.
  reader.add(4, written[2]);
  EXPECT_THROW(reader.read(4), Error);
  reader.add(4, {written[4].offset + 1, written[4].size});
  EXPECT_THROW(reader.read(4), Error);
  reader.add(4, {written[4].offset, written[4].size + (1u << 20)});
  EXPECT_THROW(reader.read(4), Error);  // past the end of the file

  // The store lets go of saved frames beyond its budget and reads them back from the file.
  store::MemoryOptions mo;
  mo.resident_bytes = 2 * 74 * 200 * 4;
  auto st = std::make_shared<store::EpochStore>(ps, mo);
  const auto saved = io::evict_when_saved(st, dir / "s");
  for (int i = 0; i < 5; ++i) {
    st->publish(std::make_shared<store::Frame>(synthetic_frame(*ps, i)));
    saved(static_cast<std::size_t>(i), written[static_cast<std::size_t>(i)]);
  }
  EXPECT_EQ(st->evicted_frames(), 3u);
  EXPECT_EQ(st->frame(0)->layer("hidden"), nullptr);
  const auto hidden = st->layer(0, "hidden");
  ASSERT_NE(hidden, nullptr);
  EXPECT_LE((*hidden - *synthetic_frame(*ps, 0).layer("hidden")).cwiseAbs().maxCoeff(), 1e-3f);
  // The file gone: a clear error, not a crash.
  std::filesystem::remove(dir / "s");
  EXPECT_THROW(st->layer(1, "hidden"), Error);
}

TEST(Session, TrajectoryRecordsRoundTrip) {
  const auto dir = scratch_dir();
  const auto ps = synthetic_points(50);
  std::vector<store::TrajectoryPoint> points;
  for (int i = 0; i < 7; ++i) {
    store::TrajectoryPoint p{i * 3, i / 2, 2.0f / static_cast<float>(i + 1), std::vector<float>(256)};
    for (std::size_t j = 0; j < p.sketch.size(); ++j) p.sketch[j] = static_cast<float>(i) * 0.5f - static_cast<float>(j) * 1e-3f;
    points.push_back(std::move(p));
  }
  {
    io::SessionWriter w(dir / "s", ps, {});
    w.append(synthetic_frame(ps, 0));
    w.append_trajectory({points.begin(), points.begin() + 3});
    w.append_trajectory({});  // nothing new: no record
    w.append(synthetic_frame(ps, 1));
    w.append_trajectory({points.begin() + 3, points.end()});
  }
  const auto s = io::read_session(dir / "s");
  EXPECT_EQ(s.version_minor, io::kFormatMinor);
  ASSERT_EQ(s.frames.size(), 2u);
  ASSERT_EQ(s.trajectory.size(), 7u);
  for (std::size_t i = 0; i < 7; ++i) {
    EXPECT_EQ(s.trajectory[i].step, points[i].step);
    EXPECT_EQ(s.trajectory[i].epoch, points[i].epoch);
    EXPECT_FLOAT_EQ(s.trajectory[i].loss, points[i].loss);
    EXPECT_EQ(s.trajectory[i].sketch, points[i].sketch);  // stored as they are
  }
  // Snapshots of different sizes in one record are refused by the writer.
  io::SessionWriter w(dir / "t", ps, {});
  auto mixed = points;
  mixed[1].sketch.resize(10);
  EXPECT_THROW(w.append_trajectory(mixed), Error);
}

TEST(Session, TruncatedTailKeepsEveryCompleteFrame) {
  const auto dir = scratch_dir();
  const auto ps = synthetic_points(100);
  // Sizes after each frame tell which frames a cut keeps.
  std::vector<std::uint64_t> ends;
  {
    io::SessionWriter w(dir / "s", ps, {});
    ends.push_back(w.bytes_written());
    for (int i = 0; i < 5; ++i) {
      w.append(synthetic_frame(ps, i));
      ends.push_back(w.bytes_written());
    }
  }
  const std::string bytes = read_bytes(dir / "s");
  ASSERT_EQ(bytes.size(), ends.back());
  for (std::size_t cut = ends[0]; cut <= bytes.size(); cut += 997) {
    write_bytes(dir / "cut", bytes.substr(0, cut));
    const auto s = io::read_session(dir / "cut");
    const auto complete = static_cast<std::size_t>(std::upper_bound(ends.begin(), ends.end(), cut) - ends.begin()) - 1;
    EXPECT_EQ(s.frames.size(), complete) << "cut at " << cut;
    EXPECT_EQ(s.dropped_bytes, cut - ends[complete]);
    EXPECT_EQ(s.warning.empty(), s.dropped_bytes == 0);
  }
  // A flipped byte inside frame 3 drops frames 3 and 4 with a reason.
  std::string damaged = bytes;
  damaged[(ends[3] + ends[4]) / 2] ^= 0x20;
  write_bytes(dir / "damaged", damaged);
  const auto s = io::read_session(dir / "damaged");
  EXPECT_EQ(s.frames.size(), 3u);
  EXPECT_NE(s.warning.find("dropped"), std::string::npos) << s.warning;
}

TEST(Session, RefusesWhatIsNotASession) {
  const auto dir = scratch_dir();
  write_bytes(dir / "text", "just some text\n");
  write_bytes(dir / "empty", "");
  const auto ps = synthetic_points(50);
  write_session(dir / "s", ps, 1);
  const auto good = read_bytes(dir / "s");
  write_bytes(dir / "headless", good.substr(0, 30));
  for (const char* name : {"text", "empty", "headless", "missing"}) {
    try {
      io::read_session(dir / name);
      FAIL() << name;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find((dir / name).string()), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    }
  }
}

// The magic and a header record of one 2x2 point with two classes and `layers` (each with a
// kind when `kinds` is given: format 1.3's layer_kinds), as a writer of that version wrote it.
std::string minimal_session(int major, int minor, const std::vector<std::pair<std::string, int>>& layers = {},
                            const std::vector<std::string>* kinds = nullptr) {
  msgpack::sbuffer file;
  msgpack::pack(file, std::string(io::kMagic));
  msgpack::sbuffer payload;
  Packer pk(payload);
  pk.pack_map(kinds != nullptr ? 13 : 12);
  pk.pack(std::string("type")); pk.pack(std::string("header"));
  pk.pack(std::string("version")); pk.pack(std::vector<int>{major, minor});
  pk.pack(std::string("dataset")); pk.pack(std::string("x"));
  pk.pack(std::string("classes")); pk.pack(std::vector<std::string>{"a", "b"});
  pk.pack(std::string("image_height")); pk.pack(2);
  pk.pack(std::string("image_width")); pk.pack(2);
  pk.pack(std::string("points")); pk.pack(1);
  const char one[1] = {1};
  pk.pack(std::string("labels")); pack_bytes(pk, one, 1);
  pk.pack(std::string("split")); pack_bytes(pk, one, 1);
  const char idx[4] = {0, 0, 0, 0};
  pk.pack(std::string("source_index")); pack_bytes(pk, idx, 4);
  const auto images = io::deflate_bytes(reinterpret_cast<const std::uint8_t*>("abcd"), 4);
  pk.pack(std::string("images")); pack_bytes(pk, images.data(), images.size());
  pk.pack(std::string("layers")); pk.pack(layers);
  if (kinds != nullptr) {
    pk.pack(std::string("layer_kinds")); pk.pack(*kinds);
  }
  return std::string(file.data(), file.size()) + raw_record(payload);
}

TEST(Session, RefusesAnUnknownMajorVersionAndReadsNewerMinor) {
  const auto dir = scratch_dir();
  auto make = [&](int major, int minor, const std::filesystem::path& p) {
    // A record of a type this version does not know is skipped.
    msgpack::sbuffer extra;
    Packer ep(extra);
    ep.pack_map(1);
    ep.pack(std::string("type")); ep.pack(std::string("from-the-future"));
    write_bytes(p, minimal_session(major, minor) + raw_record(extra));
  };
  make(2, 0, dir / "v2");
  try {
    io::read_session(dir / "v2");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("version 2.0 is not supported (this build reads 1.x)"), std::string::npos) << e.what();
  }
  make(1, 7, dir / "v1.7");
  const auto s = io::read_session(dir / "v1.7");
  EXPECT_EQ(s.version_minor, 7);
  EXPECT_EQ(s.points->size(), 1u);
  EXPECT_EQ(s.dropped_bytes, 0u);
}

TEST(Session, LayerKindsAndDepthOrder) {
  const auto dir = scratch_dir();
  using store::LayerKind;
  // 1.3: the kinds and the order as written; a kind from a newer minor version reads as "other".
  const std::vector<std::string> kinds{"conv", "dense", "attention", "logits", "output"};
  write_bytes(dir / "v13", minimal_session(1, 3, {{"conv1", 4}, {"fc1", 8}, {"attn", 3}, {"logits", 2}, {"output", 2}}, &kinds));
  const auto s = io::read_session(dir / "v13");
  ASSERT_EQ(s.points->layers.size(), 5u);
  EXPECT_EQ(s.points->layers[0].name, "conv1");
  EXPECT_EQ(s.points->layers[0].kind, LayerKind::conv);
  EXPECT_EQ(s.points->layers[2].kind, LayerKind::other);
  EXPECT_EQ(s.points->layers[4].kind, LayerKind::output);
  EXPECT_EQ(store::layer_choices(*s.points), (std::vector<std::string>{"input", "conv1", "fc1", "attn", "logits", "output"}));
  // 1.2 and older: kinds from the names, and the built-in trainer's output, logits, hidden in depth order.
  write_bytes(dir / "v12", minimal_session(1, 2, {{"output", 2}, {"logits", 2}, {"hidden", 64}, {"fc2", 32}}));
  const auto old = io::read_session(dir / "v12");
  ASSERT_EQ(old.points->layers.size(), 4u);
  EXPECT_EQ(old.points->layers[0].name, "hidden");
  EXPECT_EQ(old.points->layers[0].kind, LayerKind::dense);
  EXPECT_EQ(old.points->layers[1].name, "fc2");
  EXPECT_EQ(old.points->layers[1].kind, LayerKind::other);
  EXPECT_EQ(old.points->layers[2].kind, LayerKind::logits);
  EXPECT_EQ(old.points->layers[3].kind, LayerKind::output);
  // What the writer writes reads back as it was.
  auto ps = synthetic_points(20);
  ps.layers = {{"hidden", 64, LayerKind::dense}, {"logits", 10, LayerKind::logits}, {"output", 10, LayerKind::output}};
  write_session(dir / "w", ps, 1);
  const auto w = io::read_session(dir / "w");
  ASSERT_EQ(w.points->layers.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(w.points->layers[i].name, ps.layers[i].name);
    EXPECT_EQ(w.points->layers[i].kind, ps.layers[i].kind);
  }
  // Damaged layer lists are refused with a reason.
  const std::vector<std::string> short_kinds{"dense"};
  write_bytes(dir / "short", minimal_session(1, 3, {{"a", 2}, {"b", 2}}, &short_kinds));
  const std::vector<std::string> input_kind{"input"};
  write_bytes(dir / "input", minimal_session(1, 3, {{"a", 2}}, &input_kind));
  write_bytes(dir / "twice", minimal_session(1, 2, {{"a", 2}, {"a", 3}}));
  write_bytes(dir / "named_input", minimal_session(1, 2, {{"input", 2}}));
  for (const auto& [file, why] : std::vector<std::pair<std::string, std::string>>{
           {"short", "one kind per layer"}, {"input", "kind input"}, {"twice", "listed twice"}, {"named_input", "layer name"}}) {
    try {
      io::read_session(dir / file);
      ADD_FAILURE() << file;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
  }
}

TEST(Session, LayoutsRoundTripAndOldFramesStayIntact) {
  const auto dir = scratch_dir();
  const auto ps = synthetic_points(120);
  io::LayoutRecord l;
  l.method = "graph";
  l.layer = "hidden";
  l.dims = 2;
  l.frame = 1;
  l.positions = Matrix::Random(120, 2) * 40.0f;
  l.recall_at_10 = 0.5;
  l.knn_accuracy = 0.9;
  l.cost_name = "stress";
  l.cost = 0.25;
  l.edges = {{0, 5}, {3, 119}};
  {
    io::SessionWriter w(dir / "s", ps, {});
    w.append(synthetic_frame(ps, 0));
    w.append(synthetic_frame(ps, 1));
    w.append_layout(l);
  }
  const auto s = io::read_session(dir / "s");
  ASSERT_EQ(s.frames.size(), 2u);
  ASSERT_EQ(s.layouts.size(), 1u);
  const auto& r = s.layouts[0];
  EXPECT_EQ(r.method, "graph");
  EXPECT_EQ(r.layer, "hidden");
  EXPECT_EQ(r.frame, 1);
  EXPECT_LE((r.positions - l.positions).cwiseAbs().maxCoeff(), 1e-3f);
  EXPECT_DOUBLE_EQ(r.recall_at_10, 0.5);
  EXPECT_TRUE(std::isnan(r.displacement));
  EXPECT_EQ(r.edges, l.edges);
}

TEST(Codec, EmptyMatricesAndLyingBlocks) {
  const Matrix empty(0, 3);
  for (const Matrix& m : {empty, Matrix(4, 0)}) {
    const auto e = io::encode_matrix(m);
    const Matrix back = io::decode_matrix(e, 100);
    EXPECT_EQ(back.rows(), m.rows());
    EXPECT_EQ(back.cols(), m.cols());
  }
  // Claims are checked against the bytes present before anything is allocated for them.
  const std::uint8_t junk[16] = {0x78, 0x9c, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
  EXPECT_THROW(io::inflate_bytes(junk, 0, std::size_t{1} << 30), Error);
  EXPECT_THROW(io::inflate_bytes(junk, sizeof junk, std::size_t{1} << 30), Error);   // more than 1032:1
  EXPECT_THROW(io::inflate_bytes(junk, sizeof junk, std::size_t{1} << 40), Error);   // more than 4 GiB
  EXPECT_THROW(io::inflate_bytes(junk, sizeof junk, 1000), Error);                   // not deflate
  std::vector<std::uint8_t> zeros(100000, 0);
  const auto packed = io::deflate_bytes(zeros.data(), zeros.size());
  EXPECT_EQ(io::inflate_bytes(packed.data(), packed.size(), zeros.size()), zeros);
  EXPECT_THROW(io::inflate_bytes(packed.data(), packed.size(), zeros.size() - 1), Error);  // holds more
  EXPECT_THROW(io::inflate_bytes(packed.data(), packed.size(), zeros.size() + 1), Error);  // holds fewer
  EXPECT_THROW(io::inflate_bytes(packed.data(), packed.size() - 4, zeros.size()), Error);  // no checksum
  // A q16 matrix whose scales are not finite would decode to NaN/Inf: the writer never makes one.
  auto q = io::encode_matrix(Matrix::Random(20, 3).cwiseAbs());
  ASSERT_EQ(q.encoding, "q16");
  for (const float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(), 1e36f}) {
    auto lying = q;
    lying.step[1] = bad;
    EXPECT_THROW(io::decode_matrix(lying, 60), Error) << bad;
  }
}

TEST(Session, NonFiniteValuesRoundTripAndNonFiniteScalesAreDropped) {
  const auto dir = scratch_dir();
  const auto ps = synthetic_points(40);
  // A diverged run: NaN and Inf activations and a NaN loss are recorded as they were (f32).
  auto diverged = synthetic_frame(ps, 1);
  diverged.layers.at("hidden")(3, 5) = std::numeric_limits<float>::quiet_NaN();
  diverged.layers.at("hidden")(7, 1) = std::numeric_limits<float>::infinity();
  diverged.layers.at("logits")(0, 0) = -std::numeric_limits<float>::infinity();
  diverged.metrics.train_loss = std::numeric_limits<double>::quiet_NaN();
  {
    io::SessionWriter w(dir / "s", ps, {});
    w.append(synthetic_frame(ps, 0));
    w.append(diverged);
  }
  const auto s = io::read_session(dir / "s");
  ASSERT_EQ(s.frames.size(), 2u);
  EXPECT_TRUE(s.warning.empty()) << s.warning;
  const auto& f = *s.frames[1];
  EXPECT_TRUE(std::isnan(f.metrics.train_loss));
  EXPECT_TRUE(std::isnan((*f.layer("hidden"))(3, 5)));
  EXPECT_EQ((*f.layer("hidden"))(7, 1), std::numeric_limits<float>::infinity());
  EXPECT_EQ((*f.layer("logits"))(0, 0), -std::numeric_limits<float>::infinity());
  Matrix finite = *f.layer("hidden");
  finite(3, 5) = diverged.layers.at("hidden")(3, 5) = 0;
  finite(7, 1) = diverged.layers.at("hidden")(7, 1) = 0;
  EXPECT_EQ(finite, diverged.layers.at("hidden"));  // f32 is lossless

  // A q16 layer with a NaN offset or an infinite step is damage: the frame and the rest are dropped.
  auto q = io::encode_matrix(*synthetic_frame(ps, 2).layer("output"));
  ASSERT_EQ(q.encoding, "q16");
  q.lo[4] = std::numeric_limits<float>::quiet_NaN();
  const auto bad_lo = raw_record(frame_payload(ps, 2, "output", q, synthetic_frame(ps, 2).predicted));
  auto r = expect_dropped(dir / "s", dir / "nan-lo", bad_lo, "non-finite scale");
  EXPECT_EQ(r.frames.size(), 2u);
  q.lo[4] = 0;
  q.step[0] = std::numeric_limits<float>::infinity();
  const auto bad_step = raw_record(frame_payload(ps, 2, "output", q, synthetic_frame(ps, 2).predicted));
  r = expect_dropped(dir / "s", dir / "inf-step", bad_step, "non-finite scale");
  EXPECT_EQ(r.frames.size(), 2u);
}

TEST(Session, AbsurdClaimsAreDroppedBeforeAllocating) {
  const auto dir = scratch_dir();
  auto ps = synthetic_points(20);
  ps.layers.push_back({"wide", 1 << 16});
  { io::SessionWriter w(dir / "s", ps, {}); }
  const auto predicted = synthetic_frame(ps, 0).predicted;

  // msgpack headers claiming 2^31 - 1 array elements and 2^32 - 1 map entries in a few bytes.
  for (const auto& [name, bytes] : {std::pair<std::string, std::string>{"array", std::string("\xdd\x7f\xff\xff\xff", 5)},
                                    {"map", std::string("\xdf\xff\xff\xff\xff", 5)},
                                    {"nested", std::string(8, '\xdc') + std::string(2, '\xff')}}) {
    msgpack::sbuffer payload;
    Packer pk(payload);
    pk.pack_map(2);
    pk.pack(std::string("type")); pk.pack(std::string("frame"));
    pk.pack(std::string("index"));
    payload.write(bytes.data(), bytes.size());
    expect_dropped(dir / "s", dir / name, raw_record(payload), "");
  }
  // The envelope itself claiming 2^31 - 1 elements.
  expect_dropped(dir / "s", dir / "envelope", std::string("\xdd\x7f\xff\xff\xff\xc0", 6), "");

  // A layer claiming 2^32 - 1 x 2^32 - 1 values.
  io::EncodedMatrix huge{"f32", 0xffffffffu, 0xffffffffu, {}, {}, {0x78, 0x9c, 1, 2, 3, 4, 5, 6}};
  expect_dropped(dir / "s", dir / "huge", raw_record(frame_payload(ps, 0, "hidden", huge, predicted)),
                 "larger than allowed");
  // The right shape (20 x 2^16, 5 MB as floats) from 8 bytes: refused before the matrix exists.
  io::EncodedMatrix wide{"f32", 20, 1u << 16, {}, {}, {0x78, 0x9c, 1, 2, 3, 4, 5, 6}};
  expect_dropped(dir / "s", dir / "wide", raw_record(frame_payload(ps, 0, "wide", wide, predicted)),
                 "too small for its stated size");
  // No data at all.
  wide.data.clear();
  expect_dropped(dir / "s", dir / "no-data", raw_record(frame_payload(ps, 0, "wide", wide, predicted)),
                 "too small for its stated size");
  // A q16 layer with empty scales (fuzzer finding: memcpy from an empty vector's null pointer).
  io::EncodedMatrix unscaled = io::encode_matrix(*synthetic_frame(ps, 0).layer("output"));
  ASSERT_EQ(unscaled.encoding, "q16");
  unscaled.lo.clear();
  unscaled.step.clear();
  expect_dropped(dir / "s", dir / "unscaled", raw_record(frame_payload(ps, 0, "output", unscaled, predicted)),
                 "q16 matrix without per-column scales");
  // Predicted classes the header does not have.
  auto bad_predicted = predicted;
  bad_predicted[7] = 200;
  io::EncodedMatrix fine = io::encode_matrix(Matrix::Zero(20, 1 << 16));  // deflates about 1000:1
  expect_dropped(dir / "s", dir / "predicted", raw_record(frame_payload(ps, 0, "wide", fine, bad_predicted)),
                 "predicted class 200 out of range");
  // The same frame with valid classes loads: the checks do not refuse what the writer makes.
  write_bytes(dir / "ok", read_bytes(dir / "s") + raw_record(frame_payload(ps, 0, "wide", fine, predicted)));
  const auto s = io::read_session(dir / "ok");
  ASSERT_EQ(s.frames.size(), 1u) << s.warning;
  EXPECT_EQ(s.frames[0]->layer("wide")->cols(), 1 << 16);
}
