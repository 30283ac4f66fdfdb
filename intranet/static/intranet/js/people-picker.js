// Choosing people by name (intranet/pickers.py), the APG "list autocomplete" combobox: while
// one types, a listbox offers colleagues from data-suggest-url; arrow keys move, Enter
// chooses, Escape closes. Two kinds of box carry data-person-picker:
// - an input: it shows names ("Emma Wagner"); a hidden field beside it sends the usernames
//   the form resolves without doubt. Without JavaScript it takes a typed name as it is.
// - a textarea with data-mention (a comment): typing "@" and the start of a name offers
//   colleagues, and choosing one writes "@username " where the name was typed. Without
//   JavaScript one types the username.
// Boxes put in the page later (by intranet/js/enhance.js) are enhanced as they arrive.
(function () {
  "use strict";
  if (!window.fetch || !document.querySelector || window.intranetPeoplePicker) return;
  window.intranetPeoplePicker = true; // loaded twice (two forms on a page): enhance once

  const MIN_CHARS = 2;
  const MIN_MENTION_CHARS = 1;
  const DELAY_MS = 150;
  // "@" and the name typed so far, right before the caret; the "@" not inside a word, an
  // e-mail address or a link (the rule of blogs.models.MENTION).
  const MENTION_BEFORE_CARET = /(^|[^\w@/.:])@([^\s@]*)$/;
  let counter = 0;

  function parts(text) {
    return text.split(",").map(function (part) { return part.trim(); });
  }

  function avatarFor(person) {
    if (person.avatar) {
      const img = document.createElement("img");
      img.className = "avatar avatar-sm";
      img.src = person.avatar;
      img.alt = "";
      img.width = 32;
      img.height = 32;
      return img;
    }
    const span = document.createElement("span");
    span.className = "avatar avatar-sm"; // initials on the neutral avatar colour
    span.setAttribute("aria-hidden", "true");
    span.textContent = person.initials || (person.name || "?").charAt(0).toUpperCase();
    return span;
  }

  // The listbox under `box`, its messages, and the lookups that fill it. `typed()` says
  // what to look up (or null: nothing), `onChoose(person)` puts a chosen person in the box.
  function combobox(box, minChars, typed, onChoose) {
    const data = box.dataset;
    // A text area keeps its own role (ARIA allows no other): it announces the offered
    // colleagues through aria-autocomplete, aria-controls and aria-activedescendant.
    const multiline = box.tagName === "TEXTAREA";
    const id = box.id || "person-picker-" + ++counter;
    box.id = id;

    const wrapper = document.createElement("div");
    wrapper.className = "person-picker";
    box.parentNode.insertBefore(wrapper, box);
    wrapper.appendChild(box);

    const list = document.createElement("ul");
    list.id = id + "-listbox";
    list.className = "person-picker-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", data.labelList || "");
    list.hidden = true;
    wrapper.appendChild(list);

    const empty = document.createElement("p");
    empty.className = "person-picker-empty";
    empty.hidden = true;
    empty.textContent = data.msgNone || "";
    wrapper.appendChild(empty);

    const status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    wrapper.appendChild(status);

    if (!multiline) box.setAttribute("role", "combobox");
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-controls", list.id);
    expanded(false);
    box.setAttribute("autocomplete", "off");

    let results = [];
    let active = -1;
    let timer = null;
    let pending = null;

    function expanded(open) {
      if (!multiline) box.setAttribute("aria-expanded", open ? "true" : "false");
    }

    function close() {
      list.hidden = true;
      empty.hidden = true;
      expanded(false);
      box.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      const options = list.querySelectorAll("[role=option]");
      if (!options.length) return;
      active = (index + options.length) % options.length;
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      box.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function choose(index) {
      const person = results[index];
      if (!person) return;
      onChoose(person);
      close();
      status.textContent = (data.msgChosen || "%(name)s").replace("%(name)s", person.name);
    }

    function show(people) {
      results = people;
      list.replaceChildren();
      people.forEach(function (person, i) {
        const option = document.createElement("li");
        option.id = id + "-option-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.appendChild(avatarFor(person));
        const text = document.createElement("span");
        text.className = "person-picker-text";
        const name = document.createElement("span");
        name.className = "person-picker-name";
        name.textContent = person.name;
        text.appendChild(name);
        if (person.detail) {
          const detail = document.createElement("span");
          detail.className = "person-picker-detail";
          detail.textContent = person.detail;
          text.appendChild(detail);
        }
        option.appendChild(text);
        // mousedown would move the focus away from the box before the click lands.
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { choose(i); box.focus(); });
        list.appendChild(option);
      });
      active = -1;
      box.removeAttribute("aria-activedescendant");
      list.hidden = !people.length;
      empty.hidden = !!people.length;
      expanded(people.length > 0);
      if (!people.length) status.textContent = data.msgNone || "";
      else if (people.length === 1) status.textContent = data.msgOne || "";
      else status.textContent = (data.msgCount || "").replace("%(count)s", people.length);
    }

    function lookUp() {
      const q = typed();
      if (q === null || q.length < minChars) { close(); return; }
      if (pending) pending.abort();
      pending = window.AbortController ? new AbortController() : null;
      fetch(data.suggestUrl + "?q=" + encodeURIComponent(q), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: pending ? pending.signal : undefined,
      })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (answer) {
          if (q === typed() && document.activeElement === box) show(answer.results || []);
        })
        .catch(function () {});
    }

    box.addEventListener("input", function () {
      if (timer) clearTimeout(timer);
      timer = setTimeout(lookUp, DELAY_MS);
    });

    box.addEventListener("keydown", function (event) {
      const open = !list.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!open) {
          const q = typed();
          // In a text area the arrows move the caret unless a list is offered.
          if (!multiline && results.length && q && q.length >= minChars) show(results);
          else return;
        }
        event.preventDefault();
        highlight(active + (event.key === "ArrowDown" ? 1 : active < 0 ? 0 : -1));
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault(); // choose; don't submit the form or start a new line
        choose(active);
      } else if (event.key === "Escape" && (open || !empty.hidden)) {
        event.preventDefault();
        close();
      }
    });

    box.addEventListener("blur", close);
    return { close: close };
  }

  function enhanceInput(input) {
    if (!input.dataset.suggestUrl || !input.name) return;
    const multiple = input.hasAttribute("data-multiple");

    // What the person sees is a name; what the form sends is the username behind it.
    const chosen = new Map(); // display name -> username
    let known = {};
    try { known = JSON.parse(input.dataset.names || "{}"); } catch (e) { known = {}; }
    const hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = input.name;
    input.removeAttribute("name");
    input.value = (multiple ? parts(input.value) : [input.value.trim()])
      .filter(Boolean)
      .map(function (part) {
        if (!known[part]) return part;
        chosen.set(known[part], part);
        return known[part];
      })
      .join(", ");

    function sync() {
      if (!multiple) {
        hidden.value = chosen.get(input.value.trim()) || input.value;
        return;
      }
      hidden.value = parts(input.value).filter(Boolean).map(function (part) {
        return chosen.get(part) || part;
      }).join(", ");
    }

    function typed() {
      const all = parts(input.value);
      const q = multiple ? all[all.length - 1] : input.value.trim();
      return chosen.has(q) ? null : q;
    }

    combobox(input, MIN_CHARS, typed, function (person) {
      chosen.set(person.name, person.username);
      if (multiple) {
        const all = parts(input.value);
        all[all.length - 1] = person.name;
        input.value = all.filter(Boolean).join(", ") + ", ";
      } else {
        input.value = person.name;
      }
      sync();
    });
    input.after(hidden);
    input.addEventListener("input", sync);
    sync();
  }

  function enhanceTextarea(area) {
    if (!area.dataset.suggestUrl) return;

    // The "@name" being typed: where its "@" is, and the name so far.
    function mention() {
      if (area.selectionStart !== area.selectionEnd) return null;
      const found = MENTION_BEFORE_CARET.exec(area.value.slice(0, area.selectionStart));
      if (!found) return null;
      return { start: area.selectionStart - found[2].length - 1, name: found[2] };
    }

    combobox(
      area,
      MIN_MENTION_CHARS,
      function () {
        const typing = mention();
        return typing ? typing.name : null;
      },
      function (person) {
        const typing = mention();
        if (!typing) return;
        const text = "@" + person.username + " ";
        const end = typing.start + 1 + typing.name.length;
        area.setRangeText(text, typing.start, end, "end");
      }
    );
  }

  // Every box in `root` (the element itself included) not enhanced yet; each box once.
  function enhanceWithin(root) {
    if (!root.querySelectorAll) return; // text, comments
    const boxes = Array.prototype.slice.call(root.querySelectorAll("[data-person-picker]"));
    if (root.matches("[data-person-picker]")) boxes.unshift(root);
    boxes.forEach(function (box) {
      if (box.dataset.personPickerReady) return;
      box.dataset.personPickerReady = "true";
      if (box.tagName === "INPUT") enhanceInput(box);
      else if (box.tagName === "TEXTAREA" && box.hasAttribute("data-mention")) enhanceTextarea(box);
    });
  }

  enhanceWithin(document.body);
  // Boxes can arrive later: a comment added without a page load (enhance.js) brings its
  // reply box. They are enhanced as they are put in the page.
  if (window.MutationObserver) {
    new MutationObserver(function (records) {
      records.forEach(function (record) { record.addedNodes.forEach(enhanceWithin); });
    }).observe(document.body, { childList: true, subtree: true });
  }
})();
