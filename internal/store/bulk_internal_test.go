package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// openSQLite opens a new SQLite store in a temporary folder, closed when
// the test ends: the internal tests of SQLite's writer run on SQLite
// whatever database the suite is given.
func openSQLite(tb testing.TB) *Store {
	s, err := Open(context.Background(), filepath.Join(tb.TempDir(), "charter.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	if s.pool != nil {
		tb.Fatal("the test's store is not SQLite")
	}
	return s
}

// A bulk insert on SQLite writes constant columns as literals, binds the
// always-bound columns once per statement when every row shares their
// value (later rows name the first row's parameter), and binds the rest
// row by row. Whatever the mix, every row must come back as it was added,
// in batches of every size the writer makes (one row, a power of two, a
// full statement, a full one and a remainder split into powers of two).
func TestBulkShapes(t *testing.T) {
	ctx := context.Background()
	s := openSQLite(t)
	type row struct {
		a, b, c int64
		d       any
		e       string
	}
	for _, n := range []int{1, 3, 4, bulkRows, bulkRows + 77, 2*bulkRows + 1} {
		for _, shape := range []string{"shared", "varying", "mixed"} {
			t.Run(fmt.Sprintf("%s/%d", shape, n), func(t *testing.T) {
				tx, err := s.begin(ctx)
				if err != nil {
					t.Fatal(err)
				}
				defer tx.rollback()
				if _, err := tx.exec(`CREATE TEMP TABLE bulk_shapes (a INTEGER, b INTEGER, c INTEGER, d INTEGER, e TEXT)`); err != nil {
					t.Fatal(err)
				}
				b := tx.bulk("bulk_shapes", "a", "b", "c", "d", "e").bind("a", "c")
				var want []row
				for i := 0; i < n; i++ {
					r := row{a: 7, b: 9, c: 11, e: "same"}
					switch shape {
					case "varying":
						r.a, r.c, r.e = int64(i), int64(3*i), fmt.Sprint("e", i%5)
					case "mixed": // a shared, c changing every 100 rows
						r.c = int64(i / 100)
					}
					if i%3 != 0 {
						r.d = int64(i)
					}
					want = append(want, r)
					if err := b.add(r.a, r.b, r.c, r.d, r.e); err != nil {
						t.Fatal(err)
					}
				}
				if err := b.flush(); err != nil {
					t.Fatal(err)
				}
				var got []row
				err = tx.query(`SELECT a, b, c, d, e FROM bulk_shapes ORDER BY rowid`, func(sc scanner) error {
					var r row
					var d *int64
					if err := sc.Scan(&r.a, &r.b, &r.c, &d, &r.e); err != nil {
						return err
					}
					if d != nil {
						r.d = *d
					}
					got = append(got, r)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(want) {
					t.Fatalf("%d rows came back, %d were added", len(got), len(want))
				}
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("row %d came back as %+v, was added as %+v", i+1, got[i], want[i])
					}
				}
			})
		}
	}
}

// BenchmarkBulkStops is the writer's half of an import alone: 16,384 rows
// shaped as an archive month's stops (the import's id and the month the
// same in every row, the rest varying or NULL), inserted by the bulk
// statements and rolled back. It reports ns per row.
func BenchmarkBulkStops(b *testing.B) {
	ctx := context.Background()
	s := openSQLite(b)
	const rows = 16384
	vals := make([][]any, rows)
	for i := range vals {
		v := make([]any, len(stopColumns))
		v[0], v[1], v[2], v[3], v[4] = int64(42), int64(i+2), "metropolitan", int64(202108), int64(1)
		v[5], v[6] = int64(1627772460+60*i), int64(i%1440)
		v[7], v[8] = int64(1+i%3), int64(i%2)
		v[10], v[11] = 51.5+float64(i%1000)/1e4, -0.1+float64(i%777)/1e4
		for c := 14; c <= 20; c++ {
			v[c] = int64(1 + (i*c)%11)
		}
		v[21], v[22] = int64(i%2), int64(0)
		v[23], v[24], v[25], v[26] = int64(1+i%33), int64(40+i%680), int64(800+i%983), int64(2000+i%4994)
		vals[i] = v
	}
	b.ResetTimer()
	for range b.N {
		tx, err := s.begin(ctx)
		if err != nil {
			b.Fatal(err)
		}
		bk := tx.bulk("stops", stopColumns...).bind("import_id", "month")
		for _, v := range vals {
			if err := bk.add(v...); err != nil {
				b.Fatal(err)
			}
		}
		if err := bk.flush(); err != nil {
			b.Fatal(err)
		}
		tx.rollback()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
}

// The bulk statements' cache keeps the statements used last: when it is
// full, a new shape closes the one used longest ago, so that a shape used
// all along stays prepared (the cache once stopped taking new statements,
// and the bundled data's commonest stop insert was prepared 162 times).
func TestRawStatementCache(t *testing.T) {
	ctx := context.Background()
	s := openSQLite(t)
	tx, err := s.begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.rollback()
	if _, err := tx.exec(`CREATE TEMP TABLE raw_cache (a INTEGER)`); err != nil {
		t.Fatal(err)
	}
	insert := func(q string) {
		t.Helper()
		if _, err := tx.execRaw(q, nil, true); err != nil {
			t.Fatal(err)
		}
	}
	const common = `INSERT INTO raw_cache (a) VALUES (-1)`
	insert(common)
	first := s.raw.stmts[common]
	if first == nil {
		t.Fatal("a statement to keep was not cached")
	}
	for i := range 3 * rawCacheSize {
		insert(fmt.Sprintf(`INSERT INTO raw_cache (a) VALUES (%d)`, i)) // a shape used once
		insert(common)
		if n := len(s.raw.stmts); n > rawCacheSize {
			t.Fatalf("%d statements cached, more than %d", n, rawCacheSize)
		}
	}
	if s.raw.stmts[common] != first {
		t.Error("the statement used all along was prepared again")
	}
	if s.raw.stmts[`INSERT INTO raw_cache (a) VALUES (0)`] != nil {
		t.Error("the statement used longest ago is still cached")
	}
	if e := s.raw.stmts[fmt.Sprintf(`INSERT INTO raw_cache (a) VALUES (%d)`, 3*rawCacheSize-1)]; e == nil {
		t.Error("the last new statement was not cached")
	}
	var n int
	if err := tx.queryRow(`SELECT COUNT(*) FROM raw_cache`).Scan(&n); err != nil || n != 1+2*3*rawCacheSize {
		t.Errorf("%d rows inserted (%v), want %d", n, err, 1+2*3*rawCacheSize)
	}
}
