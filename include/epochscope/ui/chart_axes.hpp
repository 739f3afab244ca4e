// Contract: round numbers for a chart's axis (no ImGui): ticks at 1, 2 or 5 times a power of ten,
// about `target` of them, covering [lo, hi]; and a tick's label with as many decimals as the step
// needs ("0.25", "50", "1e+04" never: plain decimals up to 6 places).
#pragma once

#include <string>
#include <vector>

namespace epochscope::ui {

/// Ticks inside [lo, hi] (inclusive), evenly spaced by a round step; empty when lo >= hi or either
/// is not finite.
std::vector<double> nice_ticks(double lo, double hi, int target = 4);

/// The label of tick `v` for ticks spaced by `step`.
std::string tick_label(double v, double step);

/// The shortest prefix of each class name that tells it from the others (at least 1 character, the
/// whole name when it is 3 characters or fewer), for headers too narrow for the names: Fashion-MNIST
/// gives "T-", "Tr", "P", "D", "C", "Sa", "Sh", "Sn", "Bag", "A".
std::vector<std::string> short_names(const std::vector<std::string>& names);

}  // namespace epochscope::ui
