/* Site selection: pick candidate communes by clicking the map.
 *
 * The map <svg data-pick-*> carries its projection (equirectangular, x scaled by cos of the mean latitude).
 * A click is turned back into a longitude and latitude, the nearest commune is asked from
 * data-pick-url (JSON {code, name}), and its INSEE code is added to the candidates field
 * (data-pick-target). The list itself stays a plain text field: without JavaScript, users type it.
 */
(function () {
  "use strict";

  function number(svg, name) {
    return parseFloat(svg.getAttribute("data-pick-" + name));
  }

  function onClick(event) {
    var holder = event.currentTarget;
    var svg = holder.querySelector("svg[data-pick-scale]");
    var field = document.getElementById(holder.getAttribute("data-pick-target"));
    var status = holder.querySelector("[role=status]");
    if (!svg || !field) {
      return;
    }
    var point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    var local = point.matrixTransform(svg.getScreenCTM().inverse());
    var scale = number(svg, "scale");
    var padding = number(svg, "padding");
    var lon = (local.x - padding) / (number(svg, "k") * scale) + number(svg, "min-lon");
    var lat = number(svg, "max-lat") - (local.y - padding) / scale;
    var url = holder.getAttribute("data-pick-url").replace("0.0/0.0/", lat.toFixed(5) + "/" + lon.toFixed(5) + "/");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (!data.code) {
          status.textContent = data.error || "Aucune commune trouvée.";
          return;
        }
        var codes = field.value.split(/[,;\n]+/).map(function (c) { return c.trim(); }).filter(Boolean);
        if (codes.indexOf(data.code) === -1) {
          codes.push(data.code);
          field.value = codes.join(", ");
        }
        status.textContent = data.name + " (" + data.code + ") ajoutée : " + codes.length + " commune(s) dans la liste.";
      })
      .catch(function () {
        status.textContent = "La commune n'a pas pu être trouvée : saisissez son code INSEE.";
      });
  }

  function init(root) {
    (root || document).querySelectorAll("[data-pick-url]").forEach(function (holder) {
      if (!holder.dataset.pickReady) {
        holder.dataset.pickReady = "1";
        holder.addEventListener("click", onClick);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
})();
