import type { Command } from "commander";
import { dbPath } from "../../config/paths.js";
import { createLogger } from "../../log.js";
import { importFeeds, VulnDb } from "../../vulndb/index.js";

interface DbOptions {
  db?: string;
  cacheDir?: string;
  logLevel: string;
}

export function registerDbCommands(program: Command): void {
  const db = program
    .command("db")
    .description("manage the local vulnerability database")
    .option("--db <file>", "vulnerability database (default: in the cache directory)")
    .option(
      "--cache-dir <dir>",
      "cache directory (default $XDG_CACHE_HOME/vigil or ~/.cache/vigil)",
    )
    .option("--log-level <level>", "error, warn, info or debug", "info");

  db.command("import")
    .description("load OSV files (a directory, JSON files or an all.zip) and Alpine secdb JSON")
    .argument("<path...>", "files or directories to import")
    .action(async (paths: string[], _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<DbOptions>();
      const log = createLogger({ level: opts.logLevel });
      const summary = await importFeeds(dbPath(opts), paths, { log });

      for (const feed of summary.feeds) {
        console.log(
          `${feed.name}: ${feed.records} records (${feed.skipped} skipped) from ${feed.origin}`,
        );
      }
      const rate = Math.round(summary.records / Math.max(summary.durationMs / 1000, 0.001));
      console.log(
        `${summary.records} records in ${summary.durationMs} ms (${rate}/s) → ${summary.dbPath}`,
      );
    });

  db.command("status")
    .description("show the database's schema and each feed's freshness")
    .action((_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<DbOptions>();
      const vulnDb = VulnDb.open(dbPath(opts));
      try {
        const meta = vulnDb.meta();
        console.log(`database: ${vulnDb.path}`);
        console.log(`schema ${meta.schemaVersion}, written by ${meta.writtenBy}`);
        for (const feed of vulnDb.feeds()) {
          console.log(
            `${feed.name}: ${feed.records} records, imported ${feed.importedAt} from ${feed.origin}`,
          );
        }
      } finally {
        vulnDb.close();
      }
    });
}
