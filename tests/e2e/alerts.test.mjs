// Detection alerts in the browser: an operator reads a facility's Security log into alerts with
// `mamoru ingest` and a Sigma rule written here; a manager sees them on the dashboard's card,
// opens the backup server's alert, marks it a false positive for that computer (with the
// keyboard), finds it gone from the open list and its suppression rule listed, and the next
// ingest of the same log is silenced by that rule. Also the pages on a tablet.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { artifacts, browser, dataDir, field, mamoru, serve } from "./support.mjs";

const ORG = "みなと医療法人";
const FACILITY = "みなと総合病院";
const RULE = "Windows Security Log Cleared";

let server, chrome, dir, manager, ingest;

/** A Security-log record in evtx_dump's JSON shape. */
function record(computer, eventId, minutesAgo, data) {
  const time = new Date(Date.now() - minutesAgo * 60_000).toISOString();
  return JSON.stringify({
    Event: {
      System: {
        Provider: { "#attributes": { Name: "Microsoft-Windows-Eventlog" } },
        EventID: eventId,
        TimeCreated: { "#attributes": { SystemTime: time } },
        Channel: "Security",
        Computer: computer,
      },
      UserData: { LogFileCleared: data },
    },
  });
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  dir = dataDir();
  mamoru(dir, "org", "add", ORG);
  const out = mamoru(dir, "user", "add", "--org", ORG, "--email", "manager@minato.example.jp", "--role", "manager");
  manager = { email: "manager@minato.example.jp", password: field(out, "password") };
  const register = join(dir, "register.csv");
  writeFileSync(register, `施設,名称,種別\n${FACILITY},バックアップサーバ,サーバ\n`);
  mamoru(dir, "inventory", "import", register, "--org", ORG);

  const rules = join(dir, "rules");
  mkdirSync(rules);
  writeFileSync(
    join(rules, "win_security_log_cleared.yml"),
    [
      `title: ${RULE}`,
      "id: 7d3f0a4e-1b2c-4d5e-8f90-a1b2c3d4e5f6",
      "status: experimental",
      "tags:",
      "    - attack.defense-evasion",
      "    - attack.t1070.001",
      "logsource:",
      "    product: windows",
      "    service: security",
      "detection:",
      "    selection:",
      "        EventID: 1102",
      "        Provider_Name: Microsoft-Windows-Eventlog",
      "        SubjectDomainName|startswith: MINATO",
      "    condition: selection",
      "level: high",
      "",
    ].join("\n"),
  );
  const log = join(dir, "security.jsonl");
  writeFileSync(
    log,
    [
      record("BACKUP-SV01.minato.local", 1102, 90, { SubjectUserName: "backup_svc", SubjectDomainName: "MINATO" }),
      record("BACKUP-SV01.minato.local", 1102, 60, { SubjectUserName: "backup_svc", SubjectDomainName: "MINATO" }),
      record("DC01.minato.local", 1102, 30, { SubjectUserName: "admin", SubjectDomainName: "MINATO<script>alert(1)</script>" }),
      record("DC01.minato.local", 4624, 20, {}),
    ].join("\n") + "\n",
  );
  ingest = () => JSON.parse(mamoru(dir, "ingest", log, "--rules", rules, "--facility", FACILITY, "--org", ORG, "--format", "json"));
  const first = ingest();
  assert.equal(first.detections, 3, `three log clearings: ${JSON.stringify(first)}`);
  assert.equal(first.alerts_created, 2, "one alert per computer");
  server = await serve(dir);
  chrome = await browser();
});

after(async () => {
  await chrome?.close();
  server?.stop();
});

async function login(page) {
  await page.goto(`${server.base}/login`);
  await page.getByLabel("メールアドレス").fill(manager.email);
  await page.getByLabel("パスワード").fill(manager.password);
  await page.getByRole("button", { name: "ログイン" }).click();
  await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
}

test("a manager marks the backup server's log clearing a false positive for that computer", async () => {
  const context = await chrome.newContext({ locale: "ja-JP", viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await login(page);

  const card = page.locator("#alert-panel");
  await card.getByRole("heading", { name: "検知アラート" }).waitFor();
  assert.match(await card.locator('a[href="/alerts?level=high"]').innerText(), /^2\s+高$/);
  assert.equal(await card.locator("tbody tr").count(), 2);
  assert.ok(await page.locator("#vpn-panel").isVisible(), "the VPN panel stays");
  await page.screenshot({ path: join(artifacts, "alerts-dashboard.png"), fullPage: true });

  await page.getByRole("navigation", { name: "メニュー" }).getByRole("link", { name: "検知アラート" }).click();
  await page.getByRole("heading", { name: "検知アラート", level: 1 }).waitFor();
  const rows = page.locator("table.alerts tbody tr");
  assert.equal(await rows.count(), 2);
  const backup = rows.filter({ hasText: "BACKUP-SV01" });
  assert.match(await backup.innerText(), /高[\s\S]*未確認[\s\S]*みなと総合病院[\s\S]*\b2\b/);
  await backup.getByRole("link", { name: RULE }).click();

  await page.getByRole("heading", { name: new RegExp(RULE) }).waitFor();
  assert.equal(await page.locator("#alert-status").innerText(), "未確認");
  assert.ok(await page.getByRole("link", { name: "T1070.001" }).isVisible());
  assert.match(await page.locator("table.details").innerText(), /EventID\s+1102/);

  // Without a reason the form says what is missing, next to the field.
  const fp = page.locator("#fp-form");
  await fp.locator("button[type=submit]").click();
  await fp.locator("#reason-err").waitFor();
  assert.equal(await fp.locator("#reason-err").innerText(), "入力してください");
  assert.equal(await fp.locator("#fp-reason").getAttribute("aria-invalid"), "true");

  // The keyboard alone: choose the computer, Tab to the reason, type it, submit with Enter.
  await fp.getByLabel(/このコンピュータでだけ/).focus();
  await page.keyboard.press("Space");
  assert.ok(await fp.getByLabel(/このコンピュータでだけ/).isChecked());
  for (let i = 0; i < 6 && (await page.evaluate(() => document.activeElement.id)) !== "fp-reason"; i++) {
    await page.keyboard.press("Tab");
  }
  assert.equal(await page.evaluate(() => document.activeElement.id), "fp-reason", "Tab reaches the reason");
  await page.keyboard.type("バックアップソフトが毎晩ログを退避して消去する（保守業者に確認済み）");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "誤検知として記録し、抑制する");
  await page.keyboard.press("Enter");
  await page.getByText("誤検知として記録し、抑制ルールを追加しました。").waitFor();
  assert.equal(await page.locator("#alert-status").innerText(), "誤検知");
  assert.match(await page.locator("ol.history").innerText(), /manager@minato\.example\.jp: 未確認 → 誤検知[\s\S]*毎晩ログを退避/);
  await page.screenshot({ path: join(artifacts, "alerts-detail.png"), fullPage: true });

  await page.goto(`${server.base}/alerts`);
  const open = await page.locator("main").innerText();
  assert.ok(!open.includes("BACKUP-SV01") && open.includes("DC01"), `only the domain controller is open: ${open}`);
  assert.match(open, /1件/);
  await page.screenshot({ path: join(artifacts, "alerts-list.png"), fullPage: true });

  // The log value from the domain controller is text, not markup.
  await page.getByRole("link", { name: RULE }).click();
  assert.match(await page.locator("table.details").innerText(), /<script>alert\(1\)<\/script>/);

  await page.goto(`${server.base}/alerts`);
  await page.getByRole("link", { name: "抑制ルール" }).click();
  await page.getByRole("heading", { name: "抑制ルール" }).waitFor();
  const rule = page.locator("table.suppressions tbody tr");
  assert.equal(await rule.count(), 1);
  assert.match(await rule.innerText(), /BACKUP-SV01\.minato\.local[\s\S]*保守業者に確認済み[\s\S]*manager@minato\.example\.jp/);

  // The same log read again: the backup server's clearings are only counted.
  const again = ingest();
  assert.equal(again.suppressed, 2, JSON.stringify(again));
  assert.equal(again.alerts_created, 0);
  await page.reload();
  assert.match(await rule.locator("td.num").innerText(), /^2$/);
  await page.screenshot({ path: join(artifacts, "alerts-suppressions.png"), fullPage: true });
  await context.close();
});

test("the alert pages fit a tablet and read in English", async () => {
  const context = await chrome.newContext({ viewport: { width: 768, height: 1024 }, hasTouch: true });
  const page = await context.newPage();
  await login(page);
  await page.goto(`${server.base}/alerts?status=all`);
  const href = await page.locator("table.alerts a").first().getAttribute("href");
  for (const path of ["/", "/alerts", "/alerts?status=all", href, "/alerts/suppressions"]) {
    await page.goto(`${server.base}${path}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${path} overflows a tablet screen by ${overflow}px`);
  }
  await page.goto(`${server.base}${href}`);
  await page.screenshot({ path: join(artifacts, "tablet-alert.png"), fullPage: true });
  await page.getByRole("link", { name: "English" }).click();
  await page.getByRole("heading", { name: "Rule" }).waitFor();
  await page.goto(`${server.base}/alerts`);
  await page.getByRole("heading", { name: "Detection alerts", level: 1 }).waitFor();
  await context.close();
});
