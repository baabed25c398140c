import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** vigil's own version, from package.json (dist/about.js sits one level below it). */
export const VIGIL_VERSION: string = (require("../package.json") as { version: string }).version;
