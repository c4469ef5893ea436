/* List filters (htmx): leave empty fields out of the request, so the pushed URL names only the filters in use. */
(function () {
  "use strict";
  document.addEventListener("htmx:configRequest", function (event) {
    var parameters = event.detail.parameters;
    var empty = [];
    (parameters.keys ? Array.from(parameters.keys()) : Object.keys(parameters)).forEach(function (name) {
      var values = parameters.getAll ? parameters.getAll(name) : [].concat(parameters[name]);
      if (values.every(function (value) { return value === ""; })) { empty.push(name); }
    });
    empty.forEach(function (name) {
      if (parameters.delete) { parameters.delete(name); } else { delete parameters[name]; }
    });
  });
})();
