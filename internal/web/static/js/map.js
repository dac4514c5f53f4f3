/* map.js — choropleth maps of areas, drawn with Leaflet from GeoJSON.
 *
 * Progressive enhancement: the page always has a table with the same
 * numbers (and links to each area); without JavaScript, or if Leaflet or the
 * GeoJSON fails to load, the map box stays hidden and the table is the page.
 *
 * Load order (both `defer`): vendor/leaflet.js, then js/map.js; the page
 * also links vendor/leaflet.css.
 *
 * The markup contract (the Go templates emit exactly this):
 *
 *   <section class="map-block">                         ← wrapper; optional
 *     <label for="map-measure">Colour the map by</label>
 *     <select id="map-measure" data-map-measure>        ← optional measure switch
 *       <option value="rate_per_1000">Searches per 1,000 residents</option>   ← value = property name,
 *       <option value="searches">Searches</option>                             text = legend label
 *     </select>
 *     <div class="map"
 *          data-geojson="/downloads/wards.geojson?borough=E09000002"   ← a FeatureCollection
 *          data-measure="searches"                                     ← property to colour by
 *          data-label="Searches"                                       ← its name in the legend
 *          data-href="/wards/{code}"                                   ← click target; {code} → properties.code
 *          role="region" aria-label="…"></div>                         ← set here if absent
 *     <table class="data">…the same numbers…</table>
 *   </section>
 *
 * Each feature has properties.code, properties.name and numeric properties
 * (searches, rate_per_1000, weapon_crimes, …); null or absent means no data
 * and is drawn grey.
 *
 * There is no tile layer (no tile server is reachable, and the areas are the
 * information): polygons on a plain ground, fitted to their bounds, coloured
 * in 5 quantile classes of a sequential ColorBrewer palette that is safe for
 * colour-blind readers, with a legend (bottom right), a tooltip (name and
 * value) and a click through to the area's page.
 *
 * Keyboard: the map itself is not a tab stop (keyboard: false), only
 * Leaflet's zoom buttons are; every area is reachable from the table's links,
 * so the map adds nothing a keyboard user lacks.
 *
 * The class map-on on the .map (and on its .map-block) is what makes the box
 * and the measure switch visible (see charter.css).
 */
(function () {
	"use strict";

	var L = window.L;
	if (!L || typeof L.map !== "function" || !window.fetch) return; // the table remains

	// ColorBrewer YlGnBu, 5 classes: sequential and colour-blind safe, light
	// (low) to dark (high).
	var PALETTE = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"];
	var NO_DATA = "#bdbdbd";
	var EDGE = "#3d4650";
	var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

	var maps = new WeakMap(); // element → state; not in the DOM, so htmx history snapshots hold no live state

	function value(feature, measure) {
		var v = feature.properties ? feature.properties[measure] : null;
		if (v == null || v === "") return null;
		v = Number(v);
		return isFinite(v) ? v : null;
	}

	// breaks returns the upper bounds of up to 5 quantile classes. Equal
	// bounds are merged, so a measure with few distinct values gets fewer
	// classes rather than empty ones.
	function breaks(values) {
		var v = values.slice().sort(function (a, b) { return a - b; });
		if (!v.length) return [];
		var out = [];
		for (var i = 1; i <= PALETTE.length; i++) {
			var q = v[Math.min(v.length - 1, Math.ceil(i * v.length / PALETTE.length) - 1)];
			if (!out.length || q > out[out.length - 1]) out.push(q);
		}
		return out;
	}

	function classOf(v, bounds) {
		for (var i = 0; i < bounds.length; i++) if (v <= bounds[i]) return i;
		return bounds.length - 1;
	}

	// With fewer classes than colours, spread them over the palette so the
	// ends stay light and dark.
	function colourOf(k, n) {
		if (n <= 1) return PALETTE[2];
		return PALETTE[Math.round(k * (PALETTE.length - 1) / (n - 1))];
	}

	function formatter(values) {
		var integers = values.every(function (v) { return Number.isInteger(v); });
		var max = Math.max.apply(null, values.map(Math.abs).concat([0]));
		var nf = new Intl.NumberFormat("en-GB", {maximumFractionDigits: integers ? 0 : max < 10 ? 2 : 1, minimumFractionDigits: integers ? 0 : max < 10 ? 2 : 1});
		return function (v) { return v == null ? "no data" : nf.format(v); };
	}

	function hrefFor(tpl, code) {
		return tpl.replace(/\{code\}|%7Bcode%7D/gi, encodeURIComponent(code));
	}

	// paint colours every polygon by the current measure and rebuilds the legend.
	function paint(st) {
		var measure = st.measure;
		var values = [];
		st.layer.eachLayer(function (l) { var v = value(l.feature, measure); if (v != null) values.push(v); });
		var bounds = breaks(values), fmt = formatter(values);
		st.fmt = fmt;
		st.layer.eachLayer(function (l) {
			var v = value(l.feature, measure);
			l.setStyle({
				fillColor: v == null ? NO_DATA : colourOf(classOf(v, bounds), bounds.length),
				fillOpacity: 0.85, color: EDGE, weight: 0.8, opacity: 1
			});
			var name = (l.feature.properties && l.feature.properties.name) || (l.feature.properties && l.feature.properties.code) || "";
			// DOM nodes, not an HTML string: area names are data, never markup.
			var tip = document.createElement("span");
			var b = document.createElement("strong");
			b.textContent = name;
			tip.appendChild(b);
			tip.appendChild(document.createElement("br"));
			tip.appendChild(document.createTextNode(st.label + ": " + fmt(v)));
			if (l.getTooltip()) l.setTooltipContent(tip);
			else l.bindTooltip(tip, {sticky: true, direction: "top", opacity: 1});
		});
		legend(st, bounds, values, fmt);
	}

	function legend(st, bounds, values, fmt) {
		var div = st.legendDiv;
		div.textContent = "";
		var title = document.createElement("span");
		title.className = "title";
		title.textContent = st.label;
		div.appendChild(title);
		var ul = document.createElement("ul");
		var min = values.length ? Math.min.apply(null, values) : null;
		bounds.forEach(function (hi, k) {
			var lo = k === 0 ? min : bounds[k - 1];
			var words = k === 0 ? fmt(lo) + " to " + fmt(hi) : "over " + fmt(lo) + " to " + fmt(hi);
			if (k === 0 && lo === hi) words = fmt(hi);
			item(ul, colourOf(k, bounds.length), words);
		});
		var missing = 0;
		st.layer.eachLayer(function (l) { if (value(l.feature, st.measure) == null) missing++; });
		if (missing) item(ul, NO_DATA, "no data");
		div.appendChild(ul);
	}

	function item(ul, colour, words) {
		var li = document.createElement("li");
		var sw = document.createElement("span");
		sw.className = "swatch";
		sw.style.background = colour;
		li.appendChild(sw);
		li.appendChild(document.createTextNode(words));
		ul.appendChild(li);
	}

	function hide(el, block, why, st) {
		if (st && st.legendDiv && st.legendDiv.parentNode && !el.contains(st.legendDiv)) st.legendDiv.remove();
		el.classList.remove("map-on");
		if (block) block.classList.remove("map-on");
		if (why && window.console) console.warn("map.js: no map", why);
	}

	function setup(el) {
		if (maps.has(el)) return;
		var url = el.getAttribute("data-geojson");
		if (!url) return;
		var block = el.closest(".map-block");
		var select = block ? block.querySelector("select[data-map-measure]") : null;
		var st = {
			el: el, block: block, select: select,
			measure: el.getAttribute("data-measure") || "searches",
			label: el.getAttribute("data-label") || el.getAttribute("data-measure") || "Value",
			href: el.getAttribute("data-href")
		};
		maps.set(el, st);

		// A map restored from an htmx history snapshot is Leaflet's DOM without
		// Leaflet behind it: clear it and start again.
		var next = el.nextElementSibling;
		if (next && next.classList.contains("map-legend-below")) next.remove();
		if (el.classList.contains("leaflet-container") || el.firstChild) {
			el.textContent = "";
			Array.prototype.slice.call(el.classList).forEach(function (c) { if (c.indexOf("leaflet-") === 0) el.classList.remove(c); });
		}
		if (!el.hasAttribute("role")) el.setAttribute("role", "region");
		if (!el.hasAttribute("aria-label")) el.setAttribute("aria-label", "Map: " + st.label + " by area; the table below has the same numbers");

		// Shown before Leaflet starts so that it measures a real box.
		el.classList.add("map-on");
		if (block) block.classList.add("map-on");

		var map;
		try {
			map = L.map(el, {
				keyboard: false,              // not a tab stop; the table has every area
				scrollWheelZoom: false,       // the page scrolls past the map, not into it
				dragging: !L.Browser.mobile,  // one finger scrolls the page on a phone; pinch still zooms
				zoomSnap: 0.25,
				zoomAnimation: !reduceMotion,
				fadeAnimation: !reduceMotion,
				markerZoomAnimation: !reduceMotion,
				attributionControl: true
			});
		} catch (err) {
			hide(el, block, err);
			return;
		}
		st.map = map;
		map.attributionControl.setPrefix(false);
		map.attributionControl.addAttribution("Contains OS data © Crown copyright and database right");

		// The legend sits on the map (bottom right) when there is room; on a
		// phone it would cover half the areas, so it goes just below instead.
		if (el.clientWidth >= 480) {
			var Legend = L.Control.extend({
				options: {position: "bottomright"},
				onAdd: function () {
					var div = L.DomUtil.create("div", "map-legend");
					L.DomEvent.disableClickPropagation(div);
					st.legendDiv = div;
					return div;
				}
			});
			new Legend().addTo(map);
		} else {
			st.legendDiv = document.createElement("div");
			st.legendDiv.className = "map-legend map-legend-below";
			el.insertAdjacentElement("afterend", st.legendDiv);
		}

		fetch(url, {headers: {Accept: "application/geo+json, application/json"}, credentials: "same-origin"})
			.then(function (res) {
				if (!res.ok) throw new Error(url + ": HTTP " + res.status);
				return res.json();
			})
			.then(function (gj) {
				if (!el.isConnected) return; // swapped out while loading
				if (!gj || !gj.features || !gj.features.length) throw new Error(url + ": no features");
				st.layer = L.geoJSON(gj, {
					onEachFeature: function (feature, layer) {
						layer.on({
							mouseover: function () { layer.setStyle({weight: 2.5, color: "#000"}); if (layer.bringToFront) layer.bringToFront(); },
							mouseout: function () { layer.setStyle({weight: 0.8, color: EDGE}); },
							click: function () {
								var code = feature.properties && feature.properties.code;
								if (st.href && code) window.location.assign(hrefFor(st.href, String(code)));
							}
						});
					}
				}).addTo(map);
				paint(st);
				map.fitBounds(st.layer.getBounds(), {padding: [8, 8], animate: false});
				map.setMinZoom(map.getZoom() - 1); // no zooming out to an empty ground
			})
			.catch(function (err) {
				map.remove();
				hide(el, block, err, st);
			});

		if (select) {
			// The select starts at the map's own measure.
			for (var i = 0; i < select.options.length; i++) if (select.options[i].value === st.measure) select.selectedIndex = i;
			select.addEventListener("change", function () {
				var opt = select.options[select.selectedIndex];
				if (!opt) return;
				st.measure = opt.value;
				st.label = opt.textContent.trim();
				el.setAttribute("data-measure", st.measure);
				el.setAttribute("data-label", st.label);
				if (st.layer) paint(st);
			});
		}
	}

	function scan(root) {
		var scope = root && root.querySelectorAll ? root : document;
		Array.prototype.forEach.call(scope.querySelectorAll(".map[data-geojson]"), setup);
		if (scope.matches && scope.matches(".map[data-geojson]")) setup(scope);
	}

	scan(document);
	// htmx swaps in new #main content when a filter changes: start its maps.
	document.addEventListener("htmx:load", function (e) { scan(e.detail && e.detail.elt); });
	document.addEventListener("htmx:historyRestore", function () { scan(document); });

	window.charter = window.charter || {};
	window.charter.maps = {scan: scan};
})();
