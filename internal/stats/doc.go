// Package stats holds the statistics behind every number Charter publishes:
// rates per 1,000 with exact Poisson intervals, Wilson intervals for
// proportions, rate ratios (crude and Mantel–Haenszel over small areas),
// funnel-plot control limits, and difference-in-differences with a placebo
// check.
//
// Every function is a pure function of counts: no I/O, no clock, no
// randomness, no shared state. Callers (the analytic index, page handlers,
// the CLI) count, call stats, and render.
//
// # Missing numbers are never faked
//
// Results carry a [Status]. When the inputs do not determine an estimate
// (zero exposure, zero trials, 0/0, a negative count, a level outside (0, 1))
// the Value, Lower and Upper of an [Estimate] are NaN and its Status is
// [Undefined]. When the point estimate exists but the method gives no finite
// interval (a rate ratio with zero events on one side), Value is the point
// estimate (which may be 0 or +Inf), Lower and Upper are NaN and Status is
// [NoInterval]. Only [OK] promises finite numbers with Lower ≤ Value ≤ Upper.
//
// NaN and ±Inf cannot be written by encoding/json, so a surface that
// serialises an Estimate must look at Status first (for example, write null).
// [Estimate.Figure] does: it turns an estimate into the charter.Figure that
// reports publish, which JSON writes with null for what is not known.
//
// # Levels
//
// A level is the two-sided confidence (or control) level as a fraction:
// 0.95 for a 95% interval, 0.998 for Spiegelhalter's "three sigma" funnel
// limits. Anything outside the open interval (0, 1), NaN included, gives an
// undefined result rather than a panic. A level so close to 1 that
// 1 − (1 − level)/2 rounds to 1 in float64 (only the last float64 below 1)
// gives exact intervals no finite upper limit, and says so with [NoInterval].
//
// # Funnel plots
//
// [FunnelLimits] and [PoissonFunnelLimits] draw funnel plots (Spiegelhalter 2005). They compare many units (wards, boroughs,
// forces) against one target: each unit is plotted at its size, and control
// limits around the target narrow as size grows. A unit outside the limits
// differs from the target by more than chance would explain at that level.
// Spiegelhalter's usual levels are 0.95 and 0.998 (about two and three
// standard deviations).
//
// Both functions here use exact limits from the binomial or Poisson
// distribution with Spiegelhalter's interpolation (Appendix A.1 of the
// paper), not the normal approximation, because small areas have small
// counts. For a count Y with CDF F and tail probability p = (1 − level)/2:
//
//   - Lower limit: r_p is the smallest r with F(r) ≥ p, and with
//     α = (F(r_p) − p) / (F(r_p) − F(r_p − 1)) the limit is r_p − α, a
//     linear interpolation of F between the integers so that the limits draw
//     as smooth curves.
//   - Upper limit: the same construction on the upper tail. With
//     G(k) = P(Y ≥ k), s_p is the largest s with G(s) ≥ p, and with
//     β = (G(s_p) − p) / (G(s_p) − G(s_p + 1)) the limit is s_p + β.
//
// Variant chosen: Spiegelhalter's appendix gives the interpolation for a
// p-quantile, and implementations commonly apply it at the (1 − p)-quantile
// for the upper limit as well. That puts the upper limit one count too low: a
// unit with 3 of 3 searches ending in no further action against a 67% target
// would be flagged although that happens 30% of the time by chance.
// Interpolating on the upper tail instead (equivalently, reflecting the
// lower-limit formula, Y → n − Y, for proportions) makes "strictly outside
// a limit" agree exactly with the one-sided exact binomial or Poisson test
// at p for every whole count, and makes proportion limits mirror:
// the limits for target 1 − θ are one minus those for θ. Limits that
// interpolation would push outside the support are clamped to it (0, and 1
// for proportions).
//
// Source: D. J. Spiegelhalter, "Funnel plots for comparing institutional
// performance", Statistics in Medicine 24 (2005) 1185–1202.
package stats
