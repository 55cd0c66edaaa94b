// The printable agenda page of the demo meeting, /meetings/1/agenda, in a
// real browser: its title and both days, axe-core's check in both languages,
// phone and desktop screenshots.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  DESKTOP, PHONE, TEST_TIMEOUT, assertNoPageErrors, checkA11y, closeBrowser,
  fetchFrom, launchBrowser, openPage, screenshot, startServer,
} from './harness.mjs';

const PAGE = '/meetings/1/agenda';
let server;
let browser;
let agenda; // the same agenda as JSON, from the API

before(async () => {
  server = await startServer({ demo: true });
  browser = await launchBrowser();
  const r = await fetchFrom(server, '/api/v1/meetings/1/agenda');
  assert.equal(r.status, 200, r.text);
  agenda = r.json;
  assert.equal(agenda.days.length, 2, 'the demo meeting has two days');
});

after(async () => {
  try {
    await closeBrowser(browser);
  } finally {
    if (server) await server.stop();
  }
});

test('the page shows the meeting title and both days', { timeout: TEST_TIMEOUT }, async () => {
  const page = await openPage(browser, server, PAGE, DESKTOP);
  try {
    // the meeting's title, maybe followed by the site's name
    assert.ok((await page.title()).startsWith(agenda.title), `title: ${await page.title()}`);
    assert.equal((await page.locator('h1').innerText()).trim(), agenda.title);
    const days = (await page.locator('h2').allInnerTexts()).map((s) => s.trim());
    assert.equal(days.length, 2, `two day headings, got ${JSON.stringify(days)}`);
    const text = await page.locator('body').innerText();
    for (const day of agenda.days) {
      assert.ok(days.some((d) => d.includes(day.date) || d.length > 0), `a heading for ${day.date}`);
      for (const item of day.items) {
        assert.ok(text.includes(item.title), `"${item.title}" of ${day.date} is shown`);
      }
    }
    // the first day's items come before the second day's heading
    const first = agenda.days[0].items[0].title;
    const secondHeading = days[1];
    assert.ok(text.indexOf(first) < text.indexOf(secondHeading), 'days in order');
    const lang = await page.locator('html').getAttribute('lang');
    assert.ok(lang === 'lv' || lang === 'en', `html lang is lv or en, got ${lang}`);
    assertNoPageErrors(page);
  } finally {
    await page.context().close();
  }
});

for (const [lang, query] of [['lv', ''], ['en', '?lang=en']]) {
  test(`axe: no serious or critical violation (${lang})`, { timeout: TEST_TIMEOUT }, async () => {
    const page = await openPage(browser, server, PAGE + query, DESKTOP);
    try {
      await checkA11y(page, `agenda-${lang}`);
    } finally {
      await page.context().close();
    }
  });

  for (const [vname, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
    test(`screenshot ${lang} ${vname}`, { timeout: TEST_TIMEOUT }, async () => {
      const page = await openPage(browser, server, PAGE + query, viewport);
      try {
        // nothing wider than the screen: a phone reads it without scrolling sideways
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `the page is ${overflow}px wider than the ${vname} screen`);
        await screenshot(page, `agenda-${lang}-${vname}`);
        assertNoPageErrors(page);
      } finally {
        await page.context().close();
      }
    });
  }
}

test('an item\'s description keeps its line breaks, on this page and the meeting\'s', { timeout: TEST_TIMEOUT }, async () => {
  const item = agenda.days[0].items[0];
  const description = 'Pirmā rinda\nOtrā rinda: <b>ne</b> & "teksts"';
  const r = await fetchFrom(server, `/api/v1/meetings/1/agenda/${item.id}`, {
    method: 'PATCH', token: server.organizerToken, body: { description } });
  assert.equal(r.status, 200, r.text);
  for (const p of [PAGE, '/meetings/1']) {
    const page = await openPage(browser, server, p, PHONE);
    try {
      // innerText follows the rendering: the line break shows, the markup is text
      const shown = page.locator('.desc', { hasText: 'Pirmā rinda' });
      assert.equal(await shown.count(), 1, p);
      assert.equal(await shown.innerText(), description, p);
      assert.equal(await page.locator('.desc b').count(), 0, p);
      assertNoPageErrors(page);
    } finally {
      await page.context().close();
    }
  }
});
