/** Parses JUnit XML with xml2js (strict mode: malformed XML is an error). */
import { parseStringPromise } from "xml2js";

export interface ParsedSuites {
  attrs: Record<string, string>;
  suites: { attrs: Record<string, string>; cases: { attrs: Record<string, string>; failure?: { attrs: Record<string, string>; text: string }; error?: { attrs: Record<string, string>; text: string } }[] }[];
}

export async function parseJUnit(xml: string): Promise<ParsedSuites> {
  const doc = await parseStringPromise(xml, { strict: true });
  const root = doc.testsuites;
  return {
    attrs: root.$,
    suites: (root.testsuite ?? []).map((s: any) => ({
      attrs: s.$,
      cases: (s.testcase ?? []).map((c: any) => ({
        attrs: c.$,
        failure: c.failure ? { attrs: c.failure[0].$, text: c.failure[0]._ ?? "" } : undefined,
        ...(c.error ? { error: { attrs: c.error[0].$, text: c.error[0]._ ?? "" } } : {}),
      })),
    })),
  };
}
