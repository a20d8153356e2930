#!/bin/bash
# infer_table.sh regenerates README's table of amortised inference against optimisation
# ("Amortised inference: embeddings in one pass"): the multi-task teacher, one fit with the
# encoder as trained and one whose network adapted to it (train.amortise.adapt_rounds: 3),
# then every row's jedi infer on the 60 held-out segments.
#
# Usage: bash examples/encoder/infer_table.sh OUT [JEDI]   (about 10 minutes on 2 cores)
set -euo pipefail
out=${1:?usage: infer_table.sh OUT [JEDI]}
jedi=${2:-jedi}
mkdir -p "$out"
cd "$out"
"$jedi" -q simulate multitask --out mt.npz --seed 1
printf 'train:\n  amortise:\n    bins: 20\n' >enc.yaml
printf 'train:\n  amortise:\n    bins: 20\n    adapt_rounds: 3\n' >adapt.yaml
for run in enc adapt; do
	[ -f "$run/model.npz" ] || "$jedi" -q fit --data mt.npz --out "$run" --config "$run.yaml"
	echo "== $run"
	for s in 300 100 20 0; do
		"$jedi" infer --run "$run" --data mt.npz --heldout --steps "$s" --out "$run-opt$s.npz" 2>&1 |
			grep 'msg=inferred' | sed "s/.*msg=inferred/optimisation $s steps:/"
	done
	for s in 0 1 5 10 20 30 100; do
		"$jedi" infer --run "$run" --data mt.npz --heldout --amortised --steps "$s" --compare --out "$run-enc$s.npz" 2>&1 |
			grep -E 'msg=encoded|compared with' | sed "s/.*msg=/encoder + $s steps: /"
	done
done
