// Backups in the browser, on the demo hospital group: the dashboard card "最終復元確認" lists
// every system with its last verified restore, the overdue PACS in red; the administrator
// defines a job for real folders on this machine (a relative path is refused beside its field,
// the typing kept), sees it red until a backup and a restore test run from its page turn it
// green with the measured duration, and downloads the annual backup report as a PDF that names
// the systems (read back with pdftotext). Also: the report prints without menus and forms.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { artifacts, browser, dataDir, demo } from "./support.mjs";

const SYSTEM = "電子カルテ（本院・E2E）";

let server, chrome, admin;

/** Real folders to back up (a Japanese name, an empty file) and the repository's password file. */
function fixture() {
  const root = mkdtempSync(join(tmpdir(), "mamoru-e2e-backup-"));
  const src = join(root, "emr");
  mkdirSync(join(src, "カルテ"), { recursive: true });
  writeFileSync(join(src, "カルテ", "患者一覧.csv"), "id,name\n1,山田太郎\n".repeat(500));
  writeFileSync(join(src, "empty.dat"), "");
  writeFileSync(join(root, "emr.pass"), "correct horse battery staple\n");
  return { src, repo: join(root, "nas", "emr"), pass: join(root, "emr.pass") };
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  server = await demo(dataDir());
  admin = { email: "admin@minato.example.jp", password: server.password };
  chrome = await browser();
});

after(async () => {
  await chrome?.close();
  server?.stop();
});

async function login(page) {
  await page.goto(`${server.base}/login`);
  await page.getByLabel("メールアドレス").fill(admin.email);
  await page.getByLabel("パスワード").fill(admin.password);
  await page.getByRole("button", { name: "ログイン" }).click();
  await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
}

/** The dashboard card's line for a system. */
const cardLine = (page, name) =>
  page.locator("#backup-panel li").filter({ has: page.getByRole("link", { name, exact: true }) });

test("the last verified restore on the dashboard, a job from the form to a passed restore test, the report's PDF", async () => {
  const context = await chrome.newContext({ locale: "ja-JP", viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await login(page);

  // The card: every demo system, the overdue PACS red and first among those needing action.
  const card = page.locator("#backup-panel");
  await card.getByRole("heading", { name: "最終復元確認" }).waitFor();
  assert.ok((await card.locator("li").count()) >= 5, await card.innerText());
  const pacs = cardLine(page, "PACS・画像");
  assert.equal(await pacs.getAttribute("class"), "bad");
  assert.match(await pacs.innerText(), /期限切れ/);
  assert.match(await pacs.innerText(), /復元所要時間/);
  const red = await pacs.locator(".tag").first().evaluate((e) => getComputedStyle(e).color);
  assert.equal(red, "rgb(164, 22, 26)", "the overdue status is shown in red");
  assert.equal(await cardLine(page, "電子カルテ").getAttribute("class"), "ok");
  assert.equal(await cardLine(page, "電子カルテ（クリニック）").getAttribute("class"), "warn");
  assert.match(await cardLine(page, "ファイルサーバ（共有フォルダ）").innerText(), /未実施/);
  await page.screenshot({ path: join(artifacts, "backups-dashboard.png"), fullPage: true });

  // The card links to the job.
  await pacs.getByRole("link", { name: "PACS・画像" }).click();
  await page.getByRole("heading", { name: "PACS・画像", level: 1 }).waitFor();
  assert.match(await page.locator("#restore-status").innerText(), /期限切れ/);
  assert.ok((await page.locator("#history-table tbody tr").count()) > 0, "the demo's history");

  // A new job: a relative source path is refused beside its field, the typing kept.
  const f = fixture();
  await page.getByRole("link", { name: "バックアップ", exact: true }).click();
  await page.getByRole("heading", { name: "バックアップと復元確認" }).waitFor();
  // The list: per facility, each system with its offline copy's kind and its status.
  const row = page.locator("tr").filter({ has: page.getByRole("link", { name: "PACS・画像", exact: true }) });
  const cells = await row.innerText();
  for (const text of ["PACS・画像", "毎週日曜日 01:00", "S3 Object Lock", "期限切れ"]) {
    assert.ok(cells.includes(text), `${text} in ${cells}`);
  }
  assert.equal(await row.getAttribute("class"), "urgent");
  await page.screenshot({ path: join(artifacts, "backups-list.png"), fullPage: true });
  await page.getByRole("link", { name: "ジョブを登録" }).click();
  await page.getByRole("heading", { name: "バックアップジョブの登録" }).waitFor();
  await page.getByLabel(/^施設/).selectOption({ label: "みなと総合病院" });
  await page.getByLabel(/^システム/).fill(SYSTEM);
  await page.getByLabel(/^種類/).selectOption("emr");
  await page.getByLabel("診療継続に必要").check();
  await page.getByLabel(/^バックアップ対象/).fill("emr/data");
  await page.getByLabel(/^保存先/).fill(f.repo);
  await page.getByLabel(/^パスワードファイル/).fill(f.pass);
  await page.getByLabel(/^実行予定/).fill("毎日 02:00");
  await page.getByLabel(/^保持する世代/).fill("daily=7,weekly=4");
  await page.getByRole("button", { name: "登録する" }).click();
  const err = page.locator("#field-sources .ferr");
  await err.waitFor();
  assert.match(await err.innerText(), /相対パス/);
  assert.equal(await page.locator("#sources").getAttribute("aria-invalid"), "true");
  assert.equal(await page.locator("#field-repository .ferr").count(), 0, "only the bad field has an error");
  assert.equal(await page.getByLabel(/^システム/).inputValue(), SYSTEM, "the typing is kept");
  assert.equal(await page.getByLabel(/^保存先/).inputValue(), f.repo);
  assert.ok(await page.getByLabel("診療継続に必要").isChecked());
  await page.screenshot({ path: join(artifacts, "backups-form-error.png"), fullPage: true });

  await page.getByLabel(/^バックアップ対象/).fill(f.src);
  await page.getByRole("button", { name: "登録する" }).click();
  await page.getByText("登録しました。").waitFor();
  const jobUrl = page.url().replace(/\?.*$/, "");
  assert.match(jobUrl, /\/backups\/jobs\/\d+$/);
  assert.match(await page.locator("#restore-status").innerText(), /未実施/);

  // Red on the dashboard until its backups have been shown to restore.
  await page.goto(`${server.base}/`);
  assert.equal(await cardLine(page, SYSTEM).getAttribute("class"), "bad");

  // Back up and restore-test now, from the job page.
  await page.goto(jobUrl);
  await page.getByRole("button", { name: "今すぐバックアップ" }).click();
  await page.getByText("バックアップを実行しました。").waitFor();
  await page.getByRole("button", { name: "今すぐ復元テスト" }).click();
  await page.getByText("復元テストに合格しました。").waitFor();
  assert.match(await page.locator("#restore-status").innerText(), /確認済み/);
  assert.match(await page.locator("#restore-duration").innerText(), /秒|分/);
  const history = await page.locator("#history-table").innerText();
  for (const kind of ["バックアップ", "復元テスト", "世代整理"]) assert.ok(history.includes(kind), `${kind} in ${history}`);
  await page.screenshot({ path: join(artifacts, "backups-job.png"), fullPage: true });

  await page.goto(`${server.base}/`);
  const mine = cardLine(page, SYSTEM);
  assert.equal(await mine.getAttribute("class"), "ok");
  assert.match(await mine.innerText(), /確認済み[\s\S]*最終復元確認: \d{4}-\d{2}-\d{2} \d{2}:\d{2}[\s\S]*復元所要時間/);

  // The annual report for the hospital: a printable page and a PDF that names the systems.
  await page.goto(`${server.base}/backups`);
  await page.getByRole("link", { name: "年次バックアップ報告" }).click();
  await page.getByLabel("施設").selectOption({ label: "みなと総合病院" });
  await page.getByRole("button", { name: "表示" }).click();
  await page.locator("#document").waitFor();
  const sheet = await page.locator("#document").innerText();
  for (const name of [SYSTEM, "PACS・画像", "医事会計・レセプト"]) assert.ok(sheet.includes(name), `${name} in the report`);
  assert.match(sheet, /バックアップ実施状況報告書/);
  await page.screenshot({ path: join(artifacts, "backups-report.png"), fullPage: true });
  await page.emulateMedia({ media: "print" });
  assert.ok(!(await page.locator("header.top").isVisible()), "no menu in print");
  assert.ok(!(await page.locator("#report-form").isVisible()), "no form in print");
  assert.ok(await page.locator("#document").isVisible());
  await page.emulateMedia({ media: "screen" });

  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#pdf-link").click()]);
  const path = join(artifacts, "backups-report.pdf");
  await download.saveAs(path);
  assert.equal(readFileSync(path).subarray(0, 5).toString(), "%PDF-");
  const text = execFileSync("pdftotext", ["-enc", "UTF-8", path, "-"], { encoding: "utf8" });
  for (const name of [SYSTEM, "PACS・画像", "医事会計・レセプト", "みなと総合病院"]) {
    assert.ok(text.includes(name), `${name} in the PDF:\n${text.slice(0, 2000)}`);
  }
  await context.close();
});

test("the backup pages fit a tablet", async () => {
  const context = await chrome.newContext({ locale: "ja-JP", viewport: { width: 768, height: 1024 }, hasTouch: true });
  const page = await context.newPage();
  await login(page);
  await page.goto(`${server.base}/backups`);
  const job = await page.locator("table.backups tbody a").first().getAttribute("href");
  for (const path of ["/", "/backups", "/backups/new", job, `${job}/edit`, "/backups/report?facility=1&fy=2026"]) {
    await page.goto(`${server.base}${path}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${path} overflows a tablet screen by ${overflow}px`);
  }
  assert.match(await page.locator("#document").innerText(), /みなと総合病院/, "the report was on the page measured");
  await page.screenshot({ path: join(artifacts, "backups-report-tablet.png"), fullPage: false });
  await context.close();
});
