// manage.js - the participant's own page, /manage#TOKEN.  The token lives in
// the URL's fragment, which browsers never send to a server (nor in a
// Referer), and goes to the API only in the Authorization header.  Shows the
// registration, its status and waiting-list position, the site-visit place
// with school, time, vehicle and departure; lets the person change the
// ranking and their details, sign up for the cultural programme, get their
// calendar or a new secret link for it, and cancel (both after a
// confirmation step).
import { api, button, clearErrors, confirming, dateText, el, errorText, field, fieldError, hhmm, page, section, t } from './common.js';

const root = document.getElementById('manage');
const token = decodeURIComponent(location.hash.slice(1));
const match = /^sr_(\d+)_[A-Za-z0-9_-]{43}$/.exec(token);
const CULTURAL = 'cultural-programme';
const T = (k, a) => t('js.manage.' + k, a); // this page's own texts

// The language switch keeps the fragment (the token) when it changes language.
for (const a of document.querySelectorAll('a[hreflang]')) a.href = a.getAttribute('href') + location.hash;

// What an action did, said in a region that outlives the re-rendering that
// follows it (the sections are rebuilt from the API after every change).
const live = el('p', { role: 'status', id: 'manage-status', class: 'notice' });
live.hidden = true;
root.before(live);
function announce(text) {
  live.textContent = text;
  live.hidden = !text;
}

function say(...nodes) { root.replaceChildren(...nodes); }

function when(start, end) { return `${dateText(start)}, ${hhmm(start)}–${hhmm(end)}`; }

function statusLine(reg) {
  const text = t('js.status.' + reg.status);
  const badge = el('span', { class: 'badge', 'data-status': reg.status }, text);
  const parts = [el('p', {}, el('strong', {}, T('status') + ': '), badge)];
  if (reg.status === 'waitlisted' && reg.waitlist_position) {
    parts.push(el('p', {}, `${T('position')}: `, el('strong', { 'data-waitlist': reg.waitlist_position }, String(reg.waitlist_position))));
  }
  return parts;
}

function detailsSection(reg, reload) {
  const keys = ['first_name', 'last_name', 'position', 'phone'];
  const status = el('p', { role: 'status' });
  const form = el('form', { novalidate: true, class: 'noprint' },
    keys.map((k) => field(k, t('js.form.' + k), el('input', { type: k === 'phone' ? 'tel' : 'text', value: reg[k] || '' }))),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, T('save'))), status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const body = {};
    for (const k of keys) {
      const v = form.querySelector('#f-' + k).value.trim();
      body[k] = v === '' && (k === 'position' || k === 'phone') ? null : v;
    }
    const r = await api('PATCH', `/api/v1/registrations/${reg.id}`, body, token);
    if (r.status === 200) { announce(T('saved')); reload(); return; }
    const err = r.body && r.body.error;
    const c = err && err.field ? fieldError(form, err.field, errorText(err)) : null;
    if (c) c.focus(); else status.textContent = errorText(err);
  });
  return section('h2', 'details', T('details'),
    el('p', {}, `${reg.first_name} ${reg.last_name}`, el('br'), reg.email, el('br'), reg.organisation),
    el('details', {}, el('summary', {}, T('edit')), form));
}

function visitsSection(reg, slots, reload) {
  if (!slots.length) return null;
  const out = section('h2', 'visits', T('visit'));
  for (const slot of slots) {
    const place = (reg.site_visits || []).find((p) => p.slot_id === slot.id);
    out.append(el('h3', {}, slot.title), el('p', { class: 'meta' }, when(slot.starts_at, slot.ends_at)));
    if (place && place.option_id) {
      out.append(el('div', { class: 'card', 'data-place': place.option_id },
        el('p', {}, el('strong', {}, place.venue_name), el('br'), place.topic || ''),
        place.host ? el('p', { class: 'meta' }, place.host) : null,
        place.vehicle ? el('p', {}, `${T('vehicle')}: ${place.vehicle}`,
          place.departs ? ` · ${T('departure')}: ${hhmm(place.departs)}` : '') : null));
    } else if (place && place.waiting_position) {
      out.append(el('p', {}, T('visit_waiting', { n: place.waiting_position })));
    } else {
      out.append(el('p', {}, T('visit_none')));
    }
    // the ranking, changeable while the person is not cancelled
    if (reg.status === 'cancelled') continue;
    const ranked = (reg.visit_preferences || {})[String(slot.id)] || [];
    const form = el('form', { class: 'noprint', 'data-slot': slot.id });
    const n = Math.min(3, slot.options.length);
    for (let r = 0; r < n; r++) {
      const id = `rank-${slot.id}-${r + 1}`;
      const select = el('select', { id, 'data-rank': r + 1 },
        el('option', { value: '' }, '—'),
        slot.options.map((o) => el('option', { value: o.id, selected: ranked[r] === o.id }, `${o.venue_name}${o.topic ? ' – ' + o.topic : ''}`)));
      form.append(el('div', { class: 'field' }, el('label', { for: id }, T('ranking') + ` ${r + 1}.`), select));
    }
    const status = el('p', { role: 'status' });
    form.append(el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'secondary' }, T('save_ranking'))), status);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const ids = [...form.querySelectorAll('select')].map((s) => s.value).filter((v) => v).map(Number);
      if (new Set(ids).size !== ids.length) { status.textContent = t('js.error.rank_twice'); return; }
      const r = await api('PATCH', `/api/v1/registrations/${reg.id}`, { visit_preferences: { [slot.id]: ids } }, token);
      if (r.status === 200) { announce(T('saved')); reload(); } else status.textContent = errorText(r);
    });
    out.append(el('details', {}, el('summary', {}, T('ranking')), form));
  }
  return out;
}

async function culturalSection(reg, reload) {
  const r = await api('GET', `/api/v1/meetings/${reg.meeting}/plugins/${CULTURAL}/activities`);
  if (r.status !== 200 || !r.body.activities || !r.body.activities.length) return null;
  const mine = new Map(((reg.plugins && reg.plugins[CULTURAL] && reg.plugins[CULTURAL].signups) || [])
    .map((s) => [s.activity.id, s]));
  const status = el('p', { role: 'status' });
  const list = el('ul', { class: 'cards' });
  for (const a of r.body.activities) {
    const s = mine.get(a.id);
    const title = (page.lang === 'en' ? a.title_en : a.title_lv) || a.title_lv || a.title_en;
    const act = async (method) => {
      const res = await api(method, `/api/v1/meetings/${reg.meeting}/plugins/${CULTURAL}/activities/${a.id}/signup?lang=${page.lang}`, undefined, token);
      if (res.status < 300) { announce(T('saved')); reload(); } else status.textContent = res.body && res.body.error ? res.body.error.message : t('js.error.server');
    };
    list.append(el('li', { class: 'card', 'data-activity': a.id },
      el('h3', {}, title),
      el('p', { class: 'meta' }, when(a.starts_at, a.ends_at)),
      el('p', {}, `${T('seats')}: ${a.free} / ${a.capacity}`),
      s ? el('p', {}, el('strong', {}, s.status === 'waitlisted' ? t('js.status.waitlisted') : T('signed_up'))) : null,
      reg.status === 'confirmed' ? button(s ? T('signoff') : T('signup'), () => act(s ? 'DELETE' : 'POST'), s ? 'secondary' : '') : null));
  }
  return section('h2', 'cultural', T('cultural'), list, status);
}

// The calendar: the file, a subscription (the secret URL: calendar apps
// cannot send a token), and a new secret when the old one went astray.
function calendarSection(reg, reload) {
  const url = reg.calendar_url;
  const status = el('p', { role: 'status' });
  return section('h2', 'cal', T('cal'),
    el('div', { class: 'actions' },
      el('a', { class: 'button secondary', href: url }, T('calendar')),
      el('a', { class: 'button secondary', href: 'webcal://' + location.host + url }, T('subscribe'))),
    el('p', { class: 'hint' }, T('cal_link')), el('code', { class: 'secret', 'data-calendar': '' }, location.origin + url),
    confirming(T('cal_new'), T('cal_new_q'), T('cal_new_yes'), async () => {
      const r = await api('POST', `/api/v1/registrations/${reg.id}/calendar-secret`, undefined, token);
      if (r.status === 200) { announce(T('cal_done')); reload(); } else status.textContent = errorText(r);
    }, 'secondary', T('cancel_no')), status);
}

function cancelSection(reg, reload) {
  if (reg.status === 'cancelled') return null;
  const status = el('p', { role: 'status' });
  return section('h2', 'cancel', T('cancel'),
    confirming(T('cancel'), T('cancel_confirm'), T('cancel_yes'), async () => {
      const r = await api('DELETE', `/api/v1/registrations/${reg.id}`, undefined, token);
      if (r.status === 200) { announce(T('cancelled')); reload(); } else status.textContent = errorText(r);
    }, 'danger', T('cancel_no')), status);
}

async function load() {
  if (!match) { say(el('p', { class: 'notice' }, T('no_token'))); return; }
  let reg;
  const again = () => el('a', { href: `/meetings/${reg.meeting}#register-now` }, T('again'));
  try {
    const r = await api('GET', `/api/v1/registrations/${match[1]}`, undefined, token);
    if (r.status !== 200) { say(el('p', { class: 'notice' }, T('unknown'))); return; }
    reg = r.body;
    if (reg.email_pending) { // opening the mailed link is what confirms the address
      const c = await api('POST', `/api/v1/registrations/${reg.id}/confirm-email`, undefined, token);
      if (c.status === 409) { say(el('p', { class: 'notice' }, T('expired'), ' ', again())); return; }
      announce(c.status === 200 ? T('email_confirmed') : errorText(c));
      if (c.status === 200) { load(); return; } // as GET shows it now (with the plugins' part)
    }
  } catch (e) {
    say(el('p', { class: 'notice' }, t('js.error.network'))); return;
  }
  const [m, visits] = await Promise.all([
    api('GET', `/api/v1/meetings/${reg.meeting}`),
    api('GET', `/api/v1/meetings/${reg.meeting}/site-visits`)]);
  const slots = visits.status === 200 ? visits.body.slots || [] : [];
  const parts = [];
  if (m.status === 200) parts.push(el('p', { class: 'lead' }, el('a', { href: `/meetings/${reg.meeting}` }, m.body.title)));
  parts.push(...statusLine(reg));
  if (reg.status === 'cancelled') parts.push(el('p', { class: 'notice' }, T('cancelled'), ' ', again()));
  parts.push(detailsSection(reg, load));
  parts.push(visitsSection(reg, slots, load));
  if (reg.status !== 'cancelled') parts.push(await culturalSection(reg, load), calendarSection(reg, load));
  parts.push(cancelSection(reg, load));
  say(...parts.filter(Boolean));
}

load();
