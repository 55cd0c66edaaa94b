// An admin at work in a real browser, and what it gives a participant: the
// admin signs in on /admin (a wrong token refused), enables the
// cultural-programme plugin for the demo meeting, and creates an organizer
// token shown once; a participant signs up for the fortress tour on their own
// page; their secret calendar URL serves their calendar, with the tour, and
// nothing else; a participant makes a new calendar link on their page (after
// a confirmation step), and the old one answers 404; a refused plugin package
// says so in the page's language, with the checker's diagnostic as code.
// axe-core on the admin page in both languages.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  DESKTOP, PHONE, TEST_TIMEOUT, assertNoPageErrors, checkA11y, closeBrowser, fetchFrom,
  launchBrowser, openPage, screenshot, startServer,
} from './harness.mjs';

const CULTURAL = 'cultural-programme';
let server;
let browser;

before(async () => {
  server = await startServer({ demo: true });
  browser = await launchBrowser();
  // the demo enables the programme; switch it off so that the admin turns it on
  const r = await fetchFrom(server, `/api/v1/meetings/1/plugins/${CULTURAL}`, {
    method: 'DELETE', token: server.organizerToken });
  assert.equal(r.status, 200, r.text);
});

after(async () => {
  try {
    await closeBrowser(browser);
  } finally {
    if (server) await server.stop();
  }
});

test('an admin enables the cultural programme; a participant signs up; the calendar',
  { timeout: TEST_TIMEOUT }, async () => {
    const page = await openPage(browser, server, '/admin', DESKTOP);
    try {
      await page.fill('#f-token', 'sa_1_' + 'x'.repeat(43));
      await page.click('button[type=submit]');
      await page.locator('#e-token:not(:empty)').waitFor();
      assert.equal(await page.getAttribute('#f-token', 'aria-invalid'), 'true');
      page.problems.length = 0; // that refusal was the API's 401, as it should be

      await page.fill('#f-token', server.adminToken);
      await page.click('button[type=submit]');
      const form = page.locator(`[data-meeting-plugin="${CULTURAL}"]`);
      await form.waitFor();
      await form.locator('button[type=submit]').click();
      await page.locator(`[data-meeting-plugin="${CULTURAL}"] button.secondary`).waitFor();
      const on = await fetchFrom(server, `/api/v1/meetings/1/plugins/${CULTURAL}`, { token: server.organizerToken });
      assert.equal(on.json.enabled, true, on.text);

      // a token for a colleague, shown once
      await page.fill('#f-name', 'Kolēģe');
      await page.selectOption('#f-role', 'organizer');
      await page.click('#s-tokens form button[type=submit]');
      const shown = (await page.locator('#new-token').innerText()).trim();
      assert.match(shown, /^sa_\d+_/);
      const ok = await fetchFrom(server, '/api/v1/meetings/1/registrations?status=waitlisted', { token: shown });
      assert.equal(ok.status, 200, 'the new token works');
      await screenshot(page, 'admin-desktop');
      await checkA11y(page, 'admin-signed-out-lv');
      assertNoPageErrors(page);
    } finally {
      await page.context().close();
    }

    // a participant, registered through the API, signs up on their page
    const reg = await fetchFrom(server, '/api/v1/meetings/1/registrations', {
      method: 'POST', body: { first_name: 'Līga', last_name: 'Kalniņa', email: 'liga.kalnina@example.lv',
        organisation: 'Cēsu novada pašvaldība', answers: { diet: 'any' } } });
    assert.equal(reg.status, 201, reg.text);
    assert.equal(reg.json.status, 'confirmed');
    const me = await openPage(browser, server, '/manage#' + reg.json.manage_token, PHONE);
    try {
      const fortress = me.locator('[data-activity="1"]');
      await fortress.waitFor();
      assert.match(await fortress.innerText(), /cietoksnis/);
      await fortress.locator('button').click();
      await me.locator('[data-activity="1"] strong:has-text("Pieteicies")').waitFor();
      await screenshot(me, 'manage-cultural-phone');
      assertNoPageErrors(me);
    } finally {
      await me.context().close();
    }

    // the calendar secret: this person's calendar, with the tour, and nothing else
    const url = reg.json.calendar_url;
    assert.match(url, /^\/cal\/.+\.ics$/);
    const cal = await fetchFrom(server, url);
    assert.equal(cal.status, 200);
    assert.match(cal.headers.get('content-type'), /^text\/calendar/);
    assert.match(cal.text, /BEGIN:VCALENDAR/);
    assert.match(cal.text, /cietoksnis|Fortress/);
    const tampered = url.replace(/.(\.ics)$/, (m, ext) => (m[0] === 'A' ? 'B' : 'A') + ext);
    assert.equal((await fetchFrom(server, tampered)).status, 404);
    const other = url.replace(/^\/cal\/(\d+)/, (m, id) => `/cal/${Number(id) - 1}`);
    assert.equal((await fetchFrom(server, other)).status, 404, 'another id with this mac');
    assert.equal((await fetchFrom(server, `/api/v1/registrations/${reg.json.id}`)).status, 401,
      'the calendar URL is no token');
  });

test('the admin page in English passes axe', { timeout: TEST_TIMEOUT }, async () => {
  const page = await openPage(browser, server, '/admin?lang=en', PHONE);
  try {
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal((await page.locator('label[for="f-token"]').innerText()).trim(), 'Admin token');
    await checkA11y(page, 'admin-signed-out-en');
    assertNoPageErrors(page);
  } finally {
    await page.context().close();
  }
});

test('a participant makes a new calendar link: the old one stops, the new one works', { timeout: TEST_TIMEOUT }, async () => {
  const reg = await fetchFrom(server, '/api/v1/meetings/1/registrations', {
    method: 'POST', body: { first_name: 'Jānis', last_name: 'Ozols', email: 'janis.ozols@example.lv',
      organisation: 'Cēsu novada pašvaldība', answers: { diet: 'any' } } });
  assert.equal(reg.status, 201, reg.text);
  const old = reg.json.calendar_url;
  assert.equal((await fetchFrom(server, old)).status, 200);
  const page = await openPage(browser, server, '/manage#' + reg.json.manage_token, PHONE);
  try {
    const link = page.locator('[data-calendar]');
    await link.waitFor();
    assert.equal((await link.innerText()).trim(), server.base + old, 'the link to subscribe to');
    // it asks first; "no" keeps the link
    await page.getByRole('button', { name: 'Jauna kalendāra saite' }).click();
    const ask = page.getByRole('alertdialog');
    assert.match(await ask.innerText(), /pārstās darboties/);
    await ask.getByRole('button', { name: 'Nē, paturēt' }).click();
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Jauna kalendāra saite');
    assert.equal((await fetchFrom(server, old)).status, 200, 'no: nothing changed');
    // yes: a new secret, shown at once
    await page.getByRole('button', { name: 'Jauna kalendāra saite' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Jā, jauna saite' }).click();
    await page.waitForFunction((before) => {
      const c = document.querySelector('[data-calendar]');
      return c && c.textContent !== before;
    }, server.base + old);
    const shown = (await link.innerText()).trim();
    assert.ok(shown.startsWith(server.base + '/cal/'), shown);
    assert.match(await page.locator('#manage-status').innerText(), /Vecā vairs nedarbojas/);
    const fresh = shown.slice(server.base.length);
    assert.equal((await fetchFrom(server, old)).status, 404, 'the old link answers 404');
    const cal = await fetchFrom(server, fresh);
    assert.equal(cal.status, 200, 'the new link works');
    assert.match(cal.text, /BEGIN:VCALENDAR/);
    const now = await fetchFrom(server, `/api/v1/registrations/${reg.json.id}`, { token: reg.json.manage_token });
    assert.equal(now.json.calendar_url, fresh);
    assert.equal(await page.locator(`a[href="${fresh}"]`).count(), 1, 'the .ics link follows');
    await screenshot(page, 'manage-calendar-new-link-phone');
    assertNoPageErrors(page);
  } finally {
    await page.context().close();
  }
});

test('a refused plugin package: our text, and what is wrong with it as code marked English', { timeout: TEST_TIMEOUT }, async () => {
  const page = await openPage(browser, server, '/admin', DESKTOP);
  try {
    await page.fill('#f-token', server.adminToken);
    await page.click('button[type=submit]');
    await page.locator('#f-package').waitFor();
    await page.setInputFiles('#f-package', { name: 'bojats.tar.gz', mimeType: 'application/gzip', buffer: Buffer.from('not a tarball') });
    await page.locator('#f-package').locator('xpath=ancestor::form').locator('button[type=submit]').click();
    const err = page.locator('#e-package');
    await err.locator('code').waitFor();
    assert.match(await err.innerText(), /^Šī pakotne nav derīgs spraudnis: /);
    assert.equal(await err.locator('code').getAttribute('lang'), 'en');
    assert.match(await err.locator('code').innerText(), /gzip/);
    page.problems = page.problems.filter((p) => !p.includes('/api/v1/admin/plugins')); // the 422 was the point
    assertNoPageErrors(page);
  } finally {
    await page.context().close();
  }
});
