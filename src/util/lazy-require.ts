// CommonJS libraries loaded where first used rather than when the CLI starts:
// a warm rescan or `vigil --version` should not pay for every format's
// library. Node caches each module after its first load.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export function lazyRequire<T>(name: string): T {
  return require(name) as T;
}
