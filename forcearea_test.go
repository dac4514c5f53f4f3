package charter

import "testing"

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
