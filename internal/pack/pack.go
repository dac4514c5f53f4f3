// Package pack is the monthly community pack (PRODUCT.md A5): per borough
// and ward, in plain language, the month's figures with intervals, maps,
// precision, feedback, complaints and triggers, panel findings,
// authorisations and deployments, as HTML and as a PDF printed from the
// same HTML by headless Chromium.
package pack
