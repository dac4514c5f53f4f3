// Package apitest holds the golden files of data.police.uk's answers and
// checks Charter's answers against them, for the policeapi tests and the
// end-to-end tests over the demo data.
package apitest

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Golden holds real (and documented) data.police.uk answers; see
// golden/README.md for where each comes from.
//
//go:embed golden/*.json
var Golden embed.FS

// Records reads a golden file as a list of records.
func Records(name string) ([]map[string]any, error) {
	b, err := Golden.ReadFile("golden/" + name)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	return out, json.Unmarshal(b, &out)
}

// Shape is what a golden file's records look like: for each key, the JSON
// kinds its values take, and for objects the shape inside.
type Shape struct {
	Kinds  map[string]bool
	Fields map[string]*Shape
}

// kind is the JSON kind of a decoded value.
func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case float64, json.Number:
		return "number"
	case bool:
		return "bool"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// ShapeOf is the union of the shapes of records.
func ShapeOf(records []map[string]any) *Shape {
	s := &Shape{Kinds: map[string]bool{"object": true}, Fields: map[string]*Shape{}}
	for _, r := range records {
		s.add(r)
	}
	return s
}

func (s *Shape) add(v any) {
	k := kind(v)
	s.Kinds[k] = true
	obj, ok := v.(map[string]any)
	if !ok {
		return
	}
	if s.Fields == nil {
		s.Fields = map[string]*Shape{}
	}
	for key, fv := range obj {
		f := s.Fields[key]
		if f == nil {
			f = &Shape{Kinds: map[string]bool{}}
			s.Fields[key] = f
		}
		f.add(fv)
	}
}

// Check reports how a record differs from the shape: a key missing or
// extra, or a value of a kind the golden answers never give it. null is
// allowed where the golden answers show a scalar or an object, because
// data.police.uk gives null for any value a force left out (the golden files
// hold few such records), but never for the keys in notNull.
func (s *Shape) Check(v any, notNull ...string) []string {
	var out []string
	s.check("", v, &out)
	for _, k := range notNull {
		if obj, ok := v.(map[string]any); ok && obj[k] == nil {
			out = append(out, k+": null")
		}
	}
	return out
}

func (s *Shape) check(path string, v any, out *[]string) {
	k := kind(v)
	if !s.Kinds[k] && !(k == "null" && !s.Kinds["array"]) {
		*out = append(*out, fmt.Sprintf("%s: %s, want %s", orRoot(path), k, kinds(s.Kinds)))
		return
	}
	obj, ok := v.(map[string]any)
	if !ok || s.Fields == nil {
		return
	}
	for key, f := range s.Fields {
		fv, present := obj[key]
		if !present {
			*out = append(*out, fmt.Sprintf("%s: missing", join(path, key)))
			continue
		}
		f.check(join(path, key), fv, out)
	}
	for key := range obj {
		if s.Fields[key] == nil {
			*out = append(*out, fmt.Sprintf("%s: not in data.police.uk's answers", join(path, key)))
		}
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func orRoot(p string) string {
	if p == "" {
		return "record"
	}
	return p
}

func kinds(m map[string]bool) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, " or ")
}

// Canonical is a record as one comparable string (keys sorted), so that two
// answers can be compared as multisets of records whatever their order.
func Canonical(r map[string]any) string {
	b, _ := json.Marshal(r) // maps marshal with sorted keys
	return string(b)
}

// Diff compares two lists of records as multisets and describes up to three
// records in each that the other lacks; empty means equal.
func Diff(got, want []map[string]any) string {
	count := map[string]int{}
	for _, r := range want {
		count[Canonical(r)]++
	}
	var extra []string
	for _, r := range got {
		c := Canonical(r)
		if count[c] > 0 {
			count[c]--
			continue
		}
		extra = append(extra, c)
	}
	var missing []string
	for c, n := range count {
		for ; n > 0; n-- {
			missing = append(missing, c)
		}
	}
	if len(extra) == 0 && len(missing) == 0 {
		return ""
	}
	sort.Strings(extra)
	sort.Strings(missing)
	return fmt.Sprintf("%d records, want %d: %d unexpected (e.g. %s), %d missing (e.g. %s)",
		len(got), len(want), len(extra), first(extra), len(missing), first(missing))
}

func first(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	if len(s[0]) > 400 {
		return s[0][:400] + "…"
	}
	return s[0]
}
