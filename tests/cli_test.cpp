// Drives the real epochscope executable as a user or a script would.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>
#include <vector>

#include "test_util.hpp"

using epochscope::testing::read_bytes;
using epochscope::testing::scratch_dir;
using epochscope::testing::write_bytes;

namespace {

struct Result {
  int code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

Result run(const std::string& args, const std::filesystem::path& dir) {
  const auto err_file = dir / "stderr.txt";
  const std::string cmd = std::string("'") + EPOCHSCOPE_EXE + "' " + args + " 2>'" + err_file.string() + "'";
  Result r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.err = read_bytes(err_file);
  return r;
}

int count_lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

TEST(Cli, UsageErrorsExitTwoWithAOneLineHint) {
  const auto dir = scratch_dir();
  for (const char* args : {"--bogus", "train --epochs 3", "train --epochs abc --out x.epochscope",
                           "export f --layer '' --out x.csv", "info", "train --model resnet --out x",
                           "train --activation swish --out x", "train --optimizer rmsprop --out x",
                           "train --dataset cifar --out x", "frobnicate", "info f --timeout 5",
                           "info --follow f --frames 0", "--session a --follow b", "train --tracked lots --out x",
                           "train --tracked 0 --out x", "train --tracked 12x --out x"}) {
    const auto r = run(args, dir);
    EXPECT_EQ(r.code, 2) << args << ": " << r.err;
    EXPECT_EQ(count_lines(r.err), 1) << args << ": " << r.err;
    EXPECT_NE(r.err.find("--help"), std::string::npos) << args << ": " << r.err;
  }
  const auto help = run("--help", dir);
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("train"), std::string::npos);
}

TEST(Cli, BadFilesExitOneWithAOneLineMessage) {
  const auto dir = scratch_dir();
  write_bytes(dir / "garbage", "this is not a session\n");
  for (const std::string& args : {"info '" + (dir / "missing").string() + "'", "info '" + (dir / "garbage").string() + "'",
                                 "export '" + (dir / "garbage").string() + "' --out '" + (dir / "x.csv").string() + "'",
                                 "train --data-dir '" + dir.string() + "' --out '" + (dir / "s").string() + "'"}) {
    const auto r = run(args, dir);
    EXPECT_EQ(r.code, 1) << args << ": " << r.err;
    EXPECT_EQ(count_lines(r.err), 1) << args << ": " << r.err;
    EXPECT_EQ(r.err.rfind("epochscope: ", 0), 0u) << r.err;
  }
}

// Sessions without parameter snapshots (older files, the Python recorder, imports) get one line
// naming the file and exit 1, as a file the command cannot use; bad options exit 2.
TEST(Cli, LandscapeNeedsParameterSnapshots) {
  const auto dir = scratch_dir();
  const std::filesystem::path corpus = std::filesystem::path(EPOCHSCOPE_SOURCE_DIR) / "fuzz" / "corpus" / "session";
  const auto out = " --out '" + (dir / "x.csv").string() + "'";
  const auto none = run("landscape '" + (corpus / "two-frames").string() + "'" + out, dir);
  EXPECT_EQ(none.code, 1) << none.err;
  EXPECT_EQ(count_lines(none.err), 1) << none.err;
  EXPECT_NE(none.err.find("two-frames: holds no parameter snapshots"), std::string::npos) << none.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "x.csv"));
  // (A model that cannot be rebuilt is refused in one line too: train_test's Landscape tests.)
  const auto usage = run("landscape '" + (corpus / "two-frames").string() + "' --grid 1" + out, dir);
  EXPECT_EQ(usage.code, 2) << usage.err;
  EXPECT_EQ(count_lines(usage.err), 1) << usage.err;
}

// `train --sweep`: one run per value, one after another, each its own session in the directory,
// its metadata saying which value it had; a sweep the options cannot take is a usage error.
TEST(Cli, SweepTrainsOneSessionPerValue) {
  const auto dir = scratch_dir();
  const auto ds = epochscope::testing::synthetic_dataset(100, 20);
  epochscope::testing::write_idx_dir(ds, dir / "data", true);
  const auto runs = dir / "runs";
  const auto t = run("train --data-dir '" + (dir / "data").string() + "' --epochs 0 --threads 1 --tracked 40 "
                     "--optimizer sgd --sweep momentum=0.5,0.99 --quiet --out '" + runs.string() + "/'", dir);
  ASSERT_EQ(t.code, 0) << t.err;
  EXPECT_NE(t.err.find("sweep run 2/2: momentum = 0.99"), std::string::npos) << t.err;
  for (const char* value : {"0.5", "0.99"}) {
    const auto file = runs / (std::string("momentum-") + value + ".epochscope");
    const auto info = run("info '" + file.string() + "' --json", dir);
    ASSERT_EQ(info.code, 0) << info.err;
    const auto j = nlohmann::json::parse(info.out);
    EXPECT_EQ(j["meta"]["momentum"], value);
    EXPECT_EQ(j["meta"]["optimizer"], "sgd");
    EXPECT_EQ(j["frames"].size(), 1u);  // --epochs 0: the untrained network alone, enough to tell the runs apart
  }
  const auto bad = run("train --sweep momentum=0.5,1.5 --out '" + runs.string() + "'", dir);
  EXPECT_EQ(bad.code, 2) << bad.err;
  EXPECT_EQ(count_lines(bad.err), 1) << bad.err;
  EXPECT_NE(bad.err.find("--sweep: momentum must be a number from 0 to 0.9999, not 1.5"), std::string::npos) << bad.err;
}

TEST(Cli, TrackedAllTracksEveryImage) {
  const auto dir = scratch_dir();
  const auto ds = epochscope::testing::synthetic_dataset(120, 30);
  epochscope::testing::write_idx_dir(ds, dir / "data", true);
  const auto session = dir / "all.epochscope";
  const auto t = run("train --data-dir '" + (dir / "data").string() + "' --epochs 1 --batch-size 50 --threads 1 "
                     "--tracked all --out '" + session.string() + "'", dir);
  ASSERT_EQ(t.code, 0) << t.err;
  const auto info = run("info '" + session.string() + "' --json", dir);
  ASSERT_EQ(info.code, 0) << info.err;
  const auto j = nlohmann::json::parse(info.out);
  EXPECT_EQ(j["points"], 150);  // every training and test image
  EXPECT_EQ(j["heldout_points"], 30);
}

TEST(Cli, TrainInfoExportEndToEnd) {
  const auto dir = scratch_dir();
  const auto ds = epochscope::testing::synthetic_dataset(400, 100);
  epochscope::testing::write_idx_dir(ds, dir / "data", true);
  const auto session = dir / "run.epochscope";
  const auto t = run("train --data-dir '" + (dir / "data").string() +
                         "' --epochs 2 --batch-size 50 --lr 0.001 --threads 1 --tracked 300 --seed 4 --out '" +
                         session.string() + "'",
                     dir);
  ASSERT_EQ(t.code, 0) << t.err;
  EXPECT_NE(t.err.find("epoch   2/2"), std::string::npos) << t.err;

  const auto info = run("info '" + session.string() + "' --json", dir);
  ASSERT_EQ(info.code, 0) << info.err;
  const auto j = nlohmann::json::parse(info.out);
  EXPECT_EQ(j["format_version"], "1.7");  // what io::SessionWriter writes (kFormatMinor)
  // Every frame (the untrained one too) holds the first convolution's filters.
  EXPECT_EQ(j["filters"]["layer"], "conv1");
  EXPECT_EQ(j["filters"]["shape"], nlohmann::json::array({32, 1, 3, 3}));
  EXPECT_EQ(j["filters"]["frames"], 3);
  EXPECT_GT(j["filters"]["bytes_per_frame"].get<double>(), 300.0);
  EXPECT_LT(j["filters"]["bytes_per_frame"].get<double>(), 1400.0);
  EXPECT_EQ(j["finished"], true);  // `train` appends the end record
  EXPECT_EQ(j["end_reason"], "finished");
  EXPECT_EQ(j["dataset"], "data");  // a --data-dir run is recorded by the directory's name
  EXPECT_EQ(j["meta"]["data_dir"], (dir / "data").string());
  // The model that trained: the 2-D CNN for images, with its layers.
  EXPECT_EQ(j["meta"]["model"].get<std::string>().rfind("cnn: conv32(3x3)-relu-maxpool [conv1]", 0), 0u) << j["meta"]["model"];
  EXPECT_NE(j["meta"]["model"].get<std::string>().find("dense10 [logits]"), std::string::npos);
  EXPECT_EQ(j["meta"]["preset"], "cnn");
  EXPECT_EQ(j["classes"].size(), 10u);
  EXPECT_EQ(j["points"], 300);
  EXPECT_EQ(j["heldout_points"], 60);
  EXPECT_EQ(j["layers"]["output"], 10);
  EXPECT_EQ(j["layers"]["logits"], 10);
  EXPECT_EQ(j["layers"]["hidden"], 64);
  EXPECT_EQ(j["layers"]["conv2"], 64);  // every layer, in depth order, with its kind
  std::vector<std::string> order;
  const auto ordered = nlohmann::ordered_json::parse(info.out);
  for (const auto& [name, width] : ordered["layers"].items()) order.push_back(name);
  EXPECT_EQ(order, (std::vector<std::string>{"conv1", "conv2", "hidden", "logits", "output"}));
  EXPECT_EQ(j["layer_kinds"]["conv1"], "conv");
  EXPECT_EQ(j["layer_kinds"]["output"], "output");
  ASSERT_EQ(j["frames"].size(), 3u);
  for (const char* key : {"index", "epoch", "train_loss", "train_accuracy", "heldout_loss", "heldout_accuracy"}) {
    EXPECT_TRUE(j["frames"][1].contains(key)) << key;
  }
  EXPECT_EQ(j["frames"][2]["epoch"], 2);
  EXPECT_LT(j["frames"][2]["train_loss"].get<double>(), j["frames"][0]["train_loss"].get<double>());
  EXPECT_EQ(j["dropped_bytes"], 0);

  const auto human = run("info '" + session.string() + "'", dir);
  EXPECT_EQ(human.code, 0);
  EXPECT_NE(human.out.find("held-out acc"), std::string::npos);

  const auto csv = dir / "hidden.csv";
  const auto e = run("export '" + session.string() + "' --layer hidden --frame last --out '" + csv.string() + "'", dir);
  ASSERT_EQ(e.code, 0) << e.err;
  std::istringstream lines(read_bytes(csv));
  std::string header, row;
  std::getline(lines, header);
  EXPECT_EQ(header.rfind("index,label,split,hidden_0,", 0), 0u) << header;
  int rows = 0;
  while (std::getline(lines, row)) {
    ++rows;
    EXPECT_EQ(std::count(row.begin(), row.end(), ','), 2 + 64) << row;
  }
  EXPECT_EQ(rows, 300);
  const auto input = run("export '" + session.string() + "' --layer input --frame 0 --out '" + (dir / "in.csv").string() + "'", dir);
  EXPECT_EQ(input.code, 0) << input.err;
  // A layer the file lacks: one line that lists the layers it has.
  const auto no_layer = run("export '" + session.string() + "' --layer fc2 --out '" + (dir / "x.csv").string() + "'", dir);
  EXPECT_EQ(no_layer.code, 1);
  EXPECT_EQ(count_lines(no_layer.err), 1) << no_layer.err;
  EXPECT_NE(no_layer.err.find("no layer 'fc2' (it has: input, conv1, conv2, hidden, logits, output)"), std::string::npos)
      << no_layer.err;
  const auto bad_frame = run("export '" + session.string() + "' --frame 9 --out '" + (dir / "x.csv").string() + "'", dir);
  EXPECT_EQ(bad_frame.code, 1);
  EXPECT_NE(bad_frame.err.find("frames 0 to 2"), std::string::npos) << bad_frame.err;

  // The class x unit matrix: a header, a row per class, then selectivity and preferred class.
  const auto neurons_csv = dir / "neurons.csv";
  const auto nr = run("neurons '" + session.string() + "' --layer hidden --order class --out '" + neurons_csv.string() + "'", dir);
  ASSERT_EQ(nr.code, 0) << nr.err;
  std::istringstream nlines(read_bytes(neurons_csv));
  std::vector<std::string> nrows;
  for (std::string l; std::getline(nlines, l);) nrows.push_back(l);
  ASSERT_EQ(nrows.size(), 1u + 10u + 2u);
  EXPECT_EQ(nrows[0].rfind("class,unit_", 0), 0u) << nrows[0];
  EXPECT_EQ(std::count(nrows[0].begin(), nrows[0].end(), ','), 64);
  EXPECT_EQ(nrows[1].rfind("\"0\",", 0), 0u) << nrows[1];
  EXPECT_EQ(nrows[11].rfind("selectivity,", 0), 0u);
  EXPECT_EQ(nrows[12].rfind("preferred,", 0), 0u);
  const auto no_neurons = run("neurons '" + session.string() + "' --layer fc2 --out '" + (dir / "x.csv").string() + "'", dir);
  EXPECT_EQ(no_neurons.code, 1);
  EXPECT_NE(no_neurons.err.find("no layer 'fc2'"), std::string::npos) << no_neurons.err;

  // The path in parameter space: one snapshot before training and one per step (2 epochs x 8 steps).
  EXPECT_EQ(j["trajectory_snapshots"], 17);
  const auto traj_csv = dir / "trajectory.csv";
  const auto tr = run("trajectory '" + session.string() + "' --out '" + traj_csv.string() + "'", dir);
  ASSERT_EQ(tr.code, 0) << tr.err;
  std::istringstream traj(read_bytes(traj_csv));
  std::getline(traj, header);
  EXPECT_EQ(header, "step,epoch,loss,pc1,pc2,pc3,pc4,pc5,pc6,pc7,pc8,pc9,pc10,pc11,pc12");
  rows = 0;
  while (std::getline(traj, row)) {
    EXPECT_EQ(std::count(row.begin(), row.end(), ','), 14) << row;
    EXPECT_EQ(row.rfind(std::to_string(rows) + ",", 0), 0u) << row;  // steps 0, 1, 2, ...
    ++rows;
  }
  EXPECT_EQ(rows, 17);
  EXPECT_EQ(run("trajectory '" + (dir / "missing.epochscope").string() + "' --out x.csv", dir).code, 1);
  // Several runs share one basis and get a run column (here the same run twice: equal coordinates).
  std::filesystem::copy_file(session, dir / "again.epochscope");
  const auto both = run("trajectory '" + session.string() + "' '" + (dir / "again.epochscope").string() + "' --out '" +
                            (dir / "both.csv").string() + "'",
                        dir);
  ASSERT_EQ(both.code, 0) << both.err;
  std::istringstream two(read_bytes(dir / "both.csv"));
  std::vector<std::string> lines_two;
  for (std::string l; std::getline(two, l);) lines_two.push_back(l);
  ASSERT_EQ(lines_two.size(), 1u + 2 * 17);
  EXPECT_EQ(lines_two[0].rfind("run,step,epoch,loss,pc1,", 0), 0u);
  EXPECT_EQ(lines_two[1].rfind("run,0,0,", 0), 0u) << lines_two[1];
  EXPECT_EQ(lines_two[18].rfind("again,0,0,", 0), 0u) << lines_two[18];
  EXPECT_EQ(lines_two[1].substr(4), lines_two[18].substr(6));

  // Every frame holds the full parameter vector (1.7), and the loss landscape over the path's plane
  // comes from it: a row per frame (`path`), then the grid (`grid`, b-major).
  EXPECT_EQ(j["parameters"]["values"], 121930);
  EXPECT_EQ(j["parameters"]["buffers"], 0);
  EXPECT_EQ(j["parameters"]["frames"], 3);
  EXPECT_GT(j["parameters"]["bytes_per_frame"].get<double>(), 1.5 * 121930);
  EXPECT_LT(j["parameters"]["bytes_per_frame"].get<double>(), 2.0 * 121930 + 200);
  EXPECT_EQ(j["meta"]["width"], "64");
  const auto land_csv = dir / "landscape.csv";
  const auto land = run("landscape '" + session.string() + "' --grid 3 --sample 100 --threads 1 --out '" + land_csv.string() + "'", dir);
  ASSERT_EQ(land.code, 0) << land.err;
  std::istringstream land_lines(read_bytes(land_csv));
  std::vector<std::string> land_rows;
  for (std::string l; std::getline(land_lines, l);) land_rows.push_back(l);
  ASSERT_EQ(land_rows.size(), 1u + 3u + 9u);
  EXPECT_EQ(land_rows[0], "kind,frame,epoch,a,b,loss");
  EXPECT_EQ(land_rows[1].rfind("path,0,0,-", 0), 0u) << land_rows[1];  // frame 0 at a <= 0
  EXPECT_EQ(land_rows[3].rfind("path,2,2,0,0,", 0), 0u) << land_rows[3];  // the last frame is the centre
  for (std::size_t i = 4; i < land_rows.size(); ++i) {
    EXPECT_EQ(land_rows[i].rfind("grid,,,", 0), 0u) << land_rows[i];
    EXPECT_EQ(std::count(land_rows[i].begin(), land_rows[i].end(), ','), 5) << land_rows[i];
  }

  // A truncated copy still opens, with what it dropped.
  const auto bytes = read_bytes(session);
  write_bytes(dir / "cut.epochscope", bytes.substr(0, bytes.size() - 20000));  // into the last frame (past the trajectory and end records)
  const auto cut = run("info '" + (dir / "cut.epochscope").string() + "' --json", dir);
  ASSERT_EQ(cut.code, 0) << cut.err;
  const auto jc = nlohmann::json::parse(cut.out);
  EXPECT_EQ(jc["frames"].size(), 2u);
  EXPECT_GT(jc["dropped_bytes"].get<int>(), 0);
}

// project --init-file: t-SNE or UMAP from a given start (what `make bench` hands ours and Rtsne alike).
TEST(Cli, ProjectStartsFromAGivenLayout) {
  const auto dir = scratch_dir();
  epochscope::testing::write_idx_dir(epochscope::testing::synthetic_dataset(300, 60), dir / "data", true);
  const auto session = dir / "run.epochscope";
  ASSERT_EQ(run("train --data-dir '" + (dir / "data").string() + "' --epochs 1 --threads 1 --tracked 120 --out '" +
                    session.string() + "' --quiet",
                dir).code,
            0);
  const auto write_start = [&](const std::string& name, int rows, float shift) {
    std::string text;
    for (int i = 0; i < rows; ++i) text += std::to_string(0.01f * static_cast<float>(i % 11) + shift) + ", " + std::to_string(0.02f * static_cast<float>(i % 7)) + "\n";
    write_bytes(dir / name, text);
    return "'" + (dir / name).string() + "'";
  };
  const std::string base = "project '" + session.string() + "' --layer hidden --frames last --quiet --threads 1 ";
  const auto layout = [&](const std::string& args) {  // the CSV written, empty on failure
    const auto out = dir / "layout.csv";
    std::filesystem::remove(out);
    const auto r = run(base + args + " --out '" + out.string() + "'", dir);
    EXPECT_EQ(r.code, 0) << args << ": " << r.err;
    return r.code == 0 ? read_bytes(out) : std::string();
  };
  const auto a = layout("--method tsne --tsne-iterations 60 --init-file " + write_start("a.txt", 120, 0.f));
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(layout("--method tsne --tsne-iterations 60 --init-file " + write_start("a2.txt", 120, 0.f)), a);
  EXPECT_NE(layout("--method tsne --tsne-iterations 60 --init-file " + write_start("b.txt", 120, 0.5f)), a);
  EXPECT_FALSE(layout("--method umap --umap-epochs 30 --init-file " + write_start("u.txt", 120, 0.f)).empty());
  std::vector<float> values(240);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = 0.001f * static_cast<float>((i * 37) % 101);
  const std::string f32(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
  write_bytes(dir / "ok.f32", f32);
  EXPECT_FALSE(layout("--method tsne --tsne-iterations 30 --init-file '" + (dir / "ok.f32").string() + "'").empty());
  write_bytes(dir / "short.f32", f32.substr(8));
  write_bytes(dir / "word.txt", "1 2\nthree 4\n");
  for (const auto& [args, says] : std::vector<std::pair<std::string, std::string>>{
           {"--method tsne --init-file " + write_start("few.txt", 119, 0.f), "119 points, expected 120"},
           {"--method tsne --init-file '" + (dir / "short.f32").string() + "'", "expected 960"},
           {"--method tsne --init-file '" + (dir / "word.txt").string() + "'", ":2: not a number: 'three'"},
           {"--method pca --init-file " + write_start("p.txt", 120, 0.f), "t-SNE or UMAP only"}}) {
    const auto r = run(base + args, dir);
    EXPECT_EQ(r.code, 1) << args << ": " << r.err;
    EXPECT_EQ(count_lines(r.err), 1) << args << ": " << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << args << ": " << r.err;
  }
}
