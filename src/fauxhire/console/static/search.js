// Search by a value: the identities that hold it, landing on the identity when one does.
import { $, api, identityHash, item, link } from "./api.js";

async function search(event) {
  event.preventDefault();
  const kind = $("search-kind").value;
  const q = $("search-q").value.trim();
  const params = new URLSearchParams({ kind, q });
  $("search-status").textContent = "Searching.";
  $("search-results").replaceChildren();
  let found;
  try {
    found = await api(`/v1/search?${params}`);
  } catch (error) {
    $("search-status").textContent = `Not searched: ${error.message}`;
    return;
  }
  const hits = found.identities;
  if (hits.length === 1 && !found.more) {
    $("search-status").textContent = `One identity holds it: ${hits[0].identity_id}.`;
    location.hash = identityHash(hits[0].identity_id);
    return;
  }
  $("search-status").textContent = hits.length
    ? `${hits.length}${found.more ? " or more" : ""} identities hold it (looked up as ` +
      `${found.normalised.join(" or ")}).`
    : `No identity holds it (looked up as ${found.normalised.join(" or ")}).`;
  $("search-results").replaceChildren(
    ...hits.map((hit) => {
      const li = item("");
      li.append(link(hit.identity_id, identityHash(hit.identity_id)),
        `: ${hit.applications} application${hit.applications === 1 ? "" : "s"} hold it`);
      return li;
    }),
  );
}

export function wireSearch() {
  $("search-form").addEventListener("submit", search);
}
