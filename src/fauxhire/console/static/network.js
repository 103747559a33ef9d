// A network's page: its identities and the infrastructure they share as satellite nodes,
// drawn with Cytoscape.js (bundled in vendor/, loaded the first time a network is opened).
// Each value node is sized by its rarity (what it weighed in the link: the fewer share it,
// the more). Select a node to read it, expand it (an identity to its contact values, a
// phone, e-mail or IP to the identities holding it), or split an identity off the network.
// The tables under the graph say the same in text, for the keyboard and for print.
import { $, api, element, identityHash, item, link, row } from "./api.js";

const SEARCHABLE = { phone: "phone", email: "email", egress_ip: "ip" };
const FLAGGED = ["likely", "very likely", "almost certain"];
const LARGE = 200; // nodes: above it the force layout costs seconds, so rings are drawn
let graph = null;
let shown = null; // the network's id and its graph as the API answered it

function loadLibrary() {
  if (window.cytoscape) return Promise.resolve(window.cytoscape);
  return new Promise((resolve, reject) => {
    const script = element("script", null, { src: "vendor/cytoscape.min.js" });
    script.addEventListener("load", () => resolve(window.cytoscape));
    script.addEventListener("error", () => reject(new Error("the graph library did not load")));
    document.head.append(script);
  });
}

const valueNodeId = (kind, value) => `value:${kind}:${value}`;
const identityNodeId = (id) => `identity:${id}`;

function identityNode(node, outside = false) {
  const flagged = FLAGGED.includes(node.level);
  return {
    group: "nodes",
    data: {
      id: identityNodeId(node.identity_id), identity: node.identity_id, type: "identity",
      label: `${node.identity_id}${node.level ? `\n${node.level}` : ""}`,
      level: node.level ?? "not assessed",
    },
    classes: ["identity", flagged ? "flagged" : "", outside ? "outside" : ""].join(" ").trim(),
  };
}

function valueNode(value) {
  const short = value.value.length > 28 ? `${value.value.slice(0, 26)}…` : value.value;
  return {
    group: "nodes",
    data: {
      id: valueNodeId(value.kind, value.value), type: "value", kind: value.kind,
      value: value.value, sharedBy: value.shared_by, weight: value.weight,
      label: `${value.label ?? value.kind}: ${short}`, size: 14 + Math.round(36 * Math.min(value.weight, 1)),
    },
    classes: `value ${value.kind}`,
  };
}

const tie = (identity, valueId) => ({
  group: "edges",
  data: { id: `tie:${identity}:${valueId}`, source: identityNodeId(identity), target: valueId },
});

const STYLE = [
  { selector: "node", style: { label: "data(label)", "font-size": 9, "text-wrap": "wrap",
    "text-valign": "bottom", "text-margin-y": 3, color: "#1a1a1a" } },
  // Identities above the values they share: a tap on one is never taken by a value under it.
  { selector: "node.identity", style: { shape: "ellipse", width: 26, height: 26, "z-index": 10,
    "background-color": "#ffffff", "border-width": 2, "border-color": "#1a1a1a" } },
  { selector: "node.identity.flagged", style: { "border-width": 5, "border-color": "#8c1d18" } },
  { selector: "node.identity.outside", style: { "border-style": "dashed" } },
  { selector: "node.value", style: { "font-size": 7, "min-zoomed-font-size": 9,
    shape: "round-rectangle", width: "data(size)",
    height: "data(size)", "background-color": "#d9d9d9", "border-width": 1,
    "border-color": "#4d4d4d" } },
  { selector: "node.payout, node.shipping", style: { shape: "diamond" } },
  { selector: "node.egress_ip, node.hidden_egress, node.device", style: { shape: "hexagon" } },
  { selector: "edge", style: { width: 1, "line-color": "#9a9a9a" } },
  { selector: ":selected", style: { "border-width": 4, "border-color": "#0b5394",
    "overlay-opacity": 0 } },
];

function layout(nodes) {
  return nodes > LARGE
    ? { name: "concentric", animate: false, minNodeSpacing: 4,
        concentric: (node) => (node.data("type") === "identity" ? 2 : 1), levelWidth: () => 1 }
    : { name: "cose", animate: false, randomize: false, numIter: 800,
        nodeRepulsion: () => 60000, idealEdgeLength: () => 70, nodeOverlap: 20 };
}

function tables(drawn) {
  $("network-identities").tBodies[0].replaceChildren(
    ...drawn.identities.map((node) => {
      const choose = element("button", "Select", { type: "button" });
      choose.addEventListener("click", () => select(identityNodeId(node.identity_id)));
      return row(link(node.identity_id, identityHash(node.identity_id)), node.level ?? "",
        String(node.companies), choose);
    }),
  );
  $("network-values").tBodies[0].replaceChildren(
    ...drawn.values.map((v) => row(v.label ?? v.kind, v.value, String(v.shared_by),
      v.weight.toFixed(2))),
  );
}

function select(nodeId) {
  const node = graph.getElementById(nodeId);
  if (node.empty()) return;
  graph.elements().unselect();
  node.select();
  describe(node);
}

function describe(node) {
  const data = node.data();
  const panel = $("network-selected");
  panel.hidden = false;
  $("split-form").hidden = data.type !== "identity" || !shown.drawn.identities.some(
    (i) => i.identity_id === data.identity);
  $("split-status").textContent = "";
  $("expand").dataset.node = data.id;
  $("expand").hidden = data.type === "value" && !SEARCHABLE[data.kind];
  if (data.type === "identity") {
    $("selected-title").textContent = `Identity ${data.identity}`;
    $("selected-facts").replaceChildren(
      item(`Level: ${data.level}`),
      item(`Drawn ties to it: ${node.connectedEdges().length}`),
    );
    const open = element("li");
    open.append(link("Open its page", identityHash(data.identity)));
    $("selected-facts").append(open);
    $("expand").textContent = "Expand: its contact values";
  } else {
    $("selected-title").textContent = `${data.kind}: ${data.value}`;
    $("selected-facts").replaceChildren(
      item(`Shared by ${data.sharedBy} identities in the store`),
      item(`Weighed ${data.weight.toFixed(2)} in a link (the rarer, the more)`),
      item(`Identities seen with it here: ${node.connectedEdges().length}`),
    );
    $("expand").textContent = "Expand: the identities holding it";
  }
}

async function expand() {
  const node = graph.getElementById($("expand").dataset.node);
  const data = node.data();
  const added = [];
  try {
    if (data.type === "identity") {
      const records = await api(`/v1/identities/${encodeURIComponent(data.identity)}/dossier`);
      for (const v of records.values) {
        const value = { kind: v.kind, value: v.key ?? v.value, shared_by: v.held_by, weight: 0.3 };
        const id = valueNodeId(value.kind, value.value);
        if (graph.getElementById(id).empty()) added.push(valueNode(value));
        if (graph.getElementById(`tie:${data.identity}:${id}`).empty()) {
          added.push(tie(data.identity, id));
        }
      }
    } else {
      const params = new URLSearchParams({ kind: SEARCHABLE[data.kind], q: data.value });
      const found = await api(`/v1/search?${params}`);
      for (const hit of found.identities) {
        if (graph.getElementById(identityNodeId(hit.identity_id)).empty()) {
          added.push(identityNode({ identity_id: hit.identity_id, level: null }, true));
        }
        if (graph.getElementById(`tie:${hit.identity_id}:${data.id}`).empty()) {
          added.push(tie(hit.identity_id, data.id));
        }
      }
    }
  } catch (error) {
    $("network-status").textContent = `Not expanded: ${error.message}`;
    return;
  }
  graph.add(added);
  graph.layout(layout(graph.nodes().length)).run();
  $("network-status").textContent =
    `Expanded ${data.label.split("\n")[0]}: ${added.filter((a) => a.group === "nodes").length} nodes added.`;
}

async function split(event) {
  event.preventDefault();
  const node = graph.$(":selected");
  const identity = node.data("identity");
  try {
    const done = await api(`/v1/networks/${encodeURIComponent(shown.id)}/split`, {
      identity_id: identity, reason: $("split-reason").value.trim(),
    });
    node.addClass("outside");
    $("split-status").textContent =
      `Recorded: ${identity} is kept apart from the network's ${done.judgements.length} ` +
      `other identities ${done.applied}.`;
    $("split-form").reset();
  } catch (error) {
    $("split-status").textContent = `Not recorded: ${error.message}`;
  }
}

export async function openNetwork(id) {
  const started = performance.now();
  $("network-title").textContent = `Network ${id}`;
  $("network").setAttribute("aria-busy", "true");
  $("network-selected").hidden = true;
  const canvas = $("network-graph");
  canvas.removeAttribute("data-drawn");
  $("network-status").textContent = "Loading the network.";
  let drawn;
  let cytoscape;
  try {
    [drawn, cytoscape] = await Promise.all([
      api(`/v1/networks/${encodeURIComponent(id)}/graph`), loadLibrary()]);
  } catch (error) {
    $("network-status").textContent = `It could not be read: ${error.message}`;
    $("network").setAttribute("aria-busy", "false");
    return;
  }
  shown = { id, drawn };
  tables(drawn);
  if (graph) graph.destroy();
  // A large network is drawn as its identities and their links: 2,000 value nodes and 8,000
  // ties took 2.6 s to show and 150 ms a frame. Its values stay in the table below, and
  // Expand draws an identity's own.
  const large = drawn.identities.length + drawn.values.length > LARGE;
  const byId = new Map(drawn.values.map((v) => [v.value_id, v]));
  const elements = [
    ...drawn.identities.map((node) => identityNode(node)),
    ...(large
      ? drawn.links.map((l) => ({
        group: "edges",
        data: { id: `link:${l.a}:${l.b}`, source: identityNodeId(l.a), target: identityNodeId(l.b) },
      }))
      : [
        ...drawn.values.map(valueNode),
        ...drawn.ties.map((t) => {
          const v = byId.get(t.value_id);
          return tie(t.identity_id, valueNodeId(v.kind, v.value));
        }),
      ]),
  ];
  graph = cytoscape({
    container: canvas, elements, style: STYLE, layout: { name: "null" },
    minZoom: 0.005, maxZoom: 4, boxSelectionEnabled: false, selectionType: "single",
    // While a gesture pans or zooms, move a picture of the graph, without its edges.
    textureOnViewport: large, hideEdgesOnViewport: large, pixelRatio: large ? 1 : "auto",
  });
  graph.on("tap", "node", (event) => select(event.target.id()));
  const ran = graph.layout(layout(graph.nodes().length));
  ran.one("layoutstop", () => {
    graph.fit(undefined, 20);
    // Drawn once the frame after the layout is painted: what the analyst sees.
    requestAnimationFrame(() => requestAnimationFrame(() => {
      canvas.dataset.drawn = String(Math.round(performance.now() - started));
      $("network-status").textContent = (large
        ? `${drawn.identities.length} identities and their ${drawn.links.length} links, ` +
          `drawn in ${canvas.dataset.drawn} ms; the ${drawn.values.length} values they share ` +
          "are in the table below (select an identity and Expand to draw its own)."
        : `${drawn.identities.length} identities and ${drawn.values.length} shared values, ` +
          `drawn in ${canvas.dataset.drawn} ms.`) + " Select a node to read it.";
      $("network").setAttribute("aria-busy", "false");
    }));
  });
  ran.run();
}

export function wireNetwork() {
  $("expand").addEventListener("click", expand);
  $("split-form").addEventListener("submit", split);
}
