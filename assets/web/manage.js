// manage.js: the manager's page (/manage). Login, then six sections driven
// from the HTTP API (docs/API.md "Managing the site"): today's services,
// closures, notices, accounts, kiosks and counters.
//
// Security: like the console, the session cookie is HttpOnly; the CSRF
// token of the login answer lives only in this module's memory and goes in
// X-CSRF-Token on every write. Roles are checked by the server: an agent
// who logs in is told the page is not for them, and the routes answer 403
// anyway. A 401 anywhere brings the login back.
//
// Every write is JSON with its own Idempotency-Key; when no answer comes
// (or a 5xx), it is sent again with the same key, so it is done at most
// once. After each change every section is read again from the server: the
// page never shows what it merely hopes the server did.

const $ = (id) => document.getElementById(id);

const S = {
	csrf: null,            // CSRF token, memory only
	login: '',
	role: '',
	services: [],          // from GET /api/v1/services
	site: null,            // its "site" object
	timer: null,           // periodic refresh of the "today" table
	confirmResolve: null,  // the pending confirmation's resolver
};

// Languages a notice can be written in: French first (required), then the
// kiosk's languages (docs/LANGUAGES.md), each labelled in French.
const NOTICE_LANGS = [
	['fr-easy', 'français facile', 'ltr'], ['en', 'anglais', 'ltr'], ['ar', 'arabe', 'rtl'], ['fa-AF', 'dari', 'rtl'],
	['ps', 'pachto', 'rtl'], ['es', 'espagnol', 'ltr'], ['pt', 'portugais', 'ltr'],
	['ru', 'russe', 'ltr'], ['uk', 'ukrainien', 'ltr'], ['tr', 'turc', 'ltr'],
	['bn', 'bengali', 'ltr'], ['ta', 'tamoul', 'ltr'], ['zh', 'chinois (mandarin)', 'ltr'],
	['ht', 'créole haïtien', 'ltr'],
];

const ROLES = { agent: 'agent', manager: 'responsable (manager)', admin: 'administrateur (admin)' };

const PRINTER = {
	confirmed: 'imprimé', unconfirmed: 'non confirmé', failed: 'en panne', unknown: 'inconnu',
};

// ------------------------------------------------------------------ API

class ApiError extends Error {
	constructor(status, message, data) {
		super(message);
		this.status = status;
		this.data = data;
	}
}

// A fresh Idempotency-Key: 16 random bytes, base64url (22 characters).
function newKey() {
	const b = new Uint8Array(16);
	crypto.getRandomValues(b);
	return btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const RETRIES = 3;
const sleep = (ms) => new Promise((res) => { setTimeout(res, ms); });

// One request: {r, text}, or null when no answer came.
async function send(method, path, body, key) {
	const headers = {};
	if (method !== 'GET') headers['X-CSRF-Token'] = S.csrf || '';
	if (key) headers['Idempotency-Key'] = key;
	const opts = { method, headers, credentials: 'same-origin', cache: 'no-store' };
	if (body !== undefined) {
		headers['Content-Type'] = 'application/json';
		opts.body = JSON.stringify(body);
	}
	const ctl = new AbortController();
	const timer = setTimeout(() => ctl.abort(), 10000);
	opts.signal = ctl.signal;
	try {
		const r = await fetch(path, opts);
		return { r, text: await r.text() };
	} catch {
		return null;
	} finally {
		clearTimeout(timer);
	}
}

const NO_KEY = new Set(['/api/v1/login', '/api/v1/logout', '/api/v1/password']);

// Returns {status, data} for 2xx; throws ApiError otherwise (status 0: no
// answer). The message is the server's own reason when it gave one.
async function api(method, path, body) {
	const key = method !== 'GET' && !NO_KEY.has(path) ? newKey() : null;
	let got = null;
	for (let attempt = 0; ; attempt++) {
		if (attempt > 0) await sleep(250 * 2 ** (attempt - 1));
		got = await send(method, path, body, key);
		if (got && got.r.status < 500) break;
		if (!key || attempt >= RETRIES) break;
	}
	if (!got) {
		throw new ApiError(0, key
			? 'Pas de réponse du serveur : le changement a peut-être été fait. Vérifiez la liste avant de recommencer.'
			: 'Serveur injoignable — vérifiez la connexion et réessayez.', null);
	}
	const { r, text } = got;
	let data = null;
	try {
		data = text ? JSON.parse(text) : null;
	} catch {
		data = null;
	}
	if (r.ok) return { status: r.status, data };
	const reason = (data && data.error) || '';
	if (r.status === 401 && path !== '/api/v1/login' && path !== '/api/v1/session') {
		sessionLost();
		throw new ApiError(401, 'Session expirée — reconnectez-vous.', data);
	}
	if (r.status === 403 && data && data.code === 'password_change_required') {
		showPassword();
		throw new ApiError(403, 'Changez d\'abord votre mot de passe.', data);
	}
	let msg;
	switch (r.status) {
	case 403: msg = data && data.code === 'forbidden'
		? `Refusé pour votre rôle${reason ? ` : ${reason}` : ''}.`
		: `Refusé par le serveur (403)${reason ? ` : ${reason}` : ''}.`; break;
	case 429: msg = reason || 'Trop d\'essais : patientez avant de réessayer.'; break;
	case 503: msg = `Le serveur n'a pas pu enregistrer${reason ? ` (${reason})` : ''} — réessayez.`; break;
	default: msg = reason ? `Refusé par le serveur (${r.status}) : ${reason}` : `Erreur du serveur (${r.status}).`;
	}
	throw new ApiError(r.status, msg, data);
}

// ------------------------------------------------------------------ helpers

function el(tag, props = {}, ...kids) {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(props)) {
		if (k === 'class') e.className = v;
		else if (k === 'dataset') Object.assign(e.dataset, v);
		else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
		else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
	}
	for (const k of kids) if (k !== null && k !== undefined) e.append(k);
	return e;
}

function say(section, text, kind = 'ok') {
	const m = $(`msg-${section}`);
	m.textContent = text;
	m.dataset.kind = kind;
}

// "2026-12-24" -> "24/12/2026"
function day(s) {
	const m = /^(\d{4})-(\d\d)-(\d\d)/.exec(s || '');
	return m ? `${m[3]}/${m[2]}/${m[1]}` : (s || '');
}

// RFC 3339 in the site's time -> "24/12/2026 09:14" (the site's own clock).
function stamp(s) {
	const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)/.exec(s || '');
	return m ? `${m[3]}/${m[2]}/${m[1]} ${m[4]}:${m[5]}` : '—';
}

function svcName(s) {
	return (s && s.name && (s.name.fr || Object.values(s.name)[0])) || '';
}

// The site's local day, as the server says it (not this machine's clock).
function siteToday() {
	const t = S.site && S.site.time;
	if (t && /^\d{4}-\d\d-\d\d/.test(t)) return t.slice(0, 10);
	const d = new Date();
	return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

// Ask before anything is revoked or deleted: a modal dialog whose focus
// starts on "Annuler", so Enter alone never destroys anything.
function confirmAction(title, text, okLabel) {
	const d = $('dlg-confirm');
	$('dlg-confirm-title').textContent = title;
	$('dlg-confirm-text').textContent = text;
	$('dlg-ok').textContent = okLabel;
	const back = document.activeElement;
	return new Promise((resolve) => {
		S.confirmResolve = (v) => {
			S.confirmResolve = null;
			if (d.open) d.close();
			if (back && back.isConnected) back.focus();
			resolve(v);
		};
		d.showModal();
		$('dlg-cancel').focus();
	});
}

// Run one write: say what happened in the section's live region, then read
// every section again. Returns the answer's data, or null on failure.
async function write(section, method, path, body, done) {
	try {
		const { data } = await api(method, path, body);
		say(section, typeof done === 'function' ? done(data) : done, 'ok');
		await refreshAll();
		return data || {};
	} catch (e) {
		say(section, e.message, 'error');
		if (e.status === 0) await refreshAll();
		return null;
	}
}

// ------------------------------------------------------------------ screens

function show(name) {
	for (const s of ['login', 'refused', 'password', 'manage']) $(`screen-${s}`).hidden = s !== name;
	document.body.dataset.screen = name;
	for (const e of document.querySelectorAll('.who-login')) e.textContent = S.login;
	for (const e of document.querySelectorAll('.who-role')) e.textContent = S.role;
}

function showLogin(message) {
	S.csrf = null;
	clearInterval(S.timer);
	show('login');
	const err = $('login-error');
	err.hidden = !message;
	err.textContent = message || '';
	$('password').value = '';
	$('login').focus();
}

function sessionLost() {
	if (document.body.dataset.screen !== 'login') showLogin('Session expirée — reconnectez-vous.');
}

function showPassword() {
	clearInterval(S.timer);
	show('password');
	$('pw-old').focus();
}

async function doLogin(ev) {
	ev.preventDefault();
	const login = $('login').value.trim();
	const password = $('password').value;
	const err = $('login-error');
	if (!login || !password) {
		err.textContent = 'Saisissez votre identifiant et votre mot de passe.';
		err.hidden = false;
		(login ? $('password') : $('login')).focus();
		return;
	}
	$('login-submit').disabled = true;
	try {
		const { data } = await api('POST', '/api/v1/login', { login, password });
		startSession(data);
	} catch (e) {
		err.textContent = e.status === 401 ? 'Identifiant ou mot de passe incorrect.' : e.message;
		err.hidden = false;
		$('password').value = '';
		$('password').focus();
	} finally {
		$('login-submit').disabled = false;
	}
}

async function logout() {
	try {
		await api('POST', '/api/v1/logout');
	} catch {
		// dropped on our side anyway
	}
	showLogin('');
}

async function changePassword(ev) {
	ev.preventDefault();
	const err = $('pw-error');
	const oldpw = $('pw-old').value;
	const pw = $('pw-new').value;
	err.hidden = true;
	if (!oldpw || !pw || pw !== $('pw-new2').value) {
		err.textContent = !oldpw || !pw ? 'Remplissez les trois champs.' : 'Les deux nouveaux mots de passe diffèrent.';
		err.hidden = false;
		return;
	}
	try {
		await api('POST', '/api/v1/password', { old: oldpw, new: pw });
		for (const id of ['pw-old', 'pw-new', 'pw-new2']) $(id).value = '';
		enter();
	} catch (e) {
		err.textContent = e.message;
		err.hidden = false;
	}
}

function startSession(data) {
	S.csrf = data.csrf;
	S.login = data.login || '';
	S.role = data.role || '';
	if (S.role !== 'manager' && S.role !== 'admin') {
		show('refused');
		$('refused-text').textContent = `Cette page est réservée aux responsables (rôles « manager » et « admin »). `
			+ `Votre compte « ${S.login} » a le rôle « ${S.role} ».`;
		document.querySelector('#screen-refused .js-logout').focus();
		return;
	}
	if (data.must_change) {
		showPassword();
		return;
	}
	enter();
}

async function enter() {
	show('manage');
	for (const o of document.querySelectorAll('#us-role .admin-only')) o.hidden = o.disabled = S.role !== 'admin';
	await refreshAll();
	clearInterval(S.timer);
	// Figures move all day (tickets issued): the tables follow; the forms are
	// left alone so that nothing typed is lost.
	S.timer = setInterval(() => { if (!document.hidden) loadToday(); }, 15000);
	const h = $('h-today');
	h.tabIndex = -1;
	h.focus();
}

// ------------------------------------------------------------------ today

async function loadToday() {
	const { data } = await api('GET', '/api/v1/services');
	S.site = (data && data.site) || null;
	S.services = (data && data.services) || [];
	$('site-name').textContent = S.site ? `— ${S.site.name || S.site.id || ''}` : '';
	const body = $('today-body');
	body.replaceChildren();
	for (const s of S.services) {
		const open = s.open_today !== false;
		const reserve = s.priority_reserve ?? null;
		body.append(el('tr', { dataset: { code: s.code }, class: open ? '' : 'closed' },
			el('th', { scope: 'row' }, el('span', { class: 'code' }, s.code), ` ${svcName(s)}`),
			el('td', {}, el('span', { class: `pill ${open ? 'pill-ok' : 'pill-bad'}`, 'data-open': String(open) },
				open ? '✔ Ouvert' : '✖ Fermé aujourd\'hui')),
			el('td', { class: 'num' }, String(s.capacity ?? '—')),
			el('td', { class: 'num' }, String(s.issued ?? '—')),
			el('td', { class: 'num' }, String(s.left_today ?? '—')),
			el('td', { class: 'num' }, reserve === null ? '—' : String(reserve)),
			el('td', { class: 'num' }, String(s.waiting ?? 0)),
			el('td', {}, el('button', {
				type: 'button', class: 'btn btn-small', 'aria-label': `Modifier le service ${s.code} ${svcName(s)}`,
				onclick: () => { pickService(s.code); $('td-open').focus(); },
			}, 'Modifier'))));
	}
	const sel = $('td-service');
	const was = sel.value;
	sel.replaceChildren(...S.services.map((s) => el('option', { value: s.code }, `${s.code} — ${svcName(s)}`)));
	if (was && S.services.some((s) => s.code === was)) sel.value = was;
	if (!sel.dataset.touched) pickService(sel.value);
	const n = S.site && S.site.next_opening;
	const cl = S.site && S.site.closure;
	let said = '';
	if (cl && cl.hours) said = `Aujourd'hui, horaires modifiés : ${cl.hours.replace('-', ' – ')} (${cl.reason || ''}). `;
	else if (cl) said = `Site fermé aujourd'hui (${cl.reason || 'fermeture'}). `;
	if (n) said += `${cl && !cl.hours ? 'Prochaine ouverture' : 'Jour d\'ouverture suivant'} : ${day(n.day)} à ${n.opens}.`;
	$('next-opening').textContent = said;
	if (S.site) document.body.dataset.siteOpen = String(S.site.open !== false);
	setDefaultDays();
}

// Fill the form with the service's values of today.
function pickService(code) {
	const s = S.services.find((x) => x.code === code);
	if (!s) return;
	$('td-service').value = code;
	$('td-open').value = String(s.open_today !== false);
	$('td-capacity').value = s.capacity ?? '';
	$('td-reserve').value = s.priority_reserve ?? '';
	$('td-reserve').placeholder = s.priority_reserve === undefined ? 'inchangée' : '';
}

async function submitToday(ev) {
	ev.preventDefault();
	const code = $('td-service').value;
	const s = S.services.find((x) => x.code === code);
	const reason = $('td-reason').value.trim();
	if (!s) return say('today', 'Choisissez un service.', 'error');
	const body = {};
	const open = $('td-open').value === 'true';
	if (open !== (s.open_today !== false)) body.open = open;
	const cap = $('td-capacity').value.trim();
	if (cap !== '' && Number(cap) !== s.capacity) body.capacity = Number(cap);
	const res = $('td-reserve').value.trim();
	if (res !== '' && Number(res) !== (s.priority_reserve ?? null)) body.priority_reserve = Number(res);
	if (!Object.keys(body).length) {
		say('today', `Rien n'a changé pour le service ${code}.`, 'error');
		return;
	}
	if (!reason) {
		say('today', 'Le motif est obligatoire : dites pourquoi le service change aujourd\'hui.', 'error');
		$('td-reason').focus();
		return;
	}
	body.reason = reason;
	const ok = await write('today', 'PATCH', `/api/v1/services/${encodeURIComponent(code)}/today`, body, (d) => {
		const parts = [];
		if ('open' in body) parts.push((d && d.open === false) || body.open === false ? 'fermé' : 'ouvert');
		if ('capacity' in body) parts.push(`capacité ${body.capacity}`);
		if ('priority_reserve' in body) parts.push(`réserve prioritaire ${body.priority_reserve}`);
		return `Service ${code} pour aujourd'hui : ${parts.join(', ')}.`;
	});
	if (ok) {
		$('td-reason').value = '';
		pickService(code);
	}
}

// ------------------------------------------------------------------ calendar

async function loadClosures() {
	const { data } = await api('GET', '/api/v1/closures');
	const list = (data && data.closures) || [];
	const body = $('closures-body');
	body.replaceChildren();
	for (const c of list) {
		const label = `${day(c.from)}${c.to !== c.from ? ` au ${day(c.to)}` : ''}`;
		body.append(el('tr', { dataset: { id: String(c.id) } },
			el('td', {}, day(c.from)), el('td', {}, day(c.to)),
			el('td', {}, c.hours ? `ouvert ${c.hours.replace('-', ' – ')}` : 'fermé'),
			el('td', {}, c.reason || ''), el('td', {}, c.by || ''),
			el('td', {}, el('button', {
				type: 'button', class: 'btn btn-small btn-danger', 'aria-label': `Supprimer la fermeture du ${label}`,
				onclick: () => deleteClosure(c, label),
			}, 'Supprimer'))));
	}
	$('closures-empty').hidden = list.length > 0;
}

async function submitClosure(ev) {
	ev.preventDefault();
	const from = $('cl-from').value;
	const to = $('cl-to').value || from;
	const reason = $('cl-reason').value.trim();
	const hours = $('cl-hours').value.trim();
	if (!from || !reason) {
		say('calendar', !from ? 'Donnez le premier jour.' : 'Le motif est obligatoire.', 'error');
		(!from ? $('cl-from') : $('cl-reason')).focus();
		return;
	}
	if (hours && !/^\d\d:\d\d-\d\d:\d\d$/.test(hours)) {
		say('calendar', 'Horaires : écrivez-les « HH:MM-HH:MM », par exemple 09:00-12:00.', 'error');
		$('cl-hours').focus();
		return;
	}
	const body = { from, to, reason };
	if (hours) body.hours = hours;
	const ok = await write('calendar', 'POST', '/api/v1/closures', body,
		(d) => `Fermeture ajoutée : ${day(d.from || from)}${(d.to || to) !== (d.from || from) ? ` au ${day(d.to || to)}` : ''}.`);
	if (ok) for (const id of ['cl-from', 'cl-to', 'cl-reason', 'cl-hours']) $(id).value = '';
}

async function deleteClosure(c, label) {
	if (!await confirmAction('Supprimer une fermeture', `Supprimer la fermeture du ${label} (« ${c.reason} ») ? Le site rouvrira selon ses horaires habituels.`, 'Supprimer')) return;
	await write('calendar', 'DELETE', `/api/v1/closures/${c.id}`, undefined, `Fermeture du ${label} supprimée.`);
}

// ------------------------------------------------------------------ notices

// GET of a route that this server may not have yet: null when it has not.
async function optional(path) {
	try {
		return (await api('GET', path)).data || {};
	} catch (e) {
		if (e.status === 404 || e.status === 405) return null;
		throw e;
	}
}

async function loadNotices() {
	const data = await optional('/api/v1/notices');
	$('notices-off').hidden = data !== null;
	$('notices-on').hidden = data === null;
	if (data === null) return;
	const list = data.notices || [];
	const body = $('notices-body');
	body.replaceChildren();
	for (const n of list) {
		const text = (n.text && (n.text.fr || Object.values(n.text)[0])) || '';
		const langs = n.text ? Object.keys(n.text).filter((l) => l !== 'fr') : [];
		const screens = (n.screens || []).map((s) => (s === 'board' ? 'tableau' : s === 'kiosk' ? 'bornes' : s)).join(', ');
		body.append(el('tr', { dataset: { id: String(n.id) } },
			el('td', {}, day(n.from)), el('td', {}, day(n.to)),
			el('td', {}, text, langs.length ? el('span', { class: 'hint' }, ` (+ ${langs.join(', ')})`) : null),
			el('td', {}, screens),
			el('td', {}, el('button', {
				type: 'button', class: 'btn btn-small btn-danger', 'aria-label': `Supprimer l'annonce « ${text.slice(0, 40)} »`,
				onclick: () => deleteNotice(n, text),
			}, 'Supprimer'))));
	}
	$('notices-empty').hidden = list.length > 0;
}

async function submitNotice(ev) {
	ev.preventDefault();
	const from = $('nt-from').value;
	const to = $('nt-to').value || from;
	const fr = $('nt-fr').value.trim();
	const screens = ['nt-board', 'nt-kiosk'].filter((id) => $(id).checked).map((id) => $(id).value);
	if (!from || !fr || !screens.length) {
		say('notices', !from ? 'Donnez le premier jour.' : !fr ? 'Le texte en français est obligatoire.' : 'Choisissez au moins un écran.', 'error');
		(!from ? $('nt-from') : !fr ? $('nt-fr') : $('nt-board')).focus();
		return;
	}
	const text = { fr };
	for (const [code] of NOTICE_LANGS) {
		const v = $(`nt-${code}`).value.trim();
		if (v) text[code] = v;
	}
	const ok = await write('notices', 'POST', '/api/v1/notices', { from, to, text, screens }, 'Annonce publiée.');
	if (ok) {
		for (const id of ['nt-fr', ...NOTICE_LANGS.map(([c]) => `nt-${c}`)]) $(id).value = '';
		setDefaultDays();
	}
}

async function deleteNotice(n, text) {
	if (!await confirmAction('Supprimer une annonce', `Retirer l'annonce « ${text} » des écrans ?`, 'Supprimer')) return;
	await write('notices', 'DELETE', `/api/v1/notices/${n.id}`, undefined, 'Annonce supprimée.');
}

// ------------------------------------------------------------------ accounts

function showSecret(id, who, value) {
	const box = $(id);
	box.querySelector('.secret-who').textContent = who;
	box.querySelector('.secret-value').textContent = value;
	box.hidden = false;
	box.querySelector('.js-copy').focus();
}

async function loadUsers() {
	const data = await optional('/api/v1/users');
	$('users-off').hidden = data !== null;
	$('users-on').hidden = data === null;
	if (data === null) return;
	const body = $('users-body');
	body.replaceChildren();
	for (const u of data.users || []) {
		const mine = S.role === 'admin' || u.role === 'agent';
		const state = u.active === false ? 'désactivé' : u.must_change ? 'actif — doit changer son mot de passe' : 'actif';
		const roleSel = el('select', { id: `role-${u.login}`, 'aria-label': `Rôle de ${u.login}`, disabled: !mine || S.role !== 'admin' },
			...Object.keys(ROLES).map((r) => el('option', { value: r, selected: r === u.role }, r)));
		const actions = el('div', { class: 'actions' });
		if (mine) {
			actions.append(el('button', {
				type: 'button', class: 'btn btn-small', onclick: () => toggleUser(u),
			}, u.active === false ? `Réactiver ${u.login}` : `Désactiver ${u.login}`));
			actions.append(el('button', {
				type: 'button', class: 'btn btn-small', 'aria-label': `Réinitialiser le mot de passe de ${u.login}`,
				onclick: () => resetUser(u),
			}, 'Réinitialiser le mot de passe'));
			if (S.role === 'admin') {
				actions.append(el('button', {
					type: 'button', class: 'btn btn-small', 'aria-label': `Enregistrer le rôle de ${u.login}`,
					onclick: () => setRole(u, roleSel.value),
				}, 'Changer le rôle'));
			}
		} else {
			actions.append(el('span', { class: 'hint' }, 'géré par un administrateur'));
		}
		body.append(el('tr', { dataset: { login: u.login }, class: u.active === false ? 'closed' : '' },
			el('th', { scope: 'row' }, u.login),
			el('td', {}, S.role === 'admin' && mine ? roleSel : (ROLES[u.role] || u.role)),
			el('td', {}, state), el('td', {}, stamp(u.created_at)), el('td', {}, actions)));
	}
}

async function submitUser(ev) {
	ev.preventDefault();
	const login = $('us-login').value.trim();
	const role = $('us-role').value;
	const password = $('us-password').value;
	if (!login) {
		say('users', 'Donnez un identifiant.', 'error');
		$('us-login').focus();
		return;
	}
	const body = { login, role };
	if (password) body.password = password;
	const d = await write('users', 'POST', '/api/v1/users', body, `Compte « ${login} » créé (${role}).`);
	if (d) {
		$('us-login').value = '';
		$('us-password').value = '';
		if (d.temporary_password) showSecret('secret-user', d.login || login, d.temporary_password);
	}
}

async function toggleUser(u) {
	const enable = u.active === false;
	if (!enable && !await confirmAction('Désactiver un compte', `Désactiver le compte « ${u.login} » ? Ses sessions sont fermées aussitôt.`, 'Désactiver')) return;
	await write('users', 'PATCH', `/api/v1/users/${encodeURIComponent(u.login)}`, { active: enable },
		`Compte « ${u.login} » ${enable ? 'réactivé' : 'désactivé'}.`);
}

async function resetUser(u) {
	if (!await confirmAction('Réinitialiser un mot de passe', `Donner un mot de passe temporaire à « ${u.login} » ? Ses sessions sont fermées aussitôt ; à sa prochaine connexion, la personne choisira un nouveau mot de passe.`, 'Réinitialiser')) return;
	const d = await write('users', 'PATCH', `/api/v1/users/${encodeURIComponent(u.login)}`, { password_reset: true },
		`Mot de passe de « ${u.login} » réinitialisé.`);
	if (d && d.temporary_password) showSecret('secret-user', u.login, d.temporary_password);
}

async function setRole(u, role) {
	if (role === u.role) {
		say('users', `« ${u.login} » a déjà le rôle ${role}.`, 'error');
		return;
	}
	await write('users', 'PATCH', `/api/v1/users/${encodeURIComponent(u.login)}`, { role },
		`« ${u.login} » a maintenant le rôle ${role}.`);
}

// ------------------------------------------------------------------ devices

async function loadDevices() {
	const { data } = await api('GET', '/api/v1/devices');
	const body = $('devices-body');
	body.replaceChildren();
	for (const d of (data && data.devices) || []) {
		const p = d.printer;
		const printer = p ? `${PRINTER[p.status] || p.status}${p.reason && p.status !== 'confirmed' ? ` (${p.reason})` : ''}` : '—';
		body.append(el('tr', { dataset: { name: d.name }, class: d.active ? '' : 'closed' },
			el('th', { scope: 'row' }, d.name),
			el('td', {}, el('span', { class: `pill ${d.active ? 'pill-ok' : 'pill-bad'}` }, d.active ? '✔ Active' : '✖ Révoquée')),
			el('td', {}, d.last_contact ? stamp(d.last_contact) : 'jamais'),
			el('td', { class: p && p.status === 'failed' ? 'bad' : '' }, printer),
			el('td', { class: 'paper' }, paperText(d.paper_counter), d.active ? el('button', {
				type: 'button', class: 'btn btn-small js-roll', 'aria-label': `Nouveau rouleau dans la borne ${d.name}`,
				onclick: () => newRoll(d),
			}, 'Nouveau rouleau') : ''),
			el('td', {}, d.active ? el('button', {
				type: 'button', class: 'btn btn-small btn-danger js-revoke', 'aria-label': `Révoquer la borne ${d.name}`,
				onclick: () => revokeDevice(d),
			}, 'Révoquer') : '')));
	}
}

// "12 tickets · 1,1 m depuis le 05/12/2026 08:02": the slips and paper since the last new roll.
function paperText(p) {
	if (!p) return '—';
	const metres = (p.mm / 1000).toLocaleString('fr-FR', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
	const since = p.since ? ` depuis le ${stamp(p.since)}` : '';
	return `${p.slips} ticket${p.slips > 1 ? 's' : ''} · ${metres} m${since} `;
}

async function newRoll(d) {
	if (!await confirmAction('Nouveau rouleau', `Un rouleau neuf a été mis dans la borne « ${d.name} » ? Son compteur de papier repart de zéro.`, 'Remettre à zéro')) return;
	await write('devices', 'POST', `/api/v1/devices/${encodeURIComponent(d.name)}/new-roll`, undefined,
		`Compteur de papier de « ${d.name} » remis à zéro.`);
}

async function submitDevice(ev) {
	ev.preventDefault();
	const name = $('dv-name').value.trim();
	if (!/^[A-Za-z0-9-]{1,16}$/.test(name)) {
		say('devices', 'Nom : 1 à 16 lettres, chiffres ou tirets.', 'error');
		$('dv-name').focus();
		return;
	}
	const d = await write('devices', 'POST', '/api/v1/devices', { name }, `Borne « ${name} » ajoutée.`);
	if (d) {
		$('dv-name').value = '';
		if (d.key) showSecret('secret-device', d.name || name, d.key);
	}
}

async function revokeDevice(d) {
	if (!await confirmAction('Révoquer une borne', `Révoquer la borne « ${d.name} » ? Sa clé est effacée : elle sera refusée dès sa prochaine requête.`, 'Révoquer')) return;
	await write('devices', 'POST', `/api/v1/devices/${encodeURIComponent(d.name)}/revoke`, undefined,
		`Borne « ${d.name} » révoquée.`);
}

// ------------------------------------------------------------------ counters

const CSTATE = { open: 'ouvert', paused: 'en pause', closed: 'fermé' };

async function loadCounters() {
	const { data } = await api('GET', '/api/v1/counters');
	const body = $('counters-body');
	body.replaceChildren();
	for (const c of (data && data.counters) || []) {
		const n = c.counter;
		const label = c.name || `Guichet ${n}`;
		const services = typeof c.services === 'string' ? c.services
			: (c.services || []).map((x) => (typeof x === 'string' ? x : x.code)).join('');
		const name = el('input', { id: `cn-${n}`, value: label, maxlength: 47, autocomplete: 'off', class: 'cname' });
		const codes = el('input', {
			id: `cs-${n}`, value: services, maxlength: 26, autocomplete: 'off', spellcheck: 'false',
			class: 'codes', 'aria-describedby': 'counters-legend',
		});
		const save = () => saveCounter(n, label, services, name.value, codes.value);
		for (const i of [name, codes]) {
			i.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); save(); } });
		}
		body.append(el('tr', { dataset: { counter: String(n) } },
			el('th', { scope: 'row' }, String(n)),
			el('td', {}, el('label', { for: `cn-${n}`, class: 'visually-hidden' }, `Nom du guichet ${n}`), name),
			el('td', {}, CSTATE[c.state] || c.state || ''),
			el('td', {}, el('label', { for: `cs-${n}`, class: 'visually-hidden' }, `Services du guichet ${n}, dans l'ordre`), codes,
				el('span', { class: 'svc-order' }, services.split('').map((x, i) => `${i + 1}. ${svcName(S.services.find((y) => y.code === x)) || x}`).join(' · '))),
			el('td', {}, el('button', {
				type: 'button', class: 'btn btn-small', 'aria-label': `Enregistrer le guichet ${n}`, onclick: save,
			}, 'Enregistrer'))));
	}
	$('counters-legend').textContent = `Codes des services : ${S.services.map((x) => `${x.code} ${svcName(x)}`).join(' · ')}.`;
}

async function saveCounter(n, wasName, wasServices, nameValue, value) {
	const services = value.toUpperCase().replace(/[^A-Z]/g, '');
	const name = nameValue.trim();
	if (!services) {
		say('counters', 'Un guichet sert au moins un service : donnez ses codes, par exemple « BA ».', 'error');
		$(`cs-${n}`).focus();
		return;
	}
	if (!name) {
		say('counters', 'Donnez un nom au guichet.', 'error');
		$(`cn-${n}`).focus();
		return;
	}
	if (services === wasServices && name === wasName) {
		say('counters', `Rien n'a changé pour le guichet ${n}.`, 'error');
		return;
	}
	const body = { services };
	if (name !== wasName) body.name = name;
	await write('counters', 'PATCH', `/api/v1/counters/${n}`, body,
		`${name} : services ${services.split('').join(', ')}.`);
}

// ------------------------------------------------------------------ all

// Read every section again. A section that fails says why in its region
// and leaves the others be.
async function refreshAll() {
	const parts = [['today', loadToday], ['calendar', loadClosures], ['notices', loadNotices],
		['users', loadUsers], ['devices', loadDevices], ['counters', loadCounters]];
	// Services first: the counters' legend and the site's day need them.
	for (const [name, f] of parts) {
		try {
			await f();
		} catch (e) {
			if (e.status === 401 || (e.data && e.data.code === 'password_change_required')) return;
			say(name, `Lecture impossible : ${e.message}`, 'error');
		}
	}
	document.body.dataset.loaded = String(Number(document.body.dataset.loaded || 0) + 1);
}

function setDefaultDays() {
	const t = siteToday();
	for (const id of ['nt-from', 'nt-to']) if (!$(id).value) $(id).value = t;
}

async function copySecret(box) {
	const code = box.querySelector('.secret-value');
	const text = code.textContent;
	let ok = false;
	try {
		await navigator.clipboard.writeText(text);
		ok = true;
	} catch {
		// Plain HTTP on the site's network: no async clipboard. Select the
		// text and use the old command.
		const r = document.createRange();
		r.selectNodeContents(code);
		const sel = window.getSelection();
		sel.removeAllRanges();
		sel.addRange(r);
		try { ok = document.execCommand('copy'); } catch { ok = false; }
	}
	const btn = box.querySelector('.js-copy');
	btn.textContent = ok ? 'Copié ✔' : 'Sélectionné : Ctrl+C';
	setTimeout(() => { btn.textContent = 'Copier'; }, 3000);
}

// A new action in a section: its previous message goes, so that what the
// live region says next is about this action only.
function clearMsg(sec) {
	const m = sec && sec.querySelector('.msg');
	if (!m) return;
	m.textContent = '';
	delete m.dataset.kind;
}

function wire() {
	document.addEventListener('submit', (ev) => clearMsg(ev.target.closest('.sec')), true);
	document.addEventListener('click', (ev) => {
		const b = ev.target.closest && ev.target.closest('button');
		if (b && !b.closest('.secret')) clearMsg(b.closest('.sec'));
	}, true);
	document.addEventListener('keydown', (ev) => {
		if (ev.key === 'Enter' && ev.target.matches && ev.target.matches('.sec input')) clearMsg(ev.target.closest('.sec'));
	}, true);
	$('login-form').addEventListener('submit', doLogin);
	$('password-form').addEventListener('submit', changePassword);
	for (const b of document.querySelectorAll('.js-logout')) b.addEventListener('click', logout);
	$('today-form').addEventListener('submit', submitToday);
	$('td-service').addEventListener('change', (ev) => { ev.target.dataset.touched = '1'; pickService(ev.target.value); });
	$('closure-form').addEventListener('submit', submitClosure);
	$('cl-from').addEventListener('change', () => { if (!$('cl-to').value || $('cl-to').value < $('cl-from').value) $('cl-to').value = $('cl-from').value; });
	$('notice-form').addEventListener('submit', submitNotice);
	$('user-form').addEventListener('submit', submitUser);
	$('device-form').addEventListener('submit', submitDevice);
	for (const box of document.querySelectorAll('.secret')) {
		box.querySelector('.js-copy').addEventListener('click', () => copySecret(box));
		box.querySelector('.js-hide').addEventListener('click', () => {
			box.hidden = true;
			box.querySelector('.secret-value').textContent = '';
		});
	}
	const grid = $('nt-langs');
	for (const [code, name, dir] of NOTICE_LANGS) {
		grid.append(el('div', { class: 'field' },
			el('label', { for: `nt-${code}` }, `Texte en ${name}`),
			el('input', { id: `nt-${code}`, class: 'wide', maxlength: 200, autocomplete: 'off', lang: code === 'fr-easy' ? 'fr' : code, dir })));
	}
	const d = $('dlg-confirm');
	$('dlg-ok').addEventListener('click', () => S.confirmResolve && S.confirmResolve(true));
	$('dlg-cancel').addEventListener('click', () => S.confirmResolve && S.confirmResolve(false));
	d.addEventListener('cancel', (ev) => { ev.preventDefault(); if (S.confirmResolve) S.confirmResolve(false); });
}

async function boot() {
	wire();
	try {
		const { data } = await api('GET', '/api/v1/session');
		startSession(data);
	} catch {
		showLogin('');
	}
}

boot();
