// Signing in through the organisation's identity provider (IdP): the authorization code flow
// with PKCE (S256). The verifier and the state wait in this tab's sessionStorage while the
// browser is at the IdP; fauxhire's server redeems the code the IdP sends back
// (POST /v1/sign-in/token), so this page never calls the IdP itself.
import { $, KEY } from "./api.js";

const PENDING = "fauxhire.sign-in";

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const randomText = (bytes) => base64url(crypto.getRandomValues(new Uint8Array(bytes)));

// Where the IdP sends the browser back: this page, without its query or its fragment (an
// IdP takes no fragment in a redirect URI).
const here = () => location.origin + location.pathname;

// Shows the IdP's button when the server offers one; API keys stay possible either way.
export async function offerIdp() {
  $("idp").hidden = true;
  let options;
  try {
    const response = await fetch("/v1/sign-in");
    options = await response.json();
    if (!response.ok) throw new Error(options.message || `${response.status}`);
  } catch (error) {
    $("idp-error").textContent =
      `Your organisation's sign-in cannot be reached just now (${error.message}).`;
    return;
  }
  $("idp-error").textContent = "";
  if (!options.oidc) return;
  $("idp").hidden = false;
  $("idp-button").onclick = () => goToIdp(options.oidc);
}

async function goToIdp(oidc) {
  if (!window.crypto || !crypto.subtle) {  // a page over plain HTTP, off this computer
    $("sign-in-error").textContent =
      "Signing in through your organisation needs the console served over HTTPS.";
    return;
  }
  const verifier = randomText(48);
  const state = randomText(24);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, hash: location.hash }));
  const url = new URL(oidc.authorization_endpoint);
  const query = {
    response_type: "code",
    client_id: oidc.client_id,
    redirect_uri: here(),
    scope: oidc.scope,
    state,
    code_challenge: base64url(digest),
    code_challenge_method: "S256",
  };
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  location.assign(url.toString());
}

// On the way back from the IdP: the code redeemed and the token kept as the tab's key.
// Returns what went wrong, in words, or "" (nothing to finish, or signed in).
export async function finishIdp() {
  const back = new URLSearchParams(location.search);
  if (!back.has("code") && !back.has("error")) return "";
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || "null");
  sessionStorage.removeItem(PENDING);
  // The code leaves the address bar and the history; the page the person was on comes back.
  history.replaceState(null, "", here() + ((pending && pending.hash) || ""));
  if (!pending || back.get("state") !== pending.state) {
    return "That sign-in was not started from this tab, so it was not used. Sign in again.";
  }
  if (back.has("error")) return `Your organisation's sign-in said no (${back.get("error")}).`;
  const response = await fetch("/v1/sign-in/token", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      code: back.get("code"), code_verifier: pending.verifier, redirect_uri: here(),
    }),
  });
  const body = await response.json().catch(() => ({}));
  if (response.status === 401) {
    return "Your account has no role in fauxhire. Ask your administrator for one.";
  }
  if (!response.ok) return `The sign-in did not complete: ${body.message || response.status}.`;
  sessionStorage.setItem(KEY, body.access_token);
  return "";
}
