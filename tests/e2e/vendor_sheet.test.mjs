// The vendor sheet (事業者確認用) in the browser, on the demo hospital group: the administrator
// makes a one-time link for the hospital's EMR vendor; a fresh browser with no login opens it,
// sees only the vendor items, is told beside 目標日 when a target falls after the fiscal year,
// and sends the answers; the hospital's vendor page then shows them with the vendor's name and
// the time; opening the link again is refused.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { artifacts, browser, dataDir, demo } from "./support.mjs";

let server, chrome;
const VENDOR = "株式会社なにわメディカルシステムズ";

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  server = await demo(dataDir());
  chrome = await browser();
});

after(async () => {
  await chrome?.close();
  server?.stop();
});

test("a vendor answers the hospital's vendor sheet through a one-time link", async () => {
  const staff = await chrome.newContext({ locale: "ja-JP", viewport: { width: 1280, height: 900 } });
  const page = await staff.newPage();
  await page.goto(`${server.base}/login`);
  await page.getByLabel("メールアドレス").fill("admin@minato.example.jp");
  await page.getByLabel("パスワード").fill(server.password);
  await page.getByRole("button", { name: "ログイン" }).click();
  await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();

  // From the hospital's checklist to its vendor sheets.
  await page.getByRole("link", { name: "チェックリスト" }).click();
  await page.locator("#facility").selectOption({ label: "みなと総合病院" });
  await page.getByRole("button", { name: "表示", exact: true }).click();
  await page.locator("#vendor-sheets-link").click();
  await page.getByRole("heading", { name: "事業者確認用（ベンダーへの依頼）", level: 1 }).waitFor();
  const vendorsPage = page.url();
  assert.match(vendorsPage, /\/readiness\/vendors\?facility=\d+/);
  const section = page.locator(`section.vendor[data-vendor="${VENDOR}"]`);
  assert.match(await section.locator(".vcount").innerText(), /回答済み 0\/\d+/);
  await section.getByRole("button", { name: "回答リンクを作成" }).click();
  const url = await page.locator("#new-link-url").inputValue();
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/vendor-sheet\/[A-Za-z0-9_-]{43}$/);
  const made = page.locator(`section.vendor[data-vendor="${VENDOR}"]`);
  assert.match(await made.locator(".vlinks").innerText(), /回答待ち/);

  // A fresh browser, no login: the link opens the vendor items only.
  const vendor = await chrome.newContext({ locale: "ja-JP", viewport: { width: 1280, height: 900 } });
  const v = await vendor.newPage();
  const opened = await v.goto(url);
  assert.equal(opened.status(), 200);
  assert.match(await v.locator("#vendor-sheet-name").innerText(), /みなと総合病院 — .+（事業者確認用）/);
  assert.equal(await v.locator("#vendor-name").innerText(), VENDOR);
  const items = v.locator("fieldset.ritem");
  const total = await items.count();
  assert.ok(total >= 10, `${total} items`);
  await v.getByLabel("回答者のお名前").fill("山田 太郎");
  for (let i = 0; i < total; i++) await items.nth(i).getByLabel("はい", { exact: true }).check();
  const mds = v.locator('[data-item="ops.mds_sds"]');
  const [, , end] = (await mds.locator(".hint").innerText()).match(/(\d{4}-\d{2}-\d{2})〜(\d{4}-\d{2}-\d{2})/);
  const after = new Date(`${end}T00:00:00Z`);
  after.setUTCDate(after.getUTCDate() + 1);
  await mds.getByLabel("いいえ", { exact: true }).check();
  await mds.getByLabel("目標日").fill(after.toISOString().slice(0, 10));
  await mds.getByLabel("根拠・メモ").fill("次回の保守契約更新時に提出");
  await v.getByRole("button", { name: "回答を送信" }).click();

  // Refused beside 目標日; what was typed is kept.
  await v.locator("#form-errors").waitFor();
  const refused = v.locator('[data-item="ops.mds_sds"]');
  assert.match(await refused.locator("#target-ops-mds_sds-err").innerText(), new RegExp(`〜${end}の日付を入力してください`));
  assert.equal(await refused.getByLabel("目標日").getAttribute("aria-invalid"), "true");
  assert.equal(await refused.getByLabel("根拠・メモ").inputValue(), "次回の保守契約更新時に提出");
  assert.equal(await v.getByLabel("回答者のお名前").inputValue(), "山田 太郎");
  assert.equal(await v.locator(".ferr").count(), 1);
  await v.screenshot({ path: join(artifacts, "vendor-sheet-refused.png") });

  await refused.getByLabel("目標日").fill(end);
  await v.getByRole("button", { name: "回答を送信" }).click();
  await v.getByRole("heading", { name: "回答を受け付けました" }).waitFor();

  // The link is used up.
  const again = await v.goto(url);
  assert.equal(again.status(), 410);
  await v.getByRole("heading", { name: "このリンクは使えません" }).waitFor();
  assert.match(await v.locator("#vendor-message").innerText(), /既に回答が送信されています/);
  await vendor.close();

  // The hospital's vendor page: every answer with the vendor's name and the time.
  // (Not a reload: that would post the link form again.)
  await page.goto(vendorsPage);
  const back = page.locator(`section.vendor[data-vendor="${VENDOR}"]`);
  assert.match(await back.locator(".vcount").innerText(), new RegExp(`回答済み ${total}/${total}`));
  const row = await back.locator('.vanswers tr[data-item="ops.mds_sds"]').innerText();
  assert.match(row, /いいえ/);
  assert.match(row, new RegExp(end));
  assert.match(row, /山田 太郎（事業者）（\d{4}-\d{2}-\d{2} \d{2}:\d{2}）/);
  assert.match(await back.locator(".vlinks").innerText(), /回答済み: 山田 太郎（事業者）/);
  assert.equal(await back.locator(".vlinks tbody tr").count(), 1, "one link was made");
  assert.equal(await back.locator("#new-link-url").count(), 0, "the link is not shown again");
  await back.screenshot({ path: join(artifacts, "vendor-sheet-answered.png") });
  await staff.close();
});
