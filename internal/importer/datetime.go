package importer

import "time"

// parseDatetime reads the ISO 8601 date-times of police data. The common form,
// 2021-06-01T12:30:00+00:00, is parsed by hand: time.Parse is several times
// slower and this runs once per row of every import.
func parseDatetime(s string) (time.Time, bool) {
	if len(s) == 25 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' && s[16] == ':' && (s[19] == '+' || s[19] == '-') && s[22] == ':' {
		y, ok1 := digits(s[0:4])
		mo, ok2 := digits(s[5:7])
		d, ok3 := digits(s[8:10])
		h, ok4 := digits(s[11:13])
		mi, ok5 := digits(s[14:16])
		sec, ok6 := digits(s[17:19])
		oh, ok7 := digits(s[20:22])
		om, ok8 := digits(s[23:25])
		if ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7 && ok8 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo) && h < 24 && mi < 60 && sec < 60 && oh < 24 && om < 60 {
			off := time.Duration(oh)*time.Hour + time.Duration(om)*time.Minute
			if s[19] == '-' {
				off = -off
			}
			return time.Date(y, time.Month(mo), d, h, mi, sec, 0, time.UTC).Add(-off), true
		}
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
