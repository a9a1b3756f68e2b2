/* Checklist rows: "Answer 1.1.1" opens the row and loads its answer form (the button's
   hx-get, triggered by the "row-open" event), or closes it again. aria-expanded says which;
   when the form opens, focus moves to its first field. Without JavaScript the buttons stay
   hidden and each row links to the item's page instead. */
(function () {
  "use strict";

  function firstField(container) {
    return container.querySelector(
      "input:not([type=hidden]):not([disabled]), textarea:not([disabled]), select:not([disabled])"
    );
  }

  function show(button, container, focus) {
    container.hidden = false;
    button.setAttribute("aria-expanded", "true");
    var field = focus && firstField(container);
    if (field) { field.focus(); }
  }

  function toggle(button) {
    var container = document.getElementById(button.getAttribute("aria-controls"));
    if (!container) { return; }
    if (button.getAttribute("aria-expanded") === "true") {
      container.hidden = true;
      button.setAttribute("aria-expanded", "false");
    } else if (container.querySelector("form")) {
      show(button, container, true);
    } else {
      htmx.trigger(button, "row-open");
    }
  }

  htmx.onLoad(function (content) {
    var buttons = content.querySelectorAll ? content.querySelectorAll("[data-row-toggle]") : [];
    buttons.forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { toggle(button); });
    });
  });

  document.body.addEventListener("htmx:afterSettle", function (event) {
    var container = event.detail.target;
    if (!container || !container.classList || !container.classList.contains("row__form")) { return; }
    var button = document.querySelector('[aria-controls="' + container.id + '"]');
    if (button) { show(button, container, true); }
  });
})();
