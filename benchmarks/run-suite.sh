#!/usr/bin/env bash
# Runs the whole JMH suite: "full" writes benchmarks/results/*.json and the charts (docs/BENCHMARKS.md); "smoke" runs every benchmark once (CI); "rounds [N]" runs the headline queue rows in N interleaved rounds; "scaling" runs the queue rows with 1, 2, 4, ... producers up to the CPU count.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=benchmarks/target/corewq.jar
mode=${1:-full}
if [ ! -f "$jar" ]; then
  echo "run-suite: $jar is missing; build it first: mvn -B -ntp -q -DskipTests package" >&2
  exit 2
fi

if [ "$mode" = smoke ]; then
  # every benchmark and every parameter value once: one fork, one 100 ms iteration, fail on any error
  java -jar "$jar" jmh -f 1 -wi 0 -i 1 -r 100ms -w 100ms -foe true -rf json -rff "${TMPDIR:-/tmp}/corewq-smoke.json"
  java -jar "$jar" charts --out "${TMPDIR:-/tmp}/corewq-smoke-charts" "${TMPDIR:-/tmp}/corewq-smoke.json"
  java -jar "$jar" summary "${TMPDIR:-/tmp}/corewq-smoke.json" > "${TMPDIR:-/tmp}/corewq-smoke-summary.txt"
  exit 0
fi
if [ "$mode" = rounds ]; then
  # the headline queue rows in N interleaved single-fork rounds (each round runs every row once,
  # so a slow spell of the host lands on all rows alike), pooled by the summary command
  n=${2:-5}
  mkdir -p benchmarks/results
  rm -f benchmarks/results/queue-rounds-*.json
  for k in $(seq 1 "$n"); do
    echo "== round $k of $n =="
    java -jar "$jar" jmh QueueThroughputBench -p executor=corewq,tpe,fjp -f 1 -wi 2 -w 1s -i 3 -r 2s -foe true \
      -rf json -rff "benchmarks/results/queue-rounds-$k.json" | grep -E '^QueueThroughputBench\.' || true
  done
  java -jar "$jar" summary benchmarks/results/queue-rounds-*.json | tee benchmarks/results/queue-rounds.txt
  exit 0
fi
if [ "$mode" = scaling ]; then
  # queue throughput against producers: 1, 2, 4, ... and the CPU count itself, one fork each,
  # the corewq rows beside TPE and FJP; then docs/charts/queue-scaling.svg
  cpus=$(nproc)
  counts=()
  for ((t = 1; t < cpus; t *= 2)); do counts+=("$t"); done
  counts+=("$cpus")
  mkdir -p benchmarks/results
  files=()
  for t in "${counts[@]}"; do
    echo "== $t producers on $cpus CPUs =="
    f="benchmarks/results/queue-scaling-$cpus-cpus-t$t.json"
    java -jar "$jar" jmh QueueScalingBench -t "$t" -p executor=corewq,corewq-unbound,corewq-ordered,tpe,fjp \
      -f 1 -wi 2 -w 1s -i 3 -r 2s -foe true -prof gc -rf json -rff "$f" | grep -E '^QueueScalingBench\.producers ' || true
    files+=("$f")
  done
  java -jar "$jar" charts --out docs/charts "${files[@]}" | grep queue-scaling || true
  exit 0
fi
if [ "$mode" != full ]; then
  echo "usage: benchmarks/run-suite.sh [full|smoke|rounds [N]|scaling]" >&2
  exit 2
fi

out=benchmarks/results
mkdir -p "$out"
common=(-wi 2 -w 1s -i 3 -foe true -prof gc -rf json)
run() { # NAME JMH-ARGS...
  local name=$1; shift
  echo "== $name =="
  java -jar "$jar" jmh "$@" "${common[@]}" -rff "$out/$name.json" | tee "$out/$name.txt" | grep -E '^[A-Z][A-Za-z]+Bench\.' || true
}
# the queue rows are the noisiest (threads placed by the OS on 2 CPUs): two forks each
run queue-throughput QueueThroughputBench -f 2 -r 2s
run queue-throughput-placement QueueThroughputBench -f 2 -r 2s -p executor=corewq,tpe,fjp -p placement=same,cross
run ping-pong PingPongBench -f 1 -r 2s
run blocking-mix BlockingMixBench -f 1 -r 2s
run hotplug HotplugBench -f 1 -r 2s
run read-lock ReadLockBench -f 1 -r 1s
run delayed-work DelayedWorkBench -f 1 -r 2s
run executor ExecutorBench -f 1 -r 1s
run jfr-facade JfrFacadeBench -f 1 -r 1s
# later files win in the charts: a re-run of a row (e.g. a recheck) goes last
java -jar "$jar" charts --out docs/charts "$out"/queue-throughput.json "$out"/ping-pong.json "$out"/hotplug.json
