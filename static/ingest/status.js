// Polls the status of articles still being parsed and updates their table cells until they finish.
(function () {
  "use strict";
  function poll(cell) {
    fetch(cell.dataset.statusUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        cell.textContent = data.status_label + (data.error ? "：" + data.error : "");
        cell.className = "status-" + data.status;
        if (!data.finished && cell.isConnected) { window.setTimeout(function () { poll(cell); }, 1500); }
      })
      .catch(function () { if (cell.isConnected) { window.setTimeout(function () { poll(cell); }, 5000); } });
  }
  function start(root) {
    root.querySelectorAll("[data-status-url]").forEach(function (cell) {
      window.setTimeout(function () { poll(cell); }, 700);
    });
  }
  start(document);
  // The filters swap the table (htmx): poll the rows it brought; a row swapped out stops polling.
  document.addEventListener("htmx:afterSwap", function (event) { start(event.detail.target); });
})();
