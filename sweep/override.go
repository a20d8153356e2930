package sweep

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/jedi-neuro/jedi/train"
)

// override returns cfg with the settings kv (dotted key → value) applied, through the YAML form
// of the configuration: a key must name an existing setting (model.rank, train.epochs, …) and
// its value must decode into that setting's type, or the error names the key.
func override(cfg train.Config, keys []string, kv map[string]any) (train.Config, error) {
	y, err := cfg.YAML()
	if err != nil {
		return train.Config{}, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(y, &doc); err != nil {
		return train.Config{}, err
	}
	for _, k := range keys {
		if !dotted(k) {
			return train.Config{}, fmt.Errorf("%q: not a setting (write section.key, e.g. model.rank)", k)
		}
		node, err := lookup(doc.Content[0], k)
		if err != nil {
			return train.Config{}, err
		}
		var v yaml.Node
		if err := v.Encode(kv[k]); err != nil {
			return train.Config{}, fmt.Errorf("%s: %w", k, err)
		}
		*node = v
	}
	b, err := yaml.Marshal(&doc)
	if err != nil {
		return train.Config{}, err
	}
	out, err := train.ParseConfig("settings", b, train.Config{})
	if err != nil {
		return train.Config{}, fmt.Errorf("%s: %w", strings.Join(keys, ", "), err)
	}
	return out, nil
}

// lookup finds the value node of the dotted key k in the mapping m.
func lookup(m *yaml.Node, k string) (*yaml.Node, error) {
	parts := strings.Split(k, ".")
	for i, p := range parts {
		if m.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("%s: %s is not a section", k, strings.Join(parts[:i], "."))
		}
		var next *yaml.Node
		var have []string
		for j := 0; j+1 < len(m.Content); j += 2 {
			have = append(have, m.Content[j].Value)
			if m.Content[j].Value == p {
				next = m.Content[j+1]
			}
		}
		if next == nil {
			where := "the configuration"
			if i > 0 {
				where = strings.Join(parts[:i], ".")
			}
			return nil, fmt.Errorf("%s: no setting %q in %s (it has %s)", k, p, where, strings.Join(have, ", "))
		}
		m = next
	}
	return m, nil
}
