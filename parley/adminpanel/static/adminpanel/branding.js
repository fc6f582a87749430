// Admin → Branding: the colour picker and the hex field stay in step, and the preview shows
// the accent before it is saved.
(function () {
  var picker = document.querySelector("[data-accent-picker]");
  var hex = document.querySelector("[data-accent-hex]");
  var preview = document.getElementById("brand-preview");
  if (!picker || !hex || !preview) return;
  var valid = /^#[0-9a-fA-F]{6}$/;

  function show(color) {
    preview.style.setProperty("--accent", color);
    preview.style.setProperty("--accent-soft", color + "1a");
  }
  picker.addEventListener("input", function () {
    hex.value = picker.value;
    hex.removeAttribute("aria-invalid");
    show(picker.value);
  });
  hex.addEventListener("input", function () {
    var value = hex.value.trim();
    if (valid.test(value)) {
      picker.value = value.toLowerCase();
      hex.removeAttribute("aria-invalid");
      show(value);
    } else {
      hex.setAttribute("aria-invalid", "true");
    }
  });
  if (valid.test(hex.value)) show(hex.value);
})();
