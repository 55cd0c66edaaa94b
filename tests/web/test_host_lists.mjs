// The printable host lists of the demo meeting's site-visit slot, as an
// organizer's browser gets them (.../host-lists?format=html with the token
// in the Authorization header): in Latvian and English (?lang= and the
// cookie), with the contacts' columns, axe-core's check in both languages,
// no sideways scrolling of the page on a phone, screenshots on screen and as
// printed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  DESKTOP, PHONE, TEST_TIMEOUT, assertNoPageErrors, checkA11y, closeBrowser, fetchFrom,
  launchBrowser, newPage, screenshot, startServer,
} from './harness.mjs';

const LISTS = '/api/v1/meetings/1/site-visits/1/host-lists?format=html';
let server;
let browser;
let allocation;

before(async () => {
  server = await startServer({ demo: true });
  browser = await launchBrowser();
  const r = await fetchFrom(server, '/api/v1/meetings/1/site-visits/1/allocate', {
    method: 'POST', token: server.organizerToken });
  assert.equal(r.status, 200, r.text);
  allocation = r.json;
});

after(async () => {
  try {
    await closeBrowser(browser);
  } finally {
    if (server) await server.stop();
  }
});

// The lists in a page that sends the organizer's token, as organizer.js does.
async function openLists(viewport, query, { bypassCSP = false, cookie } = {}) {
  const page = await newPage(browser, viewport, { bypassCSP });
  await page.context().setExtraHTTPHeaders({ Authorization: 'Bearer ' + server.organizerToken });
  if (cookie) await page.context().addCookies([{ name: 'lang', value: cookie, url: server.base }]);
  const resp = await page.goto(server.url(LISTS + query), { waitUntil: 'load' });
  assert.equal(resp.status(), 200);
  return page;
}

const WORDS = {
  lv: { cols: ['Vārds, uzvārds', 'Organizācija', 'Amats', 'Tālrunis', 'E-pasts'], date: '2015. gada 6. novembris, 09.20–11.10', not: /\b(Host|seats|Name|Phone)\b/ },
  en: { cols: ['Name', 'Organisation', 'Position', 'Phone', 'E-mail'], date: '6 November 2015, 09:20–11:10', not: /Tālrunis|Uzņēmējs|novembris/ },
};

for (const [lang, query, cookie] of [['lv', '', undefined], ['en', '&lang=en', undefined], ['en', '', 'en']]) {
  test(`the lists in ${lang}${cookie ? ' (cookie)' : ''}: columns, dates, axe`, { timeout: TEST_TIMEOUT }, async () => {
    const page = await openLists(DESKTOP, query, { cookie });
    const axePage = await openLists(DESKTOP, query, { bypassCSP: true, cookie });
    try {
      assert.equal(await page.locator('html').getAttribute('lang'), lang);
      const sections = page.locator('main > section');
      assert.equal(await sections.count(), allocation.options.length, 'one sheet an option');
      const first = sections.first();
      const heads = (await first.locator('th').allInnerTexts()).map((s) => s.trim());
      for (const c of WORDS[lang].cols) assert.ok(heads.includes(c), `${lang}: column ${c} in ${heads.join(' | ')}`);
      const text = await page.locator('main').innerText();
      assert.ok(text.includes(WORDS[lang].date), `${lang}: the date and times`);
      assert.doesNotMatch(text, WORDS[lang].not);
      const seated = allocation.options[0].people.length;
      assert.equal(await first.locator('tbody tr').count(), seated);
      // every person's e-mail, the column the JSON had and the page lacked
      const emails = (await first.locator('tbody tr td:nth-child(6)').allInnerTexts()).filter((s) => s.includes('@'));
      assert.equal(emails.length, seated);
      if (!cookie) await checkA11y(axePage, `host-lists-${lang}`, { inPlace: true });
      assertNoPageErrors(page);
    } finally {
      await page.context().close();
      await axePage.context().close();
    }
  });
}

for (const lang of ['lv', 'en']) {
  test(`screenshots ${lang}: phone, desktop, printed`, { timeout: TEST_TIMEOUT }, async () => {
    for (const viewport of [PHONE, DESKTOP]) {
      const page = await openLists(viewport, `&lang=${lang}`);
      try {
        // the page itself never scrolls sideways; a wide table scrolls in its box
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
        await screenshot(page, `host-lists-${lang}-${page.viewportName}`);
        if (viewport === DESKTOP) {
          await page.emulateMedia({ media: 'print' });
          // printed, the table is not cut at its box's edge
          assert.equal(await page.locator('.table-wrap').first().evaluate((e) => getComputedStyle(e).overflowX), 'visible');
          await screenshot(page, `host-lists-${lang}-print`);
        }
        assertNoPageErrors(page);
      } finally {
        await page.context().close();
      }
    }
  });
}
