package api

import (
	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/public"
)

// wirePublicWardView is public.WardView on the wire (getWard).
type wirePublicWardView struct {
	Ward           *wireProfile           `json:"ward"`
	Borough        *wireProfile           `json:"borough"`
	Force          *wireProfile           `json:"force"`
	Comparison     []wirePublicComparison `json:"comparison"`
	Hotspot        *wirePrecisionUnit     `json:"hotspot"`
	Units          int                    `json:"units"`
	Hotspots       int                    `json:"hotspots"`
	Top            float64                `json:"top"`
	Score          *wireProportion        `json:"force_score"`
	HotspotCrime   float64                `json:"force_hotspot_crime_share"`
	PrecisionNote  string                 `json:"precision_note,omitempty"`
	ForceSearches  int                    `json:"force_searches"`
	ForcePlaced    int                    `json:"force_searches_placed"`
	PrecisionNotes []string               `json:"precision_notes"`
}

func wardWire(v public.WardView) wirePublicWardView {
	return wirePublicWardView{
		Ward: ptrTo(v.Ward, profileWire), Borough: ptrTo(v.Borough, profileWire), Force: ptrTo(v.Force, profileWire),
		Comparison: each(v.Comparison, comparisonWire), Hotspot: ptrTo(v.Hotspot, precisionUnitWire),
		Units: v.Units, Hotspots: v.Hotspots, Top: v.Top, Score: ptrTo(v.Score, proportionWire),
		HotspotCrime: v.HotspotCrime, PrecisionNote: v.PrecisionNote, ForceSearches: v.ForceSearches,
		ForcePlaced: v.ForcePlaced, PrecisionNotes: v.PrecisionNotes,
	}
}

// wirePublicComparison is public.Comparison on the wire.
type wirePublicComparison struct {
	Measure string            `json:"measure"`
	Kind    string            `json:"kind"`
	Unit    string            `json:"unit"`
	Ward    wirePublicMeasure `json:"ward"`
	Borough wirePublicMeasure `json:"borough"`
	Force   wirePublicMeasure `json:"force"`
}

// wirePublicMeasure is a figure of public.Comparison on the wire (documented
// as PublicMeasure, once its type): a value and its interval as [lower,
// upper].
type wirePublicMeasure struct {
	Value *float64  `json:"value"`
	CI    []float64 `json:"ci"`
}

func comparisonWire(c public.Comparison) wirePublicComparison {
	m := func(x charter.Figure) wirePublicMeasure { return wirePublicMeasure{Value: x.Ptr(), CI: x.Pair()} }
	return wirePublicComparison{Measure: c.Measure, Kind: c.Kind, Unit: c.Unit, Ward: m(c.Ward), Borough: m(c.Borough), Force: m(c.Force)}
}

// wirePublicOptions is public.Options on the wire (getFilters).
type wirePublicOptions struct {
	Legislation []string `json:"legislation"`
	Object      []string `json:"object"`
	Months      []string `json:"months"`
}

func optionsWire(o public.Options) wirePublicOptions {
	return wirePublicOptions{Legislation: o.Legislation, Object: o.Object, Months: o.Months}
}
