// The hub analyst's judgement of two applications on the identity page: one person, or
// not, with a reason (POST /v1/judgements). It binds the next linking run; nothing moves
// until then, and the page says so.
import { $, api, element } from "./api.js";

// The form's choices for this identity: its own applications, and each link's pair.
export function offerJudgements(found) {
  const section = $("judge");
  section.hidden = found === null;
  $("judge-status").textContent = "";
  if (found === null) return;
  const own = found.applications.map((a) => `${a.company_id}/${a.application_id}`);
  $("judge-a").replaceChildren(...own.map((ref) => element("option", ref, { value: ref })));
}

// A button for a link's evidence that fills the form in to keep its two applications apart.
export function apartButton(edge) {
  const button = element("button", "Not the same person…", { type: "button" });
  button.addEventListener("click", () => {
    $("judge-form").querySelector("input[name=kind][value=apart]").checked = true;
    $("judge-a").value = edge.a;
    $("judge-b").value = edge.b;
    $("judge-reason").focus();
  });
  return button;
}

async function judge(event) {
  event.preventDefault();
  const form = $("judge-form");
  const kind = form.querySelector("input[name=kind]:checked").value;
  const said = {
    kind, a: $("judge-a").value, b: $("judge-b").value.trim(), reason: $("judge-reason").value.trim(),
  };
  try {
    const done = await api("/v1/judgements", said);
    const words = kind === "apart" ? "kept apart" : "kept together";
    $("judge-status").textContent =
      `Recorded: ${said.a} and ${said.b} ${words} (${done.added} judgement` +
      `${done.added === 1 ? "" : "s"} added), applied ${done.applied}.`;
    form.reset();
  } catch (error) {
    $("judge-status").textContent = `Not recorded: ${error.message}`;
  }
}

export function wireJudge() {
  $("judge-form").addEventListener("submit", judge);
}
