/* Progress form on weak mobile data: keep what was typed, send in the background, retry safely.
 *
 * - Everything typed is kept in localStorage until the server confirms, so a dropped connection
 *   or a closed tab loses nothing (files stay in the form while the page is open).
 * - The form is sent with XMLHttpRequest so the page stays put when the network fails; the same
 *   submission token is sent again on retry, and the server records one update, not two.
 * - Photos are shrunk in the browser before upload (the server shrinks them again anyway).
 */
(function () {
  "use strict";
  var form = document.querySelector("form[data-draft-key]");
  if (!form || !window.FormData || !window.XMLHttpRequest || !window.localStorage) { return; }
  var key = form.dataset.draftKey;
  var statusBox = document.getElementById("send-status");
  var button = form.querySelector("button[type=submit]");
  var SKIP = { csrfmiddlewaretoken: true, version: true };

  function say(kind, text) {
    statusBox.className = "alert alert-" + kind;
    statusBox.textContent = text;
    statusBox.hidden = false;
  }

  function values() {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || el.type === "file" || el.type === "submit") { return; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      out[el.name] = el.value;
    });
    return out;
  }

  function save() {
    try {
      localStorage.setItem(key, JSON.stringify({ at: Date.now(), values: values() }));
    } catch (e) { /* storage full or disabled: the form still works */ }
  }

  function restore() {
    var saved;
    try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    if (!saved || !saved.values || form.dataset.fresh !== "1") { return; }
    Object.keys(saved.values).forEach(function (name) {
      var value = saved.values[name];
      Array.prototype.forEach.call(form.querySelectorAll("[name='" + name + "']"), function (el) {
        if (el.type === "radio") { el.checked = el.value === value; } else { el.value = value; }
      });
    });
    var when = new Date(saved.at);
    say("info", form.dataset.restoredText.replace("%s", when.toLocaleString("vi-VN")));
  }

  function shrink(file) {
    var limit = 1600;
    if (!/^image\/(jpeg|png|webp)$/.test(file.type) || file.size < 300 * 1024 || !window.createImageBitmap) {
      return Promise.resolve(file);
    }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, limit / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) { resolve(file); return; }
          resolve(new File([blob], file.name.replace(/\.[^.]+$/, "") + ".jpg", { type: "image/jpeg" }));
        }, "image/jpeg", 0.82);
      });
    }).catch(function () { return file; });
  }

  function send() {
    var data = new FormData(form);
    var input = form.querySelector("input[type=file]");
    var files = input ? Array.prototype.slice.call(input.files) : [];
    button.disabled = true;
    say("secondary", form.dataset.sendingText);
    Promise.all(files.map(shrink)).then(function (ready) {
      if (input) {
        data.delete(input.name);
        ready.forEach(function (file) { data.append(input.name, file, file.name); });
      }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      xhr.timeout = 120000;
      xhr.upload.onprogress = function (event) {
        if (event.lengthComputable) {
          say("secondary", form.dataset.sendingText + " " + Math.round(100 * event.loaded / event.total) + "%");
        }
      };
      xhr.onload = function () {
        var landed = xhr.responseURL ? new URL(xhr.responseURL) : null;
        if (landed && landed.pathname === form.dataset.successPath) {
          // Recorded: show the page the server redirected to (no second download).
          localStorage.removeItem(key);
          window.history.replaceState(null, "", xhr.responseURL);
        } else if (landed && landed.pathname !== window.location.pathname) {
          // Somewhere else, such as the sign-in page after the session expired: nothing was
          // recorded, so keep the draft and go there; it comes back after signing in.
          window.location.href = xhr.responseURL;
          return;
        }
        // Either that page, or the form sent back (a mistake to fix, or a newer update).
        document.open();
        document.write(xhr.responseText);
        document.close();
      };
      xhr.onerror = xhr.ontimeout = function () {
        button.disabled = false;
        say("warning", form.dataset.offlineText);
      };
      xhr.send(data);
    });
  }

  restore();
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", function (event) {
    save();
    // Buttons with their own target (removing a staged file) submit the ordinary way.
    if (event.submitter && event.submitter.hasAttribute("formaction")) { return; }
    event.preventDefault();
    send();
  });
})();
