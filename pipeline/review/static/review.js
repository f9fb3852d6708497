// quotewise review: hovering, focusing or clicking a highlight shows its attribution(s) in the
// details panel. Inlined into article pages; without JavaScript the cards under the text still
// list every attribution.
(function () {
  "use strict";
  var panel = document.getElementById("details");
  var text = document.querySelector(".article-text");
  if (!panel || !text) return;
  var body = document.getElementById("details-body");
  var closeButton = document.getElementById("details-close");
  var hint = body.innerHTML;
  var pinned = null; // the highlight last focused or clicked: hovering elsewhere shows, leaving restores it
  var lit = [];
  panel.classList.add("js", "idle");

  // Every record at this point of the text, innermost first: the mark and the marks around it.
  function recordsAt(mark) {
    var ids = [];
    for (var m = mark; m; m = m.parentElement.closest("mark[data-r]")) {
      if (ids.indexOf(m.dataset.r) < 0) ids.push(m.dataset.r);
    }
    return ids;
  }

  function show(mark) {
    lit.forEach(function (m) { m.classList.remove("active"); });
    lit = [];
    if (!mark) {
      body.innerHTML = hint;
      panel.classList.add("idle");
      return;
    }
    body.textContent = "";
    recordsAt(mark).forEach(function (id) {
      var card = document.getElementById("r" + id);
      if (card) {
        var copy = card.cloneNode(true);
        copy.removeAttribute("id");
        body.appendChild(copy);
      }
      text.querySelectorAll('mark[data-r="' + id + '"]').forEach(function (m) {
        m.classList.add("active");
        lit.push(m);
      });
    });
    panel.classList.remove("idle");
  }

  function markOf(event) { return event.target.closest && event.target.closest("mark[data-r]"); }
  function pin(mark) { pinned = mark; show(mark); }

  var closing = false; // refocusing the text after closing the panel must not reopen it
  // Hovering previews only where the panel is on screen: on a phone it opens on a tap, not when
  // the closed panel uncovers a highlight under the pointer.
  function panelShown() { return getComputedStyle(panel).display !== "none"; }
  text.addEventListener("mouseover", function (e) { var m = markOf(e); if (m && panelShown()) show(m); });
  text.addEventListener("mouseleave", function () { show(pinned); });
  text.addEventListener("focusin", function (e) { var m = markOf(e); if (m && !closing) pin(m); });
  text.addEventListener("click", function (e) { var m = markOf(e); if (m) pin(m); });

  function unpin() {
    var back = pinned;
    pinned = null;
    show(null);
    if (back && panel.contains(document.activeElement)) {
      closing = true;
      back.focus({ preventScroll: true }); // keyboard users keep their place in the text
      closing = false;
    }
  }
  closeButton.addEventListener("click", unpin);
  document.addEventListener("keydown", function (e) { if (e.key === "Escape" && pinned) unpin(); });

  // A link to #tN (from the claims or speakers page) focuses that attribution in the text.
  function fromHash() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    if (target && target.matches("mark[data-r]")) {
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: "center" });
      pin(target);
    }
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
