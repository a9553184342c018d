// Draws the figures a page embedded with json_script (id "figures") into .chart divs.
(function () {
  "use strict";
  var node = document.getElementById("figures");
  if (!node || typeof Plotly === "undefined") { return; }
  var figures = JSON.parse(node.textContent);
  document.querySelectorAll(".chart[data-figure]").forEach(function (div) {
    var name = div.getAttribute("data-figure").replace(/^fig-/, "");
    var fig = figures[name];
    if (!fig) { return; }
    Plotly.newPlot(div, fig.data, fig.layout, { responsive: true, displaylogo: false });
  });
})();
