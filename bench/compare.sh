#!/usr/bin/env bash
# compare.sh — time the Go training step against the PyTorch reference of the same model.
#
# Usage: bench/compare.sh [size ...]        (sizes: small, large, xl; default: small large)
#
# For each size it runs `jedi bench --size S --json` and `torch_ref.py --size S --json`
# ROUNDS times, alternating which goes first, and prints per size the median over rounds of
# each one's median ms/step and the ratio torch/go (> 1: Go is faster).
#
# Environment:
#   ROUNDS=3          rounds per size
#   STEPS=10          timed steps per run (both implementations; each reports its median)
#   THREADS=2         torch.set_num_threads / OPENBLAS_NUM_THREADS for PyTorch, GOMAXPROCS for Go
#   TORCH_VARIANT=best  torch_ref.py --variant; 'best' times every variant each round and
#                     takes the fastest (slow for large: use e.g. TORCH_VARIANT=custom)
#   GOFLAGS           passed to `go build`, e.g. GOFLAGS=-tags=openblas for the OpenBLAS kernels
#   JEDI_BIN          use this jedi binary instead of building ./cmd/jedi
#   PYTHON=/usr/bin/python3   the Python that has torch
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
ROUNDS=${ROUNDS:-3}
STEPS=${STEPS:-10}
THREADS=${THREADS:-2}
TORCH_VARIANT=${TORCH_VARIANT:-best}
PYTHON=${PYTHON:-/usr/bin/python3}
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(small large)

for s in "${sizes[@]}"; do
	case $s in
	small | large | xl) ;;
	*) echo "compare.sh: unknown size '$s' (want small, large or xl)" >&2; exit 2 ;;
	esac
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [[ -z ${JEDI_BIN:-} ]]; then
	gobin=$(command -v go || echo /usr/local/go/bin/go)
	echo "building ./cmd/jedi (GOFLAGS='${GOFLAGS:-}')" >&2
	(cd "$root" && "$gobin" build -o "$tmp/jedi" ./cmd/jedi)
	JEDI_BIN=$tmp/jedi
fi

# lastjson FILE KEY prints field KEY of the JSON object on FILE's last non-empty line.
lastjson() {
	"$PYTHON" - "$1" "$2" <<-'EOF'
		import json, sys
		path, key = sys.argv[1], sys.argv[2]
		lines = [l for l in open(path).read().splitlines() if l.strip()]
		if not lines:
		    sys.exit(f"compare.sh: {path}: no output")
		try:
		    v = json.loads(lines[-1])[key]
		except (ValueError, KeyError, TypeError) as e:
		    sys.exit(f"compare.sh: {path}: last line has no JSON field {key!r}: {lines[-1][:200]!r} ({e})")
		print(v)
	EOF
}

run_go() { # size round
	GOMAXPROCS=$THREADS "$JEDI_BIN" bench --size "$1" --steps "$STEPS" --json >"$tmp/go.$1.$2"
}

run_torch() { # size round
	"$PYTHON" "$here/torch_ref.py" --size "$1" --steps "$STEPS" --threads "$THREADS" \
		--variant "$TORCH_VARIANT" --json >"$tmp/torch.$1.$2"
}

: >"$tmp/rows"
for s in "${sizes[@]}"; do
	for ((r = 1; r <= ROUNDS; r++)); do
		# Alternate the order so that neither implementation always runs on the
		# warmer (or busier) half of a round.
		if ((r % 2)); then run_go "$s" "$r"; run_torch "$s" "$r"; else run_torch "$s" "$r"; run_go "$s" "$r"; fi
		g=$(lastjson "$tmp/go.$s.$r" ms_per_step)
		t=$(lastjson "$tmp/torch.$s.$r" ms_per_step)
		v=$(lastjson "$tmp/torch.$s.$r" variant)
		gc=$(lastjson "$tmp/go.$s.$r" cpu_ms_per_step)
		tc=$(lastjson "$tmp/torch.$s.$r" cpu_ms_per_step)
		echo "round $r $s: go $g ms/step ($gc CPU), torch $t ms/step ($tc CPU, $v)" >&2
		echo "$s $g $t $v $gc $tc" >>"$tmp/rows"
	done
done

build=$(lastjson "$(ls "$tmp"/go.* | head -n 1)" build 2>/dev/null || echo "?")
tv=$(lastjson "$(ls "$tmp"/torch.* | head -n 1)" torch)
"$PYTHON" - "$tmp/rows" "$build" "$tv" "$THREADS" "$ROUNDS" <<-'EOF'
	import statistics, sys
	rows, build, torch_version, threads, rounds = sys.argv[1:]
	by_size = {}
	for line in open(rows):
	    s, g, t, v, gc, tc = line.split()
	    d = by_size.setdefault(s, {"go": [], "torch": [], "gocpu": [], "torchcpu": [], "variants": set()})
	    d["go"].append(float(g))
	    d["torch"].append(float(t))
	    d["gocpu"].append(float(gc))
	    d["torchcpu"].append(float(tc))
	    d["variants"].add(v)
	print(f"# go build {build}, torch {torch_version}, {threads} threads, "
	      f"median of {rounds} rounds (each a median of its steps); CPU: process CPU ms per step")
	print(f"{'size':<6} {'go ms/step':>11} {'torch ms/step':>14} {'torch/go':>9} "
	      f"{'go CPU':>8} {'torch CPU':>10} {'torch/go CPU':>13}  torch variant")
	for s, d in by_size.items():
	    g, t = statistics.median(d["go"]), statistics.median(d["torch"])
	    gc, tc = statistics.median(d["gocpu"]), statistics.median(d["torchcpu"])
	    print(f"{s:<6} {g:>11.2f} {t:>14.2f} {t / g:>9.2f} {gc:>8.2f} {tc:>10.2f} {tc / gc:>13.2f}  "
	          f"{','.join(sorted(d['variants']))}")
EOF
