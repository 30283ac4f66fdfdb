// The intranet's rich-text editor: Tiptap (ProseMirror) on every <textarea data-richtext>.
//
// Progressive enhancement: the server renders a textarea (intranet/editor.py, RichTextInput)
// that works on its own, as HTML or plain text. This script hides it, mounts Tiptap with a
// toolbar in its place and copies the editor's HTML back into it on every change, so the
// form posts as it would without JavaScript. The server turns that HTML into Wagtail's
// stored format (intranet/editor.py, to_storage); nothing here is trusted.
//
// The textarea configures everything:
//   data-features        Wagtail feature names the place allows ("h2 bold link image ...")
//   data-upload-url      POST target for images and files (JSON answer, see `upload`)
//   data-page-search-url GET ?q= for the "link a page" picker
//   data-people-url      GET ?q= for @mentions (no popup without it)
//   data-strings         the UI's words as JSON, translated by Django
// After each change the textarea fires `richtext:change` (detail: {html}); its
// `richtextEditor` property is the Tiptap editor, for code that builds on this one.

import { Editor, Extension } from "@tiptap/core";
import Image from "@tiptap/extension-image";
import Link from "@tiptap/extension-link";
import Placeholder from "@tiptap/extension-placeholder";
import { PluginKey } from "@tiptap/pm/state";
import StarterKit from "@tiptap/starter-kit";
import Suggestion from "@tiptap/suggestion";

const STRINGS = {
  toolbar: "Formatting",
  bold: "Bold",
  italic: "Italic",
  code: "Inline code",
  h2: "Heading",
  h3: "Subheading",
  h4: "Minor heading",
  ul: "Bulleted list",
  ol: "Numbered list",
  blockquote: "Quote",
  codeBlock: "Code block",
  hr: "Horizontal line",
  link: "Link",
  pageLink: "Link a page",
  image: "Image",
  file: "File",
  placeholder: "Write something…",
  linkTitle: "Add a link",
  linkUrl: "Address (https://…, mailto:… or /path)",
  linkInvalid: "Use an address starting with https://, http://, mailto: or /.",
  linkRemove: "Remove link",
  insert: "Insert",
  cancel: "Cancel",
  pageTitle: "Link a page",
  pageSearch: "Search pages",
  pageNone: "No pages found.",
  pageFound: "%(count)s pages found.",
  pageFoundOne: "1 page found.",
  altTitle: "Describe the image",
  altLabel: "Alternative text for people who cannot see the image",
  altDecorative: "Decorative image, nothing to describe",
  altMissing: "Describe the image, or mark it as decorative.",
  uploading: "Uploading %(name)s…",
  uploadFailed: "%(name)s could not be uploaded: %(error)s",
  uploadNotAllowed: "This kind of file cannot be added here.",
  uploadDone: "%(name)s added.",
  dismiss: "Dismiss",
  people: "People",
  peopleNone: "Nobody found.",
};

const SAFE_SCHEMES = ["http", "https", "mailto"];

let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

function format(template, values) {
  return template.replace(/%\((\w+)\)s/g, (all, key) => (key in values ? String(values[key]) : all));
}

// http(s), mailto or a relative address; the server checks again (intranet/editor.py).
export function isSafeHref(href) {
  const compact = String(href || "").replace(/[\u0000-\u0020\u007f]+/g, "");
  if (!compact) return false;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(compact);
  return !scheme || SAFE_SCHEMES.includes(scheme[1].toLowerCase());
}

function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of [].concat(children)) {
    if (child) node.append(child);
  }
  return node;
}

// --- icons: small line drawings, currentColor ----------------------------------------------

const ICONS = {
  ul: "M9 6h11M9 12h11M9 18h11M4 5a1 1 0 1 0 0 2a1 1 0 1 0 0-2M4 11a1 1 0 1 0 0 2a1 1 0 1 0 0-2M4 17a1 1 0 1 0 0 2a1 1 0 1 0 0-2",
  ol: "M10 6h10M10 12h10M10 18h10M4 4.5l1.5-1V9M3.5 14a1.5 1.5 0 1 1 2.6 1L3.5 18h3",
  codeBlock: "M4 4h16v16H4zM9 9l-2.5 3L9 15M15 9l2.5 3-2.5 3",
  code: "M9 7l-5 5 5 5M15 7l5 5-5 5",
  hr: "M4 12h16",
  link: "M10 14a4.5 4.5 0 0 0 6.5.4l3-3a4.6 4.6 0 0 0-6.5-6.5l-1.5 1.5M14 10a4.5 4.5 0 0 0-6.5-.4l-3 3a4.6 4.6 0 0 0 6.5 6.5l1.5-1.5",
  pageLink: "M6 3h8l4 4v14H6zM14 3v4h4M9 12h6M9 16h4",
  image: "M4 5h16v14H4zM4 17l5-5 4 4 2.5-2.5L20 18M10 9.5h.01",
  file: "M20 11.5l-8.3 8.3a5 5 0 0 1-7.1-7.1l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7l-8.5 8.5a1.7 1.7 0 0 1-2.4-2.4L14.5 7.4",
};

function icon(name) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", ICONS[name]);
  svg.append(path);
  return svg;
}

// --- Tiptap extensions: links and images that carry intranet ids --------------------------

function dataAttribute(key, name) {
  return {
    default: null,
    parseHTML: (element) => element.getAttribute(name),
    renderHTML: (attributes) => (attributes[key] ? { [name]: attributes[key] } : {}),
  };
}

const IntranetLink = Link.extend({
  // Typing right after a link does not grow it: page links keep their title.
  inclusive: () => false,
  addAttributes() {
    return {
      ...this.parent?.(),
      pageId: dataAttribute("pageId", "data-page-id"),
      documentId: dataAttribute("documentId", "data-document-id"),
      embed: dataAttribute("embed", "data-embed"),
    };
  },
  parseHTML() {
    // A link to a page the author may not see has an id and no address.
    return [{ tag: "a[data-page-id]" }, { tag: "a[data-document-id]" }, ...this.parent()];
  },
});

const IntranetImage = Image.extend({
  addAttributes() {
    return {
      src: { default: null },
      // One value, written as both: `alt` for the editor's own accessibility, `data-alt`
      // for storage ("" = decorative).
      alt: {
        default: "",
        parseHTML: (element) => element.getAttribute("data-alt") ?? element.getAttribute("alt") ?? "",
        renderHTML: (attributes) => ({ alt: attributes.alt || "", "data-alt": attributes.alt || "" }),
      },
      imageId: dataAttribute("imageId", "data-image-id"),
      format: dataAttribute("format", "data-format"),
    };
  },
  parseHTML() {
    // Only intranet images: one pasted from another site could not be stored.
    return [{ tag: "img[data-image-id]" }];
  },
});

// --- the editor around one textarea --------------------------------------------------------

class RichText {
  constructor(textarea) {
    this.textarea = textarea;
    const data = textarea.dataset;
    this.features = new Set((data.features || "").split(/\s+/).filter(Boolean));
    this.strings = { ...STRINGS, ...parseStrings(data.strings) };
    this.uploadUrl = data.uploadUrl || "";
    this.pageSearchUrl = data.pageSearchUrl || "";
    this.peopleUrl = data.peopleUrl || "";
    this.buttons = [];
    this.build();
  }

  has(feature) {
    return this.features.has(feature);
  }

  build() {
    const { textarea, strings } = this;
    const label = textarea.id ? document.querySelector(`label[for="${CSS.escape(textarea.id)}"]`) : null;
    if (label && !label.id) label.id = nextId("richtext-label");

    this.root = el("div", { class: "richtext" });
    this.toolbar = el("div", { class: "richtext-toolbar", role: "toolbar", "aria-label": strings.toolbar });
    this.surface = el("div", { class: "richtext-surface" });
    this.status = el("p", { class: "richtext-status", role: "status", "aria-live": "polite" });
    this.errors = el("div", { class: "richtext-errors", role: "alert" });
    this.root.append(this.toolbar, this.surface, this.status, this.errors);
    textarea.after(this.root);

    this.editor = new Editor({
      element: this.surface,
      content: textarea.value,
      injectCSS: false, // the site's CSP allows no inline styles; editor.css has the rules
      extensions: this.extensions(),
      editorProps: {
        attributes: {
          class: "richtext-content prose",
          role: "textbox",
          "aria-multiline": "true",
          ...(label ? { "aria-labelledby": label.id } : { "aria-label": textarea.getAttribute("aria-label") || "" }),
          ...(textarea.getAttribute("aria-describedby")
            ? { "aria-describedby": textarea.getAttribute("aria-describedby") }
            : {}),
          ...(textarea.required ? { "aria-required": "true" } : {}),
        },
        handlePaste: (view, event) => this.takeFiles(event.clipboardData, null),
        handleDrop: (view, event, slice, moved) => {
          if (moved) return false;
          const at = view.posAtCoords({ left: event.clientX, top: event.clientY });
          return this.takeFiles(event.dataTransfer, at ? at.pos : null);
        },
        handleDoubleClickOn: (view, pos, node) => {
          if (node.type.name !== "image") return false;
          this.editAlt(pos, node);
          return true;
        },
      },
      onUpdate: () => this.sync(),
      onTransaction: () => this.refreshToolbar(),
    });

    // The hidden textarea keeps the value; the browser must not try to validate it.
    textarea.hidden = true;
    textarea.required = false;
    textarea.richtextEditor = this.editor;
    if (label) label.addEventListener("click", () => this.editor.commands.focus());
    this.buildToolbar();
    this.watchDrags();
  }

  extensions() {
    const has = (feature) => this.has(feature);
    const levels = [2, 3, 4].filter((level) => has(`h${level}`));
    const list = has("ul") || has("ol");
    const extensions = [
      StarterKit.configure({
        bold: has("bold") ? {} : false,
        italic: has("italic") ? {} : false,
        code: has("code") ? {} : false,
        heading: levels.length ? { levels } : false,
        bulletList: has("ul") ? {} : false,
        orderedList: has("ol") ? {} : false,
        listItem: list ? {} : false,
        listKeymap: list ? {} : false,
        blockquote: has("blockquote") ? {} : false,
        codeBlock: has("code-block") ? {} : false,
        horizontalRule: has("hr") ? {} : false,
        strike: false,
        underline: false,
        link: false,
      }),
      Placeholder.configure({ placeholder: this.textarea.placeholder || this.strings.placeholder }),
      Extension.create({
        name: "intranetShortcuts",
        addKeyboardShortcuts: () => (has("link") ? { "Mod-k": () => (this.openLinkDialog(), true) } : {}),
      }),
    ];
    if (has("link") || has("document-link")) {
      extensions.push(
        IntranetLink.configure({
          openOnClick: false,
          autolink: has("link"),
          linkOnPaste: has("link"),
          defaultProtocol: "https",
          HTMLAttributes: { target: null, rel: null, class: null },
          isAllowedUri: (url) => !url || isSafeHref(url),
        }),
      );
    }
    if (has("image")) extensions.push(IntranetImage);
    if (this.peopleUrl) extensions.push(this.mentions());
    return extensions;
  }

  sync() {
    const html = this.editor.isEmpty ? "" : this.editor.getHTML();
    this.textarea.value = html;
    this.textarea.dispatchEvent(new CustomEvent("richtext:change", { bubbles: true, detail: { html } }));
  }

  // --- toolbar: one tab stop, arrow keys move between buttons (WAI-ARIA toolbar pattern) ---

  buildToolbar() {
    const { strings } = this;
    const chain = () => this.editor.chain().focus();
    const groups = [
      [
        { feature: "bold", key: "bold", text: "B", run: () => chain().toggleBold().run(), active: "bold" },
        { feature: "italic", key: "italic", text: "I", run: () => chain().toggleItalic().run(), active: "italic" },
        { feature: "code", key: "code", icon: "code", run: () => chain().toggleCode().run(), active: "code" },
      ],
      [2, 3, 4].map((level) => ({
        feature: `h${level}`,
        key: `h${level}`,
        text: `H${level}`,
        run: () => chain().toggleHeading({ level }).run(),
        active: ["heading", { level }],
      })),
      [
        { feature: "ul", key: "ul", icon: "ul", run: () => chain().toggleBulletList().run(), active: "bulletList" },
        { feature: "ol", key: "ol", icon: "ol", run: () => chain().toggleOrderedList().run(), active: "orderedList" },
        { feature: "blockquote", key: "blockquote", text: "\u201C", run: () => chain().toggleBlockquote().run(), active: "blockquote" },
        { feature: "code-block", key: "codeBlock", icon: "codeBlock", run: () => chain().toggleCodeBlock().run(), active: "codeBlock" },
        { feature: "hr", key: "hr", icon: "hr", run: () => chain().setHorizontalRule().run() },
      ],
      [
        { feature: "link", key: "link", icon: "link", dialog: true, run: () => this.openLinkDialog() },
        { feature: "link", key: "pageLink", icon: "pageLink", dialog: true, needs: this.pageSearchUrl, run: () => this.openPageDialog() },
        { feature: "image", key: "image", icon: "image", needs: this.uploadUrl, run: () => this.pickFiles("image/*") },
        { feature: "document-link", key: "file", icon: "file", needs: this.uploadUrl, run: () => this.pickFiles("") },
      ],
    ];
    for (const group of groups) {
      const buttons = group.filter((b) => this.has(b.feature) && b.needs !== "");
      if (!buttons.length) continue;
      const wrapper = el("div", { class: "richtext-group" });
      for (const spec of buttons) {
        // A name that holds the visible text ("H2: Heading"), so speech input finds it.
        const name = spec.text && spec.text.length > 1 ? `${spec.text}: ${strings[spec.key]}` : strings[spec.key];
        const button = el("button", {
          type: "button",
          class: `richtext-button richtext-${spec.key}`,
          "aria-label": name,
          title: name,
          "aria-pressed": spec.active ? "false" : null,
          "aria-haspopup": spec.dialog ? "dialog" : null,
          tabindex: "-1",
        });
        button.append(spec.icon ? icon(spec.icon) : el("span", { "aria-hidden": "true", text: spec.text }));
        button.addEventListener("mousedown", (event) => event.preventDefault()); // keep the selection
        button.addEventListener("click", () => spec.run());
        wrapper.append(button);
        this.buttons.push({ button, spec });
      }
      this.toolbar.append(wrapper);
    }
    if (this.buttons.length) this.buttons[0].button.tabIndex = 0;
    this.toolbar.addEventListener("keydown", (event) => this.moveInToolbar(event));
    this.refreshToolbar();
  }

  moveInToolbar(event) {
    const buttons = this.buttons.map((b) => b.button);
    const index = buttons.indexOf(document.activeElement);
    if (index < 0) return;
    const target = {
      ArrowRight: (index + 1) % buttons.length,
      ArrowLeft: (index - 1 + buttons.length) % buttons.length,
      Home: 0,
      End: buttons.length - 1,
    }[event.key];
    if (target === undefined) return;
    event.preventDefault();
    buttons[index].tabIndex = -1;
    buttons[target].tabIndex = 0;
    buttons[target].focus();
  }

  refreshToolbar() {
    if (!this.editor) return;
    for (const { button, spec } of this.buttons) {
      if (!spec.active) continue;
      const [name, attrs] = [].concat(spec.active);
      button.setAttribute("aria-pressed", String(this.editor.isActive(name, attrs)));
    }
  }

  // --- messages under the editor -----------------------------------------------------------

  say(message) {
    this.status.textContent = message;
  }

  fail(message) {
    const dismiss = el("button", { type: "button", class: "link-button", text: this.strings.dismiss });
    const item = el("p", { class: "richtext-error" }, [el("span", { text: message }), " ", dismiss]);
    dismiss.addEventListener("click", () => {
      item.remove();
      this.editor.commands.focus();
    });
    this.errors.append(item);
  }

  // --- dialogs (<dialog>, outside the page's form, so Enter submits only the dialog) --------

  dialog(title, fields, submitLabel) {
    const heading = el("h2", { id: nextId("richtext-dialog"), text: title });
    const form = el("form", { method: "dialog", class: "richtext-dialog-form" });
    const cancel = el("button", { type: "button", class: "button-secondary", value: "cancel", text: this.strings.cancel });
    const submit = el("button", { type: "submit", value: "ok", text: submitLabel });
    const actions = el("div", { class: "actions" }, [submit, cancel]);
    form.append(heading, ...fields, actions);
    const dialog = el("dialog", { class: "richtext-dialog", "aria-labelledby": heading.id }, form);
    cancel.addEventListener("click", () => dialog.close("cancel"));
    dialog.addEventListener("close", () => {
      dialog.remove();
      this.editor.commands.focus();
    });
    document.body.append(dialog);
    return { dialog, form, actions };
  }

  field(labelText, input) {
    input.id = input.id || nextId("richtext-field");
    return el("p", {}, [el("label", { for: input.id, text: labelText }), input]);
  }

  openLinkDialog() {
    const { editor, strings } = this;
    const current = editor.getAttributes("link");
    const input = el("input", { type: "text", inputmode: "url", autocomplete: "off", value: current.href || "", spellcheck: "false" });
    const error = el("p", { class: "richtext-error", "aria-live": "assertive" });
    input.setAttribute("aria-describedby", (error.id = nextId("richtext-error")));
    const { dialog, form, actions } = this.dialog(strings.linkTitle, [this.field(strings.linkUrl, input), error], strings.insert);
    if (editor.isActive("link")) {
      const remove = el("button", { type: "button", class: "button-danger", text: strings.linkRemove });
      remove.addEventListener("click", () => {
        editor.chain().focus().extendMarkRange("link").unsetLink().run();
        dialog.close("removed");
      });
      actions.append(remove);
    }
    form.addEventListener("submit", (event) => {
      const href = input.value.trim();
      if (!isSafeHref(href)) {
        event.preventDefault();
        error.textContent = strings.linkInvalid;
        input.setAttribute("aria-invalid", "true");
        input.focus();
        return;
      }
      this.insertLink(href, { href, pageId: null, documentId: null, embed: null });
    });
    dialog.showModal();
    input.focus();
  }

  // A link on the selection, or `text` as a new link where nothing is selected.
  insertLink(text, attrs) {
    const { editor } = this;
    if (editor.state.selection.empty && !editor.isActive("link")) {
      editor
        .chain()
        .focus()
        .insertContent([{ type: "text", text, marks: [{ type: "link", attrs }] }, { type: "text", text: " " }])
        .run();
    } else {
      editor.chain().focus().extendMarkRange("link").setLink(attrs).run();
    }
  }

  openPageDialog() {
    const { strings } = this;
    const input = el("input", { type: "search", autocomplete: "off" });
    const results = el("ul", { class: "richtext-results" });
    const status = el("p", { class: "meta", role: "status", "aria-live": "polite" });
    const { dialog, form } = this.dialog(strings.pageTitle, [this.field(strings.pageSearch, input), status, results], strings.insert);
    form.querySelector("button[type=submit]").hidden = true;
    let found = [];
    let timer = null;
    let controller = null;
    const choose = (page) => {
      this.insertLink(page.title, { href: page.url, pageId: String(page.id), documentId: null, embed: null });
      dialog.close("chosen");
    };
    const search = async () => {
      const q = input.value.trim();
      if (controller) controller.abort();
      controller = new AbortController();
      try {
        const data = await getJSON(this.pageSearchUrl, { q }, controller.signal);
        found = Array.isArray(data.results) ? data.results : [];
      } catch (error) {
        if (error.name === "AbortError") return;
        found = [];
      }
      results.replaceChildren(
        ...found.map((page) => {
          const button = el("button", { type: "button", class: "richtext-result" }, [
            el("span", { class: "richtext-result-title", text: page.title }),
            page.context ? el("span", { class: "meta", text: page.context }) : null,
          ]);
          button.addEventListener("click", () => choose(page));
          return el("li", {}, button);
        }),
      );
      if (found.length === 1) status.textContent = strings.pageFoundOne;
      else if (found.length) status.textContent = format(strings.pageFound, { count: found.length });
      else status.textContent = q ? strings.pageNone : "";
    };
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    // Enter in the search box takes the first page found.
    form.addEventListener("submit", (event) => {
      if (found.length) choose(found[0]);
      else event.preventDefault();
    });
    dialog.showModal();
    input.focus();
    search();
  }

  // Asks for an image's alternative text; resolves to the text ("" = decorative) or null.
  askAlt(src, initial = "") {
    const { strings } = this;
    return new Promise((resolve) => {
      const input = el("input", { type: "text", value: initial, autocomplete: "off" });
      const decorative = el("input", { type: "checkbox", id: nextId("richtext-decorative") });
      const preview = src ? el("img", { src, alt: "", class: "richtext-alt-preview" }) : null;
      const error = el("p", { class: "richtext-error", "aria-live": "assertive" });
      const { dialog, form } = this.dialog(
        strings.altTitle,
        [
          preview,
          this.field(strings.altLabel, input),
          el("p", { class: "richtext-check" }, [decorative, el("label", { for: decorative.id, text: strings.altDecorative })]),
          error,
        ],
        strings.insert,
      );
      let answer = null;
      const clear = () => {
        input.disabled = decorative.checked;
        error.textContent = "";
      };
      decorative.addEventListener("change", clear);
      input.addEventListener("input", clear);
      form.addEventListener("submit", (event) => {
        const alt = input.value.trim();
        if (!alt && !decorative.checked) {
          event.preventDefault();
          error.textContent = strings.altMissing;
          input.focus();
          return;
        }
        answer = decorative.checked ? "" : alt;
      });
      dialog.addEventListener("close", () => resolve(answer));
      dialog.showModal();
      input.focus();
    });
  }

  async editAlt(pos, node) {
    const alt = await this.askAlt(node.attrs.src, node.attrs.alt);
    if (alt === null) return;
    this.editor.chain().focus().setNodeSelection(pos).updateAttributes("image", { alt }).run();
  }

  // --- uploads: toolbar, paste and drop ------------------------------------------------------

  canUpload() {
    return Boolean(this.uploadUrl) && (this.has("image") || this.has("document-link"));
  }

  takeFiles(transfer, pos) {
    const files = transfer ? Array.from(transfer.files || []) : [];
    if (!files.length || !this.canUpload()) return false;
    this.uploadAll(files, pos);
    return true;
  }

  pickFiles(accept) {
    const input = el("input", { type: "file", accept: accept || null, multiple: true, hidden: true });
    input.addEventListener("change", () => {
      this.uploadAll(Array.from(input.files || []), null);
      input.remove();
    });
    this.root.append(input);
    input.click();
  }

  async uploadAll(files, pos) {
    for (const file of files) {
      const placed = await this.uploadOne(file, pos);
      if (placed !== null) pos = placed;
    }
  }

  // Uploads one file and inserts it; returns the position after it, or null.
  async uploadOne(file, pos) {
    const { strings } = this;
    const name = file.name || strings.image;
    this.say(format(strings.uploading, { name }));
    this.root.classList.add("is-uploading");
    let answer;
    try {
      answer = await upload(this.uploadUrl, file, csrfToken(this.textarea));
    } catch (error) {
      answer = { error: error.message };
    } finally {
      this.root.classList.remove("is-uploading");
    }
    this.say("");
    const allowed = answer.kind === "image" ? this.has("image") : answer.kind === "document" && this.has("document-link");
    if (answer.error || !allowed) {
      this.fail(format(strings.uploadFailed, { name, error: answer.error || strings.uploadNotAllowed }));
      return null;
    }
    const at = () => (pos === null ? this.editor.state.selection.to : Math.min(pos, this.editor.state.doc.content.size));
    if (answer.kind === "image") {
      const alt = await this.askAlt(answer.url);
      if (alt === null) return null;
      this.editor
        .chain()
        .focus()
        .insertContentAt(at(), { type: "image", attrs: { src: answer.url, alt, imageId: String(answer.id) } })
        .run();
    } else {
      const attrs = { href: answer.url, documentId: String(answer.id), pageId: null, embed: null };
      this.editor
        .chain()
        .focus()
        .insertContentAt(at(), [{ type: "text", text: answer.title || name, marks: [{ type: "link", attrs }] }, { type: "text", text: " " }])
        .run();
    }
    this.say(format(strings.uploadDone, { name }));
    return this.editor.state.selection.to;
  }

  watchDrags() {
    let depth = 0;
    const hasFiles = (event) => Array.from(event.dataTransfer?.types || []).includes("Files");
    this.surface.addEventListener("dragenter", (event) => {
      if (hasFiles(event) && this.canUpload()) this.root.classList.toggle("is-dragging", ++depth > 0);
    });
    this.surface.addEventListener("dragleave", () => {
      depth = Math.max(0, depth - 1);
      this.root.classList.toggle("is-dragging", depth > 0);
    });
    this.surface.addEventListener("drop", () => {
      depth = 0;
      this.root.classList.remove("is-dragging");
    });
  }

  // --- @mentions -----------------------------------------------------------------------------

  mentions() {
    const richtext = this;
    return Extension.create({
      name: "intranetMention",
      addProseMirrorPlugins() {
        return [
          Suggestion({
            editor: this.editor,
            pluginKey: new PluginKey("intranetMention"),
            char: "@",
            minQueryLength: 1,
            debounce: 150,
            container: richtext.root, // inside the page's landmarks, beside the editor
            items: async ({ query, signal }) => {
              try {
                const data = await getJSON(richtext.peopleUrl, { q: query }, signal);
                return Array.isArray(data.results) ? data.results.slice(0, 8) : [];
              } catch (error) {
                if (error.name === "AbortError") throw error;
                return [];
              }
            },
            // Plain text: the server's mention rule (blogs.models.MENTION) does the rest.
            command: ({ editor, range, props }) => {
              editor
                .chain()
                .focus()
                .insertContentAt(range, [{ type: "text", text: `@${props.username} ` }])
                .run();
            },
            render: () => new MentionPopup(richtext),
          }),
        ];
      },
    });
  }
}

// The list of people under an @query: a listbox the editor points at with
// aria-activedescendant, so screen readers follow the arrow keys.
class MentionPopup {
  constructor(richtext) {
    this.richtext = richtext;
    this.items = [];
    this.active = 0;
    this.onStart = (props) => this.start(props);
    this.onUpdate = (props) => this.update(props);
    this.onKeyDown = ({ event }) => this.key(event);
    this.onExit = () => this.exit();
  }

  start(props) {
    this.list = el("ul", {
      class: "richtext-popup",
      role: "listbox",
      id: nextId("richtext-people"),
      "aria-label": this.richtext.strings.people,
    });
    this.unmount = props.mount(this.list);
    const dom = this.richtext.editor.view.dom;
    dom.setAttribute("aria-controls", this.list.id);
    dom.setAttribute("aria-autocomplete", "list");
    this.update(props);
  }

  update(props) {
    this.props = props;
    this.items = props.items || [];
    this.active = Math.min(this.active, Math.max(0, this.items.length - 1));
    this.render();
  }

  render() {
    if (!this.list) return;
    const dom = this.richtext.editor.view.dom;
    if (!this.items.length) {
      this.list.replaceChildren(
        el("li", {
          class: "richtext-popup-empty",
          role: "option",
          "aria-disabled": "true",
          "aria-selected": "false",
          text: this.props.loading ? "…" : this.richtext.strings.peopleNone,
        }),
      );
      dom.removeAttribute("aria-activedescendant");
      return;
    }
    this.list.replaceChildren(
      ...this.items.map((person, index) => {
        const option = el(
          "li",
          { role: "option", id: `${this.list.id}-${index}`, "aria-selected": String(index === this.active), class: "richtext-person" },
          [
            person.avatar
              ? el("img", { src: person.avatar, alt: "", class: "avatar avatar-sm" })
              : el("span", { class: "avatar avatar-sm", "aria-hidden": "true", text: person.initials || (person.name || person.username || "?").slice(0, 1).toUpperCase() }),
            el("span", {}, [
              el("span", { class: "item-title", text: person.name || person.username }),
              el("span", { class: "meta", text: ` @${person.username}` }),
              person.detail ? el("span", { class: "meta richtext-person-detail", text: person.detail }) : null,
            ]),
          ],
        );
        option.addEventListener("mousedown", (event) => {
          event.preventDefault();
          this.props.command(person);
        });
        return option;
      }),
    );
    dom.setAttribute("aria-activedescendant", `${this.list.id}-${this.active}`);
  }

  key(event) {
    if (!this.items.length) return false;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const step = event.key === "ArrowDown" ? 1 : -1;
      this.active = (this.active + step + this.items.length) % this.items.length;
      this.render();
      return true;
    }
    if (event.key === "Enter" || event.key === "Tab") {
      this.props.command(this.items[this.active]);
      return true;
    }
    return false;
  }

  exit() {
    const dom = this.richtext.editor.view.dom;
    for (const name of ["aria-controls", "aria-autocomplete", "aria-activedescendant"]) {
      dom.removeAttribute(name);
    }
    if (this.unmount) this.unmount();
    if (this.list) this.list.remove();
    this.list = null;
  }
}

// --- network -----------------------------------------------------------------------------

function parseStrings(json) {
  try {
    const value = JSON.parse(json || "{}");
    return value && typeof value === "object" ? value : {};
  } catch {
    return {};
  }
}

function csrfToken(textarea) {
  const input = (textarea.form || document).querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

async function getJSON(url, params, signal) {
  const address = new URL(url, window.location.href);
  for (const [key, value] of Object.entries(params)) address.searchParams.set(key, value);
  const response = await fetch(address, { headers: { Accept: "application/json" }, credentials: "same-origin", signal });
  if (!response.ok) throw new Error(String(response.status));
  return response.json();
}

// POSTs one file; the answer is {kind, id, url, title} or {error}.
async function upload(url, file, token) {
  const body = new FormData();
  body.append("file", file, file.name || "pasted-image.png");
  const response = await fetch(url, {
    method: "POST",
    body,
    credentials: "same-origin",
    headers: { Accept: "application/json", "X-CSRFToken": token },
  });
  let answer = null;
  try {
    answer = await response.json();
  } catch {
    answer = null;
  }
  if (answer && typeof answer === "object" && (answer.error || response.ok)) return answer;
  return { error: `${response.status} ${response.statusText}`.trim() };
}

// --- start ---------------------------------------------------------------------------------

export function mount(textarea) {
  if (textarea.richtextEditor) return textarea.richtextEditor;
  return new RichText(textarea).editor;
}

function mountAll(root = document) {
  root.querySelectorAll("textarea[data-richtext]").forEach(mount);
}

window.IntranetEditor = { mount, mountAll };
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", () => mountAll());
} else {
  mountAll();
}
