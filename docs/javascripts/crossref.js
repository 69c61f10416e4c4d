// Previews of cross-references: hovering or focusing "Figure 2" or "Equation 1" shows the
// figure (its image in the current palette and its caption), the rendered equation or
// the table's caption, next to the link, so that a reader need not scroll away. Only
// targets on the same page get a preview, and the build writes those links without a
// title, so that Material's tooltip opens no second bubble; a reference to another post
// keeps its title, which Material's tooltip shows. The script loads from the site itself,
// as the Content-Security-Policy demands, and styles itself with the classes of site.css.
(() => {
  const GAP = 8; // between the link and the preview, and between the preview and the window's edges
  const SMALLEST_IMAGE = 48; // px: a figure shrunk further would show nothing worth a preview
  let box = null;

  const targetOf = (link) => {
    const href = link.getAttribute("href") || "";
    return href.startsWith("#") ? document.getElementById(decodeURIComponent(href.slice(1))) : null;
  };

  const contentOf = (target) => {
    const parts = [];
    if (target.matches("figure")) {
      const shown = [...target.querySelectorAll("img")].find((img) => getComputedStyle(img).display !== "none");
      if (shown) {
        const image = shown.cloneNode();
        image.removeAttribute("loading");
        image.removeAttribute("title");
        parts.push(image);
      }
      const caption = target.querySelector("figcaption");
      if (caption) parts.push(Object.assign(document.createElement("p"), { textContent: caption.textContent }));
    } else {
      const math = target.querySelector("math");
      if (math) parts.push(math.cloneNode(true));
    }
    return parts;
  };

  // The part of the window a preview may cover: below Material's header (fixed at the top),
  // inside the viewport without its scroll bars.
  const room = () => {
    const header = document.querySelector(".md-header");
    const headerBottom = header ? Math.max(0, header.getBoundingClientRect().bottom) : 0;
    const root = document.documentElement;
    return { top: headerBottom + GAP, bottom: root.clientHeight - GAP, left: GAP, right: root.clientWidth - GAP };
  };

  const clamp = (value, low, high) => Math.max(low, Math.min(value, high));

  // Below the link if the preview fits there; else above it; else beside it (right, then
  // left); else shrunk into the taller of the spaces below and above.
  const place = (link) => {
    box.classList.remove("crossref-preview--shrunk");
    box.style.maxHeight = "";
    box.querySelectorAll("img").forEach((image) => { image.style.maxHeight = ""; });
    const area = room();
    const rect = link.getBoundingClientRect();
    const below = area.bottom - (rect.bottom + GAP);
    const above = rect.top - GAP - area.top;
    let width = box.offsetWidth;
    let height = box.offsetHeight;
    let left = clamp(rect.left, area.left, area.right - width);
    let top;
    if (height <= below) {
      top = rect.bottom + GAP;
    } else if (height <= above) {
      top = rect.top - GAP - height;
    } else if (height <= area.bottom - area.top && width <= area.right - (rect.right + GAP)) {
      left = rect.right + GAP;
      top = clamp(rect.top, area.top, area.bottom - height);
    } else if (height <= area.bottom - area.top && width <= rect.left - GAP - area.left) {
      left = rect.left - GAP - width;
      top = clamp(rect.top, area.top, area.bottom - height);
    } else {
      const space = Math.max(below, above, SMALLEST_IMAGE);
      shrink(space);
      width = box.offsetWidth;
      height = box.offsetHeight;
      left = clamp(rect.left, area.left, area.right - width);
      top = below >= above ? rect.bottom + GAP : rect.top - GAP - height;
    }
    top = clamp(top, area.top, Math.max(area.top, area.bottom - height));
    box.style.left = `${left + window.scrollX}px`;
    box.style.top = `${top + window.scrollY}px`;
  };

  // Fit the preview into `space` px of height: the image gives up what the caption needs.
  const shrink = (space) => {
    box.classList.add("crossref-preview--shrunk");
    box.style.maxHeight = `${space}px`;
    const image = box.querySelector("img");
    if (image) {
      const rest = box.scrollHeight - image.offsetHeight;
      image.style.maxHeight = `${Math.max(SMALLEST_IMAGE, space - rest)}px`;
    }
  };

  const hide = () => {
    if (box) box.remove();
    box = null;
  };

  const show = (link) => {
    const target = targetOf(link);
    if (!target) return;
    hide();
    box = document.createElement("div");
    box.className = "crossref-preview md-typeset";
    box.setAttribute("role", "tooltip");
    box.id = "crossref-preview";
    box.append(...contentOf(target));
    document.body.append(box);
    place(link);
    // An image not loaded yet has no height: place the preview again once it has one.
    const image = box.querySelector("img");
    const shown = box;
    if (image && !image.complete) image.addEventListener("load", () => { if (box === shown) place(link); }, { once: true });
    link.setAttribute("aria-describedby", box.id);
  };

  const link = (event) => event.target instanceof Element && event.target.closest("a.crossref");
  document.addEventListener("mouseover", (event) => { const a = link(event); if (a) show(a); });
  document.addEventListener("focusin", (event) => { const a = link(event); if (a) show(a); });
  document.addEventListener("mouseout", (event) => { if (link(event)) hide(); });
  document.addEventListener("focusout", (event) => { if (link(event)) hide(); });
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") hide(); });
})();
