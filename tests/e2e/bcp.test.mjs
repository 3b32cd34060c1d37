// The BCP and a drill in the browser, on the demo: from the checklist the administrator opens
// the demo hospital's BCP (a draft) with every section of MHLW's template, the register's
// devices as the ledger, the backup table and, in red, the systems with no restore test;
// edits the recovery section and approves it; attaches a network diagram to section 3 (listed
// with its SHA-256); prints it (no forms, no menus); downloads the PDF whose text carries every
// heading and the diagram's name; starts a drill from the VPN scenario, adds a finding
// and a follow-up task and marks it done; the checklist's 3-③ now proposes はい.
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

const SECTIONS = [
  "概要",
  "1. 想定される影響",
  "2. 情報機器台帳",
  "3. ネットワーク構成図・システム構成図",
  "4. システムごとのリスクと代替手段",
  "5. バックアップ体制",
  "6. 復旧手順",
  "7. 外部への報告・連絡",
  "訓練の記録",
];

test("the demo hospital's BCP: edit, approve, print, PDF; a drill from the VPN scenario", async () => {
  const context = await chrome.newContext({ locale: "ja-JP", viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${server.base}/login`);
  await page.getByLabel("メールアドレス").fill("admin@minato.example.jp");
  await page.getByLabel("パスワード").fill(server.password);
  await page.getByRole("button", { name: "ログイン" }).click();
  await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();

  await page.getByRole("link", { name: "チェックリスト" }).click();
  await page.locator("#facility").selectOption({ label: "みなと総合病院" });
  await page.getByRole("button", { name: "表示", exact: true }).click();
  await page.locator("#bcp-link").click();
  await page.getByRole("heading", { name: "サイバー攻撃を想定したBCP", level: 1 }).waitFor();

  const doc = page.locator("#document");
  for (const h of SECTIONS) {
    assert.equal(await doc.locator(`section[data-heading="${h}"]`).count(), 1, `no section ${h}`);
  }
  assert.match(await doc.locator('section[data-heading="概要"]').innerText(), /下書き（未承認）/);
  assert.match(await doc.locator('section[data-heading="2. 情報機器台帳"]').innerText(), /本館VPN装置/);
  const backups = await doc.locator('section[data-heading="5. バックアップ体制"]').innerText();
  assert.match(backups, /電子カルテ[\s\S]*世代[\s\S]*最終復元テスト: \d{4}-\d{2}-\d{2}（所要/);
  // Each system's measured restore against its target; servers never restore-tested in red.
  const systems = doc.locator('section[data-heading="4. システムごとのリスクと代替手段"]');
  assert.match(await systems.innerText(), /目標復旧時間 4時間00分／最終復元テスト [\d-]+ 所要 [^【]+【目標内】/);
  assert.ok((await systems.locator("tr.bad").count()) >= 1, "an untested server in red");
  assert.match(await systems.locator("tr.bad").first().innerText(), /復元テストなし/);

  // Edit the recovery section and approve the BCP today.
  const today = new Date(Date.now() + 9 * 3600 * 1000).toISOString().slice(0, 10);
  await page.locator("#text-recovery").fill("1. 感染端末をLANから抜く（電源は切らない）\n2. 情報システム課 佐藤へ電話");
  await page.getByLabel("見直し（承認）日").fill(today);
  await page.getByLabel("承認者").fill("院長 山田 太郎");
  await page.getByRole("button", { name: "BCPを保存" }).click();
  await page.getByRole("heading", { name: "サイバー攻撃を想定したBCP", level: 1 }).waitFor();
  assert.match(await doc.locator('section[data-heading="6. 復旧手順"]').innerText(), /感染端末をLANから抜く/);
  assert.match(await doc.locator('section[data-heading="概要"]').innerText(), new RegExp(`第2版　${today} 承認（院長 山田 太郎）`));
  await page.screenshot({ path: join(artifacts, "bcp.png"), fullPage: false });

  // A network diagram attached to section 3: listed, and named with its SHA-256 in the document.
  const diagram = "院内ネットワーク構成図.png";
  await page.locator("#diagram-file").setInputFiles({ name: diagram, mimeType: "image/png", buffer: Buffer.from("PNG network diagram") });
  await page.getByRole("button", { name: "構成図を追加" }).click();
  await page.locator(`#diagrams tr[data-diagram="${diagram}"] a[download]`).waitFor();
  assert.match(await doc.locator('section[data-heading="3. ネットワーク構成図・システム構成図"]').innerText(), /院内ネットワーク構成図\.png[\s\S]*SHA-256 [0-9a-f]{64}/);

  // Printed: the document alone.
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator("nav").isVisible(), false);
  assert.equal(await page.locator("#bcp-form").isVisible(), false);
  assert.equal(await doc.isVisible(), true);
  await page.emulateMedia({ media: "screen" });

  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#pdf-link").click()]);
  const path = join(artifacts, "bcp.pdf");
  await download.saveAs(path);
  assert.match(download.suggestedFilename(), /^bcp-\d+\.pdf$/);
  const text = execFileSync("pdftotext", ["-enc", "UTF-8", path, "-"], { encoding: "utf8" }).replace(/\s+/g, "");
  for (const h of ["サイバー攻撃を想定した事業継続計画（BCP）", ...SECTIONS, "感染端末をLANから抜く", diagram]) {
    assert.ok(text.includes(h.replace(/\s+/g, "")), `the PDF lacks ${h}`);
  }

  // A drill from the VPN scenario.
  await page.getByRole("link", { name: "机上訓練" }).first().click();
  await page.getByRole("heading", { name: "机上訓練", level: 1 }).waitFor();
  assert.equal(await page.locator("#drills tbody tr").count(), 1, "the demo's past drill");
  await page.getByLabel(/VPN装置の脆弱性からのランサムウェア感染/).check();
  await page.getByLabel("参加者").fill("院長、事務長、情報システム課 佐藤");
  await page.getByRole("button", { name: "訓練を始める" }).click();
  await page.getByRole("heading", { name: "VPN装置の脆弱性からのランサムウェア感染", level: 1 }).waitFor();
  assert.match(await page.locator("#injects").innerText(), /オフラインの媒体/);

  await page.locator("#entry-at").fill("T+0");
  await page.locator("#entry-body").fill("夜勤から電子カルテが開かないと連絡");
  await page.getByRole("button", { name: "時系列に追加" }).click();
  await page.locator("#finding-body").fill("VPN装置の保守事業者の夜間連絡先が不明");
  await page.getByRole("button", { name: "課題を追加" }).click();
  assert.match(await page.locator("#findings").innerText(), /夜間連絡先が不明/);
  assert.match(await page.locator("#timeline").innerText(), /T\+0 夜勤から電子カルテが開かない/);

  // A task without a due date is refused beside the field; then recorded and marked done.
  await page.getByLabel("やること").fill("保守事業者の夜間連絡先を連絡体制図に追加");
  await page.getByLabel("担当", { exact: true }).fill("事務長");
  await page.getByRole("button", { name: "対応を追加" }).click();
  await page.locator("#due-err").waitFor();
  assert.equal(await page.getByLabel("やること").inputValue(), "保守事業者の夜間連絡先を連絡体制図に追加");
  await page.getByLabel("期限").fill(today);
  await page.getByRole("button", { name: "対応を追加" }).click();
  const task = page.locator("#tasks li", { hasText: "保守事業者の夜間連絡先を連絡体制図に追加" });
  await task.getByRole("button", { name: "完了にする" }).click();
  await page.locator("#tasks li", { hasText: "保守事業者の夜間連絡先を連絡体制図に追加" }).locator(".tag.ok").waitFor();
  await page.screenshot({ path: join(artifacts, "drill.png"), fullPage: true });

  // The checklist's 3-③ now proposes はい from the records.
  await page.goto(`${server.base}/readiness`);
  await page.locator("#facility").selectOption({ label: "みなと総合病院" });
  await page.getByRole("button", { name: "表示", exact: true }).click();
  assert.match(await page.locator("body").innerText(), /BCPが策定され（[\d-]+）、1年以内に訓練しています/);
  await context.close();
});
