// The fauxhire console: sign in with an API key (kept in this tab's sessionStorage), then
// the review queue and an identity's verdict, each read from the API as the key's role may
// see it. Every text from the API goes in with textContent: nothing it says is markup.
"use strict";

const KEY = "fauxhire.key";
const QUEUE_ROLES = ["analyst", "member_analyst"];
const SECTIONS = ["sign-in", "queue", "identity", "no-queue"];
const $ = (id) => document.getElementById(id);
let role = null;
let offset = 0;

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(path, posted) {
  const key = sessionStorage.getItem(KEY) || "";
  const headers = { Authorization: `Bearer ${key}` };
  const sent = posted === undefined ? { headers } : {
    method: "POST",
    headers: { ...headers, "Content-Type": "application/json" },
    body: JSON.stringify(posted),
  };
  const response = await fetch(path, sent);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const said = body.message || (body.detail && body.detail.message) || "";
    throw new ApiError(response.status, said || `the service answered ${response.status}`);
  }
  return body;
}

function show(id) {
  for (const section of SECTIONS) $(section).hidden = section !== id;
}

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

function item(text) {
  const li = document.createElement("li");
  li.textContent = text;
  return li;
}

async function signIn(event) {
  event.preventDefault();
  sessionStorage.setItem(KEY, $("key").value.trim());
  $("key").value = "";
  await start();
}

function signOut() {
  sessionStorage.removeItem(KEY);
  role = null;
  $("who").textContent = "";
  $("sign-out").hidden = true;
  location.hash = "";
  show("sign-in");
  $("key").focus();
}

async function start() {
  if (!sessionStorage.getItem(KEY)) {
    show("sign-in");
    return;
  }
  let me;
  try {
    me = await api("/v1/whoami");
  } catch (error) {
    sessionStorage.removeItem(KEY);
    $("sign-in-error").textContent =
      error.status === 401 ? "That key was not accepted." : error.message;
    show("sign-in");
    return;
  }
  role = me.role;
  $("sign-in-error").textContent = "";
  $("who").textContent =
    `Signed in with key ${me.key_id}, role ${me.role}` + (me.member ? ` of ${me.member}` : "");
  $("sign-out").hidden = false;
  await route();
}

function queueQuery(at) {
  const params = new URLSearchParams();
  for (const box of $("queue-filters").querySelectorAll("input[name=level]:checked")) {
    params.append("level", box.value);
  }
  const indicator = $("indicator").value.trim();
  if (indicator) params.set("indicator", indicator);
  params.set("limit", "50");
  params.set("offset", String(at));
  return params;
}

function queueRow(entry) {
  const tr = document.createElement("tr");
  tr.dataset.identity = entry.identity_id;
  const head = document.createElement("th");
  head.scope = "row";
  const link = document.createElement("a");
  link.href = `#identity/${encodeURIComponent(entry.identity_id)}`;
  link.textContent = entry.identity_id;
  head.append(link);
  tr.append(
    head,
    cell(entry.level),
    cell(entry.probability.toFixed(2)),
    cell(entry.indicators.slice(0, 3).join(", ") || "none"),
    cell(String(entry.applications)),
    cell(entry.network_id ?? "not shown"),
    cell(entry.disposition ?? "none"),
    cell(entry.new ? "new" : ""),
  );
  return tr;
}

async function loadQueue(at) {
  show("queue");
  $("queue-status").textContent = "Loading the queue.";
  $("queue-table").setAttribute("aria-busy", "true");
  let page;
  try {
    page = await api(`/v1/queue?${queueQuery(at)}`);
  } catch (error) {
    $("queue-status").textContent = `The queue could not be read: ${error.message}`;
    $("queue-table").setAttribute("aria-busy", "false");
    return;
  }
  $("queue-table").tBodies[0].replaceChildren(...page.items.map(queueRow));
  $("queue-table").setAttribute("aria-busy", "false");
  offset = at;
  $("next").disabled = page.next_offset === null;
  $("next").dataset.offset = String(page.next_offset ?? "");
  $("previous").disabled = at === 0;
  $("queue-status").textContent = page.items.length
    ? `Identities ${at + 1} to ${at + page.items.length}.`
    : "No identity matches these filters.";
}

async function dispose(event) {
  event.preventDefault();
  const form = $("dispose-form");
  const chosen = form.querySelector("input[name=disposition]:checked");
  const finding = { identity_id: form.dataset.identity, disposition: chosen.value,
                    reason: $("dispose-reason").value.trim() };
  try {
    const done = await api("/v1/dispositions", finding);
    $("dispose-status").textContent =
      `Recorded: ${done.disposition}, on ${done.applications} applications` +
      (done.before ? ` (it replaces ${done.before.disposition}).` : ".");
    form.reset();
  } catch (error) {
    $("dispose-status").textContent = `Not recorded: ${error.message}`;
  }
}

async function openIdentity(id) {
  show("identity");
  $("dispose").hidden = role !== "analyst";
  $("dispose-form").dataset.identity = id;
  $("dispose-status").textContent = "";
  $("identity-title").textContent = `Identity ${id}`;
  $("identity-title").tabIndex = -1;
  $("identity-title").focus();
  let view;
  try {
    view = await api(`/v1/identities/${encodeURIComponent(id)}`);
  } catch (error) {
    $("identity-verdict").replaceChildren();
    $("identity-evidence").replaceChildren(item(`It could not be read: ${error.message}`));
    $("identity-applications").replaceChildren();
    return;
  }
  const verdict = view.verdict;
  const terms = [
    ["Level", verdict.level ?? "not assessed"],
    ["Probability", verdict.probability === null ? "none" : verdict.probability.toFixed(2)],
  ];
  $("identity-verdict").replaceChildren(
    ...terms.flatMap(([term, value]) => {
      const dt = document.createElement("dt");
      dt.textContent = term;
      const dd = document.createElement("dd");
      dd.textContent = value;
      return [dt, dd];
    }),
  );
  const evidence = verdict.evidence.map((e) =>
    item(`${e.indicator} (weight ${e.weight.toFixed(2)})` + (e.detail ? `: ${e.detail}` : "")),
  );
  $("identity-evidence").replaceChildren(...(evidence.length ? evidence : [item("none")]));
  $("identity-applications").replaceChildren(
    ...view.applications.map((a) =>
      item([a.company_id, a.application_id, a.applied_at].filter(Boolean).join(", ")),
    ),
  );
}

async function route() {
  if (!role) return;
  const hash = location.hash;
  if (hash.startsWith("#identity/")) {
    await openIdentity(decodeURIComponent(hash.slice("#identity/".length)));
  } else if (QUEUE_ROLES.includes(role)) {
    await loadQueue(offset);
  } else {
    show("no-queue");
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("sign-in-form").addEventListener("submit", signIn);
  $("dispose-form").addEventListener("submit", dispose);
  $("sign-out").addEventListener("click", signOut);
  $("queue-filters").addEventListener("submit", (event) => {
    event.preventDefault();
    loadQueue(0);
  });
  $("next").addEventListener("click", () => loadQueue(Number($("next").dataset.offset)));
  $("previous").addEventListener("click", () => loadQueue(Math.max(0, offset - 50)));
  $("back").addEventListener("click", () => {
    location.hash = "";
  });
  window.addEventListener("hashchange", route);
  start();
});
