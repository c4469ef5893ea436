// Polls an import's progress and reloads the page once the import has finished.
(function () {
  "use strict";
  var box = document.querySelector(".ledger-progress");
  if (!box) { return; }
  var bar = document.getElementById("ledger-progress-bar");
  var text = document.getElementById("ledger-progress-text");
  var status = document.getElementById("ledger-status");

  function show(data) {
    status.textContent = data.status_label;
    if (data.rows_total > 0) {
      bar.max = data.rows_total;
      bar.value = Math.min(data.rows_processed, data.rows_total);
    }
    if (data.status === "running" && data.rows_total > 0 && data.rows_processed >= data.rows_total) {
      text.textContent = "校验完成，正在写入数据库…";
    } else {
      text.textContent = "已校验 " + data.rows_processed + (data.rows_total > 0 ? " / " + data.rows_total : "") + " 行";
    }
  }

  function poll() {
    fetch(box.dataset.progressUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        show(data);
        if (data.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
