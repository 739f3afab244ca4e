// `make bench` helper: the data's exact k nearest neighbours for the evaluator of the 70,000-point
// part (bench/fashion70k.py), where numpy on Debian's reference BLAS would take hours (70,000 x 784).
// Reads a float32 matrix (ROWS x COLS, row-major), writes the neighbours' indices as int32
// (ROWS x K, row-major, nearest first, ties to the lower index, a point never its own neighbour)
// and prints one JSON object with the seconds it took. The search is knn::build_knn with
// KnnMethod::exact, never the approximate PCA search; the bench checks a sample of its rows
// against numpy before it trusts them.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "epochscope/knn/neighbors.hpp"

int main(int argc, char** argv) {
  using namespace epochscope;
  CLI::App app{"Exact k nearest neighbours of a float32 matrix (make bench's evaluator)"};
  std::string in_path, out_path;
  long rows = 0, cols = 0;
  int k = 10, threads = 1;
  app.add_option("data", in_path, "float32 matrix, ROWS x COLS, row-major")->required();
  app.add_option("rows", rows, "rows (points)")->required()->check(CLI::Range(2L, 100000000L));
  app.add_option("cols", cols, "columns (dimensions)")->required()->check(CLI::Range(1L, 1000000L));
  app.add_option("out", out_path, "int32 indices, ROWS x K, row-major")->required();
  app.add_option("--k", k, "neighbours per point")->check(CLI::Range(1, 1000));
  app.add_option("--threads", threads, "threads")->check(CLI::Range(1, 1024));
  CLI11_PARSE(app, argc, argv);

  Matrix x(rows, cols);
  std::ifstream in(in_path, std::ios::binary);
  in.read(reinterpret_cast<char*>(x.data()), static_cast<std::streamsize>(x.size() * sizeof(float)));
  if (!in || in.peek() != std::char_traits<char>::eof()) {
    std::fprintf(stderr, "knn_truth: %s does not hold %ld x %ld float32 values\n", in_path.c_str(), rows, cols);
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  knn::KnnOptions options;
  options.k = k;
  options.method = knn::KnnMethod::exact;
  options.threads = threads;
  const auto nb = knn::build_knn(x, options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::ofstream out(out_path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(nb.indices.data()),
            static_cast<std::streamsize>(nb.indices.size() * sizeof(std::int32_t)));
  if (!out) {
    std::fprintf(stderr, "knn_truth: cannot write %s\n", out_path.c_str());
    return 1;
  }
  std::printf("{\"rows\": %ld, \"k\": %d, \"seconds\": %.3f}\n", rows, nb.k, seconds);
  return 0;
}
