// The chat page: send a message, read the answer as Server-Sent Events from a POST
// (fetch + reader, so the request carries the CSRF token), Stop (or Esc) by aborting the
// fetch. The answer shows as the server renders it (sanitised HTML, also mid-stream:
// render.js). Answers can be regenerated (earlier ones stay browsable) and a sent message
// edited and sent again. The sidebar (sidebar.js) lists, renames, deletes and searches.
(function () {
  "use strict";
  var root = document.getElementById("chat");
  // Without a model there is no composer: the page only says whom to ask.
  if (!root || !document.getElementById("composer")) return;
  var render = window.ParleyRender;
  var el = render.el;
  var thread = document.getElementById("thread");
  var scroller = document.getElementById("chat-scroll");
  var form = document.getElementById("composer");
  var input = document.getElementById("composer-input");
  var picker = document.getElementById("model-picker");
  var sendButton = document.getElementById("send");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var conversation = root.getAttribute("data-conversation");
  var controller = null;

  function nearBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120;
  }
  function toBottom() { scroller.scrollTop = scroller.scrollHeight; }

  function button(className, text, label) {
    var node = el("button", className, text);
    node.type = "button";
    if (label) node.setAttribute("aria-label", label);
    return node;
  }

  function removeRegenerate() {
    thread.querySelectorAll("[data-regenerate]").forEach(function (b) { b.remove(); });
  }

  function userBubble(text) {
    var article = el("article", "msg msg-user");
    var body = article.appendChild(el("div", "msg-user-body"));
    body.appendChild(el("div", "bubble", text));
    var actions = body.appendChild(el("div", "msg-actions"));
    actions.appendChild(button("link edit-msg", "Edit")).setAttribute("data-edit", "");
    thread.appendChild(article);
    return article;
  }

  // An answer: a new article, or (regenerating) a new version in the last one, the earlier
  // versions hidden but kept for the ‹ n/m › browser.
  function assistantBubble(regenerating) {
    var article = regenerating ? lastAnswer() : null;
    var body, actions;
    if (article) {
      body = article.querySelector(".msg-body");
      actions = body.querySelector(".msg-actions");
      body.querySelectorAll(".version").forEach(function (v) { v.hidden = true; });
    } else {
      article = el("article", "msg msg-assistant");
      article.appendChild(el("div", "msg-avatar", "AI")).setAttribute("aria-hidden", "true");
      body = article.appendChild(el("div", "msg-body"));
      actions = body.appendChild(el("div", "msg-actions"));
      var versions = actions.appendChild(el("span", "versions"));
      versions.hidden = true;
      versions.appendChild(button("link version-prev", "‹", "Previous answer"));
      versions.appendChild(el("span", "version-count"));
      versions.appendChild(button("link version-next", "›", "Next answer"));
      actions.appendChild(button("link copy-msg", "Copy"));
      thread.appendChild(article);
    }
    article.setAttribute("data-status", "streaming");
    var version = el("div", "version");
    version.setAttribute("data-status", "streaming");
    var md = version.appendChild(el("div", "md streaming"));
    md.appendChild(el("span", "typing", "")).setAttribute("aria-label", "Writing");
    var meta = version.appendChild(el("div", "msg-meta"));
    body.insertBefore(version, actions);
    updateVersions(article);
    return { article: article, version: version, md: md, meta: meta, actions: actions,
             live: new render.Live(md) };
  }

  function lastAnswer() {
    var all = thread.querySelectorAll(".msg-assistant");
    return all.length ? all[all.length - 1] : null;
  }

  function setStatus(bubble, status) {
    bubble.article.setAttribute("data-status", status);
    bubble.version.setAttribute("data-status", status);
  }

  function updateVersions(article) {
    var all = article.querySelectorAll(".version");
    var shown = 0;
    all.forEach(function (v, i) { if (!v.hidden) shown = i; });
    var nav = article.querySelector(".versions");
    nav.hidden = all.length < 2;
    nav.querySelector(".version-count").textContent = (shown + 1) + "/" + all.length;
    nav.querySelector(".version-prev").disabled = shown === 0;
    nav.querySelector(".version-next").disabled = shown === all.length - 1;
    article.setAttribute("data-status", all[shown].getAttribute("data-status") || "");
  }

  function note(bubble, text, isError) {
    var p = el("p", "msg-note" + (isError ? " error" : ""), text);
    if (isError) p.setAttribute("role", "alert");
    bubble.version.insertBefore(p, bubble.meta);
  }

  function addRegenerate(bubble) {
    bubble.actions.appendChild(button("link regenerate", "Regenerate")).setAttribute("data-regenerate", "");
  }

  function setBusy(busy) {
    root.classList.toggle("busy", busy);
    sendButton.textContent = busy ? "Stop" : "Send";
    sendButton.classList.toggle("stop", busy);
    sendButton.title = busy ? "Stop (Esc)" : "";
  }

  function setTitle(title) {
    if (!title) return;
    document.getElementById("chat-title").textContent = title;
    document.title = title + " · " + document.querySelector('meta[name="application-name"]').content;
    if (window.ParleySidebar) window.ParleySidebar.upsert(conversation, title);
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

  function tokensLabel(usage) {
    var span = el("span", "tokens", usage.prompt_tokens + " / " + usage.completion_tokens + " tokens");
    span.tabIndex = 0;
    span.title = usage.prompt_tokens + " tokens read by the model (your message and the conversation before it) / " +
      usage.completion_tokens + " tokens written in this answer";
    return span;
  }

  function stream(payload, userNode, restoreText) {
    var bubble = assistantBubble(payload.regenerate === true);
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
          bubble.version.remove();
          if (!bubble.article.querySelector(".version")) bubble.article.remove();
          else updateVersions(bubble.article);
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
          bubble.version.setAttribute("data-id", data.message);
          if (userNode && data.user_message) userNode.setAttribute("data-id", data.user_message);
          bubble.meta.insertBefore(el("span", "", data.model), bubble.meta.firstChild);
          setTitle(data.title);
        } else if (name === "token") {
          bubble.live.token(data.t);
        } else if (name === "html") {
          bubble.live.render(data.h);
        } else if (name === "done" || name === "error") {
          finished = true;
          bubble.md.classList.remove("streaming");
          render.show(bubble.md, data.html);
          bubble.version.setAttribute("data-content", bubble.live.text);
          setStatus(bubble, name === "done" ? "complete" : "failed");
          if (name === "error") {
            note(bubble, data.message + (data.html ? " The partial answer is kept above." : ""), true);
          } else if (data.usage && data.usage.completion_tokens) {
            bubble.meta.appendChild(tokensLabel(data.usage));
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
        bubble.version.setAttribute("data-content", bubble.live.text);
        setStatus(bubble, "stopped");
        note(bubble, "Stopped — this answer is incomplete.", false);
        addRegenerate(bubble);
      }
      controller = null;
      setBusy(false);
      input.focus();
    });
  }

  function clearNotices() {
    thread.querySelectorAll(".chat-notice").forEach(function (n) { n.remove(); });
  }

  function send(text, edit) {
    var welcome = document.getElementById("welcome");
    if (welcome) welcome.remove();
    clearNotices();
    removeRegenerate();
    var userNode = userBubble(text);
    var ready = conversation ? Promise.resolve() : createConversation();
    var payload = { content: text };
    if (edit) payload.edit = edit;
    ready.then(function () {
      return stream(payload, userNode, edit ? undefined : text);
    }).catch(function (error) {
      userNode.remove();
      if (!edit) input.value = text;
      var notice = el("p", "chat-notice", error.message);
      notice.setAttribute("role", "alert");
      thread.appendChild(notice);
      setBusy(false);
    });
  }

  function sendTyped() {
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    autosize();
    send(text);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (controller) { controller.abort(); return; }
    sendTyped();
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (!controller) sendTyped();
    }
  });
  function autosize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 240) + "px";
  }
  input.addEventListener("input", autosize);

  // Editing a sent message: it and everything after it are set aside (kept on the
  // server), and the edited text is sent in its place.
  function startEdit(article) {
    if (article.querySelector(".edit-form")) return;
    var bubble = article.querySelector(".bubble");
    var editor = el("form", "edit-form");
    var label = el("label", "visually-hidden", "Edit your message");
    var area = el("textarea", "edit-input");
    area.id = "edit-" + (article.getAttribute("data-id") || "new");
    label.htmlFor = area.id;
    area.value = bubble.innerText;
    area.rows = Math.min(10, area.value.split("\n").length + 1);
    var bar = el("div", "edit-bar");
    var cancel = bar.appendChild(button("secondary small", "Cancel"));
    var save = bar.appendChild(el("button", "small", "Save and send"));
    save.type = "submit";
    editor.appendChild(label);
    editor.appendChild(area);
    editor.appendChild(bar);
    bubble.hidden = true;
    article.querySelector(".msg-actions").hidden = true;
    bubble.parentNode.insertBefore(editor, bubble);
    area.focus();
    function close() {
      editor.remove();
      bubble.hidden = false;
      article.querySelector(".msg-actions").hidden = false;
    }
    cancel.addEventListener("click", close);
    area.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.stopPropagation(); close(); }
    });
    editor.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = area.value.trim();
      var id = parseInt(article.getAttribute("data-id"), 10);
      if (!text || !id || controller) return;
      var node = article;
      while (node) { var next = node.nextElementSibling; node.remove(); node = next; }
      send(text, id);
    });
  }

  thread.addEventListener("click", function (event) {
    var target = event.target;
    var article = target.closest(".msg");
    if (target.closest("[data-regenerate]")) {
      if (controller) return;
      clearNotices();
      removeRegenerate();
      stream({ regenerate: true });
    } else if (target.closest("[data-edit]")) {
      startEdit(article);
    } else if (target.closest(".version-prev, .version-next")) {
      var all = Array.prototype.slice.call(article.querySelectorAll(".version"));
      var shown = all.findIndex(function (v) { return !v.hidden; });
      var to = shown + (target.closest(".version-next") ? 1 : -1);
      if (to < 0 || to >= all.length) return;
      all[shown].hidden = true;
      all[to].hidden = false;
      updateVersions(article);
    } else if (target.closest(".copy-msg")) {
      var version = Array.prototype.find.call(article.querySelectorAll(".version"),
        function (v) { return !v.hidden; });
      var copyButton = target.closest(".copy-msg");
      render.copy(copyButton, version ? version.getAttribute("data-content") || "" : "", "Copy");
    }
  });

  // Esc stops the answer being written; Ctrl/Cmd+Shift+O starts a new chat.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && controller) {
      event.preventDefault();
      controller.abort();
    } else if ((event.ctrlKey || event.metaKey) && event.shiftKey && (event.key === "O" || event.key === "o")) {
      event.preventDefault();
      window.location.href = root.getAttribute("data-home-url");
    }
  });

  render.enhance(thread);
  toBottom();
  if (!conversation || !thread.querySelector(".msg")) input.focus();
})();
