/* Liên Thông's own small date picker (issue 18): inputs marked data-datepicker="day" hold dd/mm/yyyy and
   data-datepicker="month" hold mm/yyyy, whatever the browser's language. A click or focus opens a calendar
   with Vietnamese month names ("Tháng 12/2026"), Monday first; a chosen day or month is written in the same
   format. Typing stays possible; without this script the inputs are plain text boxes with a placeholder. */
(function () {
  "use strict";
  var DAYS = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"];
  var open = null;
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function parse(input) {
    var v = input.value.trim(), m;
    if (input.dataset.datepicker === "month") {
      m = /^(\d{1,2})\/(\d{4})$/.exec(v);
      return m ? new Date(+m[2], +m[1] - 1, 1) : null;
    }
    m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
    return m ? new Date(+m[3], +m[2] - 1, +m[1]) : null;
  }
  function close() { if (open) { open.remove(); open = null; } }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function button(text, label, onClick) {
    var b = el("button", "dp-nav", text);
    b.type = "button";
    if (label) { b.setAttribute("aria-label", label); }
    b.addEventListener("mousedown", function (e) { e.preventDefault(); });
    b.addEventListener("click", function (e) { e.stopPropagation(); onClick(e); });
    return b;
  }
  function show(input) {
    close();
    var today = new Date(), chosen = parse(input), month = input.dataset.datepicker === "month";
    var view = chosen || today, year = view.getFullYear(), mon = view.getMonth();
    var box = el("div", "datepicker");
    box.setAttribute("role", "dialog");
    function draw() {
      box.textContent = "";
      var head = el("div", "dp-head");
      head.appendChild(button("‹", month ? "Năm trước" : "Tháng trước", function () {
        if (month) { year -= 1; } else { mon -= 1; if (mon < 0) { mon = 11; year -= 1; } }
        draw();
      }));
      head.appendChild(el("strong", "dp-title", month ? "Năm " + year : "Tháng " + (mon + 1) + "/" + year));
      head.appendChild(button("›", month ? "Năm sau" : "Tháng sau", function () {
        if (month) { year += 1; } else { mon += 1; if (mon > 11) { mon = 0; year += 1; } }
        draw();
      }));
      box.appendChild(head);
      var grid = el("div", month ? "dp-months" : "dp-days");
      if (month) {
        for (var i = 0; i < 12; i++) {
          (function (m) {
            var b = button("Tháng " + (m + 1), "", function () { pick(pad(m + 1) + "/" + year); });
            b.className = "dp-cell" + (chosen && chosen.getFullYear() === year && chosen.getMonth() === m ? " dp-on" : "");
            grid.appendChild(b);
          })(i);
        }
      } else {
        DAYS.forEach(function (d) { grid.appendChild(el("span", "dp-dow", d)); });
        var first = (new Date(year, mon, 1).getDay() + 6) % 7, last = new Date(year, mon + 1, 0).getDate();
        for (var k = 0; k < first; k++) { grid.appendChild(el("span", "dp-empty", "")); }
        for (var d = 1; d <= last; d++) {
          (function (day) {
            var b = button(String(day), pad(day) + "/" + pad(mon + 1) + "/" + year, function () {
              pick(pad(day) + "/" + pad(mon + 1) + "/" + year);
            });
            var on = chosen && chosen.getFullYear() === year && chosen.getMonth() === mon && chosen.getDate() === day;
            var now = today.getFullYear() === year && today.getMonth() === mon && today.getDate() === day;
            b.className = "dp-cell" + (on ? " dp-on" : "") + (now ? " dp-today" : "");
            grid.appendChild(b);
          })(d);
        }
      }
      box.appendChild(grid);
    }
    function pick(text) {
      input.value = text;
      input.dispatchEvent(new Event("change", { bubbles: true }));
      close();
    }
    draw();
    var r = input.getBoundingClientRect();
    box.style.top = (window.scrollY + r.bottom + 2) + "px";
    box.style.left = Math.max(4, Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - 260)) + "px";
    document.body.appendChild(box);
    open = box;
    box.addEventListener("mousedown", function (e) { e.preventDefault(); });
  }
  document.addEventListener("focusin", function (e) {
    var t = e.target;
    if (t.matches && t.matches("input[data-datepicker]")) { show(t); } else if (open && !open.contains(t)) { close(); }
  });
  document.addEventListener("click", function (e) {
    var t = e.target;
    if (t.matches && t.matches("input[data-datepicker]") && !open) { show(t); }
    else if (open && !open.contains(t) && !(t.matches && t.matches("input[data-datepicker]"))) { close(); }
  });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") { close(); } });
  document.addEventListener("focusout", function (e) {
    if (e.target.matches && e.target.matches("input[data-datepicker]")) { setTimeout(function () {
      if (open && !open.contains(document.activeElement)) { close(); }
    }, 150); }
  });
})();
