// officer.js: the officer's record form on a phone, on a poor connection.
// Every page works without it; with it:
//   - the form shows only what fits: the objects the chosen power allows,
//     the authorisation for s60/s47A, the registration for a vehicle;
//   - "Use where I am now" fills the place from the phone;
//   - each change is checked on the server (POST /officer/check, debounced)
//     and the answers appear beside the fields the officer has touched;
//   - a record that cannot be sent (no network) is kept in localStorage
//     with its idempotency key and sent, once, when the phone is back
//     online (the `online` event, and every page load of /officer or the
//     form); it leaves the queue only after the server accepted it. The
//     server stores a key once, so sending again is harmless.
(function () {
  "use strict";

  var QUEUE = "charter.queue.v1", SENT = "charter.sent.v1";

  function load(k) {
    try { return JSON.parse(localStorage.getItem(k)) || []; } catch (e) { return []; }
  }
  function save(k, v) {
    try { localStorage.setItem(k, JSON.stringify(v)); } catch (e) { /* storage full or off: nothing to keep it in */ }
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" }
    });
  }
  // A submission was stored when the answer is the receipt's hand-over.
  function accepted(res) {
    return res.ok && res.redirected && /^\/officer\/records\/\d+\/receipt$/.test(new URL(res.url).pathname);
  }

  // ---- the queue ----------------------------------------------------------

  function enqueue(item) {
    var q = load(QUEUE).filter(function (x) { return x.key !== item.key; });
    q.push(item);
    save(QUEUE, q);
  }
  function dequeue(key) {
    save(QUEUE, load(QUEUE).filter(function (x) { return x.key !== key; }));
  }
  function noteSent(item, url) {
    var s = load(SENT);
    s.unshift({ summary: item.summary, url: url, at: new Date().toISOString() });
    save(SENT, s.slice(0, 5));
  }

  var sending = false;
  // sendQueue sends each waiting record once, in the order they were kept.
  function sendQueue() {
    if (sending || !navigator.onLine) return Promise.resolve();
    sending = true;
    var q = load(QUEUE).filter(function (x) { return x.state !== "refused"; });
    var chain = Promise.resolve(true);
    q.forEach(function (item) {
      chain = chain.then(function (go) {
        if (!go) return false;
        return post("/officer/record", item.body).then(function (res) {
          if (accepted(res)) {
            dequeue(item.key);
            noteSent(item, res.url);
            return true;
          }
          if (res.status === 422) { // the checks refuse it: the officer must fix it
            item.state = "refused";
            enqueue(item);
            return true;
          }
          if (res.status === 401 || res.status === 403) {
            item.state = "signin";
            enqueue(item);
          }
          return false; // the server is in trouble or wants a sign-in: try later
        }, function () { return false; }); // offline again
      });
    });
    return chain.then(function () { sending = false; render(); }, function () { sending = false; render(); });
  }

  function el(tag, text) {
    var e = document.createElement(tag);
    if (text) e.textContent = text;
    return e;
  }

  // render shows the queue and the records just sent from it.
  function render() {
    var notice = document.getElementById("offline-notice");
    var form = document.getElementById("record-form");
    if (notice && form) {
      var key = form.elements.idempotency_key.value;
      var mine = load(QUEUE).filter(function (x) { return x.key === key; })[0];
      var sent = load(SENT)[0];
      notice.textContent = "";
      if (mine) {
        notice.appendChild(el("strong", "Saved on this phone, will send when back online."));
        notice.appendChild(document.createTextNode(" Keep this page open; nothing more to do."));
        notice.hidden = false;
      } else if (form.dataset.queued && sent) {
        notice.appendChild(el("strong", "Sent. "));
        var a = el("a", "Hand over the receipt");
        a.href = sent.url;
        a.setAttribute("data-sent-link", "");
        notice.appendChild(a);
        notice.hidden = false;
      }
    }
    var list = document.querySelector("[data-queue-list]");
    if (!list) return;
    var ul = list.querySelector("[data-queue-items]");
    ul.textContent = "";
    var q = load(QUEUE), s = load(SENT);
    q.forEach(function (item) {
      var li = el("li", item.summary + " ");
      if (item.state === "refused") {
        li.appendChild(el("strong", "The checks refused it. "));
        var a = el("a", "Open it to fix");
        a.href = "/officer/record#restore=" + encodeURIComponent(item.key);
        li.appendChild(a);
      } else if (item.state === "signin") {
        li.appendChild(el("strong", "Sign in again to send it."));
      } else {
        li.appendChild(el("small", "waiting for the network"));
      }
      ul.appendChild(li);
    });
    s.forEach(function (x) {
      var li = el("li", x.summary + ": sent. ");
      var a = el("a", "Receipt");
      a.href = x.url;
      li.appendChild(a);
      ul.appendChild(li);
    });
    list.hidden = q.length === 0 && s.length === 0;
  }

  // ---- the form -----------------------------------------------------------

  function summary(form) {
    var t = form.querySelector("input[name=type]:checked");
    return (t ? t.value : "Search") + ", " + (form.elements.date.value || "") + " " + (form.elements.time.value || "");
  }

  // fill puts a queued body back into the form, to fix a refused record.
  function fill(form, body) {
    new URLSearchParams(body).forEach(function (v, k) {
      var c = form.elements[k];
      if (!c) return;
      if (c instanceof RadioNodeList) {
        Array.prototype.forEach.call(c, function (r) { r.checked = r.value === v; });
      } else if (c.type === "checkbox") {
        c.checked = true;
      } else {
        c.value = v;
      }
    });
  }

  function setupForm(form) {
    var leg = form.elements.legislation, obj = form.elements.object_of_search;
    var touched = {}, showAll = !document.getElementById("form-problems").hidden, timer = 0;

    function fieldOf(c) {
      switch (c.name) {
        case "time": return "date";
        case "longitude": return "latitude";
        default: return c.name;
      }
    }

    // Show only what fits the choices made; a field with a value stays.
    function narrow() {
      var opt = leg.options[leg.selectedIndex];
      var allowed = opt && opt.dataset.objects ? opt.dataset.objects.split("|") : null;
      Array.prototype.forEach.call(obj.options, function (o) {
        // Hidden, not disabled: a chosen object the power does not allow is
        // still sent, so the check can say why.
        o.hidden = !!(allowed && o.value && allowed.indexOf(o.value) < 0 && !o.selected);
      });
      var type = form.querySelector("input[name=type]:checked");
      var show = {
        authorised: !!(opt && opt.dataset.authorised) || form.elements.authorisation_id.value !== "",
        vehicle: !!(type && /Vehicle/.test(type.value)) || form.elements.vehicle_registration.value !== ""
      };
      form.querySelectorAll("[data-show-for]").forEach(function (f) { f.hidden = !show[f.dataset.showFor]; });
    }

    var problems = document.getElementById("form-problems");
    function show(errors) {
      var by = {};
      // The server's "not sent" notice goes once nothing is left to fix.
      if (errors.length === 0) problems.hidden = true;
      errors.forEach(function (e) { if (e.field && !(e.field in by)) by[e.field] = e.reason; });
      form.querySelectorAll("[data-error-for]").forEach(function (p) {
        var f = p.dataset.errorFor, msg = (showAll || touched[f]) ? by[f] : "";
        p.textContent = msg || "";
        p.hidden = !msg;
        form.querySelectorAll('[aria-describedby="e-' + f + '"]').forEach(function (c) {
          if (msg) c.setAttribute("aria-invalid", "true"); else c.removeAttribute("aria-invalid");
        });
      });
    }

    function check() {
      if (!navigator.onLine) return;
      post(form.dataset.check, new URLSearchParams(new FormData(form)).toString())
        .then(function (res) { return res.ok ? res.json() : null; })
        .then(function (ans) { if (ans) show(ans.errors || []); }, function () { /* offline: check later */ });
    }
    function later() {
      clearTimeout(timer);
      timer = setTimeout(check, 400);
    }
    function changed(e) {
      if (!e.target.name) return;
      touched[fieldOf(e.target)] = true;
      if (e.target.name === "address") touched.latitude = true;
      narrow();
      later();
    }
    form.addEventListener("change", changed);
    form.addEventListener("input", function (e) {
      if (e.target.tagName === "TEXTAREA" || e.target.type === "text") changed(e);
    });

    var geo = form.querySelector("[data-geolocate]"), readout = form.querySelector("[data-place-readout]");
    if (geo && navigator.geolocation) {
      geo.hidden = false;
      geo.addEventListener("click", function () {
        readout.hidden = false;
        readout.textContent = "Finding where you are…";
        navigator.geolocation.getCurrentPosition(function (p) {
          form.elements.latitude.value = p.coords.latitude.toFixed(6);
          form.elements.longitude.value = p.coords.longitude.toFixed(6);
          readout.textContent = "Pinned at " + p.coords.latitude.toFixed(5) + ", " + p.coords.longitude.toFixed(5) +
            " (to within " + Math.round(p.coords.accuracy) + " m)";
          touched.latitude = true;
          later();
        }, function () {
          readout.textContent = "The phone could not say where you are: type the address instead.";
        }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
      });
    }

    var m = /^#restore=(.+)$/.exec(location.hash);
    if (m) {
      var item = load(QUEUE).filter(function (x) { return x.key === decodeURIComponent(m[1]); })[0];
      if (item) {
        fill(form, item.body);
        showAll = true;
        later();
      }
    }
    narrow();

    if (form.hasAttribute("data-queue")) {
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        var body = new URLSearchParams(new FormData(form)).toString();
        var item = { key: form.elements.idempotency_key.value, body: body, summary: summary(form), saved: new Date().toISOString() };
        var keep = function () {
          form.dataset.queued = "1";
          problems.hidden = true;
          enqueue(item);
          render();
        };
        if (!navigator.onLine) { keep(); return; }
        post(form.action, body).then(function (res) {
          if (accepted(res)) {
            dequeue(item.key);
            location.assign(res.url);
            return;
          }
          // Refused, or trouble on the server: post it the ordinary way,
          // so the page the server answers with (the messages beside the
          // fields) is shown. The same key makes this harmless.
          HTMLFormElement.prototype.submit.call(form);
        }, keep);
      });
    }
  }

  function start() {
    var form = document.getElementById("record-form");
    if (form) setupForm(form);
    render();
    sendQueue();
    window.addEventListener("online", sendQueue);
    window.addEventListener("offline", render);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
