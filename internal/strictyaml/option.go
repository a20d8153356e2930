package strictyaml

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Option is a named choice with a closed set of values: a string type whose Values method lists
// them. Types of the configuration (loss, readout, schedule, …) implement it and decode with
// DecodeOption, so that a misspelt choice is an error that says what would have been accepted.
type Option[T any] interface {
	~string
	Values() []T
}

// CheckOption returns an error naming field and the valid values unless v is one of them.
func CheckOption[T Option[T]](field string, v T) error {
	valid := v.Values()
	if slices.Contains(valid, v) {
		return nil
	}
	names := make([]string, len(valid))
	for i, s := range valid {
		names[i] = string(s)
	}
	return fmt.Errorf("%s: %q, want one of %s", field, string(v), strings.Join(names, ", "))
}

// DecodeOption decodes the YAML scalar node into *dst and checks it, naming the line on error.
// It is the body of an Option's UnmarshalYAML.
func DecodeOption[T Option[T]](node *yaml.Node, dst *T, field string) error {
	var s string
	if err := node.Decode(&s); err != nil {
		return err
	}
	if err := CheckOption(field, T(s)); err != nil {
		return fmt.Errorf("line %d: %w", node.Line, err)
	}
	*dst = T(s)
	return nil
}
