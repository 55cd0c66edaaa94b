// The organizers' pages, /organizer, in a real browser on the demo meeting:
// signing in (a wrong token refused with a message, the right one kept in
// sessionStorage and never in the URL), every tab without a page error in
// both languages, on a phone without sideways scrolling, axe-core's check of
// each signed-in view, moving a person from the waiting list by keyboard, and
// the server's texts in the page's language (allocation reasons by code, an
// unknown error's message only on an English page, a script's diagnostic as
// code marked English).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  DESKTOP, PHONE, TEST_TIMEOUT, assertNoPageErrors, checkA11y, closeBrowser,
  fetchFrom, launchBrowser, newPage, openPage, screenshot, startServer,
} from './harness.mjs';

const TABS = ['settings', 'registrations', 'agenda', 'visits', 'messages'];
let server;
let browser;

before(async () => {
  server = await startServer({ demo: true });
  browser = await launchBrowser();
});

after(async () => {
  try {
    await closeBrowser(browser);
  } finally {
    if (server) await server.stop();
  }
});

async function signIn(page, lang) {
  await page.goto(server.url('/organizer?lang=' + lang), { waitUntil: 'load' });
  await page.fill('#f-token', server.organizerToken);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#org-view table');
}

test('signing in: a wrong token is refused, the right one stays in the tab only', { timeout: TEST_TIMEOUT }, async () => {
  const page = await openPage(browser, server, '/organizer', PHONE);
  try {
    await checkA11y(page, 'organizer-signin');
    await page.fill('#f-token', 'sa_1_' + 'x'.repeat(43));
    await page.keyboard.press('Enter');
    await page.waitForSelector('#e-token:not(:empty)');
    assert.equal(await page.getAttribute('#f-token', 'aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'f-token');
    page.problems.length = 0; // the refused token's 401 was the point
    await page.fill('#f-token', server.organizerToken);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#org-view table');
    assert.ok(!page.url().includes('sa_'), 'no token in the URL');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('saiets.organizer.token')), server.organizerToken);
    assert.equal(await page.evaluate(() => localStorage.length), 0);
    await page.getByRole('button', { name: 'Izrakstīties' }).click();
    await page.waitForSelector('#f-token');
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    assertNoPageErrors(page);
  } finally {
    await page.context().close();
  }
});

for (const lang of ['lv', 'en']) {
  for (const viewport of [DESKTOP, PHONE]) {
    test(`every tab of the demo meeting (${lang}, ${viewport === PHONE ? 'phone' : 'desktop'})`, { timeout: TEST_TIMEOUT }, async () => {
      const page = await newPage(browser, viewport); // the page's CSP in force
      const axePage = await newPage(browser, viewport, { bypassCSP: true }); // for axe only
      try {
        for (const p of [page, axePage]) await signIn(p, lang);
        for (const tab of TABS) {
          for (const p of [page, axePage]) {
            await p.goto(server.url(`/organizer?meeting=1&tab=${tab}`), { waitUntil: 'load' });
            await p.waitForSelector('.tab-body > *');
          }
          const text = await page.locator('#app').innerText();
          assert.ok(!text.includes('null') && !text.includes('undefined') && !text.includes('js.org.'), `${tab}: no raw values or keys`);
          if (lang === 'en') assert.ok(!/Pieteikumi|Programma|Sadalīt/.test(text), `${tab}: no Latvian chrome`);
          if (viewport === PHONE) {
            assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${tab}: no sideways scrolling`);
          }
          await checkA11y(axePage, `organizer-${tab}-${lang}`, { inPlace: true });
          await screenshot(page, `organizer-${tab}-${lang}-${page.viewportName}`);
        }
        assertNoPageErrors(page);
      } finally {
        await page.context().close();
        await axePage.context().close();
      }
    });
  }
}

test('moving someone from the waiting list, by keyboard', { timeout: TEST_TIMEOUT }, async () => {
  const token = server.organizerToken;
  const m = await fetchFrom(server, '/api/v1/meetings', { token, method: 'POST',
    body: { title: 'Mazā sanāksme', starts_on: '2015-11-05', ends_on: '2015-11-05', capacity: 1 } });
  assert.equal(m.status, 201, m.text);
  const ids = [];
  for (const [first, last] of [['Ēriks', 'Ozoliņš'], ['Anna', 'Liepa']]) {
    const r = await fetchFrom(server, `/api/v1/meetings/${m.json.id}/registrations`, { method: 'POST',
      body: { first_name: first, last_name: last, email: `${last.length}${first.length}@example.lv`, organisation: 'Rēzeknes novada pašvaldība' } });
    assert.equal(r.status, 201, r.text);
    ids.push(r.json.id);
  }
  const page = await newPage(browser, DESKTOP);
  try {
    await signIn(page, 'lv');
    await page.goto(server.url(`/organizer?meeting=${m.json.id}&tab=registrations`), { waitUntil: 'load' });
    await page.waitForSelector(`tr[data-registration="${ids[1]}"]`);
    await page.fill('#f-q', 'liepa');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
    await page.locator(`tr[data-registration="${ids[1]}"]`).getByRole('button', { name: 'Apstiprināt tagad' }).focus();
    await page.keyboard.press('Enter');
    assert.match(await page.locator(`tr[data-registration="${ids[1]}"] .question`).innerText(), /vietu skaits pieaugs līdz 2/);
    await page.keyboard.press('Enter'); // focus is on "Jā, apstiprināt"
    await page.waitForSelector(`tr[data-registration="${ids[1]}"][data-status="confirmed"]`);
    const reg = await fetchFrom(server, `/api/v1/registrations/${ids[1]}`, { token });
    assert.equal(reg.json.status, 'confirmed');
    const meeting = await fetchFrom(server, `/api/v1/meetings/${m.json.id}`);
    assert.equal(meeting.json.capacity, 2);
    assert.equal(await page.evaluate(() => document.activeElement.closest('tr')?.dataset.registration), String(ids[1]));
    assertNoPageErrors(page);
  } finally {
    await page.context().close();
  }
});

function itemCount(agenda) { return agenda.days.reduce((n, d) => n + d.items.length, 0); }

// Polls check() (from Node, not the page) every 100 ms for at most 10 s.
async function until(check, what) {
  const end = Date.now() + 10_000;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('the demo agenda script: dry run, then apply; allocation; one person pinned', { timeout: TEST_TIMEOUT }, async () => {
  const token = server.organizerToken;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const script = readFileSync(path.join(here, '..', '..', 'scripts', 'daugavpils-2015.lua'), 'utf8');
  // take one of the script's items away, so that the dry run has something to add
  const before = (await fetchFrom(server, '/api/v1/meetings/1/agenda')).json;
  const count = before.days.reduce((n, d) => n + d.items.length, 0);
  const victim = before.days[0].items.find((it) => it.source.startsWith('script:'));
  assert.ok(victim, 'the demo has script items');
  const del = await fetchFrom(server, `/api/v1/meetings/1/agenda/${victim.id}`, { token, method: 'DELETE' });
  assert.equal(del.status, 200, del.text);

  const page = await newPage(browser, DESKTOP);
  try {
    await signIn(page, 'lv');
    await page.goto(server.url('/organizer?meeting=1&tab=agenda'), { waitUntil: 'load' });
    await page.waitForSelector('#f-script_text');
    await page.fill('#f-script_name', victim.source.slice('script:'.length));
    await page.fill('#f-script_text', script);
    await page.getByRole('button', { name: 'Pārbaudīt, ko tas mainītu' }).click();
    await page.waitForSelector('#diff-title');
    assert.match(await page.locator('.diff').innerText(), new RegExp('\\+ .*' + victim.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    let now = (await fetchFrom(server, '/api/v1/meetings/1/agenda')).json;
    assert.equal(now.days.reduce((n, d) => n + d.items.length, 0), count - 1, 'a dry run changes nothing');
    await page.getByRole('button', { name: 'Piemērot šīs izmaiņas' }).click();
    await until(async () => itemCount((await fetchFrom(server, '/api/v1/meetings/1/agenda')).json) === count,
      'the applied script to bring the item back');
    now = (await fetchFrom(server, '/api/v1/meetings/1/agenda')).json;
    assert.equal(now.days.reduce((n, d) => n + d.items.length, 0), count, 'applied: the item is back');
    await screenshot(page, 'organizer-script-applied');

    // the site visits: allocate, see the groups, pin one person elsewhere
    await page.goto(server.url('/organizer?meeting=1&tab=visits'), { waitUntil: 'load' });
    await page.getByRole('button', { name: 'Sadalīt vietas' }).click();
    await page.waitForSelector('.allocation [data-option]');
    const groups = await page.locator('.allocation [data-option]').count();
    assert.equal(groups, 3, 'one group per school');
    const al = (await fetchFrom(server, '/api/v1/meetings/1/site-visits/1/allocation', { token })).json;
    const from = al.options.find((o) => o.people && o.people.length);
    const to = al.options.find((o) => o.id !== from.id);
    const person = from.people[0];
    // every school is full: one more seat where the person goes
    const grow = await fetchFrom(server, '/api/v1/meetings/1/site-visits/1', { token, method: 'PATCH',
      body: { options: [{ id: to.id, capacity: to.capacity + 1 }] } });
    assert.equal(grow.status, 200, grow.text);
    await page.locator('[data-slot="1"] details.noprint summary').click();
    await page.selectOption('#f-pin_who_1', String(person.registration_id));
    await page.selectOption('#f-pin_where_1', String(to.id));
    await page.getByRole('button', { name: 'Norīkot', exact: true }).click();
    await until(async () => {
      const j = (await fetchFrom(server, `/api/v1/registrations/${person.registration_id}`, { token })).json;
      return (j.site_visits || []).some((p) => p.slot_id === 1 && p.option_id === to.id);
    }, 'the pinned person to be in the other school');
    await page.waitForSelector('.allocation [data-option]');
    await screenshot(page, 'organizer-allocation');
    assertNoPageErrors(page);
  } finally {
    await page.context().close();
  }
});

// The allocation's reasons and the API's messages, in the page's language:
// the engine's "why" codes mapped to texts, its English explanations only on
// an English page; an error code the page does not know gives a general
// text, with the server's (English) message on an English page only.
test('server texts in the page\'s language: allocation reasons, unknown errors', { timeout: TEST_TIMEOUT }, async () => {
  const token = server.organizerToken;
  const done = await fetchFrom(server, '/api/v1/meetings/1/site-visits/1/allocate', { token, method: 'POST' });
  assert.equal(done.status, 200, done.text);
  const whys = new Set(done.json.options.flatMap((o) => o.people.map((p) => p.why)));
  assert.ok(whys.has('first choice') && whys.has('no preferences'), [...whys].join(', '));
  const expect = {
    lv: { 'first choice': '1. izvēle', 'no preferences': 'bez izvēlēm', 'lower choice, better ones full': 'labākās bija pilnas' },
    en: { 'first choice': '1st choice', 'no preferences': 'no preferences', 'lower choice, better ones full': 'the better ones were full' },
  };
  const english = 'made_up: an English sentence from the server';
  for (const lang of ['lv', 'en']) {
    const page = await newPage(browser, DESKTOP);
    try {
      await signIn(page, lang);
      await page.goto(server.url('/organizer?meeting=1&tab=visits'), { waitUntil: 'load' });
      await page.waitForSelector('.allocation [data-option] details');
      await page.evaluate(() => { for (const d of document.querySelectorAll('.allocation details')) d.open = true; });
      const text = await page.locator('.allocation').innerText();
      for (const [why, shown] of Object.entries(expect[lang])) {
        if (whys.has(why)) assert.ok(text.includes(shown), `${lang}: "${shown}" for ${why}`);
      }
      if (lang === 'lv') {
        assert.doesNotMatch(text, /choice|preferences|full|pinned|waiting/i, 'no English on the Latvian page');
      }

      // a refusal with a code the page does not know
      await page.route('**/allocate?dry_run=1', (route) => route.fulfill({ status: 409, contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'made_up', message: english } }) }));
      await page.locator('[data-slot="1"]').getByRole('button', { name: lang === 'lv' ? 'Izmēģināt sadali' : 'Try the allocation' }).click();
      const msg = page.locator('[data-slot="1"] > .error[role=alert]'); // the allocation's, not the pin form's
      await msg.filter({ hasText: /\S/ }).waitFor();
      const said = await msg.innerText();
      if (lang === 'lv') {
        assert.equal(said, 'Serveris šo pieprasījumu nepieņēma.');
      } else {
        assert.equal(said, `The server did not accept this. (${english})`);
      }
      page.problems = page.problems.filter((p) => !p.includes('dry_run=1')); // the 409 was ours
      assertNoPageErrors(page);
    } finally {
      await page.context().close();
    }
  }
});

test('a failing agenda script: our text, and the script\'s diagnostic as code marked English', { timeout: TEST_TIMEOUT }, async () => {
  const page = await newPage(browser, DESKTOP);
  try {
    await signIn(page, 'lv');
    await page.goto(server.url('/organizer?meeting=1&tab=agenda'), { waitUntil: 'load' });
    await page.fill('#f-script_name', 'bojats');
    await page.fill('#f-script_text', 'agenda.item({ key = ');
    await page.getByRole('button', { name: 'Pārbaudīt, ko tas mainītu' }).click();
    const summary = page.locator('#f-script_text').locator('xpath=ancestor::form').locator('.error[role=alert]');
    await summary.locator('code').waitFor();
    assert.match(await summary.innerText(), /^Skripts neizdevās:/);
    assert.equal(await summary.locator('code').getAttribute('lang'), 'en');
    assert.ok((await summary.locator('code').innerText()).length > 0);
    page.problems = page.problems.filter((p) => !p.includes('/agenda/scripts')); // the 422 was the point
    assertNoPageErrors(page);
  } finally {
    await page.context().close();
  }
});
