/* Small behaviours of the pages, kept out of the HTML: the Content-Security-Policy allows no inline
 * script nor event-handler attribute (docs/security.md, « Déploiement »).
 *
 * - <input data-select-on-focus>: its whole text is selected when it gets the focus (a secret to copy).
 * - <form data-upload-progress> sent by htmx: the <progress> inside shows how much of the file is sent.
 */
(function () {
  "use strict";

  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("input[data-select-on-focus]")) {
      target.select();
    }
  });

  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target && event.target.closest ? event.target.closest("form[data-upload-progress]") : null;
    var progress = form ? form.querySelector("progress") : null;
    if (progress && event.detail && event.detail.total) {
      progress.value = (event.detail.loaded / event.detail.total) * 100;
    }
  });
})();
