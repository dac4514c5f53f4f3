package api

import (
	"context"
	"encoding/json"
	"reflect"
	"regexp"
	"strconv"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/stopsearch/charter/internal/policeapi"
	"github.com/stopsearch/charter/internal/record"
	"github.com/stopsearch/charter/internal/storetest"
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
	police := policeapi.Endpoints()
	if doc.Paths.Len() != len(a.ops)+len(police) {
		t.Fatalf("%d paths for %d operations and %d data.police.uk endpoints", doc.Paths.Len(), len(a.ops), len(police))
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
	for _, e := range police {
		item := doc.Paths.Find(e.Path)
		if item == nil || item.Get == nil || item.Get.OperationID != e.ID {
			t.Fatalf("%s: no GET %s", e.Path, e.ID)
		}
		if (item.Post != nil) != e.Post {
			t.Errorf("%s: POST documented %v, answered %v", e.Path, item.Post != nil, e.Post)
		}
		ok := item.Get.Responses.Value("200").Value.Content.Get("application/json").Schema
		if ok == nil || ok.Value == nil {
			t.Errorf("%s: the answer's schema does not resolve", e.Path)
		}
		for _, p := range e.Params {
			if item.Get.Parameters.GetByInAndName(p.In, p.Name) == nil {
				t.Errorf("%s: parameter %s missing", e.Path, p.Name)
			}
		}
		for _, st := range e.Errors {
			if item.Get.Responses.Value(strconv.Itoa(st.Code)) == nil {
				t.Errorf("%s: status %d not documented", e.Path, st.Code)
			}
		}
	}
}

// swagger-ui (the docs page) warns about a jsonSchemaDialect other than
// OpenAPI 3.1's base dialect; the document leaves it out, so the base
// dialect applies. No words of the document name our files or sections.
func TestDocumentForReaders(t *testing.T) {
	withRecords := New(nil)
	withRecords.SetRecords(record.New(storetest.Open(t), record.Options{}))
	for _, raw := range [][]byte{New(nil).Document(), withRecords.Document()} {
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		if d, ok := doc["jsonSchemaDialect"]; ok && d != "https://spec.openapis.org/oas/3.1/dialect/base" {
			t.Errorf("jsonSchemaDialect %v: swagger-ui warns on any value but OpenAPI 3.1's base dialect", d)
		}
		for _, bad := range []string{`§`, `\.md\b`, `\.go\b`, `internal/`, `--[a-z]`} {
			if m := regexp.MustCompile(bad).Find(raw); m != nil {
				t.Errorf("the document says %q: its words must stand on their own", m)
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
