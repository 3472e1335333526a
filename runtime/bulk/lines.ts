/**
 * Streaming line reader with bounded memory: yields each line with its 1-based
 * number. Accepts a byte stream or an (async) iterable of lines.
 */
import { createInterface } from "node:readline";
import { Readable } from "node:stream";

export interface NumberedLine {
  n: number;
  text: string;
}

export type LineSource = Readable | NodeJS.ReadableStream | Iterable<string> | AsyncIterable<string>;

export async function* readLines(input: LineSource): AsyncGenerator<NumberedLine> {
  let n = 0;
  if (input instanceof Readable || (typeof (input as NodeJS.ReadableStream).pipe === "function" && typeof (input as NodeJS.ReadableStream).on === "function")) {
    const rl = createInterface({ input: input as NodeJS.ReadableStream, crlfDelay: Infinity });
    for await (const text of rl) yield { n: ++n, text };
    return;
  }
  for await (const text of input as AsyncIterable<string>) yield { n: ++n, text: text.endsWith("\r") ? text.slice(0, -1) : text };
}
