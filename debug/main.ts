/**
 * `dist/debug.js`: the journey debugger's adapter over standard input and output (the Debug
 * Adapter Protocol's stdio transport). The VS Code extension starts it as a
 * DebugAdapterExecutable; any DAP client can (docs/debugger.md). It ends when the client sends
 * `disconnect` or closes its input.
 */
import { JourneyDebugSession } from "./session.js";
import { encodeMessage, MessageReader } from "./wire.js";

const session = new JourneyDebugSession(
  (m) => void process.stdout.write(encodeMessage(m)),
  () => {
    process.stdin.pause();
    process.stdin.removeAllListeners("data");
    process.stdin.unref();
  },
);
const reader = new MessageReader(
  (m) => session.handle(m),
  (message) => session.protocolError(message),
);
process.stdin.on("data", (chunk: Buffer) => reader.feed(chunk));
process.stdin.on("end", () => process.stdin.unref());
// The client went away mid-answer (EPIPE): nothing is left to answer; stop reading.
process.stdout.on("error", () => {
  process.stdin.pause();
  process.stdin.unref();
});
