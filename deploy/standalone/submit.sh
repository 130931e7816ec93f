#!/usr/bin/env bash
# Submits a hyperreg command to a Spark standalone cluster in cluster mode (the driver runs on a
# Worker) and exits with the driver's outcome. spark-submit alone does not: its standalone client
# exits 0 whatever state the driver ends in (FINISHED, FAILED, ERROR or KILLED; Spark 4.2's
# ClientEndpoint), and a Worker-launched driver lacks the JVM options Spark's launcher gives a
# local one (netlib then falls back from VectorBLAS to its slower Java11BLAS). So this script
#   - waits for the driver (spark.standalone.submit.waitAppCompletion=true),
#   - gives the driver and executors the build's JVM options (spark-driver/target/jvm-options.txt) and the quiet
#     log4j configuration,
#   - reads "State of driver ID is STATE" from spark-submit's log and exits 0 for FINISHED, 1 for
#     any other state; hyperreg's own status is in the driver's stderr on the Worker
#     (work/DRIVER_ID/stderr).
#
#   deploy/standalone/submit.sh --master spark://HOST:7077 [--driver-memory M] [--executor-memory M]
#       [--total-executor-cores N] [--conf KEY=VALUE]... COMMAND [ARGS...]
#
#   deploy/standalone/submit.sh --master spark://etl-1:7077 fit --conf-file /shared/daily.properties
#
# The jar, the log4j file and every path in ARGS must exist at the same path on the Workers.
# Environment: SPARK_HOME (required), HYPERREG_JAR, HYPERREG_LOG4J as for deploy/yarn/submit.sh.
# Exit status: 0 when the driver FINISHED, 1 when it did not or spark-submit failed, 2 when this
# script refuses its arguments or environment before submitting.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=deploy/submit-common.sh
. "$root/deploy/submit-common.sh"

master=""
options=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --master) [ $# -ge 2 ] || die "--master needs a value"; master="$2"; shift 2 ;;
    --driver-memory|--executor-memory|--total-executor-cores|--conf)
      [ $# -ge 2 ] || die "$1 needs a value"
      options+=("$1" "$2")
      shift 2 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) break ;;
  esac
done
case "$master" in spark://*) ;; *) die "--master spark://HOST:PORT is required, got '$master'" ;; esac
[ $# -ge 1 ] || die "no hyperreg command (fit, predict, shift, …) after the options"

require_spark_submit
require_jar_and_log4j
jvm_options_file="$root/spark-driver/target/jvm-options.txt"
[ -f "$jvm_options_file" ] || die "$jvm_options_file not found: build with 'mvn -q -B package -DskipTests'"
jvm_options="$(cat "$jvm_options_file")"

log="$(mktemp "${TMPDIR:-/tmp}/hyperreg-submit.XXXXXX")"
trap 'rm -f "$log"' EXIT
status=0
# spark-submit's own JVM logs with the same configuration, which keeps the client's state line
SPARK_SUBMIT_OPTS="${SPARK_SUBMIT_OPTS:-} -Dlog4j.configurationFile=$log4j" \
  "$spark_submit" --master "$master" --deploy-mode cluster \
  --conf spark.standalone.submit.waitAppCompletion=true \
  --conf "spark.driver.extraJavaOptions=$jvm_options -Dlog4j.configurationFile=$log4j" \
  --conf "spark.executor.extraJavaOptions=$jvm_options -Dlog4j.configurationFile=$log4j" \
  ${options[@]+"${options[@]}"} "$jar" "$@" 2>&1 | tee "$log" >&2 || status=${PIPESTATUS[0]}
state="$(grep -o -E 'State of driver [^ ]+ is [A-Z]+' "$log" | tail -n 1 || true)"
echo "submit: spark-submit exited with status $status${state:+; $state}" >&2
[ "$status" -eq 0 ] || exit 1
case "$state" in *" is FINISHED") exit 0 ;; esac
exit 1
