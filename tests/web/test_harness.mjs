// The harness fails when it should: axe's check throws on a page with
// serious or critical violations and names them; it passes a clean page;
// screenshots land in SAIETS_SCREENSHOT_DIR. No server is needed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

import {
  DESKTOP, PHONE, TEST_TIMEOUT, checkA11y, closeBrowser, launchBrowser, newPage,
  screenshot, screenshotDir,
} from './harness.mjs';

const BAD = `<!doctype html><html lang="en"><head><title>Bad</title></head><body>
<main><h1>Bad page</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<form><input type="text" name="who"></form>
</main></body></html>`;

const GOOD = `<!doctype html><html lang="en"><head><title>Good</title></head><body>
<main><h1>Good page</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="A dot">
<form><label for="who">Name</label> <input id="who" type="text" name="who"></form>
</main></body></html>`;

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await closeBrowser(browser);
});

test('axe check throws on an image without alt and an input without a label',
  { timeout: TEST_TIMEOUT }, async () => {
    const page = await newPage(browser, DESKTOP, { bypassCSP: true });
    try {
      await page.setContent(BAD, { waitUntil: 'load' });
      await assert.rejects(checkA11y(page, 'bad-page', { inPlace: true }), (err) => {
        const ids = err.violations.map((v) => v.id).sort();
        assert.deepEqual(ids, ['image-alt', 'label'], err.message);
        assert.match(err.message, /image-alt \(critical\)/);
        assert.match(err.message, /label \(critical\)/);
        assert.match(err.message, /at \["img"\]/);
        assert.match(err.message, /at \["input"\]/);
        return true;
      });
    } finally {
      await page.context().close();
    }
  });

test('axe check throws on a data: URL page too (the second-context path)',
  { timeout: TEST_TIMEOUT }, async () => {
    const page = await newPage(browser, PHONE);
    try {
      await page.goto('data:text/html;charset=utf-8,' + encodeURIComponent(BAD));
      await assert.rejects(checkA11y(page, 'bad-page-data-url'), /image-alt[\s\S]*label|label[\s\S]*image-alt/);
    } finally {
      await page.context().close();
    }
  });

// the pages' policy, as a <meta> here: no inline script may run
const STRICT = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'; style-src 'self'; img-src data:">`;

test('under a strict CSP an inlined axe is refused, and checkA11y still runs it',
  { timeout: TEST_TIMEOUT }, async () => {
    const page = await newPage(browser, DESKTOP);
    try {
      await page.goto('data:text/html;charset=utf-8,' + encodeURIComponent(BAD.replace('<head>', '<head>' + STRICT)));
      // why checkA11y needs its own bypassCSP context: the policy refuses the inlined script
      await page.addScriptTag({ content: 'window.inlined = 1;' }).catch(() => {});
      assert.equal(await page.evaluate(() => window.inlined), undefined, 'the policy let an inline script run');
      assert.ok(page.problems.some((p) => /Content Security Policy/.test(p)),
        `the refusal is reported: ${JSON.stringify(page.problems)}`);
      await assert.rejects(checkA11y(page, 'bad-page-strict-csp'), (err) => {
        assert.deepEqual(err.violations.map((v) => v.id).sort(), ['image-alt', 'label'], err.message);
        return true;
      });
    } finally {
      await page.context().close();
    }
  });

test('axe check passes a clean page', { timeout: TEST_TIMEOUT }, async () => {
  const page = await newPage(browser, DESKTOP, { bypassCSP: true });
  try {
    await page.setContent(GOOD, { waitUntil: 'load' });
    const result = await checkA11y(page, 'good-page', { inPlace: true });
    const blocking = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(blocking, []);
  } finally {
    await page.context().close();
  }
});

test('inPlace refuses a page whose policy is in force', { timeout: TEST_TIMEOUT }, async () => {
  const page = await newPage(browser, DESKTOP);
  try {
    await page.setContent(GOOD);
    await assert.rejects(checkA11y(page, 'csp-page', { inPlace: true }), /bypassCSP/);
  } finally {
    await page.context().close();
  }
});

test('screenshots land in SAIETS_SCREENSHOT_DIR', { timeout: TEST_TIMEOUT }, async () => {
  const page = await newPage(browser, PHONE);
  try {
    await page.setContent(GOOD);
    const file = await screenshot(page, 'harness-good-phone');
    assert.equal(path.dirname(file), screenshotDir());
    assert.ok(existsSync(file) && statSync(file).size > 100, `${file} written`);
  } finally {
    await page.context().close();
  }
});
