// Training in the browser, on the demo hospital group: from the checklist the administrator
// opens the demo hospital's training page and sees the requirements of a 400-bed hospital
// with their source and everyone overdue; a session without attendees is refused beside the
// attendees field (the typing kept); the session recorded with the administrator attending
// and a quiz score is listed and the overdue list shrinks; the manager recorded here turns the
// checklist's 1-① proposal to はい with the manager's name.
import assert from "node:assert/strict";
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

const overdue = async (page) => Number((await page.locator("#overdue-count").innerText()).match(/期限切れ (\d+)/)[1]);

test("the demo hospital's training: requirements, a refused session, a recorded one, the manager", async () => {
  const context = await chrome.newContext({ locale: "ja-JP", viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${server.base}/login`);
  await page.getByLabel("メールアドレス").fill("admin@minato.example.jp");
  await page.getByLabel("パスワード").fill(server.password);
  await page.getByRole("button", { name: "ログイン" }).click();
  await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();

  await page.getByRole("link", { name: "チェックリスト" }).click();
  await page.locator("#facility").selectOption({ label: "みなと総合病院" });
  await page.getByRole("button", { name: "表示", exact: true }).click();
  await page.locator("#training-link").click();
  await page.getByRole("heading", { name: "安全管理責任者と研修", level: 1 }).waitFor();

  // A 400-bed hospital: the dedicated manager and yearly training, with their source.
  const req = await page.locator("#requirements").innerText();
  assert.match(req, /みなと総合病院（400床）/);
  assert.match(req, /専任の医療情報システム安全管理責任者を置く/);
  assert.match(req, /年1回程度、情報セキュリティ研修/);
  assert.match(req, /診療録管理体制加算/);
  const before = await overdue(page);
  assert.ok(before >= 1, `${before} overdue`);
  await page.locator("#overdue li").first().waitFor();

  // No attendee: refused beside the attendees field, the title kept.
  const today = new Date(Date.now() + 9 * 3600 * 1000).toISOString().slice(0, 10);
  await page.getByLabel("実施日").fill(today);
  await page.getByLabel("研修名").fill("ランサムウェア対策研修");
  await page.getByLabel("教材のリンク").fill("https://example.jp/ransomware-slides");
  await page.getByLabel("小テスト").fill("不審なメールの添付は？ | 開く | *開かずに報告する\nVPN装置の更新は？ | *すぐ適用する | 放置する");
  await page.getByRole("button", { name: "研修を保存" }).click();
  await page.locator("#attendees-err").waitFor();
  assert.match(await page.locator("#form-errors").innerText(), /出席者/);
  assert.equal(await page.getByLabel("研修名").inputValue(), "ランサムウェア対策研修");

  // With the administrator attending, scoring 2 of 2.
  const admin = page.locator("#attendees .attendee-row").filter({ hasText: "システム管理者" });
  await admin.getByRole("checkbox").check();
  await admin.getByRole("spinbutton").fill("2");
  await page.getByRole("button", { name: "研修を保存" }).click();
  await page.waitForURL(/done=saved/);
  const session = await page.locator("#sessions .tsession").first().innerText();
  assert.match(session, /ランサムウェア対策研修/);
  assert.match(session, /システム管理者 2\/2/);
  assert.equal(await overdue(page), before - 1, "the overdue list shrinks");

  // The manager, then the checklist's 1-① reads it.
  await page.getByLabel("責任者（利用者から選ぶ）").selectOption({ label: "システム管理者" });
  await page.getByLabel("専任・兼任").selectOption("はい");
  await page.getByRole("button", { name: "責任者を保存" }).click();
  await page.waitForURL(/done=saved/);
  assert.match(await page.locator("#manager-name").innerText(), /システム管理者（専任/);
  await page.screenshot({ path: join(artifacts, "training.png"), fullPage: true });
  await page.getByRole("link", { name: "チェックリストへ" }).click();
  const manager = await page.locator('[data-item="governance.manager"] .proposal').innerText();
  assert.match(manager, /安全管理責任者として システム管理者（専任）が記録されています/);
  await context.close();
});
