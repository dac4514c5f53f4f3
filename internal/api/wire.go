package api

// The /api/v1 figures are answered in wire types (wire_*.go), not in the
// report structs: a report can change its fields for the pages and the CLI
// while the JSON clients read stays as it was. The golden answers under
// testdata/golden hold that shape; each wire type is named after the
// component it was documented as (componentName drops the "wire" prefix), so
// the OpenAPI document does not change either.

// each converts a list, keeping nil as nil so that an absent list is still
// null on the wire rather than [].
func each[T, W any](in []T, f func(T) W) []W {
	if in == nil {
		return nil
	}
	out := make([]W, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

// ptrTo converts what p points to, keeping nil as nil (null on the wire).
func ptrTo[T, W any](p *T, f func(T) W) *W {
	if p == nil {
		return nil
	}
	w := f(*p)
	return &w
}

// wired is the answer of an operation from a figure and its error: the
// figure converted by toWire, the one place a report meets the wire.
func wired[T, W any](v *T, err error, toWire func(T) W) (any, error) {
	if err != nil {
		return nil, err
	}
	return ptrTo(v, toWire), nil
}
