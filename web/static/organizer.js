// organizer.js - the organizers' pages, /organizer: sign in with an
// organizer token (kept in sessionStorage only, sent only in the
// Authorization header, never in a URL), then the meetings (list, create,
// edit, open/close registration, e-mail confirmation, the form's custom
// fields), a meeting's registrations (search, filters, CSV, cancel, move from
// the waiting list), its agenda with problems and agenda scripts (dry run,
// then apply), site visits (allocation, pins, host lists, transport), and
// messages to its people (preview, then send).  The view is in the
// query: /organizer?meeting=1&tab=registrations.
import { api, button, clearErrors, confirming, dateText, el, errorText, field, fieldError, fold, hhmm, page, section, t } from './common.js';

const app = document.getElementById('app');
const STORE = 'saiets.organizer.token';
const TABS = ['settings', 'registrations', 'agenda', 'visits', 'messages'];
const KINDS = ['text', 'choice', 'multi_choice', 'boolean', 'number', 'date'];
const collator = new Intl.Collator('lv');
const T = (k, a) => t('js.org.' + k, a); // this page's own texts
let token = sessionStorage.getItem(STORE) || '';
let filters = { q: '', status: '', org: '' }; // the registrations' filters, kept across reloads

class Stop extends Error {} // a 401 ended the view: the sign-in form is shown instead

// --- small helpers ---------------------------------------------------------

const live = el('p', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
function announce(msg) { live.textContent = ''; setTimeout(() => { live.textContent = msg; }, 50); }

// replaceChildren / append without the nulls that conditional parts leave
// (the DOM would write them as the text "null").
const kids = (list) => list.flat().filter((k) => k !== null && k !== undefined && k !== false);
function put(node, ...list) { node.replaceChildren(...kids(list)); }
function add(node, ...list) { node.append(...kids(list)); }

function params() { return new URLSearchParams(location.search); }

function href(q) {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') s.set(k, v);
  const text = s.toString();
  return '/organizer' + (text ? '?' + text : '');
}

// A link inside the app: the page is not reloaded, the view is.
function link(q, text, attrs) {
  return el('a', { ...attrs, href: href(q), onclick: (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
    ev.preventDefault(); history.pushState(null, '', href(q)); route(true);
  } }, text);
}

// The language switch keeps the view (its own ?lang= first).
function fixLangLinks() {
  const p = params();
  for (const a of document.querySelectorAll('a[hreflang]')) {
    if (!a.dataset.base) a.dataset.base = a.getAttribute('href');
    let h = a.dataset.base;
    for (const k of ['meeting', 'tab']) if (p.get(k)) h += `&${k}=${encodeURIComponent(p.get(k))}`;
    a.setAttribute('href', h);
  }
}

function dates(m) { return m.ends_on && m.ends_on !== m.starts_on ? `${dateText(m.starts_on)} – ${dateText(m.ends_on)}` : dateText(m.starts_on); }

// RFC 3339 <-> the value of <input type=datetime-local> (the browser's zone).
function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const p2 = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:${p2(d.getMinutes())}`;
}
function fromLocalInput(v) { return v ? new Date(v).toISOString().replace(/\.\d{3}Z$/, 'Z') : null; }

function fullName(r) { return `${r.first_name} ${r.last_name}`; }

// Our texts for the API's errors, "js.org.err.CODE" (errorText knows the
// participants' ones and what is left).
function errText(r) {
  if (r.status === 0) return t('js.error.network');
  if (r.status === 403) return T('forbidden');
  const err = r.body && r.body.error;
  return err && page.texts['js.org.err.' + err.code] ? T('err.' + err.code) : errorText(err);
}

// The API with the token; a 401 signs out.  Never throws for HTTP errors.
async function call(method, path, body) {
  let r;
  try { r = await api(method, path, body, token); } catch (e) { return { status: 0, body: null }; }
  if (r.status === 401) { signOuT('expired'); throw new Stop(); }
  return r;
}

// A GET that must succeed for the view to make sense.
async function must(path) {
  const r = await call('GET', path);
  if (r.status !== 200) { showError(errText(r)); throw new Stop(); }
  return r.body;
}

// A file the API makes (CSV, a printable page) fetched with the token.
async function fetchFile(path) {
  let res;
  try { res = await fetch(path, { headers: { Authorization: 'Bearer ' + token }, credentials: 'omit', cache: 'no-store' }); }
  catch (e) { announce(t('js.error.network')); return null; }
  if (res.status === 401) { signOuT('expired'); return null; }
  if (!res.ok) { announce(t('js.error.server')); return null; }
  return res.blob();
}

function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name, class: 'sr-only' });
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

function view() { return document.getElementById('org-view'); }

function showError(msg) {
  const v = view();
  if (v) v.replaceChildren(el('p', { class: 'notice bad', role: 'alert' }, msg));
}

// Shows a 422 next to its field (or in the form's summary) and focuses it.
function formError(form, r, summary, msgFor) {
  const err = r.body && r.body.error;
  const msg = msgFor ? msgFor(err) : errText(r);
  const c = err && err.field ? fieldError(form, err.field, msg) : null;
  if (c) { c.focus(); summary.textContent = t('js.error.summary'); return; }
  summary.textContent = msg;
  summary.focus();
}

// --- signing in ------------------------------------------------------------

function signOut(msgKey) {
  token = '';
  sessionStorage.removeItem(STORE);
  signInView(msgKey);
}

function signInView(msgKey) {
  const input = el('input', { type: 'password', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'off', required: true });
  const form = el('form', { novalidate: true, class: 'signin' },
    field('token', T('token'), input, T('token_hint')),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, T('signin'))));
  const status = el('p', { role: 'alert', class: 'notice bad' });
  const heading = el('h2', { tabindex: '-1' }, T('signin_title'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const value = input.value.trim();
    const fail = (key) => { fieldError(form, 'token', t(key)); input.focus(); };
    if (!/^sa_\d+_[A-Za-z0-9_-]{43}$/.test(value)) return fail('js.org.token_format');
    const button = form.querySelector('button');
    button.disabled = true;
    let r;
    try {
      // A harmless read that needs the organizer's right: a meeting's list of
      // cancellations (404 for a meeting that does not exist is as good).
      const list = await api('GET', '/api/v1/meetings');
      const first = list.status === 200 && list.body.meetings.length ? list.body.meetings[0].id : 1;
      r = await api('GET', `/api/v1/meetings/${first}/registrations?status=cancelled`, undefined, value);
    } catch (e) { r = { status: 0 }; }
    button.disabled = false;
    if (r.status === 200 || r.status === 404) {
      token = value;
      sessionStorage.setItem(STORE, token);
      route(true);
      return;
    }
    fail(r.status === 401 ? 'js.org.token_unknown' : r.status === 403 ? 'js.org.forbidden' : 'js.error.network');
  });
  const parts = [heading];
  if (msgKey) { status.textContent = t(msgKey); parts.push(status); }
  parts.push(el('p', {}, T('signin_lead')), form);
  app.replaceChildren(...parts);
  (msgKey ? input : heading).focus();
}

// --- the frame: who is signed in, where we are -------------------------------

// moved: a new view, its heading takes focus; focus: selectors, the first
// found takes focus after an action re-drew the view (so that the keyboard
// stays in place).
async function route(moved, focus) {
  fixLangLinks();
  if (!token) { signInView(); return; }
  const p = params();
  const meetingId = /^\d+$/.test(p.get('meeting') || '') ? Number(p.get('meeting')) : 0;
  const tab = TABS.includes(p.get('tab')) ? p.get('tab') : 'settings';
  const bar = el('div', { class: 'org-bar' },
    el('p', {}, T('signed_in')),
    button(T('signout'), () => { signOut(); announce(T('signed_out')); }));
  const crumbs = el('nav', { 'aria-label': T('crumbs'), class: 'crumbs' }, el('ol', {},
    el('li', {}, meetingId ? link({}, T('meetings')) : el('span', { 'aria-current': 'page' }, T('meetings')))));
  const v = el('div', { id: 'org-view' }, el('p', {}, T('loading')));
  put(app, bar, meetingId ? crumbs : null, v);
  try {
    if (meetingId) await meetingView(meetingId, tab, crumbs.firstChild);
    else await meetingsView();
  } catch (e) {
    if (!(e instanceof Stop)) { showError(t('js.error.server')); throw e; }
    return;
  }
  const target = [].concat(focus || []).map((f) => document.querySelector(f)).find(Boolean) ||
    (moved && view() && view().querySelector('h2'));
  if (target) {
    if (!target.matches('a, button, input, select, textarea, [tabindex]')) target.setAttribute('tabindex', '-1');
    target.focus();
  }
}

window.addEventListener('popstate', () => route(true));
app.after(live); // outside the views, so that it is never re-made while speaking

// --- meetings --------------------------------------------------------------

async function meetingsView() {
  const { meetings } = await must('/api/v1/meetings');
  const rows = meetings.map((m) => el('tr', { 'data-meeting': m.id },
    el('th', { scope: 'row' }, link({ meeting: m.id }, m.title)),
    el('td', {}, dates(m), m.city ? el('br') : null, m.city || ''),
    el('td', {}, el('span', { class: 'badge', 'data-status': m.status }, T('status.' + m.status))),
    el('td', { class: 'num' }, `${m.confirmed} / ${m.capacity}`, m.waitlisted ? el('br') : null,
      m.waitlisted ? T('waiting_n', { n: m.waitlisted }) : '')));
  const create = meetingForm(null, (created) => { history.pushState(null, '', href({ meeting: created.id })); route(true); });
  view().replaceChildren(
    el('h2', { tabindex: '-1' }, T('meetings')),
    meetings.length
      ? el('div', { class: 'table-wrap' }, el('table', {},
        el('thead', {}, el('tr', {}, ['col.title', 'col.when', 'col.status', 'col.seats']
          .map((k) => el('th', { scope: 'col' }, T(k))))),
        el('tbody', {}, rows)))
      : el('p', {}, T('no_meetings')),
    section('h3', 'new', T('new_meeting'),
      el('details', {}, el('summary', {}, T('new_meeting_open')), create)));
}

// The meeting's own fields; m null for a new meeting.
function meetingForm(m, saved) {
  const v = (k) => (m && m[k] !== null && m[k] !== undefined ? String(m[k]) : '');
  const input = (type, value, extra) => el('input', { type, value, ...extra });
  const status = el('select', {}, ['open', 'closed', 'draft'].map((s) =>
    el('option', { value: s, selected: (m ? m.status : 'open') === s }, T('status.' + s))));
  const form = el('form', { novalidate: true, class: 'meeting-form' },
    field('title', T('f.title'), input('text', v('title'), { maxlength: 200, required: true })),
    el('div', { class: 'row2' },
      field('starts_on', T('f.starts_on'), input('date', v('starts_on'), { required: true })),
      field('ends_on', T('f.ends_on'), input('date', v('ends_on'), { required: true }))),
    el('div', { class: 'row2' },
      field('capacity', T('f.capacity'), input('number', v('capacity'), { min: 1, max: 100000, required: true, inputmode: 'numeric' })),
      field('city', T('f.city'), input('text', v('city'), { maxlength: 200 }))),
    field('timezone', T('f.timezone'), input('text', m ? m.timezone : 'Europe/Riga', { autocomplete: 'off' }), T('f.timezone_hint')),
    el('div', { class: 'row2' },
      field('registration_opens_at', T('f.opens'), input('datetime-local', toLocalInput(m && m.registration_opens_at))),
      field('registration_closes_at', T('f.closes'), input('datetime-local', toLocalInput(m && m.registration_closes_at)))),
    el('p', { class: 'hint' }, T('f.window_hint')),
    field('status', T('f.status'), status),
    el('div', { class: 'field choice-line' },
      el('input', { type: 'checkbox', id: 'f-confirm_email', checked: !!(m && m.confirm_email), 'aria-describedby': 'h-confirm_email' }),
      el('label', { for: 'f-confirm_email' }, T('f.confirm_email')), el('p', { class: 'hint', id: 'h-confirm_email' }, T('f.confirm_hint'))),
    field('confirm_minutes', T('f.confirm_minutes'), input('number', m ? v('confirm_minutes') : '30', { min: 5, max: 1440, inputmode: 'numeric' }), T('f.confirm_minutes_hint')),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, m ? T('save') : T('create'))));
  const summary = el('p', { class: 'error', role: 'alert', tabindex: '-1' });
  form.append(summary);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    summary.textContent = '';
    const val = (k) => form.querySelector('#f-' + k).value.trim();
    const body = { title: val('title'), starts_on: val('starts_on'), ends_on: val('ends_on'),
      city: val('city') || null, timezone: val('timezone') || 'Europe/Riga', status: val('status'),
      registration_opens_at: fromLocalInput(val('registration_opens_at')),
      registration_closes_at: fromLocalInput(val('registration_closes_at')) };
    body.confirm_email = form.querySelector('#f-confirm_email').checked;
    for (const k of ['capacity', 'confirm_minutes']) body[k] = /^\d+$/.test(val(k)) ? Number(val(k)) : val(k); // the server names a bad one
    for (const k of ['title', 'starts_on', 'ends_on', 'capacity']) {
      if (body[k] === '') { fieldError(form, k, t('js.error.required')); }
    }
    const missing = form.querySelector('[aria-invalid]');
    if (missing) { summary.textContent = t('js.error.summary'); missing.focus(); return; }
    if (!m) for (const k of Object.keys(body)) if (body[k] === null) delete body[k];
    const r = await call(m ? 'PATCH' : 'POST', m ? `/api/v1/meetings/${m.id}` : '/api/v1/meetings', body);
    if (r.status === 200 || r.status === 201) { announce(T('saved')); saved(r.body); return; }
    formError(form, r, summary);
  });
  return form;
}

async function meetingView(id, tab, crumbs) {
  const m = await must(`/api/v1/meetings/${id}`);
  crumbs.append(el('li', {}, el('span', { 'aria-current': 'page' }, m.title)));
  document.title = `${m.title} – ${T('title')} – Saiets`;
  const tabs = el('nav', { class: 'tabs', 'aria-label': T('sections') }, el('ul', {},
    TABS.map((k) => el('li', {}, link({ meeting: id, tab: k }, T('tab.' + k), { 'aria-current': k === tab ? 'page' : null })))));
  const body = el('div', { class: 'tab-body' });
  view().replaceChildren(el('h2', { tabindex: '-1' }, m.title),
    el('p', { class: 'meta' }, dates(m), m.city ? ` · ${m.city}` : '', ' · ',
      el('span', { class: 'badge', 'data-status': m.status }, T('status.' + m.status)), ' · ',
      T('seats_line', { c: m.confirmed, cap: m.capacity, w: m.waitlisted })),
    tabs, body);
  if (tab === 'settings') settingsTab(m, body);
  else if (tab === 'registrations') await registrationsTab(m, body);
  else if (tab === 'agenda') await agendaTab(m, body);
  else if (tab === 'visits') await visitsTab(m, body);
  else await messagesTab(m, body);
}

// --- settings: the meeting, open/close, the form's fields -------------------------

function settingsTab(m, body) {
  const toggle = m.status === 'open'
    ? button(T('close_reg'), () => setStatus('closed'))
    : button(T('open_reg'), () => setStatus('open'), '');
  const toggleMsg = el('p', { role: 'alert', class: 'error' });
  async function setStatus(s) {
    const r = await call('PATCH', `/api/v1/meetings/${m.id}`, { status: s });
    if (r.status === 200) { announce(T('status_now', { s: T('status.' + s) })); route(false, '#h-reg'); }
    else toggleMsg.textContent = errText(r);
  }
  body.replaceChildren(
    section('h3', 'reg', T('registration'),
      el('p', {}, T('reg_state.' + m.status)), el('div', { class: 'actions' }, toggle), toggleMsg),
    section('h3', 'edit', T('edit_meeting'),
      meetingForm(m, () => route(false, '#h-edit'))),
    fieldsEditor(m));
}

// The custom registration fields: add, remove, reorder, save whole.
function fieldsEditor(m) {
  let defs = (m.fields || []).map((f) => ({ ...f, label: { ...(f.label || {}) } }));
  const list = el('div', { id: 'f-fields', tabindex: '-1' });
  const summary = el('p', { class: 'error', role: 'alert', tabindex: '-1' });
  const form = el('form', { novalidate: true, class: 'fields-editor' }, el('p', { class: 'error', id: 'e-fields' }), list,
    el('div', { class: 'actions' },
      button(T('fields.add'), () => { sync(); defs.push({ key: '', type: 'text', label: {}, required: false }); render(); focusRow(defs.length - 1); }),
      el('button', { type: 'submit' }, T('fields.save'))), summary);

  function id(i, member) { return `fields[${i}]${member ? '.' + member : ''}`; }
  function q(i, member) { return form.querySelector('#f-' + CSS.escape(id(i, member))); }
  function sync() { // the form's values into defs
    defs = defs.map((d, i) => {
      const type = q(i, 'type').value;
      const out = { key: q(i, 'key').value.trim(), type, required: q(i, 'required').checked, label: {} };
      for (const l of ['lv', 'en']) { const s = q(i, 'label.' + l).value.trim(); if (s) out.label[l] = s; }
      const opts = q(i, 'options');
      if (opts) out.options = opts.value.split('\n').map((s) => s.trim()).filter(Boolean);
      const ml = q(i, 'max_length');
      if (ml && ml.value.trim() !== '') out.max_length = /^\d+$/.test(ml.value.trim()) ? Number(ml.value.trim()) : ml.value.trim();
      return out;
    });
  }
  function focusRow(i) { const k = q(i, 'key'); if (k) k.focus(); }
  function move(i, by) { sync(); const [d] = defs.splice(i, 1); defs.splice(i + by, 0, d); render(); announce(T('fields.moved', { n: i + by + 1 })); form.querySelector(`[data-move="${i + by}:${by}"]`)?.focus() || focusRow(i + by); }
  function remove(i) { sync(); defs.splice(i, 1); render(); announce(T('fields.removed')); if (defs.length) focusRow(Math.min(i, defs.length - 1)); else list.focus(); }
  function row(d, i) {
    const fs = el('fieldset', { class: 'field-def', id: 'f-' + id(i), 'data-index': i });
    const small = (member, label, control) => { const f = field(id(i, member), label, control); return f; };
    const typeSel = el('select', {}, KINDS.map((k) => el('option', { value: k, selected: d.type === k }, T('type.' + k))));
    typeSel.addEventListener('change', () => { sync(); render(); q(i, 'type').focus(); });
    const req = el('input', { type: 'checkbox', checked: !!d.required });
    req.id = 'f-' + id(i, 'required');
    fs.append(el('legend', {}, T('fields.nth', { n: i + 1 }) + (d.key ? ` – ${d.key}` : '')),
      el('p', { class: 'error', id: 'e-' + id(i) }),
      el('div', { class: 'row2' },
        small('key', T('fields.key'), el('input', { type: 'text', value: d.key || '', maxlength: 40, autocomplete: 'off', spellcheck: 'false' })),
        small('type', T('fields.type'), typeSel)),
      el('div', { class: 'row2' },
        small('label.lv', T('fields.label_lv'), el('input', { type: 'text', lang: 'lv', value: (d.label && d.label.lv) || '' })),
        small('label.en', T('fields.label_en'), el('input', { type: 'text', lang: 'en', value: (d.label && d.label.en) || '' }))),
      el('p', { class: 'error', id: 'e-' + id(i, 'label') }),
      el('div', { class: 'field choice-line' }, req, el('label', { for: req.id }, T('fields.required')),
        el('p', { class: 'error', id: 'e-' + id(i, 'required') })));
    if (d.type === 'choice' || d.type === 'multi_choice') {
      fs.append(small('options', T('fields.options'), el('textarea', { rows: 4, text: (d.options || []).join('\n') })));
    }
    if (d.type === 'text') {
      fs.append(small('max_length', T('fields.max_length'), el('input', { type: 'number', min: 1, max: 5000, value: d.max_length || '', inputmode: 'numeric' })));
    }
    fs.append(el('div', { class: 'actions' },
      i > 0 ? button(T('fields.up'), () => move(i, -1), 'secondary', { 'data-move': `${i}:-1` }) : null,
      i < defs.length - 1 ? button(T('fields.down'), () => move(i, 1), 'secondary', { 'data-move': `${i}:1` }) : null,
      button(T('fields.remove'), () => remove(i))));
    return fs;
  }
  function render() {
    list.replaceChildren(...(defs.length ? defs.map(row) : [el('p', {}, T('fields.none'))]));
  }
  // "fields[2].options" -> a text for that member
  function msgFor(err) {
    if (!err) return t('js.error.server');
    const member = (/^fields\[\d+\]\.(\w+)/.exec(err.field || '') || [])[1];
    if (err.code === 'missing_field') return t('js.error.required');
    return member && page.texts['js.org.fields.err.' + member] ? T('fields.err.' + member) : errorText(err);
  }
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    sync();
    const fields = defs.map((d) => {
      const out = { key: d.key, type: d.type, required: d.required, label: d.label };
      if ((d.type === 'choice' || d.type === 'multi_choice')) out.options = d.options || [];
      if (d.type === 'text' && d.max_length !== undefined) out.max_length = d.max_length;
      return out;
    });
    const r = await call('PATCH', `/api/v1/meetings/${m.id}`, { fields });
    if (r.status === 200) { announce(T('saved')); route(false, '#h-fields'); return; }
    const err = r.body && r.body.error;
    // "fields[2].label.lv" has no control of its own: its row's label line
    if (err && err.field) err.field = err.field.replace(/^(fields\[\d+\]\.label)\..*$/, '$1');
    formError(form, r, summary, msgFor);
  });
  render();
  return section('h3', 'fields', T('fields.title'),
    el('p', { class: 'hint' }, T('fields.hint')), form);
}

// --- registrations -----------------------------------------------------------

async function registrationsTab(m, body) {
  const [regs, orgs] = await Promise.all([
    must(`/api/v1/meetings/${m.id}/registrations`), call('GET', '/api/v1/organisations')]);
  const all = regs.registrations;
  const kinds = new Map(orgs.status === 200 ? orgs.body.organisations.map((o) => [o.name, o.kind]) : []);
  const names = [...new Set(all.map((r) => r.organisation).filter(Boolean))].sort(collator.compare);
  const muni = names.filter((n) => kinds.get(n) === 'municipality');
  const other = names.filter((n) => kinds.get(n) !== 'municipality');
  const search = el('input', { type: 'search', value: filters.q, autocomplete: 'off' });
  const status = el('select', {}, ['', 'confirmed', 'waitlisted', 'cancelled'].map((s) =>
    el('option', { value: s, selected: filters.status === s }, s ? t('js.status.' + s) : T('all'))));
  const org = el('select', {}, el('option', { value: '' }, T('all')),
    muni.length ? el('optgroup', { label: T('municipalities') }, muni.map((n) => el('option', { value: n, selected: filters.org === n }, n))) : null,
    other.length ? el('optgroup', { label: T('other_orgs') }, other.map((n) => el('option', { value: n, selected: filters.org === n }, n))) : null);
  const count = el('p', { role: 'status', class: 'count' });
  const tbody = el('tbody');
  const csv = button(T('csv'), async () => {
    const blob = await fetchFile(`/api/v1/meetings/${m.id}/registrations?format=csv`);
    if (blob) { download(blob, `registrations-${m.id}.csv`); announce(T('csv_done')); }
  });
  const folded = all.map((r) => fold(`${r.first_name} ${r.last_name} ${r.email} ${r.organisation || ''}`));

  function actions(r) {
    const cell = el('td', { class: 'row-actions' });
    if (r.status === 'waitlisted') {
      const full = m.confirmed >= m.capacity;
      cell.append(confirming(T('promote'),
        full ? T('promote_q_full', { name: fullName(r), cap: m.capacity + 1 }) : T('promote_q', { name: fullName(r) }),
        T('promote_yes'), async () => {
          const res = await call('POST', `/api/v1/registrations/${r.id}/promote`);
          if (res.status === 200) {
            announce(res.body.capacity_grew ? T('promoted_grew', { name: fullName(r), cap: res.body.meeting_capacity }) : T('promoted', { name: fullName(r) }));
            route(false, [`tr[data-registration="${r.id}"] th`, '#h-regs']);
          } else announce(errText(res));
        }, 'secondary'), ' ');
    }
    if (r.status !== 'cancelled') {
      cell.append(confirming(T('cancel'), T('cancel_q', { name: fullName(r) }), T('cancel_yes'), async () => {
        const res = await call('DELETE', `/api/v1/registrations/${r.id}`);
        if (res.status === 200) { announce(T('cancelled', { name: fullName(r) })); route(false, [`tr[data-registration="${r.id}"] th`, '#h-regs']); } else announce(errText(res));
      }));
    }
    return cell;
  }
  function draw() {
    filters = { q: search.value, status: status.value, org: org.value };
    const needle = fold(search.value.trim());
    const shown = all.filter((r, i) => (!needle || folded[i].includes(needle)) &&
      (!filters.status || r.status === filters.status) && (!filters.org || r.organisation === filters.org));
    tbody.replaceChildren(...shown.map((r) => el('tr', { 'data-registration': r.id, 'data-status': r.status },
      el('th', { scope: 'row' }, fullName(r), r.position ? el('span', { class: 'meta block' }, r.position) : null),
      el('td', { class: 'email', 'data-label': T('col.email') }, r.email),
      el('td', { 'data-label': T('organisation') }, r.organisation || ''),
      el('td', { 'data-label': T('col.status') }, el('span', { class: 'badge', 'data-status': r.status }, t('js.status.' + r.status)),
        r.waitlist_position ? el('span', { class: 'block' }, T('position_n', { n: r.waitlist_position })) : null),
      actions(r))));
    count.textContent = T('shown', { n: shown.length, total: all.length });
  }
  let timer;
  search.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(draw, 150); });
  status.addEventListener('change', draw);
  org.addEventListener('change', draw);
  body.replaceChildren(section('h3', 'regs', T('tab.registrations'),
    el('div', { class: 'filters', role: 'search' },
      field('q', T('search'), search, T('search_hint')),
      field('status_filter', T('col.status'), status),
      field('org_filter', T('organisation'), org)),
    el('div', { class: 'actions' }, csv), count,
    el('div', { class: 'table-wrap' }, el('table', { class: 'regs' },
      el('caption', { class: 'sr-only' }, T('tab.registrations')),
      el('thead', {}, el('tr', {}, ['col.name', 'col.email', 'organisation', 'col.status', 'col.actions']
        .map((k) => el('th', { scope: 'col' }, T(k))))),
      tbody))));
  draw();
}

// --- agenda -------------------------------------------------------------------

function problemText(p, titles, self) {
  const others = (p.items || []).filter((x) => x !== self).map((x) => titles.get(x)).filter(Boolean);
  const label = page.texts['js.org.problem.' + p.code] ? T('problem.' + p.code) : T('problem.other');
  return others.length ? `${label}: ${others.join('; ')}` : label;
}

async function agendaTab(m, body) {
  const [agenda, probs] = await Promise.all([must(`/api/v1/meetings/${m.id}/agenda`), must(`/api/v1/meetings/${m.id}/agenda/problems`)]);
  const titles = new Map();
  for (const d of agenda.days) for (const it of d.items) titles.set(it.id, `${hhmm(it.starts_at)} ${it.title}`);
  const byItem = new Map();
  for (const p of probs.problems) for (const id of p.items || []) { if (!byItem.has(id)) byItem.set(id, []); byItem.get(id).push(p); }
  const days = agenda.days.map((d) => el('section', { class: 'day', 'aria-labelledby': 'day-' + d.date },
    el('h4', { id: 'day-' + d.date }, dateText(d.date)),
    el('ul', { class: 'org-agenda' }, d.items.map((it) => {
      const ps = byItem.get(it.id) || [];
      return el('li', { 'data-item': it.id, class: ps.length ? 'has-problem' : null },
        el('span', { class: 'time' }, `${hhmm(it.starts_at)}–${hhmm(it.ends_at)}`), ' ',
        el('strong', {}, it.title),
        el('span', { class: 'meta block' }, [T('kind.' + it.kind), it.venue_name, it.track].filter(Boolean).join(' · ')),
        ps.length ? el('ul', { class: 'problems' }, ps.map((p) => el('li', {}, el('span', { class: 'warn' }, '⚠ '), problemText(p, titles, it.id)))) : null);
    }))));
  body.replaceChildren(
    section('h3', 'agenda', T('tab.agenda'),
      el('p', {}, probs.problems.length ? el('strong', { class: 'warn' }, T('problems_n', { n: probs.problems.length })) : T('no_problems'),
        ' ', el('a', { href: `/meetings/${m.id}/agenda` }, T('agenda_print'))),
      agenda.days.length ? days : el('p', {}, T('agenda_empty'))),
    scriptSection(m));
}

function scriptSection(m) {
  const name = el('input', { type: 'text', value: 'script', pattern: '[a-z0-9][a-z0-9_.-]{0,63}', autocomplete: 'off', spellcheck: 'false' });
  const file = el('input', { type: 'file', accept: '.lua,text/plain,text/x-lua' });
  const text = el('textarea', { rows: 12, spellcheck: 'false', class: 'code' });
  const out = el('div', { class: 'diff', 'aria-live': 'polite' });
  const summary = el('p', { class: 'error', role: 'alert', tabindex: '-1' });
  const form = el('form', { novalidate: true },
    field('script_name', T('script.name'), name, T('script.name_hint')),
    field('script_file', T('script.file'), file),
    field('script_text', T('script.text'), text),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, T('script.dry'))), summary);
  file.addEventListener('change', async () => {
    const f = file.files[0];
    if (!f) return;
    text.value = await f.text();
    if (name.value === 'script') name.value = f.name.replace(/\.lua$/i, '').toLowerCase().replace(/[^a-z0-9_.-]/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 64) || 'script';
    announce(T('script.loaded'));
  });
  async function send(apply) {
    clearErrors(form);
    summary.textContent = '';
    if (!/^[a-z0-9][a-z0-9_.-]{0,63}$/.test(name.value)) { fieldError(form, 'script_name', T('script.name_hint')); name.focus(); return null; }
    if (!text.value.trim()) { fieldError(form, 'script_text', t('js.error.required')); text.focus(); return null; }
    let res;
    try {
      res = await fetch(`/api/v1/meetings/${m.id}/agenda/scripts?name=${encodeURIComponent(name.value)}&apply=${apply ? 1 : 0}`,
        { method: 'POST', headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'text/plain; charset=utf-8', Accept: 'application/json' }, body: text.value, credentials: 'omit', cache: 'no-store' });
    } catch (e) { summary.textContent = t('js.error.network'); return null; }
    if (res.status === 401) { signOuT('expired'); return null; }
    const r = { status: res.status, body: (res.headers.get('Content-Type') || '').startsWith('application/json') ? await res.json() : null };
    if (res.status !== 200) {
      const err = r.body && r.body.error;
      // the script's diagnostic (line, key) is the engine's, like code: shown as such
      put(summary, errText(r), err && err.code === 'script_error' ? el('code', { class: 'block', lang: 'en' }, err.message) : null);
      summary.focus(); return null;
    }
    return r.body;
  }
  function itemLine(it) { return `${dateText(it.starts_at)} ${hhmm(it.starts_at)}–${hhmm(it.ends_at)} ${it.title}`; }
  function changedFields(c) {
    return Object.keys(c.after || {}).filter((k) => !['updated_at', 'sequence', 'id', 'starts_at_utc', 'ends_at_utc'].includes(k) &&
      JSON.stringify(c.before[k]) !== JSON.stringify(c.after[k]));
  }
  function showDiff(d) {
    const group = (key, items, line) => items.length ? el('div', {}, el('h4', {}, T(key, { n: items.length })), el('ul', {}, items.map(line))) : null;
    const apply = button(T('script.apply'), async () => {
      apply.disabled = true;
      const done = await send(true);
      if (done) { announce(T('script.applied')); route(false, '#h-agenda'); } else apply.disabled = false;
    }, '');
    put(out,
      el('h4', { tabindex: '-1', id: 'diff-title' }, d.applied ? T('script.applied') : T('script.preview')),
      el('p', {}, T('script.counts', { a: d.added.length, c: d.changed.length, r: d.removed.length, u: d.unchanged })),
      group('script.added', d.added, (x) => el('li', { class: 'ok' }, '+ ', itemLine(x.item))),
      group('script.changed', d.changed, (x) => el('li', {}, '~ ', itemLine(x.after), el('span', { class: 'meta' }, ` (${changedFields(x).join(', ')})`))),
      group('script.removed', d.removed, (x) => el('li', { class: 'bad' }, '− ', itemLine(x.item))),
      d.venues_added && d.venues_added.length ? el('p', {}, T('script.venues'), ' ', d.venues_added.join(', ')) : null,
      d.problems && d.problems.length ? el('div', {}, el('h4', {}, T('problems_n', { n: d.problems.length })),
        el('ul', { class: 'problems' }, d.problems.map((p) => el('li', {}, problemText(p, new Map(), 0), page.lang === 'en' && p.message ? el('span', { class: 'meta block' }, p.message) : null)))) : null,
      d.applied ? null : el('div', { class: 'actions' }, apply));
    out.querySelector('#diff-title').focus();
  }
  form.addEventListener('submit', async (ev) => { ev.preventDefault(); const d = await send(false); if (d) showDiff(d); });
  return section('h3', 'script', T('script.title'),
    el('p', { class: 'hint' }, T('script.hint')), form, out);
}

// --- site visits ----------------------------------------------------------------

async function visitsTab(m, body) {
  const [visits, plan, confirmed] = await Promise.all([
    must(`/api/v1/meetings/${m.id}/site-visits`), call('GET', `/api/v1/meetings/${m.id}/transport-plan`),
    call('GET', `/api/v1/meetings/${m.id}/registrations?status=confirmed`)]);
  const people = confirmed.status === 200 ? confirmed.body.registrations : [];
  const parts = [el('h3', {}, T('tab.visits'))];
  if (!visits.slots.length) parts.push(el('p', {}, T('visits_none')));
  for (const slot of visits.slots) parts.push(await slotSection(m, slot, people));
  if (plan.status === 200 && visits.slots.length) parts.push(transportSection(plan.body));
  body.replaceChildren(...parts);
}

async function slotSection(m, slot, people) {
  const base = `/api/v1/meetings/${m.id}/site-visits/${slot.id}`;
  const result = el('div', { class: 'allocation' });
  const msg = el('p', { role: 'alert', class: 'error' });
  async function run(dry) {
    msg.textContent = '';
    const r = await call('POST', `${base}/allocate${dry ? '?dry_run=1' : ''}`);
    if (r.status !== 200) { msg.textContent = errText(r); return; }
    if (dry) { put(result, allocationView(r.body, slot, true)); announce(T('alloc.tried')); result.querySelector('h5')?.focus(); }
    else { announce(T('alloc.done')); route(false, '#slot-' + slot.id); }
  }
  const allocate = slot.allocated_at
    ? confirming(T('alloc.run'), T('alloc.replace_q'), T('alloc.run'), () => run(false), '')
    : button(T('alloc.run'), () => run(false), '');
  const current = await call('GET', `${base}/allocation`);
  if (current.status === 200 && current.body.allocated_at) put(result, allocationView(current.body, slot, false));
  else result.replaceChildren(el('p', {}, T('alloc.not_yet')));
  return el('section', { class: 'slot-org', 'aria-labelledby': 'slot-' + slot.id, 'data-slot': slot.id },
    el('h4', { id: 'slot-' + slot.id }, slot.title),
    el('p', { class: 'meta' }, `${dateText(slot.starts_at)}, ${hhmm(slot.starts_at)}–${hhmm(slot.ends_at)}`),
    el('div', { class: 'actions' },
      button(T('alloc.try'), () => run(true)), allocate,
      button(T('hosts.print'), () => hostLists(base, 'html')),
      button(T('hosts.csv'), () => hostLists(base, 'csv'))),
    msg, result, pinForm(base, slot, people));
}

async function hostLists(base, format) {
  const blob = await fetchFile(`${base}/host-lists?format=${format}&lang=${page.lang}`);
  if (!blob) return;
  if (format === 'csv') { download(blob, 'host-lists.csv'); return; }
  // A blob: page resolves no "/static/..." of its own: name the server in full.
  const text = (await blob.text()).replace(/(href|src)="\/static\//g, `$1="${location.origin}/static/`);
  const url = URL.createObjectURL(new Blob([text], { type: 'text/html' }));
  const w = window.open(url, '_blank');
  if (!w) download(blob, 'host-lists.html'); // a blocked pop-up: the file instead
  setTimeout(() => URL.revokeObjectURL(url), 120000);
}

// Why a person sits where they do, from the allocation's stable "why"
// ("first choice" -> js.org.why.first_choice); the engine's English
// explanation only on an English page.
function why(p) {
  const k = 'js.org.why.' + (p.why || '').replace(/\W+/g, '_');
  return page.texts[k] ? t(k, { r: p.rank || '–' }) : T('why.other') + (page.lang === 'en' && p.explanation ? `: ${p.explanation}` : '');
}

function allocationView(al, slot, dry) {
  const s = al.summary || {};
  const seated = s.seated || 0;
  const ranks = [1, 2, 3].map((r) => {
    const n = (s.by_rank || {})[String(r)] || 0;
    return el('li', {}, el('span', { class: 'rank-label' }, T('alloc.rank', { r, n })),
      el('meter', { min: 0, max: Math.max(seated, 1), value: n, 'aria-label': T('alloc.rank', { r, n }) }));
  });
  const options = (al.options || []).map((o) => {
    const orgs = new Map();
    for (const p of o.people || []) orgs.set(p.organisation, (orgs.get(p.organisation) || 0) + 1);
    const mix = [...orgs.entries()].sort((a, b) => b[1] - a[1] || collator.compare(a[0] || '', b[0] || ''));
    return el('li', { class: 'card', 'data-option': o.id },
      el('h6', {}, o.venue_name),
      o.topic ? el('p', {}, o.topic) : null,
      o.host ? el('p', { class: 'meta' }, T('alloc.host', { h: o.host })) : null,
      el('p', {}, el('label', { for: `fill-${al.slot}-${o.id}` }, T('alloc.seats', { a: o.assigned, c: o.capacity }))),
      el('meter', { id: `fill-${al.slot}-${o.id}`, min: 0, max: o.capacity, value: o.assigned }),
      el('p', {}, T('alloc.municipalities', { n: o.municipalities })),
      o.below_min_size ? el('p', { class: 'warn' }, T('alloc.below_min', { n: o.min_size })) : null,
      o.people && o.people.length ? el('details', {}, el('summary', {}, T('alloc.people', { n: o.people.length })),
        el('ol', { class: 'people' }, o.people.map((p) => el('li', {}, `${fullName(p)}`, el('span', { class: 'meta' }, ` – ${p.organisation || ''}, ${why(p)}`)))),
        mix.length ? el('p', { class: 'meta' }, T('alloc.mix'), ' ', mix.map(([n, c]) => `${n} (${c})`).join('; ')) : null) : null);
  });
  return [
    el('h5', { tabindex: '-1' }, dry ? T('alloc.trial') : T('alloc.current')),
    dry ? el('p', { class: 'notice' }, T('alloc.trial_note')) : null,
    el('ul', { class: 'stats' },
      el('li', {}, T('alloc.seated', { n: seated })),
      el('li', {}, T('alloc.waiting', { n: s.waiting || 0 })),
      el('li', {}, T('alloc.no_prefs', { n: s.no_preferences || 0 })),
      el('li', {}, T('alloc.pairs', { n: s.same_municipality_pairs || 0 }))),
    el('ul', { class: 'ranks', 'aria-label': T('alloc.ranks') }, ranks),
    el('ul', { class: 'cards' }, options),
    al.waiting && al.waiting.length ? el('details', {}, el('summary', {}, T('alloc.waiting', { n: al.waiting.length })),
      el('ol', {}, al.waiting.map((p) => el('li', {}, fullName(p))))) : null,
  ];
}

function pinForm(base, slot, people) {
  const who = el('select', {}, el('option', { value: '' }, '—'),
    people.map((p) => el('option', { value: p.id }, `${p.last_name} ${p.first_name} – ${p.organisation || ''}`)));
  const where = el('select', {}, slot.options.map((o) => el('option', { value: o.id }, o.venue_name)),
    el('option', { value: 'none' }, T('pin.none')));
  const n = slot.id;
  const summary = el('p', { class: 'error', role: 'alert' });
  const form = el('form', { novalidate: true, class: 'pin' },
    field(`pin_who_${n}`, T('pin.who'), who), field(`pin_where_${n}`, T('pin.where'), where),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'secondary' }, T('pin.save'))), summary);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form); summary.textContent = '';
    if (!who.value) { fieldError(form, `pin_who_${n}`, t('js.error.required')); who.focus(); return; }
    const r = await call('POST', `${base}/pins`, { registration_id: Number(who.value), option_id: where.value === 'none' ? null : Number(where.value) });
    if (r.status === 200) { announce(T('pin.done')); route(false, '#slot-' + slot.id); } else summary.textContent = errText(r);
  });
  return el('details', { class: 'noprint' }, el('summary', {}, T('pin.title')), el('p', { class: 'hint' }, T('pin.hint')), form);
}

function transportSection(plan) {
  const out = section('h3', 'transport', T('transport.title'));
  for (const s of plan.slots || []) {
    add(out, el('h4', {}, s.title),
      el('p', {}, T('transport.summary', { r: s.riders || 0, s: s.seated || 0, u: s.unseated || 0 }),
        s.from ? ` ${T('transport.from', { v: s.from.venue_name })}` : '', s.to ? ` ${T('transport.to', { v: s.to.venue_name })}` : ''),
      s.exact === false ? el('p', { class: 'meta' }, T('transport.greedy')) : null);
    if (!(s.vehicles || []).length) out.append(el('p', {}, T('transport.no_vehicles')));
    const cards = el('ul', { class: 'cards' });
    for (const v of s.vehicles || []) {
      const legs = (s.legs || []).filter((l) => l.vehicle_id === v.vehicle_id);
      cards.append(el('li', { class: 'card', 'data-vehicle': v.vehicle_id },
        el('h5', {}, v.vehicle),
        el('p', {}, el('label', { for: `load-${s.slot}-${v.vehicle_id}` }, T('transport.load', { l: v.load, s: v.seats }))),
        el('meter', { id: `load-${s.slot}-${v.vehicle_id}`, min: 0, max: v.seats, value: v.load }),
        el('ul', { class: 'legs' }, legs.map((l) => el('li', {},
          el('strong', {}, T(l.direction === 'out' ? 'transport.out' : 'transport.back')), ' ',
          `${hhmm(l.depart)} → ${hhmm(l.arrive)}, ${T('transport.passengers', { n: l.passengers })}`,
          el('ul', {}, (l.stops || []).map((st) => el('li', {}, `${st.group}: ${hhmm(st.arrive || st.depart)}, ${T('transport.passengers', { n: st.passengers })}`))))))));
    }
    out.append(cards);
    if ((s.problems || []).length) out.append(el('ul', { class: 'problems' }, s.problems.map((p) => el('li', { class: 'warn' }, problemText(p, new Map(), 0)))));
  }
  return out;
}

route(false);

// --- messages: to the confirmed, the waiting list or one site-visit group ------

async function messagesTab(m, body) {
  const visits = await call('GET', `/api/v1/meetings/${m.id}/site-visits`);
  const to = el('select', {}, ['confirmed', 'waitlisted'].map((k) => el('option', { value: k }, T('msg.to_' + k))),
    (visits.status === 200 ? visits.body.slots : []).map((s) => el('optgroup', { label: T('msg.group', { s: s.title }) },
      s.options.map((o) => el('option', { value: o.id }, o.venue_name + (o.topic ? ' – ' + o.topic : ''))))));
  const subject = el('input', { type: 'text', maxlength: 200 });
  const text = el('textarea', { rows: 8, maxlength: 10000 });
  const summary = el('p', { class: 'error', role: 'alert', tabindex: '-1' });
  const out = el('div', {});
  const form = el('form', { novalidate: true }, field('to', T('msg.to'), to), field('subject', T('msg.subject'), subject),
    field('text', T('msg.text'), text), el('div', { class: 'actions' }, el('button', { type: 'submit' }, T('msg.preview'))), summary);
  const post = (send) => call('POST', `/api/v1/meetings/${m.id}/messages`, { subject: subject.value.trim(), text: text.value, send,
    ...(/^\d/.test(to.value) ? { to: 'option', option_id: Number(to.value) } : { to: to.value }) });
  const show = (...c) => { put(out, ...c); out.firstChild.focus(); };
  form.addEventListener('input', () => out.replaceChildren()); // changed: preview again before sending
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form); summary.textContent = ''; out.replaceChildren();
    const r = await post(false);
    if (r.status !== 200) { formError(form, r, summary); return; }
    const n = r.body.recipients;
    show(el('h4', { tabindex: '-1' }, T('msg.preview_title')), el('p', { class: 'count', 'data-recipients': n }, T('msg.count', { n })),
      el('div', { class: 'card', lang: 'lv' }, el('p', {}, el('strong', {}, r.body.preview.subject)), el('div', { class: 'desc' }, r.body.preview.text)),
      n ? el('div', { class: 'actions' }, confirming(T('msg.send'), T('msg.send_q', { n }), T('msg.send_yes'), async () => {
        const s = await post(true);
        if (s.status !== 202) { summary.textContent = errText(s); summary.focus(); return; }
        form.reset();
        show(el('p', { class: 'notice', tabindex: '-1', 'data-queued': s.body.recipients },
          T(s.body.queued ? 'msg.queued' : 'msg.not_queued', { n: s.body.recipients })));
      }, '')) : null);
  });
  body.replaceChildren(section('h3', 'msg', T('msg.title'), el('p', { class: 'hint' }, T('msg.hint')), form, out));
}
