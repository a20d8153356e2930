// Package configs holds the shipped configurations (the YAML files beside it), embedded so that
// commands such as `jedi reproduce` use exactly the files users read and copy.
package configs

import (
	"embed"

	"github.com/jedi-neuro/jedi/train"
)

//go:embed *.yaml
var files embed.FS

// Load returns the shipped configuration name (e.g. "sinusoid.yaml") over base.
func Load(name string, base train.Config) (train.Config, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return train.Config{}, err
	}
	return train.ParseConfig("configs/"+name, b, base)
}
