// The API documentation page (templates/docs.html): one Swagger UI over every
// service's OpenAPI document, listed by the page in data-specs.
"use strict";

(() => {
  const names = document.getElementById("swagger-ui").dataset.specs.split(" ").filter(Boolean);
  window.ui = SwaggerUIBundle({
    urls: names.map((name) => ({ url: `/docs/specs/${encodeURIComponent(name)}.json`, name })),
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "StandaloneLayout",
  });
})();
