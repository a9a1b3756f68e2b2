/* Copy buttons: <button data-copy-target="id" hidden>. Without JavaScript the buttons stay
   hidden and the text is plain, selectable text. */
(function () {
  "use strict";
  var announcer = document.querySelector("[data-copy-announcer]");

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy failed")); }
    });
  }

  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      copyText(target.textContent).then(function () {
        var label = button.firstChild;
        label.nodeValue = "Copied";
        if (announcer) { announcer.textContent = "Copied to the clipboard."; }
        window.setTimeout(function () { label.nodeValue = "Copy"; }, 2000);
      }, function () {
        if (announcer) { announcer.textContent = "Could not copy. Select the text and copy it instead."; }
      });
    });
  });
})();
