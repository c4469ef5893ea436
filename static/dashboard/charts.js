/* Draws the dashboard charts with Apache ECharts (static/vendor/echarts). The data of each chart sits in a
   json_script element named by data-source; no inline script is needed (the CSP forbids them). */
(function () {
  "use strict";
  // Okabe–Ito: distinguishable with colour-blindness and in greyscale print (with the dashed second line).
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"];
  var NAMES = { rate: "整改率", on_time_rate: "按期整改率" };
  var charts = [];

  function resizeAll() {
    charts.forEach(function (chart) { chart.resize(); });
  }

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  var LINE = 8;  // characters per line of an axis label

  function wrap(value) {
    var lines = [];
    for (var i = 0; i < value.length && lines.length < 3; i += LINE) { lines.push(value.slice(i, i + LINE)); }
    if (value.length > LINE * 3) { lines[2] = lines[2].slice(0, LINE - 1) + "…"; }
    return lines.join("\n");
  }

  function series(kind, source) {
    return ["rate", "on_time_rate"].map(function (key, index) {
      var one = { name: NAMES[key], type: kind, data: source[key], connectNulls: true };
      if (kind === "line") {
        one.lineStyle = { width: 2, type: index ? "dashed" : "solid" };
        one.symbol = index ? "triangle" : "circle";
      } else {
        one.itemStyle = index ? { decal: { symbol: "rect", dashArrayX: [1, 0], dashArrayY: [2, 3], rotation: 0.8 } } : {};
        one.label = { show: source.labels.length <= 8, position: "top", formatter: "{c}" };
      }
      return one;
    });
  }

  function draw(node) {
    if (node.dataset.drawn || typeof echarts === "undefined") { return; }
    var source = data(node.dataset.source);
    if (!source) { return; }
    var kind = node.dataset.chart;
    // SVG renders sharply in print and in screenshots.
    var chart = echarts.init(node, null, { renderer: "svg", locale: "ZH" });
    chart.setOption({
      color: PALETTE,
      aria: { enabled: true, decal: { show: true } },
      animation: false,
      // richText: the tooltip is drawn inside the SVG (an HTML tooltip sets inline styles, which the CSP blocks).
      tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + "%"; } },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: kind === "bar" ? 72 : 40, containLabel: true },
      // Long round names wrap onto lines (rotated when there are many bars); the tooltip shows the full name.
      // A trend's dates are short: shown whole, as many as fit (wrapping split them as 2025-12- / 07).
      xAxis: { type: "category", data: source.labels, triggerEvent: true,
        axisLabel: kind === "bar" ? { interval: 0, rotate: source.labels.length > 6 ? 30 : 0, formatter: wrap }
          : { interval: "auto", hideOverlap: true } },
      yAxis: { type: "value", min: 0, max: 100, name: "%" },
      series: series(kind, source)
    });
    if (source.links) {
      // A click on a bar (or its axis label) opens that round's or region's page.
      node.classList.add("chart-links");
      chart.on("click", function (params) {
        var index = params.componentType === "xAxis" ? source.labels.indexOf(params.value) : params.dataIndex;
        if (source.links[index]) { window.location.href = source.links[index]; }
      });
    }
    node.dataset.drawn = "1";
    charts.push(chart);
  }

  // Redraw at the size of the print layout (A4 columns) and back: the print media query flips while printing.
  window.addEventListener("resize", resizeAll);
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
  if (window.matchMedia) {
    var print = window.matchMedia("print");
    if (print.addEventListener) { print.addEventListener("change", resizeAll); }
  }

  function drawAll(root) {
    (root || document).querySelectorAll("[data-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawAll(document);
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
  document.addEventListener("htmx:afterSwap", function (event) { drawAll(event.target); });
})();
