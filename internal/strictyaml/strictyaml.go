// Package strictyaml decodes the project's YAML files (configurations, recipes) the one way they
// are all read: over the values already in the destination, so that absent keys keep their
// defaults, with unknown keys rejected, so that a misspelt setting is an error rather than
// silently ignored; and encodes them back, every field spelled out.
package strictyaml

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"go.yaml.in/yaml/v4"
)

// Decode decodes the YAML document b into v (a pointer whose current values are the defaults).
// An empty document leaves v unchanged. Errors start with name, the file's path; every unknown
// key is reported at once, with its line, the keys valid there and the nearest one (Keys).
func Decode(name string, b []byte, v any) error {
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if problems, _ := Keys(&root, v); len(problems) > 0 {
		errs := make([]error, len(problems))
		for i, p := range problems {
			errs[i] = fmt.Errorf("%s: %w", name, p)
		}
		return errors.Join(errs...)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// Encode returns v as YAML indented by two spaces.
func Encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
