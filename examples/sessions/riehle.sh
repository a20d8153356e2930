#!/usr/bin/env bash
# One JEDI model over the Riehle recording sessions (docs/sessions.md): every unit × block file
# prepared with its real single trials (riehle-unit.yaml), the units recorded together joined
# into one session (jedi stitch --simultaneous), the sessions stitched into one multi-session
# dataset (jedi stitch), one fit, and the figures that compare with the pseudo-population
# analysis of docs/monkey.md: held-out R² (per session), direction and epoch decoded from the
# embeddings (across sessions too), and the spectra of the two epochs.
#
#   bash examples/sessions/riehle.sh [OUT]        # from the repository root; OUT default riehle-sessions
#
# Environment: DATA, the recordings' directory (default ../shared/data/riehle-joe); SESSIONS, the
# recording sessions to stitch, as file-name stems (e.g. "joe011 joe012"; default every one in
# DATA); EPOCHS (default: the configuration's); SEED (default 1); ALIGN, a label to align the
# sessions on (train.align with 8 factors and weight 1; default none). Files already written are kept,
# so an interrupted run continues where it stopped.
set -euo pipefail
OUT=${1:-riehle-sessions}
DATA=${DATA:-../shared/data/riehle-joe}
SEED=${SEED:-1}
HERE=examples/sessions
mkdir -p "$OUT"/units "$OUT"/sessions
JEDI="$OUT/jedi"
go build -o "$JEDI" ./cmd/jedi
SECONDS=0
log() { echo "[$(printf '%4d' "$SECONDS") s] $*" >&2; }

# 1. Each file <session>_<electrode>.npz is one unit in one recording session (a condition block).
sessions=${SESSIONS:-$(ls "$DATA" | sed -n 's/^\([A-Za-z]*[0-9]*\)_[0-9]*\.npz$/\1/p' | sort -u)}
stitched=()
for s in $sessions; do
  out="$OUT/sessions/$s.npz"
  if [ ! -f "$out" ]; then
    units=()
    for f in "$DATA/${s}"_*.npz; do
      u="$OUT/units/$(basename "$f")"
      if [ -f "$u" ] || "$JEDI" prepare --recipe $HERE/riehle-unit.yaml --file "$f" --out "$u" >"$u.log" 2>&1; then
        units+=("$u")
      else
        log "unit $f left out: $(tail -1 "$u.log")"
      fi
    done
    if [ ${#units[@]} -eq 0 ]; then
      log "session $s left out: no unit kept"
      continue
    fi
    "$JEDI" stitch --simultaneous --out "$out" "${units[@]}" 2>>"$OUT/stitch.log"
  fi
  stitched+=("$out")
done
"$JEDI" stitch --out "$OUT/stitched.npz" "${stitched[@]}" 2>>"$OUT/stitch.log"
log "stitched ${#stitched[@]} sessions: $("$JEDI" inspect "$OUT/stitched.npz" | grep -E '^(activity|observed) ' | tr -s ' ' | tr '\n' ';')"

# 2. One fit: the pseudo-population's configuration (examples/monkey/fit_riehle.yaml).
cfg="$OUT/fit.yaml"
sed ${EPOCHS:+-e "s/^  epochs: .*/  epochs: $EPOCHS/"} -e "s/^seed: .*/seed: $SEED/" examples/monkey/fit_riehle.yaml >"$cfg"
if [ -n "${ALIGN:-}" ]; then # train.align (docs/sessions.md): the train section is the file's last
  printf '  align:\n    factors: 8\n    label: %s\n    weight: 1\n' "$ALIGN" >>"$cfg"
fi
[ -f "$OUT/fit/model.npz" ] || "$JEDI" fit --data "$OUT/stitched.npz" --out "$OUT/fit" --config "$cfg" 2>"$OUT/fit.log"
log "fitted"

# 3. The figures: R² (per session), direction and epoch decoded (across sessions too), spectra.
"$JEDI" eval --run "$OUT/fit" --json >"$OUT/eval.json" 2>"$OUT/eval.log"
"$JEDI" eval --run "$OUT/fit" 2>/dev/null | tee "$OUT/eval.txt"
for label in direction epoch; do
  "$JEDI" analyze sessions --run "$OUT/fit" --decode $label --out "$OUT/analysis-$label" 2>>"$OUT/analyze.log" | tee "$OUT/sessions-$label.txt"
done
"$JEDI" analyze spectra --run "$OUT/fit" --label epoch --out "$OUT/analysis-epoch" 2>>"$OUT/analyze.log" | tee "$OUT/spectra.txt"
log "done: $OUT"
