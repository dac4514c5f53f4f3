package web

import (
	"context"
	"fmt"
)

// areaSections gathers what the accountability workflows add to the page
// of a borough or a ward (code): its community triggers and complaint
// figures, deployments, scrutiny findings and monthly packs. Each entry is
// rendered by its workflow's template in templates/parts.
func (s *Site) areaSections(ctx context.Context, code string) (map[string]any, error) {
	m := map[string]any{}
	add := func(name string, f func(context.Context, string) (any, error)) error {
		v, err := f(ctx, code)
		if err != nil {
			return fmt.Errorf("the %s of %s: %w", name, code, err)
		}
		if v != nil {
			m[name] = v
		}
		return nil
	}
	if s.enc.Complaints != nil {
		if err := add("complaints", s.complaintsSection); err != nil {
			return nil, err
		}
	}
	if s.enc.Deployments != nil {
		if err := add("deployments", s.deploymentsSection); err != nil {
			return nil, err
		}
	}
	if s.enc.Panels != nil {
		if err := add("findings", s.findingsSection); err != nil {
			return nil, err
		}
	}
	if err := add("packs", s.packsSection); err != nil {
		return nil, err
	}
	return m, nil
}
