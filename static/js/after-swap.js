/* After an inline (HTMX) save the form that had focus is replaced, and focus would fall to
   <body>: a keyboard or screen-reader user is thrown back to the top of the page. The new
   fragment marks where focus belongs (the "Saved" message, or what went wrong) with
   data-focus-after-swap; move focus there once it is on the page. */
(function () {
  "use strict";
  document.body.addEventListener("htmx:afterSettle", function () {
    var target = document.querySelector("[data-focus-after-swap]");
    if (!target) { return; }
    target.removeAttribute("data-focus-after-swap");
    if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
    target.focus();
  });
})();
