// The composer's tag box (templates/blogs/compose.html): suggestions for the tag being
// typed, not only the first one. Tags are one comma-separated text field, and a <datalist>
// offers whole values; so the list is rebuilt as the text typed so far plus each known tag
// that starts like the last, unfinished one. Without JavaScript the datalist still offers
// the known tags for the first tag, and the field takes any text.
(function () {
  "use strict";
  const LIMIT = 12;

  function enhance(input) {
    const list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    const known = Array.from(list.options, (option) => option.value);
    const update = () => {
      const text = input.value;
      const cut = text.lastIndexOf(",");
      const before = cut < 0 ? "" : text.slice(0, cut + 1) + " ";
      const typed = text.slice(cut + 1).trim().toLowerCase();
      const taken = new Set(
        text.slice(0, Math.max(cut, 0)).split(",").map((tag) => tag.trim().toLowerCase())
      );
      const matches = known
        .filter((tag) => tag.toLowerCase().startsWith(typed) && !taken.has(tag.toLowerCase()))
        .slice(0, LIMIT);
      list.replaceChildren(
        ...matches.map((tag) => {
          const option = document.createElement("option");
          option.value = before + (/[\s,]/.test(tag) ? `"${tag}"` : tag);
          return option;
        })
      );
    };
    input.addEventListener("input", update);
    update();
  }

  document.querySelectorAll("input[list][data-tag-input]").forEach(enhance);
})();
