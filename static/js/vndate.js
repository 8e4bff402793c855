/* A calendar button beside every day-first date field (input[data-vndate], "15/12/2026").
   The field stays a text box the person can type in; the button opens the phone's or the
   browser's own date picker and writes the chosen day back as dd/mm/yyyy. */
(function () {
  "use strict";
  function toIso(text) {
    var m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text || "");
    if (!m) return "";
    return m[3] + "-" + ("0" + m[2]).slice(-2) + "-" + ("0" + m[1]).slice(-2);
  }
  function fromIso(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return m ? m[3] + "/" + m[2] + "/" + m[1] : "";
  }
  function enhance(input) {
    if (input.dataset.vndateReady) return;
    input.dataset.vndateReady = "1";
    var wrap = document.createElement("span");
    wrap.className = "vndate-wrap";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    var picker = document.createElement("input");
    picker.type = "date";
    picker.tabIndex = -1;
    picker.setAttribute("aria-hidden", "true");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary vndate-button" + (input.classList.contains("form-control-sm") ? " btn-sm" : "");
    button.setAttribute("aria-label", document.documentElement.lang === "en" ? "Pick a date" : "Chọn ngày");
    // A calendar drawn inline: phones without an emoji font would show a box.
    button.innerHTML = '<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">' +
      '<rect x="1.5" y="2.5" width="13" height="12" rx="1.5" fill="none" stroke="currentColor"/>' +
      '<path d="M1.5 6h13M5 1v3M11 1v3" stroke="currentColor" fill="none"/>' +
      '<rect x="4" y="8" width="2" height="2" fill="currentColor"/><rect x="7" y="8" width="2" height="2" fill="currentColor"/>' +
      '<rect x="10" y="8" width="2" height="2" fill="currentColor"/><rect x="4" y="11" width="2" height="2" fill="currentColor"/></svg>';
    wrap.appendChild(picker);
    wrap.appendChild(button);
    button.addEventListener("click", function () {
      picker.value = toIso(input.value);
      if (typeof picker.showPicker === "function") {
        try { picker.showPicker(); return; } catch (e) { /* fall through */ }
      }
      picker.focus();
      picker.click();
    });
    picker.addEventListener("change", function () {
      input.value = fromIso(picker.value);
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }
  function init(root) {
    (root || document).querySelectorAll("input[data-vndate]").forEach(enhance);
  }
  window.vndate = { init: init };
  document.addEventListener("DOMContentLoaded", function () { init(document); });
})();
