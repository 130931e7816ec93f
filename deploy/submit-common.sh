#!/usr/bin/env bash
# What the submit scripts (deploy/yarn, deploy/standalone, deploy/k8s) share; sourced by them, not
# run. The sourcing script sets `root` (the repository) first.
#   usage                  prints the sourcing script's header comment
#   die MESSAGE            "submit: MESSAGE" on stderr, exit 2 (refused before anything is submitted)
#   require_spark_submit   sets spark_submit to $SPARK_HOME/bin/spark-submit, or dies saying why
#   require_jar_and_log4j  sets jar and log4j (HYPERREG_JAR, HYPERREG_LOG4J or the checkout's), or dies

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}

die() {
  echo "submit: $*" >&2
  exit 2
}

require_spark_submit() {
  [ -n "${SPARK_HOME:-}" ] || die "SPARK_HOME is not set: point it at a Spark 4.2.0 (Scala 2.13) distribution"
  spark_submit="$SPARK_HOME/bin/spark-submit"
  [ -x "$spark_submit" ] || die "$spark_submit is missing or not executable (SPARK_HOME=$SPARK_HOME)"
}

require_jar_and_log4j() {
  jar="${HYPERREG_JAR:-$root/spark-driver/target/hyperreg-spark-0.1.0-SNAPSHOT.jar}"
  log4j="${HYPERREG_LOG4J:-$root/conf/log4j2.properties}"
  [ -f "$jar" ] || die "$jar not found: build with 'mvn -q -B package -DskipTests' or set HYPERREG_JAR"
  [ -f "$log4j" ] || die "$log4j not found (set HYPERREG_LOG4J to another log4j2 configuration)"
}
