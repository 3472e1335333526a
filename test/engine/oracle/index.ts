/**
 * The oracle of the differential test: a small, slow interpreter of docs/language.md, written
 * from the document alone. It reads the AST and the checker's references; it shares no code with
 * core/engine/. See README.md.
 */
export { buildModel, type Model } from "./model.js";
export { OracleSim } from "./simulation.js";
export { runJourney, type OracleJourney } from "./journey.js";
export { observe, observeFinal, type Obs, type ObsFinal } from "./observed.js";
