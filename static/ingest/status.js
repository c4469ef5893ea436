// Polls the status of articles still being parsed and updates their table cells until they finish.
(function () {
  "use strict";
  function poll(cell) {
    fetch(cell.dataset.statusUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        cell.textContent = data.status_label + (data.error ? "：" + data.error : "");
        cell.className = "status-" + data.status;
        if (!data.finished) { window.setTimeout(function () { poll(cell); }, 1500); }
      })
      .catch(function () { window.setTimeout(function () { poll(cell); }, 5000); });
  }
  document.querySelectorAll("[data-status-url]").forEach(function (cell) {
    window.setTimeout(function () { poll(cell); }, 700);
  });
})();
