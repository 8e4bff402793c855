/* The directive editor: the source open beside the fields on a wide screen, quick choices of
   units, a live summary of each task's units, and a warning before leaving with unsaved
   changes. Everything works without it: this only saves clicks. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-editor]");
    if (!form) return;
    var source = document.getElementById("van-ban-goc");
    if (source && window.matchMedia("(min-width: 992px)").matches) source.open = true;

    var roleLabels = { lead: "", coordinating: form.dataset.coordinating || " (phối hợp)" };
    function summarise(picker) {
      var names = [];
      picker.querySelectorAll(".unit-row").forEach(function (row) {
        var select = row.querySelector("select");
        if (select && select.value) {
          names.push(row.querySelector(".unit-name").textContent.trim() + (roleLabels[select.value] || ""));
        }
      });
      var summary = picker.querySelector(".units-summary");
      if (summary) summary.textContent = names.length ? names.join(", ") : (summary.dataset.empty || "—");
    }
    form.querySelectorAll(".units-picker").forEach(function (picker) {
      var summary = picker.querySelector(".units-summary");
      if (summary && !summary.dataset.empty) summary.dataset.empty = summary.textContent.trim();
      var shortcuts = picker.querySelector(".unit-shortcuts");
      if (shortcuts) shortcuts.hidden = false;
      picker.addEventListener("change", function (event) {
        if (event.target.matches("select")) summarise(picker);
      });
      picker.querySelectorAll("[data-set-role]").forEach(function (button) {
        button.addEventListener("click", function () {
          picker.querySelectorAll(".unit-row").forEach(function (row) {
            if (!button.dataset.kind || row.dataset.kind === button.dataset.kind) {
              row.querySelector("select").value = button.dataset.setRole;
            }
          });
          summarise(picker);
          dirty = true;
        });
      });
    });

    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });

    var focus = document.querySelector("[data-focus]");
    if (focus) {
      var target = document.getElementById(focus.dataset.focus);
      if (target) {
        target.scrollIntoView({ block: "start" });
        var field = target.querySelector("textarea, input:not([type=hidden]), select");
        if (field) field.focus({ preventScroll: true });
      }
    }
  });
})();
