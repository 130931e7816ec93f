#!/usr/bin/env bash
# Regenerates the bundled datasets. Deterministic: the same commands give the same bytes
# (java.util.Random is fully specified). Needs a build: mvn -q -B package -DskipTests
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
gen() { rm -f "$here/$1" "$here/$1.truth"; "$here/../deploy/hyperreg" generate --output "$here/$1" "${@:2}"; }

gen rescaled-exp.libsvm  --objective rescaled --link exp  --rows 1000 --features 6 --seed 1
gen rescaled-cosh.libsvm --objective rescaled --link cosh --rows 1000 --features 6 --seed 2
gen rescaled-sinh.libsvm --objective rescaled --link sinh --rows 1000 --features 6 --seed 3
gen plain-exp.libsvm     --objective plain    --link exp  --rows 1000 --features 6 --seed 4
gen plain-cosh.libsvm    --objective plain    --link cosh --rows 1000 --features 6 --seed 5
gen softmax.libsvm       --objective softmax  --link exp  --rows 1000 --features 6 --seed 6
gen plain-sinh-sparse.libsvm --objective plain --link sinh --rows 2000 --features 60 --density 0.05 --seed 7
