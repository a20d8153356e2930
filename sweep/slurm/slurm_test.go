package slurm

import (
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/sweep"
)

// Lines as Slurm 22.05's `scontrol -o show job` prints them (fields trimmed): two elements
// split off (running, cancelled) and the pending rest still as one record with a range.
const scontrolOut = `JobId=12 ArrayJobId=12 ArrayTaskId=3-5,8%2 JobName=jedi-sweep-r0 JobState=PENDING Reason=JobArrayTaskLimit Dependency=(null)
JobId=13 ArrayJobId=12 ArrayTaskId=0 JobName=jedi-sweep-r0 JobState=RUNNING Reason=None
JobId=14 ArrayJobId=12 ArrayTaskId=1 JobName=jedi-sweep-r0 JobState=CANCELLED Reason=None
JobId=20 JobName=plain JobState=COMPLETED Reason=None
`

func TestParseJobs(t *testing.T) {
	got := ParseJobs(scontrolOut)
	want := map[string]string{"12_3": "PENDING", "12_4": "PENDING", "12_5": "PENDING", "12_8": "PENDING",
		"12_0": "RUNNING", "12_1": "CANCELLED", "20": "COMPLETED"}
	if len(got) != len(want) {
		t.Fatalf("ParseJobs = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	if !Alive(got["12_4"]) || !Alive(got["12_0"]) || Alive(got["12_1"]) || Alive(got["20"]) {
		t.Error("Alive misreads PENDING / RUNNING / CANCELLED / COMPLETED")
	}
}

func TestCompress(t *testing.T) {
	for _, tc := range []struct {
		in   []int
		want string
	}{{[]int{0, 1, 2, 3}, "0-3"}, {[]int{7}, "7"}, {[]int{0, 2, 3, 4, 9, 10}, "0,2-4,9-10"}, {nil, ""}} {
		if got := compress(tc.in); got != tc.want {
			t.Errorf("compress(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestScript(t *testing.T) {
	spec := &sweep.Spec{Slurm: sweep.Slurm{Partition: "cpu", Account: "lab", Setup: []string{"module load go"}, Extra: []string{"--qos=short"}}}
	m := &sweep.Manifest{Replicas: make([]sweep.Replica, 3), Configs: make([]sweep.Config, 4), Rungs: []int{20, 40}, Keep: []int{4, 2},
		Resources: sweep.Resources{CPUs: 2, Memory: "2G", Time: "01:00:00"}}
	s0 := Script("/scratch/my sweep", spec, m, "/opt/jedi/bin/jedi", 0)
	s1 := Script("/scratch/my sweep", spec, m, "/opt/jedi/bin/jedi", 1)
	for _, want := range []string{"#SBATCH --cpus-per-task=2\n", "#SBATCH --mem=2G\n", "#SBATCH --time=01:00:00\n",
		"#SBATCH --partition=cpu\n", "#SBATCH --account=lab\n", "#SBATCH --qos=short\n", "module load go\n",
		"#SBATCH --output=/scratch/my sweep/logs/slurm-%A_%a.out\n", "sbatch --array=0-11 ",
		`exec /opt/jedi/bin/jedi sweep task --sweep '/scratch/my sweep' --rung 0 --index "$SLURM_ARRAY_TASK_ID"`} {
		if !strings.Contains(s0, want) {
			t.Errorf("rung 0 script lacks %q:\n%s", want, s0)
		}
	}
	if !strings.Contains(s1, `--rung 1 --rank "$SLURM_ARRAY_TASK_ID"`) || !strings.Contains(s1, "sbatch --array=0-5 ") {
		t.Errorf("rung 1 script:\n%s", s1)
	}
	if shellQuote("it's") != `'it'\''s'` || shellQuote("/a/b") != "/a/b" {
		t.Errorf("shellQuote: %s %s", shellQuote("it's"), shellQuote("/a/b"))
	}
}
