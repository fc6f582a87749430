// Showing an answer, on the chat page and in the widget frame. The HTML always comes from
// the server (parley/chat/markdown.py: markdown-it, then nh3), while it streams as well as
// once it is saved: one sanitiser for both. This script only adds highlighting (highlight.js,
// which escapes the code's text itself), a language label and copy buttons.
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function language(code) {
    var match = /(?:^|\s)language-([\w+#.-]{1,30})/.exec(code.className);
    return match ? match[1] : "";
  }

  function enhance(scope) {
    scope.querySelectorAll("pre > code").forEach(function (code) {
      var pre = code.parentElement;
      if (pre.querySelector(".copy-code")) return;
      var lang = language(code);
      if (lang && window.hljs && window.hljs.getLanguage(lang)) window.hljs.highlightElement(code);
      pre.classList.add("code-block");
      code.tabIndex = 0; // it scrolls sideways: the keyboard must reach it too
      pre.insertBefore(el("span", "code-lang", lang || "code"), code);
      var button = el("button", "copy-code secondary small", "Copy");
      button.type = "button";
      button.setAttribute("aria-label", "Copy code");
      pre.appendChild(button);
    });
  }

  function show(node, html) {
    node.innerHTML = html; // sanitised by the server
    enhance(node);
  }

  // An answer as it streams: the last rendering the server sent, then the text that came
  // after it as plain text (line breaks kept), until the next rendering replaces both.
  function Live(node) {
    this.node = node;
    this.text = "";
    this.tail = null;
  }
  Live.prototype.token = function (t) {
    this.text += t;
    if (!this.tail) {
      var typing = this.node.querySelector(".typing");
      if (typing) typing.remove();
      this.tail = this.node.appendChild(el("span", "tail"));
    }
    this.tail.appendChild(document.createTextNode(t));
  };
  Live.prototype.render = function (html) {
    show(this.node, html);
    this.tail = null;
  };

  function copy(button, text, label) {
    var done = function (word) {
      button.textContent = word;
      setTimeout(function () { button.textContent = label; }, 1500);
    };
    navigator.clipboard.writeText(text).then(function () { done("Copied"); },
      function () { done("Copy failed"); });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".copy-code");
    if (!button) return;
    var code = button.parentElement.querySelector("code");
    copy(button, code ? code.textContent : "", "Copy");
  });

  window.ParleyRender = { el: el, enhance: enhance, show: show, Live: Live, copy: copy };
})();
