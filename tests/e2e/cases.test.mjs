// Incident response in the browser, on the demo hospital group: the administrator opens a case
// from the FortiGate alert (the form comes prefilled), ticks a first-hour item, records a call
// to the first contact of the chain, runs the breach-report wizard (ransomware, patient records,
// 1,200 people) and sees the three deadlines with the 60-day rule, writes the overview once and
// finds it in the PPC report, whose PDF downloads. Also: awareness before occurrence is refused
// next to the field, and the document page prints without menus and forms.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { artifacts, browser, dataDir, demo } from "./support.mjs";

const OVERVIEW = "2026年11月、VPN装置の脆弱性を悪用した不正アクセスによりランサムウェアに感染し、電子カルテが停止した。";

let server, chrome, admin;

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

test("a case from an alert to the PPC report's PDF", async () => {
  const context = await chrome.newContext({ locale: "ja-JP", viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await login(page);

  // From the alert: the form comes prefilled with the alert's rule and computer.
  await page.goto(`${server.base}/alerts?status=all&q=MINATO-FGT60E`);
  await page.locator("table.alerts tbody a").first().click();
  await page.getByRole("link", { name: "事案を登録" }).click();
  await page.getByRole("heading", { name: "事案を登録", level: 1 }).waitFor();
  const title = await page.getByLabel(/^件名/).inputValue();
  assert.match(title, /MINATO-FGT60E/);
  assert.notEqual(await page.getByLabel(/^覚知日時/).inputValue(), "", "awareness is prefilled with now");
  await page.getByRole("button", { name: "事案を登録する" }).click();
  await page.getByText("登録しました。").waitFor();
  assert.match(page.url(), /\/cases\/\d+\?done=created/);
  const caseUrl = page.url().replace(/\?.*$/, "");
  assert.equal(await page.locator("#case-status").innerText(), "初動対応");
  assert.match(await page.locator("#appi-decision").innerText(), /報告義務の判定前/);
  assert.equal(await page.locator("#deadlines li").count(), 3, "deadlines show before the wizard");

  // The first hour: tick the first item; it goes on the timeline with the time.
  const first = page.locator("section:has(#first-hour) ol.checklist li").first();
  await first.getByRole("button", { name: /^済み/ }).click();
  await page.locator("section:has(#first-hour) ol.checklist li.done").first().waitFor();
  assert.match(await page.locator("section:has(#first-hour) ol.checklist li").first().innerText(), /実施済み/);
  assert.match(await page.locator("ol.timeline").innerText(), /初動チェック[\s\S]*ネットワークから切り離す/);

  // The contact chain: one click records the call; the phone number is a tel: link.
  const contact = page.locator("section:has(#contacts) table.chain tbody tr").first();
  const name = (await contact.locator("td strong").first().innerText()).trim();
  const phone = contact.locator('a[href^="tel:"]');
  if (await phone.count()) assert.equal(await phone.getAttribute("href"), `tel:${await phone.innerText()}`);
  await contact.getByRole("button", { name: "電話した" }).click();
  await page.getByText("保存しました。").waitFor();
  assert.match(await page.locator("ol.timeline").innerText(), new RegExp(`電話した: ${name}`));

  // The wizard: occurred, patient records, ransomware, 1,200 people.
  await page.getByRole("link", { name: "報告義務を判定する" }).click();
  await page.getByRole("heading", { name: "報告義務の判定" }).waitFor();
  await page.getByLabel("発生した", { exact: true }).check();
  await page.locator("#q-sensitive").getByLabel("はい").check();
  await page.locator("#q-improper_purpose").getByLabel("はい").check();
  await page.getByLabel("本人の数（分かれば）").fill("1200");
  await page.screenshot({ path: join(artifacts, "cases-wizard.png"), fullPage: true });
  await page.getByRole("button", { name: "判定する" }).click();
  await page.locator("#appi-decision").waitFor();
  const decision = await page.locator("#appi-decision").innerText();
  assert.match(decision, /報告対象/);
  for (const c of ["1号", "3号", "4号"]) assert.ok(decision.includes(c), `${c} in ${decision}`);
  assert.ok(!decision.includes("2号"), decision);
  const deadlines = page.locator("#deadlines li");
  assert.equal(await deadlines.count(), 3);
  const final = await page.locator("#deadline-final").innerText();
  assert.match(final, /確報/);
  assert.match(final, /60/, `the final report follows the 60-day rule: ${final}`);
  assert.match(final, /\d{4}-\d{2}-\d{2}（[月火水木金]）/, "a weekday, never a closed day");
  assert.match(final, /(5[89]|6\d)日目/, final);
  assert.match(await page.locator("#deadline-rules").textContent(), /60日目/);
  await page.screenshot({ path: join(artifacts, "cases-detail.png"), fullPage: true });

  // The overview, written once on the case.
  await page.locator("#fact-overview").fill(OVERVIEW);
  await page.getByRole("button", { name: "記載事項を保存" }).click();
  await page.getByText("保存しました。").waitFor();

  // The PPC report shows it, lists what is still missing, and downloads as a PDF.
  await page.locator("section:has(#documents)").getByRole("link", { name: "個人情報保護委員会への漏えい等報告" }).click();
  await page.locator("#document").waitFor();
  assert.ok((await page.locator("#document").innerText()).includes(OVERVIEW), "the overview is in the report");
  assert.match(await page.locator("#missing").innerText(), /未記入の項目/);
  assert.equal(await page.locator("#edit-overview").inputValue(), OVERVIEW);
  await page.screenshot({ path: join(artifacts, "cases-document.png"), fullPage: true });

  // Printed, the page is the document alone.
  await page.emulateMedia({ media: "print" });
  assert.ok(!(await page.locator("header.top").isVisible()), "no menu in print");
  assert.ok(!(await page.locator("#doc-form").isVisible()), "no form in print");
  assert.ok(await page.locator("#document").isVisible());
  await page.emulateMedia({ media: "screen" });

  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#pdf-link").click()]);
  const path = join(artifacts, "cases-ppc-report.pdf");
  await download.saveAs(path);
  const pdf = await page.request.get(await page.locator("#pdf-link").evaluate((a) => a.href));
  assert.equal(pdf.status(), 200);
  assert.match(pdf.headers()["content-type"], /application\/pdf/);
  const bytes = await pdf.body();
  assert.equal(bytes.subarray(0, 5).toString(), "%PDF-");
  assert.ok(bytes.length > 10_000, `the PDF has ${bytes.length} bytes`);
  assert.match(download.suggestedFilename(), /\.pdf$/);

  // The text download has the overview too.
  const text = await page.request.get(`${caseUrl}/documents/ppc_report.txt`);
  assert.ok((await text.text()).includes(OVERVIEW));
  await context.close();
});

test("awareness before occurrence is refused next to the field", async () => {
  const context = await chrome.newContext({ locale: "ja-JP" });
  const page = await context.newPage();
  await login(page);
  await page.goto(`${server.base}/cases/new`);
  await page.getByLabel(/^件名/).fill("受付PCに脅迫文");
  await page.getByLabel(/^施設/).selectOption({ label: "みなと総合病院" });
  await page.getByLabel("発生日時").fill("2026-11-20T10:00");
  await page.getByLabel(/^覚知日時/).fill("2026-11-20T09:00");
  await page.getByRole("button", { name: "事案を登録する" }).click();
  await page.locator("#aware-err").waitFor();
  assert.equal(await page.locator("#aware-err").innerText(), "発生日時より前の日時は入力できません");
  assert.match(await page.locator("#form-errors").innerText(), /覚知日時: 発生日時より前/);
  assert.equal(await page.getByLabel(/^覚知日時/).getAttribute("aria-invalid"), "true");
  assert.equal(await page.getByLabel(/^件名/).inputValue(), "受付PCに脅迫文", "the typing is kept");
  await context.close();
});

test("the case pages fit a tablet", async () => {
  const context = await chrome.newContext({ locale: "ja-JP", viewport: { width: 768, height: 1024 }, hasTouch: true });
  const page = await context.newPage();
  await login(page);
  await page.goto(`${server.base}/cases?status=all`);
  const href = await page.locator("table.cases tbody a").first().getAttribute("href");
  for (const path of ["/", "/cases", "/cases/new", href, `${href}/appi`, `${href}/documents/ppc_report`]) {
    await page.goto(`${server.base}${path}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${path} overflows a tablet screen by ${overflow}px`);
  }
  await context.close();
});
