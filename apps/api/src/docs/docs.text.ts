// Text into HTML: every string of the document passes through here, so none can open a tag.

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The two bits of Markdown the descriptions use, applied after escaping so no tag can come from the text. */
export function inline(text: string): string {
  return escapeHtml(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

/** Blank-line separated blocks as paragraphs. */
export function paragraphs(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((block) => `<p>${inline(block.replace(/\n/g, ' '))}</p>`)
    .join('');
}

/** An anchor name: lowercase letters, digits and dashes. */
export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/**
 * A table whose cells carry their column's name, so that narrow screens can stack each row as labelled lines
 * (docs.style.ts) instead of squeezing four columns into 360 px. `headers` are text; `rows` are HTML.
 */
export function table(headers: string[], rows: string[][]): string {
  const head = headers.map((name) => `<th scope="col">${escapeHtml(name)}</th>`).join('');
  const body = rows
    .map(
      (cells) =>
        `<tr>${cells.map((cell, i) => `<td data-label="${escapeHtml(headers[i])}">${cell}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<div class="table"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}
