#!/usr/bin/env bash
# Preparation against execution on the Riehle data (docs/monkey.md): from the recordings to the
# figures and the table of per-claim verdicts in one go.
#
#   bash examples/monkey/riehle.sh [OUT]          # from the repository root; OUT default riehle-out
#
# Environment: DATA, the recordings' directory (default ../shared/data/riehle-joe; the other
# monkey's directory runs unchanged); SEEDS (fit seeds, default "1 2 3 4 5"); RESAMPLES
# (pseudo-population draws, default "1 2"); RANKS (candidate ranks, 0 = full, default
# "2 4 8 0"); EPOCHS (default: the configuration's). Fits already finished are kept, so an
# interrupted run continues where it stopped. About 20–25 minutes on 2 cores.
set -euo pipefail
OUT=${1:-riehle-out}
DATA=${DATA:-../shared/data/riehle-joe}
SEEDS=${SEEDS:-"1 2 3 4 5"}
RESAMPLES=${RESAMPLES:-"1 2"}
RANKS=${RANKS:-"2 4 8 0"}
HERE=examples/monkey
mkdir -p "$OUT"/data "$OUT"/configs "$OUT"/fits
JEDI="$OUT/jedi"
go build -o "$JEDI" ./cmd/jedi
SECONDS=0
log() { echo "[$(printf '%4d' "$SECONDS") s] $*" >&2; }

prepare() { # OUT.npz FLAGS...
  local out=$1; shift
  [ -f "$out" ] || "$JEDI" prepare --recipe $HERE/riehle.yaml --file "$DATA" --out "$out" "$@" >"$out.log"
}
fit() { # DIR DATA CONFIG SEED
  [ -f "$1/model.npz" ] || "$JEDI" fit --data "$2" --out "$1" --config "$3" --seed "$4" 2>"$1.log"
}
config() { # NAME RANK [INPUTS TIE]: the shipped configuration with another rank (and inputs)
  local c="$OUT/configs/$1.yaml"
  sed -e "s/^  rank: .*/  rank: $2/" ${EPOCHS:+-e "s/^  epochs: .*/  epochs: $EPOCHS/"} \
    ${3:+-e "s/^  inputs: .*/  inputs: $3/" -e "s/^  patience: .*/&\n  tie_embeddings: \"@all\"/"} \
    $HERE/fit_riehle.yaml >"$c"
  echo "$c"
}

# 1. Data: resampled pseudo-populations; the controls' time-shuffled spikes (a new shuffle and
#    pseudo-population per seed) and the one-hot epoch input.
for r in $RESAMPLES; do prepare "$OUT/data/real-$r.npz" --seed "$r"; done
for s in $SEEDS; do
  prepare "$OUT/data/shuffled-$s.npz" --seed "$s" --shuffle-spikes "$s"
  prepare "$OUT/data/onehot-$s.npz" --seed "$s" --inputs-onehot epoch
done
log "data prepared"

# 2. Rank by held-out R² on the first pseudo-population and seed (not by the picture).
first_r=${RESAMPLES%% *}; first_s=${SEEDS%% *}
best=""; best_r2=-1e9
: >"$OUT/fits/selection.txt"
for R in $RANKS; do
  c=$(config "rank$R" "$R")
  d="$OUT/fits/select-rank$R"
  fit "$d" "$OUT/data/real-$first_r.npz" "$c" "$first_s"
  r2=$("$JEDI" eval --run "$d" --json 2>/dev/null | sed -n 's/.*"r2_heldout":\([-0-9.eE+]*\).*/\1/p')
  log "rank $R: held-out R² $r2"
  echo "$R $r2" >>"$OUT/fits/selection.txt"
  if awk -v a="$r2" -v b="$best_r2" 'BEGIN{exit !(a>b)}'; then best=$R; best_r2=$r2; fi
done
log "chosen rank $best (held-out R² $best_r2)"
echo "$best" >"$OUT/fits/chosen_rank"
C=$(config "chosen" "$best")
C1H=$(config "onehot" "$best" 2)

# 3. Fits: every seed on every pseudo-population; the controls on one each per seed. The
#    selection's fit of the chosen rank is the first of them (same data, configuration, seed).
[ -d "$OUT/fits/real-r$first_r-s$first_s" ] || cp -r "$OUT/fits/select-rank$best" "$OUT/fits/real-r$first_r-s$first_s"
for r in $RESAMPLES; do for s in $SEEDS; do
  fit "$OUT/fits/real-r$r-s$s" "$OUT/data/real-$r.npz" "$C" "$s"
done; done
log "real fits done"
for s in $SEEDS; do
  fit "$OUT/fits/shuffled-s$s" "$OUT/data/shuffled-$s.npz" "$C" "$s"
  fit "$OUT/fits/onehot-s$s" "$OUT/data/onehot-$s.npz" "$C1H" "$s"
done
log "control fits done"

# 4. The contrasts, the verdicts and the decoding; the eigenvalue pictures of one real fit.
"$JEDI" contrast --config $HERE/contrast.yaml --out "$OUT/contrast" \
  --runs "$OUT/fits/real-r*" --control shuffled="$OUT/fits/shuffled-s*" --control onehot="$OUT/fits/onehot-s*" \
  >"$OUT/contrast.log" 2>&1
one="$OUT/fits/real-r$first_r-s$first_s"
"$JEDI" analyze spectra --run "$one" --label epoch --out "$OUT/spectra" >/dev/null 2>&1
"$JEDI" analyze lyapunov --run "$one" --label epoch --out "$OUT/spectra" >/dev/null 2>&1
log "done: $OUT/contrast/contrast.md, $OUT/contrast/contrast_*.png, $OUT/spectra/"
