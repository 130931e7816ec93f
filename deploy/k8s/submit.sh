#!/usr/bin/env bash
# Submits `hyperreg fit` to Kubernetes with spark-submit (cluster mode: the driver runs in a pod of
# the hyperreg image, deploy/k8s/Dockerfile), its options read from a job properties file (see
# conf/hyperreg-job.properties.template). Needs a Spark 4.2.0 (Scala 2.13) distribution and kubectl
# configured for the cluster; spark-submit authenticates with the same kubeconfig.
#
#   deploy/k8s/submit.sh [--master k8s://https://HOST:PORT] [--namespace NS] [--service-account SA]
#       [--image IMAGE] [--name PREFIX] [--num-executors N] [--executor-memory M] [--executor-cores C]
#       [--driver-memory M] [--driver-cores C] [--principal P --keytab K] [--conf KEY=VALUE]...
#       JOB_PROPERTIES [extra hyperreg fit args...]
#
#   HYPERREG_IMAGE=registry.example.com/hyperreg:0.1.0 deploy/k8s/submit.sh --namespace batch \
#       --num-executors 10 --executor-memory 8g daily.properties --max-iter 200
#
# Flags after JOB_PROPERTIES go to `hyperreg fit` and override the file's keys.
#
# The job properties travel in a ConfigMap, not with --files. --files would need
# spark.kubernetes.file.upload.path: a shared file system (S3, HDFS) the submitting machine can write
# and the driver can read, with credentials on both sides, just to carry one small text file. A
# ConfigMap needs only the Kubernetes access spark-submit already uses to create the driver pod, is
# the same mechanism the spark-operator manifests here use (job-configmap.yaml), and stays readable
# with kubectl next to the driver pod. The script creates ConfigMap NAME-job from JOB_PROPERTIES,
# mounts it into the driver at /opt/hyperreg/job/ through a pod template, and afterwards makes the
# driver pod its owner, so that deleting the pod deletes it.
#
# Environment (flags win):
#   SPARK_HOME                the Spark distribution whose bin/spark-submit is used (required)
#   HYPERREG_K8S_MASTER       k8s://https://HOST:PORT (default: the API server of kubectl's current context)
#   HYPERREG_NAMESPACE        namespace of the driver and executors (default: kubectl's, else default)
#   HYPERREG_SERVICE_ACCOUNT  service account of the driver, allowed to create and delete pods,
#                             services and configmaps in the namespace (default: spark)
#   HYPERREG_IMAGE            the hyperreg image (default: hyperreg:0.1.0; push it to a registry the
#                             cluster can pull from and name it here)
#   HADOOP_CONF_DIR           if set, spark-submit ships its core-site.xml/hdfs-site.xml to the pods
#                             (needed for HA name services); or --conf spark.kubernetes.hadoop.configMapName=NAME
#   KUBECTL                   the kubectl command (default: kubectl)
#
# Exit status: the driver container's exit code, which is hyperreg's own status (0 converged, 2 bad
# input, 3 not converged, 4 numerical failure, 1 internal error): inside the driver pod the image's
# entrypoint runs spark-submit with --deploy-mode client, so hyperreg exits with its status there.
# spark-submit's own exit status is not used for it, since Spark's Kubernetes submission client
# has exited 0 after a failed driver (SPARK-26365). spark-submit's status when it fails before the
# driver ran; 2 when this script refuses its arguments; 1 when the driver's exit code cannot be read.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=deploy/submit-common.sh
. "$root/deploy/submit-common.sh"

kubectl_cmd="${KUBECTL:-kubectl}"
master="${HYPERREG_K8S_MASTER:-}"
namespace="${HYPERREG_NAMESPACE:-}"
service_account="${HYPERREG_SERVICE_ACCOUNT:-spark}"
image="${HYPERREG_IMAGE:-hyperreg:0.1.0}"
prefix="hyperreg-fit"
principal=""
keytab=""
resources=()
extra_conf=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --master|--namespace|--service-account|--image|--name|--num-executors|--executor-memory|--executor-cores|--driver-memory|--driver-cores|--principal|--keytab|--conf)
      [ $# -ge 2 ] || die "$1 needs a value"
      case "$1" in
        --master) master="$2" ;;
        --namespace) namespace="$2" ;;
        --service-account) service_account="$2" ;;
        --image) image="$2" ;;
        --name) prefix="$2" ;;
        --principal) principal="$2" ;;
        --keytab) keytab="$2" ;;
        --num-executors) resources+=(--conf "spark.executor.instances=$2") ;;
        --executor-memory) resources+=(--conf "spark.executor.memory=$2") ;;
        --executor-cores) resources+=(--conf "spark.executor.cores=$2") ;;
        --driver-memory) resources+=(--conf "spark.driver.memory=$2") ;;
        --driver-cores) resources+=(--conf "spark.driver.cores=$2") ;;
        --conf)
          case "$2" in *=*) ;; *) die "--conf expects KEY=VALUE, got '$2'" ;; esac
          extra_conf+=(--conf "$2") ;;
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

if [ ! -f "$properties" ] || [ ! -r "$properties" ]; then
  die "job properties $properties is not a readable file"
fi
if { [ -n "$principal" ] && [ -z "$keytab" ]; } || { [ -z "$principal" ] && [ -n "$keytab" ]; }; then
  die "--principal and --keytab go together"
fi
[ -z "$keytab" ] || [ -r "$keytab" ] || die "keytab $keytab is not a readable file"
require_spark_submit
command -v "$kubectl_cmd" > /dev/null || die "$kubectl_cmd not found: the job properties go to the cluster as a ConfigMap (set KUBECTL)"

if [ -z "$master" ]; then
  server="$("$kubectl_cmd" config view --minify -o 'jsonpath={.clusters[0].cluster.server}' 2>/dev/null || true)"
  [ -n "$server" ] || die "no --master and no current kubectl context to take the API server from"
  master="k8s://$server"
fi
case "$master" in k8s://*) ;; *) die "--master must look like k8s://https://HOST:PORT, got '$master'" ;; esac
if [ -z "$namespace" ]; then
  namespace="$("$kubectl_cmd" config view --minify -o 'jsonpath={..namespace}' 2>/dev/null || true)"
  namespace="${namespace:-default}"
fi

# One name per run: the driver pod stays after it ends (for its log and exit code), so a second run
# under the same name would collide with it. Kubernetes names: lower-case letters, digits and '-'.
case "$prefix" in
  *[!a-z0-9-]*|-*|*-|"") die "--name must be lower-case letters, digits and '-', got '$prefix'" ;;
esac
name="$prefix-$(date -u +%Y%m%d-%H%M%S)-$(printf '%04x' "$RANDOM")"
[ "${#name}" -le 56 ] || die "--name '$prefix' is too long: the driver pod name $name-driver must fit in 63 characters"
driver_pod="$name-driver"
configmap="$name-job"
job_dir=/opt/hyperreg/job

template="$(mktemp "${TMPDIR:-/tmp}/hyperreg-driver-template.XXXXXX")"
trap 'rm -f "$template"' EXIT
# Spark fills in everything else (image, command, resources, Spark's own volumes); the container
# keeps Spark's default driver container name, which is how its exit code is found below.
cat > "$template" <<TEMPLATE
apiVersion: v1
kind: Pod
spec:
  containers:
    - name: spark-kubernetes-driver
      volumeMounts:
        - name: hyperreg-job
          mountPath: $job_dir
          readOnly: true
  volumes:
    - name: hyperreg-job
      configMap:
        name: $configmap
TEMPLATE

echo "submit: creating ConfigMap $configmap in namespace $namespace from $properties" >&2
"$kubectl_cmd" -n "$namespace" create configmap "$configmap" --from-file="job.properties=$properties" > /dev/null
"$kubectl_cmd" -n "$namespace" label configmap "$configmap" app.kubernetes.io/name=hyperreg \
  app.kubernetes.io/component=job-properties > /dev/null

jars=/opt/hyperreg/jars
log4j=/opt/hyperreg/conf/log4j2.properties
# no --class: the application jar's manifest names its main class
cmd=("$spark_submit" --master "$master" --deploy-mode cluster --name "$name"
  --conf "spark.kubernetes.namespace=$namespace"
  --conf "spark.kubernetes.container.image=$image"
  --conf "spark.kubernetes.authenticate.driver.serviceAccountName=$service_account"
  --conf "spark.kubernetes.driver.pod.name=$driver_pod"
  --conf "spark.kubernetes.driver.podTemplateFile=$template"
  # Waiting is what makes the driver's exit code available when spark-submit returns.
  --conf spark.kubernetes.submission.waitAppCompletion=true
  --conf "spark.driver.extraJavaOptions=-Dlog4j.configurationFile=$log4j"
  --conf "spark.executor.extraJavaOptions=-Dlog4j.configurationFile=$log4j"
  --conf spark.serializer=org.apache.spark.serializer.KryoSerializer
  --conf spark.kryo.registrator=dev.hyperreg.spark.HyperregKryoRegistrator)
# Kerberos-secured HDFS: spark-submit logs in and hands delegation tokens to the pods; the pods also
# need krb5.conf: --conf spark.kubernetes.kerberos.krb5.path=/etc/krb5.conf
[ -z "$principal" ] || cmd+=(--principal "$principal" --keytab "$keytab")
cmd+=("${resources[@]}")
# Last, so that they override the settings above. Overriding spark.*.extraJavaOptions replaces them:
# keep -Dlog4j.configurationFile in the new value.
cmd+=("${extra_conf[@]}")
cmd+=("local://$jars/hyperreg-spark.jar" fit --conf-file "$job_dir/job.properties" "$@")

printf 'submit:' >&2
printf ' %q' "${cmd[@]}" >&2
printf '\n' >&2

submit_status=0
"${cmd[@]}" || submit_status=$?

exit_code="$("$kubectl_cmd" -n "$namespace" get pod "$driver_pod" \
  -o 'jsonpath={.status.containerStatuses[?(@.name=="spark-kubernetes-driver")].state.terminated.exitCode}' 2>/dev/null || true)"
uid="$("$kubectl_cmd" -n "$namespace" get pod "$driver_pod" -o 'jsonpath={.metadata.uid}' 2>/dev/null || true)"
if [ -n "$uid" ]; then
  # Kept as long as the driver pod, which shows what the run was given; deleted with it.
  "$kubectl_cmd" -n "$namespace" patch configmap "$configmap" --type=merge -p \
    "{\"metadata\":{\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"$driver_pod\",\"uid\":\"$uid\"}]}}" \
    > /dev/null || echo "submit: could not attach ConfigMap $configmap to $driver_pod; delete it by hand" >&2
else
  "$kubectl_cmd" -n "$namespace" delete configmap "$configmap" > /dev/null || true
fi

echo "submit: spark-submit exited with status $submit_status; driver pod $driver_pod in namespace $namespace" >&2
if [ -n "$exit_code" ]; then
  echo "submit: hyperreg status $exit_code (kubectl -n $namespace logs $driver_pod)" >&2
  exit "$exit_code"
fi
if [ "$submit_status" -ne 0 ]; then
  exit "$submit_status"
fi
echo "submit: the driver's exit code could not be read (kubectl -n $namespace get pod $driver_pod)" >&2
exit 1
