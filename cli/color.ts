/**
 * Colour only on a TTY and never with NO_COLOR (https://no-color.org):
 * picocolors' own detection also honours FORCE_COLOR, which tests use.
 */
import pc from "picocolors";

export type Colors = ReturnType<typeof pc.createColors>;

export function colorsFor(stream: NodeJS.WriteStream): Colors {
  const env = process.env;
  let enabled: boolean;
  if ("NO_COLOR" in env && env.NO_COLOR !== "") enabled = false;
  else if ("FORCE_COLOR" in env && env.FORCE_COLOR !== "0") enabled = true;
  else enabled = Boolean(stream.isTTY) && env.TERM !== "dumb";
  return pc.createColors(enabled);
}

export const plain: Colors = pc.createColors(false);
