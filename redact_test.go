package charter

import (
	"strings"
	"testing"
	"unicode"
)

func TestRedact(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain grounds kept", "Strong smell of cannabis from his jacket.", "Strong smell of cannabis from his jacket."},
		{"numbers", "Seen with 3 others at 22:15 near number 41", "Seen with [number] others at [number] near number [number]"},
		{"collar number", "Stopped by PC 1234AB after a call", "Stopped by PC [number] after a call"},
		{"registration current", "Driving AB12 CDE on the high street", "Driving [registration] on the high street"},
		{"registration unspaced", "vehicle ab12cde seen twice", "vehicle [registration] seen twice"},
		{"registration prefix", "car A123 BCD parked", "car [registration] parked"},
		{"phone", "called 020 7946 0018 and then +44 7700 900123", "called [phone] and then [phone]"},
		{"email", "sent to jo.bloggs@example.org today", "sent to [email] today"},
		{"postcode", "address in SW9 8AB was given", "address in [postcode] was given"},
		{"outward postcode", "near SW9 station", "near [number] station"},
		{"title and name", "Mr Smith said he had a knife.", "Mr [name] said he had a knife."},
		{"title with dot", "Spoke to Mrs. Jones outside.", "Spoke to Mrs. [name] outside."},
		{"title lowercase name", "told by officer smith to stop", "told by officer [name] to stop"},
		{"name mid sentence", "Intelligence that Jordan carries a blade.", "Intelligence that [name] carries a blade."},
		{"full name at sentence start", "John Smith ran when he saw us.", "[name] [name] ran when he saw us."},
		{"place mid sentence", "Seen on Coldharbour Lane passing a bag.", "Seen on [name] [name] passing a bag."},
		{"sentence starts kept", "He ran. She stayed. They left!", "He ran. She stayed. They left!"},
		{"kept acronyms", "BWV was on. Drugs found under the Misuse of Drugs Act.", "BWV was on. Drugs found under the Misuse of Drugs Act."},
		{"link", "see https://example.org/x for the clip", "see [link] for the clip"},
		{"new line starts a sentence", "first line\nSecond line", "first line\nSecond line"},
		{"name after quote", `he said "Dan gave it to me"`, `he said "[name] gave it to me"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Redact(tt.in); got != tt.want {
				t.Errorf("Redact(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestRedactLeavesNoDigits: whatever the text, no digit survives.
func TestRedactLeavesNoDigits(t *testing.T) {
	for _, in := range []string{"a1", "1", "x-2-y", "£50", "50%", "4th", "2024-05-01", "07700900123", "(0)20 1234", "٣٤ and ½"} {
		if got := Redact(in); strings.ContainsFunc(got, unicode.IsNumber) {
			t.Errorf("Redact(%q) = %q keeps a digit", in, got)
		}
	}
}

// FuzzRedact: whatever the text, Redact keeps no digit and no e-mail
// address, and redacting twice changes nothing more.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{"Mr Smith at 12 Acre Lane", "jo@example.org", "AB12 CDE", "+44 (0)20 7946 0018", "Ünïcode Name here"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Redact(in)
		if strings.ContainsFunc(out, unicode.IsNumber) {
			t.Errorf("Redact(%q) = %q keeps a digit", in, out)
		}
		if redactions[1].re.MatchString(out) {
			t.Errorf("Redact(%q) = %q keeps an e-mail address", in, out)
		}
		if again := Redact(out); again != out {
			t.Errorf("Redact is not stable: %q then %q", out, again)
		}
	})
}
