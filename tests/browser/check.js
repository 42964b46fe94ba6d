// Open a report in the system's headless chromium (playwright-core, offline)
// and print what the pytest browser tests assert on, as one JSON object:
//   node check.js REPORT.html OUT.pdf
// console: console messages and page errors; requests: every request that is
//   not the page itself (data: and file: of the page excluded);
// first: the id of the first <section> in the page;
// charts: data-points of every svg.chart; overflow: tables wider than their
//   container, on screen and in print (A4 width);
// axe: axe-core's violations (id, impact, nodes);
// filters: the rule table's numbers before and after each filter choice;
// drill: the drill-down panel's rows after clicking the first rule.
"use strict";
const path = require("path");
const { chromium } = require("playwright-core");
const axePath = require.resolve("axe-core/axe.min.js");

async function overflowing(page) {
  return page.evaluate(() => Array.from(document.querySelectorAll("table")).filter(
    (t) => t.offsetParent !== null && t.getBoundingClientRect().width >
      t.parentElement.getBoundingClientRect().width + 1
  ).map((t) => t.className || t.id));
}

(async () => {
  const [file, pdf] = process.argv.slice(2);
  const url = "file://" + path.resolve(file);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const out = { console: [], requests: [] };
  const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
  page.on("console", (m) => out.console.push(m.type() + ": " + m.text()));
  page.on("pageerror", (e) => out.console.push("pageerror: " + e.message));
  page.on("request", (r) => { if (r.url() !== url) { out.requests.push(r.url()); } });
  await page.goto(url, { waitUntil: "load" });
  out.first = await page.evaluate(() => {
    const s = document.querySelector("section");
    return s ? s.id : null;
  });
  out.charts = await page.evaluate(() => Array.from(document.querySelectorAll("svg.chart"))
    .map((s) => ({ id: s.closest("[id]") ? s.closest("[id]").id : "",
                   points: s.getAttribute("data-points") })));
  out.overflow = { screen: await overflowing(page) };
  // filters: every option of every select, the rule table's texts
  const read = () => page.evaluate(() => Array.from(
    document.querySelectorAll("#drill-table tbody tr")).map(
    (r) => Array.from(r.querySelectorAll(".d-ev, .d-br, .d-rate")).map((c) => c.textContent)));
  out.filters = { before: await read(), after: {} };
  const selects = await page.$$("#drill-filters select");
  for (const select of selects) {
    const dim = await select.getAttribute("data-dim");
    const values = await select.$$eval("option", (os) => os.map((o) => o.value).filter((v) => v));
    out.filters.after[dim] = {};
    for (const value of values) {
      await select.selectOption(value);
      out.filters.after[dim][value] = await read();
    }
    await select.selectOption("");
  }
  out.filters.reset = await read();
  const button = await page.$("button.rule-link");
  if (button) {
    await button.click();
    out.drill = await page.evaluate(() => ({
      visible: !document.getElementById("drill-panel").hidden,
      pairs: Array.from(document.querySelectorAll("#drill-pairs tbody tr")).map((r) => r.textContent),
      places: Array.from(document.querySelectorAll("#drill-places tbody tr")).map((r) => r.textContent),
    }));
  }
  await page.addScriptTag({ path: axePath });
  const axe = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length,
      target: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  out.axe = axe;
  await page.emulateMedia({ media: "print" });
  await page.setViewportSize({ width: 705, height: 1000 });  // A4 less 2 × 12 mm margins
  out.overflow.print = await overflowing(page);
  await page.emulateMedia({ media: "screen" });
  await page.setViewportSize({ width: 1200, height: 1000 });
  await page.reload({ waitUntil: "load" });
  if (pdf) {
    await page.emulateMedia({ media: null });
    await page.pdf({ path: pdf, format: "A4", preferCSSPageSize: true });
  }
  await browser.close();
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { process.stderr.write(String(e.stack || e)); process.exit(2); });
