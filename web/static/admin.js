// admin.js - the admins' page, /admin: account tokens, networks and
// organisations, plugins (install, enable, disable, remove, and per meeting
// with their settings), and the audit log.  Signs in with an admin token kept
// in sessionStorage (never in a URL); every call sends it in the
// Authorization header.
import { api, clearErrors, el, errorText, fieldError, page, t } from './common.js';

const app = document.getElementById('app');
const KEY = 'saiets.admin.token';
let token = sessionStorage.getItem(KEY) || '';
const status = el('p', { role: 'status', class: 'meta' });

function say(text) { status.textContent = text; }

// One API call with the token; a 401 signs out.
async function call(method, path, body) {
  const r = await api(method, path, body, token);
  if (r.status === 401) { signOut(t('js.admin.expired')); throw new Error('unauthorized'); }
  return r;
}

function signOut(message) {
  token = '';
  sessionStorage.removeItem(KEY);
  showSignIn(message);
}

function showSignIn(message) {
  const form = el('form', { novalidate: true },
    el('div', { class: 'field' },
      el('label', { for: 'f-token' }, t('js.admin.token')),
      el('p', { class: 'hint', id: 'h-token' }, t('js.admin.token_hint')),
      el('input', { id: 'f-token', type: 'password', autocomplete: 'off', 'aria-describedby': 'h-token e-token' }),
      el('p', { class: 'error', id: 'e-token' }, message || '')),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, t('js.admin.sign_in'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const given = form.querySelector('#f-token').value.trim();
    const r = await api('GET', '/api/v1/admin/plugins', undefined, given);
    if (r.status === 200) {
      token = given;
      sessionStorage.setItem(KEY, token);
      showAdmin();
    } else {
      fieldError(form, 'token', r.status === 403 ? t('js.admin.not_admin') : t('js.admin.bad_token')).focus();
    }
  });
  app.replaceChildren(form);
  form.querySelector('#f-token').focus();
}

function section(id, title, ...children) {
  return el('section', { 'aria-labelledby': 'h-' + id, id: 's-' + id }, el('h2', { id: 'h-' + id }, title), ...children);
}

// A table in a region that scrolls sideways on a phone (so it takes focus).
function table(headers, rows, label) {
  return el('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': `${label} (${t('js.admin.list')})` }, el('table', {},
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h || t('js.admin.actions'))))),
    el('tbody', {}, rows)));
}

function when(iso) { return iso ? String(iso).replace('T', ' ').replace('Z', ' UTC') : '—'; }

// A button that asks before it acts: the first press shows "Yes"/"No".
function confirmButton(label, question, action) {
  const wrap = el('span', {});
  const ask = el('button', { type: 'button', class: 'secondary' }, label);
  ask.addEventListener('click', () => {
    const yes = el('button', { type: 'button', class: 'danger' }, t('js.admin.yes'));
    const no = el('button', { type: 'button', class: 'secondary' }, t('js.admin.no'));
    yes.addEventListener('click', action);
    no.addEventListener('click', () => { wrap.replaceChildren(ask); ask.focus(); });
    wrap.replaceChildren(el('span', { role: 'alert' }, question + ' '), yes, ' ', no);
    yes.focus();
  });
  wrap.append(ask);
  return wrap;
}

// --- account tokens ---
async function tokensSection() {
  const r = await call('GET', '/api/v1/admin/tokens');
  const out = section('tokens', t('js.admin.tokens'));
  if (r.status !== 200) { out.append(el('p', {}, errorText(r.body && r.body.error))); return out; }
  out.append(table([t('js.admin.name'), t('js.admin.role'), t('js.admin.created'), t('js.admin.last_used'), ''],
    r.body.tokens.map((k) => el('tr', { 'data-token': k.id },
      el('td', {}, k.name || '—'), el('td', {}, k.role), el('td', {}, when(k.created_at)),
      el('td', {}, when(k.last_used_at)),
      el('td', {}, k.revoked_at ? t('js.admin.revoked') : confirmButton(t('js.admin.revoke'), t('js.admin.revoke_q'), async () => {
        const d = await call('DELETE', `/api/v1/admin/tokens/${k.id}`);
        say(d.status === 200 ? t('js.admin.done') : errorText(d.body && d.body.error));
        showAdmin();
      })))), t('js.admin.tokens')));
  const form = el('form', { novalidate: true },
    el('h3', {}, t('js.admin.new_token')),
    el('div', { class: 'field' }, el('label', { for: 'f-name' }, t('js.admin.name')),
      el('input', { id: 'f-name', type: 'text', maxlength: 100, 'aria-describedby': 'e-name' }), el('p', { class: 'error', id: 'e-name' })),
    el('div', { class: 'field' }, el('label', { for: 'f-role' }, t('js.admin.role')),
      el('select', { id: 'f-role', 'aria-describedby': 'e-role' }, el('option', { value: 'organizer' }, 'organizer'), el('option', { value: 'admin' }, 'admin')),
      el('p', { class: 'error', id: 'e-role' })),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, t('js.admin.create'))));
  const shown = el('div', {});
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const c = await call('POST', '/api/v1/admin/tokens', { name: form.querySelector('#f-name').value.trim(), role: form.querySelector('#f-role').value });
    if (c.status === 201) {
      shown.replaceChildren(el('div', { class: 'notice private', role: 'alert' },
        el('p', {}, el('strong', {}, t('js.admin.token_once'))), el('code', { class: 'secret', id: 'new-token' }, c.body.token)));
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
  const out = section('directory', t('js.admin.directory'));
  const editRow = (kind, item, fields) => {
    const inputs = fields.map((f) => dirInput(f, item[f], `${t('js.admin.' + f)}: ${item.name}`));
    const save = el('button', { type: 'button', class: 'secondary' }, t('js.admin.save'));
    save.addEventListener('click', async () => {
      const body = {};
      inputs.forEach((i) => { body[i.dataset.f] = i.value.trim(); });
      const r = await call('PATCH', `/api/v1/${kind}/${item.id}`, body);
      say(r.status === 200 ? t('js.admin.saved') : errorText(r.body && r.body.error));
    });
    return el('tr', {}, inputs.map((i) => el('td', {}, i)), el('td', {}, save));
  };
  const addForm = (kind, fields) => {
    const form = el('form', { novalidate: true, class: 'actions' },
      fields.map((f) => el('label', {}, t('js.admin.' + f), dirInput(f, f === 'kind' ? 'municipality' : '', null))),
      el('button', { type: 'submit' }, t('js.admin.add')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = {};
      form.querySelectorAll('[data-f]').forEach((i) => { if (i.value.trim()) body[i.dataset.f] = i.value.trim(); });
      const r = await call('POST', `/api/v1/${kind}`, body);
      say(r.status === 201 ? t('js.admin.saved') : errorText(r.body && r.body.error));
      if (r.status === 201) out.replaceWith(await directorySection());
    });
    return form;
  };
  out.append(el('h3', {}, t('js.admin.networks')),
    table([t('js.admin.name'), ''], (nets.body.networks || []).map((n) => editRow('networks', n, ['name'])), t('js.admin.networks')),
    addForm('networks', ['name']),
    el('h3', {}, t('js.admin.organisations')),
    table([t('js.admin.name'), t('js.admin.kind'), ''], (orgs.body.organisations || []).map((o) => editRow('organisations', o, ['name', 'kind'])), t('js.admin.organisations')),
    addForm('organisations', ['name', 'kind']));
  return out;
}

// --- plugins ---
async function pluginsSection() {
  const r = await call('GET', '/api/v1/admin/plugins');
  const out = section('plugins', t('js.admin.plugins'));
  const title = (p) => (p.title && (p.title[page.lang] || p.title.lv || p.title.en)) || p.name;
  out.append(table([t('js.admin.plugin'), t('js.admin.version'), t('js.admin.state'), t('js.admin.checksum'), t('js.admin.meetings'), ''],
    (r.body || []).map((p) => el('tr', { 'data-plugin': p.name },
      el('td', {}, el('strong', {}, title(p)), el('br'), el('code', {}, p.name)),
      el('td', {}, p.version),
      el('td', {}, p.enabled ? t('js.admin.enabled') : t('js.admin.disabled')),
      el('td', {}, el('code', { title: p.sha256 }, (p.sha256 || '').slice(0, 12) + '…')),
      el('td', {}, (p.meetings || []).map((m) => el('div', {},
        `#${m.meeting_id}: ${m.enabled ? t('js.admin.enabled') : t('js.admin.disabled')}`,
        m.failures ? ` (${t('js.admin.failures')}: ${m.failures})` : '',
        m.disabled_reason ? el('div', { class: 'bad' }, m.disabled_reason) : null))),
      el('td', {},
        el('button', { type: 'button', class: 'secondary', onclick: async () => {
          const s = await call('POST', `/api/v1/admin/plugins/${p.name}/${p.enabled ? 'disable' : 'enable'}`);
          say(s.status === 200 ? t('js.admin.done') : errorText(s.body && s.body.error));
          showAdmin();
        } }, p.enabled ? t('js.admin.disable') : t('js.admin.enable')), ' ',
        confirmButton(t('js.admin.remove'), t('js.admin.remove_q'), async () => {
          const d = await call('DELETE', `/api/v1/admin/plugins/${p.name}`);
          say(d.status === 200 ? t('js.admin.done') : errorText(d.body && d.body.error));
          showAdmin();
        })))), t('js.admin.plugins')));
  const file = el('input', { id: 'f-package', type: 'file', accept: '.tar.gz,.tgz,application/gzip', 'aria-describedby': 'e-package' });
  const form = el('form', { novalidate: true },
    el('h3', {}, t('js.admin.install')),
    el('div', { class: 'field' }, el('label', { for: 'f-package' }, t('js.admin.package')), file, el('p', { class: 'error', id: 'e-package' })),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, t('js.admin.upload'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!file.files.length) { fieldError(form, 'package', t('js.error.required')).focus(); return; }
    const res = await fetch('/api/v1/admin/plugins', { method: 'POST', body: file.files[0],
      headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/gzip' } });
    const body = await res.json().catch(() => null);
    if (res.status === 200 || res.status === 201) { say(t('js.admin.installed', { name: body.name, version: body.version })); showAdmin(); }
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
      form.append(el('p', {}, mine && mine.enabled ? t('js.admin.enabled') : t('js.admin.disabled'),
        mine && mine.disabled_reason ? el('span', { class: 'bad' }, ` — ${mine.disabled_reason}`) : ''),
      el('div', { class: 'actions' },
        el('button', { type: 'submit' }, mine && mine.enabled ? t('js.admin.save') : t('js.admin.enable')),
        mine && mine.enabled ? el('button', { type: 'button', class: 'secondary', onclick: async () => {
          const d = await call('DELETE', `/api/v1/meetings/${mid}/plugins/${p.name}`);
          say(d.status === 200 ? t('js.admin.done') : errorText(d.body && d.body.error));
          show();
        } }, t('js.admin.disable')) : null));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        clearErrors(form);
        const settings = {};
        for (const i of form.querySelectorAll('input[data-key]')) {
          const ty = i.dataset.type;
          settings[i.dataset.key] = ty === 'boolean' ? i.checked : ty === 'integer' || ty === 'number' ? Number(i.value) : i.value;
        }
        const s = await call('PUT', `/api/v1/meetings/${mid}/plugins/${p.name}`, { settings });
        if (s.status === 200) { say(t('js.admin.saved')); show(); return; }
        const err = s.body && s.body.error;
        const f = err && err.field && fieldError(form, err.field, errorText(err));
        if (f) f.focus(); else say(errorText(err));
      });
      return form;
    }));
  }
  pick.addEventListener('change', show);
  const part = el('div', {}, el('h3', {}, t('js.admin.per_meeting')),
    el('div', { class: 'field' }, el('label', { for: 'f-meeting' }, t('js.admin.meeting')), pick), area);
  await show();
  return part;
}

// --- audit log ---
async function auditSection(before) {
  const r = await call('GET', '/api/v1/audit' + (before ? `?before=${before}` : ''));
  const out = section('audit', t('js.admin.audit'));
  const entries = (r.body && r.body.entries) || [];
  out.append(table([t('js.admin.at'), t('js.admin.actor'), t('js.admin.action'), t('js.admin.object')],
    entries.slice(0, 100).map((e) => el('tr', {}, el('td', {}, when(e.at)), el('td', {}, e.actor), el('td', {}, e.action), el('td', {}, e.object || ''))), t('js.admin.audit')));
  if (entries.length > 100) {
    const more = el('button', { type: 'button', class: 'secondary' }, t('js.admin.older'));
    more.addEventListener('click', async () => out.replaceWith(await auditSection(entries[99].id)));
    out.append(more);
  }
  return out;
}

async function showAdmin() {
  try {
    const nav = el('nav', { 'aria-label': t('js.admin.sections'), class: 'actions noprint' },
      ['tokens', 'directory', 'plugins', 'audit'].map((s) => el('a', { href: '#s-' + s }, t('js.admin.' + s))),
      el('button', { type: 'button', class: 'secondary', onclick: () => signOut('') }, t('js.admin.sign_out')));
    const parts = await Promise.all([tokensSection(), directorySection(), pluginsSection(), auditSection()]);
    app.replaceChildren(nav, status, ...parts);
  } catch (e) {
    if (e.message !== 'unauthorized') app.replaceChildren(el('p', { class: 'notice' }, t('js.error.network')));
  }
}

if (token) showAdmin(); else showSignIn('');
