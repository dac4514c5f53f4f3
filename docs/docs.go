// Package docs embeds the project's documentation, so that the public site
// serves the methodology and the API guide from the binary alone (the site
// renders them in its own layout: internal/web).
package docs

import "embed"

// FS holds the Markdown files of this folder: the methodology, the API guide
// and the operator guide.
//
//go:embed *.md
var FS embed.FS
