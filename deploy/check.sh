#!/usr/bin/env bash
# Static checks of the deployment files, runnable without a build, a cluster or Docker:
#   - every shell script under deploy/ (a *.sh file or a file starting with a sh/bash #! line) and
#     test-data/make.sh: executable, `bash -n`, and shellcheck when it is installed;
#   - every YAML file under deploy/: parses (all documents), with python3 and PyYAML when installed.
# A missing checker is reported and skipped, not counted as a failure; any failed check makes the
# exit status 1.
#
#   deploy/check.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
failures=0
fail() {
  echo "FAIL $*"
  failures=$((failures + 1))
}

scripts=()
while IFS= read -r -d '' file; do
  case "$file" in
    *.sh) scripts+=("$file") ;;
    *) if head -n 1 "$file" | grep -Eq '^#!.*[/ ](ba)?sh([[:space:]]|$)'; then scripts+=("$file"); fi ;;
  esac
done < <(find deploy -type f -print0 | sort -z)
scripts+=(test-data/make.sh)

have_shellcheck=0
if command -v shellcheck > /dev/null; then
  have_shellcheck=1
else
  echo "shellcheck is not on PATH: scripts get bash -n only (apt-get install shellcheck)"
fi
for script in "${scripts[@]}"; do
  ok=1
  [ -x "$script" ] || { fail "$script: not executable (chmod +x $script)"; ok=0; }
  bash -n "$script" || { fail "$script: bash -n"; ok=0; }
  if [ "$have_shellcheck" = 1 ]; then
    shellcheck "$script" || { fail "$script: shellcheck"; ok=0; }
  fi
  [ "$ok" = 0 ] || echo "ok   $script"
done

yamls=()
while IFS= read -r -d '' file; do yamls+=("$file"); done < <(find deploy -type f \( -name '*.yaml' -o -name '*.yml' \) -print0 | sort -z)
if ! command -v python3 > /dev/null; then
  echo "python3 is not on PATH: ${#yamls[@]} YAML file(s) not checked"
elif ! python3 -c 'import yaml' 2> /dev/null; then
  echo "python3 has no yaml module (PyYAML): ${#yamls[@]} YAML file(s) not checked (pip install pyyaml)"
else
  for file in "${yamls[@]}"; do
    if python3 -c 'import yaml,sys; list(yaml.safe_load_all(open(sys.argv[1])))' "$file"; then
      echo "ok   $file"
    else
      fail "$file: YAML"
    fi
  done
fi

if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
