// Package api is Charter's own JSON API under /api/v1/: every aggregate the
// public pages show, the same numbers from the same code (internal/public).
// It serves the OpenAPI 3.1 document of both of Charter's APIs at
// /api/openapi.json (this one and the data.police.uk-compatible one, which
// describes its endpoints in internal/policeapi) and a docs page at
// /api/docs served from the binary (swagger-ui, vendored).
package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/httpx"
	"github.com/stopsearch/charter/internal/policeapi"
	"github.com/stopsearch/charter/internal/public"
	"github.com/stopsearch/charter/internal/record"
)

// Period is the default period of the public figures.
type Period struct {
	Force string `json:"force"`
	From  string `json:"from"`
	To    string `json:"to"`
	Rule  string `json:"rule"`
}

// param is a query or path parameter of an operation.
type param struct {
	name, in, desc string
	required       bool
	many           bool
}

// op is one operation: its route, its documentation and its handler.
type op struct {
	id, path, summary, desc string
	params                  []param
	answer                  reflect.Type
	run                     func(ctx context.Context, r *http.Request, fl public.Filter) (any, error)
}

// filterParams are the filters every aggregate takes.
var filterParams = []param{
	{name: "from", in: "query", desc: "first month, YYYY-MM (with to; both empty: the default period, see /api/v1/period)"},
	{name: "to", in: "query", desc: "last month, YYYY-MM"},
	{name: "legislation", in: "query", desc: "only searches under this legislation, as published (repeatable)", many: true},
	{name: "object", in: "query", desc: "only searches for this object, as published (repeatable)", many: true},
}

// API serves the operations.
type API struct {
	fig *public.Figures
	ops []op

	rec *record.Service // nil: no encounter (SetRecords)
	enc []encOp
	acc Accountability // the accountability workflows (SetAccountability)

	docOnce sync.Once
	doc     []byte
}

// New returns the API over the figures.
func New(fig *public.Figures) *API {
	a := &API{fig: fig}
	code := param{name: "code", in: "path", required: true, desc: "a force id (metropolitan), a borough (E09…) or ward (E05…) GSS code"}
	a.ops = []op{
		{id: "getProfile", path: "/api/v1/areas/{code}/profile", summary: "Profile of an area",
			desc:   "Volume and trend; searches by ethnic group, age, gender, legislation, object and outcome; arrest, find and strip-search shares; disproportionality with intervals; the sub-areas; weapon-enabled crime; the data-quality flags of the months under it. What the force, borough and ward pages show.",
			params: append([]param{code}, filterParams...), answer: reflect.TypeFor[wireProfile](),
			run: func(ctx context.Context, r *http.Request, fl public.Filter) (any, error) {
				v, err := a.fig.Profile(ctx, r.PathValue("code"), fl)
				return wired(v, err, profileWire)
			}},
		{id: "getWard", path: "/api/v1/wards/{code}", summary: "Ward view",
			desc:   "A ward's profile beside its borough's and the force area's, the comparison table, and the ward's place in the force-wide weapon-crime hotspot ranking with how precise the searching there is. What the ward page shows.",
			params: append([]param{{name: "code", in: "path", required: true, desc: "a ward GSS code (E05…)"}}, filterParams...), answer: reflect.TypeFor[wirePublicWardView](),
			run: func(ctx context.Context, r *http.Request, fl public.Filter) (any, error) {
				v, err := a.fig.Ward(ctx, r.PathValue("code"), fl)
				return wired(v, err, wardWire)
			}},
		{id: "getPrecision", path: "/api/v1/precision", summary: "Precision of searching across the force area's wards",
			desc:   "Where weapon-enabled crime is concentrated, what share of (weapon) searches is made there, the score by month, and every ward ranked. How each figure is computed: the methodology page, /methodology#s8.",
			params: filterParams, answer: reflect.TypeFor[wirePrecision](),
			run: func(ctx context.Context, r *http.Request, fl public.Filter) (any, error) {
				v, err := a.fig.Precision(ctx, fl)
				return wired(v, err, precisionWire)
			}},
		{id: "getFilters", path: "/api/v1/filters", summary: "Filter choices",
			desc: "Every legislation and object of search in the data, and the months with stops.", answer: reflect.TypeFor[wirePublicOptions](),
			run: func(ctx context.Context, r *http.Request, fl public.Filter) (any, error) {
				v, err := a.fig.FilterOptions(ctx)
				return wired(v, err, optionsWire)
			}},
		{id: "getPeriod", path: "/api/v1/period", summary: "The default period",
			desc: "The period the pages and the API use when none is given.", answer: reflect.TypeFor[Period](),
			run: func(ctx context.Context, r *http.Request, fl public.Filter) (any, error) {
				from, to, err := a.fig.Period(ctx)
				if err != nil {
					return nil, err
				}
				return Period{Force: a.fig.Force, From: from.String(), To: to.String(),
					Rule: "the latest 12 consecutive months of the force with no month missing or of low volume"}, nil
			}},
	}
	return a
}

// Assets is what the docs page needs of the static files.
type Assets interface{ URL(path string) string }

// Register adds the operations, the OpenAPI document and the docs page.
func (a *API) Register(mux *http.ServeMux, assets Assets) {
	for _, o := range a.ops {
		mux.HandleFunc("GET "+o.path, a.handle(o))
	}
	a.registerEncounter(mux)
	mux.HandleFunc("GET /api/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(a.Document())
	})
	mux.HandleFunc("GET /api/docs", func(w http.ResponseWriter, r *http.Request) { docsPage(w, assets) })
	mux.HandleFunc("GET /api/v1/", func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteError(w, charter.Errorf(charter.ENOTFOUND, "no operation %s: see /api/openapi.json", r.URL.Path))
	})
}

func (a *API) handle(o op) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		fl, err := public.ParseFilter(r.URL.Query())
		if err == nil {
			fl, err = a.fig.Resolve(ctx, fl)
		}
		var v any
		if err == nil {
			v, err = o.run(ctx, r, fl)
		}
		if err != nil {
			httpx.WriteError(w, err)
			return
		}
		httpx.WriteJSON(w, http.StatusOK, v)
	}
}

// Charter's own operations are grouped under this tag in the document.
const tagCharter = "Charter"

// Document is the OpenAPI 3.1 description of both APIs: Charter's own
// operations and the data.police.uk-compatible endpoints.
func (a *API) Document() []byte {
	a.docOnce.Do(func() {
		sc := newSchemas()
		paths := map[string]any{}
		problem := sc.ref(reflect.TypeFor[httpx.Problem]())
		errAnswer := func(d string) map[string]any {
			return map[string]any{"description": d, "content": map[string]any{"application/problem+json": map[string]any{"schema": problem}}}
		}
		for _, o := range a.ops {
			params := paramDocs(o.params)
			paths[o.path] = map[string]any{"get": map[string]any{
				"operationId": o.id, "summary": o.summary, "description": o.desc, "parameters": params,
				"tags": []any{tagCharter},
				"responses": map[string]any{
					"200": map[string]any{"description": "OK", "content": map[string]any{"application/json": map[string]any{"schema": sc.ref(o.answer)}}},
					"400": errAnswer("a parameter is wrong; detail says which"),
					"404": errAnswer("no such area"),
					"429": tooMany,
				},
			}}
		}
		for _, e := range policeapi.Endpoints() {
			paths[e.Path] = policeItem(sc, e)
		}
		tags := []any{map[string]any{"name": tagCharter, "description": "Charter's own API: the figures of the public pages, with their intervals and data-quality flags."}}
		components := map[string]any{"schemas": sc.components}
		if len(a.enc) > 0 {
			for _, o := range a.enc {
				item, _ := paths[o.path].(map[string]any)
				if item == nil {
					item = map[string]any{}
					paths[o.path] = item
				}
				item[strings.ToLower(o.method)] = encOperation(sc, o, errAnswer)
			}
			sc.annotate(componentName(reflect.TypeFor[charter.Record]()), recordDocs(), recordReadOnly...)
			tags = append(tags, map[string]any{"name": tagEncounter, "description": tagEncounterDesc})
			components["securitySchemes"] = securitySchemes
		}
		for _, t := range policeapi.Tags {
			tags = append(tags, map[string]any{"name": t.Name, "description": t.Description})
		}
		// No jsonSchemaDialect: left out, it is OpenAPI 3.1's own base
		// dialect (JSON Schema 2020-12 with OpenAPI's vocabulary), which the
		// schemas here keep to; swagger-ui warns on any other value.
		doc := map[string]any{
			"openapi": "3.1.0",
			"info": map[string]any{
				"title":   "Charter API",
				"version": charter.Version,
				"description": "Two APIs. Charter's own, under /api/v1/, gives the aggregates of Charter's public pages: stop and search rates with confidence intervals, disproportionality, outcomes, precision and weapon-enabled crime, with the data-quality flags under each; the methodology page (/methodology) explains every figure. " +
					"The data.police.uk-compatible API answers every method of https://data.police.uk/api/ with its paths, parameters, shapes and statuses, from the records Charter has imported, so that tools written for data.police.uk work by changing only their base URL. " +
					"Its errors, as data.police.uk's, have a status and no body; the reason is in the " + policeapi.ErrorHeader + " header.",
				"license": map[string]any{"name": "Open Government Licence v3.0 (data)", "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"},
			},
			"tags":       tags,
			"paths":      paths,
			"components": components,
		}
		if len(a.enc) > 0 {
			info := doc["info"].(map[string]any)
			info["description"] = info["description"].(string) + " Under the tag " + tagEncounter + ", Charter's own API also takes the officers' records of searches, from handsets signed in with a device token (Authorization: Bearer), and the s60/s47A authorisations; their errors are problem documents naming every bad field."
		}
		a.doc, _ = json.MarshalIndent(doc, "", "  ")
	})
	return a.doc
}

// paramDocs are the parameter objects of params.
func paramDocs(params []param) []any {
	var out []any
	for _, p := range params {
		schema := map[string]any{"type": "string"}
		if p.many {
			schema = map[string]any{"type": "array", "items": map[string]any{"type": "string"}}
		}
		pm := map[string]any{"name": p.name, "in": p.in, "description": p.desc, "required": p.required, "schema": schema}
		if p.many {
			pm["explode"] = true
			pm["style"] = "form"
		}
		out = append(out, pm)
	}
	return out
}

// tooMany is the answer of the rate limit.
var tooMany = map[string]any{"description": "too many requests from this address (15 a second, bursts of 30, as data.police.uk)"}

// policeItem is the path item of a data.police.uk-compatible endpoint: a
// GET, and a POST taking the same parameters as a form where the endpoint
// takes one.
func policeItem(sc *schemas, e policeapi.Endpoint) map[string]any {
	var params []any
	form := map[string]any{}
	var formRequired []any
	for _, p := range e.Params {
		params = append(params, map[string]any{"name": p.Name, "in": p.In, "description": p.Description, "required": p.Required,
			"schema": map[string]any{"type": "string"}})
		if p.In == "query" {
			form[p.Name] = map[string]any{"type": "string", "description": p.Description}
			if p.Required {
				formRequired = append(formRequired, p.Name)
			}
		}
	}
	answer := sc.ref(e.Answer)
	if e.Answer.Kind() == reflect.Slice {
		// A list answer is never null: [] when nothing matches.
		answer = map[string]any{"type": "array", "items": sc.ref(e.Answer.Elem())}
	}
	responses := map[string]any{
		"200": map[string]any{"description": "OK", "content": map[string]any{"application/json": map[string]any{"schema": answer}}},
		"429": tooMany,
	}
	for _, st := range e.Errors {
		when := st.When
		if prev, ok := responses[fmt.Sprint(st.Code)].(map[string]any); ok {
			when = prev["description"].(string) + "; " + when
		}
		responses[fmt.Sprint(st.Code)] = map[string]any{"description": when + " (no body)",
			"headers": map[string]any{policeapi.ErrorHeader: map[string]any{"description": "why", "schema": map[string]any{"type": "string"}}}}
	}
	op := func(id string) map[string]any {
		o := map[string]any{"operationId": id, "summary": e.Summary, "description": e.Description,
			"tags": []any{e.Tag}, "responses": responses}
		if len(params) > 0 {
			o["parameters"] = params
		}
		return o
	}
	item := map[string]any{"get": op(e.ID)}
	if e.Post {
		post := op(e.ID + "Post")
		var pathParams []any
		for _, p := range params {
			if p.(map[string]any)["in"] == "path" {
				pathParams = append(pathParams, p)
			}
		}
		delete(post, "parameters")
		if len(pathParams) > 0 {
			post["parameters"] = pathParams
		}
		schema := map[string]any{"type": "object", "properties": form}
		if len(formRequired) > 0 {
			schema["required"] = formRequired
		}
		post["description"] = e.Description + " The parameters are sent as a form, for a polygon too long for a URL."
		post["requestBody"] = map[string]any{"required": true,
			"content": map[string]any{"application/x-www-form-urlencoded": map[string]any{"schema": schema}}}
		item["post"] = post
	}
	return item
}

// docsPage is swagger-ui over /api/openapi.json, from the vendored files
// (no CDN); the start-up script is a file, as the content security policy
// allows no inline script.
func docsPage(w http.ResponseWriter, assets Assets) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(`<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Charter API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="` + assets.URL("vendor/swagger-ui.css") + `">
</head><body>
<main id="main"><h1 class="visually-hidden">Charter API</h1><p><a href="/">Back to Charter</a> · <a href="/api/openapi.json">OpenAPI 3.1 document</a></p><div id="swagger-ui" data-url="/api/openapi.json"></div></main>
<script src="` + assets.URL("vendor/swagger-ui-bundle.js") + `"></script>
<script src="` + assets.URL("js/api-docs.js") + `"></script>
</body></html>`))
}
