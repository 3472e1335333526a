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
}

export type LineSource = NodeJS.ReadableStream | Iterable<string> | AsyncIterable<string>;

function isStream(x: LineSource): x is NodeJS.ReadableStream {
  return typeof (x as NodeJS.ReadableStream).pipe === "function" && typeof (x as NodeJS.ReadableStream).on === "function";
}

export async function* readLines(input: LineSource, maxLineLength = 1_000_000): AsyncGenerator<NumberedLine> {
  let n = 0;
  const tooLong = () => `this line is longer than ${maxLineLength.toLocaleString("en-US")} characters; it was skipped`;
  if (!isStream(input)) {
    for await (const raw of input as AsyncIterable<string>) {
      n++;
      const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      yield text.length > maxLineLength ? { n, text: "", error: tooLong() } : { n, text };
    }
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
    let start = 0;
    for (let i = s.indexOf("\n"); i >= 0; i = s.indexOf("\n", start)) {
      const piece = s.slice(start, i);
      start = i + 1;
      if (overflow) yield finish("");
      else if (partial.length + piece.length > maxLineLength + 1) {
        overflow = true;
        partial = "";
        yield finish("");
      } else {
        const line = partial + piece;
        partial = "";
        yield finish(line);
      }
    }
    const rest = s.slice(start);
    if (!overflow) {
      if (partial.length + rest.length > maxLineLength + 1) {
        overflow = true;
        partial = "";
      } else partial += rest;
    }
  }
  const tail = partial + decoder.end();
  if (overflow || tail.length > 0) yield finish(overflow ? "" : tail);
}
