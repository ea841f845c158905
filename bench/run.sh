#!/usr/bin/env bash
# Runs the fifokit benchmark suite (see BENCHMARKS.md) from a clone: the launcher builds the CLI
# when needed, then `fifokit bench` compiles the C baselines in bench/c with gcc -O2 into a
# temporary directory and runs Java and C side by side. Arguments go to `fifokit bench`:
#   bench/run.sh --quick            # under 2 minutes
#   bench/run.sh --json > out.json  # the full run as JSON
#   bench/run.sh --only 'bulk|splice' --placement both
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for tool in gcc taskset; do
  command -v "$tool" >/dev/null || echo "bench: $tool is missing (apt-get install -y ${tool/taskset/util-linux})" >&2
done
for tool in pv socat; do
  command -v "$tool" >/dev/null || echo "bench: $tool is not installed (apt-get install -y $tool); its rows are skipped" >&2
done
# build the CLI if needed and let the launcher's AOT cache finish training (in the background),
# so neither a build nor a training run competes with the first measurements
"$root/fifokit" limits >/dev/null
for _ in $(seq 60); do
  [ -d "$root/fifokit-cli/target/fifokit.aot.lock" ] || break
  sleep 0.5
done
exec "$root/fifokit" bench "$@"
