/**
 * Streaming line reader with bounded memory: yields each line with its 1-based
 * number. A line longer than `maxLineLength` is not kept: it is yielded as an
 * error (and its text dropped) so one broken record cannot exhaust memory.
 * Accepts a byte/text stream or an (async) iterable of lines.
 */
import { StringDecoder } from "node:string_decoder";

export interface NumberedLine {
  n: number;
  text: string;
  /** Set when the line could not be kept (too long); `text` is then empty. */
  error?: string;
  /**
   * Where the record came from, when it is not line `n` of a JSON Lines file: `contacts.csv row 12`
   * for a row a data source gave (runtime/data); reports use it instead of the line number.
   */
  where?: string;
  /**
   * The record as a value (a row a data source gave, runtime/data): checked by `recordFromObject`
   * instead of parsing `text` (then empty). Its values are those the row's JSON text would give.
   */
  record?: unknown;
  /** The source's column for a place in the record (`fields.country` → `Country/Region`), for reports. */
  columns?: Record<string, string>;
}

export type LineSource = NodeJS.ReadableStream | Iterable<string> | AsyncIterable<string>;

function isStream(x: LineSource): x is NodeJS.ReadableStream {
  return typeof (x as NodeJS.ReadableStream).pipe === "function" && typeof (x as NodeJS.ReadableStream).on === "function";
}

export async function* readLines(input: LineSource, maxLineLength = 1_000_000): AsyncGenerator<NumberedLine> {
  for await (const chunk of readLineChunks(input, maxLineLength)) yield* chunk;
}

/**
 * The lines of `readLines` in chunks (one per input chunk, or up to 4096 lines
 * of an iterable): the bulk reader awaits once per chunk, not once per line.
 */
export async function* readLineChunks(input: LineSource, maxLineLength = 1_000_000): AsyncGenerator<NumberedLine[]> {
  let n = 0;
  const tooLong = () => `this line is longer than ${maxLineLength.toLocaleString("en-US")} characters; it was skipped`;
  if (!isStream(input)) {
    let out: NumberedLine[] = [];
    const take = (raw: string) => {
      n++;
      const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      out.push(text.length > maxLineLength ? { n, text: "", error: tooLong() } : { n, text });
    };
    if (typeof (input as Iterable<string>)[Symbol.iterator] === "function") {
      for (const raw of input as Iterable<string>) {
        take(raw);
        if (out.length >= 4096) {
          yield out;
          out = [];
        }
      }
    } else {
      for await (const raw of input as AsyncIterable<string>) {
        take(raw);
        if (out.length >= 4096) {
          yield out;
          out = [];
        }
      }
    }
    if (out.length) yield out;
    return;
  }
  const decoder = new StringDecoder("utf8");
  let partial = "";
  let overflow = false;
  const finish = (line: string): NumberedLine => {
    n++;
    if (overflow) {
      overflow = false;
      return { n, text: "", error: tooLong() };
    }
    return { n, text: line.endsWith("\r") ? line.slice(0, -1) : line };
  };
  for await (const chunk of input as AsyncIterable<string | Buffer>) {
    const s = typeof chunk === "string" ? chunk : decoder.write(chunk);
    const out: NumberedLine[] = [];
    let start = 0;
    for (let i = s.indexOf("\n"); i >= 0; i = s.indexOf("\n", start)) {
      const piece = s.slice(start, i);
      start = i + 1;
      if (overflow) out.push(finish(""));
      else if (partial.length + piece.length > maxLineLength + 1) {
        overflow = true;
        partial = "";
        out.push(finish(""));
      } else {
        const line = partial + piece;
        partial = "";
        out.push(finish(line));
      }
    }
    const rest = s.slice(start);
    if (!overflow) {
      if (partial.length + rest.length > maxLineLength + 1) {
        overflow = true;
        partial = "";
      } else partial += rest;
    }
    if (out.length) yield out;
  }
  const tail = partial + decoder.end();
  if (overflow || tail.length > 0) yield [finish(overflow ? "" : tail)];
}
