/** The process exit codes of `crmrules`. Only the CLI knows exit codes. */
export enum ExitCode {
  /** Everything passed (or there was nothing to report at the failing level). */
  Success = 0,
  /** Findings at or above `--fail-level`, failed expectations, unformatted files, coverage below the minimum. */
  Findings = 1,
  /** Bad command line or input that could not be read at all. */
  Usage = 2,
}

/** A problem with the command line or its input: reported as one message, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
