/** Built-in events (docs/language.md): never declared by users. */

export type BuiltinFieldType = "text" | "purpose" | { enum: string[] };

export interface BuiltinEvent {
  name: string;
  doc: string;
  fields: { name: string; type: BuiltinFieldType }[];
}

export const CONSENT_METHODS = ["checkbox", "double_opt_in", "purchase", "inquiry", "import"];

export const BUILTIN_EVENTS: BuiltinEvent[] = [
  {
    name: "consent_given",
    doc: "The person gave consent for a purpose. `method: double_opt_in` means a confirmed double opt-in.",
    fields: [
      { name: "purpose", type: "purpose" },
      { name: "method", type: { enum: CONSENT_METHODS } },
    ],
  },
  { name: "consent_withdrawn", doc: "The person withdrew consent for a purpose; takes effect immediately.", fields: [{ name: "purpose", type: "purpose" }] },
  { name: "unsubscribed", doc: "The person unsubscribed: withdraws every purpose at once.", fields: [] },
  { name: "erasure_requested", doc: "The person asked to be erased: every contact action is blocked from then on.", fields: [] },
  { name: "sales_activity", doc: "A seller worked the lead: stops the routing SLA timers.", fields: [{ name: "kind", type: "text" }] },
];

export const BUILTIN_EVENT_NAMES = new Set(BUILTIN_EVENTS.map((e) => e.name));
