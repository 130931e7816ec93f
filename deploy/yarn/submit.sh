#!/usr/bin/env bash
# Submits `hyperreg fit` to YARN with spark-submit, its options read from a job properties file
# (see conf/hyperreg-job.properties.template). Run it from a gateway host that has a Spark 4.2
# (Scala 2.13) distribution and the cluster's Hadoop configuration; it builds nothing itself.
#
#   deploy/yarn/submit.sh [--deploy-mode cluster|client] [--queue Q] [--principal P --keytab K]
#       [--num-executors N] [--executor-memory M] [--executor-cores C] [--driver-memory M]
#       [--name NAME] [--conf KEY=VALUE]... JOB_PROPERTIES [extra hyperreg fit args...]
#
#   deploy/yarn/submit.sh --queue batch --num-executors 20 --executor-memory 8g daily.properties
#   deploy/yarn/submit.sh --deploy-mode client daily.properties --max-iter 200 --resume
#
# Flags after JOB_PROPERTIES go to `hyperreg fit` and override the file's keys.
#
# Environment:
#   SPARK_HOME          the Spark distribution whose bin/spark-submit is used (required)
#   HADOOP_CONF_DIR     (or YARN_CONF_DIR) where spark-submit finds the ResourceManager; spark-submit
#                       itself says so when neither is set
#   HYPERREG_JAR        the thin application jar (default: spark-driver/target/hyperreg-spark-0.1.0-SNAPSHOT.jar)
#   HYPERREG_LOG4J      log4j2 configuration shipped to driver and executors (default: conf/log4j2.properties)
#
# Exit status: spark-submit's.
#   client mode: the driver runs inside spark-submit's JVM and exits with hyperreg's own status
#     (0 converged, 2 bad input, 3 not converged, 4 numerical failure, 1 internal error).
#   cluster mode: the driver runs in the YARN ApplicationMaster and never calls System.exit; it throws
#     on failure, the application ends FAILED, and spark-submit exits 1 (0 when it SUCCEEDED). That
#     holds only while spark-submit waits for the application to finish
#     (spark.yarn.submit.waitAppCompletion=true, Spark's default, which this script sets explicitly so
#     a spark-defaults.conf cannot turn it off: spark-submit would then exit 0 right after submission).
#     hyperreg's status is then in the YARN diagnostics; this script looks for it in spark-submit's
#     output and prints it as a line "submit: hyperreg status N", but still exits with spark-submit's status.
#   2 when this script refuses its arguments or its environment, before anything is submitted.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# shellcheck source=deploy/submit-common.sh
. "$root/deploy/submit-common.sh"

deploy_mode="cluster"
queue=""
principal=""
keytab=""
name=""
resources=()
extra_conf=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --deploy-mode|--queue|--principal|--keytab|--num-executors|--executor-memory|--executor-cores|--driver-memory|--name|--conf)
      [ $# -ge 2 ] || die "$1 needs a value"
      case "$1" in
        --deploy-mode) deploy_mode="$2" ;;
        --queue) queue="$2" ;;
        --principal) principal="$2" ;;
        --keytab) keytab="$2" ;;
        --name) name="$2" ;;
        --conf)
          case "$2" in *=*) ;; *) die "--conf expects KEY=VALUE, got '$2'" ;; esac
          extra_conf+=(--conf "$2") ;;
        *) resources+=("$1" "$2") ;;
      esac
      shift 2 ;;
    --) shift; break ;;
    -*) die "unknown option $1 (see --help); hyperreg fit options go after JOB_PROPERTIES" ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { usage >&2; exit 2; }
properties="$1"
shift

case "$deploy_mode" in cluster|client) ;; *) die "--deploy-mode must be cluster or client, got '$deploy_mode'" ;; esac
if { [ -n "$principal" ] && [ -z "$keytab" ]; } || { [ -z "$principal" ] && [ -n "$keytab" ]; }; then
  die "--principal and --keytab go together"
fi
[ -z "$keytab" ] || [ -r "$keytab" ] || die "keytab $keytab is not a readable file"

require_spark_submit

require_jar_and_log4j

if [ ! -f "$properties" ] || [ ! -r "$properties" ]; then
  die "job properties $properties is not a readable file"
fi
# Absolute paths: spark-submit resolves --files against its own working directory, and in client
# mode the driver reads the properties file itself.
properties="$(cd "$(dirname "$properties")" && pwd)/$(basename "$properties")"
properties_name="$(basename "$properties")"
log4j_name="$(basename "$log4j")"
# --files is a comma-separated list, and shipped files land side by side under their basenames.
case "$properties$log4j" in *,*) die "paths with a comma cannot be shipped with --files" ;; esac
[ "$properties_name" != "$log4j_name" ] || die "the job properties must not be named $log4j_name"

[ -n "$name" ] || name="hyperreg-fit-${properties_name%.properties}"

# no --class: the application jar's manifest names its main class
cmd=("$spark_submit" --master yarn --deploy-mode "$deploy_mode" --name "$name")
[ -z "$queue" ] || cmd+=(--queue "$queue")
# Kerberos: spark-submit logs in with the keytab, obtains HDFS delegation tokens and (cluster mode)
# ships the keytab to the ApplicationMaster so it can renew them during long fits. Output on another
# HDFS namespace needs its tokens too: --conf spark.kerberos.access.hadoopFileSystems=hdfs://other-nn
[ -z "$principal" ] || cmd+=(--principal "$principal" --keytab "$keytab")
cmd+=("${resources[@]}")
if [ "$deploy_mode" = cluster ]; then
  # The driver runs in a YARN container whose working directory holds the --files, under their
  # basenames: that is where hyperreg finds the job properties and log4j its configuration.
  cmd+=(--files "$properties,$log4j"
    --conf "spark.driver.extraJavaOptions=-Dlog4j.configurationFile=$log4j_name")
  conf_file="$properties_name"
else
  # The driver is this machine's spark-submit JVM: it reads both files where they are.
  cmd+=(--files "$log4j"
    --driver-java-options "-Dlog4j.configurationFile=$log4j")
  conf_file="$properties"
fi
cmd+=(--conf "spark.executor.extraJavaOptions=-Dlog4j.configurationFile=$log4j_name"
  --conf spark.serializer=org.apache.spark.serializer.KryoSerializer
  --conf spark.kryo.registrator=dev.hyperreg.spark.HyperregKryoRegistrator
  # A failed fit fails the same way again (bad input, no convergence), so a second YARN attempt
  # would only double the cost; whether to retry is the scheduler's call, made on the exit status.
  --conf spark.yarn.maxAppAttempts=1
  --conf spark.yarn.submit.waitAppCompletion=true)
# Last, so that they override the settings above. Overriding spark.*.extraJavaOptions replaces them:
# keep -Dlog4j.configurationFile in the new value.
cmd+=("${extra_conf[@]}")
cmd+=("$jar" fit --conf-file "$conf_file" "$@")

printf 'submit:' >&2
printf ' %q' "${cmd[@]}" >&2
printf '\n' >&2

if [ "$deploy_mode" = client ]; then
  status=0
  "${cmd[@]}" || status=$?
  echo "submit: spark-submit exited with status $status (hyperreg's own status in client mode)" >&2
  exit "$status"
fi

# Cluster mode: spark-submit only logs the application's progress (on stderr), so a copy of it is
# kept to read the application id and hyperreg's status from the YARN diagnostics. The driver's own
# output is in the YARN container logs: yarn logs -applicationId ID
log="$(mktemp "${TMPDIR:-/tmp}/hyperreg-submit.XXXXXX")"
trap 'rm -f "$log"' EXIT
status=0
# stderr goes through tee (and back to stderr), stdout stays stdout.
{ "${cmd[@]}" 2>&1 1>&3 3>&- | tee "$log" >&2 || status=${PIPESTATUS[0]}; } 3>&1
app_id="$(grep -o 'application_[0-9]*_[0-9]*' "$log" | head -n 1 || true)"
# "hyperreg failed with exit status N" is the message the driver throws with; a driver that threw
# SparkUserAppException(N) instead would show "User application exited with status N".
job_status="$(grep -o -E '(hyperreg failed with exit status|User application exited with status) [0-9]+' "$log" \
  | head -n 1 | grep -o -E '[0-9]+$' || true)"
[ "$status" -ne 0 ] || job_status=0
echo "submit: spark-submit exited with status $status${app_id:+ for $app_id}" >&2
if [ -n "$job_status" ]; then
  echo "submit: hyperreg status $job_status" >&2
elif [ -n "$app_id" ]; then
  echo "submit: hyperreg status unknown; see yarn application -status $app_id and yarn logs -applicationId $app_id" >&2
fi
exit "$status"
