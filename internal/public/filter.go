package public

import (
	"net/url"
	"strings"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/index"
)

// Filter is what a page or API call narrows the figures to.
type Filter struct {
	From, To    charter.Month
	Legislation []string
	Object      []string
}

// Where is the filter's index conditions.
func (fl Filter) Where() []index.Cond {
	var w []index.Cond
	if len(fl.Legislation) > 0 {
		w = append(w, index.Cond{Dim: index.DimLegislation, Values: fl.Legislation})
	}
	if len(fl.Object) > 0 {
		w = append(w, index.Cond{Dim: index.DimObject, Values: fl.Object})
	}
	return w
}

// Key is a stable spelling of the filter for cache keys.
func (fl Filter) Key() string {
	return fl.From.String() + "|" + fl.To.String() + "|" + strings.Join(fl.Legislation, ",") + "|" + strings.Join(fl.Object, ",")
}

// ParseFilter reads the page (and API) filters from a query: from and to
// (YYYY-MM), and any number of legislation and object values, as published.
// Empty values are ignored so that a form's "any" choice sends nothing.
func ParseFilter(q url.Values) (Filter, error) {
	var fl Filter
	for _, m := range []struct {
		key string
		to  *charter.Month
	}{{"from", &fl.From}, {"to", &fl.To}} {
		v := strings.TrimSpace(q.Get(m.key))
		if v == "" {
			continue
		}
		mo, err := charter.ParseMonth(v)
		if err != nil {
			return fl, charter.Errorf(charter.EINVALID, "%s: month %q is not YYYY-MM", m.key, v)
		}
		*m.to = mo
	}
	if fl.From != 0 && fl.To != 0 && fl.From > fl.To {
		return fl, charter.Errorf(charter.EINVALID, "from %s is after to %s", fl.From, fl.To)
	}
	if (fl.From == 0) != (fl.To == 0) {
		return fl, charter.Errorf(charter.EINVALID, "give both from and to, or neither for the default period")
	}
	for _, v := range q["legislation"] {
		if v = strings.TrimSpace(v); v != "" {
			fl.Legislation = append(fl.Legislation, v)
		}
	}
	for _, v := range q["object"] {
		if v = strings.TrimSpace(v); v != "" {
			fl.Object = append(fl.Object, v)
		}
	}
	return fl, nil
}

// Encode writes a filter back as a query string (without "?").
func Encode(fl Filter) string {
	v := url.Values{}
	if fl.From != 0 {
		v.Set("from", fl.From.String())
		v.Set("to", fl.To.String())
	}
	for _, l := range fl.Legislation {
		v.Add("legislation", l)
	}
	for _, o := range fl.Object {
		v.Add("object", o)
	}
	return v.Encode()
}
