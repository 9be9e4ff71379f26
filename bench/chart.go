package main

import (
	"fmt"
	"html"
	"math"
	"sort"
	"strings"
	"time"
)

// The chart: three panels (apply, no-change plan, destroy), wall time against N, one line per
// kind and latency. Plain SVG written here: nothing is downloaded.

const (
	panelW, panelH = 300.0, 220.0
	marginL        = 52.0
	marginR        = 14.0
	marginT        = 40.0
	marginB        = 40.0
	legendH        = 56.0
)

// kindColours are the lines' colours (colour-blind friendly).
var kindColours = map[string]string{kindBaseline: "#666666", kindFloor: "#009e73", kindMember: "#0072b2", kindToken: "#d55e00"}

// chart renders the scale results as SVG, or "" when there is nothing to draw.
func (r *results) chart() string {
	if len(r.scale) == 0 {
		return ""
	}
	panels := []struct {
		title string
		value func(scaleRow) time.Duration
	}{
		{"terraform apply", func(s scaleRow) time.Duration { return s.apply }},
		{"no-change terraform plan", func(s scaleRow) time.Duration { return s.plan }},
		{"terraform destroy", func(s scaleRow) time.Duration { return s.destroy }},
	}
	ns := append([]int(nil), r.opts.ns...)
	sort.Ints(ns)
	width := float64(len(panels)) * (marginL + panelW + marginR)
	height := marginT + panelH + marginB + legendH
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="sans-serif" font-size="11">`+"\n",
		width, height, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%.0f" y="16" font-size="13" font-weight="bold">Wall time (s) against N: terraform_data (baseline), benchfloor_thing (framework floor), alien_member, alien_api_token</text>`+"\n", marginL)

	for pi, p := range panels {
		x0 := float64(pi)*(marginL+panelW+marginR) + marginL
		y0 := marginT
		// The scale: 0 to a round maximum.
		maxV := 0.0
		for _, s := range r.scale {
			if s.err == "" {
				maxV = math.Max(maxV, p.value(s).Seconds())
			}
		}
		top := niceCeil(maxV)
		minN, maxN := 0.0, float64(ns[len(ns)-1])
		xOf := func(n int) float64 { return x0 + (float64(n)-minN)/(maxN-minN)*panelW }
		yOf := func(v float64) float64 { return y0 + panelH - v/top*panelH }

		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="12" text-anchor="middle">%s</text>`+"\n", x0+panelW/2, y0-8, html.EscapeString(p.title))
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#bbbbbb"/>`+"\n", x0, y0, panelW, panelH)
		for i := 0; i <= 4; i++ {
			v := top * float64(i) / 4
			y := yOf(v)
			if i > 0 && i < 4 {
				fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#eeeeee"/>`+"\n", x0, y, x0+panelW, y)
			}
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end">%s</text>`+"\n", x0-4, y+4, trimFloat(v))
		}
		for _, n := range ns {
			x := xOf(n)
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#bbbbbb"/>`+"\n", x, y0+panelH, x, y0+panelH+4)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%d</text>`+"\n", x, y0+panelH+16, n)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="#555555">N (resources)</text>`+"\n", x0+panelW/2, y0+panelH+32)

		for _, lat := range r.opts.latencies {
			for _, kind := range scaleKinds {
				var pts [][2]float64
				for _, n := range ns {
					if s, ok := r.find(kind, n, lat); ok {
						pts = append(pts, [2]float64{xOf(n), yOf(p.value(s).Seconds())})
					}
				}
				if len(pts) == 0 {
					continue
				}
				dash := ""
				if lat > 0 {
					dash = ` stroke-dasharray="6 4"`
				}
				points := make([]string, len(pts))
				for i, pt := range pts {
					points[i] = fmt.Sprintf("%.1f,%.1f", pt[0], pt[1])
				}
				fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`+"\n", strings.Join(points, " "), kindColours[kind], dash)
				for _, pt := range pts {
					fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`+"\n", pt[0], pt[1], kindColours[kind])
				}
			}
		}
	}

	// The legend.
	ly := marginT + panelH + marginB + 16
	lx := marginL
	for _, lat := range r.opts.latencies {
		for _, kind := range scaleKinds {
			if _, ok := r.find(kind, ns[len(ns)-1], lat); !ok {
				continue // not run (or failed) at this latency
			}
			dash := ""
			label := kind
			if lat > 0 {
				dash = ` stroke-dasharray="6 4"`
				label += ", " + lat.String() + " latency"
			}
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"%s/>`+"\n", lx, ly-4, lx+24, ly-4, kindColours[kind], dash)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f">%s</text>`+"\n", lx+30, ly, html.EscapeString(label))
			lx += 60 + float64(len(label))*6
			if lx > width-200 {
				lx, ly = marginL, ly+18
			}
		}
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten (at least 1).
func niceCeil(v float64) float64 {
	if v <= 1 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// trimFloat formats a tick value without needless decimals.
func trimFloat(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}
