// Parley chat widget (DESIGN §6). One <script> tag per widget; several on a page are
// independent. The externalAuthCode is posted to the frame at this script's own origin,
// never put in a URL. window.Parley controls every widget on the page (Parley.instances[i]
// controls one) and Parley.on(event, fn) listens: ready, open, close, login, logout, error.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var origin = new URL(script.src, location.href).origin;
  var data = script.dataset;
  var bottomLeft = data.position === "bottom-left";
  var color = /^#[0-9a-fA-F]{6}$/.test(data.accentColor || "") ? data.accentColor : "#2563eb";
  var title = data.title || "Chat";
  var api = window.Parley;
  if (!api || !api.instances) {
    var listeners = {};
    var each = function (method) {
      return function (arg) { api.instances.forEach(function (w) { w[method](arg); }); };
    };
    api = window.Parley = {
      instances: [],
      open: each("open"), close: each("close"), toggle: each("toggle"),
      setExternalAuthCode: each("setExternalAuthCode"), logout: each("logout"),
      on: function (name, fn) { (listeners[name] = listeners[name] || []).push(fn); },
      off: function (name, fn) {
        listeners[name] = (listeners[name] || []).filter(function (f) { return f !== fn; });
      },
      _emit: function (name, detail) {
        (listeners[name] || []).slice().forEach(function (fn) {
          try { fn(detail); } catch (e) { setTimeout(function () { throw e; }); }
        });
        window.dispatchEvent(new CustomEvent("parley:" + name, { detail: detail }));
      }
    };
  }
  var index = api.instances.length;
  var offset = 20 + 76 * index; // a second widget sits beside the first, not on top of it
  var side = bottomLeft ? "left" : "right";
  var code = data.externalAuthCode || "";
  var isOpen = false;
  var ready = false;
  var frame = null;
  var readyTimer = null;
  var failed = false;

  function css(node, styles) {
    for (var k in styles) node.style.setProperty(k, styles[k]);
    return node;
  }
  function emit(name, extra) {
    var detail = { widget: index };
    for (var k in extra || {}) detail[k] = extra[k];
    api._emit(name, detail);
  }

  var SVG = '<svg width="24" height="24" viewBox="0 0 24 24" aria-hidden="true"><path ';
  var ICON_CHAT = SVG + 'fill="#fff" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6' +
    'a2 2 0 0 1 2-2z"/></svg>';
  var ICON_CLOSE = SVG + 'stroke="#fff" stroke-width="2.5" d="M6 6l12 12M18 6L6 18"/></svg>';
  var unread = false;
  var phone = window.matchMedia ? window.matchMedia("(max-width: 600px)") : null;
  var launcher = document.createElement("button");
  launcher.type = "button";
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("data-parley-launcher", String(index));
  launcher.setAttribute("data-state", "closed");
  var dot = css(document.createElement("span"), {
    position: "absolute", top: "2px", right: "2px", width: "14px", height: "14px",
    "border-radius": "50%", background: "#dc2626", border: "2px solid #fff", display: "none"
  });
  dot.setAttribute("data-parley-unread", "");
  // The launcher's icon and label say what a click does: open, or close (×).
  function drawLauncher() {
    launcher.innerHTML = isOpen ? ICON_CLOSE : ICON_CHAT;
    launcher.appendChild(dot);
    dot.style.display = unread && !isOpen ? "block" : "none";
    launcher.setAttribute("data-state", isOpen ? "open" : "closed");
    // Full screen, the header's × closes; the launcher would cover the composer.
    launcher.style.display = isOpen && phone && phone.matches ? "none" : "flex";
    launcher.setAttribute("aria-label", (isOpen ? "Close " : "Open ") + title +
      (unread && !isOpen ? " (new answer)" : ""));
  }
  css(launcher, {
    position: "fixed", bottom: "20px", width: "56px", height: "56px", "border-radius": "50%",
    border: "0", background: color, cursor: "pointer", "z-index": "2147483000", padding: "0",
    "box-shadow": "0 4px 14px rgba(0,0,0,.25)", display: "flex",
    "align-items": "center", "justify-content": "center"
  });
  launcher.style.setProperty(side, offset + "px");

  var panel = document.createElement("div");
  panel.setAttribute("role", "dialog");
  panel.tabIndex = -1;
  panel.setAttribute("aria-label", title);
  panel.setAttribute("data-parley-panel", String(index));
  css(panel, {
    position: "fixed", display: "none", "flex-direction": "column", background: "#fff",
    overflow: "hidden", "box-shadow": "0 8px 30px rgba(0,0,0,.3)", "z-index": "2147483000",
    font: "14px/1.4 system-ui, sans-serif", color: "#111"
  });
  var head = css(document.createElement("div"), {
    display: "flex", "align-items": "center", "justify-content": "space-between",
    padding: "8px 12px", background: color, color: "#fff", "font-weight": "600"
  });
  var heading = document.createElement("span");
  heading.textContent = title;
  var closeButton = document.createElement("button");
  closeButton.type = "button";
  closeButton.textContent = "\u00d7";
  closeButton.setAttribute("aria-label", "Close " + title);
  css(closeButton, {
    background: "none", border: "0", color: "#fff", "font-size": "22px", cursor: "pointer"
  });
  closeButton.addEventListener("click", function () { instance.close(); });
  head.appendChild(heading);
  head.appendChild(closeButton);
  var notice = css(document.createElement("div"), {
    padding: "16px", display: "none", "line-height": "1.5"
  });
  notice.setAttribute("role", "alert");
  notice.setAttribute("data-parley-notice", "");
  panel.appendChild(head);
  panel.appendChild(notice);

  function send(message) {
    if (!frame || !frame.contentWindow) return;
    message.parley = 1;
    frame.contentWindow.postMessage(message, origin); // the instance's exact origin
  }

  function mountFrame() {
    frame = document.createElement("iframe");
    frame.title = title;
    frame.src = origin + "/widget/frame/";
    frame.allow = "clipboard-write";
    frame.setAttribute("data-parley-frame", String(index));
    css(frame, { border: "0", width: "100%", flex: "1", background: "#fff" });
    frame.addEventListener("load", function () {
      send({ type: "init", code: code });
      // An allowed frame answers "init" at once; a refused one (frame-ancestors) loads
      // the browser's error page, which never answers.
      setTimeout(function () {
        if (!ready) unavailable("origin_not_allowed", "This site (" + location.origin +
          ") is not allowed to show this chat. An administrator of " + origin +
          " can allow it in Admin panel \u2192 Widget \u2192 Allowed embedding origins.");
      }, 1500);
    });
    panel.appendChild(frame);
    // A frame that never loads at all (the instance is down or unreachable).
    readyTimer = setTimeout(function () {
      if (!ready) unavailable("frame_unavailable", "The chat could not be loaded. Please try again later.");
    }, 8000);
  }

  function unavailable(errorCode, message) {
    if (ready || failed) return;
    failed = true;
    clearTimeout(readyTimer);
    notice.textContent = message;
    notice.style.display = "block";
    frame.style.display = "none";
    emit("error", { code: errorCode, message: message });
  }

  // The admin's appearance settings, for whatever the tag's data-* did not say.
  function applyDefaults(d) {
    if (!data.accentColor && /^#[0-9a-fA-F]{6}$/.test(d.accentColor || "")) {
      launcher.style.background = head.style.background = d.accentColor;
    }
    if (!data.title && d.title) {
      title = String(d.title);
      heading.textContent = frame.title = title;
      closeButton.setAttribute("aria-label", "Close " + title);
      panel.setAttribute("aria-label", title);
      drawLauncher();
    }
    if (!data.position && d.position === "bottom-left") {
      side = "left";
      launcher.style.right = "";
      launcher.style.left = offset + "px";
      fit();
    }
    if (!data.openOnLoad && d.openOnLoad === true) instance.open();
  }

  window.addEventListener("message", function (event) {
    if (!frame || event.origin !== origin || event.source !== frame.contentWindow) return;
    var m = event.data;
    if (!m || typeof m !== "object" || m.parley !== 1) return;
    if (m.type === "ready") {
      if (ready) return;
      ready = true;
      clearTimeout(readyTimer);
      applyDefaults(m.appearance || {});
      emit("ready");
    } else if (m.type === "login") {
      emit("login", { user: m.user });
    } else if (m.type === "logout") {
      emit("logout");
    } else if (m.type === "error") {
      emit("error", { code: String(m.code || "error"), message: String(m.message || "") });
    } else if (m.type === "answer") {
      if (!isOpen) { unread = true; drawLauncher(); }
    } else if (m.type === "escape") {
      instance.close();
    }
  });

  var instance = {
    open: function () {
      if (isOpen) return;
      isOpen = true;
      unread = false;
      panel.style.display = "flex";
      launcher.setAttribute("aria-expanded", "true");
      drawLauncher();
      // Focus moves into the panel: the message box once the frame is ready.
      if (ready && !failed) {
        frame.focus();
        send({ type: "focus" });
      } else {
        panel.focus();
      }
      emit("open");
    },
    close: function () {
      if (!isOpen) return;
      var inside = panel.contains(document.activeElement);
      isOpen = false;
      panel.style.display = "none";
      launcher.setAttribute("aria-expanded", "false");
      drawLauncher();
      if (inside || document.activeElement === document.body) launcher.focus();
      emit("close");
    },
    toggle: function () { if (isOpen) instance.close(); else instance.open(); },
    setExternalAuthCode: function (value) {
      code = String(value || "");
      if (ready) send({ type: "code", code: code });
    },
    logout: function () {
      code = "";
      send({ type: "logout" });
    },
    isOpen: function () { return isOpen; }
  };
  api.instances.push(instance);
  launcher.addEventListener("click", instance.toggle);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") instance.close();
  });
  drawLauncher();

  // On a phone the open panel fills the screen (inline styles: the host's CSP may refuse
  // a <style>).
  function fit() {
    var full = phone && phone.matches;
    var left = side === "left";
    css(panel, full ? { inset: "0", width: "100%", height: "100%", "max-width": "none",
      "max-height": "none", "border-radius": "0" } : { top: "auto", bottom: "88px",
      left: left ? "20px" : "auto", right: left ? "auto" : "20px", width: "380px",
      height: "560px", "max-width": "calc(100vw - 40px)", "max-height": "calc(100vh - 108px)",
      "border-radius": "12px" });
  }
  fit();
  if (phone && phone.addEventListener) phone.addEventListener("change", function () { fit(); drawLauncher(); });

  function start() {
    document.body.appendChild(panel);
    document.body.appendChild(launcher);
    mountFrame();
    if (data.openOnLoad === "true") instance.open();
  }
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
