/* charts.js — draw charts from the tables already on the page.
 *
 * Progressive enhancement: every page renders complete HTML tables on the
 * server and works without JavaScript. This script only adds a picture of a
 * table above it. If d3 or Plot did not load, or a table is not in the shape
 * below, it does nothing and the table stays the whole story.
 *
 * Load order (all with `defer`, so they run in this order after parsing):
 *   vendor/d3.min.js, vendor/plot.umd.min.js (needs the global d3), js/charts.js
 *
 * The markup contract (the Go templates emit exactly this):
 *
 *   <figure class="chart">
 *     <figcaption>Searches each month</figcaption>
 *     <div class="table-wrap">
 *       <table class="data" data-chart="line|bar" [data-ref="1"] [data-ci="95% interval"]>
 *         <thead><tr>
 *           <th scope="col">Month</th>
 *           <th scope="col" data-plot>Searches</th>      ← plotted: one series per data-plot column
 *           <th scope="col">Data quality</th>            ← not plotted
 *         </tr></thead>
 *         <tbody>
 *           <tr data-flag="incomplete at source">        ← optional: a data-quality flag, in words
 *             <th scope="row">2024-09</th>                ← the row label (x for line, y for bar)
 *             <td class="num" data-value="3253" data-lo="3100" data-hi="3400">3,253</td>
 *             <td>incomplete at source</td>
 *           </tr> …
 *
 *   - data-value is the plain number (digits, ".", "-"; thousands commas are
 *     tolerated). Absent, empty or "–" means no data: a gap in a line, a
 *     "no data" note for a bar.
 *   - data-lo / data-hi, when both are numbers, are an interval: a shaded band
 *     on a line chart, whiskers on a bar chart. data-ci on the table names it
 *     in the legend (default "95% interval").
 *   - line: the row labels are months, YYYY-MM (YYYY-MM-DD also works), drawn
 *     on a time axis; months missing between the first and last row are gaps.
 *     A row <tr class="gap" data-gap-from="2022-12" data-gap-to="2024-08">
 *     stands for a run of months without data: one shaded span, one label.
 *     Rows with data-flag get a hollow marker, a ⚠ above the month, and a
 *     legend line "⚠ <months> flagged: <flag>".
 *   - bar: horizontal bars of the FIRST data-plot column, row labels on the
 *     y axis in table order, the cell's own text as the value label (so the
 *     chart and table spell numbers the same way), whiskers for intervals.
 *     data-ref="1" on the table draws a dashed reference line at x = 1 (rate
 *     ratios: 1 means no difference).
 *
 * The chart goes into the figure just before the table wrapper:
 *   <div class="chart-plot"><ul class="chart-legend" aria-hidden="true">…</ul>
 *   <svg class="chart-svg" role="img" aria-label="<figcaption> (the table below has the same numbers)">
 * Screen readers get the label and then the table, not a second copy of it.
 * Charts redraw (debounced) when the figure's width changes, and are drawn
 * again for content that htmx swaps in.
 */
(function () {
	"use strict";

	// ---- wide tables -------------------------------------------------------
	// A .table-wrap that scrolls sideways must be reachable by keyboard
	// (WCAG 2.1.1): while it overflows it becomes a focusable, named region;
	// when it fits again it is an ordinary box, so it adds no tab stop.
	function fitWraps(root) {
		Array.prototype.forEach.call((root || document).querySelectorAll(".table-wrap"), function (w) {
			var scrolls = w.scrollWidth > w.clientWidth + 1;
			if (scrolls && !w.hasAttribute("tabindex")) {
				var t = w.querySelector("table"), cap = t && t.caption;
				var fig = w.closest("figure"), fc = fig && fig.querySelector("figcaption");
				w.setAttribute("tabindex", "0");
				w.setAttribute("role", "region");
				w.setAttribute("aria-label", ((cap && text(cap)) || (fc && text(fc)) || "Table") + " (scrolls sideways)");
				w.setAttribute("data-scroll", "");
			} else if (!scrolls && w.hasAttribute("data-scroll")) {
				w.removeAttribute("tabindex");
				w.removeAttribute("role");
				w.removeAttribute("aria-label");
				w.removeAttribute("data-scroll");
			}
		});
	}
	var wrapTimer = 0;
	window.addEventListener("resize", function () { clearTimeout(wrapTimer); wrapTimer = setTimeout(fitWraps, 200); });
	fitWraps(document);
	document.addEventListener("htmx:load", function (e) { fitWraps(e.detail && e.detail.elt && e.detail.elt.querySelectorAll ? e.detail.elt : document); });

	var Plot = window.Plot, d3 = window.d3;
	if (!Plot || !d3 || typeof Plot.plot !== "function") return; // tables remain

	// Okabe–Ito colours: distinguishable with the common colour-vision
	// deficiencies, and each ≥ 3:1 against white (WCAG 1.4.11). Series also
	// differ by dash and marker shape, so colour is never the only cue.
	var COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7"];
	var DASHES = [null, "6,3", "2,2", "8,3,2,3"];
	var SYMBOLS = ["circle", "square", "diamond", "triangle"];
	var INK = "#1b1f23", MUTED = "#4a5561", WARN = "#8a4b00";
	// Chart text is 12 px. Widths of text are guessed, not measured (Plot
	// lays out before anything is in the DOM): 0.6 em a character is on the
	// wide side of common system fonts, so labels fit rather than clip.
	var FONT_PX = 12, EM_PER_CHAR = 0.6, CHAR_PX = FONT_PX * EM_PER_CHAR;
	var SVG_NS = "http://www.w3.org/2000/svg";

	var state = new WeakMap(); // figure → {width, observer}; kept out of the DOM so htmx history snapshots stay clean

	// num reads a data-* number; null for missing, empty, "–" or garbage.
	function num(s) {
		if (s == null) return null;
		s = String(s).replace(/[,\s\u00a0\u2009\u202f%]/g, "");
		if (s === "" || s === "–" || s === "-" || s === "—") return null;
		var n = Number(s);
		return isFinite(n) ? n : null;
	}

	function text(el) { return el ? el.textContent.replace(/\s+/g, " ").trim() : ""; }

	var parseMonth = d3.utcParse("%Y-%m"), parseDay = d3.utcParse("%Y-%m-%d");
	function parseDate(s) { return parseMonth(s) || parseDay(s); }
	var monthName = d3.utcFormat("%b %Y");

	// readTable turns the contract's markup into plain data.
	function readTable(table) {
		var head = table.tHead && table.tHead.rows[0];
		if (!head) return null;
		var cols = [];
		Array.prototype.forEach.call(head.cells, function (th, i) {
			if (th.hasAttribute("data-plot")) cols.push({index: i, name: text(th)});
		});
		if (!cols.length) return null;
		var rows = [];
		Array.prototype.forEach.call(table.tBodies, function (tb) {
			Array.prototype.forEach.call(tb.rows, function (tr) {
				var label = text(tr.querySelector("th")) || text(tr.cells[0]);
				var flag = tr.getAttribute("data-flag");
				var cells = cols.map(function (c) {
					var td = tr.cells[c.index];
					if (!td) return {value: null, lo: null, hi: null, text: ""};
					var lo = num(td.getAttribute("data-lo")), hi = num(td.getAttribute("data-hi"));
					if (lo == null || hi == null) lo = hi = null;
					return {value: num(td.getAttribute("data-value")), lo: lo, hi: hi, text: text(td)};
				});
				rows.push({label: label, flag: flag ? flag.trim() : "", cells: cells});
			});
		});
		return rows.length ? {cols: cols, rows: rows} : null;
	}

	function ariaLabel(figure) {
		var cap = text(figure.querySelector("figcaption")) || "Chart";
		return cap + " (the table below has the same numbers)";
	}

	// ---- legend (HTML, so it wraps on a phone and stays crisp) ------------

	function swatch(colour, dash, symbol, hollow) {
		var svg = document.createElementNS(SVG_NS, "svg");
		svg.setAttribute("width", "28");
		svg.setAttribute("height", "12");
		svg.setAttribute("viewBox", "0 0 28 12");
		svg.setAttribute("focusable", "false");
		if (dash !== undefined) {
			var line = document.createElementNS(SVG_NS, "line");
			line.setAttribute("x1", "1"); line.setAttribute("x2", "27");
			line.setAttribute("y1", "6"); line.setAttribute("y2", "6");
			line.setAttribute("stroke", colour); line.setAttribute("stroke-width", "2");
			if (dash) line.setAttribute("stroke-dasharray", dash);
			svg.appendChild(line);
		}
		if (symbol) {
			var path = document.createElementNS(SVG_NS, "path");
			// The same symbol shapes Plot draws (Plot uses d3's symbol types).
			var gen = d3.symbol().type(d3["symbol" + symbol.charAt(0).toUpperCase() + symbol.slice(1)] || d3.symbolCircle).size(hollow ? 60 : 30);
			path.setAttribute("d", gen());
			path.setAttribute("transform", "translate(14,6)");
			path.setAttribute("fill", hollow ? "#fff" : colour);
			path.setAttribute("stroke", colour);
			path.setAttribute("stroke-width", hollow ? "1.75" : "1");
			if (hollow) path.setAttribute("stroke-dasharray", "2,1.5");
			svg.appendChild(path);
		}
		return svg;
	}

	function legendItem(ul, sw, words, cls) {
		var li = document.createElement("li");
		if (cls) li.className = cls;
		if (sw) li.appendChild(sw);
		li.appendChild(document.createTextNode(words));
		ul.appendChild(li);
	}

	// ---- line charts -------------------------------------------------------

	function lineChart(data, table, width) {
		var rows = data.rows.map(function (r) { return {date: parseDate(r.label), row: r}; })
			.filter(function (r) { return r.date; });
		if (!rows.length) return null;
		var byTime = new Map(rows.map(function (r) { return [+r.date, r.row]; }));
		var first = d3.min(rows, function (r) { return r.date; });
		var last = d3.max(rows, function (r) { return r.date; });
		var monthly = rows.every(function (r) { return r.date.getUTCDate() === 1; });
		// Every month between the first and the last, so a missing month is a
		// gap in the line and not a straight line across it.
		var dates = monthly ? d3.utcMonth.range(first, d3.utcMonth.offset(last, 1)) : rows.map(function (r) { return r.date; });

		var series = data.cols.map(function (c, i) {
			return {
				name: c.name,
				colour: COLOURS[i % COLOURS.length],
				dash: DASHES[i % DASHES.length],
				symbol: SYMBOLS[i % SYMBOLS.length],
				points: dates.map(function (d) {
					var r = byTime.get(+d), c2 = r ? r.cells[i] : null;
					return {
						date: d, series: c.name, flag: r ? r.flag : "", label: r ? r.label : monthName(d),
						value: c2 ? c2.value : null, lo: c2 ? c2.lo : null, hi: c2 ? c2.hi : null,
						text: c2 && c2.value != null ? c2.text : "no data"
					};
				})
			};
		});
		var all = [].concat.apply([], series.map(function (s) { return s.points; }));
		var defined = all.filter(function (p) { return p.value != null; });
		if (!defined.length) return null;
		var single = +first === +last, only = first;
		if (single) { // one month: give the time axis some width
			first = d3.utcDay.offset(first, -15);
			last = d3.utcDay.offset(last, 15);
		}
		var anyCI = defined.some(function (p) { return p.lo != null; });
		var flagged = rows.filter(function (r) { return r.row.flag; });

		var ymax = d3.max(defined, function (p) { return Math.max(p.value, p.hi == null ? p.value : p.hi); });
		var ymin = d3.min(defined, function (p) { return Math.min(p.value, p.lo == null ? p.value : p.lo); });
		var yfmt = d3.format(",~r");
		var marginLeft = Math.max(36, yfmt(d3.nice(Math.min(0, ymin), ymax, 5)[1]).length * CHAR_PX + 14);

		var marks = [Plot.ruleY([0], {stroke: MUTED, strokeOpacity: 0.6})];
		// A run of months without data is one row (tr.gap, data-gap-from and
		// data-gap-to): one shaded span with one label, not a mark per month.
		var gaps = [];
		Array.prototype.forEach.call(table.querySelectorAll("tr.gap"), function (tr) {
			var a = parseDate(tr.getAttribute("data-gap-from") || ""), b = parseDate(tr.getAttribute("data-gap-to") || "");
			if (a && b) gaps.push({x1: d3.utcDay.offset(a, -15), x2: d3.utcDay.offset(b, 15), mid: new Date((+a + +b) / 2)});
		});
		if (gaps.length) {
			marks.push(Plot.rect(gaps, {x1: "x1", x2: "x2", fill: MUTED, fillOpacity: 0.12}));
			marks.push(Plot.text(gaps, {x: "mid", text: function () { return "no data"; }, frameAnchor: "middle", fill: MUTED, fontSize: 12}));
		}
		// Flagged months: a faint dotted rule down the month and a ⚠ at the top,
		// so the flag shows as a shape and a sign, not only as a marker style.
		if (flagged.length) {
			marks.push(Plot.ruleX(flagged, {x: "date", stroke: WARN, strokeOpacity: 0.45, strokeDasharray: "2,3"}));
			marks.push(Plot.text(flagged, {x: "date", text: function () { return "⚠"; }, frameAnchor: "top", dy: -11, fill: WARN, fontSize: 13}));
		}
		series.forEach(function (s) {
			if (anyCI) {
				marks.push(Plot.areaY(s.points, {
					x: "date", y1: function (p) { return p.lo; }, y2: function (p) { return p.hi; },
					fill: s.colour, fillOpacity: 0.16, curve: "linear"
				}));
			}
			// A point with no neighbour has no band to speak of: give its
			// interval as a vertical line instead.
			var alone = s.points.filter(function (p, i, a) {
				return p.lo != null && (i === 0 || a[i - 1].value == null) && (i === a.length - 1 || a[i + 1].value == null);
			});
			if (alone.length) marks.push(Plot.ruleX(alone, {x: "date", y1: "lo", y2: "hi", stroke: s.colour, strokeWidth: 1.5}));
			marks.push(Plot.lineY(s.points, {
				x: "date", y: "value", stroke: s.colour, strokeWidth: 2,
				strokeDasharray: s.dash || undefined, curve: "linear"
			}));
			var plain = s.points.filter(function (p) { return p.value != null && !p.flag; });
			var odd = s.points.filter(function (p) { return p.value != null && p.flag; });
			marks.push(Plot.dot(plain, {x: "date", y: "value", symbol: s.symbol, r: 2.75, fill: s.colour, stroke: s.colour}));
			// A flagged month: hollow, larger, dashed outline.
			marks.push(Plot.dot(odd, {x: "date", y: "value", symbol: s.symbol, r: 5, fill: "#fff", stroke: s.colour, strokeWidth: 1.75, strokeDasharray: "2,1.5"}));
		});
		marks.push(Plot.tip(defined, Plot.pointer({
			x: "date", y: "value",
			title: function (p) {
				var t = p.label + "\n" + p.series + ": " + p.text;
				if (p.lo != null) t += " (" + fmtNum(p.lo) + " to " + fmtNum(p.hi) + ")";
				if (p.flag) t += "\n⚠ " + p.flag;
				return t;
			}
		})));

		var height = Math.round(Math.max(260, Math.min(380, width * 0.5)));
		var svg = Plot.plot({
			width: width, height: height,
			marginTop: flagged.length ? 24 : 14, marginRight: 16, marginLeft: marginLeft, marginBottom: 36,
			style: {fontSize: FONT_PX + "px", fontFamily: "inherit", color: INK, background: "transparent"},
			x: single ? {type: "utc", label: null, domain: [first, last], ticks: [only], tickFormat: monthName}
				: {type: "utc", label: null, domain: [first, last], insetLeft: 6, insetRight: 6},
			y: {zero: ymin >= 0, nice: true, grid: true, label: null, tickFormat: yfmt},
			marks: marks
		});

		var legend = document.createElement("ul");
		series.forEach(function (s) { legendItem(legend, swatch(s.colour, s.dash, s.symbol), s.name); });
		if (anyCI) legendItem(legend, bandSwatch(series[0].colour), "shading: " + (table.getAttribute("data-ci") || "95% interval"));
		// One legend line per distinct flag, naming its months.
		var flags = d3.groups(flagged, function (r) { return r.row.flag; });
		flags.forEach(function (g) {
			var months = g[1].map(function (r) { return monthly ? monthName(r.date) : r.row.label; }).join(", ");
			legendItem(legend, swatch(series[0].colour, undefined, series[0].symbol, true), "⚠ " + months + " flagged: " + g[0], "flag");
		});
		return {svg: svg, legend: legend};
	}

	function bandSwatch(colour) {
		var svg = document.createElementNS(SVG_NS, "svg");
		svg.setAttribute("width", "28"); svg.setAttribute("height", "12"); svg.setAttribute("focusable", "false");
		var r = document.createElementNS(SVG_NS, "rect");
		r.setAttribute("x", "1"); r.setAttribute("y", "1"); r.setAttribute("width", "26"); r.setAttribute("height", "10");
		r.setAttribute("fill", colour); r.setAttribute("fill-opacity", "0.25");
		svg.appendChild(r);
		return svg;
	}

	var fmtNum = (function () {
		var small = d3.format(",.2f"), big = d3.format(",.1f"), whole = d3.format(",");
		return function (v) { return Number.isInteger(v) ? whole(v) : Math.abs(v) < 10 ? small(v) : big(v); };
	})();

	// ---- bar charts --------------------------------------------------------

	function barChart(data, table, width) {
		var col = data.cols[0];
		var rows = data.rows.map(function (r) {
			var c = r.cells[0];
			return {label: r.label, flag: r.flag, value: c.value, lo: c.lo, hi: c.hi, text: c.text};
		});
		var have = rows.filter(function (r) { return r.value != null; });
		if (!have.length) return null;
		var none = rows.filter(function (r) { return r.value == null; });
		var ci = have.filter(function (r) { return r.lo != null; });
		var ref = num(table.getAttribute("data-ref"));

		var labels = rows.map(function (r) { return r.label; });
		var longest = d3.max(labels, function (l) { return l.length; }) || 1;
		var marginRight = Math.round(Math.max(36, (d3.max(have, function (r) { return r.text.length; }) || 4) * CHAR_PX + 12));
		// Wide: labels on the left, taking what they need up to 40% of the
		// width and wrapping beyond. Narrow (a phone): each label on its own
		// line above its bar, so the bars keep the whole width.
		var narrow = width < 520;
		// Plot wraps text by its own estimate of text width, which runs narrower
		// than many system fonts; giving it 80% of the room keeps wrapped
		// labels inside it.
		var WRAP = 0.8;
		var marginLeft, lineEm, lines, rowH, labelH = 0, gapTop = 0;
		if (narrow) {
			marginLeft = 4;
			lineEm = (width - marginLeft - 8) / FONT_PX * WRAP;
			lines = Math.min(3, d3.max(labels, function (l) { return Math.ceil(l.length * EM_PER_CHAR / lineEm); }) || 1);
			gapTop = 8;
			labelH = lines * 14 + 3; // 12 px text, line height 1.15
			rowH = gapTop + labelH + 22;
		} else {
			marginLeft = Math.round(Math.max(56, Math.min(width * 0.4, longest * CHAR_PX + 16)));
			lineEm = (marginLeft - 12) / FONT_PX * WRAP;
			lines = Math.min(4, d3.max(labels, function (l) { return Math.ceil(l.length * EM_PER_CHAR / lineEm); }) || 1);
			rowH = Math.max(28, lines * 15 + 12);
		}

		var xmax = d3.max(have, function (r) { return Math.max(r.value, r.hi == null ? r.value : r.hi); });
		if (ref != null) xmax = Math.max(xmax, ref);
		var xmin = Math.min(0, d3.min(have, function (r) { return r.lo == null ? r.value : Math.min(r.lo, r.value); }));
		// Each row is one band of rowH px. Wide: the bar is centred in it.
		// Narrow: a gap, the label, then the bar; bar marks are inset to the
		// bar's strip and centred marks (whiskers, value text) shifted onto it.
		var inTop = narrow ? gapTop + labelH : 0;
		var barH = narrow ? 18 : Math.round(rowH * 0.72);
		var padB = narrow ? rowH - inTop - barH - 2 : (rowH - barH) / 2;
		var padT = narrow ? inTop : (rowH - barH) / 2;
		var shift = (padT - padB) / 2; // from the band's centre to the bar's centre
		var tick = Math.max(2, Math.round(barH * 0.2));
		var end = function (r) { return Math.max(r.value, r.hi == null ? r.value : r.hi); };

		var marks = [
			Plot.barX(have, {x: "value", y: "label", fill: COLOURS[0], insetTop: padT, insetBottom: padB}),
		];
		// Narrow: the zero line and the reference line run only through the
		// bars' strips, so they do not strike through the labels above them.
		var rule = function (x, o) {
			return narrow ? Plot.tickX(rows, Object.assign({x: function () { return x; }, y: "label", insetTop: padT, insetBottom: padB}, o)) : Plot.ruleX([x], o);
		};
		marks.push(rule(0, {stroke: INK}));
		if (ref != null) marks.push(rule(ref, {stroke: INK, strokeWidth: 1.5, strokeDasharray: "5,3"}));
		if (ci.length) {
			// Whiskers in near-black: visible over the blue bar and over white.
			marks.push(Plot.ruleY(ci, {y: "label", x1: "lo", x2: "hi", stroke: INK, strokeWidth: 1.5, dy: shift}));
			marks.push(Plot.tickX(ci, {y: "label", x: "lo", stroke: INK, strokeWidth: 1.5, insetTop: padT + tick, insetBottom: padB + tick}));
			marks.push(Plot.tickX(ci, {y: "label", x: "hi", stroke: INK, strokeWidth: 1.5, insetTop: padT + tick, insetBottom: padB + tick}));
		}
		marks.push(Plot.text(have, {x: end, y: "label", text: "text", textAnchor: "start", dx: 5, dy: shift, fill: INK}));
		if (none.length) marks.push(Plot.text(none, {x: 0, y: "label", text: function () { return "no data"; }, textAnchor: "start", dx: 5, dy: shift, fill: MUTED, fontStyle: "italic"}));
		if (narrow) {
			marks.push(Plot.text(rows, {
				x: xmin, y: "label", text: "label", textAnchor: "start", lineAnchor: "top",
				dy: -rowH / 2 + gapTop, lineWidth: lineEm, lineHeight: 1.15, fill: INK
			}));
		} else {
			marks.push(Plot.axisY({tickSize: 0, lineWidth: lineEm, label: null}));
		}

		var svg = Plot.plot({
			width: width,
			height: rows.length * rowH + 44,
			marginLeft: marginLeft, marginRight: marginRight, marginTop: 4, marginBottom: 40,
			style: {fontSize: FONT_PX + "px", fontFamily: "inherit", color: INK, background: "transparent"},
			x: {domain: [xmin, xmax], nice: true, grid: true, label: col.name, labelAnchor: "center", labelArrow: "none"},
			// paddingInner/Outer 0: the row height above is the band; insets make the gaps.
			y: {domain: labels, label: null, axis: narrow ? null : undefined, padding: 0},
			marks: marks
		});

		var legend = null;
		if (ci.length || ref != null) {
			legend = document.createElement("ul");
			if (ci.length) legendItem(legend, whiskerSwatch(), "lines: " + (table.getAttribute("data-ci") || "95% interval"));
			if (ref != null) legendItem(legend, swatch(INK, "5,3"), "dashed line at " + fmtNum(ref) + (ref === 1 ? ": no difference" : ""));
		}
		return {svg: svg, legend: legend};
	}

	function whiskerSwatch() {
		var svg = document.createElementNS(SVG_NS, "svg");
		svg.setAttribute("width", "28"); svg.setAttribute("height", "12"); svg.setAttribute("focusable", "false");
		svg.innerHTML = '<path d="M3 6H25M3 2V10M25 2V10" stroke="' + INK + '" stroke-width="1.5" fill="none"/>';
		return svg;
	}

	// ---- drawing and redrawing -------------------------------------------

	function draw(figure) {
		var table = figure.querySelector("table[data-chart]");
		if (!table) return;
		var kind = table.getAttribute("data-chart");
		var width = Math.min(Math.floor(figure.clientWidth), 1000);
		if (width < 120) return; // hidden or not laid out yet; the observer calls again
		var old = figure.querySelector(":scope > .chart-plot");
		var out = null;
		try {
			var data = readTable(table);
			if (data) out = kind === "bar" ? barChart(data, table, width) : kind === "line" ? lineChart(data, table, width) : null;
		} catch (err) {
			// A chart that cannot be drawn must not break the page: keep the table.
			if (window.console) console.warn("charts.js: not drawn", err);
			out = null;
		}
		if (!out) { if (old) old.remove(); return; }

		var svg = out.svg.tagName.toLowerCase() === "svg" ? out.svg : out.svg.querySelector("svg");
		var box = document.createElement("div");
		box.className = "chart-plot";
		if (out.legend) {
			out.legend.className = "chart-legend";
			out.legend.setAttribute("aria-hidden", "true"); // the table says the same in words
			box.appendChild(out.legend);
		}
		// Plot labels its inner groups for assistive technology; inside a
		// role="img" they are never read and are invalid ARIA, so drop them.
		Array.prototype.forEach.call(out.svg.querySelectorAll("[aria-label], [aria-description]"), function (n) {
			n.removeAttribute("aria-label");
			n.removeAttribute("aria-description");
		});
		out.svg.setAttribute("role", "img");
		out.svg.setAttribute("aria-label", ariaLabel(figure));
		if (svg) svg.classList.add("chart-svg");
		box.appendChild(out.svg);

		var anchor = table.closest(".table-wrap");
		// A long table may sit in <details class="table-details" open>: open
		// without JavaScript (the table is the chart), folded once the chart
		// is drawn above it.
		var fold = anchor && anchor.parentNode && anchor.parentNode.matches("details.table-details") ? anchor.parentNode : null;
		if (fold && fold.parentNode === figure) anchor = fold;
		else if (!anchor || anchor.parentNode !== figure) anchor = table;
		if (old) old.replaceWith(box);
		else {
			anchor.parentNode.insertBefore(box, anchor);
			if (fold) fold.open = false;
		}
		state.get(figure).width = width;
	}

	function setup(figure) {
		if (state.has(figure)) return;
		// A chart restored from an htmx history snapshot is a dead copy: replace it.
		var stale = figure.querySelector(":scope > .chart-plot");
		if (stale) stale.remove();
		var st = {width: 0, timer: 0, observer: null};
		state.set(figure, st);
		draw(figure);
		var redraw = function () {
			clearTimeout(st.timer);
			st.timer = setTimeout(function () {
				if (!figure.isConnected) { if (st.observer) st.observer.disconnect(); return; }
				var w = Math.min(Math.floor(figure.clientWidth), 1000);
				if (Math.abs(w - st.width) >= 8) draw(figure);
			}, 150);
		};
		if (window.ResizeObserver) {
			st.observer = new ResizeObserver(redraw);
			st.observer.observe(figure);
		} else {
			window.addEventListener("resize", redraw);
		}
	}

	function scan(root) {
		var scope = root && root.querySelectorAll ? root : document;
		var figs = scope.querySelectorAll("figure.chart");
		Array.prototype.forEach.call(figs, setup);
		if (scope.matches && scope.matches("figure.chart")) setup(scope);
	}

	scan(document);
	// htmx swaps in new #main content when a filter changes; draw its charts.
	document.addEventListener("htmx:load", function (e) { scan(e.detail && e.detail.elt); });
	document.addEventListener("htmx:historyRestore", function () { scan(document); });

	window.charter = window.charter || {};
	window.charter.charts = {scan: scan, draw: draw};
})();
