// Admin → Branding: the colour picker and the hex field stay in step, and the preview shows
// the accent before it is saved.
(function () {
  var picker = document.querySelector("[data-accent-picker]");
  var hex = document.querySelector("[data-accent-hex]");
  var preview = document.getElementById("brand-preview");
  if (!picker || !hex || !preview) return;
  var valid = /^#[0-9a-fA-F]{6}$/;

  // White or near-black text on the accent, whichever reads better: the rule the server
  // applies to the saved colour (parley/branding/selectors.py, WCAG relative luminance).
  function ink(color) {
    var lum = [1, 3, 5].map(function (i) {
      var s = parseInt(color.substr(i, 2), 16) / 255;
      return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    });
    var l = 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2];
    return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? "#ffffff" : "#111111";
  }
  function show(color) {
    preview.style.setProperty("--accent", color);
    preview.style.setProperty("--accent-soft", color + "1a");
    preview.style.setProperty("--accent-ink", ink(color));
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
