/**
 * Large outputs written in pieces: a JSON document as a sequence of chunks (byte for byte
 * `JSON.stringify(value, null, 2)`, without ever building the whole text, which for a
 * million-step trace exceeds the longest string the runtime allows), and a writer that
 * gathers chunks into blocks of about 64 KB for standard output.
 */
import { write } from "./report.js";

/** Containers this deep (the document, a list of results, a result, its trace) are streamed member by member; deeper values are stringified whole. */
const STREAM_DEPTH = 3;

function isPlainContainer(v: unknown): v is Record<string, unknown> | unknown[] {
  if (typeof v !== "object" || v === null) return false;
  if (typeof (v as { toJSON?: unknown }).toJSON === "function") return false;
  return Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null;
}

/** `JSON.stringify(v, null, 2)` of one value written at indentation `pad` (undefined: omitted, as JSON.stringify does). */
function leaf(v: unknown, pad: string): string | undefined {
  const s = JSON.stringify(v, null, 2);
  return s === undefined || pad === "" ? s : s.replace(/\n/g, "\n" + pad);
}

/** The chunks of `JSON.stringify(value, null, 2)`; their concatenation is exactly that text. */
export function* jsonChunks(value: unknown, pad = "", depth = 0): Generator<string> {
  if (depth >= STREAM_DEPTH || !isPlainContainer(value)) {
    // Top level `undefined` stringifies to nothing; keep the contract of a string result.
    yield leaf(value, pad) ?? "";
    return;
  }
  const inner = pad + "  ";
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield "[]";
      return;
    }
    yield "[";
    for (let i = 0; i < value.length; i++) {
      yield (i ? ",\n" : "\n") + inner;
      const x = value[i];
      // In a list, what JSON cannot hold is `null`.
      if (x === undefined || typeof x === "function" || typeof x === "symbol") yield "null";
      else yield* jsonChunks(x, inner, depth + 1);
    }
    yield "\n" + pad + "]";
    return;
  }
  let first = true;
  for (const k of Object.keys(value)) {
    const x = value[k];
    if (x === undefined || typeof x === "function" || typeof x === "symbol") continue;
    yield (first ? "{\n" : ",\n") + inner + JSON.stringify(k) + ": ";
    first = false;
    yield* jsonChunks(x, inner, depth + 1);
  }
  yield first ? "{}" : "\n" + pad + "}";
}

const BLOCK = 64 * 1024;

/** Gathers pieces of text and hands them to `sink` (default: standard output) in blocks of about 64 KB. */
export class ChunkWriter {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly sink: (text: string) => void = write) {}

  add(text: string): void {
    if (text.length === 0) return;
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= BLOCK) this.flush();
  }

  addAll(chunks: Iterable<string>): void {
    for (const c of chunks) this.add(c);
  }

  flush(): void {
    if (this.size === 0) return;
    const block = this.parts.join("");
    this.parts = [];
    this.size = 0;
    this.sink(block);
  }
}
