/*
 * What the dashboard's modules share to put server data on the page: every text goes in through
 * textContent or text nodes, never as HTML.
 */

export const NONE = '—';
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export const $ = (id) => document.getElementById(id);

/** Builds an element; string children become text nodes, never markup. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

export const cell = (field, text) => el('td', { 'data-field': field }, text);

/** Rewriting an unchanged live region would make screen readers announce it at every refresh. */
export function setText(element, text) {
  if (element.textContent !== text) {
    element.textContent = text;
  }
}

/** Rebuilds a list or table body only when its data changed, so selections and focus survive polling. */
export function showRows(container, items, buildRow) {
  const shown = JSON.stringify(items);
  if (container.dataset.shown !== shown) {
    container.dataset.shown = shown;
    container.replaceChildren(...items.map(buildRow));
  }
}

export function showError(element, error) {
  element.hidden = !error;
  element.textContent = error ? error.message : '';
}

export const formatTime = (iso) => (iso == null ? NONE : dateTime.format(new Date(iso)));
