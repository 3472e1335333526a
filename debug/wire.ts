/**
 * The Debug Adapter Protocol's base protocol: each message is a header part (`Content-Length: N`,
 * other headers ignored, each line ending in CRLF, then an empty line) and N bytes of UTF-8 JSON.
 * `MessageReader` takes the bytes as they come (any split, several messages in one chunk) and
 * hands each message on; a broken header or body is reported with what was wrong and the reader
 * goes on with the next message. `encodeMessage` writes one message.
 */

export type ProtocolMessage = { seq: number; type: string; [key: string]: unknown };

const HEADER_END = Buffer.from("\r\n\r\n", "ascii");
/** The largest body accepted (a request is small; this bounds what a broken peer can make us hold). */
const MAX_BODY = 64 * 1024 * 1024;

export class MessageReader {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(
    private readonly onMessage: (m: ProtocolMessage) => void,
    private readonly onError: (message: string) => void,
  ) {}

  feed(chunk: Buffer | string): void {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, bytes]) : bytes;
    for (;;) {
      const end = this.buffer.indexOf(HEADER_END);
      if (end < 0) {
        if (this.buffer.length > 8192) {
          this.onError("a message header is longer than 8192 bytes without an empty line; dropped what was read");
          this.buffer = Buffer.alloc(0);
        }
        return;
      }
      const header = this.buffer.subarray(0, end).toString("ascii");
      let length = -1;
      for (const line of header.split("\r\n")) {
        const m = /^content-length:\s*(\d+)\s*$/i.exec(line);
        if (m) length = Number(m[1]);
      }
      if (length < 0 || length > MAX_BODY) {
        this.onError(length < 0 ? `a message header has no Content-Length: ${JSON.stringify(header.slice(0, 200))}` : `a message of ${length} bytes is larger than the ${MAX_BODY} accepted`);
        this.buffer = this.buffer.subarray(end + HEADER_END.length);
        continue;
      }
      const start = end + HEADER_END.length;
      if (this.buffer.length < start + length) return;
      const body = this.buffer.subarray(start, start + length).toString("utf8");
      this.buffer = this.buffer.subarray(start + length);
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch (err) {
        this.onError(`a message is not JSON (${err instanceof Error ? err.message : String(err)}): ${JSON.stringify(body.slice(0, 200))}`);
        continue;
      }
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed) || typeof (parsed as { type?: unknown }).type !== "string") {
        this.onError(`a message is not a protocol message (an object with a \`type\`): ${JSON.stringify(body.slice(0, 200))}`);
        continue;
      }
      this.onMessage(parsed as ProtocolMessage);
    }
  }
}

export function encodeMessage(m: object): Buffer {
  const body = Buffer.from(JSON.stringify(m), "utf8");
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, "ascii"), body]);
}
