import type HandlebarsModule from "handlebars";
import { VigilError } from "../errors.js";
import type { Finding } from "../match/types.js";
import { jsonReport } from "./json.js";
import type { ScanResult } from "./model.js";
import { lazyRequire } from "../util/lazy-require.js";

/**
 * `--template FILE`: custom text from a Handlebars template over the JSON
 * report's object (docs/json-report.md names every field). Output is not
 * HTML-escaped; `{{json x}}`, `{{eq a b}}`, `{{upper s}}`, `{{lower s}}`
 * and `{{join list ", "}}` are there besides Handlebars' own helpers.
 */
export function renderTemplate(
  result: ScanResult,
  findings: readonly Finding[],
  template: { name: string; text: string },
): string {
  // Loaded here, not at start: only --template needs it.
  const Handlebars = lazyRequire<typeof HandlebarsModule>("handlebars");
  const hb = Handlebars.create();
  hb.registerHelper("json", (value: unknown) => JSON.stringify(value, null, 2));
  hb.registerHelper("eq", (a: unknown, b: unknown) => a === b);
  hb.registerHelper("upper", (s: unknown) => String(s ?? "").toUpperCase());
  hb.registerHelper("lower", (s: unknown) => String(s ?? "").toLowerCase());
  hb.registerHelper("join", (list: unknown, sep: unknown) =>
    Array.isArray(list) ? list.join(typeof sep === "string" ? sep : ", ") : "",
  );

  try {
    const render = hb.compile(template.text, { noEscape: true, strict: false });
    return render(jsonReport(result, findings));
  } catch (err) {
    const message = ((err as Error).message.split("\n")[0] ?? "").trim();
    throw new VigilError("BAD_OPTION", `--template ${template.name}: ${message}`, {
      cause: err,
      hint: "the template is Handlebars; its data is the JSON report (docs/json-report.md)",
    });
  }
}
