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
