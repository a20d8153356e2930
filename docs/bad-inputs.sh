#!/usr/bin/env bash
# Runs jedi on the bad inputs of docs/reliability.md and prints what each does: exit status,
# wall time and the first line of stderr. Needs Go and Python 3 with NumPy; takes about a minute.
#
#   bash docs/bad-inputs.sh [WORKDIR]
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work" && work=$(cd "$work" && pwd) && cd "$work" || exit 1
(cd "$root" && go build -o "$work/jedi" ./cmd/jedi) || exit 1
./jedi -q simulate multitask --out d.npz --seed 3 || exit 1
python3 - <<'PY' || exit 1
import io, zipfile
import numpy as np
z = np.load('d.npz')
base = {k: z[k] for k in z.files}
def save(name, **over):
    d = dict(base); d.update(over); np.savez(name, **d)
a = base['activity']
save('x1e6.npz', activity=a * 1e6)
save('x1e-6.npz', activity=a * 1e-6)
save('zeros.npz', activity=np.zeros_like(a))
b = a.astype(np.float64); b[3, 4, 2] = 1e39; save('overflow.npz', activity=b)
n = a.copy(); n[5, 7, 1] = np.nan; save('nan.npz', activity=n)
c = a.copy(); c[0, 0, 0] += 1; save('changed.npz', activity=c)
np.savez('one.npz', activity=a[:1], dt=base['dt'])
np.savez_compressed('bomb.npz', activity=np.zeros((400, 1000, 100), np.uint8), dt=np.float64(0.01))
buf = io.BytesIO(); np.save(buf, np.arange(6.0).reshape(1, 3, 2))
with zipfile.ZipFile('long.npz', 'w', zipfile.ZIP_DEFLATED) as f:
    f.writestr('activity.npy', buf.getvalue() + bytes(800))
PY
small='model: {units: 32, rank: 2, hidden: [16]}'
printf '%s\ntrain: {epochs: 10, val_every: 5, val_infer_steps: 20, infer_steps: 5}\n' "$small" > c.yaml
printf '%s\ntrain: {epochs: 10, learning_rate: 10}\n' "$small" > lr10.yaml
printf '%s\ntrain: {epochs: 10, learning_rate: 10, clip_norm: 0}\n' "$small" > lr10-noclip.yaml
printf '%s\ntrain: {epochs: 40, val_every: 5, val_infer_steps: 20, infer_steps: 5, checkpoint_every: 3}\n' "$small" > long.yaml

case_() { # name, then the jedi arguments
	local name=$1; shift
	local t0=$(date +%s%N)
	./jedi -q "$@" > "out-$name" 2> "err-$name"
	local rc=$? t1=$(date +%s%N)
	printf '%-22s exit %-3s %6s ms  %s\n' "$name" "$rc" $(( (t1 - t0) / 1000000 )) \
		"$(grep -v '^time=.*level=INFO' "err-$name" | sed 's/^time=[^ ]* //' | head -c 300 | tr '\n' ' ')"
}
case_ lr10             fit --data d.npz --out r-lr10 --config lr10.yaml
case_ lr10-noclip      fit --data d.npz --out r-lr10nc --config lr10-noclip.yaml
case_ activity-x1e6    fit --data x1e6.npz --out r-x1e6 --config c.yaml
case_ activity-x1e-6   fit --data x1e-6.npz --out r-x1em6 --config c.yaml
case_ constant         fit --data zeros.npz --out r-zeros --config c.yaml
case_ overflow-float32 fit --data overflow.npz --out r-over --config c.yaml
case_ nan              fit --data nan.npz --out r-nan --config c.yaml
case_ one-segment      fit --data one.npz --out r-one --config c.yaml
case_ one-segment-eval eval --run r-one --json
case_ npz-bomb         fit --data bomb.npz --out r-bomb --config c.yaml
case_ member-too-long  fit --data long.npz --out r-long --config c.yaml

# Stopped fits: SIGINT inside an epoch, kill -9, two writers, another data file, orphans.
cp d.npz dd.npz
./jedi -q fit --data dd.npz --out ref --config long.yaml
./jedi -q fit --data dd.npz --out r-stop --config long.yaml 2> /dev/null & p=$!
sleep 3; kill -INT $p; wait $p
case_ new-fit-into-stopped fit --data dd.npz --out r-stop --config long.yaml
./jedi -q fit --data dd.npz --out r-stop --resume 2> /dev/null & p=$!
sleep 2; kill -KILL $p; wait $p 2> /dev/null
touch r-stop/.checkpoint.npz.tmp-999
cp changed.npz dd.npz
case_ resume-changed-data  fit --data dd.npz --out r-stop --resume
cp d.npz dd.npz
case_ resume-same-data     fit --data dd.npz --out r-stop --resume
cmp -s ref/model.npz r-stop/model.npz && echo "model after SIGINT, kill -9 and two resumes: byte-identical to the uninterrupted one" \
	|| echo "model after SIGINT, kill -9 and two resumes: DIFFERS from the uninterrupted one"
ls -a r-stop | grep -q tmp- && echo "orphaned temporary file: still there" || echo "orphaned temporary file: removed"
./jedi -q fit --data d.npz --out r-two --config long.yaml 2> /dev/null & p=$!
sleep 2
case_ second-writer        fit --data d.npz --out r-two --config long.yaml --seed 9
kill -INT $p; wait $p
