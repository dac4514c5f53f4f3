package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/stopsearch/charter"
)

func authSubject(id int64) string { return fmt.Sprintf("authorisation:%d", id) }

func authJSON(a *charter.Authorisation) string {
	b, _ := json.Marshal(struct {
		*charter.Authorisation
		AuthorisedBy int64 `json:"authorised_by"`
	}{a, a.AuthorisedBy})
	return string(b)
}

// InsertAuthorisation registers an authorisation, audited as
// "authorisation.create". Ward codes not stored as wards are refused,
// naming the field.
func (s *Store) InsertAuthorisation(ctx context.Context, by Actor, a charter.Authorisation) (charter.Authorisation, error) {
	err := s.inTx(ctx, func(t *tx) error {
		for _, w := range a.Wards {
			var n int
			if err := t.queryRow(`SELECT count(*) FROM areas WHERE level = 'ward' AND code = $1`, w).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return charter.Invalid(charter.FieldErrors{{Field: "wards", Value: w, Reason: "not a ward code: " + w}})
			}
		}
		now := Now().UTC().Truncate(time.Second)
		a.Created = now
		err := t.queryRow(`INSERT INTO authorisations (force, power, authorised_by, rank, wards, start_at, end_at, grounds,
			violence_will_occur, rule_set, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			a.Force, a.Power, a.AuthorisedBy, int64(a.Rank), strings.Join(a.Wards, ","), a.Start.Unix(), a.End.Unix(), a.Grounds,
			boolInt(a.ViolenceWillOccur), a.RuleSet, now.Unix()).Scan(&a.ID)
		if err != nil {
			return err
		}
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "authorisation.create", Subject: authSubject(a.ID), After: authJSON(&a)})
	})
	return a, err
}

// ExtendAuthorisation adds an extension after check accepts it against the
// authorisation as stored, audited as "authorisation.extend".
func (s *Store) ExtendAuthorisation(ctx context.Context, by Actor, id int64, e charter.AuthorisationExtension, check func(*charter.Authorisation) error) (charter.Authorisation, error) {
	var a charter.Authorisation
	err := s.inTx(ctx, func(t *tx) error {
		cur, err := t.authorisation(id)
		if err != nil {
			return err
		}
		if err := check(&cur); err != nil {
			return err
		}
		before := authJSON(&cur)
		e.At = Now().UTC().Truncate(time.Second)
		if _, err := t.exec(`INSERT INTO authorisation_extensions (authorisation_id, n, by_id, rank, until_at, at)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, len(cur.Extensions)+1, e.By, int64(e.Rank), e.Until.Unix(), e.At.Unix()); err != nil {
			return err
		}
		if _, err := t.exec(`UPDATE authorisations SET end_at = $1 WHERE id = $2`, e.Until.Unix(), id); err != nil {
			return err
		}
		if a, err = t.authorisation(id); err != nil {
			return err
		}
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "authorisation.extend", Subject: authSubject(id), Before: before, After: authJSON(&a)})
	})
	return a, err
}

const authCols = `a.id, a.force, a.power, a.authorised_by, a.rank, a.wards, a.start_at, a.end_at, a.grounds,
	a.violence_will_occur, a.rule_set, a.created_at, (SELECT count(*) FROM records r WHERE r.authorisation_id = a.id)`

func scanAuthorisation(sc scanner) (charter.Authorisation, error) {
	var a charter.Authorisation
	var rank, start, end, created, will int64
	var wards string
	if err := sc.Scan(&a.ID, &a.Force, &a.Power, &a.AuthorisedBy, &rank, &wards, &start, &end, &a.Grounds, &will, &a.RuleSet, &created, &a.Searches); err != nil {
		return a, err
	}
	a.Rank, a.RankName = charter.Rank(rank), charter.Rank(rank).String()
	if wards != "" {
		a.Wards = strings.Split(wards, ",")
	}
	a.Start, a.End, a.Created, a.ViolenceWillOccur = unix(start), unix(end), unix(created), will != 0
	return a, nil
}

func scanExtension(sc scanner) (id int64, e charter.AuthorisationExtension, err error) {
	var rank, until, at int64
	if err = sc.Scan(&id, &e.By, &rank, &until, &at); err != nil {
		return
	}
	e.Rank, e.RankName, e.Until, e.At = charter.Rank(rank), charter.Rank(rank).String(), unix(until), unix(at)
	return
}

const extensionCols = `authorisation_id, by_id, rank, until_at, at`

// authorisation reads one authorisation inside a write (an extension).
func (t *tx) authorisation(id int64) (charter.Authorisation, error) {
	a, err := scanAuthorisation(t.queryRow(`SELECT `+authCols+` FROM authorisations a WHERE a.id = $1`, id))
	if isNoRows(err) {
		return a, charter.Errorf(charter.ENOTFOUND, "no authorisation %d", id)
	}
	if err != nil {
		return a, err
	}
	err = t.query(`SELECT `+extensionCols+` FROM authorisation_extensions WHERE authorisation_id = $1 ORDER BY n`, func(sc scanner) error {
		_, e, err := scanExtension(sc)
		a.Extensions = append(a.Extensions, e)
		return err
	}, id)
	return a, err
}

// Authorisation returns one authorisation with its extensions.
func (s *Store) Authorisation(ctx context.Context, id int64) (charter.Authorisation, error) {
	as, err := s.authorisations(ctx, `a.id = $1`, id)
	if err == nil && len(as) == 0 {
		err = charter.Errorf(charter.ENOTFOUND, "no authorisation %d", id)
	}
	if err != nil {
		return charter.Authorisation{}, err
	}
	return as[0], nil
}

// Authorisations lists authorisations newest first: of one force ("" for
// every force), and only those in force at the time at when at is not zero.
func (s *Store) Authorisations(ctx context.Context, force string, at time.Time) ([]charter.Authorisation, error) {
	return s.authorisations(ctx, `($1 = '' OR a.force = $1) AND ($2 = 0 OR (a.start_at <= $2 AND a.end_at > $2))`, force, unixOrZero(at))
}

// authorisations reads the authorisations matching cond, newest first,
// and their extensions: two queries on the read pool, whatever the number.
func (s *Store) authorisations(ctx context.Context, cond string, args ...any) ([]charter.Authorisation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+authCols+` FROM authorisations a WHERE `+cond+` ORDER BY a.start_at DESC, a.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []charter.Authorisation
	at := map[int64]int{}
	for rows.Next() {
		a, err := scanAuthorisation(rows)
		if err != nil {
			return nil, err
		}
		at[a.ID] = len(out)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ext, err := s.db.QueryContext(ctx, `SELECT `+extensionCols+` FROM authorisation_extensions
		WHERE authorisation_id IN (SELECT a.id FROM authorisations a WHERE `+cond+`) ORDER BY authorisation_id, n`, args...)
	if err != nil {
		return nil, err
	}
	defer ext.Close()
	for ext.Next() {
		id, e, err := scanExtension(ext)
		if err != nil {
			return nil, err
		}
		// An authorisation registered between the two queries is not in out.
		if i, ok := at[id]; ok {
			out[i].Extensions = append(out[i].Extensions, e)
		}
	}
	return out, ext.Err()
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
