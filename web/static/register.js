// register.js - the registration form of a meeting's page: the organisation
// picker, checks before sending, POST to the API, errors next to their
// fields, and the confirmation with the private manage link (or, when the
// meeting asks people to confirm their e-mail, the word that it is mailed);
// and the "lost my link" form, which asks for a new link by e-mail.
import { api, button, clearErrors, el, EMAIL, errorText, fieldError, fold, page, t } from './common.js';

const form = document.getElementById('register');

// --- the organisation picker: an ARIA combobox over the datalist's names ---
function setupCombo() {
  const input = document.getElementById('f-organisation');
  const list = document.getElementById('org-list');
  const source = document.getElementById('org-options');
  if (!input || !list || !source) return;
  const names = [...source.options].map((o) => ({ name: o.value, key: fold(o.value) }));
  input.removeAttribute('list'); // the script's list replaces the browser's
  let active = -1;
  let shown = [];

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }
  function mark(i) {
    const items = list.children;
    if (active >= 0 && items[active]) items[active].setAttribute('aria-selected', 'false');
    active = i;
    if (active >= 0 && items[active]) {
      items[active].setAttribute('aria-selected', 'true');
      input.setAttribute('aria-activedescendant', items[active].id);
      items[active].scrollIntoView({ block: 'nearest' });
    }
  }
  function choose(i) {
    if (shown[i]) input.value = shown[i].name;
    close();
  }
  function update() {
    const q = fold(input.value.trim());
    shown = q ? names.filter((n) => n.key.includes(q)).slice(0, 50) : [];
    list.replaceChildren(...shown.map((n, i) => el('li', {
      id: 'org-opt-' + i, role: 'option', 'aria-selected': 'false',
      onmousedown: (ev) => { ev.preventDefault(); choose(i); },
    }, n.name)));
    active = -1;
    if (shown.length && !(shown.length === 1 && shown[0].name === input.value)) {
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    } else {
      close();
    }
  }
  input.addEventListener('input', update);
  input.addEventListener('blur', close);
  input.addEventListener('keydown', (ev) => {
    if (list.hidden && ev.key === 'ArrowDown') { update(); return; }
    if (list.hidden) return;
    if (ev.key === 'ArrowDown') { ev.preventDefault(); mark(Math.min(active + 1, shown.length - 1)); }
    else if (ev.key === 'ArrowUp') { ev.preventDefault(); mark(Math.max(active - 1, 0)); }
    else if (ev.key === 'Enter' && active >= 0) { ev.preventDefault(); choose(active); }
    else if (ev.key === 'Escape') { ev.preventDefault(); close(); }
  });
}

// --- reading the form into the API's body ---
function answersOf() {
  const answers = {};
  const seen = new Set();
  for (const c of form.querySelectorAll('[name^="answers."]')) {
    const key = c.name.slice('answers.'.length);
    if (c.type === 'radio') {
      if (c.checked) answers[key] = c.value;
    } else if (c.type === 'checkbox' && c.dataset.type === 'boolean') {
      answers[key] = c.checked;
    } else if (c.type === 'checkbox') {
      if (!seen.has(key)) { answers[key] = []; seen.add(key); }
      if (c.checked) answers[key].push(c.value);
    } else if (c.value.trim() !== '') {
      answers[key] = c.dataset.type === 'number' ? Number(c.value) : c.value;
    }
  }
  return answers;
}

function preferencesOf() {
  const prefs = {};
  for (const set of form.querySelectorAll('fieldset[data-slot]')) {
    const ranked = [...set.querySelectorAll('select[data-rank]')].map((s) => s.value).filter((v) => v);
    if (ranked.length) prefs[set.dataset.slot] = ranked.map(Number);
  }
  return prefs;
}

function bodyOf() {
  const v = (id) => form.querySelector('#f-' + id).value.trim();
  const body = { first_name: v('first_name'), last_name: v('last_name'), email: v('email'),
    organisation: v('organisation'), lang: page.lang }; // lang: the language of their e-mail
  for (const k of ['position', 'phone']) if (v(k)) body[k] = v(k);
  const answers = answersOf();
  if (Object.keys(answers).length) body.answers = answers;
  const prefs = preferencesOf();
  if (Object.keys(prefs).length) body.visit_preferences = prefs;
  return body;
}

// Checks what the browser can check; returns [[field, message], ...].
function problems() {
  const out = [];
  for (const c of form.querySelectorAll('input[required], textarea[required]')) {
    if (c.type === 'checkbox' ? !c.checked : !c.value.trim()) {
      out.push([c.id.slice(2), c.id === 'f-consent' ? t('js.error.consent') : t('js.error.required')]);
    }
  }
  for (const set of form.querySelectorAll('fieldset[data-required]')) {
    if (!set.querySelector('input:checked')) out.push([set.id.slice(2), t('js.error.required')]);
  }
  const email = form.querySelector('#f-email');
  if (email.value.trim() && !EMAIL.test(email.value.trim())) {
    out.push(['email', t('js.error.email')]);
  }
  for (const set of form.querySelectorAll('fieldset[data-slot]')) {
    const ranked = [...set.querySelectorAll('select[data-rank]')].map((s) => s.value).filter((v) => v);
    if (new Set(ranked).size !== ranked.length) out.push(['visit_preferences', t('js.error.rank_twice')]);
  }
  return out;
}

function showProblems(list) {
  const summary = document.getElementById('summary');
  let first = null;
  for (const [field, msg] of list) {
    const c = fieldError(form, field, msg);
    if (!first) first = c;
  }
  summary.replaceChildren(el('p', {}, t('js.error.summary')));
  if (first && first.focus) first.focus();
  else summary.focus();
}

// The answer: 201, the registration with its private link; or 202 (e-mail
// confirmation), no link here: it is mailed to the address, and the place is
// held for the meeting's confirm_minutes until it is opened.
function showDone(reg, email) {
  const link = location.origin + '/manage#' + reg.manage_token;
  const done = document.getElementById('done');
  const check = reg.status === 'check_email';
  const status = check ? t('js.done.check', { email, n: page.confirm_minutes })
    : reg.status === 'waitlisted' ? t('js.done.waitlisted', { n: reg.waitlist_position || '?' })
      : t('js.done.confirmed');
  const copied = el('p', { role: 'status', class: 'meta' });
  done.replaceChildren(...[
    el('h3', {}, t(check ? 'js.done.check_title' : 'js.done.title')),
    el('p', { class: reg.status === 'confirmed' ? 'ok' : 'warn', 'data-status': reg.status }, status),
    check ? el('p', {}, t('js.done.check_lost'), ' ', el('a', { href: '#lost' }, t('js.lost.ask'))) : el('div', { class: 'notice private' },
      el('p', {}, el('strong', {}, t('js.done.private'))),
      el('code', { class: 'secret', id: 'manage-link' }, link),
      el('div', { class: 'actions' },
        el('a', { class: 'button', href: '/manage#' + reg.manage_token }, t('js.done.open')),
        button(t('js.done.copy'), async () => {
          try { await navigator.clipboard.writeText(link); copied.textContent = t('js.done.copied'); } catch (e) { /* the link is on screen */ }
        })),
      copied),
    reg.calendar_url && el('p', {}, el('a', { href: reg.calendar_url }, t('js.manage.calendar')))].filter(Boolean));
  form.hidden = true;
  done.hidden = false;
  done.focus();
}

async function submit(ev) {
  ev.preventDefault();
  clearErrors(form);
  document.getElementById('summary').replaceChildren();
  const found = problems();
  if (found.length) { showProblems(found); return; }
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  try {
    const r = await api('POST', `/api/v1/meetings/${page.meeting}/registrations`, bodyOf());
    if (r.status < 300) { showDone(r.body, bodyOf().email); return; }
    const err = r.body && r.body.error;
    const field = err && err.field ? (err.field.startsWith('visit_preferences') ? 'visit_preferences' : err.field) : null;
    showProblems([[field || 'summary', errorText(err)]]);
    if (!field || !form.querySelector('#e-' + CSS.escape(field))) {
      document.getElementById('summary').append(el('p', {}, errorText(err)));
    }
  } catch (e) {
    showProblems([['summary', t('js.error.network')]]);
    document.getElementById('summary').append(el('p', {}, t('js.error.network')));
  } finally {
    button.disabled = false;
  }
}

if (form) {
  setupCombo();
  form.addEventListener('submit', submit);
}

// "Lost my link": the answer is the same whether or not the address is
// registered (the server never tells), so the page says the same too.
const lost = document.getElementById('resend');
lost.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearErrors(lost);
  const said = lost.querySelector('[role=status]');
  said.textContent = '';
  const email = lost.querySelector('#f-resend_email').value.trim();
  let r = { status: 422 };
  try {
    if (EMAIL.test(email)) r = await api('POST', `/api/v1/meetings/${page.meeting}/registrations/resend`, { email });
  } catch (e) { r = { status: 0, body: { error: { code: 'network' } } }; }
  if (r.status === 202) said.textContent = t('js.lost.sent');
  else if (r.status === 422) fieldError(lost, 'resend_email', t(email ? 'js.error.email' : 'js.error.required')).focus();
  else said.textContent = errorText(r);
});
