/**
 * `simulate --events SRC --out TARGET`: where each lead's outcome goes. The format comes from
 * the extension (runtime/data/write.ts `outcomeTarget`): JSON Lines as text (no DuckDB needed),
 * Parquet, CSV or a DuckDB table through DuckDB. Every file is written to a temporary name
 * beside the target and renamed when complete (cli/atomicWrite.ts); a table of an existing
 * DuckDB database is written in one transaction.
 */
import type { Writable } from "node:stream";
import type { LeadOutcome } from "../core/engine/bulk/replay.js";
import { DuckDBUnavailable } from "../runtime/data/duckdb.js";
import { OutcomeWriter, outcomeTarget, TargetError, WriteError, type OutcomeFormat, type OutcomeNames } from "../runtime/data/write.js";
import { openAtomicPath, openOutput, OutputError, type AtomicPath } from "./atomicWrite.js";
import { UsageError } from "./exit.js";

/** Where outcomes go during a replay: a text stream (JSON Lines) or one call per lead. */
export interface OutcomeSink {
  readonly format: OutcomeFormat;
  /** JSON Lines: the stream each outcome is written to as a line. */
  readonly stream?: Writable;
  /** Other formats: called for each lead, in log order. */
  readonly onOutcome?: (o: LeadOutcome) => void;
  /** Completes the output (only a complete one reaches the target); rejects with a `UsageError` naming it. */
  commit(): Promise<void>;
  /** Drops everything written. Idempotent. */
  abort(): void;
  /** A write error so far (JSON Lines), naming the file. */
  failed(): OutputError | undefined;
}

/**
 * The first half of opening `--out ARG`: its format and, for a file, its temporary path
 * (synchronous, so that a target that cannot be written fails before any work).
 */
export interface PendingOutput {
  readonly format: OutcomeFormat;
  /** Opens the writer once the rules' score and grade names are known (DuckDB is loaded here). */
  open(names: OutcomeNames): Promise<OutcomeSink>;
  abort(): void;
}

export function prepareOutcomeOutput(arg: string, cwd: string): PendingOutput {
  let target;
  try {
    target = outcomeTarget(arg);
  } catch (e) {
    if (e instanceof TargetError) throw new UsageError(e.message);
    throw e;
  }
  if (target.format === "jsonl") {
    const out = openOutput(arg, cwd);
    return { format: "jsonl", open: async () => ({ format: "jsonl", stream: out.stream, commit: () => out.commit(), abort: () => out.abort(), failed: () => out.failed() }), abort: () => out.abort() };
  }
  const shown = target.format === "duckdb" ? target.file : arg;
  const file = openAtomicPath(target.file, cwd);
  return {
    format: target.format,
    abort: () => file.abort(),
    open: async (names) => {
      let writer: OutcomeWriter;
      try {
        writer = await OutcomeWriter.open({
          format: target.format as Exclude<OutcomeFormat, "jsonl">,
          names,
          stage: file.scratch("stage.duckdb"),
          output: target.format === "duckdb" && file.exists ? file.target : file.temp,
          ...(target.table !== undefined ? { table: target.table } : {}),
          existing: target.format === "duckdb" && file.exists,
        });
      } catch (e) {
        file.abort();
        if (e instanceof DuckDBUnavailable) throw new UsageError(e.message);
        if (e instanceof WriteError) throw new OutputError(shown, e.message);
        throw e;
      }
      return sink(target.format, writer, file, shown, target.format === "duckdb" && file.exists);
    },
  };
}

function sink(format: OutcomeFormat, writer: OutcomeWriter, file: AtomicPath, shown: string, inPlace: boolean): OutcomeSink {
  let over = false;
  let failure: OutputError | undefined;
  const abort = () => {
    if (over) return;
    over = true;
    writer.close();
    file.abort();
  };
  return {
    format,
    onOutcome: (o) => {
      try {
        writer.add(o);
      } catch (e) {
        // A full disk while DuckDB flushes the stage: the replay ends with this error (exit code 2).
        failure ??= new OutputError(shown, `cannot be written: ${(e as Error).message.split("\n")[0]}`);
        throw failure;
      }
    },
    async commit() {
      if (over) throw new Error(`output ${shown} was already closed`);
      try {
        await writer.finish();
      } catch (e) {
        abort();
        if (e instanceof WriteError) throw new OutputError(shown, e.message);
        throw e;
      }
      over = true;
      writer.close();
      if (inPlace) file.done();
      else file.commit();
    },
    abort,
    failed: () => failure,
  };
}
