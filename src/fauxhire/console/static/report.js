// The campaign report: the figures `fauxhire report` wrote last, as its page and file show
// them, for the CISO's briefing: the headline counts, where and when the interviews were,
// the sectors, the identities by level, the networks and the companies most targeted.
import { $, api, element, identityHash, link, networkHash, row } from "./api.js";

const percent = (share) => `${(100 * share).toFixed(1)}%`;

function table(id, head, rows) {
  const made = element("table", null, { id });
  const thead = element("thead");
  const tr = element("tr");
  tr.append(...head.map((h) => element("th", h, { scope: "col" })));
  thead.append(tr);
  const body = element("tbody");
  body.append(...rows);
  made.append(thead, body);
  return made;
}

function headline(f) {
  const pairs = [
    ["Identities flagged", f.identities], ["Initial interviews", f.interviews],
    ["Companies", f.companies], ["Applications", f.applications], ["Networks", f.networks],
    ["Identities in networks", f.networked_identities],
    ["Interviews at US companies", percent(f.us_share.interviews)],
    ["Companies outside tech", percent(f.non_tech_share.companies)],
    ["Legitimate identities expected among them", f.expected_legitimate.toFixed(2)],
  ];
  $("report-figures").replaceChildren(...pairs.flatMap(([term, value]) =>
    [element("dt", term), element("dd", String(value), { "data-figure": term })]));
}

export async function openReport() {
  $("report-status").textContent = "Loading the report.";
  let f;
  try {
    f = await api("/v1/reports/latest");
  } catch (error) {
    $("report-status").textContent = `No report to show: ${error.message}`;
    return;
  }
  $("report-title").textContent = f.about.title;
  $("report-status").textContent =
    `Written ${f.about.generated_at.slice(0, 16).replace("T", " ")} UTC, ruleset ` +
    `${f.about.ruleset.version}; ${f.period.start ?? "?"} to ${f.period.end ?? "?"}; ` +
    `identities at ${f.about.min_level} or above.`;
  headline(f);
  const halves = Object.keys(f.interviews_by_half_year);
  const titles = f.indicator_titles || {};
  $("report-tables").replaceChildren(
    element("h3", "Interviews by half-year"),
    table("report-halves", ["Half-year", "Interviews", "At AI companies"],
      halves.map((h) => row(h, String(f.interviews_by_half_year[h]),
        String(f.ai_interviews_by_half_year[h] ?? 0)))),
    element("h3", "Countries outside the US"),
    table("report-countries", ["Country", "Interviews", "Companies", "Share of interviews"],
      f.top_non_us_countries.map((c) => row(c.country, String(c.interviews),
        String(c.companies), percent(c.share_of_interviews)))),
    element("h3", "Sectors (NAICS)"),
    table("report-sectors", ["Sector", "Interviews", "Companies"],
      Object.keys(f.interviews_by_sector).map((s) => row(s, String(f.interviews_by_sector[s]),
        String(f.companies_by_sector[s] ?? 0)))),
    element("h3", "Networks"),
    table("report-networks", ["Network", "Identities", "Interviews", "Companies", "Level"],
      f.network_list.map((n) => row(link(n.network_id, networkHash(n.network_id)),
        String(n.identities), String(n.interviews), String(n.companies), n.level))),
    element("h3", "Identities"),
    table("report-identities", ["Identity", "Level", "Applications", "Interviews", "Network"],
      f.identity_list.map((i) => row(link(i.identity_id, identityHash(i.identity_id)), i.level,
        String(i.applications), String(i.interviews), i.network_id ?? ""))),
    element("h3", "Indicators named"),
    table("report-indicators", ["Indicator", "In plain words"],
      Object.entries(titles).map(([id, title]) => row(id, title))),
  );
}
