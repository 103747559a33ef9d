// A network's page: its identities and the infrastructure they share, as a graph.
// (Filled in by the network work of issue 18: see index.html's #network section.)
import { $ } from "./api.js";

export async function openNetwork(id) {
  $("network-title").textContent = `Network ${id}`;
}

export function wireNetwork() {}
