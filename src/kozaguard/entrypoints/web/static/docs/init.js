// Swagger UI for /docs, from the files beside this one (swagger-ui-dist 5.35.0, Apache-2.0): no CDN.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    layout: "BaseLayout",
    presets: [SwaggerUIBundle.presets.apis],
  });
});
