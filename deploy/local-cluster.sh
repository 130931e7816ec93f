#!/usr/bin/env bash
# A Spark standalone cluster on this machine, on loopback: one Master and N Workers, each its own
# JVM, started from the Spark jars Maven resolved for this project (no Spark distribution needed).
#
#   deploy/local-cluster.sh start [--workers N] [--cores C] [--memory M] [--port P]
#   deploy/local-cluster.sh status
#   deploy/local-cluster.sh stop
#
# `start` prints the master URL (spark://127.0.0.1:7077 by default); then
#   deploy/hyperreg fit --master spark://127.0.0.1:7077 --input … --output …
# runs the driver here and the executors in the cluster. `stop` stops exactly the processes `start`
# recorded (and the executors they launched), by their process ids.
#
# Needs a build (mvn -q -B package -DskipTests). State, logs and the (empty) SPARK_HOME live in
# target/local-cluster, or in $HYPERREG_CLUSTER_DIR.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="${HYPERREG_CLUSTER_DIR:-$root/target/local-cluster}"
target="$root/spark-driver/target"
classpath_file="$target/local-classpath.txt"
options_file="$target/jvm-options.txt"

usage() {
  sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 2
}

java_bin="java"
[ -n "${JAVA_HOME:-}" ] && java_bin="$JAVA_HOME/bin/java"

# The Spark (and Hadoop, Scala, …) jars, without hyperreg's own: an application ships those itself.
spark_classpath() {
  tr ':' '\n' < "$classpath_file" | grep -v '/hyperreg-' | paste -sd: -
}

# A recorded pid is ours only while it still runs a Spark daemon started for this state directory: a
# pid file that outlived its process (a crash, a reboot) must not lead to killing whoever has the pid now.
alive() {
  [ -n "$1" ] && kill -0 "$1" 2> /dev/null || return 1
  local cmdline
  cmdline="$(tr '\0' ' ' < "/proc/$1/cmdline" 2> /dev/null || true)"
  case "$cmdline" in
    *"-Dhyperreg.cluster=$state "*org.apache.spark.deploy.*) return 0 ;;
    *) return 1 ;;
  esac
}

# Executor JVMs whose working directory lies under this cluster's work directory, even if the worker
# that launched them is gone.
executors() {
  local dir pid
  for dir in /proc/[0-9]*; do
    pid="${dir#/proc/}"
    case "$(readlink "$dir/cwd" 2> /dev/null || true)" in
      "$state/work"/*) echo "$pid" ;;
    esac
  done
}

# Every recorded pid and, for workers, the executors they launched (their child processes).
recorded_pids() {
  [ -d "$state/pids" ] || return 0
  local file
  for file in "$state"/pids/*.pid; do
    [ -f "$file" ] && cat "$file"
  done
}

wait_for_line() {   # file pattern seconds
  local waited=0
  while ! grep -q "$2" "$1" 2> /dev/null; do
    sleep 0.5
    waited=$((waited + 1))
    if [ "$waited" -ge $(($3 * 2)) ]; then
      echo "local-cluster: no '$2' in $1 after $3 s; its end:" >&2
      tail -20 "$1" >&2 || true
      return 1
    fi
  done
}

start() {
  local workers=1 cores=2 memory=2g port=7077
  while [ $# -gt 0 ]; do
    case "$1" in
      --workers) workers="$2"; shift 2 ;;
      --cores) cores="$2"; shift 2 ;;
      --memory) memory="$2"; shift 2 ;;
      --port) port="$2"; shift 2 ;;
      *) echo "local-cluster: unknown option $1" >&2; usage ;;
    esac
  done
  if [ ! -f "$classpath_file" ] || [ ! -f "$options_file" ]; then
    echo "local-cluster: not built yet; run first: mvn -q -B package -DskipTests" >&2
    exit 1
  fi
  local pid
  for pid in $(recorded_pids); do
    if alive "$pid"; then
      echo "local-cluster: already running (pid $pid); run: deploy/local-cluster.sh stop" >&2
      exit 1
    fi
  done
  # only what this script made: HYPERREG_CLUSTER_DIR may hold other things
  rm -rf "$state/pids" "$state/logs" "$state/work" "$state/spark-home"
  mkdir -p "$state/pids" "$state/logs" "$state/spark-home/jars" "$state/work"
  spark_classpath > "$state/spark-classpath.txt"
  local jvm_options
  read -r -a jvm_options < "$options_file"

  # What the standalone daemons and the executors they launch need on this machine: loopback
  # addresses, the Scala version (there is no Spark distribution to detect it from) and a SPARK_HOME
  # whose jars/ may stay empty because executors get the classpath through spark.executor.extraClassPath.
  export SPARK_LOCAL_IP=127.0.0.1 SPARK_SCALA_VERSION=2.13 SPARK_HOME="$state/spark-home"
  export SPARK_WORKER_DIR="$state/work"

  # a start that fails half-way stops what it started
  trap 'stop > /dev/null 2>&1 || true' ERR
  local url="spark://127.0.0.1:$port"
  # -Dhyperreg.cluster marks the daemons as this cluster's (see alive)
  "$java_bin" "${jvm_options[@]}" -Xmx512m "-Dhyperreg.cluster=$state" -cp "$(cat "$state/spark-classpath.txt")" \
    org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port 0 \
    > "$state/logs/master.log" 2>&1 &
  echo $! > "$state/pids/master.pid"
  wait_for_line "$state/logs/master.log" "I have been elected leader" 60

  local w
  for w in $(seq 1 "$workers"); do
    "$java_bin" "${jvm_options[@]}" -Xmx512m "-Dhyperreg.cluster=$state" -cp "$(cat "$state/spark-classpath.txt")" \
      org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores "$cores" --memory "$memory" \
      --webui-port 0 --work-dir "$state/work" "$url" > "$state/logs/worker-$w.log" 2>&1 &
    echo $! > "$state/pids/worker-$w.pid"
  done
  for w in $(seq 1 "$workers"); do
    wait_for_line "$state/logs/worker-$w.log" "Successfully registered with master" 60
  done
  trap - ERR
  echo "$url" > "$state/master-url"
  echo "$url"
}

status() {
  if [ ! -d "$state/pids" ]; then
    echo "local-cluster: not started"
    exit 3
  fi
  local file name pid running=0
  if ! ls "$state"/pids/*.pid > /dev/null 2>&1; then
    echo "local-cluster: not running"
    exit 3
  fi
  for file in "$state"/pids/*.pid; do
    [ -f "$file" ] || continue
    name="$(basename "$file" .pid)"
    pid="$(cat "$file")"
    if alive "$pid"; then
      echo "$name: running (pid $pid)"
      running=$((running + 1))
    else
      echo "$name: stopped (pid $pid)"
    fi
  done
  [ -f "$state/master-url" ] && echo "master: $(cat "$state/master-url")"
  [ "$running" -gt 0 ] || exit 3
}

stop() {
  local pid waited
  local ours=()
  for pid in $(recorded_pids); do
    alive "$pid" && ours+=("$pid")
  done
  # executors first (they run in this cluster's work directory), then the daemons
  local executor_pids
  executor_pids="$(executors)"
  for pid in $executor_pids "${ours[@]}"; do kill "$pid" 2> /dev/null || true; done
  for pid in $executor_pids "${ours[@]}"; do
    waited=0
    while kill -0 "$pid" 2> /dev/null && [ "$waited" -lt 20 ]; do
      sleep 0.5
      waited=$((waited + 1))
    done
    if kill -0 "$pid" 2> /dev/null; then kill -9 "$pid" 2> /dev/null || true; fi
  done
  rm -f "$state"/pids/*.pid "$state/master-url"
  echo "local-cluster: stopped"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  status) status ;;
  stop) stop ;;
  *) usage ;;
esac
