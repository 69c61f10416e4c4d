// Interactive figures: each <div class="figure-view"> that the build put into a figure gets
// the figure's Vega-Lite view, embedded with vega-embed from the scripts the site serves
// itself. Until the view is drawn, and wherever this script does not run (print, feeds,
// excerpts, no JavaScript), the figure's images show; a view that cannot be drawn leaves them.
//
// Under the site's Content-Security-Policy: Vega evaluates its expressions with the
// interpreter that vega-embed bundles (ast: true), never with eval or new Function;
// vega-embed and its tooltip add no <style> (their rules are in site.css); data come as
// JSON files of the site, named by a hash of their bytes.
//
// The view's document (built by figures/views.py) holds the spec, a Vega config per
// palette, the data file to load first and the controls. A control sets a parameter of
// the spec, or loads another data file; every change, and every switch of Material's
// palette (the body's data-md-color-scheme), embeds the view again from that state.
(() => {
  "use strict";

  const scheme = () => (document.body.getAttribute("data-md-color-scheme") === "slate" ? "dark" : "light");
  const views = [];
  let counter = 0;

  const rows = (columns) => {
    const names = Object.keys(columns);
    const length = names.length ? columns[names[0]].length : 0;
    const out = new Array(length);
    for (let i = 0; i < length; i++) {
      const row = {};
      for (const name of names) row[name] = columns[name][i];
      out[i] = row;
    }
    return out;
  };

  const fetchJson = async (url) => {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`);
    return response.json();
  };

  // A data control whose options carry 28x28 digits: one toggle button per digit, the digit
  // drawn on a small canvas (putImageData: no style, no markup), its label for screen readers.
  const thumbnails = (view, spec) => {
    const group = document.createElement("div");
    group.className = "figure-view__thumbnails";
    group.setAttribute("role", "group");
    const caption = Object.assign(document.createElement("span"), {
      className: "figure-view__caption", id: `figure-view-control-${++counter}`,
      textContent: spec.note ? `${spec.label} (${spec.note})` : spec.label,
    });
    group.setAttribute("aria-labelledby", caption.id);
    const buttons = spec.options.map((option) => {
      const button = Object.assign(document.createElement("button"), { type: "button", title: option.label });
      if (option.marked) button.classList.add("is-marked");
      button.setAttribute("aria-label", option.label);
      button.setAttribute("aria-pressed", String(option.value === spec.value));
      const canvas = Object.assign(document.createElement("canvas"), { width: 28, height: 28 });
      const image = new ImageData(28, 28);
      option.image.forEach((v, i) => image.data.set([v, v, v, 255], 4 * i));
      canvas.getContext("2d").putImageData(image, 0, 0);
      button.append(canvas);
      button.addEventListener("click", async () => {
        buttons.forEach((other) => other.setAttribute("aria-pressed", String(other === button)));
        try {
          await load(view, option.value);
          await draw(view);
        } catch (error) {
          console.error("figure view:", error);
        }
      });
      return button;
    });
    group.append(caption, ...buttons);
    return group;
  };

  const control = (view, spec) => {
    if (spec.kind === "data" && spec.options.every((option) => option.image)) return thumbnails(view, spec);
    const id = `figure-view-control-${++counter}`;
    const wrapper = document.createElement("span");
    wrapper.className = "figure-view__control";
    const label = Object.assign(document.createElement("label"), { htmlFor: id, textContent: spec.label });
    const select = Object.assign(document.createElement("select"), { id });
    spec.options.forEach((option, index) => {
      const element = Object.assign(document.createElement("option"), { value: String(index), textContent: option.label });
      if (JSON.stringify(option.value) === JSON.stringify(spec.value)) element.selected = true;
      select.append(element);
    });
    select.addEventListener("change", async () => {
      const value = spec.options[Number(select.value)].value;
      try {
        if (spec.kind === "data") await load(view, value);
        else view.params[spec.param] = value;
        await draw(view);
      } catch (error) {
        console.error("figure view:", error);
      }
    });
    wrapper.append(label, select);
    return wrapper;
  };

  const load = async (view, file) => {
    if (!(file in view.cache)) view.cache[file] = fetchJson(new URL(view.files[file], view.base));
    view.data = await view.cache[file];
    Object.assign(view.params, view.data.params || {});
  };

  const draw = async (view) => {
    const spec = structuredClone(view.document.spec);
    spec.datasets = Object.fromEntries(
      Object.entries(view.data.datasets || {}).map(([name, columns]) => [name, rows(columns)]),
    );
    const palette = scheme();
    for (const param of spec.params || []) {
      if (param.name === "palette") param.value = palette; // a spec that colours text by palette
      else if (param.name in view.params) param.value = view.params[param.name];
    }
    if (view.result) view.result.finalize();
    view.result = await vegaEmbed(view.chart, spec, {
      ast: true, // vega-interpreter: no eval, so no 'unsafe-eval' in the policy
      renderer: "canvas",
      actions: false, // the menu would offer the online editor, another host
      defaultStyle: false, // site.css holds vega-embed's rules: the policy hashes every style
      tooltip: { disableDefaultStyle: true, theme: palette },
      config: view.document.palettes[palette],
    });
    view.palette = palette;
    view.chart.setAttribute("role", "img");
    view.chart.setAttribute("aria-label", view.alt);
    view.element.dataset.drawn = palette;
  };

  const start = async (element) => {
    const base = new URL(element.dataset.src, document.baseURI);
    const document_ = await fetchJson(base);
    const view = {
      element, base, document: document_, files: JSON.parse(element.dataset.files || "{}"),
      alt: element.dataset.alt || "", params: {}, cache: {}, data: null, result: null, palette: null,
    };
    const controls = document.createElement("div");
    controls.className = "figure-view__controls";
    for (const spec of document_.controls || []) {
      if (spec.kind === "param") view.params[spec.param] = spec.value;
      controls.append(control(view, spec));
    }
    view.chart = document.createElement("div");
    view.chart.className = "figure-view__chart";
    element.replaceChildren(...(controls.childElementCount ? [controls] : []), view.chart);
    await load(view, document_.initial);
    element.hidden = false;
    await draw(view);
    element.closest("figure")?.classList.add("has-view");
    views.push(view);
  };

  const redraw = () => {
    for (const view of views) {
      if (view.palette !== scheme()) draw(view).catch((error) => console.error("figure view:", error));
    }
  };

  const begin = () => {
    if (typeof vegaEmbed !== "function") return; // the scripts did not load: the images stay
    for (const element of document.querySelectorAll(".figure-view[data-src]")) {
      start(element).catch((error) => {
        element.hidden = true;
        console.error("figure view:", error);
      });
    }
    new MutationObserver(redraw).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", begin);
  else begin();
})();
