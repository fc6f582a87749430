// The chat page: send a message, read the answer as Server-Sent Events from a POST
// (fetch + reader, so the request carries the CSRF token), Stop by aborting the fetch.
// Streamed text is shown as plain text; the server's sanitised HTML replaces it at the end.
(function () {
  "use strict";
  var root = document.getElementById("chat");
  // Without a model there is no composer: the page only says whom to ask.
  if (!root || !document.getElementById("composer")) return;
  var thread = document.getElementById("thread");
  var scroller = document.getElementById("chat-scroll");
  var form = document.getElementById("composer");
  var input = document.getElementById("composer-input");
  var picker = document.getElementById("model-picker");
  var sendButton = document.getElementById("send");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var conversation = root.getAttribute("data-conversation");
  var controller = null;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function nearBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120;
  }
  function toBottom() { scroller.scrollTop = scroller.scrollHeight; }

  function addCopyButtons(scope) {
    scope.querySelectorAll(".md pre").forEach(function (pre) {
      if (pre.querySelector(".copy-code")) return;
      var button = el("button", "copy-code secondary small", "Copy");
      button.type = "button";
      button.setAttribute("aria-label", "Copy code");
      pre.appendChild(button);
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".copy-code");
    if (!button) return;
    var code = button.parentElement.querySelector("code");
    navigator.clipboard.writeText(code ? code.textContent : "").then(function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy"; }, 1500);
    });
  });

  function removeRegenerate() {
    thread.querySelectorAll("[data-regenerate]").forEach(function (b) { b.remove(); });
  }

  function userBubble(text) {
    var article = el("article", "msg msg-user");
    article.appendChild(el("div", "bubble", text));
    thread.appendChild(article);
    return article;
  }

  function assistantBubble() {
    var article = el("article", "msg msg-assistant");
    article.setAttribute("data-status", "streaming");
    article.appendChild(el("div", "msg-avatar", "AI")).setAttribute("aria-hidden", "true");
    var body = article.appendChild(el("div", "msg-body"));
    var md = body.appendChild(el("div", "md streaming"));
    md.appendChild(el("span", "typing", "")).setAttribute("aria-label", "Writing");
    var meta = body.appendChild(el("div", "msg-meta"));
    thread.appendChild(article);
    return { article: article, md: md, body: body, meta: meta, text: null };
  }

  function note(bubble, text, isError) {
    var p = el("p", "msg-note" + (isError ? " error" : ""), text);
    if (isError) p.setAttribute("role", "alert");
    bubble.body.insertBefore(p, bubble.meta);
  }

  function addRegenerate(bubble) {
    var button = el("button", "link regenerate", "Regenerate");
    button.type = "button";
    button.setAttribute("data-regenerate", "");
    bubble.meta.appendChild(button);
  }

  function setBusy(busy) {
    root.classList.toggle("busy", busy);
    sendButton.textContent = busy ? "Stop" : "Send";
    sendButton.classList.toggle("stop", busy);
  }

  function setTitle(title) {
    if (!title) return;
    document.getElementById("chat-title").textContent = title;
    document.title = title + " · " + document.querySelector('meta[name="application-name"]').content;
    var link = document.querySelector('#convo-list a[data-id="' + conversation + '"]');
    var list = document.getElementById("convo-list");
    if (!link) {
      var empty = list.querySelector(".side-empty");
      if (empty) empty.remove();
      list.querySelectorAll("a.active").forEach(function (a) { a.classList.remove("active"); });
      link = el("a", "active");
      link.href = "/c/" + conversation + "/";
      link.setAttribute("data-id", conversation);
      link.setAttribute("aria-current", "page");
    }
    link.textContent = title;
    list.insertBefore(link, list.firstChild);
  }

  function createConversation() {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrf);
    body.append("model", picker.value);
    return fetch(root.getAttribute("data-new-url"), {
      method: "POST", body: body, headers: { Accept: "application/json" }, credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data.message || "Could not start a conversation.");
        conversation = data.id;
        root.setAttribute("data-conversation", data.id);
        history.replaceState(null, "", data.url);
        return data;
      });
    });
  }

  var readEvents = window.ParleySSE.readEvents;

  function stream(payload, userNode, restoreText) {
    var bubble = assistantBubble();
    var finished = false;
    controller = new AbortController();
    setBusy(true);
    toBottom();
    payload.model = picker.value ? parseInt(picker.value, 10) : null;
    return fetch(root.getAttribute("data-stream-url") + conversation + "/", {
      method: "POST",
      credentials: "same-origin",
      signal: controller.signal,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "text/event-stream" },
      body: JSON.stringify(payload)
    }).then(function (response) {
      var type = response.headers.get("content-type") || "";
      if (type.indexOf("text/event-stream") === -1) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          // Refused before anything was saved (limit, login, model): say why, keep the text.
          bubble.article.remove();
          if (userNode) userNode.remove();
          if (restoreText !== undefined) input.value = restoreText;
          var notice = el("p", "chat-notice", data.message || "The message could not be sent.");
          notice.setAttribute("role", "alert");
          thread.appendChild(notice);
          finished = true;
        });
      }
      return readEvents(response, function (name, data) {
        var stick = nearBottom();
        if (name === "start") {
          bubble.article.setAttribute("data-id", data.message);
          bubble.meta.insertBefore(el("span", "", data.model), bubble.meta.firstChild);
          setTitle(data.title);
        } else if (name === "token") {
          if (bubble.text === null) {
            bubble.md.textContent = "";
            bubble.text = document.createTextNode("");
            bubble.md.appendChild(bubble.text);
          }
          bubble.text.appendData(data.t);
        } else if (name === "done" || name === "error") {
          finished = true;
          bubble.md.classList.remove("streaming");
          bubble.md.innerHTML = data.html;  // sanitised by the server (nh3)
          addCopyButtons(bubble.article);
          bubble.article.setAttribute("data-status", name === "done" ? "complete" : "failed");
          if (name === "error") {
            note(bubble, data.message + (data.html ? " The partial answer is kept above." : ""), true);
          } else if (data.usage && data.usage.completion_tokens) {
            bubble.meta.appendChild(el("span", "", data.usage.prompt_tokens + " / " + data.usage.completion_tokens + " tokens"));
          }
          addRegenerate(bubble);
        }
        if (stick) toBottom();
      });
    }).catch(function (error) {
      if (error.name !== "AbortError") {
        note(bubble, "The connection was lost. The answer so far is saved; reload to see it.", true);
      }
    }).then(function () {
      if (!finished && document.body.contains(bubble.article)) {
        bubble.md.classList.remove("streaming");
        var typing = bubble.md.querySelector(".typing");
        if (typing) typing.remove();
        bubble.article.setAttribute("data-status", "stopped");
        note(bubble, "Stopped — this answer is incomplete.", false);
        addRegenerate(bubble);
      }
      controller = null;
      setBusy(false);
      input.focus();
    });
  }

  function send() {
    var text = input.value.trim();
    if (!text) return;
    var welcome = document.getElementById("welcome");
    if (welcome) welcome.remove();
    thread.querySelectorAll(".chat-notice").forEach(function (n) { n.remove(); });
    removeRegenerate();
    var userNode = userBubble(text);
    input.value = "";
    autosize();
    var ready = conversation ? Promise.resolve() : createConversation();
    ready.then(function () {
      return stream({ content: text }, userNode, text);
    }).catch(function (error) {
      userNode.remove();
      input.value = text;
      var notice = el("p", "chat-notice", error.message);
      notice.setAttribute("role", "alert");
      thread.appendChild(notice);
      setBusy(false);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (controller) { controller.abort(); return; }
    send();
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (!controller) send();
    }
  });
  function autosize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 240) + "px";
  }
  input.addEventListener("input", autosize);

  thread.addEventListener("click", function (event) {
    if (!event.target.closest("[data-regenerate]") || controller) return;
    var all = thread.querySelectorAll(".msg-assistant");
    var last = all[all.length - 1];
    if (last) last.remove();
    thread.querySelectorAll(".chat-notice").forEach(function (n) { n.remove(); });
    stream({ regenerate: true });
  });

  var toggle = document.getElementById("side-toggle");
  toggle.addEventListener("click", function () {
    var open = root.classList.toggle("side-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });

  addCopyButtons(thread);
  toBottom();
  if (!conversation || !thread.querySelector(".msg")) input.focus();
})();
