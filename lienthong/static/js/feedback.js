/* Liên Thông – "Báo lỗi / góp ý" (lienthong.feedback). The button of every page is a link to the form's own page;
   with this script it opens the form in a dialog over the page instead, and offers a screenshot of the page taken
   in the browser with html2canvas (node_modules, served as vendor/html2canvas; loaded only when asked for). The
   screenshot goes with the form as an ordinary file field; the server checks its type and size. */
document.addEventListener("DOMContentLoaded", function () {
  var dialog = document.getElementById("fb-dialog");
  var opener = document.querySelector("[data-fb-open]");
  if (!dialog || !opener || typeof dialog.showModal !== "function") { return; }
  var form = dialog.querySelector("form");
  var tick = form.querySelector("[data-fb-shot]");
  var file = form.querySelector("[data-fb-shot-file]");
  var status = form.querySelector("[data-fb-shot-status]");
  var canTransfer = typeof DataTransfer === "function";
  if (tick && canTransfer) { tick.closest(".fb-shot-choice").hidden = false; }
  opener.addEventListener("click", function (event) {
    event.preventDefault();
    form.querySelector("[data-fb-page]").value = location.pathname + location.search;
    dialog.showModal();
    var text = form.querySelector("textarea");
    if (text) { text.focus(); }
  });
  dialog.querySelectorAll("[data-fb-close]").forEach(function (b) {
    b.addEventListener("click", function () { dialog.close(); });
  });
  function loadLibrary() {
    return new Promise(function (resolve, reject) {
      if (window.html2canvas) { resolve(window.html2canvas); return; }
      var script = document.createElement("script");
      script.src = form.getAttribute("data-html2canvas");
      script.onload = function () { resolve(window.html2canvas); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }
  form.addEventListener("submit", function (event) {
    if (!tick || !tick.checked || !canTransfer || (file.files && file.files.length)) { return; }
    if (!form.reportValidity()) { return; }
    event.preventDefault();
    status.textContent = status.getAttribute("data-working") || "";
    dialog.close();  // the screenshot is of the page, not of the form
    loadLibrary().then(function (html2canvas) {
      return html2canvas(document.body, {logging: false, scale: Math.min(window.devicePixelRatio || 1, 1.5),
                                         ignoreElements: function (el) { return el.classList.contains("fb-open"); },
                                         windowWidth: document.documentElement.clientWidth,
                                         height: Math.min(document.body.scrollHeight, 6000)});
    }).then(function (canvas) {
      return new Promise(function (resolve) { canvas.toBlob(resolve, "image/png"); });
    }).then(function (blob) {
      if (blob) {
        var transfer = new DataTransfer();
        transfer.items.add(new File([blob], "anh-chup-man-hinh.png", {type: "image/png"}));
        file.files = transfer.files;
      }
    }).catch(function () {
      status.textContent = status.getAttribute("data-failed") || "";
    }).then(function () {
      dialog.showModal();
      form.submit();
    });
  });
});
