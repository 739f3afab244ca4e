#include <gtest/gtest.h>
#include <zlib.h>

#include <msgpack.hpp>

#include "epochscope/io/codec.hpp"
#include "epochscope/io/session.hpp"
#include "test_util.hpp"

using namespace epochscope;
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

void expect_same_frame(const store::Frame& a, const store::Frame& b, float tol) {
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

TEST(Session, RefusesAnUnknownMajorVersionAndReadsNewerMinor) {
  const auto dir = scratch_dir();
  auto make = [&](int major, int minor, const std::filesystem::path& p) {
    msgpack::sbuffer file;
    msgpack::pack(file, std::string(io::kMagic));
    msgpack::sbuffer payload;
    msgpack::packer<msgpack::sbuffer> pk(payload);
    pk.pack_map(12);
    pk.pack(std::string("type")); pk.pack(std::string("header"));
    pk.pack(std::string("version")); pk.pack(std::vector<int>{major, minor});
    pk.pack(std::string("dataset")); pk.pack(std::string("x"));
    pk.pack(std::string("classes")); pk.pack(std::vector<std::string>{"a", "b"});
    pk.pack(std::string("image_height")); pk.pack(2);
    pk.pack(std::string("image_width")); pk.pack(2);
    pk.pack(std::string("points")); pk.pack(1);
    const char one[1] = {1};
    pk.pack(std::string("labels")); pk.pack_bin(1); pk.pack_bin_body(one, 1);
    pk.pack(std::string("split")); pk.pack_bin(1); pk.pack_bin_body(one, 1);
    const char idx[4] = {0, 0, 0, 0};
    pk.pack(std::string("source_index")); pk.pack_bin(4); pk.pack_bin_body(idx, 4);
    const auto images = io::deflate_bytes(reinterpret_cast<const std::uint8_t*>("abcd"), 4);
    pk.pack(std::string("images")); pk.pack_bin(static_cast<std::uint32_t>(images.size()));
    pk.pack_bin_body(reinterpret_cast<const char*>(images.data()), static_cast<std::uint32_t>(images.size()));
    pk.pack(std::string("layers")); pk.pack_array(0);
    msgpack::packer<msgpack::sbuffer> fp(file);
    fp.pack_array(2);
    fp.pack(static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size()))));
    fp.pack_bin(static_cast<std::uint32_t>(payload.size()));
    fp.pack_bin_body(payload.data(), static_cast<std::uint32_t>(payload.size()));
    // A record of a type this version does not know is skipped.
    msgpack::sbuffer extra;
    msgpack::packer<msgpack::sbuffer> ep(extra);
    ep.pack_map(1);
    ep.pack(std::string("type")); ep.pack(std::string("from-the-future"));
    fp.pack_array(2);
    fp.pack(static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(extra.data()), static_cast<uInt>(extra.size()))));
    fp.pack_bin(static_cast<std::uint32_t>(extra.size()));
    fp.pack_bin_body(extra.data(), static_cast<std::uint32_t>(extra.size()));
    write_bytes(p, std::string(file.data(), file.size()));
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
