/* Filters chosen by name: a search box offers what /lookup/<kind>/?q= finds (debounced); choosing one puts its id
   into the hidden filter field (organisation, round) or its "名称（代码）" into the region box. A name that matches
   nothing says so and sends no request. */
(function () {
  "use strict";
  var DELAY = 250;

  function fill(list, results) {
    list.textContent = "";
    results.forEach(function (row) {
      var option = document.createElement("option");
      option.value = row.label;
      option.dataset.value = row.value;
      list.appendChild(option);
    });
  }

  function chosen(input) {
    var options = input.list ? input.list.options : [];
    for (var i = 0; i < options.length; i++) {
      if (options[i].value === input.value) { return options[i]; }
    }
    return null;
  }

  function setUp(input) {
    if (input.dataset.lookupReady) { return; }
    input.dataset.lookupReady = "1";
    var timer = null;
    var hidden = input.dataset.target ? document.getElementById(input.dataset.target) : null;
    var message = hidden ? document.getElementById(input.dataset.target + "-message") : null;
    // A pick from the list filters at once (below); the change the browser sends when the box then loses focus
    // carries the same value and would only ask again (and abort the answer on its way).
    input.addEventListener("change", function (event) {
      if (input.dataset.sent === input.value) { event.stopImmediatePropagation(); }
    });
    input.addEventListener("input", function () {
      delete input.dataset.sent;
      clearTimeout(timer);
      if (message) { message.textContent = ""; }
      var text = input.value.trim();
      if (chosen(input)) {  // picked from the list: filter now, not only when the box loses focus
        input.dispatchEvent(new Event("change", {bubbles: true}));
        input.dataset.sent = input.value;
        return;
      }
      if (!text) { return; }
      timer = setTimeout(function () {
        fetch(input.dataset.lookupUrl + "?q=" + encodeURIComponent(text), {headers: {"Accept": "application/json"}})
          .then(function (response) { return response.json(); })
          .then(function (data) {
            fill(input.list, data.results);
            if (message && !data.results.length) { message.textContent = "未找到名称含“" + text + "”的记录"; }
          });
      }, DELAY);
    });
    if (!hidden) { return; }  // the region box is the filter field itself: the server resolves names and codes
    input.addEventListener("change", function (event) {
      var option = chosen(input);
      if (!input.value.trim()) {
        hidden.value = "";
      } else if (option) {
        hidden.value = option.dataset.value;
        if (message) { message.textContent = ""; }
      } else {
        event.stopPropagation();  // nothing chosen: keep the list as it is rather than filtering by nothing
        if (message) { message.textContent = "未找到“" + input.value.trim() + "”，请从列表中选择"; }
      }
    });
  }

  function init(root) { (root || document).querySelectorAll("input.lookup").forEach(setUp); }
  document.addEventListener("DOMContentLoaded", function () { init(); });
  // Content htmx brings in (an article's review row saved in place) gets its typeahead too.
  document.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
})();
