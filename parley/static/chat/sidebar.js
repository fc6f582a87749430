// The conversation list: the drawer on phones, rename and delete on each item (also on a
// conversation started on this page, without a reload), and search over titles and
// message text as one types (GET /chat/search/?q=, JSON).
(function () {
  "use strict";
  var root = document.getElementById("chat");
  var side = document.getElementById("chat-side");
  if (!root || !side) return;
  var list = document.getElementById("convo-list");
  var results = document.getElementById("search-results");
  var search = document.getElementById("side-search");
  var empty = document.getElementById("side-empty");
  var csrf = side.querySelector("input[name=csrfmiddlewaretoken]").value;
  var toggle = document.getElementById("side-toggle");

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function setOpen(open) {
    root.classList.toggle("side-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) search.focus();
    else toggle.focus();
  }
  toggle.addEventListener("click", function () { setOpen(!root.classList.contains("side-open")); });
  document.getElementById("side-close").addEventListener("click", function () { setOpen(false); });
  side.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && root.classList.contains("side-open")) setOpen(false);
  });

  function item(id, title, url) {
    var row = el("div", "convo-item");
    row.setAttribute("data-id", id);
    var link = row.appendChild(el("a", "", title));
    link.href = url || "/c/" + encodeURIComponent(id) + "/";
    link.setAttribute("data-id", id);
    if (id === root.getAttribute("data-conversation")) {
      link.className = "active";
      link.setAttribute("aria-current", "page");
    }
    var rename = row.appendChild(el("button", "item-action", "✎"));
    rename.type = "button";
    rename.title = "Rename";
    rename.setAttribute("data-rename", "");
    var remove = row.appendChild(el("button", "item-action", "×"));
    remove.type = "button";
    remove.title = "Delete";
    remove.setAttribute("data-delete", "");
    label(row, title);
    return row;
  }

  function label(row, title) {
    row.querySelector("[data-rename]").setAttribute("aria-label", "Rename “" + title + "”");
    row.querySelector("[data-delete]").setAttribute("aria-label", "Delete “" + title + "”");
  }

  function rows(id) {
    return side.querySelectorAll('.convo-item[data-id="' + CSS.escape(id) + '"]');
  }

  // The conversation being written in goes to the top of Today.
  function upsert(id, title) {
    var found = list.querySelector('.convo-item[data-id="' + CSS.escape(id) + '"]');
    var row = found || item(id, title);
    if (found) setTitle(id, title);
    var today = list.querySelector('.convo-group[data-group="Today"]');
    if (!today) {
      today = el("section", "convo-group");
      today.setAttribute("data-group", "Today");
      today.appendChild(el("h2", "convo-group-title", "Today"));
      list.insertBefore(today, list.firstChild);
    }
    today.insertBefore(row, today.querySelector(".convo-group-title").nextSibling);
    list.querySelectorAll(".convo-group").forEach(function (group) {
      if (!group.querySelector(".convo-item")) group.remove();
    });
    empty.hidden = true;
  }

  function setTitle(id, title) {
    rows(id).forEach(function (row) {
      row.querySelector("a").textContent = title;
      label(row, title);
    });
    if (id === root.getAttribute("data-conversation")) {
      var heading = document.getElementById("chat-title");
      if (heading) heading.textContent = title;
    }
  }

  function postJSON(url, fields) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrf);
    for (var k in fields) body.append(k, fields[k]);
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new Error(data.message || "That did not work. Reload the page and try again.");
        return data;
      });
    });
  }

  function problem(row, message) {
    var old = row.querySelector(".item-error");
    if (old) old.remove();
    var p = row.appendChild(el("p", "item-error", message));
    p.setAttribute("role", "alert");
  }

  function startRename(row) {
    if (row.querySelector(".rename-form")) return;
    var id = row.getAttribute("data-id");
    var link = row.querySelector("a");
    var editor = el("form", "rename-form");
    var field = editor.appendChild(el("input"));
    field.type = "text";
    field.maxLength = 200;
    field.value = link.textContent;
    field.setAttribute("aria-label", "New title");
    link.hidden = true;
    row.insertBefore(editor, link);
    field.focus();
    field.select();
    var done = false;
    function close() {
      if (done) return;
      done = true;
      editor.remove();
      link.hidden = false;
    }
    field.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.stopPropagation(); close(); link.focus(); }
    });
    field.addEventListener("blur", function () { setTimeout(close, 150); });
    editor.addEventListener("submit", function (event) {
      event.preventDefault();
      var title = field.value.trim();
      if (!title) { close(); return; }
      postJSON("/c/" + encodeURIComponent(id) + "/rename/", { title: title }).then(function (data) {
        setTitle(id, data.title);
        if (id === root.getAttribute("data-conversation")) {
          document.title = data.title + " · " + document.querySelector('meta[name="application-name"]').content;
        }
        close();
        link.focus();
      }, function (error) { close(); problem(row, error.message); });
    });
  }

  function remove(row) {
    var id = row.getAttribute("data-id");
    var title = row.querySelector("a").textContent;
    if (!window.confirm("Delete “" + title + "”? This cannot be undone.")) return;
    postJSON("/c/" + encodeURIComponent(id) + "/delete/", {}).then(function () {
      if (id === root.getAttribute("data-conversation")) {
        window.location.href = root.getAttribute("data-home-url");
        return;
      }
      rows(id).forEach(function (r) {
        var group = r.parentElement;
        r.remove();
        if (group.classList.contains("convo-group") && !group.querySelector(".convo-item")) group.remove();
      });
      empty.hidden = !!list.querySelector(".convo-item");
    }, function (error) { problem(row, error.message); });
  }

  side.addEventListener("click", function (event) {
    var row = event.target.closest(".convo-item");
    if (!row) return;
    if (event.target.closest("[data-rename]")) startRename(row);
    else if (event.target.closest("[data-delete]")) remove(row);
  });

  // Search as one types: the latest answer wins; an empty box shows the list again.
  var seq = 0;
  var timer = null;
  function showResults(query, found) {
    results.textContent = "";
    found.forEach(function (r) { results.appendChild(item(r.id, r.title, r.url)); });
    if (!found.length) results.appendChild(el("p", "side-empty", "No conversation matches “" + query + "”."));
    results.hidden = false;
    list.hidden = true;
  }
  search.addEventListener("input", function () {
    clearTimeout(timer);
    var query = search.value.trim();
    var mine = ++seq;
    if (!query) {
      results.hidden = true;
      list.hidden = false;
      return;
    }
    timer = setTimeout(function () {
      fetch(side.getAttribute("data-search-url") + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin", headers: { Accept: "application/json" }
      }).then(function (response) { return response.json(); }).then(function (data) {
        if (mine === seq) showResults(query, data.results || []);
      });
    }, 150);
  });
  search.form.addEventListener("submit", function (event) { event.preventDefault(); });

  window.ParleySidebar = { upsert: upsert };
})();
