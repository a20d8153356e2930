package npy

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// maxLiteralDepth bounds the nesting of a .npy header. Real headers nest at most a few levels
// (a structured dtype's list of tuples); the bound keeps a corrupt header from exhausting the
// stack.
const maxLiteralDepth = 16

// parsePyLiteral parses the Python literal of a .npy header: dicts (map[string]any), tuples
// and lists ([]any), strings, integers (int64, with Python 2's optional L suffix), True, False
// and None (nil). Nothing is evaluated.
func parsePyLiteral(s string) (any, error) {
	p := &pyParser{s: s}
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.s) {
		return nil, p.errorf("unexpected %q after the value", p.rest())
	}
	return v, nil
}

type pyParser struct {
	s string
	i int
}

func (p *pyParser) errorf(format string, args ...any) error {
	return fmt.Errorf("header dictionary, offset %d: %s", p.i, fmt.Sprintf(format, args...))
}

// rest returns a short excerpt of the unparsed text, for error messages.
func (p *pyParser) rest() string {
	r := p.s[p.i:]
	if len(r) > 20 {
		r = r[:20] + "..."
	}
	return r
}

func (p *pyParser) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *pyParser) value(depth int) (any, error) {
	if depth > maxLiteralDepth {
		return nil, p.errorf("nested more than %d levels", maxLiteralDepth)
	}
	p.space()
	if p.i >= len(p.s) {
		return nil, p.errorf("ends where a value should be")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.dict(depth)
	case c == '(':
		return p.sequence(depth, ')')
	case c == '[':
		return p.sequence(depth, ']')
	case c == '\'' || c == '"':
		return p.str()
	case c == '-' || c == '+' || ('0' <= c && c <= '9'):
		return p.integer()
	case 'A' <= c && c <= 'Z':
		return p.ident()
	default:
		return nil, p.errorf("unexpected %q", p.rest())
	}
}

func (p *pyParser) dict(depth int) (any, error) {
	p.i++ // {
	m := map[string]any{}
	for {
		p.space()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return m, nil
		}
		k, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		key, ok := k.(string)
		if !ok {
			return nil, p.errorf("dictionary key %v is not a string", k)
		}
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, p.errorf("want ':' after key %q", key)
		}
		p.i++
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		m[key] = v
		if err := p.separator('}'); err != nil {
			return nil, err
		}
	}
}

func (p *pyParser) sequence(depth int, end byte) (any, error) {
	p.i++ // ( or [
	items := []any{}
	for {
		p.space()
		if p.i < len(p.s) && p.s[p.i] == end {
			p.i++
			return items, nil
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		items = append(items, v)
		if err := p.separator(end); err != nil {
			return nil, err
		}
	}
}

// separator consumes the ',' between items, or leaves the closing bracket for the caller.
func (p *pyParser) separator(end byte) error {
	p.space()
	switch {
	case p.i >= len(p.s):
		return p.errorf("ends before %q", end)
	case p.s[p.i] == ',':
		p.i++
		return nil
	case p.s[p.i] == end:
		return nil
	default:
		return p.errorf("want ',' or %q, found %q", end, p.rest())
	}
}

func (p *pyParser) str() (any, error) {
	quote := p.s[p.i]
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == quote:
			p.i++
			return b.String(), nil
		case c == '\\':
			if err := p.escape(&b); err != nil {
				return nil, err
			}
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	return nil, p.errorf("unterminated string")
}

// escape decodes one backslash escape. Unknown escapes stay as written, as in Python.
func (p *pyParser) escape(b *strings.Builder) error {
	if p.i+1 >= len(p.s) {
		return p.errorf("unterminated string")
	}
	c := p.s[p.i+1]
	p.i += 2
	switch c {
	case '\\', '\'', '"':
		b.WriteByte(c)
	case 'n':
		b.WriteByte('\n')
	case 't':
		b.WriteByte('\t')
	case 'r':
		b.WriteByte('\r')
	case 'x', 'u':
		n := 2
		if c == 'u' {
			n = 4
		}
		if p.i+n > len(p.s) {
			return p.errorf("short \\%c escape", c)
		}
		v, err := strconv.ParseUint(p.s[p.i:p.i+n], 16, 32)
		if err != nil {
			return p.errorf("bad \\%c escape %q", c, p.s[p.i:p.i+n])
		}
		b.WriteRune(rune(v))
		p.i += n
	default:
		b.WriteByte('\\')
		b.WriteByte(c)
	}
	return nil
}

func (p *pyParser) integer() (any, error) {
	start := p.i
	if p.s[p.i] == '-' || p.s[p.i] == '+' {
		p.i++
	}
	for p.i < len(p.s) && '0' <= p.s[p.i] && p.s[p.i] <= '9' {
		p.i++
	}
	text := p.s[start:p.i]
	if p.i < len(p.s) && (p.s[p.i] == 'L' || p.s[p.i] == 'l') {
		p.i++ // Python 2 long, as old NumPy wrote shapes
	}
	v, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		p.i = start
		if errors.Is(err, strconv.ErrRange) {
			return nil, p.errorf("integer %s out of range", text)
		}
		return nil, p.errorf("bad number %q", p.rest())
	}
	return v, nil
}

func (p *pyParser) ident() (any, error) {
	start := p.i
	for p.i < len(p.s) && isIdentByte(p.s[p.i]) {
		p.i++
	}
	switch w := p.s[start:p.i]; w {
	case "True":
		return true, nil
	case "False":
		return false, nil
	case "None":
		return nil, nil
	default:
		p.i = start
		return nil, p.errorf("unknown name %q", w)
	}
}

func isIdentByte(c byte) bool {
	return c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}
