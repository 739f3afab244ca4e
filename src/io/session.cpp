#include "epochscope/io/session.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <msgpack.hpp>

#include "epochscope/io/codec.hpp"
#include "epochscope/store/filter_bank.hpp"
#include "epochscope/store/layers.hpp"
#include "epochscope/store/parameters.hpp"
#include "epochscope/store/selection.hpp"
#include "session_detail.hpp"

namespace epochscope::io {
namespace {

// ---- reading helpers: every access is checked and throws Error on a wrong type ----------------

using Obj = msgpack::object;

const Obj* find(const Obj& map, const char* key) {
  if (map.type != msgpack::type::MAP) throw Error("record is not a map");
  for (std::uint32_t i = 0; i < map.via.map.size; ++i) {
    const auto& kv = map.via.map.ptr[i];
    if (kv.key.type == msgpack::type::STR && kv.key.via.str.size == std::strlen(key) &&
        std::memcmp(kv.key.via.str.ptr, key, kv.key.via.str.size) == 0) {
      return &kv.val;
    }
  }
  return nullptr;
}

const Obj& need(const Obj& map, const char* key) {
  const Obj* o = find(map, key);
  if (o == nullptr) throw Error(std::string("missing field '") + key + "'");
  return *o;
}

template <typename T>
T get(const Obj& map, const char* key) {
  try {
    return need(map, key).as<T>();
  } catch (const msgpack::type_error&) {
    throw Error(std::string("field '") + key + "' has the wrong type");
  }
}

template <typename T>
T get_or(const Obj& map, const char* key, T fallback) {
  const Obj* o = find(map, key);
  if (o == nullptr) return fallback;
  try {
    return o->as<T>();
  } catch (const msgpack::type_error&) {
    throw Error(std::string("field '") + key + "' has the wrong type");
  }
}

std::vector<std::uint8_t> get_bin(const Obj& map, const char* key) {
  const Obj& o = need(map, key);
  if (o.type != msgpack::type::BIN) throw Error(std::string("field '") + key + "' is not binary");
  return {reinterpret_cast<const std::uint8_t*>(o.via.bin.ptr),
          reinterpret_cast<const std::uint8_t*>(o.via.bin.ptr) + o.via.bin.size};
}

std::vector<float> get_floats(const Obj& map, const char* key) {
  auto bytes = get_bin(map, key);
  if (bytes.size() % sizeof(float) != 0) throw Error(std::string("field '") + key + "' has a ragged length");
  std::vector<float> v(bytes.size() / sizeof(float));
  if (!v.empty()) std::memcpy(v.data(), bytes.data(), bytes.size());  // memcpy may not see null, even for 0 bytes
  return v;
}

EncodedMatrix get_matrix(const Obj& o) {
  EncodedMatrix e;
  e.encoding = get<std::string>(o, "enc");
  e.rows = get<std::uint32_t>(o, "rows");
  e.cols = get<std::uint32_t>(o, "cols");
  if (e.encoding == "q16") {
    e.lo = get_floats(o, "lo");
    e.step = get_floats(o, "step");
  }
  e.data = get_bin(o, "data");
  return e;
}

// Bulk data travels as bin; arrays and maps stay small. msgpack allocates an array's or a map's
// elements when it reads the header, before they arrive (str and bin wait for their bytes): every
// element takes at least one byte (a map entry two), so capping the counts by the `available` bytes
// keeps what a lying header can allocate within a small multiple of the bytes really there (24 per
// byte, times the depth). The floor of 16 keeps a record cut inside its small envelope "incomplete".
msgpack::unpack_limit limits(std::size_t available = std::numeric_limits<std::uint32_t>::max()) {
  const std::size_t array = std::min<std::size_t>(1u << 16, std::max<std::size_t>(available, 16));
  const std::size_t map = std::min<std::size_t>(1u << 12, std::max<std::size_t>(available / 2, 16));
  return msgpack::unpack_limit(array, map, 1u << 20, 1u << 31, 1u << 16, 8);
}

std::shared_ptr<store::PointSet> parse_header(const Obj& h, Session& s) {
  if (get_or<std::string>(h, "type", "") != "header") throw Error("first record is not a session header");
  const Obj& version = need(h, "version");
  auto v = version.as<std::vector<int>>();
  if (v.size() < 2) throw Error("malformed version");
  s.version_major = v[0];
  s.version_minor = v[1];
  if (s.version_major != kFormatMajor) {
    throw Error("session format version " + std::to_string(v[0]) + "." + std::to_string(v[1]) +
                " is not supported (this build reads " + std::to_string(kFormatMajor) + ".x)");
  }
  auto ps = std::make_shared<store::PointSet>();
  ps->dataset = get<std::string>(h, "dataset");
  ps->class_names = get<std::vector<std::string>>(h, "classes");
  if (ps->class_names.empty() || ps->class_names.size() > 256) throw Error("implausible class count");
  ps->height = get<int>(h, "image_height");
  ps->width = get<int>(h, "image_width");
  // 1.4: grey (1, the default), RGB (3, interleaved, up to 64 x 64) or no images (0, size 0 x 0).
  ps->channels = get_or<int>(h, "image_channels", 1);
  if (ps->channels != 0 && ps->channels != 1 && ps->channels != 3) {
    throw Error("image_channels is " + std::to_string(ps->channels) + ", not 0, 1 or 3");
  }
  if (ps->channels == 0) {
    if (ps->height != 0 || ps->width != 0) throw Error("a session without images must have image size 0 x 0");
  } else if (ps->height <= 0 || ps->width <= 0 || ps->height > 1024 || ps->width > 1024) {
    throw Error("implausible image size");
  } else if (ps->channels == 3 && (ps->height > 64 || ps->width > 64)) {
    throw Error("colour images are at most 64 x 64, not " + std::to_string(ps->height) + " x " + std::to_string(ps->width));
  }
  ps->signal = get_or<bool>(h, "signal", false);
  if (ps->signal && ps->channels != 1) throw Error("a signal dataset must have one channel");
  ps->value_offset = get_or<float>(h, "value_offset", 0.0f);
  ps->value_scale = get_or<float>(h, "value_scale", 1.0f / 255.0f);
  if (!std::isfinite(ps->value_offset) || !std::isfinite(ps->value_scale) || !(ps->value_scale > 0.0f)) {
    throw Error("implausible value scale");
  }
  if (ps->signal && ps->height != 1) throw Error("a signal dataset must have height 1");
  const auto points = get<std::uint32_t>(h, "points");
  ps->labels = get_bin(h, "labels");
  ps->heldout = get_bin(h, "split");
  if (ps->labels.size() != points || ps->heldout.size() != points) throw Error("labels or split do not match the point count");
  for (auto l : ps->labels) {
    if (l >= ps->class_names.size()) throw Error("label out of range");
  }
  auto src = get_bin(h, "source_index");
  if (src.size() != std::size_t{points} * 4) throw Error("source_index does not match the point count");
  ps->source_index.resize(points);
  if (points > 0) std::memcpy(ps->source_index.data(), src.data(), src.size());
  const auto packed_images = get_bin(h, "images");
  ps->images = inflate_bytes(packed_images.data(), packed_images.size(), std::size_t{points} * ps->image_size());
  if (find(h, "texts") != nullptr) {
    ps->texts = unpack_texts(get_bin(h, "texts"), points);
    if (points == 0) ps->texts.clear();
  }
  for (const auto& [name, width] : get<std::vector<std::pair<std::string, int>>>(h, "layers")) {
    if (width <= 0 || width > 1 << 20) throw Error("implausible layer width");
    // The output layer holds one probability per class; views index it by class.
    if (name == "output" && width != ps->class_count()) {
      throw Error("layer 'output' has " + std::to_string(width) + " columns for " + std::to_string(ps->class_count()) + " classes");
    }
    // Layer names are identifiers that menus and messages show: printable, short, not the input's.
    if (!store::plausible_layer_name(name) || name == store::kInputLayer) throw Error("implausible layer name");
    if (store::find_layer(*ps, name) != nullptr) throw Error("layer '" + name + "' is listed twice");
    ps->layers.push_back({name, width, store::legacy_layer_kind(name)});
  }
  // 1.3: each layer's kind, and the layers in depth order. Older files: kinds from the names, and
  // the order the built-in trainer meant (it wrote output, logits, hidden).
  if (const Obj* kinds = find(h, "layer_kinds")) {
    const auto names = kinds->as<std::vector<std::string>>();
    if (names.size() != ps->layers.size()) throw Error("layer_kinds does not name one kind per layer");
    for (std::size_t i = 0; i < names.size(); ++i) {
      // A kind a newer minor version added reads as "other".
      const auto kind = store::parse_layer_kind(names[i]).value_or(store::LayerKind::other);
      if (kind == store::LayerKind::input) throw Error("a frame layer cannot be of kind input");
      ps->layers[i].kind = kind;
    }
  } else {
    store::sort_legacy_layers(ps->layers);
  }
  s.meta = get_or<SessionMeta>(h, "meta", {});
  return ps;
}

// 1.6: the first convolution's weights, `data` an encoded count x (channels x height x width)
// matrix. Every size is checked before the weights are allocated, every weight must be finite.
store::FilterBank parse_filters(const Obj& o, Session& s) {
  if (o.type != msgpack::type::MAP) throw Error("field 'filters' is not a map");
  store::FilterBank b;
  b.layer = get<std::string>(o, "layer");
  b.count = get<int>(o, "count");
  b.channels = get<int>(o, "channels");
  b.height = get<int>(o, "height");
  b.width = get<int>(o, "width");
  if (auto problem = store::filter_shape_problem(b); !problem.empty()) throw Error(problem);
  const auto encoded = get_matrix(need(o, "data"));
  if (encoded.rows != static_cast<std::uint32_t>(b.count) || encoded.cols != b.filter_size()) {
    throw Error("filters of '" + b.layer + "': data is " + std::to_string(encoded.rows) + " x " + std::to_string(encoded.cols) +
                ", not " + std::to_string(b.count) + " x " + std::to_string(b.filter_size()) + " (filters x channels x height x width)");
  }
  try {
    const Matrix m = decode_matrix(encoded, std::uint64_t{static_cast<std::uint32_t>(b.count)} * b.filter_size());
    b.weights.assign(m.data(), m.data() + m.size());  // row-major: filter by filter
  } catch (const Error& e) {
    throw Error("filters of '" + b.layer + "': " + e.what());
  }
  if (auto problem = store::filter_bank_problem(b); !problem.empty()) throw Error(problem);
  s.filter_bytes += encoded.data.size() + 4 * (encoded.lo.size() + encoded.step.size()) + 100;  // + keys and sizes
  return b;
}

// 1.7: the network's parameters then its buffers, `data` an encoded count x 1 matrix. The sizes are
// checked before the values are allocated, every value must be finite.
store::ParameterSnapshotPtr parse_parameters(const Obj& o, Session& s) {
  if (o.type != msgpack::type::MAP) throw Error("field 'parameters' is not a map");
  auto p = std::make_shared<store::ParameterSnapshot>();
  const auto count = get<std::uint64_t>(o, "count");
  p->buffers = get_or<std::uint64_t>(o, "buffers", 0);
  if (auto problem = store::parameter_shape_problem(count, p->buffers); !problem.empty()) throw Error(problem);
  const auto encoded = get_matrix(need(o, "data"));
  if (encoded.rows != count || encoded.cols != 1) {
    throw Error("parameters: data is " + std::to_string(encoded.rows) + " x " + std::to_string(encoded.cols) + ", not " +
                std::to_string(count) + " x 1");
  }
  try {
    const Matrix m = decode_matrix(encoded, count);
    p->values.assign(m.data(), m.data() + m.size());
  } catch (const Error& e) {
    throw Error(std::string("parameters: ") + e.what());
  }
  if (auto problem = store::parameter_snapshot_problem(*p); !problem.empty()) throw Error(problem);
  s.parameter_bytes += encoded.data.size() + 4 * (encoded.lo.size() + encoded.step.size()) + 60;  // + keys and sizes
  return p;
}

store::FramePtr parse_frame(const Obj& f, const store::PointSet& ps, Session& s) {
  auto frame = std::make_shared<store::Frame>();
  frame->index = get<int>(f, "index");
  frame->epoch = get<int>(f, "epoch");
  auto& m = frame->metrics;
  m.train_loss = get<double>(f, "train_loss");
  m.train_accuracy = get<double>(f, "train_accuracy");
  m.heldout_loss = get<double>(f, "heldout_loss");
  m.heldout_accuracy = get<double>(f, "heldout_accuracy");
  m.per_class_accuracy = get<std::vector<double>>(f, "per_class_accuracy");
  m.confusion = get<std::vector<std::uint32_t>>(f, "confusion");
  m.wall_seconds = get<double>(f, "wall_seconds");
  m.epoch_seconds = get_or<double>(f, "epoch_seconds", 0.0);
  frame->predicted = get_bin(f, "predicted");
  if (frame->predicted.size() != ps.size()) throw Error("predicted classes do not match the point count");
  const auto classes = static_cast<std::size_t>(ps.class_count());
  for (auto p : frame->predicted) {
    if (p >= classes) throw Error("predicted class " + std::to_string(p) + " out of range");
  }
  if (!m.confusion.empty() && m.confusion.size() != classes * classes) throw Error("confusion matrix is not classes x classes");
  if (!m.per_class_accuracy.empty() && m.per_class_accuracy.size() != classes) throw Error("per-class accuracy does not match the class count");
  const Obj& layers = need(f, "layers");
  for (const auto& info : ps.layers) {
    const Obj* lo = find(layers, info.name.c_str());
    if (lo == nullptr) throw Error("frame lacks layer '" + info.name + "'");
    auto encoded = get_matrix(*lo);
    s.layer_bytes[info.name] += encoded.data.size() + 4 * (encoded.lo.size() + encoded.step.size()) + 32;
    Matrix mat = decode_matrix(encoded, std::uint64_t{ps.size()} * static_cast<std::uint64_t>(info.width));
    if (mat.rows() != static_cast<Eigen::Index>(ps.size()) || mat.cols() != info.width) {
      throw Error("layer '" + info.name + "' has the wrong shape");
    }
    frame->layers.emplace(info.name, std::move(mat));
  }
  if (const Obj* filters = find(f, "filters")) frame->filters = parse_filters(*filters, s);  // 1.6, optional
  if (const Obj* params = find(f, "parameters")) frame->parameters = parse_parameters(*params, s);  // 1.7, optional
  return frame;
}

LayoutRecord parse_layout(const Obj& o, const store::PointSet& ps) {
  LayoutRecord l;
  l.method = get<std::string>(o, "method");
  l.layer = get<std::string>(o, "layer");
  l.dims = get<int>(o, "dims");
  l.frame = get<int>(o, "frame");
  if (l.dims < 1 || l.dims > 3 || l.frame < 0) throw Error("malformed layout record");
  l.positions = decode_matrix(get_matrix(need(o, "positions")), std::uint64_t{ps.size()} * 3);
  if (l.positions.rows() != static_cast<Eigen::Index>(ps.size()) || l.positions.cols() != l.dims) {
    throw Error("layout has the wrong shape");
  }
  l.recall_at_10 = get<double>(o, "recall_at_10");
  l.knn_accuracy = get<double>(o, "knn_accuracy");
  l.displacement = get<double>(o, "displacement");
  l.cost_name = get<std::string>(o, "cost_name");
  l.cost = get<double>(o, "cost");
  l.seconds = get_or<double>(o, "seconds", 0.0);
  const Obj& e = need(o, "edges");
  if (e.type != msgpack::type::ARRAY || e.via.array.size != 2 || e.via.array.ptr[1].type != msgpack::type::BIN) {
    throw Error("malformed layout edges");
  }
  const auto count = e.via.array.ptr[0].as<std::uint32_t>();
  if (count > ps.size() * 100) throw Error("implausible edge count");
  const auto& bin = e.via.array.ptr[1].via.bin;
  const auto flat = inflate_bytes(reinterpret_cast<const std::uint8_t*>(bin.ptr), bin.size, std::size_t{count} * 8);
  l.edges.resize(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    std::int32_t ab[2];
    std::memcpy(ab, flat.data() + std::size_t{i} * 8, 8);
    if (ab[0] < 0 || ab[1] < 0 || static_cast<std::size_t>(ab[0]) >= ps.size() || static_cast<std::size_t>(ab[1]) >= ps.size()) {
      throw Error("layout edge out of range");
    }
    l.edges[i] = {ab[0], ab[1]};
  }
  return l;
}

std::vector<store::TrajectoryPoint> parse_trajectory(const Obj& o) {
  const auto dims = get<std::uint32_t>(o, "dims");
  const auto count = get<std::uint32_t>(o, "count");
  if (dims < 1 || dims > 65536 || count > (1u << 24)) throw Error("implausible trajectory record");
  const auto steps = get_bin(o, "steps"), epochs = get_bin(o, "epochs");
  const auto losses = get_floats(o, "losses");
  if (steps.size() != std::size_t{count} * 4 || epochs.size() != std::size_t{count} * 4 || losses.size() != count) {
    throw Error("trajectory record sizes do not match its count");
  }
  const auto packed = get_bin(o, "sketches");
  const auto raw = inflate_bytes(packed.data(), packed.size(), std::size_t{count} * dims * 4);
  std::vector<store::TrajectoryPoint> points(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    auto& p = points[i];
    std::int32_t step = 0, epoch = 0;
    std::memcpy(&step, steps.data() + std::size_t{i} * 4, 4);
    std::memcpy(&epoch, epochs.data() + std::size_t{i} * 4, 4);
    if (step < 0 || epoch < 0) throw Error("trajectory record with a negative step or epoch");
    p.step = step;
    p.epoch = epoch;
    p.loss = losses[i];
    p.sketch.resize(dims);
    std::memcpy(p.sketch.data(), raw.data() + std::size_t{i} * dims * 4, std::size_t{dims} * 4);
  }
  return points;
}

// A selection record (1.5): a selection, or (`deleted`) the removal of a name. Held to
// store::validate's rules for this session's points.
struct SelectionRecord {
  store::NamedSelection selection;
  bool deleted = false;
};

SelectionRecord parse_selection(const Obj& o, const store::PointSet& ps) {
  SelectionRecord r;
  auto& sel = r.selection;
  sel.name = get<std::string>(o, "name");
  if (!store::plausible_selection_name(sel.name)) throw Error("implausible selection name");
  const std::string what = "selection '" + sel.name + "': ";
  const Obj& points = need(o, "points");
  if (points.type != msgpack::type::BIN) throw Error(what + "field 'points' is not binary");
  const auto bytes = points.via.bin.size;
  if (bytes % 4 != 0) throw Error(what + "'points' holds " + std::to_string(bytes) + " bytes, not whole uint32 indices");
  if (bytes / 4 > ps.size()) throw Error(what + std::to_string(bytes / 4) + " points for a session of " + std::to_string(ps.size()));
  r.deleted = get_or<bool>(o, "deleted", false);
  if (r.deleted) {
    if (bytes != 0) throw Error(what + "a deletion that lists points");
    return r;
  }
  sel.points.resize(bytes / 4);
  if (bytes > 0) std::memcpy(sel.points.data(), points.via.bin.ptr, bytes);  // little-endian, as the host
  sel.note = get_or<std::string>(o, "note", "");
  sel.wall_seconds = get_or<double>(o, "wall_seconds", 0.0);
  store::validate(sel, ps.size());
  return r;
}

}  // namespace

// ---- one record at a time (shared with SessionFollower) ---------------------------------------

namespace detail {

bool read_magic(const char* data, std::size_t size, std::size_t& offset) {
  std::size_t pos = offset;
  try {
    auto oh = msgpack::unpack(data, size, pos, nullptr, nullptr, limits(size - pos));
    if (oh.get().type != msgpack::type::STR || oh.get().as<std::string>() != kMagic) throw Error("");
  } catch (const msgpack::insufficient_bytes&) {
    return false;
  } catch (...) {
    throw Error("not an epochscope session file");
  }
  offset = pos;
  return true;
}

RecordOutcome read_record(const char* data, std::size_t size, std::size_t& offset,
                          std::shared_ptr<store::PointSet>& points, std::size_t next_frame, Session& s) {
  RecordOutcome r;
  std::size_t pos = offset;
  msgpack::object_handle oh;
  // Only the envelope can be cut short by a writer still at work: inside a complete envelope the
  // checksum vouches for the payload, so a short payload is damage.
  try {
    oh = msgpack::unpack(data, size, pos, nullptr, nullptr, limits(size - pos));
  } catch (const msgpack::insufficient_bytes&) {
    r.status = RecordStatus::incomplete;
    r.problem = "truncated record";
    return r;
  } catch (const std::exception& e) {
    r.status = RecordStatus::damaged;
    r.problem = points ? std::string("unreadable record (") + e.what() + ")" : "unreadable session header";
    return r;
  }
  try {
    const Obj& rec = oh.get();
    if (rec.type != msgpack::type::ARRAY || rec.via.array.size != 2 || rec.via.array.ptr[1].type != msgpack::type::BIN) {
      throw Error("malformed record envelope");
    }
    const auto crc = rec.via.array.ptr[0].as<std::uint32_t>();
    const auto& body = rec.via.array.ptr[1].via.bin;
    if (crc32(0L, reinterpret_cast<const Bytef*>(body.ptr), body.size) != crc) throw Error("checksum mismatch");
    std::size_t inner = 0;
    auto ph = msgpack::unpack(body.ptr, body.size, inner, nullptr, nullptr, limits(body.size));
    const Obj& payload = ph.get();
    if (!points) {
      points = parse_header(payload, s);
      r.type = "header";
    } else {
      r.type = get_or<std::string>(payload, "type", "");
      if (r.type == "frame") {
        r.frame = parse_frame(payload, *points, s);
        if (r.frame->index != static_cast<int>(next_frame)) throw Error("frame out of order");
      } else if (r.type == "layout") {
        r.layout = parse_layout(payload, *points);
      } else if (r.type == "trajectory") {
        r.trajectory = parse_trajectory(payload);
      } else if (r.type == "selection") {
        auto sel = parse_selection(payload, *points);
        if (sel.deleted) {
          store::remove_selection(s.selections, sel.selection.name);
        } else {
          store::put_selection(s.selections, std::move(sel.selection));
        }
      } else if (r.type == "end") {
        s.finished = true;
        s.end_reason = get_or<std::string>(payload, "reason", "");
      }
      // Unknown record types (newer minor versions) are skipped.
    }
  } catch (const Error& e) {
    r.status = RecordStatus::damaged;
    r.problem = e.what()[0] ? e.what() : "unreadable header";
    r.frame.reset();
    r.layout.reset();
    r.trajectory.clear();
    return r;
  } catch (const std::exception& e) {
    r.status = RecordStatus::damaged;
    r.problem = points ? std::string("unreadable record (") + e.what() + ")" : "unreadable session header";
    r.frame.reset();
    r.layout.reset();
    r.trajectory.clear();
    return r;
  }
  offset = pos;
  return r;
}

}  // namespace detail

// ---- reader ---------------------------------------------------------------------------------

Session read_session(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw Error(path.string() + ": no such file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string() + ": cannot open");
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  Session s;
  s.file_bytes = bytes.size();
  std::size_t offset = 0;
  // The magic string comes first.
  bool magic = false;
  try {
    magic = detail::read_magic(bytes.data(), bytes.size(), offset);
  } catch (const Error&) {
  }
  if (!magic) throw Error(path.string() + ": not an epochscope session file");

  std::shared_ptr<store::PointSet> points;
  std::string problem;
  while (offset < bytes.size()) {
    const std::size_t start = offset;
    auto r = detail::read_record(bytes.data(), bytes.size(), offset, points, s.frames.size(), s);
    if (r.status != detail::RecordStatus::complete) {
      if (!points && r.status == detail::RecordStatus::damaged) throw Error(path.string() + ": " + r.problem);
      problem = r.problem;
      break;
    }
    if (r.frame) {
      s.frames.push_back(std::move(r.frame));
      s.frame_locations.push_back({start, offset - start});
    }
    if (r.layout) s.layouts.push_back(std::move(*r.layout));
    for (auto& p : r.trajectory) {
      if (!s.trajectory.empty() && p.sketch.size() != s.trajectory.front().sketch.size()) continue;  // another space
      s.trajectory.push_back(std::move(p));
    }
  }
  if (!points) throw Error(path.string() + ": truncated before the session header was complete");
  s.points = std::move(points);
  s.dropped_bytes = bytes.size() - offset;
  if (s.dropped_bytes > 0) {
    // One line whatever the bytes said (a message may quote something read from the file).
    std::replace_if(problem.begin(), problem.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    s.warning = path.string() + ": dropped " + std::to_string(s.dropped_bytes) + " bytes after frame " +
                std::to_string(static_cast<int>(s.frames.size()) - 1) + " (" + problem + "); loaded " +
                std::to_string(s.frames.size()) + " complete frames";
  }
  return s;
}

// ---- reading single frames back -----------------------------------------------------------

FrameReader::FrameReader(std::filesystem::path path, std::shared_ptr<const store::PointSet> points)
    : path_(std::move(path)), points_(std::move(points)) {
  if (!points_) throw Error("FrameReader needs the session's point set");
}

void FrameReader::add(std::size_t index, FrameLocation where) {
  std::lock_guard lock(mutex_);
  if (locations_.size() <= index) locations_.resize(index + 1);
  locations_[index] = where;
}

store::FramePtr FrameReader::read(std::size_t index) const {
  FrameLocation where;
  {
    std::lock_guard lock(mutex_);
    if (index < locations_.size()) where = locations_[index];
  }
  const std::string what = path_.string() + ": frame " + std::to_string(index);
  if (where.size == 0) throw Error(what + " is not known to be saved");
  if (where.size > (std::uint64_t{1} << 32)) throw Error(what + " has an absurd record size");
  std::ifstream in(path_, std::ios::binary);
  if (!in) throw Error(what + " cannot be read back (cannot open the file)");
  std::vector<char> bytes(static_cast<std::size_t>(where.size));
  in.seekg(static_cast<std::streamoff>(where.offset));
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (static_cast<std::uint64_t>(in.gcount()) != where.size) throw Error(what + " cannot be read back (the file is shorter)");
  // read_record leaves a non-null point set alone; it only fills one in for the header.
  auto points = std::const_pointer_cast<store::PointSet>(points_);
  Session scratch;
  std::size_t offset = 0;
  auto r = detail::read_record(bytes.data(), bytes.size(), offset, points, index, scratch);
  if (r.status != detail::RecordStatus::complete || !r.frame) {
    throw Error(what + " cannot be read back (" + (r.problem.empty() ? "not a frame record" : r.problem) + ")");
  }
  return std::move(r.frame);
}

OnFrameSaved evict_when_saved(const std::shared_ptr<store::EpochStore>& store, const std::filesystem::path& path) {
  auto reader = std::make_shared<FrameReader>(path, store->points_ptr());
  store->set_loader([reader](std::size_t i) { return reader->read(i); });
  return [reader, weak = std::weak_ptr<store::EpochStore>(store)](std::size_t i, FrameLocation where) {
    reader->add(i, where);
    if (auto s = weak.lock()) s->mark_saved(i);
  };
}

}  // namespace epochscope::io
