import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { evaluatePolicy } from "../policy/evaluate.js";
import { defaultPolicy } from "../policy/policy-file.js";
import { alpine34Reference, corpusLayout, scanOnce } from "../testing/policy.js";
import { tempDir } from "../testing/tmp.js";
import { selectReport } from "./model.js";
import { renderReport } from "./render.js";

// Debian's chromium, installed by scripts/ensure-browser.sh (npm test runs it).
const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

async function reportFile(reference: string, name: string): Promise<string> {
  const selected = selectReport(await scanOnce(reference), {});
  const result = { ...selected.result, findings: selected.findings };
  const policy = evaluatePolicy(result, { policy: defaultPolicy() });
  const html = renderReport("html", { ...selected.result, policy }, selected.findings, {
    color: false,
  });
  const file = path.join(tempDir("vigil-html-"), `${name}.html`);
  writeFileSync(file, html);
  return file;
}

/** The texts of a column's visible cells, top to bottom. */
function column(page: Page, table: string, header: string): Promise<string[]> {
  return page.evaluate(
    ({ table, header }) => {
      const t = document.getElementById(table) as HTMLTableElement;
      const col = [...t.tHead!.rows[0]!.cells].findIndex((c) => c.textContent === header);
      return [...t.tBodies[0]!.rows]
        .filter((r) => !r.classList.contains("hidden"))
        .map((r) => r.cells[col]!.getAttribute("data-sort") ?? r.cells[col]!.textContent ?? "");
    },
    { table, header },
  );
}

describe("the HTML report in a real browser", () => {
  let context: BrowserContext;
  const problems: string[] = [];
  const requests: string[] = [];

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} missing: run scripts/ensure-browser.sh as root`);
    context = await chromium.launchPersistentContext(tempDir("vigil-chromium-"), {
      executablePath: CHROMIUM,
      args: ARGS,
      headless: true,
    });
    context.on("request", (r) => requests.push(r.url()));
  });

  after(async () => {
    await context?.close();
  });

  async function open(file: string): Promise<Page> {
    const page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(pathToFileURL(file).href);
    return page;
  }

  it("renders, sorts and filters the Alpine 3.4 vulnerabilities, with no console errors", async () => {
    const file = await reportFile(await alpine34Reference(), "alpine34");
    const page = await open(file);

    assert.match(await page.title(), /^vigil: /);
    const rows = await column(page, "vulnerabilities", "Vulnerability");
    assert.ok(rows.length > 10, `${rows.length} rows`);
    assert.equal(await page.locator("#chart svg rect").count(), 6);

    // Sort by package name, both ways.
    await page.click("#vulnerabilities th:text-is('Package')");
    const up = await column(page, "vulnerabilities", "Package");
    assert.deepEqual(
      up,
      [...up].sort((a, b) => a.localeCompare(b)),
    );
    await page.click("#vulnerabilities th:text-is('Package')");
    const down = await column(page, "vulnerabilities", "Package");
    assert.deepEqual(down, [...up].reverse());
    assert.equal(
      await page.getAttribute("#vulnerabilities th:text-is('Package')", "aria-sort"),
      "descending",
    );

    // Numbers sort as numbers.
    await page.click("#vulnerabilities th:text-is('Risk')");
    const risks = (await column(page, "vulnerabilities", "Risk")).map(Number);
    assert.deepEqual(
      risks,
      [...risks].sort((a, b) => a - b),
    );

    // The filter narrows every table; the count says how many rows show.
    await page.fill("#filter", "musl");
    const musl = await column(page, "vulnerabilities", "Package");
    assert.ok(musl.length > 0 && musl.every((p) => p.startsWith("musl")), musl.join(","));
    assert.match((await page.textContent("#shown")) ?? "", /^\d+ of \d+ rows$/);
    await page.fill("#filter", "");
    await page.selectOption("#severity", "HIGH");
    assert.deepEqual(await column(page, "vulnerabilities", "Severity"), []);
    await page.selectOption("#severity", "");
    assert.equal((await column(page, "vulnerabilities", "Vulnerability")).length, rows.length);

    assert.deepEqual(problems, []);
    await page.close();
  });

  it("shows debian-app's verdict, secrets and layers, loading nothing from outside", async () => {
    const file = await reportFile(corpusLayout("debian-app"), "debian-app");
    const page = await open(file);

    assert.match((await page.textContent("#verdict")) ?? "", /policy vigil-default: failed/);
    const rules = await column(page, "secrets", "Rule");
    assert.ok(rules.includes("private-key") && rules.includes("github-token"), rules.join(","));
    const layers = await column(page, "layers", "From");
    assert.deepEqual(layers, ["base image", "", "", "", ""]);

    await page.click("#secrets th:text-is('Layer')");
    await page.fill("#filter", "aws");
    const aws = await column(page, "secrets", "Rule");
    assert.ok(aws.length >= 2 && aws.every((r) => r.startsWith("aws-")), aws.join(","));

    assert.deepEqual(problems, []);
    assert.ok(
      requests.every((u) => u.startsWith("file://")),
      requests.join("\n"),
    );
    await page.close();
  });
});
