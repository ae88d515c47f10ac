// leadgate review console: keyboard shortcuts for a fast pass through the queue.
// The page works without this file: every button is a plain form or link.
// j: next card (skips this one), k: previous, s: same, d: different.
(function () {
  "use strict";

  function cards() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-review]"));
  }

  function focusCard(card, scroll) {
    cards().forEach(function (c) { c.classList.remove("focused"); });
    if (!card) { return; }
    card.classList.add("focused");
    card.focus({ preventScroll: true });
    if (scroll) {
      card.scrollIntoView({ block: "start", behavior: "auto" });
      if (history.replaceState) { history.replaceState(null, "", "#" + card.id); }
    }
  }

  function current() {
    return document.querySelector("[data-review].focused") || cards()[0] || null;
  }

  function move(step) {
    var all = cards();
    var here = current();
    var index = here ? all.indexOf(here) : -1;
    if (step > 0 && here) { here.classList.add("skipped"); }
    var next = all[Math.min(all.length - 1, Math.max(0, index + step))];
    focusCard(next, true);
  }

  function press(key) {
    var here = current();
    var button = here && here.querySelector("button[data-key='" + key + "']");
    if (button) { button.click(); }
  }

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || (target && target.isContentEditable);
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    if (!cards().length) { return; }
    var actions = { j: function () { move(1); }, k: function () { move(-1); },
                    s: function () { press("s"); }, d: function () { press("d"); } };
    var action = actions[event.key];
    if (action) { event.preventDefault(); action(); }
  });

  document.addEventListener("click", function (event) {
    var skip = event.target.closest && event.target.closest("a[data-key='j']");
    if (skip) { event.preventDefault(); focusCard(skip.closest("[data-review]"), false); move(1); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var wanted = location.hash && document.getElementById(location.hash.slice(1));
    var chosen = wanted && wanted.hasAttribute("data-review");
    var first = chosen ? wanted : cards()[0];
    if (first) { focusCard(first, chosen); }
  });
})();
