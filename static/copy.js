// Copy buttons: shown only when the clipboard API is available (the values
// stay selectable without JavaScript), also in content htmx swaps in.
(function () {
  if (!navigator.clipboard) return;
  function reveal(root) {
    root.querySelectorAll("button[data-copy]").forEach(function (b) { b.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  document.addEventListener("htmx:load", function (e) { reveal(e.target); });
  document.addEventListener("click", function (e) {
    var b = e.target.closest("button[data-copy]");
    if (!b) return;
    var el = document.getElementById(b.dataset.copy);
    navigator.clipboard.writeText(el.textContent.trim()).then(function () {
      b.textContent = "Copied";
      setTimeout(function () { b.textContent = "Copy"; }, 1500);
    });
  });
})();
