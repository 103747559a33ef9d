// An identity's page: the verdict, each indicator's contribution in words and as a
// waterfall, the records behind it on a timeline, its contact values with where each was
// seen, why its applications are linked (and which were split off as borrowed), who looked
// and who decided, and the analyst's judgements and disposition. Three reads of the API, made together.
import {
  $, ApiError, api, element, identityHash, item, link, networkHash, row, terms, when,
} from "./api.js";
import { apartButton, offerJudgements, wireJudge } from "./judge.js";
import { waterfall } from "./waterfall.js";

const HUB = "analyst";

// The timeline's row for a record the evidence cites: the id the evidence's links go to.
const anchor = (source) => `record-${source.replace(/[^A-Za-z0-9_-]/g, "_")}`;

function verdict(view) {
  const v = view.verdict;
  const pairs = [
    ["Level", v.level ?? "not assessed"],
    ["Probability", v.probability === null ? "none" : v.probability.toFixed(2)],
  ];
  if (view.network_id) pairs.push(["Network", link(view.network_id, networkHash(view.network_id))]);
  if (view.elsewhere) pairs.push(["Elsewhere", view.elsewhere.facts.join("; ") || "nothing"]);
  $("identity-verdict").replaceChildren(...terms(pairs));
}

function sourceLinks(sources, shown) {
  const span = element("span", null, { class: "sources" });
  for (const source of sources) {
    const target = shown.has(source) ? link(source, `#${anchor(source)}`) : element("span", source);
    if (shown.has(source)) {
      target.addEventListener("click", (event) => {
        event.preventDefault();
        const at = document.getElementById(anchor(source));
        at.scrollIntoView({ block: "center" });
        at.focus();
      });
    }
    span.append(" ", target);
  }
  return span;
}

function evidence(view, shown) {
  const items = view.verdict.evidence;
  $("identity-waterfall").replaceChildren(
    ...(items.length && view.verdict.probability !== null
      ? [waterfall(items, view.verdict.probability)] : []),
  );
  $("identity-evidence").replaceChildren(
    ...(items.length ? items.map((e) => {
      const li = item(
        `${e.title} (${e.indicator}): ${e.weight >= 0 ? "+" : ""}${e.weight.toFixed(2)} ` +
        `log-odds, ${e.weight >= 0 ? "for" : "against"}` + (e.detail ? `. ${e.detail}` : ""),
      );
      if (e.sources && e.sources.length) {
        li.append(element("br"), "Records:", sourceLinks(e.sources, shown));
      }
      return li;
    }) : [item("No indicator fired.")]),
  );
}

function timeline(records) {
  $("identity-timeline").tBodies[0].replaceChildren(
    ...records.timeline.map((event) => {
      const tr = row(when(event.at), event.kind, event.company_id ?? "", event.summary);
      tr.id = anchor(event.source);
      tr.tabIndex = -1;
      tr.dataset.source = event.source;
      return tr;
    }),
  );
  $("identity-timeline-status").textContent = `${records.timeline.length} records, oldest first.`;
}

function values(records) {
  $("identity-values-note").textContent = records.masked
    ? "Masked for your role: enough to recognise a value, not to read it."
    : "As the applicant gave them. Held by: applications in the whole store holding the value.";
  $("identity-values").tBodies[0].replaceChildren(
    ...records.values.map((v) =>
      row(v.kind, v.value, [v.company_id, v.application_id].filter(Boolean).join(" / "),
          String(v.held_by))),
  );
}

function links(found) {
  const section = $("identity-links");
  section.hidden = found === null;
  if (found === null) return;
  const described = (edge) => {
    const li = item(`${edge.a} and ${edge.b}: score ${edge.score.toFixed(1)}`);
    const said = edge.evidence.map((e) => e.reading || e.comparison).filter(Boolean);
    if (said.length) li.append(element("br"), said.slice(0, 6).join("; "));
    return li;
  };
  const judged = (edge) => {
    const li = described(edge);
    li.append(" ", apartButton(edge));
    return li;
  };
  $("identity-link-list").replaceChildren(
    ...(found.links.length ? found.links.slice(0, 100).map(judged)
      : [item("A single application: nothing links it to another.")]),
  );
  $("identity-borrowed").replaceChildren(
    ...(found.borrowed.length ? found.borrowed.map((edge) => {
      const li = described(edge);
      li.prepend("Split off as a possibly borrowed identity: ");
      return li;
    }) : [item("None: no identity was split from this one.")]),
  );
}

function history(records) {
  const section = $("identity-history");
  section.hidden = records.history === null;
  if (records.history === null) return;
  $("identity-history-table").tBodies[0].replaceChildren(
    ...records.history.map((h) => row(when(h.at), h.actor, h.role ?? "", h.action, h.purpose)),
  );
}

export async function openIdentity(id, role) {
  const hub = role === HUB;
  $("dispose").hidden = !hub;
  $("dispose-form").dataset.identity = id;
  $("dispose-status").textContent = "";
  $("identity-title").textContent = `Identity ${id}`;
  $("identity-title").tabIndex = -1;
  $("identity-title").focus();
  $("identity").setAttribute("aria-busy", "true");
  $("identity-status").textContent = "Loading the identity.";
  let view;
  let records;
  let found = null;
  try {
    [view, records, found] = await Promise.all([
      api(`/v1/identities/${encodeURIComponent(id)}`),
      api(`/v1/identities/${encodeURIComponent(id)}/dossier`),
      hub ? api(`/v1/identities/${encodeURIComponent(id)}/links`) : Promise.resolve(null),
    ]);
  } catch (error) {
    for (const part of ["identity-verdict", "identity-evidence", "identity-waterfall"]) {
      $(part).replaceChildren();
    }
    $("identity-status").textContent = error instanceof ApiError && error.status === 404
      ? "No such identity, or none you may see."
      : `It could not be read: ${error.message}`;
    $("identity").setAttribute("aria-busy", "false");
    return;
  }
  const shown = new Set(records.timeline.map((e) => e.source));
  verdict(view);
  $("identity-next-steps").replaceChildren(...view.next_steps.map((step) => item(step)));
  evidence(view, shown);
  timeline(records);
  values(records);
  links(found);
  offerJudgements(found);
  history(records);
  $("identity-status").textContent = view.recommendation;
  $("identity").setAttribute("aria-busy", "false");
}

async function dispose(event) {
  event.preventDefault();
  const form = $("dispose-form");
  const chosen = form.querySelector("input[name=disposition]:checked");
  const finding = {
    identity_id: form.dataset.identity,
    disposition: chosen.value,
    reason: $("dispose-reason").value.trim(),
  };
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

export function wireIdentity() {
  $("dispose-form").addEventListener("submit", dispose);
  wireJudge();
  $("print").addEventListener("click", () => window.print());
  $("back").addEventListener("click", () => {
    location.hash = "";
  });
}
