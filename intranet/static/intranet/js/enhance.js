// Comment, react, follow (and the like) without a page load. Progressive: every form works
// as a plain post without JavaScript; this script only takes over the ones marked
// data-fetch, sends them with fetch and puts the view's answer (intranet/fragments.py) in
// place:
//   data-fetch="replace"  the answer replaces the form, or its closest data-fetch-target;
//   data-fetch="comment"  the answer is a new comment, added to its thread; the form empties.
// A part of a bigger form can go alone: a button with data-fetch-action sends only the
// fields inside its closest [data-fetch] element (which is not a form) to that address,
// and the answer replaces that element. A problem (400, 403, 429) is shown inside the form,
// which keeps what was typed. Any other answer (a login page, a server error) sends the
// form the ordinary way. data-announce is read out to screen readers after it worked.
(function () {
  "use strict";
  if (!window.fetch || !window.FormData || !document.querySelector) return;

  const live = document.createElement("div");
  live.className = "visually-hidden";
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  document.body.appendChild(live);

  function announce(text) {
    if (!text) return;
    live.textContent = "";
    // A new text in a second step, so the same words twice are read twice.
    setTimeout(function () { live.textContent = text; }, 50);
  }

  function parse(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content;
  }

  // Where the focus goes in new content: a field the answer marks invalid, else the
  // button with the id of the one pressed, else the button in the same place (the same
  // reaction, the follow button), else the content itself.
  function focusInside(element, submitter, index) {
    const target = element.querySelector("[aria-invalid=true]") ||
      (submitter && submitter.id && element.querySelector("#" + CSS.escape(submitter.id))) ||
      element.querySelectorAll("button")[index] || element;
    if (target === element && !element.hasAttribute("tabindex")) element.setAttribute("tabindex", "-1");
    target.focus();
  }

  // The answer takes the place of `old`; open <details> stay open.
  function replace(old, html, submitter) {
    const fresh = parse(html).firstElementChild;
    // An earlier answer (a second click before the first came back) may have replaced it.
    if (!old.isConnected && old.id) old = document.getElementById(old.id) || old;
    if (!fresh || !old.isConnected) return;
    const index = Array.prototype.indexOf.call(old.querySelectorAll("button"), submitter);
    const open = Array.prototype.map.call(old.querySelectorAll("details"), function (d) { return d.open; });
    old.replaceWith(fresh);
    fresh.querySelectorAll("details").forEach(function (d, i) { if (open[i]) d.open = true; });
    focusInside(fresh, submitter, index);
  }

  // A new comment goes at the end of its thread: a reply under its parent comment, any
  // other at the end of the list (made if it is the first).
  function addComment(form, html) {
    const item = document.createElement("li");
    item.appendChild(parse(html));
    const parentId = form.elements.parent && form.elements.parent.value;
    let list;
    if (parentId) {
      const thread = document.getElementById("comment-" + parentId).closest("li");
      list = thread.querySelector(":scope > .comment-replies");
      if (!list) {
        list = document.createElement("ol");
        list.className = "comment-list comment-replies";
        thread.appendChild(list);
      }
      const details = form.closest("details");
      if (details) details.open = false;
    } else {
      const section = form.closest("section") || form.parentNode;
      list = section.querySelector(":scope > .comment-list");
      if (!list) {
        list = document.createElement("ol");
        list.className = "comment-list";
        form.before(list);
      }
      const empty = section.querySelector(":scope > .empty");
      if (empty) empty.remove();
    }
    list.appendChild(item);
    form.reset();
    const article = item.querySelector("article") || item;
    article.setAttribute("tabindex", "-1");
    article.focus();
  }

  function showProblem(form, html) {
    let box = form.querySelector(":scope > .fetch-problem");
    if (!box) {
      box = document.createElement("div");
      box.className = "fetch-problem message message-error";
      box.setAttribute("role", "alert");
      form.prepend(box);
    }
    box.replaceChildren(parse(html));
    const field = form.querySelector("textarea, input:not([type=hidden])");
    if (field) field.focus();
  }

  function clearProblem(form) {
    const box = form.querySelector(":scope > .fetch-problem");
    if (box) box.remove();
  }

  // The fields of a part of a form: those inside `scope`, the CSRF token and the button.
  function partData(scope, form, submitter) {
    const data = new FormData();
    data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    scope.querySelectorAll("input, select, textarea").forEach(function (field) {
      if (!field.name || field.disabled) return;
      if ((field.type === "checkbox" || field.type === "radio") && !field.checked) return;
      data.append(field.name, field.value);
    });
    if (submitter.name) data.append(submitter.name, submitter.value);
    return data;
  }

  function formData(form, submitter) {
    try {
      return new FormData(form, submitter);
    } catch (e) { // browsers before 2023 take no submitter
      const data = new FormData(form);
      if (submitter && submitter.name) data.append(submitter.name, submitter.value);
      return data;
    }
  }

  function sendTheOrdinaryWay(form, submitter) {
    form.dataset.fetchOff = "true";
    if (form.requestSubmit) form.requestSubmit(submitter || undefined);
    else form.submit();
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    const submitter = event.submitter || null;
    if (form.dataset.fetchOff) return;
    const part = submitter && submitter.dataset.fetchAction ? submitter.closest("[data-fetch]") : null;
    const holder = part || (form.dataset.fetch ? form : null);
    if (!holder || form.dataset.fetchBusy) {
      if (form.dataset.fetchBusy) event.preventDefault(); // no second post while one is on its way
      return;
    }
    event.preventDefault();
    form.dataset.fetchBusy = "true";
    const url = part ? submitter.dataset.fetchAction : (submitter && submitter.getAttribute("formaction")) || form.action;
    fetch(url, {
      method: "POST",
      body: part ? partData(part, form, submitter) : formData(form, submitter),
      credentials: "same-origin",
      headers: { Accept: "text/html; fragment", "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        if (!response.headers.get("X-Fragment")) throw new Error("not a fragment");
        return response.text().then(function (html) {
          delete form.dataset.fetchBusy;
          if (!response.ok) {
            if (part) replace(part, html, submitter);
            else showProblem(form, html);
            return;
          }
          clearProblem(form);
          if (holder.dataset.fetch === "comment") addComment(form, html);
          else replace(part || form.closest(form.dataset.fetchTarget || "form") || form, html, submitter);
          announce(holder.dataset.announce);
        });
      })
      .catch(function () {
        delete form.dataset.fetchBusy;
        sendTheOrdinaryWay(form, submitter);
      });
  });
})();
