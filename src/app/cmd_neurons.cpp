// `neurons`: a layer's class x unit matrix of mean activations at one frame, as CSV.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "commands.hpp"
#include "epochscope/io/session.hpp"
#include "epochscope/store/layers.hpp"
#include "epochscope/store/neurons.hpp"
#include "epochscope/ui/selection_table.hpp"

namespace epochscope::app {

int run_neurons(const NeuronsCommand& cmd) {
  const auto s = io::read_session(cmd.file);
  if (!s.warning.empty()) fmt::print(stderr, "epochscope: warning: {}\n", s.warning);
  const auto& ps = *s.points;
  store::require_layer(ps, cmd.layer);
  if (s.frames.empty()) throw Error(cmd.file.string() + ": the session holds no frames");
  const auto& frame = *s.frames[parse_frame_choice(cmd.frame, s.frames.size())];
  Matrix pixels;
  const Matrix* m = frame.layer(cmd.layer);
  if (cmd.layer == store::kInputLayer) {
    pixels = store::input_values(ps);
    m = &pixels;
  }
  if (m == nullptr) throw Error("the frame has no layer '" + cmd.layer + "'");
  const auto table = store::neuron_table(*m, ps.labels, ps.class_count());
  std::vector<int> units;
  if (cmd.order == "unit") {
    for (Eigen::Index u = 0; u < m->cols(); ++u) units.push_back(static_cast<int>(u));
  } else {
    units = store::neuron_order(table, cmd.order == "class" ? store::NeuronOrder::by_class : store::NeuronOrder::by_selectivity);
  }
  // CSV: a header of unit numbers, a row per class (its name, then the means), then the selectivity
  // and the preferred class of every unit. Class names are quoted (they may hold commas).
  const auto tmp = cmd.out.string() + ".tmp";
  {
    std::ofstream out(tmp);
    if (!out) throw Error(cmd.out.string() + ": cannot open for writing");
    out << "class";
    for (int u : units) out << ",unit_" << u;
    out << "\n";
    for (int c = 0; c < ps.class_count(); ++c) {
      out << ui::csv_quoted(ps.class_names[static_cast<std::size_t>(c)]);
      for (int u : units) out << fmt::format(",{:.6g}", table.class_means(c, u));
      out << "\n";
    }
    out << "selectivity";
    for (int u : units) out << fmt::format(",{:.4f}", table.selectivity[static_cast<std::size_t>(u)]);
    out << "\npreferred";
    for (int u : units) out << "," << ui::csv_quoted(ps.class_names[static_cast<std::size_t>(table.preferred[static_cast<std::size_t>(u)])]);
    out << "\n";
    if (!out) throw Error(cmd.out.string() + ": write error");
  }
  std::filesystem::rename(tmp, cmd.out);
  fmt::print(stderr, "epochscope: wrote the {} x {} class x unit matrix of layer {} at frame {} (epoch {}) to {}\n",
             ps.class_count(), units.size(), cmd.layer, frame.index, frame.epoch, cmd.out.string());
  return 0;
}

}  // namespace epochscope::app
