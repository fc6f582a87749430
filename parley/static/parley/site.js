// Site-wide helpers: report the browser's time zone (server renders times in it) and
// copy-to-clipboard buttons.
(function () {
  try {
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz && document.cookie.indexOf("parley_tz=" + tz) === -1) {
      document.cookie = "parley_tz=" + encodeURIComponent(tz) + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (e) { /* old browser: times stay in UTC */ }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-copy"));
    var text = source ? (source.value || source.textContent) : "";
    navigator.clipboard.writeText(text.trim()).then(function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1500);
    });
  });
  // Starter prompts on an empty chat (Admin → Branding): fill the message box, not send.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-fill-composer]");
    var input = document.getElementById("composer-input");
    if (!button || !input) return;
    input.value = button.getAttribute("data-fill-composer");
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.focus();
  });
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });
})();
