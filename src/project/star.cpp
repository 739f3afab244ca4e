#include "epochscope/project/star.hpp"

#include <cmath>
#include <numbers>
#include <string>

namespace epochscope::project {
namespace {

void check_anchors(const Matrix& anchors, Eigen::Index d) {
  if (anchors.rows() != d || (anchors.cols() != 2 && anchors.cols() != 3)) {
    throw Error("star coordinates: anchors must be " + std::to_string(d) + " x 2 or " + std::to_string(d) +
                " x 3, got " + std::to_string(anchors.rows()) + " x " + std::to_string(anchors.cols()));
  }
  if (!anchors.allFinite()) throw Error("star coordinates: the anchors hold NaN or Inf values");
}

class StarProjection final : public Projection {
 public:
  explicit StarProjection(StarOptions options) : options_(std::move(options)) {
    if (options_.anchors && options_.anchors->cols() != 2 && options_.anchors->cols() != 3) {
      throw Error("star coordinates: anchors must have 2 or 3 columns, got " + std::to_string(options_.anchors->cols()));
    }
  }
  Matrix initialize(const ProjectionInput& input) override {
    if (input.data == nullptr) throw Error("star coordinates: no input data");
    return star_coordinates(*input.data, options_);
  }
  void run(Matrix& layout, int iteration_limit) override {
    (void)layout;
    (void)iteration_limit;
  }
  int iteration() const override { return 0; }
  int total_iterations() const override { return 0; }

 private:
  StarOptions options_;
};

}  // namespace

Matrix default_star_anchors(int d) {
  if (d < 1) throw Error("star coordinates: need at least one dimension, got " + std::to_string(d));
  Matrix a(d, 2);
  for (int j = 0; j < d; ++j) {
    const double angle = 2.0 * std::numbers::pi * j / d;
    a(j, 0) = static_cast<float>(std::cos(angle));
    a(j, 1) = static_cast<float>(std::sin(angle));
  }
  return a;
}

bool rows_are_probabilities(const Matrix& data, float tol) {
  for (Eigen::Index i = 0; i < data.rows(); ++i) {
    const auto row = data.row(i);
    if (row.minCoeff() < -tol || row.maxCoeff() > 1.f + tol || std::abs(row.sum() - 1.f) > tol) return false;
  }
  return true;
}

Matrix star_normalized(const Matrix& data, StarNormalize normalize, float probability_tolerance) {
  if (data.rows() < 1 || data.cols() < 1) throw Error("star coordinates: the data is empty");
  // x * 0 is NaN exactly for NaN and Inf entries, and a NaN makes the sum NaN (a fast allFinite).
  if (std::isnan((data.array() * 0.f).sum())) throw Error("star coordinates: the data holds NaN or Inf values");
  const bool scale = normalize == StarNormalize::always ||
                     (normalize == StarNormalize::automatic && !rows_are_probabilities(data, probability_tolerance));
  if (!scale) return data;
  const Eigen::RowVectorXf lo = data.colwise().minCoeff();
  const Eigen::RowVectorXf range = data.colwise().maxCoeff() - lo;
  Eigen::RowVectorXf inv(data.cols());
  for (Eigen::Index j = 0; j < data.cols(); ++j) inv(j) = range(j) > 0 ? 1.f / range(j) : 0.f;
  Matrix out = (data.rowwise() - lo).array().rowwise() * inv.array();
  return out;
}

Matrix star_layout(const Matrix& normalized, const Matrix& anchors) {
  check_anchors(anchors, normalized.cols());
  Matrix y;
  y.noalias() = normalized * anchors;
  return y;
}

Matrix star_coordinates(const Matrix& data, const StarOptions& options) {
  const Matrix normalized = star_normalized(data, options.normalize, options.probability_tolerance);
  if (options.anchors) return star_layout(normalized, *options.anchors);
  return star_layout(normalized, default_star_anchors(static_cast<int>(data.cols())));
}

std::unique_ptr<Projection> make_star(const StarOptions& options) { return std::make_unique<StarProjection>(options); }

}  // namespace epochscope::project
