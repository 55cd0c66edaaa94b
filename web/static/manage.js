// manage.js - the participant's own page, /manage#TOKEN.  The token lives in
// the URL's fragment, which browsers never send to a server (nor in a
// Referer), and goes to the API only in the Authorization header.  Shows the
// registration, its status and waiting-list position, the site-visit place
// with school, time, vehicle and departure; lets the person change the
// ranking and their details, sign up for the cultural programme, get their
// calendar or a new secret link for it, and cancel (both after a
// confirmation step).
import { api, clearErrors, dateText, el, errorText, fieldError, hhmm, page, t } from './common.js';

const root = document.getElementById('manage');
const token = decodeURIComponent(location.hash.slice(1));
const match = /^sr_(\d+)_[A-Za-z0-9_-]{43}$/.exec(token);
const CULTURAL = 'cultural-programme';

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
  const parts = [el('p', {}, el('strong', {}, t('js.manage.status') + ': '), badge)];
  if (reg.status === 'waitlisted' && reg.waitlist_position) {
    parts.push(el('p', {}, `${t('js.manage.position')}: `, el('strong', { 'data-waitlist': reg.waitlist_position }, String(reg.waitlist_position))));
  }
  return parts;
}

function detailsSection(reg, reload) {
  const form = el('form', { novalidate: true, class: 'noprint' });
  const field = (key, label, value, type) => el('div', { class: 'field' },
    el('label', { for: 'f-' + key }, label),
    el('input', { id: 'f-' + key, name: key, type: type || 'text', value: value || '', 'aria-describedby': 'e-' + key }),
    el('p', { class: 'error', id: 'e-' + key }));
  const status = el('p', { role: 'status' });
  form.append(
    field('first_name', t('js.form.first_name'), reg.first_name),
    field('last_name', t('js.form.last_name'), reg.last_name),
    field('position', t('js.form.position'), reg.position),
    field('phone', t('js.form.phone'), reg.phone, 'tel'),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, t('js.manage.save'))), status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const body = {};
    for (const k of ['first_name', 'last_name', 'position', 'phone']) {
      const v = form.querySelector('#f-' + k).value.trim();
      body[k] = v === '' && (k === 'position' || k === 'phone') ? null : v;
    }
    const r = await api('PATCH', `/api/v1/registrations/${reg.id}`, body, token);
    if (r.status === 200) { announce(t('js.manage.saved')); reload(); return; }
    const err = r.body && r.body.error;
    const c = err && err.field ? fieldError(form, err.field, errorText(err)) : null;
    if (c) c.focus(); else status.textContent = errorText(err);
  });
  return el('section', { 'aria-labelledby': 'h-details' },
    el('h2', { id: 'h-details' }, t('js.manage.details')),
    el('p', {}, `${reg.first_name} ${reg.last_name}`, el('br'), reg.email, el('br'), reg.organisation),
    el('details', {}, el('summary', {}, t('js.manage.edit')), form));
}

function visitsSection(reg, slots, reload) {
  if (!slots.length) return null;
  const out = el('section', { 'aria-labelledby': 'h-visits' }, el('h2', { id: 'h-visits' }, t('js.manage.visit')));
  for (const slot of slots) {
    const place = (reg.site_visits || []).find((p) => p.slot_id === slot.id);
    out.append(el('h3', {}, slot.title), el('p', { class: 'meta' }, when(slot.starts_at, slot.ends_at)));
    if (place && place.option_id) {
      out.append(el('div', { class: 'card', 'data-place': place.option_id },
        el('p', {}, el('strong', {}, place.venue_name), el('br'), place.topic || ''),
        place.host ? el('p', { class: 'meta' }, place.host) : null,
        place.vehicle ? el('p', {}, `${t('js.manage.vehicle')}: ${place.vehicle}`,
          place.departs ? ` · ${t('js.manage.departure')}: ${hhmm(place.departs)}` : '') : null));
    } else if (place && place.waiting_position) {
      out.append(el('p', {}, t('js.manage.visit_waiting', { n: place.waiting_position })));
    } else {
      out.append(el('p', {}, t('js.manage.visit_none')));
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
      form.append(el('div', { class: 'field' }, el('label', { for: id }, t('js.manage.ranking') + ` ${r + 1}.`), select));
    }
    const status = el('p', { role: 'status' });
    form.append(el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'secondary' }, t('js.manage.save_ranking'))), status);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const ids = [...form.querySelectorAll('select')].map((s) => s.value).filter((v) => v).map(Number);
      if (new Set(ids).size !== ids.length) { status.textContent = t('js.error.rank_twice'); return; }
      const r = await api('PATCH', `/api/v1/registrations/${reg.id}`, { visit_preferences: { [slot.id]: ids } }, token);
      if (r.status === 200) { announce(t('js.manage.saved')); reload(); } else status.textContent = errorText(r.body && r.body.error);
    });
    out.append(el('details', {}, el('summary', {}, t('js.manage.ranking')), form));
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
      if (res.status < 300) { announce(t('js.manage.saved')); reload(); } else status.textContent = res.body && res.body.error ? res.body.error.message : t('js.error.server');
    };
    list.append(el('li', { class: 'card', 'data-activity': a.id },
      el('h3', {}, title),
      el('p', { class: 'meta' }, when(a.starts_at, a.ends_at)),
      el('p', {}, `${t('js.manage.seats')}: ${a.free} / ${a.capacity}`),
      s ? el('p', {}, el('strong', {}, s.status === 'waitlisted' ? t('js.status.waitlisted') : t('js.manage.signed_up'))) : null,
      reg.status === 'confirmed' ? el('button', { type: 'button', class: s ? 'secondary' : '', onclick: () => act(s ? 'DELETE' : 'POST') },
        s ? t('js.manage.signoff') : t('js.manage.signup')) : null));
  }
  return el('section', { 'aria-labelledby': 'h-cultural' }, el('h2', { id: 'h-cultural' }, t('js.manage.cultural')), list, status);
}

// A button that asks first: the question with yes and no take its place
// until answered (for what cannot be undone).
function asking(label, cls, question, yes, action) {
  const ask = el('button', { type: 'button', class: cls }, label);
  ask.addEventListener('click', () => {
    const box = el('div', { class: 'notice private', role: 'alertdialog', 'aria-label': label },
      el('p', {}, question),
      el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'danger', onclick: action }, yes),
        el('button', { type: 'button', class: 'secondary', onclick: () => { box.replaceWith(ask); ask.focus(); } }, t('js.manage.cancel_no'))));
    ask.replaceWith(box);
    box.querySelector('button').focus();
  });
  return ask;
}

// The calendar: the file, a subscription (the secret URL: calendar apps
// cannot send a token), and a new secret when the old one went astray.
function calendarSection(reg, reload) {
  const url = reg.calendar_url;
  const status = el('p', { role: 'status' });
  return el('section', { class: 'noprint', 'aria-labelledby': 'h-cal' }, el('h2', { id: 'h-cal' }, t('js.manage.cal')),
    el('div', { class: 'actions' },
      el('a', { class: 'button secondary', href: url }, t('js.manage.calendar')),
      el('a', { class: 'button secondary', href: 'webcal://' + location.host + url }, t('js.manage.subscribe'))),
    el('p', { class: 'hint' }, t('js.manage.cal_link')), el('code', { class: 'secret', 'data-calendar': '' }, location.origin + url),
    asking(t('js.manage.cal_new'), 'secondary', t('js.manage.cal_new_q'), t('js.manage.cal_new_yes'), async () => {
      const r = await api('POST', `/api/v1/registrations/${reg.id}/calendar-secret`, undefined, token);
      if (r.status === 200) { announce(t('js.manage.cal_done')); reload(); } else status.textContent = errorText(r.body && r.body.error);
    }), status);
}

function cancelSection(reg, reload) {
  if (reg.status === 'cancelled') return null;
  const status = el('p', { role: 'status' });
  return el('section', { class: 'noprint', 'aria-labelledby': 'h-cancel' }, el('h2', { id: 'h-cancel' }, t('js.manage.cancel')),
    asking(t('js.manage.cancel'), 'danger', t('js.manage.cancel_confirm'), t('js.manage.cancel_yes'), async () => {
      const r = await api('DELETE', `/api/v1/registrations/${reg.id}`, undefined, token);
      if (r.status === 200) { announce(t('js.manage.cancelled')); reload(); } else status.textContent = errorText(r.body && r.body.error);
    }), status);
}

async function load() {
  if (!match) { say(el('p', { class: 'notice' }, t('js.manage.no_token'))); return; }
  let reg;
  try {
    const r = await api('GET', `/api/v1/registrations/${match[1]}`, undefined, token);
    if (r.status !== 200) { say(el('p', { class: 'notice' }, t('js.manage.unknown'))); return; }
    reg = r.body;
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
  if (reg.status === 'cancelled') parts.push(el('p', { class: 'notice' }, t('js.manage.cancelled')));
  parts.push(detailsSection(reg, load));
  parts.push(visitsSection(reg, slots, load));
  if (reg.status !== 'cancelled') parts.push(await culturalSection(reg, load), calendarSection(reg, load));
  parts.push(cancelSection(reg, load));
  say(...parts.filter(Boolean));
}

load();
