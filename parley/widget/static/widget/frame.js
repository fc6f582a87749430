// The widget frame. It takes orders only from its parent page, and only when that page's
// origin is one the admin allowed (exact match); it answers only to that origin. The login
// gives a bearer token kept in memory: no cookie is needed, so blocked third-party cookies
// do not matter and there is no CSRF surface. The chat itself is the app's: answers render
// from the server's sanitised HTML while they stream (chat/render.js), with stop,
// regenerate, copy and the person's earlier conversations.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("widget-config").textContent);
  // Set here, not in a <style> block: the page's CSP allows no inline style.
  document.documentElement.style.setProperty("--accent", config.appearance.accentColor);
  var render = window.ParleyRender;
  var el = render.el;
  var root = document.getElementById("widget");
  var statusBox = document.getElementById("status");
  var errorBox = document.getElementById("error");
  var thread = document.getElementById("thread");
  var history = document.getElementById("history");
  var form = document.getElementById("composer");
  var input = document.getElementById("composer-input");
  var sendButton = document.getElementById("send");
  var who = document.getElementById("who");
  var newChat = document.getElementById("new-chat");
  var historyButton = document.getElementById("show-history");
  var parentOrigin = null;
  var token = null;
  var conversation = null;
  var controller = null;
  var loginSeq = 0;

  // What a person in a widget can do about each refusal: the site signs them in, not they.
  var MESSAGES = {
    not_signed_in: "This site did not sign you in, so the chat cannot start. Sign in on the site " +
      "itself; if you are signed in, the site has not passed your sign-in to the chat.",
    token_expired: "Your sign-in from this site has expired. The site must refresh it: reload " +
      "the page, and if that does not help, tell the site's owner.",
    token_replayed: "This sign-in was already used. Reload the page to get a fresh one.",
    login_required: "Your chat session has ended. Reload the page to continue.",
    token_revoked: "Your chat session has ended. Reload the page to continue.",
    seat_limit_reached: "The chat has no free place for you right now. Please tell the site's owner."
  };

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
    newChat.hidden = historyButton.hidden = state !== "ready";
    if (state !== "ready") history.hidden = true;
  }

  function showError(message, reference) {
    errorBox.textContent = message;
    if (reference) errorBox.appendChild(el("small", "", "Reference: " + reference));
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
    history.textContent = "";
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

  function toBottom() { thread.scrollTop = thread.scrollHeight; }

  function userBubble(text) {
    var node = thread.appendChild(el("div", "msg msg-user", text));
    toBottom();
    return node;
  }

  function assistantBubble(message) {
    var node = thread.appendChild(el("div", "msg msg-assistant"));
    var md = node.appendChild(el("div", "md"));
    var actions = node.appendChild(el("div", "msg-actions"));
    var copy = actions.appendChild(el("button", "link copy-msg", "Copy"));
    copy.type = "button";
    node.setAttribute("data-status", message ? message.status : "streaming");
    node.setAttribute("data-content", message ? message.content : "");
    if (message) render.show(md, message.html);
    toBottom();
    return { node: node, md: md, actions: actions, live: new render.Live(md) };
  }

  function regenerateButton(bubble) {
    thread.querySelectorAll("[data-regenerate]").forEach(function (b) { b.remove(); });
    var button = bubble.actions.appendChild(el("button", "link", "Regenerate"));
    button.type = "button";
    button.setAttribute("data-regenerate", "");
  }

  function fail(error) {
    var code = (error && error.code) || "network_error";
    var message = MESSAGES[code] || (error && error.message) || "Something went wrong. Please try again.";
    showError(message, error && error.reference);
    post("error", { code: code, message: message });
  }

  function logIn(code) {
    var seq = ++loginSeq;
    forget();
    clearError();
    if (!code) {
      setState("signed-out", "");
      fail({ code: "not_signed_in" });
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
      who.textContent = data.user.name || data.user.email || data.user.id;
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
      history.hidden = true;
      thread.hidden = false;
      var last = null;
      c.messages.forEach(function (m) {
        if (m.role === "assistant") last = assistantBubble(m);
        else userBubble(m.content);
      });
      if (last) regenerateButton(last);
      toBottom();
    });
  }

  // The person's earlier conversations, newest first; one click opens one.
  function showHistory() {
    if (!history.hidden) { history.hidden = true; thread.hidden = false; return; }
    api("GET", config.conversationsUrl).then(function (list) {
      history.textContent = "";
      history.appendChild(el("h2", "history-title", "Your conversations"));
      if (!list.conversations.length) history.appendChild(el("p", "muted", "No conversations yet."));
      list.conversations.forEach(function (c) {
        var item = history.appendChild(el("button", "history-item", c.title));
        item.type = "button";
        item.setAttribute("data-id", c.id);
        if (c.id === conversation) item.setAttribute("aria-current", "true");
      });
      history.hidden = false;
      thread.hidden = true;
      var first = history.querySelector("button");
      if (first) first.focus();
    }, fail);
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

  function setBusy(busy) {
    root.classList.toggle("busy", busy);
    sendButton.textContent = busy ? "Stop" : "Send";
    sendButton.title = busy ? "Stop (Esc)" : "";
  }

  function stream(payload, userNode) {
    clearError();
    var ready = conversation
      ? Promise.resolve(conversation)
      : api("POST", config.conversationsUrl).then(function (c) { return (conversation = c.id); });
    var answer = null;
    var finished = false;
    controller = new AbortController();
    var mine = controller;
    setBusy(true);
    return ready.then(function (id) {
      return fetch(config.streamUrl + encodeURIComponent(id) + "/", {
        method: "POST", credentials: "omit", signal: mine.signal,
        headers: { Authorization: "Bearer " + token, "Content-Type": "application/json" },
        body: JSON.stringify(payload)
      });
    }).then(function (response) {
      if (!(response.headers.get("content-type") || "").startsWith("text/event-stream")) {
        return response.json().then(function (data) { throw data; });
      }
      answer = assistantBubble(null);
      answer.md.classList.add("streaming");
      answer.md.appendChild(el("span", "typing")).setAttribute("aria-label", "Writing");
      return readEvents(response, function (name, data) {
        if (name === "token") {
          answer.live.token(data.t);
        } else if (name === "html") {
          answer.live.render(data.h);
        } else if (name === "done" || name === "error") {
          finished = true;
          answer.md.classList.remove("streaming");
          render.show(answer.md, data.html || "");
          answer.node.setAttribute("data-status", name === "done" ? "complete" : "failed");
          answer.node.setAttribute("data-content", answer.live.text);
          regenerateButton(answer);
          post("answer");
          if (name === "error") fail(data);
        }
        toBottom();
      });
    }).catch(function (error) {
      if (error && error.name === "AbortError") return;
      if (userNode && !answer) userNode.remove();
      fail(error);
    }).then(function () {
      if (answer && !finished) {
        answer.md.classList.remove("streaming");
        var typing = answer.md.querySelector(".typing");
        if (typing) typing.remove();
        answer.node.setAttribute("data-status", "stopped");
        answer.node.setAttribute("data-content", answer.live.text);
        answer.node.insertBefore(el("p", "msg-note", "Stopped — this answer is incomplete."), answer.actions);
        regenerateButton(answer);
      }
      if (controller === mine) controller = null;
      setBusy(false);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (controller) { controller.abort(); return; }
    var text = input.value.trim();
    if (!text || !token) return;
    input.value = "";
    thread.querySelectorAll("[data-regenerate]").forEach(function (b) { b.remove(); });
    stream({ content: text }, userBubble(text));
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (!controller) form.requestSubmit();
    }
  });
  // Esc stops an answer being written; otherwise it closes the panel (the host page's
  // launcher takes the focus back).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    event.preventDefault();
    if (controller) controller.abort();
    else post("escape");
  });
  thread.addEventListener("click", function (event) {
    var target = event.target;
    if (target.closest("[data-regenerate]")) {
      if (controller) return;
      var answers = thread.querySelectorAll(".msg-assistant");
      if (answers.length) answers[answers.length - 1].remove();
      stream({ regenerate: true }, null);
    } else if (target.closest(".copy-msg")) {
      var node = target.closest(".msg");
      render.copy(target.closest(".copy-msg"), node.getAttribute("data-content") || "", "Copy");
    }
  });
  history.addEventListener("click", function (event) {
    var item = event.target.closest(".history-item");
    if (item) openConversation(item.getAttribute("data-id")).then(function () { input.focus(); }, fail);
  });
  historyButton.addEventListener("click", showHistory);
  newChat.addEventListener("click", function () {
    if (controller) controller.abort();
    conversation = null;
    thread.textContent = "";
    history.hidden = true;
    thread.hidden = false;
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
    } else if (m.type === "focus") {
      if (!form.hidden) input.focus();
      else root.focus();
    }
  });
})();
