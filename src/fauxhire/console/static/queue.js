// The review queue: identities by level, then the latest assessed, filtered and paged.
import { $, api, cell, element, identityHash, link } from "./api.js";

const PAGE = 50;
let offset = 0;

function query(at) {
  const params = new URLSearchParams();
  for (const box of $("queue-filters").querySelectorAll("input[name=level]:checked")) {
    params.append("level", box.value);
  }
  const indicator = $("indicator").value.trim();
  if (indicator) params.set("indicator", indicator);
  if (!$("hub-filters").hidden) {  // the hub's analyst's filters: a member's queue has none
    for (const name of ["member", "sector", "network", "disposition"]) {
      const given = $(`filter-${name}`).value.trim();
      if (given) params.set(name, given);
    }
  }
  params.set("limit", String(PAGE));
  params.set("offset", String(at));
  return params;
}

function queueRow(entry) {
  const tr = document.createElement("tr");
  tr.dataset.identity = entry.identity_id;
  const head = element("th", null, { scope: "row" });
  head.append(link(entry.identity_id, identityHash(entry.identity_id)));
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
  const pick = element("td", null, { class: "select-column" });
  const box = element("input", null, {
    type: "checkbox", name: "pick", value: entry.identity_id,
    "aria-label": `Select ${entry.identity_id}`,
  });
  pick.append(box);
  tr.append(pick);
  return tr;
}

export async function loadQueue(at = offset) {
  $("queue-status").textContent = "Loading the queue.";
  $("queue-table").setAttribute("aria-busy", "true");
  let page;
  try {
    page = await api(`/v1/queue?${query(at)}`);
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

async function assign(event) {
  event.preventDefault();
  const picked = [...$("queue-table").querySelectorAll("input[name=pick]:checked")]
    .map((box) => box.value);
  const assignee = $("assign-to").value.trim();
  if (!picked.length) {
    $("assign-status").textContent = "Select identities first.";
    return;
  }
  try {
    const done = await api("/v1/cases/assign", { identity_ids: picked, assignee });
    $("assign-status").textContent =
      `Assigned ${picked.length} to ${assignee}: cases ${done.case_ids.join(", ")}.`;
  } catch (error) {
    $("assign-status").textContent = `Not assigned: ${error.message}`;
  }
}

// The hub's analyst assigns from the queue and filters it by member, sector, network and
// disposition; a member's analyst has no cases, and filters by level and indicator only.
export function queueFor(role) {
  const hub = role === "analyst";
  $("assign-form").hidden = !hub;
  $("hub-filters").hidden = !hub;
  $("queue-table").classList.toggle("no-select", !hub);
}

export function wireQueue() {
  $("assign-form").addEventListener("submit", assign);
  $("queue-filters").addEventListener("submit", (event) => {
    event.preventDefault();
    loadQueue(0);
  });
  $("next").addEventListener("click", () => loadQueue(Number($("next").dataset.offset)));
  $("previous").addEventListener("click", () => loadQueue(Math.max(0, offset - PAGE)));
}
