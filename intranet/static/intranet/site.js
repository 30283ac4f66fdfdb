// Suggestions for the header search box. Progressive: without JavaScript the box still
// submits to the search page.
(function () {
  const input = document.getElementById("header-q");
  const list = document.getElementById("search-suggestions");
  if (!input || !list || !window.fetch) return;
  let timer = null;
  let last = "";
  input.addEventListener("input", function () {
    const q = input.value.trim();
    if (timer) clearTimeout(timer);
    if (q.length < 2 || q === last) return;
    timer = setTimeout(function () {
      last = q;
      fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(q), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) {
          list.replaceChildren();
          (data.suggestions || []).forEach(function (s) {
            const option = document.createElement("option");
            option.value = s.title;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 150);
  });
})();

// Copy buttons for feed addresses (templates/feeds/subscribe.html). Progressive: the
// buttons stay hidden without JavaScript or a clipboard, and the address can be selected
// in its read-only field.
(function () {
  if (!navigator.clipboard || !window.isSecureContext) return;
  document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
    const field = document.getElementById(button.dataset.copyTarget);
    if (!field) return;
    const label = button.firstChild ? button.firstChild.textContent : "";
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        if (button.firstChild) button.firstChild.textContent = button.dataset.copiedLabel || label;
        setTimeout(function () { if (button.firstChild) button.firstChild.textContent = label; }, 2000);
      }, function () {
        field.select();
      });
    });
  });
})();
