// common.js - what every page script shares: the page's data block, texts
// in the page's language, calling the JSON API, showing errors next to the
// field they belong to, and dates and times written the language's way.
// Plain ES modules, no build step, no framework.

const dataEl = document.getElementById('page-data');
export const page = dataEl ? JSON.parse(dataEl.textContent) : { texts: {}, lang: 'lv' };

// The text for key ("js.error.required"), with {name} replaced from args.
export function t(key, args) {
  let s = page.texts[key] || key;
  for (const [k, v] of Object.entries(args || {})) s = s.split('{' + k + '}').join(String(v));
  return s;
}

// Calls the API: resolves to {status, body} (body parsed when JSON), never
// throws for an HTTP error; throws only when the server cannot be reached.
export async function api(method, path, body, token) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = 'Bearer ' + token;
  const r = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit', cache: 'no-store',
  });
  const type = r.headers.get('Content-Type') || '';
  const parsed = type.startsWith('application/json') ? await r.json() : await r.text();
  return { status: r.status, body: parsed };
}

// An element with attributes and children (text nodes for strings): the
// only way the scripts make HTML, so that no text is ever parsed as markup.
export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return e;
}

// The message a user reads for an API error, by its stable code: our text
// "js.error.CODE" (a few codes share one), the plugin's own for its refusal
// (written for people), else a general one, with the server's (English)
// message only on an English page: a Latvian page never shows English.
// Takes the error or the API's whole answer ({status, body}).
export function errorText(err) {
  if (err && 'status' in err) err = err.body && err.body.error;
  if (!err) return t('js.error.server');
  const code = { missing_field: 'required', unknown_field: 'invalid_field', rate_limited: 'rate',
    registration_not_open: 'registration_closed', internal_error: 'server', overloaded: 'server', plugin_error: 'server' }[err.code] || err.code;
  if (page.texts['js.error.' + code]) return t('js.error.' + code);
  if (code === 'plugin_refused') return err.message;
  return t('js.error.other') + (page.lang === 'en' && err.message ? ` (${err.message})` : '');
}

// Clears every field error in root.
export function clearErrors(root) {
  for (const p of root.querySelectorAll('.error')) p.textContent = '';
  for (const f of root.querySelectorAll('[aria-invalid]')) f.removeAttribute('aria-invalid');
}

// Shows msg under the field whose id is "f-" + field (error element "e-" +
// field); returns the control to focus, or null when the page has no such field.
export function fieldError(root, field, msg) {
  const p = root.querySelector('#e-' + CSS.escape(field));
  if (!p) return null;
  p.textContent = msg;
  const control = root.querySelector('#f-' + CSS.escape(field));
  if (control) {
    control.setAttribute('aria-invalid', 'true');
    return control.matches('fieldset') ? control.querySelector('input, select') || control : control;
  }
  return p;
}

// A labelled control with its hint and error line: ids "f-NAME", "h-NAME",
// "e-NAME" (what fieldError finds).
export function field(name, label, control, hint) {
  Object.assign(control, { id: 'f-' + name, name });
  control.setAttribute('aria-describedby', (hint ? `h-${name} ` : '') + 'e-' + name);
  return el('div', { class: 'field' }, el('label', { for: 'f-' + name }, label),
    hint && el('p', { class: 'hint', id: 'h-' + name }, hint), control, el('p', { class: 'error', id: 'e-' + name }));
}

// A section named by its heading (tag h): ids "s-ID" and "h-ID".
export const section = (h, id, title, ...c) =>
  el('section', { id: 's-' + id, 'aria-labelledby': 'h-' + id }, el(h, { id: 'h-' + id }, title), ...c);

// A button that submits no form; attrs for more attributes.
export const button = (label, onclick, cls = 'secondary', attrs) => el('button', { type: 'button', class: cls, onclick, ...attrs }, label);

// A button that asks first, for what cannot be undone: the question with
// yes and no take its place until answered.
export function confirming(label, question, yes, action, cls = 'secondary', no = t('js.no')) {
  const ask = button(label, () => {
    const box = el('span', { class: 'confirm', role: 'alertdialog', 'aria-label': label },
      el('span', { class: 'question' }, question + ' '),
      button(yes, async (ev) => { ev.target.disabled = true; await action(); ev.target.disabled = false; }, 'danger'), ' ',
      button(no, () => { box.replaceWith(ask); ask.focus(); }));
    ask.replaceWith(box);
    box.querySelector('button').focus();
  }, cls);
  return ask;
}

// An e-mail address as the pages check it before sending (the server checks more).
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

// Latvian letters either way: "rezekne" finds "Rēzekne".
export function fold(s) {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

// "2015-11-06T09:20" -> "09.20" (lv) / "09:20" (en)
export function hhmm(local) {
  if (!local || local.length < 16) return local || '';
  return local.slice(11, 13) + (page.lang === 'en' ? ':' : '.') + local.slice(14, 16);
}

// "2015-11-06[T...]" -> "2015. gada 6. novembris" / "6 November 2015"
export function dateText(ymd) {
  if (!ymd) return '';
  const [y, m, d] = ymd.slice(0, 10).split('-').map(Number);
  const month = new Intl.DateTimeFormat(page.lang === 'en' ? 'en-GB' : 'lv-LV', { month: 'long', timeZone: 'UTC' })
    .format(new Date(Date.UTC(y, m - 1, d)));
  return page.lang === 'en' ? `${d} ${month} ${y}` : `${y}. gada ${d}. ${month}`;
}
