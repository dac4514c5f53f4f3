// Starts swagger-ui on the API docs page (/api/docs) over the document named
// by data-url. It is a file, not an inline script, because the content
// security policy allows scripts from this site only.
window.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("swagger-ui");
  if (!el || typeof SwaggerUIBundle !== "function") return;
  SwaggerUIBundle({ url: el.getAttribute("data-url"), dom_id: "#swagger-ui", deepLinking: true, tryItOutEnabled: true });
});
