import type { Context } from "./context.js";
import type { Items } from "./items.js";

/**
 * One completion context: adds its items to `out` and answers true when the
 * cursor is in that context (the answer is then complete), false to let the
 * next provider try. A provider that answers false adds nothing.
 */
export type Provider = (cx: Context, out: Items) => boolean;
