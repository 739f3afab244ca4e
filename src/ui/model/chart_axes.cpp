#include "epochscope/ui/chart_axes.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace epochscope::ui {

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || !(hi > lo) || target < 1) return {};
  const double raw = (hi - lo) / target;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power;
  for (const double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * power;
    if (step >= raw) break;
  }
  std::vector<double> out;
  // Each tick is first + i * step, not a running sum, so 0.1 + 0.2 never prints as 0.30000000000000004.
  const double first = std::ceil(lo / step - 1e-9);
  for (int i = 0;; ++i) {
    const double v = (first + i) * step;
    if (v > hi + step * 1e-9) break;
    out.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
  }
  return out;
}

std::string tick_label(double v, double step) {
  // The fewest decimals (at most six) that write the step exactly: 0.5 -> 1, 0.25 -> 2, 50 -> 0.
  int decimals = 0;
  for (double scaled = std::abs(step); decimals < 6; ++decimals, scaled *= 10) {
    if (scaled >= 0.5 && std::abs(scaled - std::round(scaled)) <= 1e-6 * scaled) break;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::vector<std::string> short_names(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string& n = names[i];
    if (n.size() <= 3) {
      out.push_back(n);
      continue;
    }
    std::size_t len = 1;
    for (; len < n.size(); ++len) {
      bool unique = true;
      for (std::size_t j = 0; j < names.size() && unique; ++j) {
        unique = j == i || names[j].compare(0, len, n, 0, len) != 0;
      }
      if (unique) break;
    }
    out.push_back(n.substr(0, len));
  }
  return out;
}

}  // namespace epochscope::ui
