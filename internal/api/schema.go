package api

import (
	"reflect"
	"strings"
	"time"
)

// schemas builds JSON Schema 2020-12 (the dialect of OpenAPI 3.1) for the Go
// types the API answers with, from their json tags: the document cannot
// drift from the answers because both come from the same structs. Named
// structs become components referenced by $ref; pointers and slices may be
// null (encoding/json writes nil as null); `omitempty` fields are optional.
type schemas struct {
	components map[string]any
}

func newSchemas() *schemas { return &schemas{components: map[string]any{}} }

// ref returns the schema of t, registering named structs as components.
func (s *schemas) ref(t reflect.Type) map[string]any {
	if t == reflect.TypeFor[time.Time]() {
		// encoding/json writes a time as RFC 3339 text.
		return map[string]any{"type": "string", "format": "date-time"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return nullable(s.ref(t.Elem()))
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string"}
		}
		return map[string]any{"type": []any{"array", "null"}, "items": s.ref(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": s.ref(t.Elem())}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Struct:
		name := t.Name()
		if name == "" {
			return s.object(t)
		}
		name = componentName(t)
		if _, ok := s.components[name]; !ok {
			s.components[name] = map[string]any{} // placeholder: recursive types terminate
			s.components[name] = s.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	case reflect.Interface:
		return map[string]any{}
	}
	return map[string]any{}
}

// componentName qualifies a type by its package where two packages could
// share a name (report.Proportion, public.Measure …).
func componentName(t reflect.Type) string {
	pkg := t.PkgPath()
	if i := strings.LastIndex(pkg, "/"); i >= 0 {
		pkg = pkg[i+1:]
	}
	if name, ok := strings.CutPrefix(t.Name(), "wire"); ok && pkg == "api" {
		// A wire type is documented under the name clients have always
		// seen (wire.go).
		return name
	}
	switch pkg {
	case "report", "":
		return t.Name()
	case "policeapi":
		// The data.police.uk-compatible API's shapes.
		return "PoliceUK" + t.Name()
	}
	return strings.ToUpper(pkg[:1]) + pkg[1:] + t.Name()
}

// object is the schema of a struct's JSON fields, embedded structs flattened.
func (s *schemas) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" || !f.IsExported() && !f.Anonymous {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
				walk(f.Type)
				continue
			}
			if name == "" {
				name = f.Name
			}
			props[name] = s.ref(f.Type)
			if !strings.Contains(opts, "omitempty") {
				required = append(required, name)
			}
		}
	}
	walk(t)
	out := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

// nullable lets a schema be null too.
func nullable(sc map[string]any) map[string]any {
	if r, ok := sc["$ref"]; ok {
		return map[string]any{"anyOf": []any{map[string]any{"$ref": r}, map[string]any{"type": "null"}}}
	}
	out := map[string]any{}
	for k, v := range sc {
		out[k] = v
	}
	switch t := sc["type"].(type) {
	case string:
		out["type"] = []any{t, "null"}
	case []any:
		if !containsNull(t) {
			out["type"] = append(append([]any{}, t...), "null")
		}
	}
	return out
}

func containsNull(ts []any) bool {
	for _, t := range ts {
		if t == "null" {
			return true
		}
	}
	return false
}

// annotate gives the properties of component name their descriptions and
// marks those the server sets as read-only (sent back, ignored when sent).
func (s *schemas) annotate(name string, docs map[string]string, readOnly ...string) {
	c, _ := s.components[name].(map[string]any)
	props, _ := c["properties"].(map[string]any)
	for field, d := range docs {
		if p, ok := props[field].(map[string]any); ok {
			p["description"] = d
		}
	}
	for _, field := range readOnly {
		if p, ok := props[field].(map[string]any); ok {
			p["readOnly"] = true
		}
	}
}
