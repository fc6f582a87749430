// The widget frame. It takes orders only from its parent page, and only when that page's
// origin is one the admin allowed (exact match); it answers only to that origin. The login
// gives a bearer token kept in memory: no cookie is needed, so blocked third-party cookies
// do not matter and there is no CSRF surface.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("widget-config").textContent);
  // Set here, not in a <style> block: the page's CSP allows no inline style.
  document.documentElement.style.setProperty("--accent", config.appearance.accentColor);
  var root = document.getElementById("widget");
  var statusBox = document.getElementById("status");
  var errorBox = document.getElementById("error");
  var thread = document.getElementById("thread");
  var form = document.getElementById("composer");
  var input = document.getElementById("composer-input");
  var sendButton = document.getElementById("send");
  var who = document.getElementById("who");
  var newChat = document.getElementById("new-chat");
  var parentOrigin = null;
  var token = null;
  var conversation = null;
  var controller = null;
  var loginSeq = 0;

  function post(type, extra) {
    if (!parentOrigin) return;
    var message = { parley: 1, type: type };
    for (var k in extra || {}) message[k] = extra[k];
    window.parent.postMessage(message, parentOrigin);
  }

  function setState(state, text) {
    root.setAttribute("data-state", state);
    statusBox.textContent = text || "";
    statusBox.hidden = !text;
    form.hidden = state !== "ready";
    newChat.hidden = state !== "ready";
  }

  function showError(message, reference) {
    errorBox.textContent = message;
    if (reference) {
      var small = document.createElement("small");
      small.textContent = "Reference: " + reference;
      errorBox.appendChild(small);
    }
    errorBox.hidden = false;
  }

  function clearError() {
    errorBox.hidden = true;
    errorBox.textContent = "";
  }

  function forget() {
    if (controller) controller.abort();
    token = null;
    conversation = null;
    thread.textContent = "";
    who.textContent = "";
  }

  function api(method, path, body) {
    var headers = { Authorization: "Bearer " + token, Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(path, {
      method: method, headers: headers, credentials: "omit",
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw data;
        return data;
      });
    });
  }

  function bubble(role, text, html) {
    var node = document.createElement("div");
    node.className = "msg msg-" + role;
    if (html) node.innerHTML = html; // sanitised by the server (parley/chat/markdown.py)
    else node.textContent = text || "";
    thread.appendChild(node);
    thread.scrollTop = thread.scrollHeight;
    return node;
  }

  function fail(error) {
    var code = (error && error.code) || "network_error";
    var message = (error && error.message) || "Something went wrong. Please try again.";
    showError(message, error && error.reference);
    post("error", { code: code, message: message });
  }

  function logIn(code) {
    var seq = ++loginSeq;
    forget();
    clearError();
    if (!code) {
      setState("signed-out", "Not signed in.");
      return;
    }
    setState("waiting", "Signing in…");
    fetch(config.loginUrl, {
      method: "POST", credentials: "omit",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ code: code })
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw data;
        return data;
      });
    }).then(function (data) {
      if (seq !== loginSeq) return;
      token = data.token;
      who.textContent = data.user.email || data.user.id;
      setState("ready", "");
      post("login", { user: data.user });
      return api("GET", config.conversationsUrl).then(function (list) {
        if (seq !== loginSeq || !list.conversations.length) return;
        return openConversation(list.conversations[0].id);
      });
    }).catch(function (error) {
      if (seq !== loginSeq) return;
      if (!token) setState("failed", "");
      fail(error);
    });
  }

  function openConversation(id) {
    return api("GET", config.conversationsUrl + encodeURIComponent(id) + "/").then(function (c) {
      conversation = c.id;
      thread.textContent = "";
      c.messages.forEach(function (m) {
        bubble(m.role, m.content, m.role === "assistant" ? m.html : "");
      });
    });
  }

  function logOut() {
    var old = token;
    loginSeq++;
    forget();
    clearError();
    setState("signed-out", "Signed out.");
    var done = function () { post("logout"); };
    if (!old) return done();
    fetch(config.logoutUrl, {
      method: "POST", credentials: "omit", headers: { Authorization: "Bearer " + old }
    }).then(done, done);
  }

  var readEvents = window.ParleySSE.readEvents;

  function sendMessage(text) {
    clearError();
    sendButton.disabled = true;
    var ready = conversation
      ? Promise.resolve(conversation)
      : api("POST", config.conversationsUrl).then(function (c) { return (conversation = c.id); });
    bubble("user", text);
    var answer = null;
    ready.then(function (id) {
      controller = new AbortController();
      return fetch(config.streamUrl + encodeURIComponent(id) + "/", {
        method: "POST", credentials: "omit", signal: controller.signal,
        headers: { Authorization: "Bearer " + token, "Content-Type": "application/json" },
        body: JSON.stringify({ content: text })
      });
    }).then(function (response) {
      if (!(response.headers.get("content-type") || "").startsWith("text/event-stream")) {
        return response.json().then(function (data) { throw data; });
      }
      answer = bubble("assistant", "");
      answer.classList.add("streaming");
      return readEvents(response, function (name, data) {
        if (name === "token") {
          answer.textContent += data.t;
          thread.scrollTop = thread.scrollHeight;
        } else if (name === "done" || name === "error") {
          answer.classList.remove("streaming");
          if (data.html) answer.innerHTML = data.html;
          if (name === "error") {
            answer.classList.add("msg-failed");
            fail(data);
          }
        }
      });
    }).catch(function (error) {
      if (error && error.name === "AbortError") return;
      fail(error);
    }).then(function () {
      controller = null;
      sendButton.disabled = false;
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || !token) return;
    input.value = "";
    sendMessage(text);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  newChat.addEventListener("click", function () {
    conversation = null;
    thread.textContent = "";
    clearError();
    input.focus();
  });

  window.addEventListener("message", function (event) {
    // Only the embedding page itself, from an allowed origin compared whole: never a
    // prefix, never "null", never a sibling or child frame.
    if (window.parent === window || event.source !== window.parent) return;
    if (config.allowedOrigins.indexOf(event.origin) === -1) return;
    if (parentOrigin !== null && event.origin !== parentOrigin) return;
    var m = event.data;
    if (!m || typeof m !== "object" || m.parley !== 1 || typeof m.type !== "string") return;
    var code = typeof m.code === "string" ? m.code : "";
    if (m.type === "init") {
      var first = parentOrigin === null;
      parentOrigin = event.origin;
      if (first) post("ready", { appearance: config.appearance });
      logIn(code);
    } else if (parentOrigin === null) {
      return;
    } else if (m.type === "code") {
      logIn(code);
    } else if (m.type === "logout") {
      logOut();
    }
  });
})();
