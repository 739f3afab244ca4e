// Contract: the numeric types every module shares. A Matrix holds one sample per row
// (rows = points, cols = dimensions), row-major, single precision.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace epochscope {

/// rows = points, cols = dims, row-major float.
using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::VectorXf;

/// Every failure the core reports to a user: the message is one line that names the file or value
/// and the problem.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace epochscope
