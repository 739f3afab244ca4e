// The session file's writer (schema in docs/session-format.md): the header first, then each record
// appended and flushed with its checksum as soon as it exists. The reader is in session.cpp.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <msgpack.hpp>

#include "epochscope/io/codec.hpp"
#include "epochscope/store/filter_bank.hpp"
#include "epochscope/store/parameters.hpp"
#include "epochscope/store/layers.hpp"
#include "epochscope/io/session.hpp"
#include "session_detail.hpp"

namespace epochscope::io {
namespace {

using Packer = msgpack::packer<msgpack::sbuffer>;

void pack_str(Packer& pk, const std::string& s) { pk.pack(s); }

void pack_bin(Packer& pk, const std::uint8_t* data, std::size_t size) {
  pk.pack_bin(static_cast<std::uint32_t>(size));
  // memcpy may not see null, even for 0 bytes (an empty vector's data())
  if (size > 0) pk.pack_bin_body(reinterpret_cast<const char*>(data), static_cast<std::uint32_t>(size));
}

void pack_floats(Packer& pk, const std::vector<float>& v) {
  pack_bin(pk, reinterpret_cast<const std::uint8_t*>(v.data()), v.size() * sizeof(float));
}

void pack_matrix(Packer& pk, const EncodedMatrix& e) {
  pk.pack_map(e.encoding == "q16" ? 6 : 4);
  pack_str(pk, "enc"); pack_str(pk, e.encoding);
  pack_str(pk, "rows"); pk.pack(e.rows);
  pack_str(pk, "cols"); pk.pack(e.cols);
  if (e.encoding == "q16") {
    pack_str(pk, "lo"); pack_floats(pk, e.lo);
    pack_str(pk, "step"); pack_floats(pk, e.step);
  }
  pack_str(pk, "data"); pack_bin(pk, e.data.data(), e.data.size());
}

}  // namespace

// ---- writer ---------------------------------------------------------------------------------

SessionWriter::SessionWriter(const std::filesystem::path& path, const store::PointSet& ps, const SessionMeta& meta)
    : path_(path), point_count_(ps.size()) {
  if (path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
  }
  // The header goes to a side file that is renamed into place once it is complete, so a process
  // killed while writing it leaves no half-written session (and an existing file is replaced only
  // by a readable one).
  const std::filesystem::path partial = path.string() + ".partial";
  fd_ = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error(path.string() + ": cannot create session file (" + std::strerror(errno) + ")");
  try {
    write_header(ps, meta);
  } catch (...) {
    ::close(fd_);
    fd_ = -1;
    ::unlink(partial.c_str());
    throw;
  }
  if (::rename(partial.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::close(fd_);
    fd_ = -1;
    ::unlink(partial.c_str());
    throw Error(path.string() + ": cannot create session file (" + std::strerror(err) + ")");
  }
  // Make the rename durable too.
  const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

void SessionWriter::write_header(const store::PointSet& ps, const SessionMeta& meta) {
  if (ps.images.size() != ps.size() * ps.image_size()) throw Error("session header: the images do not match the points");
  if (ps.has_texts() && ps.texts.size() != ps.size()) throw Error("session header: the texts do not match the points");
  msgpack::sbuffer magic;
  msgpack::pack(magic, std::string(kMagic));
  std::vector<char> m(magic.data(), magic.data() + magic.size());
  std::size_t done = 0;
  while (done < m.size()) {
    const ssize_t w = ::write(fd_, m.data() + done, m.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) throw Error(path_.string() + ": write error (" + std::strerror(errno) + ")");
    done += static_cast<std::size_t>(w);
  }
  bytes_ += m.size();

  msgpack::sbuffer buf;
  Packer pk(buf);
  pk.pack_map(ps.has_texts() ? 20 : 19);
  pack_str(pk, "type"); pack_str(pk, "header");
  pack_str(pk, "format"); pack_str(pk, kMagic);
  pack_str(pk, "version"); pk.pack(std::vector<int>{kFormatMajor, kFormatMinor});
  pack_str(pk, "dataset"); pack_str(pk, ps.dataset);
  pack_str(pk, "classes"); pk.pack(ps.class_names);
  pack_str(pk, "image_height"); pk.pack(ps.height);
  pack_str(pk, "image_width"); pk.pack(ps.width);
  pack_str(pk, "image_channels"); pk.pack(ps.channels);  // 1.4: 1 grey, 3 RGB, 0 none
  // Optional (readers before them see images): 1-D signals and the byte -> value map.
  pack_str(pk, "signal"); pk.pack(ps.signal);
  pack_str(pk, "value_offset"); pk.pack(ps.value_offset);
  pack_str(pk, "value_scale"); pk.pack(ps.value_scale);
  pack_str(pk, "points"); pk.pack(static_cast<std::uint32_t>(ps.size()));
  pack_str(pk, "labels"); pack_bin(pk, ps.labels.data(), ps.labels.size());
  pack_str(pk, "split"); pack_bin(pk, ps.heldout.data(), ps.heldout.size());
  pack_str(pk, "source_index");
  pack_bin(pk, reinterpret_cast<const std::uint8_t*>(ps.source_index.data()), ps.source_index.size() * 4);
  const auto images = deflate_bytes(ps.images.data(), ps.images.size());
  pack_str(pk, "images"); pack_bin(pk, images.data(), images.size());
  if (ps.has_texts()) {  // 1.4: one text per point
    const auto texts = pack_texts(ps.texts);
    pack_str(pk, "texts"); pack_bin(pk, texts.data(), texts.size());
  }
  pack_str(pk, "layers");
  pk.pack_array(static_cast<std::uint32_t>(ps.layers.size()));
  for (const auto& l : ps.layers) {
    pk.pack_array(2);
    pack_str(pk, l.name);
    pk.pack(l.width);
  }
  // 1.3: one kind per layer (older readers ignore it); `layers` is in depth order.
  pack_str(pk, "layer_kinds");
  pk.pack_array(static_cast<std::uint32_t>(ps.layers.size()));
  for (const auto& l : ps.layers) pack_str(pk, store::to_string(l.kind));
  pack_str(pk, "meta"); pk.pack(meta);
  write_record(std::vector<char>(buf.data(), buf.data() + buf.size()));
}

std::unique_ptr<SessionWriter> SessionWriter::append_layouts_to(const std::filesystem::path& path,
                                                                std::optional<std::size_t> point_count) {
  std::unique_ptr<SessionWriter> w(new SessionWriter());
  w->path_ = path;
  w->point_count_ = point_count;
  w->fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (w->fd_ < 0) throw Error(path.string() + ": cannot append layouts (" + std::strerror(errno) + ")");
  struct stat st {};
  if (::fstat(w->fd_, &st) == 0) w->bytes_ = static_cast<std::uint64_t>(st.st_size);
  return w;
}

SessionWriter::~SessionWriter() {
  if (fd_ >= 0) ::close(fd_);
}

FrameLocation SessionWriter::write_record(const std::vector<char>& payload) {
  msgpack::sbuffer buf;
  Packer pk(buf);
  pk.pack_array(2);
  pk.pack(static_cast<std::uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(payload.data()),
                                           static_cast<uInt>(payload.size()))));
  pk.pack_bin(static_cast<std::uint32_t>(payload.size()));
  pk.pack_bin_body(payload.data(), static_cast<std::uint32_t>(payload.size()));
  std::size_t done = 0;
  while (done < buf.size()) {
    const ssize_t w = ::write(fd_, buf.data() + done, buf.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) throw Error(path_.string() + ": write error (" + std::strerror(errno) + ")");
    done += static_cast<std::size_t>(w);
  }
  ::fdatasync(fd_);
  const FrameLocation where{bytes_.load(), buf.size()};
  bytes_ += buf.size();
  return where;
}

void SessionWriter::append_layout(const LayoutRecord& l) {
  msgpack::sbuffer buf;
  Packer pk(buf);
  pk.pack_map(13);
  pack_str(pk, "type"); pack_str(pk, "layout");
  pack_str(pk, "method"); pack_str(pk, l.method);
  pack_str(pk, "layer"); pack_str(pk, l.layer);
  pack_str(pk, "dims"); pk.pack(l.dims);
  pack_str(pk, "frame"); pk.pack(l.frame);
  pack_str(pk, "positions"); pack_matrix(pk, encode_matrix(l.positions));
  pack_str(pk, "recall_at_10"); pk.pack(l.recall_at_10);
  pack_str(pk, "knn_accuracy"); pk.pack(l.knn_accuracy);
  pack_str(pk, "displacement"); pk.pack(l.displacement);
  pack_str(pk, "cost_name"); pack_str(pk, l.cost_name);
  pack_str(pk, "cost"); pk.pack(l.cost);
  pack_str(pk, "seconds"); pk.pack(l.seconds);
  std::vector<std::int32_t> flat;
  flat.reserve(l.edges.size() * 2);
  for (const auto& [a, b] : l.edges) {
    flat.push_back(a);
    flat.push_back(b);
  }
  const auto edges = deflate_bytes(reinterpret_cast<const std::uint8_t*>(flat.data()), flat.size() * 4);
  pack_str(pk, "edges");
  pk.pack_array(2);
  pk.pack(static_cast<std::uint32_t>(l.edges.size()));
  pack_bin(pk, edges.data(), edges.size());
  std::lock_guard lock(mutex_);
  write_record(std::vector<char>(buf.data(), buf.data() + buf.size()));
}

void SessionWriter::append_trajectory(const std::vector<store::TrajectoryPoint>& points) {
  if (points.empty()) return;
  const auto dims = points.front().sketch.size();
  std::vector<std::int32_t> steps, epochs;
  std::vector<float> losses, sketches;
  sketches.reserve(points.size() * dims);
  for (const auto& p : points) {
    if (p.sketch.size() != dims) throw Error(path_.string() + ": trajectory snapshots of different sizes");
    steps.push_back(p.step);
    epochs.push_back(p.epoch);
    losses.push_back(p.loss);
    sketches.insert(sketches.end(), p.sketch.begin(), p.sketch.end());
  }
  msgpack::sbuffer buf;
  Packer pk(buf);
  pk.pack_map(7);
  pack_str(pk, "type"); pack_str(pk, "trajectory");
  pack_str(pk, "dims"); pk.pack(static_cast<std::uint32_t>(dims));
  pack_str(pk, "count"); pk.pack(static_cast<std::uint32_t>(points.size()));
  pack_str(pk, "steps"); pack_bin(pk, reinterpret_cast<const std::uint8_t*>(steps.data()), steps.size() * 4);
  pack_str(pk, "epochs"); pack_bin(pk, reinterpret_cast<const std::uint8_t*>(epochs.data()), epochs.size() * 4);
  pack_str(pk, "losses"); pack_floats(pk, losses);
  const auto packed = deflate_bytes(reinterpret_cast<const std::uint8_t*>(sketches.data()), sketches.size() * 4);
  pack_str(pk, "sketches"); pack_bin(pk, packed.data(), packed.size());
  std::lock_guard lock(mutex_);
  write_record(std::vector<char>(buf.data(), buf.data() + buf.size()));
}

void SessionWriter::append_selection(const store::NamedSelection& sel) {
  if (!point_count_) {
    throw Error(path_.string() + ": cannot append a selection without the session's point count");
  }
  try {
    store::validate(sel, *point_count_);
  } catch (const Error& e) {
    throw Error(path_.string() + ": " + e.what());
  }
  msgpack::sbuffer buf;
  Packer pk(buf);
  pk.pack_map(5);
  pack_str(pk, "type"); pack_str(pk, "selection");
  pack_str(pk, "name"); pack_str(pk, sel.name);
  pack_str(pk, "points");  // little-endian uint32 (the hosts we build for are little-endian)
  pack_bin(pk, reinterpret_cast<const std::uint8_t*>(sel.points.data()), sel.points.size() * 4);
  pack_str(pk, "note"); pack_str(pk, sel.note);
  pack_str(pk, "wall_seconds"); pk.pack(sel.wall_seconds);
  std::lock_guard lock(mutex_);
  write_record(std::vector<char>(buf.data(), buf.data() + buf.size()));
}

void SessionWriter::append_selection_deletion(const std::string& name) {
  if (!store::plausible_selection_name(name)) throw Error(path_.string() + ": cannot delete a selection with an implausible name");
  msgpack::sbuffer buf;
  Packer pk(buf);
  pk.pack_map(4);
  pack_str(pk, "type"); pack_str(pk, "selection");
  pack_str(pk, "name"); pack_str(pk, name);
  pack_str(pk, "points"); pack_bin(pk, nullptr, 0);
  pack_str(pk, "deleted"); pk.pack(true);
  std::lock_guard lock(mutex_);
  write_record(std::vector<char>(buf.data(), buf.data() + buf.size()));
}

void SessionWriter::finish(std::size_t frames, const std::string& reason) {
  msgpack::sbuffer buf;
  Packer pk(buf);
  pk.pack_map(3);
  pack_str(pk, "type"); pack_str(pk, "end");
  pack_str(pk, "frames"); pk.pack(static_cast<std::uint64_t>(frames));
  pack_str(pk, "reason"); pack_str(pk, reason);
  std::lock_guard lock(mutex_);
  write_record(std::vector<char>(buf.data(), buf.data() + buf.size()));
}

FrameLocation SessionWriter::append(const store::Frame& frame) {
  const auto& filters = frame.filters;
  if (auto problem = store::filter_bank_problem(filters); !problem.empty()) throw Error(path_.string() + ": " + problem);
  const auto& params = frame.parameters;
  if (params) {
    if (auto problem = store::parameter_snapshot_problem(*params); !problem.empty()) throw Error(path_.string() + ": " + problem);
  }
  msgpack::sbuffer buf;
  Packer pk(buf);
  const auto& m = frame.metrics;
  pk.pack_map(13 + (filters.empty() ? 0 : 1) + (params ? 1 : 0));
  pack_str(pk, "type"); pack_str(pk, "frame");
  pack_str(pk, "index"); pk.pack(frame.index);
  pack_str(pk, "epoch"); pk.pack(frame.epoch);
  pack_str(pk, "train_loss"); pk.pack(m.train_loss);
  pack_str(pk, "train_accuracy"); pk.pack(m.train_accuracy);
  pack_str(pk, "heldout_loss"); pk.pack(m.heldout_loss);
  pack_str(pk, "heldout_accuracy"); pk.pack(m.heldout_accuracy);
  pack_str(pk, "per_class_accuracy"); pk.pack(m.per_class_accuracy);
  pack_str(pk, "confusion"); pk.pack(m.confusion);
  pack_str(pk, "wall_seconds"); pk.pack(m.wall_seconds);
  pack_str(pk, "epoch_seconds"); pk.pack(m.epoch_seconds);
  pack_str(pk, "predicted"); pack_bin(pk, frame.predicted.data(), frame.predicted.size());
  std::uint64_t filter_bytes = 0;
  if (!filters.empty()) {  // 1.6: the first convolution's weights, one filter a row (older readers skip them)
    const std::size_t before = buf.size();
    const auto fs = static_cast<Eigen::Index>(filters.filter_size());
    const Matrix w = Eigen::Map<const Matrix>(filters.weights.data(), filters.count, fs);
    pack_str(pk, "filters");
    pk.pack_map(6);
    pack_str(pk, "layer"); pack_str(pk, filters.layer);
    pack_str(pk, "count"); pk.pack(filters.count);
    pack_str(pk, "channels"); pk.pack(filters.channels);
    pack_str(pk, "height"); pk.pack(filters.height);
    pack_str(pk, "width"); pk.pack(filters.width);
    pack_str(pk, "data"); pack_matrix(pk, encode_matrix(w, kFilterMaxError));
    filter_bytes = buf.size() - before;
  }
  std::uint64_t parameter_bytes = 0;
  if (params) {  // 1.7: every parameter, then the buffers, as one column (older readers skip them)
    const std::size_t before = buf.size();
    const Matrix v = Eigen::Map<const Matrix>(params->values.data(), static_cast<Eigen::Index>(params->values.size()), 1);
    pack_str(pk, "parameters");
    pk.pack_map(3);
    pack_str(pk, "count"); pk.pack(static_cast<std::uint64_t>(params->values.size()));
    pack_str(pk, "buffers"); pk.pack(static_cast<std::uint64_t>(params->buffers));
    pack_str(pk, "data"); pack_matrix(pk, encode_matrix(v, kParameterMaxError));
    parameter_bytes = buf.size() - before;
  }
  pack_str(pk, "layers");
  pk.pack_map(static_cast<std::uint32_t>(frame.layers.size()));
  std::lock_guard lock(mutex_);
  last_layer_bytes_.clear();
  last_filter_bytes_ = filter_bytes;
  last_parameter_bytes_ = parameter_bytes;
  for (const auto& [name, mat] : frame.layers) {
    const std::size_t before = buf.size();
    pack_str(pk, name);
    pack_matrix(pk, encode_matrix(mat));
    last_layer_bytes_[name] = buf.size() - before;
  }
  return write_record(std::vector<char>(buf.data(), buf.data() + buf.size()));
}

}  // namespace epochscope::io
