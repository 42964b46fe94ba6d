// The first printed pages of a report as PNG pictures (print media, A4 width):
//   node shoot.js REPORT.html OUT-PREFIX [PAGES]
"use strict";
const path = require("path");
const { chromium } = require("playwright-core");
(async () => {
  const [file, prefix, pages] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium",
                                          args: ["--no-sandbox", "--disable-gpu"] });
  const page = await browser.newPage({ viewport: { width: 794, height: 1123 } });
  await page.goto("file://" + path.resolve(file), { waitUntil: "load" });
  await page.emulateMedia({ media: "print" });
  for (let k = 0; k < Number(pages || 2); k += 1) {
    await page.screenshot({ path: `${prefix}-${k + 1}.png`, fullPage: true,
                            clip: { x: 0, y: k * 1123, width: 794, height: 1123 } });
  }
  await browser.close();
})().catch((e) => { process.stderr.write(String(e)); process.exit(2); });
