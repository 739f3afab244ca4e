#include "epochscope/store/parameters.hpp"

#include <cmath>

namespace epochscope::store {

std::string parameter_shape_problem(std::size_t count, std::size_t buffers) {
  if (count == 0) return "parameters: no values";
  if (count > kMaxParameterValues) {
    return "parameters: " + std::to_string(count) + " values, more than " + std::to_string(kMaxParameterValues);
  }
  if (buffers >= count) {
    return "parameters: " + std::to_string(buffers) + " buffer values of " + std::to_string(count) + " leave no parameter";
  }
  return {};
}

std::string parameter_snapshot_problem(const ParameterSnapshot& s) {
  if (auto problem = parameter_shape_problem(s.values.size(), s.buffers); !problem.empty()) return problem;
  for (std::size_t k = 0; k < s.values.size(); ++k) {
    if (!std::isfinite(s.values[k])) {
      return "parameters: value " + std::to_string(k) + " of " + std::to_string(s.values.size()) + " is not finite";
    }
  }
  return {};
}

}  // namespace epochscope::store
