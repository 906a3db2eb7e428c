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
  // A refused or failed htmx request (a session that ended, a role that may not, a server error) would
  // otherwise leave the button doing nothing: say so, in the page's language, above the content.
  function tell(text) {
    var main = document.querySelector("main");
    if (!main || !text) return;
    var old = main.querySelector("[data-htmx-alert]");
    if (old) old.remove();
    var alert = document.createElement("div");
    alert.className = "alert alert-danger alert-dismissible fade show";
    alert.setAttribute("role", "alert");
    alert.setAttribute("data-htmx-alert", "");
    alert.textContent = text;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("data-bs-dismiss", "alert");
    alert.appendChild(close);
    main.prepend(alert);
  }
  document.addEventListener("htmx:responseError", function () {
    var main = document.querySelector("main");
    tell(main && main.dataset.htmxError);
  });
  document.addEventListener("htmx:sendError", function () {
    var main = document.querySelector("main");
    tell(main && main.dataset.htmxOffline);
  });
  if (window.htmx) {
    window.htmx.onLoad(applyWidths);  // the page and every piece htmx swaps in
  } else {
    document.addEventListener("DOMContentLoaded", function () { applyWidths(document); });
  }
})();
