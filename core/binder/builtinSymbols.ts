/** The symbols of the built-in events and their payload fields (core/vocabulary.ts), registered in every binding before any file. */
import type { CrmSymbol } from "../workspace.js";
import { EMPTY_RANGE } from "../text/positions.js";
import { BUILTIN_EVENTS, type BuiltinFieldType } from "../vocabulary.js";
import type { Binding } from "./binding.js";

function builtinTypeText(t: BuiltinFieldType): string {
  return typeof t === "string" ? t : `enum(${t.enum.join(", ")})`;
}

const builtinCache: { symbols: { ev: CrmSymbol; members: Map<string, CrmSymbol>; types: Map<string, BuiltinFieldType> }[] } = { symbols: [] };

export function addBuiltins(b: Binding): void {
  if (!builtinCache.symbols.length)
    for (const e of BUILTIN_EVENTS) {
      const ev: CrmSymbol = { id: `builtin:${e.name}`, name: e.name, kind: "event", uri: "", range: EMPTY_RANGE, declRange: EMPTY_RANGE, doc: e.doc, detail: `built-in event { ${e.fields.map((f) => `${f.name}: ${builtinTypeText(f.type)}`).join(", ")} }`, builtin: true };
      const members = new Map<string, CrmSymbol>();
      const types = new Map<string, BuiltinFieldType>();
      for (const f of e.fields) {
        members.set(f.name, { id: `builtin:${e.name}.${f.name}`, name: f.name, kind: "payloadField", uri: "", range: EMPTY_RANGE, declRange: EMPTY_RANGE, container: e.name, containerId: ev.id, detail: builtinTypeText(f.type), builtin: true });
        types.set(f.name, f.type);
      }
      builtinCache.symbols.push({ ev, members, types });
    }
  for (const { ev, members, types } of builtinCache.symbols) {
    b.registerBuiltin(ev, members);
    b.builtinFieldTypes.set(ev.name, types);
  }
}
