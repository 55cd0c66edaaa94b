// The participant's way through the pages, in a real browser on a phone-sized
// screen: one person registers (confirmed) with the organisation picked by
// typing without Latvian letters, a second one is waitlisted, the first
// changes the site-visit ranking and then cancels (after the confirmation
// step), and the second sees the promotion on their own page.  Errors show
// next to their fields; the language switch keeps the private link; axe-core
// finds nothing serious on any of it, in both languages.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  PHONE, TEST_TIMEOUT, assertNoPageErrors, checkA11y, closeBrowser, fetchFrom,
  launchBrowser, newPage, openPage, screenshot, startServer,
} from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ demo: true });
  browser = await launchBrowser();
  // one seat left: the first person takes it, the second waits
  const m = (await fetchFrom(server, '/api/v1/meetings/1')).json;
  const r = await fetchFrom(server, '/api/v1/meetings/1', {
    method: 'PATCH', token: server.organizerToken, body: { capacity: m.confirmed + 1 } });
  assert.equal(r.status, 200, r.text);
});

after(async () => {
  try {
    await closeBrowser(browser);
  } finally {
    if (server) await server.stop();
  }
});

// Fills the form of /meetings/1 and sends it; returns the private link shown.
async function register(page, who) {
  await page.fill('#f-first_name', who.first);
  await page.fill('#f-last_name', who.last);
  await page.fill('#f-email', who.email);
  await page.fill('#f-organisation', who.typed);
  await page.locator('#org-list li').first().waitFor();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.equal(await page.inputValue('#f-organisation'), who.organisation);
  await page.check('input[name="answers.diet"][value="vegetarian"]');
  await page.selectOption('#rank-1-1', { index: 1 });
  await page.check('#f-consent');
  await page.click('#register button[type=submit]');
  await page.locator('#done:not([hidden])').waitFor();
  return (await page.locator('#manage-link').innerText()).trim();
}

test('register, wait, change, cancel, promotion', { timeout: TEST_TIMEOUT }, async () => {
  const page = await openPage(browser, server, '/meetings/1', PHONE);
  try {
    // nothing filled in: errors next to the fields, announced in the summary
    await page.click('#register button[type=submit]');
    await page.locator('#summary p').waitFor();
    assert.match(await page.locator('#e-first_name').innerText(), /obligāts/);
    assert.match(await page.locator('#e-consent').innerText(), /datu apstrādei/);
    assert.equal(await page.getAttribute('#f-first_name', 'aria-invalid'), 'true');
    await screenshot(page, 'register-errors-phone');
    { // the same state again in a page without the CSP, for axe to run in place
      const bare = await newPage(browser, PHONE, { bypassCSP: true });
      await bare.goto(server.url('/meetings/1'));
      await bare.click('#register button[type=submit]');
      await bare.locator('#summary p').waitFor();
      await checkA11y(bare, 'register-errors-lv', { inPlace: true });
      await bare.context().close();
    }

    const first = await register(page, {
      first: 'Anna', last: 'Ozola', email: 'anna.ozola@example.lv', typed: 'rezekne',
      organisation: 'Rēzeknes pilsētas pašvaldība' });
    assert.match(await page.locator('#done [data-status]').innerText(), /apstiprināta/);
    assert.match(first, /\/manage#sr_\d+_/);
    await screenshot(page, 'register-confirmed-phone');
    assertNoPageErrors(page);

    // the same address again: the API's error, next to the e-mail field
    await page.goto(server.url('/meetings/1'));
    await page.fill('#f-first_name', 'Anna');
    await page.fill('#f-last_name', 'Ozola');
    await page.fill('#f-email', 'anna.ozola@example.lv');
    await page.fill('#f-organisation', 'Cēsu novada pašvaldība');
    await page.check('input[name="answers.diet"][value="vegan"]');
    await page.check('#f-consent');
    await page.click('#register button[type=submit]');
    await page.locator('#e-email:not(:empty)').waitFor();
    assert.match(await page.locator('#e-email').innerText(), /jau ir pieteikšanās/);
    // that answer was the API's 409, as it should be: the only problem so far
    assert.deepEqual(page.problems.map((p) => p.replace(/http:\/\/[^/]+/, '')),
                     ['HTTP 409: /api/v1/meetings/1/registrations']);
    page.problems.length = 0;

    // the second person: the waiting list, position 1
    await page.goto(server.url('/meetings/1'));
    const second = await register(page, {
      first: 'Jānis', last: 'Bērziņš', email: 'janis.berzins@example.lv', typed: 'cesu',
      organisation: 'Cēsu novada pašvaldība' });
    assert.match(await page.locator('#done [data-status]').innerText(), /gaidīšanas sarakstā, 1\. vietā/);

    // the first person's page: confirmed; the ranking changes
    await page.goto(first);
    await page.locator('[data-status="confirmed"]').waitFor();
    await checkA11y(page, 'manage-lv'); // reopens the same URL: the state is the server's
    await screenshot(page, 'manage-confirmed-phone');
    await page.locator('#h-visits ~ details summary').first().click();
    await page.selectOption('#rank-1-1', { index: 3 });
    await page.selectOption('#rank-1-2', { index: 1 });
    await page.click('form[data-slot="1"] button[type=submit]');
    await page.locator('#manage-status:not(:empty)').waitFor();
    const id = first.match(/sr_(\d+)_/)[1];
    const reg = await fetchFrom(server, `/api/v1/registrations/${id}`, { token: server.organizerToken });
    const slot = (await fetchFrom(server, '/api/v1/meetings/1/site-visits/1')).json;
    assert.deepEqual(reg.json.visit_preferences['1'], [slot.options[2].id, slot.options[0].id]);

    // the language switch keeps the private link
    await page.click('a[hreflang="en"]');
    await page.locator('[data-status="confirmed"]').waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.ok(page.url().includes('#sr_'), page.url());
    await checkA11y(page, 'manage-en');

    // cancelling asks first, then cancels
    await page.click('#h-cancel ~ button.danger');
    await page.locator('[role=alertdialog]').waitFor();
    await page.click('[role=alertdialog] button.danger');
    await page.locator('[data-status="cancelled"]').waitFor();

    // the second person was promoted and sees it
    await page.goto(second);
    await page.locator('[data-status="confirmed"]').waitFor();
    await screenshot(page, 'manage-promoted-phone');
    assertNoPageErrors(page);
  } finally {
    await page.context().close();
  }
});

test('the meeting page in English, with no Latvian chrome', { timeout: TEST_TIMEOUT }, async () => {
  const page = await openPage(browser, server, '/meetings/1?lang=en', PHONE);
  try {
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal((await page.locator('#register button[type=submit]').innerText()).trim(), 'Register');
    await checkA11y(page, 'meeting-en');
    // the choice is remembered
    await page.goto(server.url('/'));
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    await page.click('a[hreflang="lv"]');
    assert.equal(await page.locator('html').getAttribute('lang'), 'lv');
    await checkA11y(page, 'home-lv');
    await screenshot(page, 'home-lv-phone');
    assertNoPageErrors(page);
  } finally {
    await page.context().close();
  }
});
