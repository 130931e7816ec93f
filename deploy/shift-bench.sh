#!/usr/bin/env bash
# The shift analysis's benchmark problems (BENCHMARKS.md, "Shift analysis"): for each problem and
# each shift direction, how tight the bound is (bound / observed solution shift), what the first-order
# prediction missed, and what a warm refit costs against a cold one. Needs a build:
#   mvn -q -B package -DskipTests && deploy/shift-bench.sh [REL]
# REL is the relative size of every shift (default 1e-5, inside the bound's radius on these problems).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/target/shift-bench"
rel="${1:-1e-5}"
rm -rf "$out"
mkdir -p "$out"
"$root/deploy/hyperreg" generate --output "$out/rescaled-exp-n20000-d20.libsvm" --objective rescaled --link exp \
  --rows 20000 --features 20 --seed 11 > /dev/null 2>&1

problems=(
  "rescaled-exp:$root/test-data/rescaled-exp.libsvm:exp"
  "rescaled-cosh:$root/test-data/rescaled-cosh.libsvm:cosh"
  "rescaled-sinh:$root/test-data/rescaled-sinh.libsvm:sinh"
  "exp-n20000-d20:$out/rescaled-exp-n20000-d20.libsvm:exp"
)
shifts=("random A:--perturb A:$rel --direction random" "random b:--perturb b:$rel --direction random"
        "worst A:--perturb A:$rel --direction worst" "worst b:--perturb b:$rel --direction worst")
field() { awk -v key="$1" '$1 == key { print $2 }' "$2"; }
printf '%-15s %-9s %-12s %-12s %-10s %-13s %-11s %-11s\n' problem shift "|Δx*|/|Δ|" "bound/|Δ|" bound/obs \
  "pred rel err" "warm passes" "cold passes"
for problem in "${problems[@]}"; do
  IFS=: read -r name file link <<< "$problem"
  for shift in "${shifts[@]}"; do
    label="${shift%%:*}"
    read -r -a flags <<< "${shift#*:}"
    dir="$out/$name-${label// /-}"
    "$root/deploy/hyperreg" shift --input "$file" --link "$link" --reg-weight 0.01 --solver exact --no-sweep \
      "${flags[@]}" --output "$dir" > "$dir.log" 2>&1 || true
    report="$dir/report.txt"
    if [ ! -f "$report" ]; then
      printf '%-15s %-9s failed: see %s\n' "$name" "$label" "$dir.log"
      continue
    fi
    printf '%-15s %-9s %-12s %-12s %-10s %-13s %-11s %-11s\n' "$name" "$label" "$(field lipschitzRatio "$report")" \
      "$(field lipschitzBound "$report")" "$(field boundOverObserved "$report")" \
      "$(field predictedShiftRelativeError "$report")" "$(field warmPasses "$report")" "$(field coldPasses "$report")"
  done
done
