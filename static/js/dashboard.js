/* The dashboard's charts (templates/ledgers/dashboard.html), drawn with the vendored ECharts.
 *
 * The figures come from the page (json_script "dashboard-data"): per chart its kind, categories and
 * series, each value with the URL of the list that shows exactly the rows counted. Clicking a bar opens
 * that list. Charts follow their card's width (phones included); the tables under each chart carry the
 * same figures and links without JavaScript.
 */
(function () {
  "use strict";

  var PALETTE = ["#0d6efd", "#20c997", "#fd7e14", "#6f42c1", "#d63384", "#0dcaf0", "#ffc107", "#6c757d"];
  var PUNCTUALITY = ["#198754", "#fd7e14", "#dc3545"];

  function narrow(el) {
    return el.clientWidth < 520;
  }

  function baseOption(spec, el) {
    return {
      color: spec.kind === "stacked_h" ? PUNCTUALITY : PALETTE,
      animation: false,
      // Drawn on the canvas: an HTML tooltip carries style="" attributes, which the CSP (style-src 'self') blocks.
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true, renderMode: "richText" },
      // Room for the legend above, and for the value labels beside horizontal bars or above the tallest bar.
      grid: { left: 8, right: spec.kind === "funnel" ? 84 : spec.kind === "hbars" ? 36 : 24,
              top: spec.series.length > 1 ? 40 : 24, bottom: 8, containLabel: true },
      legend: spec.series.length > 1 ? { top: 0, type: "scroll", textStyle: { fontSize: narrow(el) ? 11 : 12 } } : undefined,
      textStyle: { fontFamily: "inherit" }
    };
  }

  function categoryAxis(spec, el, horizontal) {
    var axis = { type: "category", data: spec.categories, axisTick: { alignWithLabel: true } };
    if (horizontal) {
      axis.inverse = true; // the first category on top, as in the table
      axis.axisLabel = { width: narrow(el) ? 96 : 150, overflow: "truncate" };
    } else {
      axis.axisLabel = { interval: 0, rotate: narrow(el) && spec.categories.length > 4 ? 45 : 0, hideOverlap: false };
    }
    return axis;
  }

  function valueAxis(el) {
    return { type: "value", minInterval: 1, splitNumber: narrow(el) ? 3 : 5, splitLine: { lineStyle: { type: "dashed" } } };
  }

  function series(spec, el) {
    var stacked = spec.kind === "stacked" || spec.kind === "stacked_h";
    var horizontal = spec.kind === "hbars" || spec.kind === "funnel" || spec.kind === "stacked_h";
    return spec.series.map(function (s) {
      var item = { name: s.name, type: "bar", data: s.data, barMaxWidth: 36, emphasis: { focus: "series" } };
      if (stacked) {
        item.stack = "total";
      }
      if (!stacked) {
        // Two bars per township on a phone leave no room for their figures (the table has them).
        var crowded = spec.kind === "grouped" && narrow(el) && spec.categories.length > 5;
        item.label = { show: !crowded, position: horizontal ? "right" : "top", fontSize: 11 };
      }
      if (spec.kind === "funnel" && spec.rates) {
        item.label.formatter = function (p) {
          var rate = spec.rates[p.dataIndex];
          return rate === null || rate === undefined ? String(p.value) : p.value + "（" + rate + "%）";
        };
        item.colorBy = "data";
      }
      if (spec.kind === "grouped") {
        item.label.formatter = function (p) { return p.value === null ? "" : String(p.value); };
      }
      return item;
    });
  }

  function option(spec, el) {
    var horizontal = spec.kind === "hbars" || spec.kind === "funnel" || spec.kind === "stacked_h";
    var opt = baseOption(spec, el);
    if (horizontal) {
      opt.xAxis = valueAxis(el);
      opt.yAxis = categoryAxis(spec, el, true);
    } else {
      opt.xAxis = categoryAxis(spec, el, false);
      opt.yAxis = valueAxis(el);
      if (spec.kind === "grouped") {
        opt.yAxis.minInterval = 0;
      }
    }
    opt.series = series(spec, el);
    return opt;
  }

  function draw(el, spec) {
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option(spec, el));
    chart.on("click", function (params) {
      var s = spec.series[params.seriesIndex];
      var url = s && s.urls[params.dataIndex];
      if (url) {
        window.location.href = url;
      }
    });
    var width = el.clientWidth;
    var resize = function () {
      if (el.clientWidth === width) {
        return;
      }
      width = el.clientWidth;
      chart.setOption(option(spec, el), { replaceMerge: ["series"] });
      chart.resize();
    };
    if (window.ResizeObserver) {
      new ResizeObserver(resize).observe(el);
    } else {
      window.addEventListener("resize", resize);
    }
  }

  function start() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    var source = document.getElementById("dashboard-data");
    if (!source || !window.echarts) {
      return;
    }
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var spec = data[el.getAttribute("data-chart")];
      if (spec) {
        draw(el, spec);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
