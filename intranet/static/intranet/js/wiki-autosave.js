// Autosave for the wiki editor (templates/wiki/edit.html): while someone writes, the form
// is sent to its `data-autosave-url` about ten seconds after a change, as a private draft
// (wiki.EditDraft), never as a page revision. Nothing here blocks: a failed save only says
// so in the status line, and publishing works whatever happened to the draft.
(function () {
  "use strict";

  const DELAY_MS = 10000;
  const form = document.querySelector("form[data-autosave-url]");
  if (!form || !window.fetch || !window.FormData) return;
  const status = document.getElementById(form.dataset.autosaveStatus || "");
  let timer = null;
  let saving = false;
  let changed = false;
  let leaving = false;

  function say(text) {
    if (status && text) status.textContent = text;
  }

  function schedule() {
    if (leaving) return;
    changed = true;
    if (timer === null && !saving) timer = window.setTimeout(save, DELAY_MS);
  }

  async function save() {
    timer = null;
    if (leaving) return;
    changed = false;
    saving = true;
    try {
      const response = await fetch(form.dataset.autosaveUrl, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      const answer = await response.json().catch(() => ({}));
      say(response.ok ? answer.message : answer.error || form.dataset.autosaveFailed);
    } catch (error) {
      say(form.dataset.autosaveFailed);
    } finally {
      saving = false;
    }
    // Typing went on while the draft was on its way: save that too, a little later.
    if (changed && !leaving) timer = window.setTimeout(save, DELAY_MS);
  }

  // The rich-text editor reports its changes on the (hidden) textarea; the other fields
  // are plain inputs.
  form.addEventListener("richtext:change", schedule);
  form.addEventListener("input", schedule);
  // Publishing (or cancelling) ends the draft: no save may come after it.
  document.addEventListener("submit", () => {
    leaving = true;
    window.clearTimeout(timer);
    timer = null;
  });
})();
