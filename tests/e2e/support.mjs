// Helpers for the browser tests: the mamoru binary, a server on a free port, TOTP codes,
// and Debian's Chromium driven by playwright-core.
import { spawn, execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const root = resolve(import.meta.dirname, "../..");
export const bin = process.env.MAMORU_BIN ?? join(root, "target/debug/mamoru");
export const fixtures = join(root, "crates/mamoru-inventory/tests/data");
/** The sample advisory feeds shared by the workspace's tests (NVD records, the CISA KEV catalogue). */
export const vulnData = join(root, "../shared/data/vuln");
export const artifacts = join(import.meta.dirname, "artifacts");

/** A fresh data directory. */
export function dataDir() {
  return mkdtempSync(join(tmpdir(), "mamoru-e2e-"));
}

/** Runs `mamoru ARGS --data-dir DIR` and returns its standard output. */
export function mamoru(dir, ...args) {
  return execFileSync(bin, [...args, "--data-dir", dir], { encoding: "utf8", env: { ...process.env, LANG: "C" } });
}

/** Reads `key: value` from command output. */
export function field(output, key) {
  const line = output.split("\n").find((l) => l.startsWith(`${key}: `));
  if (!line) throw new Error(`no "${key}" in:\n${output}`);
  return line.slice(key.length + 2).trim();
}

/** Starts `mamoru serve` on a free port; resolves to { base, stop }. */
export function serve(dir) {
  const child = spawn(bin, ["serve", "--listen", "127.0.0.1:0", "--data-dir", dir], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((ok, fail) => {
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      const m = line.match(/^listening on (http:\/\/\S+?)\/?$/);
      if (m) ok({ base: m[1], stop: () => child.kill() });
    });
    child.on("exit", (code) => fail(new Error(`mamoru serve exited with ${code}`)));
  });
}

/** Starts `mamoru demo` on a free port; resolves to { base, password, stop }. */
export function demo(dir) {
  const child = spawn(bin, ["demo", "--listen", "127.0.0.1:0", "--data-dir", dir], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((ok, fail) => {
    let base;
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      const url = line.match(/^listening on (http:\/\/\S+?)\/?$/);
      if (url) base = url[1];
      const pw = line.match(/^\s*Password:\s+(\S+)/);
      if (pw && base) ok({ base, password: pw[1], stop: () => child.kill() });
    });
    child.on("exit", (code) => fail(new Error(`mamoru demo exited with ${code}`)));
  });
}

/** The RFC 6238 code (SHA-1, 6 digits, 30 s) of a base32 secret, as an authenticator app shows it. */
export function totp(secret, now = Date.now()) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secret.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(now / 1000 / 30)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return code.toString().padStart(6, "0");
}

/** Debian's Chromium, headless, with no network chatter. */
export function browser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}
