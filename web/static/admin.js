// admin.js - the admins' page, /admin: account tokens, networks and
// organisations, plugins (install, enable, disable, remove, and per meeting
// with their settings), the mail queue, and the audit log.  Signs in with an admin token kept
// in sessionStorage (never in a URL); every call sends it in the
// Authorization header.
import { api, button, clearErrors, confirming, el, errorText, field, fieldError, page, section, t } from './common.js';

const app = document.getElementById('app');
const KEY = 'saiets.admin.token';
const T = (k, a) => t('js.admin.' + k, a); // this page's own texts
let token = sessionStorage.getItem(KEY) || '';
const status = el('p', { role: 'status', class: 'meta' });

function say(text) { status.textContent = text; }

// One API call with the token; a 401 signs out.
async function call(method, path, body) {
  const r = await api(method, path, body, token);
  if (r.status === 401) { signOut(T('expired')); throw new Error('unauthorized'); }
  return r;
}

function signOut(message) {
  token = '';
  sessionStorage.removeItem(KEY);
  showSignIn(message);
}

function showSignIn(message) {
  const form = el('form', { novalidate: true },
    field('token', T('token'), el('input', { type: 'password', autocomplete: 'off' }), T('token_hint')),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, T('sign_in'))));
  form.querySelector('#e-token').textContent = message || '';
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const given = form.querySelector('#f-token').value.trim();
    const r = await api('GET', '/api/v1/admin/plugins', undefined, given);
    if (r.status === 200) {
      token = given;
      sessionStorage.setItem(KEY, token);
      showAdmin();
    } else {
      fieldError(form, 'token', r.status === 403 ? T('not_admin') : T('bad_token')).focus();
    }
  });
  app.replaceChildren(form);
  form.querySelector('#f-token').focus();
}

// A table in a region that scrolls sideways on a phone (so it takes focus).
function table(headers, rows, label) {
  return el('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': `${label} (${T('list')})` }, el('table', {},
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h || T('actions'))))),
    el('tbody', {}, rows)));
}

function when(iso) { return iso ? String(iso).replace('T', ' ').replace('Z', ' UTC') : '—'; }

// --- account tokens ---
async function tokensSection() {
  const r = await call('GET', '/api/v1/admin/tokens');
  const out = section('h2', 'tokens', T('tokens'));
  if (r.status !== 200) { out.append(el('p', {}, errorText(r))); return out; }
  out.append(table([T('name'), T('role'), T('created'), T('last_used'), ''],
    r.body.tokens.map((k) => el('tr', { 'data-token': k.id },
      el('td', {}, k.name || '—'), el('td', {}, k.role), el('td', {}, when(k.created_at)),
      el('td', {}, when(k.last_used_at)),
      el('td', {}, k.revoked_at ? T('revoked') : confirming(T('revoke'), T('revoke_q'), T('yes'), async () => {
        const d = await call('DELETE', `/api/v1/admin/tokens/${k.id}`);
        say(d.status === 200 ? T('done') : errorText(d));
        showAdmin();
      })))), T('tokens')));
  const form = el('form', { novalidate: true },
    el('h3', {}, T('new_token')),
    field('name', T('name'), el('input', { type: 'text', maxlength: 100 })),
    field('role', T('role'), el('select', {}, ['organizer', 'admin'].map((r) => el('option', { value: r }, r)))),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, T('create'))));
  const shown = el('div', {});
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const c = await call('POST', '/api/v1/admin/tokens', { name: form.querySelector('#f-name').value.trim(), role: form.querySelector('#f-role').value });
    if (c.status === 201) {
      shown.replaceChildren(el('div', { class: 'notice private', role: 'alert' },
        el('p', {}, el('strong', {}, T('token_once'))), el('code', { class: 'secret', id: 'new-token' }, c.body.token)));
      const again = await tokensSection();
      again.append(shown);
      out.replaceWith(again);
    } else {
      const err = c.body && c.body.error;
      const f = err && err.field && fieldError(form, err.field, errorText(err));
      if (f) f.focus(); else say(errorText(err));
    }
  });
  out.append(form, shown);
  return out;
}

const KINDS = ['municipality', 'association', 'school', 'museum', 'agency', 'company', 'other'];

// An input for field f of a directory entry: kind is a choice, the rest text.
function dirInput(f, value, label) {
  if (f === 'kind') {
    return el('select', { 'data-f': f, 'aria-label': label }, KINDS.map((k) => el('option', { value: k, selected: k === value }, k)));
  }
  return el('input', { type: 'text', value: value || '', 'data-f': f, 'aria-label': label });
}

// --- networks and organisations ---
async function directorySection() {
  const [nets, orgs] = await Promise.all([call('GET', '/api/v1/networks'), call('GET', '/api/v1/organisations')]);
  const out = section('h2', 'directory', T('directory'));
  const editRow = (kind, item, fields) => {
    const inputs = fields.map((f) => dirInput(f, item[f], `${T(f)}: ${item.name}`));
    const save = button(T('save'));
    save.addEventListener('click', async () => {
      const body = {};
      inputs.forEach((i) => { body[i.dataset.f] = i.value.trim(); });
      const r = await call('PATCH', `/api/v1/${kind}/${item.id}`, body);
      say(r.status === 200 ? T('saved') : errorText(r));
    });
    return el('tr', {}, inputs.map((i) => el('td', {}, i)), el('td', {}, save));
  };
  const addForm = (kind, fields) => {
    const form = el('form', { novalidate: true, class: 'actions' },
      fields.map((f) => el('label', {}, T(f), dirInput(f, f === 'kind' ? 'municipality' : '', null))),
      el('button', { type: 'submit' }, T('add')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = {};
      form.querySelectorAll('[data-f]').forEach((i) => { if (i.value.trim()) body[i.dataset.f] = i.value.trim(); });
      const r = await call('POST', `/api/v1/${kind}`, body);
      say(r.status === 201 ? T('saved') : errorText(r));
      if (r.status === 201) out.replaceWith(await directorySection());
    });
    return form;
  };
  out.append(el('h3', {}, T('networks')),
    table([T('name'), ''], (nets.body.networks || []).map((n) => editRow('networks', n, ['name'])), T('networks')),
    addForm('networks', ['name']),
    el('h3', {}, T('organisations')),
    table([T('name'), T('kind'), ''], (orgs.body.organisations || []).map((o) => editRow('organisations', o, ['name', 'kind'])), T('organisations')),
    addForm('organisations', ['name', 'kind']));
  return out;
}

// --- plugins ---
async function pluginsSection() {
  const r = await call('GET', '/api/v1/admin/plugins');
  const out = section('h2', 'plugins', T('plugins'));
  const title = (p) => (p.title && (p.title[page.lang] || p.title.lv || p.title.en)) || p.name;
  out.append(table([T('plugin'), T('version'), T('state'), T('checksum'), T('meetings'), ''],
    (r.body || []).map((p) => el('tr', { 'data-plugin': p.name },
      el('td', {}, el('strong', {}, title(p)), el('br'), el('code', {}, p.name)),
      el('td', {}, p.version),
      el('td', {}, p.enabled ? T('enabled') : T('disabled')),
      el('td', {}, el('code', { title: p.sha256 }, (p.sha256 || '').slice(0, 12) + '…')),
      el('td', {}, (p.meetings || []).map((m) => el('div', {},
        `#${m.meeting_id}: ${m.enabled ? T('enabled') : T('disabled')}`,
        m.failures ? ` (${T('failures')}: ${m.failures})` : '',
        m.disabled_reason ? el('div', { class: 'bad' }, m.disabled_reason) : null))),
      el('td', {},
        button(p.enabled ? T('disable') : T('enable'), async () => {
          const s = await call('POST', `/api/v1/admin/plugins/${p.name}/${p.enabled ? 'disable' : 'enable'}`);
          say(s.status === 200 ? T('done') : errorText(s));
          showAdmin();
        }), ' ',
        confirming(T('remove'), T('remove_q'), T('yes'), async () => {
          const d = await call('DELETE', `/api/v1/admin/plugins/${p.name}`);
          say(d.status === 200 ? T('done') : errorText(d));
          showAdmin();
        })))), T('plugins')));
  const file = el('input', { type: 'file', accept: '.tar.gz,.tgz,application/gzip' });
  const form = el('form', { novalidate: true },
    el('h3', {}, T('install')),
    field('package', T('package'), file),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, T('upload'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!file.files.length) { fieldError(form, 'package', t('js.error.required')).focus(); return; }
    const res = await fetch('/api/v1/admin/plugins', { method: 'POST', body: file.files[0],
      headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/gzip' } });
    const body = await res.json().catch(() => null);
    if (res.status === 200 || res.status === 201) { say(T('installed', { name: body.name, version: body.version })); showAdmin(); }
    else { // what is wrong with the package is the checker's diagnostic, like code: shown as such
      const err = body && body.error;
      fieldError(form, 'package', errorText(err)).focus();
      if (err && err.code === 'invalid_plugin') form.querySelector('#e-package').append(' ', el('code', { lang: 'en' }, err.message));
    }
  });
  out.append(form, await meetingPluginsPart(r.body || []));
  return out;
}

// Per meeting: which plugins it enables, with their settings.
async function meetingPluginsPart(plugins) {
  const meetings = await call('GET', '/api/v1/meetings');
  const list = (meetings.body && meetings.body.meetings) || [];
  const pick = el('select', { id: 'f-meeting' }, list.map((m) => el('option', { value: m.id }, `#${m.id} ${m.title}`)));
  const area = el('div', {});
  async function show() {
    const mid = pick.value;
    if (!mid) return;
    const r = await call('GET', `/api/v1/meetings/${mid}/plugins`);
    const on = new Map(((r.status === 200 && r.body) || []).map((p) => [p.plugin, p]));
    area.replaceChildren(...plugins.map((p) => {
      const mine = on.get(p.name);
      const form = el('form', { novalidate: true, class: 'card', 'data-meeting-plugin': p.name }, el('h4', {}, p.name));
      for (const [key, spec] of Object.entries(p.settings || {})) {
        const id = `f-settings.${key}`;
        const value = mine && mine.settings ? mine.settings[key] : spec.default;
        const label = (spec.title && (spec.title[page.lang] || spec.title.lv || spec.title.en)) || key;
        const input = spec.type === 'boolean'
          ? el('input', { id, type: 'checkbox', checked: !!value, 'data-key': key, 'data-type': spec.type })
          : el('input', { id, type: spec.type === 'integer' || spec.type === 'number' ? 'number' : 'text', value: value ?? '', 'data-key': key, 'data-type': spec.type, 'aria-describedby': `e-settings.${key}` });
        form.append(el('div', { class: 'field' }, el('label', { for: id }, label), input, el('p', { class: 'error', id: `e-settings.${key}` })));
      }
      form.append(el('p', {}, mine && mine.enabled ? T('enabled') : T('disabled'),
        mine && mine.disabled_reason ? el('span', { class: 'bad' }, ` — ${mine.disabled_reason}`) : ''),
      el('div', { class: 'actions' },
        el('button', { type: 'submit' }, mine && mine.enabled ? T('save') : T('enable')),
        mine && mine.enabled ? button(T('disable'), async () => {
          const d = await call('DELETE', `/api/v1/meetings/${mid}/plugins/${p.name}`);
          say(d.status === 200 ? T('done') : errorText(d));
          show();
        }) : null));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        clearErrors(form);
        const settings = {};
        for (const i of form.querySelectorAll('input[data-key]')) {
          const ty = i.dataset.type;
          settings[i.dataset.key] = ty === 'boolean' ? i.checked : ty === 'integer' || ty === 'number' ? Number(i.value) : i.value;
        }
        const s = await call('PUT', `/api/v1/meetings/${mid}/plugins/${p.name}`, { settings });
        if (s.status === 200) { say(T('saved')); show(); return; }
        const err = s.body && s.body.error;
        const f = err && err.field && fieldError(form, err.field, errorText(err));
        if (f) f.focus(); else say(errorText(err));
      });
      return form;
    }));
  }
  pick.addEventListener('change', show);
  const part = el('div', {}, el('h3', {}, T('per_meeting')),
    el('div', { class: 'field' }, el('label', { for: 'f-meeting' }, T('meeting')), pick), area);
  await show();
  return part;
}

// --- mail: the outbox's counts, whether it can send, what failed ---
async function mailSection() {
  const r = await call('GET', '/api/v1/admin/mail');
  const out = section('h2', 'mail', T('mail'));
  if (r.status !== 200) { out.append(el('p', {}, errorText(r))); return out; }
  const m = r.body;
  out.append(el('p', { class: m.mail && m.smtp ? '' : 'warn', 'data-smtp': m.smtp }, T(m.mail ? (m.smtp ? 'smtp_on' : 'smtp_off') : 'mail_off')),
    el('ul', { class: 'stats' }, ['queued', 'sending', 'sent', 'failed'].map((k) => el('li', { 'data-mail': k }, T('mail_' + k, { n: m[k] })))),
    el('h3', {}, T('failures_list')), m.failures.length ? table([T('to'), T('attempts'), T('error'), T('state')], m.failures.map((f) => el('tr', { 'data-failure': f.id },
      el('td', {}, f.to), el('td', {}, f.attempts), el('td', {}, el('code', { lang: 'en' }, f.error)),
      el('td', {}, f.state === 'failed' ? T('given_up') : T('retrying', { at: when(new Date(f.at * 1e3).toISOString().slice(0, 19) + 'Z') })))), T('failures_list'))
      : el('p', {}, T('no_failures')));
  return out;
}

// --- audit log ---
async function auditSection(before) {
  const r = await call('GET', '/api/v1/audit' + (before ? `?before=${before}` : ''));
  const out = section('h2', 'audit', T('audit'));
  const entries = (r.body && r.body.entries) || [];
  out.append(table([T('at'), T('actor'), T('action'), T('object')],
    entries.slice(0, 100).map((e) => el('tr', {}, el('td', {}, when(e.at)), el('td', {}, e.actor), el('td', {}, e.action), el('td', {}, e.object || ''))), T('audit')));
  if (entries.length > 100) {
    const more = button(T('older'));
    more.addEventListener('click', async () => out.replaceWith(await auditSection(entries[99].id)));
    out.append(more);
  }
  return out;
}

async function showAdmin() {
  try {
    const nav = el('nav', { 'aria-label': T('sections'), class: 'actions noprint' },
      ['tokens', 'directory', 'plugins', 'mail', 'audit'].map((s) => el('a', { href: '#s-' + s }, T(s))),
      button(T('sign_out'), () => signOut('')));
    const parts = await Promise.all([tokensSection(), directorySection(), pluginsSection(), mailSection(), auditSection()]);
    app.replaceChildren(nav, status, ...parts);
  } catch (e) {
    if (e.message !== 'unauthorized') app.replaceChildren(el('p', { class: 'notice' }, t('js.error.network')));
  }
}

if (token) showAdmin(); else showSignIn('');
