#!/usr/bin/env bash
# The benchmark on the loopback standalone cluster: a Master and two Workers of one core each, every
# executor its own JVM, so that each data pass is a real Spark job across processes (scheduling,
# task launch, results serialized to the driver) — where passes, not flops, set a fit's time.
#
#   deploy/bench-cluster.sh [bench options…]
#
# e.g. deploy/bench-cluster.sh --only dense-n2e5-d100,dense-n2e5-d400 --methods exact,newton-cg,lbfgs \
#        --partitions 16,64 --output target/bench-cluster
#
# Starts the cluster (deploy/local-cluster.sh, 2 workers × 1 core × $HYPERREG_EXECUTOR_MEMORY, default
# 5g), runs `deploy/hyperreg bench --master spark://127.0.0.1:$HYPERREG_CLUSTER_PORT` (default 7077) with
# the options given, and stops the cluster whatever happens. Needs a build (mvn -q -B package -DskipTests).
# The driver's heap is $HYPERREG_DRIVER_MEMORY (default 6g).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
memory="${HYPERREG_EXECUTOR_MEMORY:-5g}"
port="${HYPERREG_CLUSTER_PORT:-7077}"

trap '"$root/deploy/local-cluster.sh" stop > /dev/null 2>&1 || true' EXIT
"$root/deploy/local-cluster.sh" start --workers 2 --cores 1 --memory "$memory" --port "$port" > /dev/null
export HYPERREG_DRIVER_MEMORY="${HYPERREG_DRIVER_MEMORY:-6g}"
export HYPERREG_JAVA_OPTS="${HYPERREG_JAVA_OPTS:-} -Dspark.executor.memory=$memory -Dspark.executor.cores=1"
"$root/deploy/hyperreg" bench --master "spark://127.0.0.1:$port" "$@"
