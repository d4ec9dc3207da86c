// dl-lessons site: draw each chart's Vega or Vega-Lite spec with vega-embed over its PNG (the PNG
// stays when this fails or scripts are off). Runs under the page's Content-Security-Policy: no
// eval, so vega evaluates expressions with its interpreter (ast: true + vega.expressionInterpreter).
// Charts wider than their column are scaled down to fit it by site.css (nothing is cut off); such a
// chart gets a button to see it at full size in a scroll box, and back.
(function () {
  "use strict";
  function offerFullSize(fig) {
    var d = fig.querySelector(".chart-view svg.marks, .chart-view canvas.marks");
    if (!d) return;
    var natural = d.tagName.toLowerCase() === "svg" ? Number(d.getAttribute("width")) : d.width / (window.devicePixelRatio || 1);
    var shown = d.getBoundingClientRect().width;
    if (!(natural > shown + 1)) return;
    var fit = "Shown at " + Math.round((100 * shown) / natural) + " %: see it full size \u2194";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "chart-size";
    button.textContent = fit;
    button.addEventListener("click", function () {
      var full = fig.classList.toggle("full-size");
      button.textContent = full ? "Full size (scroll sideways): fit it to the column" : fit;
    });
    fig.insertBefore(button, fig.firstChild);
  }

  var figures = Array.prototype.slice.call(document.querySelectorAll("figure.chart[data-mode]"));
  if (typeof vegaEmbed !== "function" || typeof vega === "undefined" || !vega.expressionInterpreter) {
    figures.forEach(function (fig) { fig.classList.add("embed-failed"); });
    if (figures.length) console.error("vega-embed did not load: charts stay as images");
    return;
  }
  figures.forEach(function (fig) {
    var holder = fig.querySelector("script.chart-spec");
    var view = fig.querySelector(".chart-view");
    var mode = fig.getAttribute("data-mode");
    var spec;
    try {
      if (!holder || !view || (mode !== "vega" && mode !== "vega-lite")) throw new Error("not a chart of this site");
      spec = JSON.parse(holder.textContent);
    } catch (err) {
      fig.classList.add("embed-failed");
      console.error("chart " + fig.id + " has no usable spec: " + err);
      return;
    }
    var big = JSON.stringify(spec).length > 200000;
    vegaEmbed(view, spec, {
      mode: mode,
      renderer: big ? "canvas" : "svg",
      ast: true,
      expr: vega.expressionInterpreter,
      actions: { export: true, source: false, compiled: false, editor: false },
      downloadFileName: fig.id
    }).then(function () {
      fig.classList.add("embedded");
      offerFullSize(fig);
    }).catch(function (err) {
      fig.classList.add("embed-failed");
      console.error("chart " + fig.id + " could not be drawn: " + err);
    });
  });
})();
