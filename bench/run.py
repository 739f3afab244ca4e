#!/usr/bin/python3
"""`make bench`: epochscope against the peers a user would otherwise use, side by side in one run,
reported as ratios (ours / peer; below 1.0 means we are faster). Run through Debian's python3."""
import argparse, json, os, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))


def run_json(cmd, env=None):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_training(build, data_dir, threads, batch, epochs):
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE")
    common = ["--data-dir", data_dir, "--epochs", str(epochs), "--batch-size", str(batch), "--threads", str(threads)]
    ours = run_json([os.path.join(build, "train_epoch_bench")] + common, env)
    peer = run_json([sys.executable, os.path.join(HERE, "torch_epoch.py")] + common, env)
    busy = run_json([os.path.join(build, "train_epoch_bench")] + common + ["--busy"], env)
    return [{
        "what": f"training epoch ({ours['images']} images, batch {batch}, {threads} threads)",
        "ours_s": ours["epoch_seconds"], "peer": "PyTorch (Python)", "peer_s": peer["epoch_seconds"],
    }, {
        "what": "training epoch, another thread busy / alone",
        "ours_s": busy["epoch_seconds"], "peer": "ours, alone", "peer_s": ours["epoch_seconds"],
    }]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--data-dir", default=os.path.join(
        os.environ.get("EPOCHSCOPE_DATA_HOME") or os.path.join(
            os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"), "epochscope"), "mnist"))
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--batch-size", type=int, default=512)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--json", help="also write the rows to this file")
    a = ap.parse_args()
    rows = []
    t0 = time.time()
    rows += bench_training(a.build, a.data_dir, a.threads, a.batch_size, a.epochs)
    print(f"\nepochscope benchmark ({os.cpu_count()} cores, {time.time() - t0:.0f} s)")
    print(f"{'what':58} {'ours':>9} {'peer':>22} {'peer time':>10} {'ratio':>7}")
    for r in rows:
        print(f"{r['what']:58} {r['ours_s']:8.3f}s {r['peer']:>22} {r['peer_s']:9.3f}s {r['ours_s'] / r['peer_s']:7.2f}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(rows, f, indent=2)


if __name__ == "__main__":
    main()
