// The anchor of `implied D after ANCHOR`: a declared event or a `consent_given` method (issue 12.2),
// and the CASL baseline over the methods (issue 12.1).
import { describe, expect, it } from "vitest";
import { checkSources, formatDiagnostic } from "./helpers.js";

const SCHEMA = `lead { email: email  country: country }\nevent poke {}\n`;
const tail = `action send_email contact requires email_marketing\nworkflow mail on poke { do send_email }\n`;

function check(consent: string, extra = ""): string[] {
  return checkSources({ "a.crmrules": SCHEMA + extra + consent + "\n" + tail }).diagnostics.map(formatDiagnostic);
}

describe("implied consent anchors", () => {
  it("a consent_given method is an anchor (the issue's file checks clean)", () => {
    const text = `consent email_marketing {\n  in [CA]: implied 6 months after inquiry  otherwise: double_opt_in\n}\n`;
    const journey = `journey "j" {\n lead { email: "a@b.example", country: CA }\n day 0 consent_given { purpose: email_marketing, method: inquiry }\n day 10 poke\n}\n`;
    expect(checkSources({ "a.crmrules": SCHEMA + text + tail + journey }).diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(check(`consent email_marketing { in [CA]: opt_in or implied 2 years after purchase  otherwise: double_opt_in }`)).toEqual([]);
  });

  it("a declared event of the same name is the anchor, and is referenced (not unused)", () => {
    const ds = check(`consent email_marketing { in [CA]: implied 6 months after inquiry  otherwise: double_opt_in }`, "event inquiry {}\n");
    expect(ds).toEqual([]);
  });

  it("a built-in event cannot anchor implied consent (CR3025)", () => {
    expect(check(`consent email_marketing { in [CA]: implied 6 months after sales_activity  otherwise: double_opt_in }`)).toEqual([
      "3:59-3:73 CR3025 error `sales_activity` is a built-in event; implied consent follows a declared event or a `consent_given` method (checkbox, double_opt_in, purchase, inquiry), as in `implied 6 months after inquiry`",
    ]);
  });

  it("an unknown anchor names both kinds and suggests a method", () => {
    const ds = check(`consent email_marketing { in [CA]: implied 6 months after inquiri  otherwise: double_opt_in }`);
    expect(ds).toEqual(["3:59-3:66 CR2001 error no event or consent method named `inquiri`; did you mean `inquiry`?"]);
  });
});

describe("CASL baseline over consent methods", () => {
  it("an implied method anchor is limited like an event anchor: 6 months after an inquiry, 24 after a purchase", () => {
    expect(check(`consent email_marketing { in [CA]: implied 7 months after inquiry  otherwise: double_opt_in }`).map((d) => d.split(" ").slice(1, 2)[0])).toEqual(["CR4005"]);
    expect(check(`consent email_marketing { in [CA]: implied 3 years after purchase  otherwise: double_opt_in }`).map((d) => d.split(" ").slice(1, 2)[0])).toEqual(["CR4005"]);
  });

  it("implied consent after an express method is express consent that expires: no CASL limit, double opt-in only after double_opt_in", () => {
    const codes = (c: string) => check(c).map((d) => d.split(" ")[1]);
    expect(codes(`consent email_marketing { in [CA]: implied 3 years after checkbox  otherwise: double_opt_in }`)).toEqual([]);
    expect(codes(`consent email_marketing { in [FR]: implied 3 years after checkbox  otherwise: double_opt_in }`)).toEqual([]);
    expect(codes(`consent email_marketing { in [DE, AT]: implied 1 year after double_opt_in  otherwise: double_opt_in }`)).toEqual([]);
    expect(codes(`consent email_marketing { in [DE, AT]: implied 1 year after checkbox  otherwise: double_opt_in }`)).toEqual(["CR4005"]);
  });
});
