/* Liên Thông – the header on phones and tables as cards (issue 18). No framework; loaded in <head>.
   Without this script every part of the header stays visible and tables keep their columns. */
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  var toggle = document.querySelector(".navtoggle");
  var menu = document.getElementById("topmenu");
  if (toggle && menu) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      menu.classList.toggle("open", open);
    });
  }
  // On a phone a list's filters fold under one line (open when a value was refused).
  var narrow = window.matchMedia("(max-width: 760px)").matches;
  document.querySelectorAll("form.filters").forEach(function (form) {
    if (!narrow || form.closest("details")) { return; }
    var fold = document.createElement("details");
    fold.className = "filters-fold";
    var summary = document.createElement("summary");
    summary.textContent = document.body.getAttribute("data-filters-label") || "Bộ lọc";
    fold.appendChild(summary);
    fold.open = !!form.querySelector(".error, .has-error, .errorlist");
    form.parentNode.insertBefore(fold, form);
    fold.appendChild(form);
  });
  // On a narrow screen each row of a list reads as a card: every cell is labelled with its column's heading.
  document.querySelectorAll("table.grid").forEach(function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    if (!heads.length) { return; }
    table.classList.add("cards");
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        if (heads[column] && !cell.hasAttribute("data-label") && (cell.colSpan || 1) === 1) {
          cell.setAttribute("data-label", heads[column]);
        }
        column += cell.colSpan || 1;
      });
    });
  });
});
