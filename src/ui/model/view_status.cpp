#include "epochscope/ui/view_status.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace epochscope::ui {
namespace {

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

std::string chain_status(std::string_view label, const jobs::ChainStatus& st, const ShownLayout& shown, int wanted_frame) {
  std::string s(label);
  s += ": " + std::to_string(st.frames_final) + "/" + std::to_string(st.frames_available) + " frames";
  if (!st.error.empty()) s += ", stopped at frame " + std::to_string(st.error_frame) + ": " + st.error;
  if (shown.frame >= 0 && !shown.final) {
    s += ", animating frame " + std::to_string(shown.frame) + ", iteration " + std::to_string(shown.iteration) + "/" +
         std::to_string(shown.total_iterations);
  } else if (st.working_frame >= 0 && st.working_frame != shown.frame) {
    s += ", computing frame " + std::to_string(st.working_frame) + " (" + std::to_string(st.iteration) + "/" +
         std::to_string(st.total_iterations) + ")";
  }
  if (shown.frame >= 0 && shown.frame != wanted_frame) {
    s += " - showing frame " + std::to_string(shown.frame) + " until " + std::to_string(wanted_frame) + " is ready";
  }
  return s;
}

float chain_progress(const jobs::ChainStatus& st) {
  const double partial = st.total_iterations > 0 && st.working_frame >= 0
                             ? static_cast<double>(st.iteration) / st.total_iterations : 0.0;
  const double p = (st.frames_final + partial) / std::max(1, st.frames_available);
  return static_cast<float>(std::clamp(p, 0.0, 1.0));
}

std::string readouts_text(const Readouts& r) {
  std::string s;
  if (std::isfinite(r.kl)) s += "  |  KL " + fixed(r.kl, 2);
  if (r.recall >= 0) s += "  |  recall@10 " + fixed(r.recall, 2);
  if (r.displacement >= 0) s += "  |  moved " + fixed(r.displacement, 2);
  if (r.mean_change >= 0) s += "  |  changed " + fixed(100 * r.mean_change, 0) + "%";
  return s;
}

}  // namespace epochscope::ui
