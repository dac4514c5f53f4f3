// Package metrics is what `charter serve` exposes to Prometheus on its own
// address (--metrics-addr): requests by route pattern and status class with
// their latency, the response cache's hits and misses, the analytic index's
// size and load time, how fresh the read model is, and the imports the
// store holds. Every method of a nil *Metrics does nothing, so the server
// runs the same with metrics off.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds Charter's collectors in a registry of its own (nothing is
// registered globally, so tests and several servers in one process do not
// clash).
type Metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.HistogramVec
	cache     *prometheus.CounterVec
	changes   prometheus.Counter
	lastChg   prometheus.Gauge
	loadSecs  prometheus.Gauge
	indexFunc func() (stops int, stale bool)
	importsFn func(context.Context) ([]ImportCount, error)
}

// ImportCount is what the store holds of one kind of import (a copy of
// store.ImportCount, so that this package needs nothing of the store).
type ImportCount struct {
	Kind                   string
	Sources, Rows, Rejects int
}

// New is a registry with Charter's collectors and Go's runtime and process
// collectors.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "charter_http_request_duration_seconds",
		Help: "Time to answer a request, by the ServeMux route pattern that answered it and the status class (2xx, 3xx, 4xx, 5xx); _count is the number of requests.",
		// From a cached answer (about 0.1 ms) to a slow uncached page.
		Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
	}, []string{"route", "code"})
	m.cache = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "charter_response_cache_requests_total",
		Help: "Cacheable requests by whether the response cache held the answer (result=hit) or the handler made it (result=miss).",
	}, []string{"result"})
	m.changes = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "charter_store_changes_total",
		Help: "Changes of the store the server has applied to its indexes (its own writes and, through --watch, other processes' imports).",
	})
	m.lastChg = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "charter_store_last_change_timestamp_seconds",
		Help: "Unix time at which the server last applied a change of the store (or loaded its indexes, if none since).",
	})
	m.loadSecs = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "charter_index_load_seconds",
		Help: "Seconds the analytic and crime indexes took to load at start.",
	})
	m.reg.MustRegister(m.requests, m.cache, m.changes, m.lastChg, m.loadSecs,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "charter_index_stops",
			Help: "Stops held by the analytic index.",
		}, func() float64 {
			if m.indexFunc == nil {
				return 0
			}
			n, _ := m.indexFunc()
			return float64(n)
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "charter_index_stale",
			Help: "1 while the analytic index is stale (a change could not be read from the store; /readyz is 503), else 0.",
		}, func() float64 {
			if m.indexFunc == nil {
				return 0
			}
			if _, stale := m.indexFunc(); stale {
				return 1
			}
			return 0
		}),
		importCollector{m},
	)
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Registry is the registry, for tests and further collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// ObserveRequest counts a request answered by route (a ServeMux pattern,
// so the label set stays bounded) with status in took.
func (m *Metrics) ObserveRequest(route string, status int, took time.Duration) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(route, statusClass(status)).Observe(took.Seconds())
}

func statusClass(status int) string {
	if status < 100 || status > 599 {
		return "other"
	}
	return strconv.Itoa(status/100) + "xx"
}

// CacheHit and CacheMiss count the response cache's answers.
func (m *Metrics) CacheHit() {
	if m != nil {
		m.cache.WithLabelValues("hit").Inc()
	}
}

// CacheMiss counts a cacheable answer the handler had to make.
func (m *Metrics) CacheMiss() {
	if m != nil {
		m.cache.WithLabelValues("miss").Inc()
	}
}

// IndexLoaded records the load time and how to read the index's size and
// staleness at each scrape.
func (m *Metrics) IndexLoaded(took time.Duration, index func() (stops int, stale bool)) {
	if m == nil {
		return
	}
	m.loadSecs.Set(took.Seconds())
	m.indexFunc = index
	m.lastChg.SetToCurrentTime()
}

// Changed records a change of the store applied at now.
func (m *Metrics) Changed(now time.Time) {
	if m == nil {
		return
	}
	m.changes.Inc()
	m.lastChg.Set(float64(now.UnixNano()) / 1e9)
}

// Imports sets how to read the store's import totals at each scrape.
func (m *Metrics) Imports(fn func(context.Context) ([]ImportCount, error)) {
	if m != nil {
		m.importsFn = fn
	}
}

var (
	importSources = prometheus.NewDesc("charter_import_sources", "Source files the store holds imports of, by kind (each file is imported once).", []string{"kind"}, nil)
	importRows    = prometheus.NewDesc("charter_import_rows_stored", "Records stored by the imports the store holds, by kind.", []string{"kind"}, nil)
	importRejects = prometheus.NewDesc("charter_import_rows_rejected", "Rows rejected by the imports the store holds, by kind.", []string{"kind"}, nil)
	importUp      = prometheus.NewDesc("charter_import_counts_up", "1 if the import totals could be read from the store at this scrape, else 0.", nil, nil)
)

// importCollector reads the import totals from the store at each scrape
// (one grouped query over a table of one row per source file), so imports
// by `serve --demo`, by a `charter import` beside the server and by other
// instances all count.
type importCollector struct{ m *Metrics }

func (c importCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- importSources
	ch <- importRows
	ch <- importRejects
	ch <- importUp
}

func (c importCollector) Collect(ch chan<- prometheus.Metric) {
	if c.m.importsFn == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := c.m.importsFn(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(importUp, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(importUp, prometheus.GaugeValue, 1)
	for _, k := range counts {
		ch <- prometheus.MustNewConstMetric(importSources, prometheus.GaugeValue, float64(k.Sources), k.Kind)
		ch <- prometheus.MustNewConstMetric(importRows, prometheus.GaugeValue, float64(k.Rows), k.Kind)
		ch <- prometheus.MustNewConstMetric(importRejects, prometheus.GaugeValue, float64(k.Rejects), k.Kind)
	}
}
