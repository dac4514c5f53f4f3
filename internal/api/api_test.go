package api

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// The document is valid OpenAPI 3.1 (kin-openapi's validator), and every
// operation's answer is a component that resolves.
func TestDocument(t *testing.T) {
	a := New(nil)
	doc, err := openapi3.NewLoader().LoadFromData(a.Document())
	if err != nil {
		t.Fatal(err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Fatalf("openapi %q, want 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("invalid OpenAPI document: %v", err)
	}
	if doc.Paths.Len() != len(a.ops) {
		t.Fatalf("%d paths for %d operations", doc.Paths.Len(), len(a.ops))
	}
	for _, o := range a.ops {
		op := doc.Paths.Find(o.path).Get
		if op == nil || op.OperationID != o.id {
			t.Fatalf("%s: no GET %s", o.path, o.id)
		}
		ok := op.Responses.Value("200").Value.Content.Get("application/json").Schema
		if ok == nil || ok.Value == nil || len(ok.Value.Properties) == 0 {
			t.Errorf("%s: the answer's schema does not resolve to an object with properties", o.path)
		}
		for _, p := range o.params {
			if op.Parameters.GetByInAndName(p.in, p.name) == nil {
				t.Errorf("%s: parameter %s missing", o.path, p.name)
			}
		}
	}
}

// The schema generator follows encoding/json: tags, omitempty, pointers and
// slices as nullable, embedded structs flattened, named structs as refs.
func TestSchemas(t *testing.T) {
	type inner struct {
		N int `json:"n"`
	}
	type Base struct {
		ID string `json:"id"`
	}
	type sample struct {
		Base
		Name   string            `json:"name"`
		Opt    string            `json:"opt,omitempty"`
		Ptr    *float64          `json:"ptr"`
		List   []int             `json:"list"`
		Map    map[string]bool   `json:"map"`
		Inner  inner             `json:"inner"`
		Hidden string            `json:"-"`
		Refs   []*inner          `json:"refs"`
		Raw    map[string]string `json:"raw,omitempty"`
	}
	sc := newSchemas()
	got := sc.object(reflect.TypeFor[sample]())
	b, _ := json.Marshal(got)
	want := `{"properties":{"id":{"type":"string"},"inner":{"$ref":"#/components/schemas/Apiinner"},"list":{"items":{"type":"integer"},"type":["array","null"]},"map":{"additionalProperties":{"type":"boolean"},"type":"object"},"name":{"type":"string"},"opt":{"type":"string"},"ptr":{"type":["number","null"]},"raw":{"additionalProperties":{"type":"string"},"type":"object"},"refs":{"items":{"anyOf":[{"$ref":"#/components/schemas/Apiinner"},{"type":"null"}]},"type":["array","null"]}},"required":["id","name","ptr","list","map","inner","refs"],"type":"object"}`
	if string(b) != want {
		t.Errorf("schema\n got %s\nwant %s", b, want)
	}
	if _, ok := sc.components["Apiinner"]; !ok {
		t.Error("named struct not registered as a component")
	}
}
