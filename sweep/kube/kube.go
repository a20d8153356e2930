// Package kube is the sweep backend for Kubernetes: one Indexed Job per halving rung,
// completions = the rung's tasks, each pod running `jedi sweep task` for the index Kubernetes
// gives it in JOB_COMPLETION_INDEX, the sweep directory and the data on a mounted volume.
//
// The manifests are plain batch/v1 Jobs written from the small types below rather than from
// k8s.io/api, which would pull Kubernetes' whole type system into the jedi binary; the tests
// decode them strictly into k8s.io/api's Job type, so a field this package misspells fails there.
package kube

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jedi-neuro/jedi/internal/fsutil"
	"github.com/jedi-neuro/jedi/internal/strictyaml"
	"github.com/jedi-neuro/jedi/sweep"
)

// Dir is the sweep directory's folder for the manifests.
const Dir = "kubernetes"

// Job is the subset of batch/v1 Job that a sweep uses.
type Job struct {
	APIVersion string   `yaml:"apiVersion"`
	Kind       string   `yaml:"kind"`
	Metadata   Metadata `yaml:"metadata"`
	Spec       JobSpec  `yaml:"spec"`
}

// Metadata is the part of Kubernetes' ObjectMeta a sweep writes.
type Metadata struct {
	Name      string            `yaml:"name,omitempty"`
	Namespace string            `yaml:"namespace,omitempty"`
	Labels    map[string]string `yaml:"labels,omitempty"`
}

// JobSpec is the part of Kubernetes' batch/v1 JobSpec a sweep writes.
type JobSpec struct {
	CompletionMode       string      `yaml:"completionMode"`
	Completions          int         `yaml:"completions"`
	Parallelism          int         `yaml:"parallelism"`
	BackoffLimitPerIndex *int        `yaml:"backoffLimitPerIndex,omitempty"`
	Template             PodTemplate `yaml:"template"`
}

// PodTemplate is the part of Kubernetes' PodTemplateSpec a sweep writes.
type PodTemplate struct {
	Metadata Metadata `yaml:"metadata"`
	Spec     PodSpec  `yaml:"spec"`
}

// PodSpec is the part of Kubernetes' PodSpec a sweep writes.
type PodSpec struct {
	RestartPolicy string      `yaml:"restartPolicy"`
	Containers    []Container `yaml:"containers"`
	Volumes       []Volume    `yaml:"volumes,omitempty"`
}

// Container is the part of Kubernetes' Container a sweep writes.
type Container struct {
	Name         string        `yaml:"name"`
	Image        string        `yaml:"image"`
	Command      []string      `yaml:"command"`
	Env          []EnvVar      `yaml:"env,omitempty"`
	Resources    Resources     `yaml:"resources"`
	VolumeMounts []VolumeMount `yaml:"volumeMounts,omitempty"`
}

// EnvVar is the part of Kubernetes' EnvVar a sweep writes.
type EnvVar struct {
	Name  string `yaml:"name"`
	Value string `yaml:"value"`
}

// Resources is the part of Kubernetes' ResourceRequirements (quantities as strings) a sweep writes.
type Resources struct {
	Requests map[string]string `yaml:"requests,omitempty"`
	Limits   map[string]string `yaml:"limits,omitempty"`
}

// VolumeMount is the part of Kubernetes' VolumeMount a sweep writes.
type VolumeMount struct {
	Name      string `yaml:"name"`
	MountPath string `yaml:"mountPath"`
}

// Volume is the part of Kubernetes' Volume (a PersistentVolumeClaim only) a sweep writes.
type Volume struct {
	Name                  string    `yaml:"name"`
	PersistentVolumeClaim *ClaimRef `yaml:"persistentVolumeClaim,omitempty"`
}

// ClaimRef is the part of Kubernetes' PersistentVolumeClaimVolumeSource a sweep writes.
type ClaimRef struct {
	ClaimName string `yaml:"claimName"`
}

// Manifest returns the Indexed Job of rung r of the sweep: completions is the rung's number of
// tasks; pod i runs task i (rung 0) or the i-th task among the rung's survivors.
func Manifest(spec *sweep.Spec, m *sweep.Manifest, r int) (*Job, error) {
	k := spec.Kubernetes
	switch {
	case k.Image == "":
		return nil, fmt.Errorf("kubernetes.image: missing: the container image holding jedi")
	case k.SweepPath == "":
		return nil, fmt.Errorf("kubernetes.sweep_path: missing: the sweep directory's path inside the pod")
	case k.Claim != "" && k.MountPath == "":
		return nil, fmt.Errorf("kubernetes.mount_path: missing: where the claim %q is mounted", k.Claim)
	}
	name := jobName(spec)
	jedi := k.Jedi
	if jedi == "" {
		jedi = "jedi"
	}
	n := m.Keep[r] * len(m.Replicas)
	par := n
	if k.Parallelism > 0 {
		par = min(k.Parallelism, n)
	}
	cpus := strconv.Itoa(max(m.Resources.CPUs, 1))
	res := Resources{Requests: map[string]string{"cpu": cpus}, Limits: map[string]string{"cpu": cpus}}
	if m.Resources.Memory != "" {
		mem, err := quantity(m.Resources.Memory)
		if err != nil {
			return nil, fmt.Errorf("resources.memory: %w", err)
		}
		res.Requests["memory"], res.Limits["memory"] = mem, mem
	}
	labels := map[string]string{"app.kubernetes.io/name": "jedi-sweep", "jedi.sweep/rung": strconv.Itoa(r)}
	j := &Job{
		APIVersion: "batch/v1",
		Kind:       "Job",
		Metadata:   Metadata{Name: fmt.Sprintf("%s-r%d", name, r), Namespace: k.Namespace, Labels: labels},
		Spec: JobSpec{
			CompletionMode: "Indexed",
			Completions:    n,
			Parallelism:    par,
			Template: PodTemplate{
				Metadata: Metadata{Labels: labels},
				Spec: PodSpec{
					RestartPolicy: "Never",
					Containers: []Container{{
						Name:  "task",
						Image: k.Image,
						// With neither --index nor --rank, jedi sweep task takes its index from
						// JOB_COMPLETION_INDEX: the task at rung 0, the rank among survivors after.
						Command:   []string{jedi, "sweep", "task", "--sweep", k.SweepPath, "--rung", strconv.Itoa(r)},
						Env:       []EnvVar{{Name: "GOMAXPROCS", Value: cpus}},
						Resources: res,
					}},
				},
			},
		},
	}
	if k.BackoffLimitPerIndex > 0 {
		b := k.BackoffLimitPerIndex
		j.Spec.BackoffLimitPerIndex = &b
	}
	if k.Claim != "" {
		c := &j.Spec.Template.Spec
		c.Volumes = []Volume{{Name: "sweep", PersistentVolumeClaim: &ClaimRef{ClaimName: k.Claim}}}
		c.Containers[0].VolumeMounts = []VolumeMount{{Name: "sweep", MountPath: k.MountPath}}
	}
	return j, nil
}

func jobName(spec *sweep.Spec) string {
	if spec.Kubernetes.Name != "" {
		return spec.Kubernetes.Name
	}
	return "jedi-sweep"
}

// quantity converts Slurm's memory notation (500M, 2G; a bare number is MB) to Kubernetes'
// binary units (500Mi, 2Gi), which is what Slurm means by them.
func quantity(s string) (string, error) {
	s = strings.TrimSpace(s)
	unit := map[byte]string{'K': "Ki", 'M': "Mi", 'G': "Gi", 'T': "Ti"}
	num, suffix := s, "Mi"
	if len(s) > 0 {
		if u, ok := unit[s[len(s)-1]&^0x20]; ok {
			num, suffix = s[:len(s)-1], u
		}
	}
	if v, err := strconv.ParseUint(num, 10, 64); err != nil || v == 0 {
		return "", fmt.Errorf("%q: want a positive whole number with an optional K, M, G or T suffix", s)
	}
	return num + suffix, nil
}

// Write writes every rung's Job into DIR/kubernetes/rung-R.yaml and returns the paths.
func Write(dir string, spec *sweep.Spec, m *sweep.Manifest) ([]string, error) {
	if err := os.MkdirAll(filepath.Join(dir, Dir), 0o755); err != nil {
		return nil, err
	}
	var paths []string
	for r := range m.Rungs {
		j, err := Manifest(spec, m, r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(dir, sweep.SpecFile), err)
		}
		y, err := strictyaml.Encode(j)
		if err != nil {
			return nil, err
		}
		head := fmt.Sprintf("# jedi sweep, halving rung %d of %d (%d epochs): kubectl apply -f this file", r, len(m.Rungs)-1, m.Rungs[r])
		if r > 0 {
			prev := fmt.Sprintf("%s-r%d", jobName(spec), r-1)
			head += fmt.Sprintf(",\n# once rung %d's Job has completed (kubectl wait --for=condition=complete job/%s --timeout=-1s)", r-1, prev)
		}
		p := filepath.Join(dir, Dir, fmt.Sprintf("rung-%d.yaml", r))
		if err := fsutil.WriteBytesAtomic(p, append([]byte(head+"\n"), y...)); err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}
