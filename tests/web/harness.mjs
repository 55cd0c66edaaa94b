// harness.mjs - helpers for the browser tests of the pages saiets serves.
//
// Each test file (test_*.mjs, run by `node --test FILE` from ctest, see
// CMakeLists.txt) starts its own server with startServer(), its own browser
// with launchBrowser(), and stops both in an after() hook:
//
//   const server = await startServer({ demo: true });
//   const browser = await launchBrowser();
//   const page = await newPage(browser, DESKTOP);
//   await page.goto(server.url('/meetings/1/agenda'));
//   await checkA11y(page, 'agenda-lv');
//   await screenshot(page, 'agenda-lv-desktop');
//
// Rules kept here for every test, as in tests/e2e/harness.py:
//   * servers bind 127.0.0.1 only, on a port the server picks (--port 0)
//     and prints;
//   * only processes started here are signalled, by their own PID;
//   * every wait is bounded by a timeout, and waits for an event, never sleeps.
//
// Environment: SAIETS_BIN (the binary under test), SAIETS_SCREENSHOT_DIR
// (where screenshots go; ctest sets <build>/web-screenshots),
// SAIETS_CHROMIUM (the browser; default /usr/bin/chromium, Debian's package).

import { spawn, execFile, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch, accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const HOST = '127.0.0.1';
const LISTEN_RE = /^saiets: listening on http:\/\/127\.0\.0\.1:(\d+)\s*$/;

export const CHROMIUM = process.env.SAIETS_CHROMIUM || '/usr/bin/chromium';
export const START_TIMEOUT = 30_000;   // ms for `saiets serve` to print its port (ASan builds are slow)
export const STOP_TIMEOUT = 15_000;    // ms after SIGTERM before SIGKILL
export const CLI_TIMEOUT = 30_000;     // ms for one short CLI command (init, token)
export const LAUNCH_TIMEOUT = 60_000;  // ms for chromium to start
export const NAV_TIMEOUT = 30_000;     // ms for one navigation or one wait in a page
export const AXE_TIMEOUT = 60_000;     // ms for one axe run
export const TEST_TIMEOUT = 180_000;   // ms for one test (node:test option), under ctest's 300 s

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 800 };

// What the browser tests need, said once and clearly: ctest runs these tests
// whether or not it is all installed, and a missing piece must fail, never
// skip. `tools/dev test` installs every piece.
function missingSetup() {
  const missing = [];
  if (Number(process.versions.node.split('.')[0]) < 20) {
    missing.push(`node 20 or newer (this is ${process.versions.node}; playwright-core needs 20)`);
  }
  if (!existsSync(CHROMIUM)) {
    missing.push(`the browser ${CHROMIUM} (Debian package chromium)`);
  }
  for (const pkg of ['playwright-core', 'axe-core']) {
    if (!existsSync(path.join(HERE, 'node_modules', pkg, 'package.json'))) {
      missing.push(`the npm package ${pkg} (npm ci in tests/web)`);
    }
  }
  return missing;
}

const missing = missingSetup();
if (missing.length) {
  throw new Error('the browser tests cannot run: missing ' + missing.join('; ') +
                  '. `tools/dev test` installs them.');
}

const require = createRequire(import.meta.url);
const { chromium } = await import('playwright-core');
const AXE_PATH = require.resolve('axe-core/axe.min.js');

// --------------------------------------------------------------------------
// the binary and its command line
// --------------------------------------------------------------------------

export function saietsBin() {
  const bin = process.env.SAIETS_BIN || '';
  if (!bin) throw new Error('SAIETS_BIN is not set (ctest sets it to the built saiets)');
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    throw new Error(`SAIETS_BIN is not an executable file: ${bin}`);
  }
  return bin;
}

// `saiets ARGS...` to completion in cwd; resolves to its stdout. execFile
// kills the child (by its PID) when the timeout passes.
function runCli(args, cwd) {
  return new Promise((resolve, reject) => {
    execFile(saietsBin(), args, { cwd, timeout: CLI_TIMEOUT, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`saiets ${args.join(' ')} failed (${err.killed ? 'timed out' : 'exit ' + err.code}): ${stderr}`));
        } else {
          resolve(stdout);
        }
      });
  });
}

// --------------------------------------------------------------------------
// the server
// --------------------------------------------------------------------------

// A fresh server: a database in a temporary folder (`saiets init [--demo]`),
// an admin and an organizer token, and `saiets serve` on 127.0.0.1 and a port
// it picks, with serveArgs added to its command line (e.g. an SMTP sink's
// serveArgs()). Resolves to
//   { port, base, url(path), adminToken, organizerToken, proc, log(), stop() }
// stop() ends the server by its PID (SIGTERM, SIGKILL after STOP_TIMEOUT),
// removes the folder, and throws if the server had died on its own or did
// not exit 0 (under ASan a leak found at exit shows up there).
export async function startServer({ demo = true, serveArgs = [] } = {}) {
  const tmp = mkdtempSync(path.join(tmpdir(), 'saiets-web-'));
  const db = path.join(tmp, 'saiets.db');
  let proc = null;
  try {
    await runCli(['init', '--db', db, ...(demo ? ['--demo'] : [])], tmp);
    const adminToken = (await runCli(['token', 'create', '--role', 'admin', '--db', db], tmp)).trim();
    const organizerToken = (await runCli(['token', 'create', '--role', 'organizer', '--db', db], tmp)).trim();
    for (const t of [adminToken, organizerToken]) {
      if (!/^sa_\S+$/.test(t)) throw new Error(`token create printed ${JSON.stringify(t)}`);
    }

    proc = spawn(saietsBin(), ['serve', '--db', db, '--bind', HOST, '--port', '0', ...serveArgs],
                 { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (d) => { stderr = (stderr + d).slice(-20_000); });
    const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
    let stopping = false;

    const port = await new Promise((resolve, reject) => {
      let pending = '';
      const timer = setTimeout(() => {
        reject(new Error(`saiets serve printed no 'listening' line within ${START_TIMEOUT} ms; stderr: ${stderr.slice(-2000)}`));
      }, START_TIMEOUT);
      proc.stdout.setEncoding('utf8');
      proc.stdout.on('data', (d) => {
        pending += d;
        let nl;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const m = LISTEN_RE.exec(pending.slice(0, nl));
          pending = pending.slice(nl + 1);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        }
      });
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`saiets serve exited (${code ?? signal}) before listening; stderr: ${stderr.slice(-2000)}`));
      });
    });
    proc.stdout.resume(); // keep draining it

    const base = `http://${HOST}:${port}`;
    const server = {
      port,
      base,
      url: (p) => base + p,
      adminToken,
      organizerToken,
      proc,
      log: () => stderr,
      async stop() {
        if (stopping) return;
        stopping = true;
        const before = proc.exitCode ?? proc.signalCode;
        let result;
        try {
          if (before === null) {
            proc.kill('SIGTERM');                  // our own child, by its PID
            result = await withTimeout(exited, STOP_TIMEOUT, 'saiets serve to stop').catch(async (e) => {
              proc.kill('SIGKILL');
              await withTimeout(exited, 10_000, 'saiets serve to die');
              throw e;
            });
          }
        } finally {
          rmSync(tmp, { recursive: true, force: true });
        }
        if (before !== null) {
          throw new Error(`saiets serve died during the test (${before}); stderr tail:\n${stderr.slice(-3000)}`);
        }
        if (result.code !== 0) {
          throw new Error(`saiets serve did not stop cleanly on SIGTERM (${result.code ?? result.signal}); stderr tail:\n${stderr.slice(-3000)}`);
        }
      },
    };
    return server;
  } catch (e) {
    if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

// An HTTP exchange with the server from Node itself (no browser): resolves to
// { status, headers, text, json }.
export async function fetchFrom(server, p, { token, method = 'GET', body } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(server.url(p), {
    method, headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(NAV_TIMEOUT),
  });
  const text = await r.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: r.status, headers: r.headers, text, json };
}

// --------------------------------------------------------------------------
// a real SMTP server
// --------------------------------------------------------------------------

const SMTP_SINK = path.join(HERE, '..', 'e2e', 'smtp_sink.py');
const MIME_B64_RE = /Content-Transfer-Encoding: base64\r?\n(?:[^\r\n]+\r?\n)*\r?\n([A-Za-z0-9+/=\r\n]+)/g;

// A python3 that can import aiosmtpd (Debian's python3-aiosmtpd lives in
// /usr/bin/python3's path, which may not be the first python3 on PATH).
function pythonWithAiosmtpd() {
  const dirs = (process.env.PATH || '').split(path.delimiter).filter(Boolean).concat('/usr/bin');
  for (const c of dirs.map((d) => path.join(d, 'python3'))) {
    try {
      execFileSync(c, ['-c', 'import aiosmtpd'], { stdio: 'ignore', timeout: CLI_TIMEOUT });
      return c;
    } catch { /* the next one */ }
  }
  throw new Error('no python3 that can import aiosmtpd (Debian package python3-aiosmtpd)');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

// tests/e2e/smtp_sink.py (aiosmtpd) on a free loopback port, as
// tests/e2e/helpers_mail.py starts it: it writes each message it accepts to a
// temporary folder. Resolves to
//   { port, serveArgs(), messages(), waitFor(found), stop() }
// where a message is { rcpt, raw, text }: its envelope recipients, its bytes
// as text, and its base64 parts decoded (the plain and HTML bodies).
export async function startSmtpSink() {
  const dir = mkdtempSync(path.join(tmpdir(), 'saiets-smtp-'));
  const port = await freePort();
  const proc = spawn(pythonWithAiosmtpd(), [SMTP_SINK, String(port), dir], { stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGKILL'); // our own child, by its PID
      await withTimeout(exited, 10_000, 'the SMTP sink to die');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await withTimeout(new Promise((resolve, reject) => {
      proc.stdout.setEncoding('utf8');
      proc.stdout.on('data', (d) => { if (d.includes('ready')) resolve(); });
      exited.then((code) => reject(new Error(`the SMTP sink exited (${code}) before it was ready`)));
    }), START_TIMEOUT, 'the SMTP sink to start');
  } catch (e) {
    await stop();
    throw e;
  }
  const messages = () => readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().map((f) => {
    const raw = readFileSync(path.join(dir, f), 'utf8');
    const text = [...raw.matchAll(MIME_B64_RE)].map((m) => Buffer.from(m[1].replace(/\s+/g, ''), 'base64').toString('utf8')).join('\n');
    return { rcpt: /^X-Sink-Rcpt: (.*)$/m.exec(raw)[1].trim(), raw, text };
  });
  return {
    port,
    serveArgs: () => ['--smtp-host', HOST, '--smtp-port', String(port), '--smtp-tls', 'none',
      '--mail-from', 'noreply@saiets.test', '--mail-retry-seconds', '1'],
    messages,
    // found(messages()) once it is truthy (resolves to that), looked at
    // again whenever a file appears in the folder (the sink renames each
    // finished message into it); what to wait for says the error.
    async waitFor(found, what = 'a message', timeout = 20_000) {
      const watcher = watch(dir);
      try {
        return await withTimeout(new Promise((resolve) => {
          const check = () => { const got = found(messages()); if (got) resolve(got); };
          watcher.on('change', check);
          check();
        }), timeout, `${what} at the SMTP server`);
      } finally {
        watcher.close();
      }
    },
    stop,
  };
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]);
}

// --------------------------------------------------------------------------
// the browser
// --------------------------------------------------------------------------

// Debian's chromium, headless. --no-sandbox: the tests run as root in CI,
// where chromium's own sandbox cannot start.
export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox'],
    timeout: LAUNCH_TIMEOUT,
  });
}

// A page in a fresh context of the given viewport (PHONE or DESKTOP), with
// the page's own Content-Security-Policy in force. page.problems collects
// what the page's console says as an error (a CSP refusal shows up there),
// every uncaught exception of its scripts, and every load that failed or
// answered 400 or more; assertNoPageErrors checks it.
export async function newPage(browser, viewport = DESKTOP, { bypassCSP = false, locale = 'lv-LV' } = {}) {
  const context = await browser.newContext({ viewport, bypassCSP, locale });
  context.setDefaultTimeout(NAV_TIMEOUT);
  context.setDefaultNavigationTimeout(NAV_TIMEOUT);
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (msg) => {
    // a failed load is told below with its URL, which the console omits
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) {
      page.problems.push(`console: ${msg.text()}`);
    }
  });
  page.on('response', (resp) => {
    // /favicon.ico: chromium asks for it on its own when a page links none
    if (resp.status() >= 400 && new URL(resp.url()).pathname !== '/favicon.ico') {
      page.problems.push(`HTTP ${resp.status()}: ${resp.url()}`);
    }
  });
  page.on('requestfailed', (req) => page.problems.push(`failed: ${req.url()} (${req.failure()?.errorText})`));
  page.on('pageerror', (err) => page.problems.push(`uncaught: ${err.message}`));
  page.viewportName = viewport === PHONE ? 'phone' : viewport === DESKTOP ? 'desktop' : `${viewport.width}x${viewport.height}`;
  page.csp = bypassCSP ? 'bypassed' : 'enforced';
  return page;
}

// Opens path on the server in a new page and checks that it answered 200 with
// HTML. Resolves to the page.
export async function openPage(browser, server, p, viewport = DESKTOP) {
  const page = await newPage(browser, viewport);
  const resp = await page.goto(server.url(p), { waitUntil: 'load' });
  if (!resp) throw new Error(`no response for ${p}`);
  if (resp.status() !== 200) throw new Error(`${p} answered ${resp.status()}`);
  const ctype = resp.headers()['content-type'] || '';
  if (!ctype.toLowerCase().startsWith('text/html')) throw new Error(`${p} is ${ctype}, not HTML`);
  return page;
}

export function assertNoPageErrors(page) {
  if (page.problems.length) {
    throw new Error(`${page.url()} reported errors:\n  ${page.problems.join('\n  ')}`);
  }
}

// Closes every page's context and the browser, bounded.
export async function closeBrowser(browser) {
  if (!browser) return;
  await withTimeout(browser.close(), 30_000, 'chromium to close');
}

// --------------------------------------------------------------------------
// accessibility
// --------------------------------------------------------------------------

const BLOCKING = new Set(['serious', 'critical']);

// Runs axe-core on what page shows and throws, listing every violation of
// impact serious or critical (rule id, help, impact, each node's target and
// axe's summary of what is wrong), when there is any. Resolves to axe's whole
// result otherwise (minor and moderate violations are in it, not fatal).
//
// How axe gets into the page: the pages send a strict Content-Security-Policy
// (script-src 'self', no 'unsafe-inline'), and page.addScriptTag({path})
// inlines the file's text as a <script> element, which that policy refuses.
// So axe runs in a second context made with playwright's bypassCSP: true,
// which opens the same URL (the pages are rendered by the server, so the URL
// is the state), viewport and locale, and only that context ignores the
// policy: the page under test keeps its real policy in force, so a script or
// style the policy would refuse still breaks there, as it would for a user.
//
// For a state reached by clicking or typing (an open form with errors, say)
// pass { inPlace: true } and a page made with newPage(browser, viewport,
// { bypassCSP: true }): axe then runs in that very page.
export async function checkA11y(page, name, { inPlace = false } = {}) {
  let target = page;
  let own = null;
  if (inPlace) {
    if (page.csp !== 'bypassed') {
      throw new Error('checkA11y inPlace needs a page from newPage(..., { bypassCSP: true })');
    }
  } else {
    own = await page.context().browser().newContext({
      viewport: page.viewportSize(),
      bypassCSP: true, // for axe's injection only; see above
      locale: 'lv-LV',
    });
    own.setDefaultTimeout(NAV_TIMEOUT);
    target = await own.newPage();
    const resp = await target.goto(page.url(), { waitUntil: 'load', timeout: NAV_TIMEOUT });
    // (a data: URL has no response; an http one must answer 200 again)
    if (/^https?:/.test(page.url()) && (!resp || resp.status() !== 200)) {
      throw new Error(`axe: ${page.url()} answered ${resp ? resp.status() : 'nothing'}`);
    }
  }
  try {
    return await runAxe(target, name);
  } finally {
    if (own) await own.close();
  }
}

async function runAxe(page, name) {
  await page.addScriptTag({ path: AXE_PATH });
  const result = await withTimeout(
    page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] })),
    AXE_TIMEOUT, `axe on ${name}`);
  const bad = result.violations.filter((v) => BLOCKING.has(v.impact));
  if (bad.length) {
    const lines = [];
    for (const v of bad) {
      lines.push(`- ${v.id} (${v.impact}): ${v.help} [${v.helpUrl.replace(/\?.*$/, '')}]`);
      for (const n of v.nodes) {
        const why = (n.failureSummary || '').split('\n').map((s) => s.trim()).filter(Boolean).join(' ');
        lines.push(`    at ${JSON.stringify(n.target)}: ${why}`);
      }
    }
    const err = new Error(`axe found ${bad.length} serious or critical violation(s) on ${name} (${page.url() || 'inline content'}):\n${lines.join('\n')}`);
    err.violations = bad;
    throw err;
  }
  return result;
}

// --------------------------------------------------------------------------
// screenshots
// --------------------------------------------------------------------------

export function screenshotDir() {
  const dir = process.env.SAIETS_SCREENSHOT_DIR || path.resolve('web-screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

// The whole page as <SAIETS_SCREENSHOT_DIR>/<name>.png; resolves to the path.
export async function screenshot(page, name) {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`screenshot name ${JSON.stringify(name)}: letters, digits, . _ - only`);
  const file = path.join(screenshotDir(), `${name}.png`);
  await page.screenshot({ path: file, fullPage: true, timeout: NAV_TIMEOUT });
  return file;
}
