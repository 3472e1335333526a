/**
 * The configuration file's name, on its own so that finding the file (the CLI at start, its
 * watch mode) does not load the validator (ajv) that only reading one needs.
 */
export const CONFIG_FILE = "crmrules.json";
