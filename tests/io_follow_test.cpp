// io's reader for a session another process is writing (io/session_follow): fed the bytes of a
// finished session in pieces, it sees every frame once and in order, reports damage once, waits for
// a file that is not there yet and starts over when the file is truncated or replaced.
#include <gtest/gtest.h>
#include <zlib.h>

#include <msgpack.hpp>

#include "epochscope/io/session.hpp"
#include "epochscope/io/session_follow.hpp"
#include "test_util.hpp"

using namespace epochscope;
using epochscope::testing::expect_same_frame;
using epochscope::testing::read_bytes;
using epochscope::testing::scratch_dir;
using epochscope::testing::synthetic_frame;
using epochscope::testing::synthetic_points;
using epochscope::testing::write_bytes;

namespace {

void append_bytes(const std::filesystem::path& p, std::string_view bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::app);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A finished session: header, `frames` frames, end record; returns the file's bytes.
std::string finished_session(const std::filesystem::path& p, const store::PointSet& ps, int frames) {
  {
    io::SessionWriter w(p, ps, {{"seed", "1"}});
    for (int i = 0; i < frames; ++i) w.append(synthetic_frame(ps, i));
    w.finish(static_cast<std::size_t>(frames), "finished");
  }
  return read_bytes(p);
}

// Appends `bytes` to `target` in pieces of the sizes `next_piece` gives, polling after each; checks
// that the follower never calls a partly written record damaged and returns the frames in order.
template <class NextPiece>
std::vector<store::FramePtr> follow_in_pieces(const std::string& bytes, const std::filesystem::path& target,
                                              NextPiece next_piece, bool* ended) {
  write_bytes(target, "");
  io::SessionFollower f(target);
  std::vector<store::FramePtr> frames;
  std::size_t done = 0;
  bool saw_end = false;
  while (done < bytes.size()) {
    const std::size_t n = std::min(bytes.size() - done, next_piece());
    append_bytes(target, std::string_view(bytes).substr(done, n));
    done += n;
    const auto u = f.poll();
    EXPECT_TRUE(u.damage.empty()) << "after " << done << " bytes: " << u.damage;
    EXPECT_FALSE(u.restarted);
    EXPECT_FALSE(saw_end) << "end record reported before the last byte";
    for (const auto& fr : u.frames) {
      EXPECT_EQ(fr->index, static_cast<int>(frames.size()));
      frames.push_back(fr);
    }
    saw_end = saw_end || u.ended;
    EXPECT_EQ(f.offset() + f.pending_bytes(), done);
  }
  EXPECT_TRUE(f.damage().empty());
  EXPECT_EQ(f.pending_bytes(), 0u);
  *ended = saw_end && f.ended();
  return frames;
}

}  // namespace

TEST(Follow, ByteByByteNeverReportsDamageAndSeesEveryFrameInOrder) {
  const auto dir = scratch_dir();
  const auto ps = synthetic_points(12);
  const auto bytes = finished_session(dir / "full", ps, 3);
  bool ended = false;
  const auto frames = follow_in_pieces(bytes, dir / "growing", [] { return std::size_t{1}; }, &ended);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_TRUE(ended);
  for (int i = 0; i < 3; ++i) expect_same_frame(synthetic_frame(ps, i), *frames[static_cast<std::size_t>(i)], 1e-3f);
}

TEST(Follow, RandomPiecesGiveWhatReadSessionGives) {
  const auto dir = scratch_dir();
  const auto ps = synthetic_points(300);
  const auto bytes = finished_session(dir / "full", ps, 6);
  const auto whole = io::read_session(dir / "full");
  EXPECT_TRUE(whole.finished);
  EXPECT_EQ(whole.end_reason, "finished");
  EXPECT_EQ(whole.version_minor, io::kFormatMinor);
  for (std::uint32_t seed : {1u, 2u, 3u}) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<std::size_t> piece(1, bytes.size() / 7);
    bool ended = false;
    const auto frames = follow_in_pieces(bytes, dir / "growing", [&] { return piece(rng); }, &ended);
    ASSERT_EQ(frames.size(), whole.frames.size()) << "seed " << seed;
    EXPECT_TRUE(ended);
    for (std::size_t i = 0; i < frames.size(); ++i) expect_same_frame(*whole.frames[i], *frames[i], 0.f);
  }
}

TEST(Follow, PicksUpTrajectoryRecords) {
  const auto dir = scratch_dir();
  const auto ps = synthetic_points(40);
  {
    io::SessionWriter w(dir / "s", ps, {});
    w.append(synthetic_frame(ps, 0));
    std::vector<store::TrajectoryPoint> t;
    for (int i = 0; i < 4; ++i) t.push_back({i, 1, 1.0f, std::vector<float>(8, static_cast<float>(i))});
    w.append_trajectory(t);
    w.append(synthetic_frame(ps, 1));
    w.finish(2, "finished");
  }
  io::SessionFollower f(dir / "s");
  std::size_t frames = 0;
  std::vector<store::TrajectoryPoint> trajectory;
  bool ended = false;
  for (int i = 0; i < 20 && !ended; ++i) {
    auto u = f.poll(8);
    frames += u.frames.size();
    for (auto& p : u.trajectory) trajectory.push_back(std::move(p));
    ended = u.ended;
  }
  EXPECT_TRUE(ended);
  EXPECT_EQ(frames, 2u);
  ASSERT_EQ(trajectory.size(), 4u);
  EXPECT_EQ(trajectory[3].step, 3);
  EXPECT_EQ(trajectory[3].sketch, std::vector<float>(8, 3.0f));
}

TEST(Follow, PicksUpSelectionsAsTheyAreSavedAndStopsAtABadOne) {
  const auto dir = scratch_dir();
  const auto ps = synthetic_points(40);
  io::SessionWriter w(dir / "s", ps, {});
  w.append(synthetic_frame(ps, 0));
  io::SessionFollower f(dir / "s");
  auto u = f.poll();
  EXPECT_EQ(u.frames.size(), 1u);
  EXPECT_FALSE(u.selections);
  EXPECT_TRUE(f.selections().empty());
  w.append_selection({"a", {1, 2}, "", 0});
  w.append_selection({"b", {3}, "note", 5});
  u = f.poll();
  EXPECT_TRUE(u.selections);
  EXPECT_FALSE(u.empty());
  ASSERT_EQ(f.selections().size(), 2u);
  EXPECT_EQ(f.selections()[1].note, "note");
  w.append_selection_deletion("a");
  w.append_selection({"b", {4, 5}, "", 0});
  u = f.poll();
  EXPECT_TRUE(u.selections);
  ASSERT_EQ(f.selections().size(), 1u);
  EXPECT_EQ(f.selections()[0].points, (std::vector<std::uint32_t>{4, 5}));
  EXPECT_TRUE(f.poll().empty());
  // What the follower holds is what read_session reads.
  EXPECT_EQ(io::read_session(dir / "s").selections.size(), 1u);
  // An index the session does not have is damage, reported once; the list stays as it was.
  msgpack::sbuffer payload;
  msgpack::packer<msgpack::sbuffer> pk(payload);
  pk.pack_map(3);
  pk.pack(std::string("type")); pk.pack(std::string("selection"));
  pk.pack(std::string("name")); pk.pack(std::string("far"));
  const std::uint32_t far = 40;
  pk.pack(std::string("points")); pk.pack_bin(4); pk.pack_bin_body(reinterpret_cast<const char*>(&far), 4);
  msgpack::sbuffer rec;
  msgpack::packer<msgpack::sbuffer> rk(rec);
  rk.pack_array(2);
  rk.pack(static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size()))));
  rk.pack_bin(static_cast<std::uint32_t>(payload.size()));
  rk.pack_bin_body(payload.data(), static_cast<std::uint32_t>(payload.size()));
  append_bytes(dir / "s", std::string_view(rec.data(), rec.size()));
  u = f.poll();
  EXPECT_FALSE(u.selections);
  EXPECT_NE(u.damage.find("selection 'far': point 40 is out of range"), std::string::npos) << u.damage;
  EXPECT_EQ(f.selections().size(), 1u);
}

TEST(Follow, WaitsForTheFileAndReadsTheHeaderAlone) {
  const auto dir = scratch_dir();
  const auto ps = synthetic_points(40);
  const auto bytes = finished_session(dir / "full", ps, 2);
  io::SessionFollower f(dir / "later");
  EXPECT_TRUE(f.poll().empty());
  EXPECT_FALSE(f.exists());
  EXPECT_EQ(f.points(), nullptr);
  write_bytes(dir / "later", bytes.substr(0, 10));  // inside the magic
  EXPECT_TRUE(f.poll().empty());
  EXPECT_TRUE(f.exists());
  write_bytes(dir / "later", bytes);
  auto u = f.poll(0);  // the header only
  EXPECT_TRUE(u.header);
  EXPECT_TRUE(u.frames.empty());
  ASSERT_NE(f.points(), nullptr);
  EXPECT_EQ(f.points()->labels, ps.labels);
  EXPECT_EQ(f.meta().at("seed"), "1");
  u = f.poll(1);
  ASSERT_EQ(u.frames.size(), 1u);
  u = f.poll();  // no new bytes, but a frame and the end were left over
  ASSERT_EQ(u.frames.size(), 1u);
  EXPECT_EQ(u.frames[0]->index, 1);
  EXPECT_TRUE(u.ended);
  EXPECT_TRUE(f.poll().empty());
}

TEST(Follow, DamageIsReportedOnceWithTheFramesBeforeIt) {
  const auto dir = scratch_dir();
  const auto ps = synthetic_points(100);
  std::vector<std::uint64_t> ends;
  {
    io::SessionWriter w(dir / "s", ps, {});
    for (int i = 0; i < 4; ++i) {
      w.append(synthetic_frame(ps, i));
      ends.push_back(w.bytes_written());
    }
  }
  std::string bytes = read_bytes(dir / "s");
  bytes[(ends[1] + ends[2]) / 2] ^= 0x20;  // inside frame 2
  write_bytes(dir / "s", bytes);
  io::SessionFollower f(dir / "s");
  const auto u = f.poll();
  EXPECT_EQ(u.frames.size(), 2u);
  EXPECT_NE(u.damage.find("after frame 1"), std::string::npos) << u.damage;
  EXPECT_EQ(u.damage.find('\n'), std::string::npos);
  append_bytes(dir / "s", "more");
  EXPECT_TRUE(f.poll().empty());  // said once
  EXPECT_FALSE(f.damage().empty());
}

TEST(Follow, StartsOverWhenTheFileIsTruncatedOrReplaced) {
  const auto dir = scratch_dir();
  const auto ps = synthetic_points(50);
  const auto three = finished_session(dir / "three", ps, 3);
  const auto one = finished_session(dir / "one", synthetic_points(20), 1);
  write_bytes(dir / "s", three);
  io::SessionFollower f(dir / "s");
  EXPECT_EQ(f.poll().frames.size(), 3u);
  write_bytes(dir / "s", one);  // truncated and rewritten in place
  auto u = f.poll();
  EXPECT_TRUE(u.restarted);
  EXPECT_TRUE(u.header);
  ASSERT_EQ(u.frames.size(), 1u);
  EXPECT_EQ(u.frames[0]->index, 0);
  EXPECT_EQ(f.points()->size(), 20u);
  write_bytes(dir / "new", three);  // a new file renamed into place
  std::filesystem::rename(dir / "new", dir / "s");
  u = f.poll();
  EXPECT_TRUE(u.restarted);
  EXPECT_EQ(u.frames.size(), 3u);
  EXPECT_EQ(f.points()->size(), 50u);
}

TEST(Follow, RefusesWhatIsNotASessionAndUnknownMajorVersions) {
  const auto dir = scratch_dir();
  write_bytes(dir / "text", "just some text\n");
  io::SessionFollower text(dir / "text");
  EXPECT_THROW(text.poll(), Error);

  // The same header bytes read_session refuses, built by patching a 1.x header's version.
  const auto ps = synthetic_points(5);
  {
    io::SessionWriter w(dir / "s", ps, {});
  }
  const std::string bytes = read_bytes(dir / "s");
  std::size_t off = 0;
  msgpack::unpack(bytes.data(), bytes.size(), off);  // the magic
  const std::size_t record_start = off;
  auto rec = msgpack::unpack(bytes.data(), bytes.size(), off);
  const auto& body = rec.get().via.array.ptr[1].via.bin;
  auto header = msgpack::unpack(body.ptr, body.size);
  auto repack = [&](int major, int minor) {
    msgpack::sbuffer payload;
    msgpack::packer<msgpack::sbuffer> pk(payload);
    const auto& m = header.get().via.map;
    pk.pack_map(m.size + 1);
    for (std::uint32_t i = 0; i < m.size; ++i) {
      pk.pack(m.ptr[i].key);
      if (m.ptr[i].key.as<std::string>() == "version") {
        pk.pack(std::vector<int>{major, minor});
      } else {
        pk.pack(m.ptr[i].val);
      }
    }
    pk.pack(std::string("a_field_from_the_future")); pk.pack(42);
    msgpack::sbuffer file;
    msgpack::packer<msgpack::sbuffer> fp(file);
    fp.pack_array(2);
    fp.pack(static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size()))));
    fp.pack_bin(static_cast<std::uint32_t>(payload.size()));
    fp.pack_bin_body(payload.data(), static_cast<std::uint32_t>(payload.size()));
    return bytes.substr(0, record_start) + std::string(file.data(), file.size());
  };
  write_bytes(dir / "v2", repack(2, 0));
  io::SessionFollower v2(dir / "v2");
  try {
    v2.poll();
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("version 2.0 is not supported (this build reads 1.x)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find((dir / "v2").string()), std::string::npos) << e.what();
  }
  write_bytes(dir / "v1.9", repack(1, 9));
  io::SessionFollower v19(dir / "v1.9");
  const auto u = v19.poll();
  EXPECT_TRUE(u.header);
  EXPECT_EQ(v19.version_minor(), 9);
  EXPECT_TRUE(u.damage.empty());
}
