package charter

import (
	"strings"
	"testing"
)

func TestForceBoroughs(t *testing.T) {
	met, ok := ForceBoroughs("metropolitan")
	if !ok || len(met) != 32 || met[0] != "E09000002" || met[31] != "E09000033" {
		t.Errorf("metropolitan: %v %v", ok, met)
	}
	for _, c := range met {
		if c == "E09000001" {
			t.Error("the City is not in the Metropolitan Police area")
		}
	}
	if c, ok := ForceBoroughs("city-of-london"); !ok || len(c) != 1 || c[0] != "E09000001" {
		t.Errorf("city-of-london: %v %v", ok, c)
	}
	if c, ok := ForceBoroughs("kent"); ok || c != nil {
		t.Errorf("kent is not mapped yet: %v %v", ok, c)
	}
}

// Every London borough is found by its name as the London Datastore writes
// it, whatever the case, spacing or "&" for "and"; other units are not.
func TestLondonBoroughCode(t *testing.T) {
	if len(LondonBoroughs) != 33 {
		t.Fatalf("%d London boroughs", len(LondonBoroughs))
	}
	for _, b := range LondonBoroughs {
		for _, name := range []string{b.Name, strings.ToUpper(b.Name), "  " + strings.ReplaceAll(b.Name, " and ", " & ") + " "} {
			if code, ok := LondonBoroughCode(name); !ok || code != b.Code {
				t.Errorf("%q: %q %v, want %s", name, code, ok, b.Code)
			}
		}
	}
	if code, ok := LondonBoroughCode("Barking & Dagenham"); !ok || code != "E09000002" {
		t.Errorf("Barking & Dagenham: %q %v", code, ok)
	}
	for _, name := range []string{"London Heathrow and London City Airports", "", "Kingston"} {
		if code, ok := LondonBoroughCode(name); ok {
			t.Errorf("%q is taken for borough %s", name, code)
		}
	}
}
