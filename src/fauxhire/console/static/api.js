// What every page of the console shares: the API, read with the signed-in key, and small
// builders of the page's elements. Every text from the API goes in with textContent:
// nothing it says is markup.

export const KEY = "fauxhire.key";
export const $ = (id) => document.getElementById(id);

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// A GET of ``path``, or a POST of ``posted`` as JSON; an ApiError with the service's own
// message for any answer but a 2xx.
export async function api(path, posted) {
  const key = sessionStorage.getItem(KEY) || "";
  const headers = { Authorization: `Bearer ${key}` };
  const sent = posted === undefined ? { headers } : {
    method: "POST",
    headers: { ...headers, "Content-Type": "application/json" },
    body: JSON.stringify(posted),
  };
  const response = await fetch(path, sent);
  if (response.status === 401 && key) window.dispatchEvent(new Event("fauxhire:expired"));
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const listed = Array.isArray(body.detail) ? body.detail.map((d) => d.msg).join("; ") : "";
    const said = body.message || listed || (body.detail && body.detail.message) || "";
    throw new ApiError(response.status, said || `the service answered ${response.status}`);
  }
  return body;
}

export function element(tag, text, attributes = {}) {
  const made = document.createElement(tag);
  if (text !== undefined && text !== null) made.textContent = text;
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
  return made;
}

export const cell = (text) => element("td", text);
export const item = (text) => element("li", text);

export function link(text, hash) {
  return element("a", text, { href: hash });
}

// A table row of texts and elements, each in a cell of its own.
export function row(...cells) {
  const tr = document.createElement("tr");
  tr.append(...cells.map((c) => {
    if (!(c instanceof Node)) return cell(c);
    if (c.tagName === "TD" || c.tagName === "TH") return c;
    const td = element("td");
    td.append(c);
    return td;
  }));
  return tr;
}

// A term and its description, for a <dl>.
export function terms(pairs) {
  return pairs.flatMap(([term, value]) => {
    const dd = element("dd");
    dd.append(value instanceof Node ? value : document.createTextNode(value));
    return [element("dt", term), dd];
  });
}

// A date and time as the analyst reads it: UTC, to the minute.
export function when(at) {
  if (!at) return "no time given";
  return at.length <= 10 ? at : `${at.slice(0, 10)} ${at.slice(11, 16)} UTC`;
}

export const identityHash = (id) => `#identity/${encodeURIComponent(id)}`;
export const networkHash = (id) => `#network/${encodeURIComponent(id)}`;
