/**
 * Turns a `crmrules diff --format json` report into two texts for a diff editor: the outcome of
 * every journey under the rules at the base revision (left) and in the working folder (right).
 * Pure: no `vscode` import.
 */

function show(v: unknown): string {
  if (v === null || v === undefined) return "none";
  if (Array.isArray(v)) return v.length ? v.map(show).join(", ") : "none";
  if (typeof v === "object") {
    const e = Object.entries(v as Record<string, unknown>);
    // A list under a key already names it (`sent: { send_email: ["send_email(…)"] }`): show the list alone.
    return e.length ? e.map(([k, x]) => (Array.isArray(x) ? show(x) : `${k} ${x === null ? "unscored" : show(x)}`)).join(", ") : "none";
  }
  return String(v);
}

function side(o: unknown): string[] {
  if (!o || typeof o !== "object") return [`  ${show(o)}`];
  return Object.entries(o as Record<string, unknown>).map(([k, v]) => `  ${k}: ${show(v)}`);
}

/** Keeps only the chosen side of every `{ before, after }` pair, anywhere in the report. */
function pick(v: unknown, s: "before" | "after"): unknown {
  if (Array.isArray(v)) return v.map((x) => pick(x, s));
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if ("before" in o && "after" in o) {
      const rest = Object.fromEntries(Object.entries(o).filter(([k]) => k !== "before" && k !== "after" && k !== "changed" && k !== "causes"));
      return { ...rest, outcome: pick(o[s], s) };
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, pick(x, s)]));
  }
  return v;
}

export function splitDiff(report: unknown): { before: string; after: string } {
  const r = report as { base?: unknown; head?: unknown; journeys?: unknown };
  if (r && Array.isArray(r.journeys) && r.journeys.every((j) => j && typeof j === "object" && "before" in j && "after" in j)) {
    const render = (s: "before" | "after") => {
      const lines = [`journey outcomes with the rules of ${show(s === "before" ? r.base ?? "the base" : r.head ?? "the working folder")}`, ""];
      for (const j of r.journeys as Record<string, unknown>[]) {
        lines.push(`${show(j.name)}${j.file ? `  (${show(j.file)}${j.line ? `:${show(j.line)}` : ""})` : ""}`, ...side(j[s]), "");
      }
      return lines.join("\n");
    };
    return { before: render("before"), after: render("after") };
  }
  return { before: JSON.stringify(pick(report, "before"), null, 2) + "\n", after: JSON.stringify(pick(report, "after"), null, 2) + "\n" };
}
