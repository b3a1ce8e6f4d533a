// The review page of `serve --review` (/review/NAME), for comfort only: every action is a plain form
// that works without this script. Keys move between the records and decide them, the scroll position
// is kept across a decision (the form posts, the server redirects back here), and choosing a field
// to edit puts its value in the box. Nothing here builds markup: values go into form fields only.
"use strict";
(function () {
  const records = Array.from(document.querySelectorAll(".record"));
  const scrollKey = "ecosystem-graph-review-scroll:" + location.pathname;
  const saved = sessionStorage.getItem(scrollKey);
  sessionStorage.removeItem(scrollKey);
  if ("scrollRestoration" in history) history.scrollRestoration = "manual";

  document.addEventListener("submit", function () {
    sessionStorage.setItem(scrollKey, String(window.scrollY));
  });

  // The record the server sent us to (the next one after a decision), focused for the keys.
  function focusTarget(keepScroll) {
    const target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    if (!target || !target.classList.contains("record")) return;
    target.focus({ preventScroll: keepScroll });
    if (keepScroll) target.scrollIntoView({ block: "nearest" });
  }
  window.addEventListener("load", function () {
    if (saved !== null) window.scrollTo(0, Number(saved));
    focusTarget(saved !== null);
  });
  window.addEventListener("hashchange", function () { focusTarget(false); });

  document.querySelectorAll("select[name=field]").forEach(function (select) {
    const box = select.form.elements.namedItem("value");
    function fill() {
      const option = select.selectedOptions[0];
      box.value = option ? option.dataset.value : "";
    }
    select.addEventListener("change", fill);
    fill();
  });

  function show(record) {
    if (!record) return;
    record.focus({ preventScroll: true });
    record.scrollIntoView({ block: "nearest" });
  }

  // j/k: next/previous record; a, r, u: its buttons; e, l: its edit and link controls; Escape: back to it.
  const keys = new Set(["a", "r", "u", "e", "l"]);
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    const inField = event.target.closest && event.target.closest("input, select, textarea, button");
    const record = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest(".record") : null;
    if (event.key === "Escape" && record) {
      record.focus();
      return;
    }
    if (inField && event.target.tagName !== "BUTTON") return;
    const index = records.indexOf(record);
    if (event.key === "j" || event.key === "k") {
      event.preventDefault();
      if (index < 0) show(records.find(function (r) { return r.classList.contains("s-proposed"); }) || records[0]);
      else show(records[index + (event.key === "j" ? 1 : -1)]);
      return;
    }
    if (!record || !keys.has(event.key)) return;
    const control = record.querySelector("[data-key=" + event.key + "]");
    if (!control) return;
    event.preventDefault();
    if (control.tagName === "BUTTON") control.click();
    else control.focus();
  });
})();
