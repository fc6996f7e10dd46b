/* Downloads that take a few seconds (steering-committee report…): say so while the file is prepared.
 *
 * Progressive enhancement of <a href="…" download data-download-progress="Préparation du rapport PDF">:
 * the file is fetched, a status line (role="status", read by screen readers) says it is being prepared,
 * then how much has arrived, then that it is downloaded. Without JavaScript, or if anything fails, the
 * link works as a plain download.
 */
(function () {
  "use strict";

  function statusFor(link) {
    var id = link.getAttribute("aria-describedby");
    var status = id ? document.getElementById(id) : null;
    if (!status) {
      status = document.createElement("p");
      status.className = "download-status";
      status.setAttribute("role", "status");
      status.id = "download-status-" + Math.random().toString(36).slice(2);
      link.insertAdjacentElement("afterend", status);
      link.setAttribute("aria-describedby", status.id);
    }
    return status;
  }

  function filenameFrom(response, fallback) {
    var header = response.headers.get("Content-Disposition") || "";
    var match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header);
    return match ? match[1] : fallback;
  }

  function kilobytes(bytes) {
    return Math.round(bytes / 1024).toLocaleString("fr-FR") + " ko";
  }

  async function download(link) {
    var status = statusFor(link);
    var label = link.getAttribute("data-download-progress") || "Préparation du fichier";
    link.setAttribute("aria-disabled", "true");
    link.classList.add("is-busy");
    status.textContent = label + "… cela peut prendre quelques secondes.";
    try {
      var response = await fetch(link.href, { credentials: "same-origin" });
      // An expired session answers with the sign-in page (a redirect, no attachment): let the browser
      // follow the link itself rather than save that page as the report.
      var disposition = response.headers.get("Content-Disposition") || "";
      if (!response.ok || !response.body || response.redirected || disposition.indexOf("attachment") === -1) {
        throw new Error("HTTP " + response.status);
      }
      var reader = response.body.getReader();
      var total = Number(response.headers.get("Content-Length")) || 0;
      var chunks = [];
      var received = 0;
      for (;;) {
        var step = await reader.read();
        if (step.done) break;
        chunks.push(step.value);
        received += step.value.length;
        status.textContent = label + " : " + kilobytes(received) + (total ? " sur " + kilobytes(total) : "") + " reçus…";
      }
      var blob = new Blob(chunks, { type: response.headers.get("Content-Type") || "application/octet-stream" });
      var url = URL.createObjectURL(blob);
      var save = document.createElement("a");
      save.href = url;
      save.download = filenameFrom(response, link.getAttribute("download") || link.pathname.split("/").pop());
      document.body.appendChild(save);
      save.click();
      save.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
      status.textContent = "Fichier prêt : " + (save.download || "téléchargement lancé") + " (" + kilobytes(received) + ").";
    } catch (error) {
      status.textContent = "";
      window.location.href = link.href; // plain download as a fallback
    } finally {
      link.removeAttribute("aria-disabled");
      link.classList.remove("is-busy");
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-download-progress]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    if (link.getAttribute("aria-disabled") === "true") return;
    download(link);
  });
})();
