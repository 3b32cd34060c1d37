// MHLW's cybersecurity checklist in the browser, on the demo hospital group: the administrator
// opens the FY2025 checklist of the demo hospital and sees every group with Mamoru's proposals
// and their reasons; answering いいえ with a target date after the fiscal year is refused
// beside the 目標日 field (the form keeps what was typed); the corrected answer is saved and
// shown with its dates and who answered, in `readiness report` and on the sheet for printing;
// both pages print without menus and forms.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { artifacts, browser, dataDir, demo, mamoru } from "./support.mjs";

let server, chrome, dir;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  dir = dataDir();
  server = await demo(dir);
  chrome = await browser();
});

after(async () => {
  await chrome?.close();
  server?.stop();
});

test("the demo hospital's FY2025 checklist: proposals, a refused target date, a saved answer", async () => {
  const context = await chrome.newContext({ locale: "ja-JP", viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${server.base}/login`);
  await page.getByLabel("メールアドレス").fill("admin@minato.example.jp");
  await page.getByLabel("パスワード").fill(server.password);
  await page.getByRole("button", { name: "ログイン" }).click();
  await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();

  // From the menu, then the hospital and FY2025 (令和7年度).
  await page.getByRole("link", { name: "チェックリスト" }).click();
  await page.getByRole("heading", { name: "サイバーセキュリティ対策チェックリスト", level: 1 }).waitFor();
  await page.locator("#facility").selectOption({ label: "みなと総合病院" });
  await page.locator("#fy").selectOption("2025");
  await page.getByRole("button", { name: "表示", exact: true }).click();
  await page.waitForURL(/fy=2025/);
  const head = await page.locator("#readiness-sheet").innerText();
  assert.match(head, /みなと総合病院 — 令和7年度（医療機関確認用）/);
  assert.match(await page.locator("#readiness-head").innerText(), /令和7年度版/);
  for (const group of ["体制構築", "医療情報システムの管理・運用", "インシデント発生に備えた対応"]) {
    await page.getByRole("heading", { name: group, level: 2 }).waitFor();
  }

  // Proposals with their reasons: the register (2-①) and the contact chart (3-①) are decided
  // from the demo's records; an item no rule answers says so.
  const ledger = page.locator('[data-item="ops.asset_ledger"]');
  const ledgerProposal = await ledger.locator(".proposal").innerText();
  assert.match(ledgerProposal, /はい|いいえ|判定不可/);
  assert.match(ledgerProposal, /台帳/);
  assert.ok((await ledger.locator(".evidence li").count()) > 0, "the register's counts are shown as evidence");
  const chart = await page.locator('[data-item="incident.contact_chart"] .proposal').innerText();
  assert.match(chart, /連絡/);
  assert.match(await page.locator('[data-item="ops.mds_sds"] .proposal').innerText(), /判定する規則はありません/);
  const total = Number((await page.locator("#readiness-counts").innerText()).match(/未回答 (\d+)\/(\d+)/)[2]);
  assert.ok(total >= 20, `${total} items`);
  assert.equal(await page.locator("article.ritem").count(), total);

  // いいえ with a target after the fiscal year: refused beside 目標日, the typed values kept.
  const mds = page.locator('[data-item="ops.mds_sds"]');
  await mds.getByLabel("いいえ").check();
  await mds.getByLabel("確認日").fill("2025-10-01");
  await mds.getByLabel("目標日").fill("2026-04-01");
  await mds.getByLabel("根拠・メモ").fill("保守契約の更新時に依頼");
  await mds.getByRole("button", { name: "回答を保存" }).click();
  await page.locator("#form-errors").waitFor();
  const refused = page.locator('[data-item="ops.mds_sds"]');
  const err = await refused.locator("#target-ops-mds_sds-err").innerText();
  assert.equal(err, "2025-04-01〜2026-03-31の日付を入力してください");
  assert.equal(await refused.getByLabel("目標日").getAttribute("aria-invalid"), "true");
  assert.equal(await refused.getByLabel("目標日").inputValue(), "2026-04-01");
  assert.equal(await refused.getByLabel("根拠・メモ").inputValue(), "保守契約の更新時に依頼");
  assert.match(await refused.locator(".saved").innerText(), /未回答/, "nothing was saved");
  assert.equal(await page.locator(".ferr").count(), 1, "only the refused field shows an error");
  await page.screenshot({ path: join(artifacts, "readiness-refused.png"), fullPage: false });

  // The last day of the fiscal year is accepted; the answer is shown with who gave it.
  await refused.getByLabel("目標日").fill("2026-03-31");
  await refused.getByRole("button", { name: "回答を保存" }).click();
  await page.getByText("保存しました。").waitFor();
  assert.match(page.url(), /fy=2025.*#item-ops-mds_sds$/);
  const saved = await page.locator('[data-item="ops.mds_sds"] .saved').innerText();
  assert.match(saved, /回答\s+いいえ/);
  assert.match(saved, /確認日\s+2025-10-01/);
  assert.match(saved, /目標日\s+2026-03-31/);
  assert.match(saved, /保守契約の更新時に依頼/);
  assert.match(saved, /admin@minato\.example\.jp/);
  await page.locator('[data-item="ops.mds_sds"]').screenshot({ path: join(artifacts, "readiness-saved.png") });
  await ledger.screenshot({ path: join(artifacts, "readiness-proposal.png") });
  assert.match(await page.locator("#readiness-counts").innerText(), new RegExp(`未回答 ${total - 1}/${total}`));

  // The same answer is in the CLI's report for the year (one store, one view).
  const report = JSON.parse(
    mamoru(dir, "readiness", "report", "--facility", "みなと総合病院", "--fiscal-year", "2025", "--format", "json"),
  );
  const item = report.items.find((i) => i.id === "ops.mds_sds");
  assert.deepEqual([item.answer, item.confirmed, item.target], ["いいえ", "2025-10-01", "2026-03-31"]);
  assert.equal(report.items.length, total);

  // Printed, the sheet keeps the items and answers and drops the menu and the forms.
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator("nav").isVisible(), false);
  assert.equal(await page.locator("form.ranswer").first().isVisible(), false);
  assert.equal(await page.locator('[data-item="ops.mds_sds"] .saved').isVisible(), true);
  await page.emulateMedia({ media: "screen" });

  // The sheet for printing: one row per item as MHLW's form has it, the answer in its row.
  await page.getByRole("link", { name: "印刷用の表" }).click();
  await page.getByRole("heading", { name: "チェックリスト（印刷用）" }).waitFor();
  assert.equal(await page.locator("#sheet-facility").innerText(), "みなと総合病院");
  assert.match(await page.locator("#sheet").innerText(), /令和7年度版[\s\S]*医療機関確認用 ・ 令和7年度/);
  assert.equal(await page.locator("#sheet tr[data-item]").count(), total);
  const row = page.locator('#sheet tr[data-item="ops.mds_sds"]');
  assert.deepEqual(
    [await row.locator(".answer").innerText(), await row.locator(".confirmed").innerText(), await row.locator(".target").innerText()],
    ["いいえ", "2025-10-01", "2026-03-31"],
  );
  assert.equal(await page.locator('#sheet tr[data-item="ops.asset_ledger"] .answer').innerText(), "□はい □いいえ");
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator("nav").isVisible(), false);
  assert.equal(await page.getByRole("button", { name: "印刷" }).isVisible(), false);
  await page.pdf({ path: join(artifacts, "readiness-sheet.pdf"), preferCSSPageSize: true });
  await context.close();
});
