// Previews of cross-references: hovering or focusing "Figure 2" or "Equation 1" shows the
// figure (its image in the current palette and its caption), the rendered equation or
// the table's caption, next to the link, so that a reader need not scroll away. Only
// targets on the same page get a preview; a reference to another post keeps its title,
// which Material's tooltip shows. The script loads from the site itself, as the
// Content-Security-Policy demands, and styles itself with the classes of site.css.
(() => {
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
    const rect = link.getBoundingClientRect();
    const left = Math.max(8, Math.min(rect.left, window.innerWidth - box.offsetWidth - 8));
    const below = rect.bottom + 8 + box.offsetHeight < window.innerHeight;
    box.style.left = `${left + window.scrollX}px`;
    box.style.top = `${(below ? rect.bottom + 8 : rect.top - box.offsetHeight - 8) + window.scrollY}px`;
    link.setAttribute("aria-describedby", box.id);
  };

  const link = (event) => event.target instanceof Element && event.target.closest("a.crossref");
  document.addEventListener("mouseover", (event) => { const a = link(event); if (a) show(a); });
  document.addEventListener("focusin", (event) => { const a = link(event); if (a) show(a); });
  document.addEventListener("mouseout", (event) => { if (link(event)) hide(); });
  document.addEventListener("focusout", (event) => { if (link(event)) hide(); });
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") hide(); });
  // Same-page references show this preview, not also Material's tooltip of their title.
  const untitle = () => document.querySelectorAll("a.crossref[title]").forEach((a) => {
    if (targetOf(a)) { a.dataset.title = a.title; a.removeAttribute("title"); }
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", untitle); else untitle();
})();
