// Cases: the hub analyst's investigations. The list (all open, or the signed-in key's own),
// and a case's page: its subject, state and assignee, and everything done in it, with forms
// to add a note, a file or an employer report, to assign it, and to move it on. Closing a
// case takes a finding, which becomes the subject's disposition.
import { $, KEY, api, element, identityHash, link, networkHash, row, when } from "./api.js";

let me = null; // the signed-in key's id: "my cases" are those assigned to it
let current = null; // the case shown

const subjectLink = (c) => {
  const id = c.current_id ?? c.subject_id;
  return link(`${c.subject_kind} ${id}`,
    c.subject_kind === "identity" ? identityHash(id) : networkHash(id));
};

// Who "me" is: the signed-in key, the assignee of the cases it opens.
export function casesFor(keyId) {
  me = keyId;
}

export async function loadCases() {
  const params = new URLSearchParams();
  const shown = $("cases-which").value;
  if (shown === "mine") params.set("assignee", me);
  if (shown !== "closed") ["new", "investigating", "escalated"].forEach((s) => params.append("state", s));
  else params.append("state", "closed");
  $("cases-status").textContent = "Loading the cases.";
  let page;
  try {
    page = await api(`/v1/cases?${params}`);
  } catch (error) {
    $("cases-status").textContent = `The cases could not be read: ${error.message}`;
    return;
  }
  $("cases-table").tBodies[0].replaceChildren(
    ...page.items.map((c) => row(link(`Case ${c.case_id}`, `#case/${c.case_id}`), c.title,
      subjectLink(c), c.state + (c.finding ? ` (${c.finding})` : ""), c.assignee ?? "nobody",
      when(c.updated_at))),
  );
  const n = page.items.length;
  $("cases-status").textContent = n ? `${n} case${n === 1 ? "" : "s"}.` : "No case.";
}

function show(found) {
  current = found;
  $("case-title").textContent = `Case ${found.case_id}: ${found.title}`;
  const facts = [
    ["Subject", subjectLink(found)],
    ["State", found.state + (found.finding ? `, finding: ${found.finding}` : "")],
    ["Assignee", found.assignee ?? "nobody"],
    ["Opened", `${when(found.opened_at)} by ${found.opened_by}`],
  ];
  $("case-facts").replaceChildren(...facts.flatMap(([term, value]) => {
    const dd = element("dd");
    dd.append(value);
    return [element("dt", term), dd];
  }));
  $("case-entries").tBodies[0].replaceChildren(
    ...found.entries.map((e) => {
      let what = e.text;
      if (e.kind === "file") {
        what = element("span", `${e.text} (${e.size} bytes, sha256 ${e.sha256.slice(0, 12)}…) `);
        const download = element("button", "Download", { type: "button" });
        download.addEventListener("click", () => downloadFile(found.case_id, e));
        what.append(download);
      }
      return row(when(e.at), e.actor, e.kind, what);
    }),
  );
  const closed = found.state === "closed";
  for (const form of ["case-note-form", "case-file-form", "case-report-form", "case-state-form",
    "case-assign-form"]) $(form).hidden = closed;
}

export async function openCase(id) {
  $("case-status").textContent = "Loading the case.";
  try {
    show(await api(`/v1/cases/${encodeURIComponent(id)}`));
    $("case-status").textContent = "";
  } catch (error) {
    $("case-status").textContent = `It could not be read: ${error.message}`;
  }
}

async function downloadFile(caseId, entry) {
  const key = sessionStorage.getItem(KEY) || "";
  const response = await fetch(`/v1/cases/${caseId}/files/${entry.entry_id}`,
    { headers: { Authorization: `Bearer ${key}` } });
  if (!response.ok) {
    $("case-status").textContent = `The file could not be read (${response.status}).`;
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const a = element("a", null, { href: url, download: entry.file_name });
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

async function change(event, path, body, form) {
  event.preventDefault();
  try {
    show(await api(`/v1/cases/${current.case_id}/${path}`, body));
    $("case-status").textContent = "Recorded.";
    $(form).reset();
  } catch (error) {
    $("case-status").textContent = `Not recorded: ${error.message}`;
  }
}

function readFile(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.addEventListener("load", () => resolve(String(reader.result).split(",", 2)[1] ?? ""));
    reader.addEventListener("error", () => reject(reader.error));
    reader.readAsDataURL(file);
  });
}

// A case opened from an identity's or a network's page.
export async function openCaseOn(kind, id) {
  const title = `Review of ${kind} ${id}`;
  try {
    const made = await api("/v1/cases", { subject_kind: kind, subject_id: id, title, assignee: me });
    location.hash = `#case/${made.case_id}`;
  } catch (error) {
    return error.message;
  }
  return null;
}

export function wireCases() {
  $("cases-which").addEventListener("change", () => loadCases());
  $("case-note-form").addEventListener("submit", (event) =>
    change(event, "notes", { text: $("case-note").value.trim() }, "case-note-form"));
  $("case-report-form").addEventListener("submit", (event) =>
    change(event, "reports", { report: $("case-report").value.trim() }, "case-report-form"));
  $("case-state-form").addEventListener("submit", (event) => {
    const state = $("case-state").value;
    const finding = state === "closed" ? $("case-finding").value : null;
    change(event, "state", { state, reason: $("case-reason").value.trim(), finding },
      "case-state-form");
  });
  $("case-assign-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const assignee = $("case-assignee").value.trim();
    try {
      show(await api(`/v1/cases/${current.case_id}/assign`, { assignee }));
      $("case-status").textContent = `Assigned to ${assignee}.`;
      $("case-assign-form").reset();
    } catch (error) {
      $("case-status").textContent = `Not assigned: ${error.message}`;
    }
  });
  $("case-file-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = $("case-file").files[0];
    if (!file) return;
    const content = await readFile(file);
    change(event, "files", { name: file.name, media_type: file.type || "application/octet-stream",
      content_base64: content }, "case-file-form");
  });
  $("case-state").addEventListener("change", () => {
    $("case-finding-field").hidden = $("case-state").value !== "closed";
  });
}
