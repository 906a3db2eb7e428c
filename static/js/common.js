// Behaviour every page may use, without inline script or style (the Content-Security-Policy
// allows neither): print buttons and bar widths given as data attributes.
(function () {
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
  function applyWidths(root) {
    root.querySelectorAll("[data-width]").forEach(function (el) {
      el.style.width = el.dataset.width + "%";  // CSSOM, which style-src does not restrict
    });
  }
  if (window.htmx) {
    window.htmx.onLoad(applyWidths);  // the page and every piece htmx swaps in
  } else {
    document.addEventListener("DOMContentLoaded", function () { applyWidths(document); });
  }
})();
