// The inspection pack in the browser, on the demo hospital group from a fresh start: the
// administrator opens the checklist, goes to the demo hospital's inspection view, reads the four
// points with the records behind them and both sheets, prints it without menus or forms,
// downloads the PDF (its text read back with pdftotext carries every section), and sees every
// facility on the overview. A second walk answers an item on the demo clinic's checklist and finds it,
// with its date, in the clinic's pack printed by the browser.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { artifacts, browser, dataDir, demo } from "./support.mjs";

let server, chrome;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  server = await demo(dataDir());
  chrome = await browser();
});

after(async () => {
  await chrome?.close();
  server?.stop();
});

const POINTS = [
  "検査の観点1: 脆弱性情報の収集と対応（端末PC・VPN機器）",
  "検査の観点2: 診療に必要なデータとシステムのバックアップ",
  "検査の観点3: マルウェア対策・BCP（復旧手順）・訓練",
  "検査の観点4: 事業者・厚生労働省への連絡体制",
];

test("the demo hospital's inspection pack: the four points, both sheets, print and PDF; every facility on the overview", async () => {
  const context = await chrome.newContext({ locale: "ja-JP", viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${server.base}/login`);
  await page.getByLabel("メールアドレス").fill("admin@minato.example.jp");
  await page.getByLabel("パスワード").fill(server.password);
  await page.getByRole("button", { name: "ログイン" }).click();
  await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();

  // The checklist of the hospital, then its inspection view.
  await page.getByRole("link", { name: "チェックリスト" }).click();
  await page.getByRole("heading", { name: "サイバーセキュリティ対策チェックリスト", level: 1 }).waitFor();
  await page.locator("#facility").selectOption({ label: "みなと総合病院" });
  await page.getByRole("button", { name: "表示", exact: true }).click();
  await page.locator("#inspection-link").click();
  await page.getByRole("heading", { name: "立入検査資料", level: 1 }).waitFor();
  const doc = page.locator("#document");
  assert.match(await doc.locator(".doc-subtitle").innerText(), /みなと総合病院/);
  for (const h of ["概要", ...POINTS, "医療機関確認用", "事業者確認用: 株式会社なにわメディカルシステムズ"]) {
    assert.ok((await doc.locator(`section[data-heading^="${h}"]`).count()) >= 1, `section ${h}`);
  }
  // Point 1 names the VPN appliance's known-exploited finding; point 2 the EMR's measured restore.
  const vuln = await doc.locator(`section[data-heading="${POINTS[0]}"]`).innerText();
  assert.match(vuln, /未対応: 本館VPN装置 CVE-\d{4}-\d+（期限 [\d-]+、悪用確認済み）/);
  assert.match(await doc.locator(`section[data-heading="${POINTS[1]}"]`).innerText(), /電子カルテ（診療継続に必要）: \d+世代[^\n]*所要/);
  assert.match(await doc.locator(`section[data-heading="${POINTS[2]}"]`).innerText(), /添付する資料[\s\S]*BCP/);
  assert.equal(await page.locator("#document form, #document input").count(), 0, "an inspector's pack has no forms");
  await page.screenshot({ path: join(artifacts, "inspection.png"), fullPage: false });

  // Printed: the pack without the menu, the chooser or the buttons.
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator("nav").isVisible(), false);
  assert.equal(await page.locator("#inspection-form").isVisible(), false);
  assert.equal(await doc.isVisible(), true);
  await page.emulateMedia({ media: "screen" });

  // The PDF download: its text carries every section heading.
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#pdf-link").click()]);
  const path = join(artifacts, "inspection-pack.pdf");
  await download.saveAs(path);
  assert.match(download.suggestedFilename(), /^inspection-\d+-fy\d{4}\.pdf$/);
  const text = execFileSync("pdftotext", ["-enc", "UTF-8", path, "-"], { encoding: "utf8" }).replace(/\s+/g, "");
  for (const h of ["サイバーセキュリティ対策立入検査資料", "概要", ...POINTS, "医療機関確認用", "事業者確認用"]) {
    assert.ok(text.includes(h.replace(/\s+/g, "")), `the PDF lacks ${h}`);
  }

  // Every facility on one page, each with its four points and a link to its pack.
  await page.goto(`${server.base}/readiness/overview`);
  await page.getByRole("heading", { name: "全施設の対応状況", level: 1 }).waitFor();
  const rows = page.locator("#overview tbody tr");
  assert.equal(await rows.count(), 3);
  for (const name of ["みなと総合病院", "みなと内科クリニック", "みなと訪問看護ステーション"]) {
    const row = page.locator("#overview tbody tr", { has: page.getByRole("link", { name, exact: true }) });
    assert.equal(await row.locator(".tag").count(), 4, name);
    assert.match(await row.locator(".score").innerText(), /^\d+ \/ \d+$/);
  }
  await page.screenshot({ path: join(artifacts, "inspection-overview.png"), fullPage: true });
  await context.close();
});

test("the demo clinic from a fresh start: an item answered on its checklist is in its printed inspection pack", async () => {
  const context = await chrome.newContext({ locale: "ja-JP", viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${server.base}/login`);
  await page.getByLabel("メールアドレス").fill("admin@minato.example.jp");
  await page.getByLabel("パスワード").fill(server.password);
  await page.getByRole("button", { name: "ログイン" }).click();
  await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();

  // The clinic's checklist for the current fiscal year, as the page opens it.
  await page.getByRole("link", { name: "チェックリスト" }).click();
  await page.locator("#facility").selectOption({ label: "みなと内科クリニック" });
  await page.getByRole("button", { name: "表示", exact: true }).click();
  assert.match(await page.locator("#readiness-sheet").innerText(), /みなと内科クリニック/);

  // The clinic's security manager confirmed today (Japan time).
  const today = new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Tokyo" }).format(new Date());
  const item = page.locator('[data-item="governance.manager"]');
  await item.getByLabel("はい").check();
  await item.getByLabel("確認日").fill(today);
  await item.getByLabel("根拠・メモ").fill("院長が兼任（任命書あり）");
  await item.getByRole("button", { name: "回答を保存" }).click();
  await page.getByText("保存しました。").waitFor();
  assert.match(await page.locator('[data-item="governance.manager"] .saved').innerText(), /回答\s+はい/);

  // Its inspection pack carries the answer with its date, in the facility's sheet.
  await page.locator("#inspection-link").click();
  await page.getByRole("heading", { name: "立入検査資料", level: 1 }).waitFor();
  const doc = page.locator("#document");
  assert.match(await doc.locator(".doc-subtitle").innerText(), /みなと内科クリニック/);
  const sheet = await doc.locator('section[data-heading^="医療機関確認用"]').innerText();
  assert.ok(sheet.includes(today), `the facility sheet lacks ${today}`);
  assert.match(sheet, /院長が兼任/);

  // Printed by the browser as the user would (A4): menus gone, the answer on paper.
  await page.emulateMedia({ media: "print" });
  const printed = join(artifacts, "inspection-clinic-printed.pdf");
  await page.pdf({ path: printed, format: "A4" });
  await page.emulateMedia({ media: "screen" });
  const paper = execFileSync("pdftotext", ["-enc", "UTF-8", printed, "-"], { encoding: "utf8" }).replace(/\s+/g, "");
  for (const text of ["立入検査資料", "みなと内科クリニック", ...POINTS, today, "院長が兼任"]) {
    assert.ok(paper.includes(text.replace(/\s+/g, "")), `the printed pack lacks ${text}`);
  }
  assert.ok(!paper.includes("回答を保存"), "no form on paper");
  await context.close();
});
