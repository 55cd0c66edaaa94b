// organizer.js - the organizers' pages (being built: see issue 10).
import { el, page, t } from './common.js';

document.getElementById('app').replaceChildren(el('p', {}, t('js.staff.soon')));
void page;
