/** A tiny element builder: no framework, text is always set as text (never parsed as HTML). */
type Attrs = Record<string, string | number | boolean | null | undefined>;
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/** Replaces the content of the page's main region and sets the title. */
export function showPage(title: string, ...content: Child[]): HTMLElement {
  document.title = title ? `${title} · mcpad` : 'mcpad';
  const main = document.getElementById('app')!;
  main.replaceChildren();
  for (const child of content) if (child) main.append(child);
  return main;
}
