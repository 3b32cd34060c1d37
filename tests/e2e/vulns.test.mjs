// Vulnerabilities in the browser: a register with an internet-facing FortiGate on FortiOS 6.0.4
// and the feeds for CVE-2018-13379 are imported with the command line, as an operator would;
// a manager sees the device at the top of the dashboard's VPN panel, opens the finding and
// records a mitigation.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { artifacts, browser, dataDir, field, mamoru, serve, vulnData } from "./support.mjs";

let server, chrome, manager;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  const dir = dataDir();
  mamoru(dir, "org", "add", "みなと医療法人");
  const out = mamoru(dir, "user", "add", "--org", "みなと医療法人", "--email", "manager@minato.example.jp", "--role", "manager");
  manager = { email: "manager@minato.example.jp", password: field(out, "password") };
  const register = join(dir, "register.csv");
  writeFileSync(
    register,
    "施設,名称,種別,メーカー,製品,バージョン,インターネット公開\n" +
      "みなと総合病院,本館VPN装置,VPN装置,Fortinet,FortiGate 60E,6.0.4,はい\n" +
      "みなと総合病院,外来受付PC,端末PC,NEC,Mate MKM32L,Windows 11 23H2,いいえ\n",
  );
  mamoru(dir, "inventory", "import", register, "--org", "みなと医療法人");
  mamoru(
    dir,
    "vuln",
    "import",
    "--format",
    "json",
    join(vulnData, "nvd-api-2.0/kev-vpn/CVE-2018-13379.json"),
    join(vulnData, "kev/known_exploited_vulnerabilities.json"),
  );
  server = await serve(dir);
  chrome = await browser();
});

after(async () => {
  await chrome?.close();
  server?.stop();
});

test("the VPN panel shows the FortiGate's known-exploited flaw first, and a manager records a mitigation", async () => {
  const context = await chrome.newContext({ locale: "ja-JP", viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${server.base}/login`);
  await page.getByLabel("メールアドレス").fill(manager.email);
  await page.getByLabel("パスワード").fill(manager.password);
  await page.getByRole("button", { name: "ログイン" }).click();
  await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();

  const panel = page.locator("#vpn-panel");
  await assert.doesNotReject(panel.getByRole("heading", { name: "VPN・リモートアクセス機器" }).waitFor());
  const top = await panel.evaluate((el) => el.getBoundingClientRect().top);
  assert.ok(top < 800, `the panel starts on the first screen (at ${top}px)`);
  const row = panel.locator("tbody tr", { hasText: "本館VPN装置" });
  const text = await row.innerText();
  for (const expected of ["CVE-2018-13379", "優先度1", "対応が必要", "みなと総合病院", "6.0.4"]) {
    assert.ok(text.includes(expected), `the FortiGate's row shows ${expected}: ${text}`);
  }
  await page.screenshot({ path: join(artifacts, "vulns-dashboard.png"), fullPage: true });

  await row.getByRole("link", { name: "CVE-2018-13379" }).click();
  await page.getByRole("heading", { name: /CVE-2018-13379/ }).waitFor();
  assert.equal(await page.locator("#finding-status").innerText(), "未対応");
  assert.ok(await page.getByRole("link", { name: "NVDで詳細を見る" }).isVisible());
  await page.getByRole("combobox", { name: /^対応状況/ }).selectOption("mitigated");
  await page.getByLabel("理由・実施した内容").fill("SSL-VPNを停止し、保守業者にFortiOSの更新を依頼した");
  await page.getByRole("button", { name: "記録する" }).click();
  await page.getByText("対応状況を記録しました。").waitFor();
  assert.equal(await page.locator("#finding-status").innerText(), "緩和策実施");
  assert.match(await page.locator("main").innerText(), /SSL-VPNを停止し/);
  await page.screenshot({ path: join(artifacts, "vulns-finding.png"), fullPage: true });

  await page.goto(`${server.base}/vulns?status=all`);
  assert.match(await page.locator("table.findings").innerText(), /CVE-2018-13379[\s\S]*緩和策実施/);
  await page.screenshot({ path: join(artifacts, "vulns-list.png"), fullPage: true });

  await page.goto(`${server.base}/`);
  const after = await page.locator("#vpn-panel tbody tr", { hasText: "本館VPN装置" }).innerText();
  assert.match(after, /問題なし/, "nothing is open on the FortiGate any more");
  await context.close();
});
