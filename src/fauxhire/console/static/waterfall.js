// Each indicator's contribution as a waterfall of log-odds: from the ruleset's starting
// point (its prior, worked back from the probability) each bar adds its weight, up for
// evidence for, down for evidence against, to the identity's total. Bars carry their sign
// and value in words too, so the chart reads without colour; the figure has a text summary.
const SVG = "http://www.w3.org/2000/svg";
const ROW = 26;
const LABEL = 230;
const WIDTH = 720;

function svg(tag, attributes, text) {
  const made = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, String(value));
  if (text !== undefined) made.textContent = text;
  return made;
}

const logit = (p) => Math.log(Math.min(p, 1 - 1e-9) / Math.max(1 - p, 1e-9));

export function waterfall(evidence, probability) {
  const total = logit(probability);
  const start = total - evidence.reduce((sum, e) => sum + e.weight, 0);
  const steps = [];
  let at = start;
  for (const e of evidence) {
    steps.push({ label: e.indicator, from: at, to: at + e.weight, weight: e.weight });
    at += e.weight;
  }
  const points = [start, ...steps.map((s) => s.to), 0];
  const low = Math.min(...points);
  const high = Math.max(...points);
  const span = Math.max(high - low, 1);
  const x = (v) => LABEL + ((v - low) / span) * (WIDTH - LABEL - 70);
  const height = ROW * (steps.length + 2) + 10;
  const chart = svg("svg", {
    viewBox: `0 0 ${WIDTH} ${height}`, width: "100%", role: "img",
    "aria-labelledby": "waterfall-title waterfall-summary", class: "waterfall",
  });
  chart.append(svg("title", { id: "waterfall-title" }, "Log-odds, indicator by indicator"));
  chart.append(svg("desc", { id: "waterfall-summary" },
    `Starts at ${start.toFixed(2)} (the prior), ends at ${total.toFixed(2)}: ` +
    `probability ${probability.toFixed(2)}.`));
  const rows = [
    { label: "start (the prior)", from: low < 0 ? 0 : low, to: start, weight: null },
    ...steps,
    { label: "total", from: low < 0 ? 0 : low, to: total, weight: null },
  ];
  rows.forEach((step, i) => {
    const y = 5 + i * ROW;
    const left = x(Math.min(step.from, step.to));
    const width = Math.max(Math.abs(x(step.to) - x(step.from)), 2);
    const against = step.weight !== null && step.weight < 0;
    chart.append(svg("text", { x: LABEL - 8, y: y + 17, "text-anchor": "end", class: "label" },
      step.label));
    chart.append(svg("rect", {
      x: left, y: y + 4, width, height: ROW - 8,
      class: step.weight === null ? "bar total" : against ? "bar against" : "bar for",
    }));
    const said = step.weight === null ? step.to.toFixed(2)
      : `${against ? "−" : "+"}${Math.abs(step.weight).toFixed(2)}`;
    chart.append(svg("text", { x: left + width + 6, y: y + 17, class: "value" }, said));
  });
  chart.append(svg("line", { x1: x(0), x2: x(0), y1: 0, y2: height, class: "zero" }));
  return chart;
}
