package record

import (
	"context"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/stats"
)

// Share is a count out of a total with its 95% Wilson interval.
type Share struct {
	Count, Of int
	stats.Estimate
}

func share(count, of int) Share {
	return Share{Count: count, Of: of, Estimate: stats.WilsonProportion(count, of, 0.95)}
}

// MonthFigures are one month of a force's first-hand records, as those
// who may see internal figures see them before the month is published.
type MonthFigures struct {
	Month    charter.Month
	Searches int
	// Of the searches: arrests, outcomes linked to the object, more than
	// outer clothing removed, force used, body-worn video recording.
	Arrests, Linked, Removal, Force, Video Share
	// The confirmations of procedural justice: GOWISELY given, grounds
	// explained, the person listened to, de-briefed.
	Gowisely, Explained, Listened, Debriefed Share
	// ByGroup counts searches by the self-defined ethnic group (the five
	// groups, then not stated).
	ByGroup []GroupCount
}

// GroupCount is searches of one ethnic group.
type GroupCount struct {
	Group    string
	Searches int
}

// Internal is the force's first-hand records month by month, at once,
// without waiting for publication: figures for supervisors and analysts
// (internal figures). They are aggregates, yet drawn from records not yet
// public, so each view is audited.
func (s *Service) Internal(ctx context.Context, u *charter.User) ([]MonthFigures, error) {
	if !u.Can(charter.PermFiguresInternal) || u.Force == "" {
		return nil, forbidden("internal figures are for supervisors and analysts of a force")
	}
	months, err := s.st.RecordMonths(ctx)
	if err != nil {
		return nil, err
	}
	var out []MonthFigures
	for _, m := range months {
		if m.Force != u.Force {
			continue
		}
		recs, err := s.st.RecordsOfMonth(ctx, m.Force, m.Month)
		if err != nil {
			return nil, err
		}
		out = append(out, monthFigures(m.Month, recs))
	}
	// Newest first, as the page reads.
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	if err := s.st.Audit(ctx, charter.AuditEvent{ActorID: u.ID, Actor: u.Name, Action: "figures.internal.read", Subject: "force:" + u.Force}); err != nil {
		return nil, err
	}
	return out, nil
}

func monthFigures(m charter.Month, recs []charter.Record) MonthFigures {
	f := MonthFigures{Month: m, Searches: len(recs)}
	var arrests, linked, removal, force, video, gow, expl, list, deb int
	groups := map[charter.EthnicGroup]int{}
	yes := func(b *bool) bool { return b != nil && *b }
	for _, r := range recs {
		if o, ok := charter.LookupOutcome(r.Outcome); ok && o.Arrest {
			arrests++
		}
		for _, c := range []struct {
			n  *int
			on bool
		}{{&linked, yes(r.OutcomeLinkedToObjectOfSearch)}, {&removal, yes(r.RemovalOfMoreThanOuterClothing)},
			{&force, yes(r.UseOfForce)}, {&video, yes(r.BodyWornVideo)}, {&gow, r.Gowisely}, {&expl, r.GroundsExplained},
			{&list, r.Listened}, {&deb, r.Debriefed}} {
			if c.on {
				*c.n++
			}
		}
		e, _ := charter.LookupSelfDefined(r.SelfDefinedEthnicity)
		groups[e.Group]++
	}
	n := len(recs)
	f.Arrests, f.Linked, f.Removal, f.Force, f.Video = share(arrests, n), share(linked, n), share(removal, n), share(force, n), share(video, n)
	f.Gowisely, f.Explained, f.Listened, f.Debriefed = share(gow, n), share(expl, n), share(list, n), share(deb, n)
	for _, g := range append(append([]charter.EthnicGroup{}, charter.EthnicGroups...), charter.GroupNotStated, charter.GroupUnknown) {
		name := g.String()
		if g == charter.GroupUnknown {
			name = "Vehicle searches (no person)"
		}
		if groups[g] > 0 || g != charter.GroupUnknown {
			f.ByGroup = append(f.ByGroup, GroupCount{Group: name, Searches: groups[g]})
		}
	}
	return f
}
