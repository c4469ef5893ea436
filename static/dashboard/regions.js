/* The region filter's cascade 省 → 市 → 县 (templates/includes/region_filter.html): one <select> a level, filled
   from dashboard:region_levels with the regions under the one chosen above that the user may see. Choosing one
   writes "名称（代码）" into the region box before the change reaches the form, so the form filters by it; "全部"
   goes back to the level above. A name or code typed into the box redraws the cascade for it. The selects have
   no name: only the box travels in the URL. */
(function () {
  "use strict";

  function draw(cascade, levels) {
    cascade.textContent = "";
    levels.forEach(function (level, index) {
      var label = document.createElement("label");
      label.className = "region-level";
      label.appendChild(document.createTextNode(level.label + " "));
      var select = document.createElement("select");
      select.dataset.index = index;
      if (!level.fixed) { select.add(new Option("全部", "")); }
      level.options.forEach(function (option) {
        var item = new Option(option.name, option.value, false, option.value === level.selected);
        item.dataset.label = option.label;
        select.add(item);
      });
      select.disabled = level.fixed;
      label.appendChild(select);
      cascade.appendChild(label);
    });
  }

  function load(cascade, value) {
    var url = cascade.dataset.levelsUrl + "?region=" + encodeURIComponent(value || "");
    fetch(url, {headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (data) { draw(cascade, data.levels); });
  }

  function setUp(cascade) {
    if (cascade.dataset.ready) { return; }
    cascade.dataset.ready = "1";
    var box = document.getElementById(cascade.dataset.box);
    cascade.addEventListener("change", function (event) {
      var select = event.target;
      var option = select.selectedOptions[0];
      var chosen = option && option.value ? option : null;
      if (!chosen) {  // 全部: the region chosen one level up, unless that is the user's own (fixed) region
        var above = cascade.querySelector("select[data-index='" + (Number(select.dataset.index) - 1) + "']");
        chosen = above && !above.disabled ? above.selectedOptions[0] : null;
      }
      box.value = chosen ? chosen.dataset.label : "";
      load(cascade, box.value);
    });
    box.addEventListener("change", function () { load(cascade, box.value); });
    load(cascade, box.value);
  }

  function init() { document.querySelectorAll(".region-cascade").forEach(setUp); }
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:historyRestore", init);
})();
