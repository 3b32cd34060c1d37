// The browser scenario: log in with a TOTP code, import a Shift_JIS register, see the
// assets in Japanese, edit one, find the audit entry, and check that another organisation's
// user cannot open it. Also keyboard-only login and a tablet-sized layout.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { artifacts, browser, dataDir, field, fixtures, mamoru, serve, totp } from "./support.mjs";

let server, chrome, dir, a, b;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  dir = dataDir();
  mamoru(dir, "org", "add", "みなと医療法人");
  mamoru(dir, "org", "add", "さくら医療法人");
  const outA = mamoru(dir, "user", "add", "--org", "みなと医療法人", "--email", "admin@minato.example.jp", "--role", "admin", "--totp");
  a = { email: "admin@minato.example.jp", password: field(outA, "password"), secret: field(outA, "totp secret") };
  const outB = mamoru(dir, "user", "add", "--org", "さくら医療法人", "--email", "admin@sakura.example.jp", "--role", "admin");
  b = { email: "admin@sakura.example.jp", password: field(outB, "password") };
  server = await serve(dir);
  chrome = await browser();
});

after(async () => {
  await chrome?.close();
  server?.stop();
});

async function login(page, user) {
  await page.goto(`${server.base}/login`);
  await page.getByLabel("メールアドレス").fill(user.email);
  await page.getByLabel("パスワード").fill(user.password);
  await page.getByRole("button", { name: "ログイン" }).click();
}

test("TOTP login, Shift_JIS import, edit, audit, and another organisation locked out", async () => {
  const context = await chrome.newContext({ locale: "ja-JP" });
  const page = await context.newPage();

  await login(page, a);
  await page.waitForURL("**/login/totp**");
  await page.getByLabel("確認コード").fill("000000");
  await page.getByRole("button", { name: "確認" }).click();
  await assert.doesNotReject(page.getByText("確認コードが違うか").waitFor(), "a wrong code is refused");
  await page.getByLabel("確認コード").fill(totp(a.secret));
  await page.getByRole("button", { name: "確認" }).click();
  await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();

  await page.goto(`${server.base}/assets/import`);
  await page.getByLabel(/^ファイル/).setInputFiles(join(fixtures, "minato_ja_sjis.csv"));
  await page.getByRole("button", { name: "内容を確認" }).click();
  const summary = page.locator("#import-summary");
  await summary.waitFor();
  assert.match(await page.locator(".fields").innerText(), /Shift_JIS/);
  assert.match(await summary.innerText(), /新規登録: 9/);
  await page.getByRole("button", { name: "取り込む" }).click();
  await page.locator("#import-done").waitFor();

  await page.goto(`${server.base}/assets`);
  const table = page.locator("table.assets");
  for (const text of ["本館VPN装置", "VPN装置", "電子カルテサーバ", "電子カルテ", "みなと総合病院", "さくら内科クリニック", "医療機器"]) {
    assert.ok((await table.innerText()).includes(text), `the list shows ${text}`);
  }
  await page.screenshot({ path: join(artifacts, "assets.png"), fullPage: true });

  await page.getByRole("link", { name: "本館VPN装置" }).click();
  const assetUrl = page.url();
  await page.getByRole("link", { name: "編集" }).click();
  await page.getByLabel("バージョン").fill("6.0.18");
  await page.getByRole("button", { name: "保存" }).click();
  await page.getByText("保存しました。").waitFor();
  assert.match(await page.locator("dl.fields").innerText(), /6\.0\.18/);

  await page.goto(`${server.base}/audit?entity=asset`);
  const entry = page.locator("ol.audit > li").first();
  assert.match(await entry.innerText(), /資産の更新/);
  assert.equal(await entry.locator("td.before").first().innerText(), "6.0.4");
  assert.equal(await entry.locator("td.after").first().innerText(), "6.0.18");
  assert.match(await entry.innerText(), /admin@minato\.example\.jp/);
  await page.screenshot({ path: join(artifacts, "audit.png"), fullPage: true });
  await context.close();

  const other = await chrome.newContext();
  const page2 = await other.newPage();
  await login(page2, b);
  await page2.getByRole("heading", { name: "ダッシュボード" }).waitFor();
  const res = await page2.goto(assetUrl);
  assert.equal(res.status(), 404, "another organisation's asset is not found");
  assert.match(await page2.locator("main").innerText(), /ページが見つかりません/);
  await page2.goto(`${server.base}/assets`);
  assert.ok(!(await page2.locator("main").innerText()).includes("本館VPN装置"));
  await other.close();
});

test("login works with the keyboard alone, and pages fit a tablet", async () => {
  const context = await chrome.newContext({ viewport: { width: 768, height: 1024 }, hasTouch: true });
  const page = await context.newPage();
  await page.goto(`${server.base}/login`);
  // Typing before the browser applies autofocus would lose keys on a busy machine.
  await page.waitForFunction(() => document.activeElement?.id === "email");
  await page.keyboard.type(b.email);
  await page.keyboard.press("Tab");
  await page.keyboard.type(b.password);
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "本文へ移動", "the first Tab reaches the skip link");
  for (const path of ["/", "/assets", "/vulns", "/vulns/policy", "/facilities", "/contacts", "/users", "/audit", "/account"]) {
    await page.goto(`${server.base}${path}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${path} overflows a tablet screen by ${overflow}px`);
  }
  await page.screenshot({ path: join(artifacts, "tablet-account.png"), fullPage: true });
  await context.close();
});
