package kube

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
	batchv1 "k8s.io/api/batch/v1"

	"github.com/jedi-neuro/jedi/sweep"
)

// strictJob decodes a manifest into Kubernetes' own Job type, refusing unknown fields, as the
// API server does with fieldValidation=Strict.
func strictJob(t *testing.T, manifest []byte) *batchv1.Job {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(manifest, &v); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	var j batchv1.Job
	if err := dec.Decode(&j); err != nil {
		t.Fatalf("the manifest is not a batch/v1 Job: %v\n%s", err, manifest)
	}
	return &j
}

func testManifest() (*sweep.Spec, *sweep.Manifest) {
	spec := &sweep.Spec{Kubernetes: sweep.Kubernetes{Image: "ghcr.io/lab/jedi:1", Namespace: "lab",
		Claim: "neuro-data", MountPath: "/data", SweepPath: "/data/sweeps/rank", Parallelism: 4, BackoffLimitPerIndex: 2}}
	m := &sweep.Manifest{Replicas: make([]sweep.Replica, 3), Configs: make([]sweep.Config, 9),
		Rungs: []int{50, 150, 400}, Keep: []int{9, 3, 1}, Epochs: 400,
		Resources: sweep.Resources{CPUs: 2, Memory: "1500M"}}
	return spec, m
}

func TestManifestDecodesStrictly(t *testing.T) {
	spec, m := testManifest()
	dir := t.TempDir()
	paths, err := Write(dir, spec, m)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 3 {
		t.Fatalf("%d manifests for 3 rungs", len(paths))
	}
	for r, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		j := strictJob(t, b)
		s := j.Spec
		want := int32(m.Keep[r] * 3)
		switch {
		case j.APIVersion != "batch/v1" || j.Kind != "Job":
			t.Errorf("rung %d: %s %s", r, j.APIVersion, j.Kind)
		case s.CompletionMode == nil || *s.CompletionMode != batchv1.IndexedCompletion:
			t.Errorf("rung %d: completion mode %v, want Indexed", r, s.CompletionMode)
		case s.Completions == nil || *s.Completions != want:
			t.Errorf("rung %d: completions %v, want %d", r, s.Completions, want)
		case s.Parallelism == nil || *s.Parallelism != min(4, want):
			t.Errorf("rung %d: parallelism %v", r, s.Parallelism)
		case s.BackoffLimitPerIndex == nil || *s.BackoffLimitPerIndex != 2:
			t.Errorf("rung %d: backoffLimitPerIndex %v", r, s.BackoffLimitPerIndex)
		case j.Namespace != "lab":
			t.Errorf("rung %d: namespace %q", r, j.Namespace)
		}
		pod := s.Template.Spec
		if pod.RestartPolicy != "Never" || len(pod.Containers) != 1 {
			t.Fatalf("rung %d: pod %+v", r, pod)
		}
		c := pod.Containers[0]
		cmd := strings.Join(c.Command, " ")
		if c.Image != "ghcr.io/lab/jedi:1" || cmd != "jedi sweep task --sweep /data/sweeps/rank --rung "+string(rune('0'+r)) {
			t.Errorf("rung %d: image %q command %q", r, c.Image, cmd)
		}
		if q := c.Resources.Limits.Memory(); q.Value() != 1500<<20 {
			t.Errorf("rung %d: memory limit %v, want 1500Mi", r, q)
		}
		if q := c.Resources.Requests.Cpu(); q.Value() != 2 {
			t.Errorf("rung %d: cpu request %v", r, q)
		}
		if len(pod.Volumes) != 1 || pod.Volumes[0].PersistentVolumeClaim == nil || pod.Volumes[0].PersistentVolumeClaim.ClaimName != "neuro-data" ||
			len(c.VolumeMounts) != 1 || c.VolumeMounts[0].MountPath != "/data" || c.VolumeMounts[0].Name != pod.Volumes[0].Name {
			t.Errorf("rung %d: volumes %+v mounts %+v", r, pod.Volumes, c.VolumeMounts)
		}
	}
}

// TestStrictDecodingRefusesUnknownFields checks that the check above can fail: a misspelt field
// is refused.
func TestStrictDecodingRefusesUnknownFields(t *testing.T) {
	var v any
	if err := yaml.Unmarshal([]byte("apiVersion: batch/v1\nkind: Job\nspec:\n  completionsMode: Indexed\n"), &v); err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(v)
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	var j batchv1.Job
	if err := dec.Decode(&j); err == nil || !strings.Contains(err.Error(), "completionsMode") {
		t.Fatalf("a misspelt field decoded: %v", err)
	}
}

func TestManifestErrors(t *testing.T) {
	spec, m := testManifest()
	for _, tc := range []struct {
		edit func(*sweep.Spec, *sweep.Manifest)
		want string
	}{
		{func(s *sweep.Spec, _ *sweep.Manifest) { s.Kubernetes.Image = "" }, "kubernetes.image"},
		{func(s *sweep.Spec, _ *sweep.Manifest) { s.Kubernetes.SweepPath = "" }, "kubernetes.sweep_path"},
		{func(s *sweep.Spec, _ *sweep.Manifest) { s.Kubernetes.MountPath = "" }, "kubernetes.mount_path"},
		{func(_ *sweep.Spec, m *sweep.Manifest) { m.Resources.Memory = "lots" }, "resources.memory"},
	} {
		s, mm := *spec, *m
		tc.edit(&s, &mm)
		if _, err := Manifest(&s, &mm, 0); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("want an error naming %s, got %v", tc.want, err)
		}
	}
	if _, err := Write(filepath.Join(t.TempDir(), "x"), spec, m); err != nil {
		t.Fatal(err)
	}
}

func TestQuantity(t *testing.T) {
	for in, want := range map[string]string{"500M": "500Mi", "2G": "2Gi", "2g": "2Gi", "100": "100Mi", "64K": "64Ki", "1T": "1Ti"} {
		if got, err := quantity(in); err != nil || got != want {
			t.Errorf("quantity(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "G", "-1G", "1.5G", "0"} {
		if _, err := quantity(in); err == nil {
			t.Errorf("quantity(%q) accepted", in)
		}
	}
}
