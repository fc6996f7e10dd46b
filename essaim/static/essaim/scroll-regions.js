// A table wider than its frame scrolls sideways: the frame then becomes focusable, so that a keyboard user
// can scroll it too (WCAG 2.1.1, axe « scrollable-region-focusable »), and a region named after the
// table's caption. Run once the page is read and after each htmx swap.
(function () {
  "use strict";
  function markScrollingFrames(root) {
    root.querySelectorAll(".table-wrap, .scroll-table").forEach(function (frame) {
      var scrolls = frame.scrollWidth > frame.clientWidth || frame.scrollHeight > frame.clientHeight;
      if (!scrolls || frame.hasAttribute("tabindex")) {
        return;
      }
      var caption = frame.querySelector("caption");
      frame.setAttribute("tabindex", "0");
      frame.setAttribute("role", "region");
      frame.setAttribute("aria-label", caption && caption.textContent.trim() ? caption.textContent.trim() : "Tableau défilant");
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    markScrollingFrames(document);
  });
  document.addEventListener("htmx:afterSettle", function () {
    markScrollingFrames(document);
  });
})();
