#!/usr/bin/env bash
# seeds.sh — the three-seed table of docs/sessions.md ("Three fit seeds on the current code"):
# the synthetic multi-session teacher (data seed 1) in three variants, each fitted without and
# with train.align, and the single-session reference, at fit seeds 1, 2 and 3.
#
# Usage: bash examples/sessions/seeds.sh OUTDIR      (about 10 minutes on 2 quiet cores)
# Writes OUTDIR/results.txt: one line per fit with R² train / held-out, co-smoothing, the task
# decoded across sessions (logistic, kNN) and the session decoded from the embeddings.
set -euo pipefail
out=${1:?usage: seeds.sh OUTDIR}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
J=${JEDI:-jedi}
mkdir -p "$out" && cd "$out"
cp "$root/configs/multitask.yaml" base.yaml
sed -e 's/    factors: 0 /    factors: 8 /' -e 's/    label: "" /    label: task /' -e 's/    weight: 0 /    weight: 1 /' base.yaml >align.yaml
$J -q simulate sessions --out ms.npz --full full.npz --seed 1
$J -q simulate sessions --out ms10.npz --min-neurons 10 --max-neurons 25 --seed 1
$J -q simulate sessions --out mss.npz --shared-units --seed 1
: >results.txt
one() { # NAME DATA CONFIG SEED
	local n=$1 d=$2 c=$3 s=$4
	rm -rf "$n"
	$J -q fit --data "$d" --out "$n" --config "$c" --seed "$s"
	$J -q eval --run "$n" --cosmooth >"$n.eval" 2>&1
	local line="$n $(grep '^R² train' "$n.eval" | awk '{print "train", $3}') $(grep '^R² held-out' "$n.eval" | awk '{print "heldout", $3}') $(grep '^co-smoothing' "$n.eval" | awk '{print "cosmooth", $4}')"
	if [[ $d != full.npz ]]; then
		$J -q analyze sessions --run "$n" >"$n.sess" 2>&1
		line+=" across_log $(grep 'by logistic across' "$n.sess" | sed 's/.*: \([0-9.]*\) pooled.*/\1/')"
		line+=" across_knn $(grep 'by knn across' "$n.sess" | sed 's/.*: \([0-9.]*\) pooled.*/\1/')"
		line+=" session $(grep 'session decoded' "$n.sess" | sed 's/.*embeddings: \([0-9.]*\).*/\1/')"
	fi
	echo "$line" | tee -a results.txt
}
for s in 1 2 3; do
	one "full-s$s" full.npz base.yaml "$s"
	for d in ms ms10 mss; do
		one "$d-s$s" "$d.npz" base.yaml "$s"
		one "${d}A-s$s" "$d.npz" align.yaml "$s"
	done
done
