package embeddings

import (
	"strconv"
	"testing"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/toyfit"
	"github.com/jedi-neuro/jedi/plugin"
)

// The toy's clusters are well apart, so the cluster is decoded from the embeddings almost
// perfectly; a label with a value per segment is not decoded at all.
func TestMapEmbeddings(t *testing.T) {
	tt := toyfit.New(t, toyfit.Config(), 36, 20, 11)
	emb, err := plugin.SegmentEmbeddings(tt.F, tt.DS, 20)
	if err != nil {
		t.Fatal(err)
	}
	em, err := Analyze(tt.DS, emb.E, emb.HeldOut, "cluster", false, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(em.PC) != tt.DS.S || len(em.Explained) != 2 || len(em.Classification) != 2 {
		t.Fatalf("%d points, %d axes, %d classifications", len(em.PC), len(em.Explained), len(em.Classification))
	}
	for _, c := range em.Classification {
		if c.Accuracy < 0.9 || c.Chance != 1.0/3 {
			t.Errorf("%s: accuracy %.3f (want ≥ 0.9), chance %.3f (want 1/3)", c.Method, c.Accuracy, c.Chance)
		}
	}
	if tied, _ := Analyze(tt.DS, emb.E, emb.HeldOut, "cluster", true, 3, 1); len(tied.Classification) != 0 {
		t.Error("tied embeddings decoded")
	}
	v := make([]string, tt.DS.S)
	for s := range v {
		v[s] = strconv.Itoa(s)
	}
	tt.DS.Labels["trial"] = data.Label{Kind: data.IntLabel, Values: v}
	cont, err := Analyze(tt.DS, emb.E, emb.HeldOut, "trial", false, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(cont.Classification) != 0 {
		t.Error("a label with one value per segment was decoded")
	}
	if _, err := cont.Write(t.TempDir()); err != nil {
		t.Errorf("map coloured by a continuous label: %v", err)
	}
}
