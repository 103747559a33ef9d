// The fauxhire console: sign in through the organisation's IdP or with an API key (either
// kept in this tab's sessionStorage), then the pages the role may use, each read from the
// API as that role may see it.
import { $, KEY, api } from "./api.js";
import { casesFor, loadCases, openCase, openCaseOn, wireCases } from "./cases.js";
import { openIdentity, wireIdentity } from "./identity.js";
import { openNetwork, wireNetwork } from "./network.js";
import { loadQueue, queueFor, wireQueue } from "./queue.js";
import { openReport } from "./report.js";
import { wireSearch } from "./search.js";
import { finishIdp, offerIdp } from "./signin.js";

const QUEUE_ROLES = ["analyst", "member_analyst"];
const SEARCH_ROLES = ["analyst", "member_analyst", "recruiter"];
const SECTIONS = [
  "sign-in", "queue", "identity", "network", "cases", "case", "report", "no-queue",
];
let role = null;

function show(id) {
  for (const section of SECTIONS) $(section).hidden = section !== id;
  $("search").hidden = id === "sign-in" || !SEARCH_ROLES.includes(role);
  $("pages").hidden = id === "sign-in" || role !== "analyst";
  $("case-identity").hidden = role !== "analyst";
}

async function signIn(event) {
  event.preventDefault();
  sessionStorage.setItem(KEY, $("key").value.trim());
  $("key").value = "";
  await start();
}

function signOut(why = "") {
  sessionStorage.removeItem(KEY);
  role = null;
  $("who").textContent = "";
  $("sign-out").hidden = true;
  $("sign-in-error").textContent = why;
  location.hash = "";
  show("sign-in");
  offerIdp();
  $("key").focus();
}

async function start() {
  if (!sessionStorage.getItem(KEY)) {
    show("sign-in");
    await offerIdp();
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
    await offerIdp();
    return;
  }
  role = me.role;
  casesFor(me.key_id);
  queueFor(role);
  $("sign-in-error").textContent = "";
  const through = me.key_id.startsWith("oidc:")
    ? `Signed in as ${me.key_id.slice(5)} through your organisation`
    : `Signed in with key ${me.key_id}`;
  $("who").textContent = `${through}, role ${me.role}` + (me.member ? ` of ${me.member}` : "");
  $("sign-out").hidden = false;
  await route();
}

async function route() {
  if (!role) return;
  const hash = location.hash;
  const after = (prefix) => decodeURIComponent(hash.slice(prefix.length));
  if (hash.startsWith("#identity/")) {
    show("identity");
    await openIdentity(after("#identity/"), role);
  } else if (hash.startsWith("#network/") && role === "analyst") {
    show("network");
    await openNetwork(after("#network/"), role);
  } else if (hash === "#report" && role === "analyst") {
    show("report");
    await openReport();
  } else if (hash === "#cases" && role === "analyst") {
    show("cases");
    await loadCases();
  } else if (hash.startsWith("#case/") && role === "analyst") {
    show("case");
    await openCase(after("#case/"));
  } else if (QUEUE_ROLES.includes(role)) {
    show("queue");
    await loadQueue();
  } else {
    show("no-queue");
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("sign-in-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", () => signOut());
  // A key revoked or a sign-in expired while the console is open (api.js says so).
  window.addEventListener("fauxhire:expired", () => {
    if (role) signOut("Your sign-in has ended (it expired or the key was revoked). Sign in again.");
  });
  wireQueue();
  wireIdentity();
  wireNetwork();
  wireSearch();
  wireCases();
  for (const [button, kind, prefix, status] of [
    ["case-identity", "identity", "#identity/", "identity-status"],
    ["case-network", "network", "#network/", "network-status"],
  ]) {
    $(button).addEventListener("click", async () => {
      const id = decodeURIComponent(location.hash.slice(prefix.length));
      const refused = await openCaseOn(kind, id);
      if (refused) $(status).textContent = `No case opened: ${refused}`;
    });
  }
  window.addEventListener("hashchange", route);
  finishIdp().catch((error) => `The sign-in did not complete: ${error.message}.`).then((failed) => {
    $("sign-in-error").textContent = failed;
    return start();
  });
});
