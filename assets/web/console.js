// console.js: the counter agent's screen. Login, choice of counter, then the
// counter: call, recall, no-show, done with an outcome, transfer, pause;
// call a specific ticket with a reason; check a scanned slip; the live
// queue and alerts over server-sent events; today's appointments booked
// online, and checking one in by hand with a reason; the convocations of a
// day (places on a later day given when a day was full), and cancelling
// one with a reason, which gives its place back to the pool.
//
// Security: the session cookie is HttpOnly (we never see it); the CSRF
// token from the login answer lives only in this module's memory and goes
// in X-CSRF-Token on every POST. A 401 anywhere brings the login back.
//
// Focus: the slip-check field takes the focus back whenever nothing else
// is being typed in, so a USB scanner (which types like a keyboard) always
// lands there; action shortcuts are function keys, which a scanner never
// sends and which type nothing into a field.

import { LiveLink, getJSON, hhmm } from './live.js';

const $ = (id) => document.getElementById(id);

const S = {
	csrf: null,           // CSRF token, memory only
	login: '',
	role: '',
	counters: [],         // normalised, see normCounter
	counter: null,        // chosen counter number
	cstate: '',           // open | paused | closed
	ticket: null,         // current ticket at our counter, or null
	services: [],         // from /api/v1/services
	busy: false,          // an action is in flight: ignore new presses
	link: null,           // LiveLink once logged in
	svcTimer: null,       // periodic refresh of the queue table
	alertsSeen: new Set(), // alert ids dismissed with "Vu": not shown again on reload
	appts: [],            // today's appointments (GET /api/v1/appointments), by start
	checkin: null,        // the appointment the check-in dialog is for
	cvDay: '',            // the day the convocations screen shows, YYYY-MM-DD
	cvToday: '',          // the site's today, as the server said it (not this machine's)
	convs: [],            // that day's convocations, by window
	cvPlaces: {},         // GET /api/v1/stats' `convocations` of that day, by service
	cvLangs: {},          // languages by service and code, from that day's appointments
	cvSeq: 0,             // the latest load: an older answer is dropped
	cvCancel: null,       // the convocation the cancel dialog is for
	cvBusy: false,        // a cancel is in flight
};

// A convocation's state in words, with a mark each (not a colour alone).
const CV_STATES = {
	booked: { mark: '○', word: 'prévue' },
	honoured: { mark: '✔', word: 'arrivée' },
	cancelled: { mark: '–', word: 'annulée' },
	missed: { mark: '✖', word: 'non venue' },
};

// An appointment's state in words, with a mark each (not a colour alone).
const APPT_STATES = {
	not_yet: { mark: '○', word: 'à venir' },
	arrived: { mark: '✔', word: 'arrivé' },
	late: { mark: '⏱', word: 'en retard' },
	no_show: { mark: '✖', word: 'non venu' },
	cancelled: { mark: '–', word: 'annulé' },
};

const LANGS = {
	fr: 'français', 'fr-easy': 'français facile', en: 'anglais', ar: 'arabe', fa: 'persan', 'fa-AF': 'dari',
	prs: 'dari', ps: 'pachto', es: 'espagnol', pt: 'portugais', ru: 'russe', uk: 'ukrainien',
	tr: 'turc', bn: 'bengali', ta: 'tamoul', zh: 'chinois (mandarin)', 'zh-Hans': 'chinois (mandarin)',
	ht: 'créole haïtien',
};

const OUTCOMES = {
	complete: 'dossier complet',
	documents_missing: 'pièces manquantes',
	redirected: 'réorienté',
	other: 'autre',
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
// getRandomValues works over plain HTTP too (randomUUID needs HTTPS).
function newKey() {
	const b = new Uint8Array(16);
	crypto.getRandomValues(b);
	return btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const RETRIES = 3;          // a POST without an answer is sent again, with the same key
const sleep = (ms) => new Promise((res) => { setTimeout(res, ms); });

// One request: {r, text}, or null when no answer came (network, time-out).
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

// Every call to the server. Returns {status, data} for 2xx; throws ApiError
// otherwise (status 0: the server could not be reached). A POST (but the
// login) carries an Idempotency-Key made for this click; when no answer
// comes back, or a 5xx does, it is sent again with the same key (up to
// RETRIES times): the server does it at most once and answers the retry
// with the first answer. Still nothing: status 0 and data.uncertain, since
// the action may have been done.
async function api(method, path, body) {
	const key = method === 'POST' && path !== '/api/v1/login' ? newKey() : null;
	let got = null;
	let maybe = false;      // an attempt may have reached the server
	for (let attempt = 0; ; attempt++) {
		if (attempt > 0) await sleep(250 * 2 ** (attempt - 1));
		got = await send(method, path, body, key);
		if (got && got.r.status < 500) break;
		if (!got || got.r.status !== 503) maybe = true;
		if (!key || attempt >= RETRIES) break;
	}
	if (!got) {
		throw new ApiError(0, maybe && key
			? 'Pas de réponse du serveur : l\'action a peut-être été faite. Vérifiez le ticket affiché avant de continuer.'
			: 'Serveur injoignable — vérifiez la connexion et réessayez.', { uncertain: maybe && !!key, key });
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
		showPassword('');
		throw new ApiError(403, 'Choisissez d\'abord un nouveau mot de passe.', data);
	}
	let msg;
	switch (r.status) {
	case 403: msg = `Action non autorisée pour votre rôle${reason ? ` (${reason})` : ''}.`; break;
	case 404: msg = reason || 'Introuvable.'; break;
	case 409: msg = reason || 'Impossible dans l\'état actuel du guichet.'; break;
	case 429: msg = reason || 'Trop d\'essais : patientez avant de réessayer.'; break;
	case 503: msg = data && data.code === 'reconnecting'
		? 'Reconnexion du serveur à sa base de données : rien n\'a été fait, réessayez dans un instant.'
		: `Le serveur n'a pas pu enregistrer${reason ? ` (${reason})` : ''} — réessayez.`; break;
	default: msg = reason || `Erreur du serveur (${r.status}).`;
	}
	throw new ApiError(r.status, msg, data);
}

// ------------------------------------------------------------------ screens

function show(name) {
	for (const s of ['login', 'password', 'choose', 'counter', 'convocations']) $(`screen-${s}`).hidden = s !== name;
	document.body.dataset.screen = name;
	for (const el of document.querySelectorAll('.who-login')) el.textContent = S.login;
	for (const el of document.querySelectorAll('.who-role')) el.textContent = S.role;
}

function showLogin(message) {
	S.csrf = null;
	stopLive();
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
		// A temporary password: it was just typed, so the new-password form
		// starts with it (the field is a password field; nothing keeps it).
		if (data && data.must_change) $('pw-old').value = password;
		startSession(data);
	} catch (e) {
		err.textContent = e.status === 401
			? 'Identifiant ou mot de passe incorrect.'
			: e.message;
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
		// The session is dropped on our side anyway.
	}
	sessionStorage.removeItem('kiosk.counter');
	S.counter = null;
	showLogin('');
}

function startSession(data) {
	S.csrf = data.csrf;
	S.login = data.login || '';
	S.role = data.role || '';
	// A password someone else chose: the server answers nothing else
	// (403 password_change_required) until the agent chooses their own.
	if (data.must_change) {
		showPassword('');
		return;
	}
	startLive();
	const saved = Number(sessionStorage.getItem('kiosk.counter'));
	chooseScreen(saved || null);
}

function showPassword(message) {
	stopLive();
	show('password');
	const err = $('pw-error');
	err.hidden = !message;
	err.textContent = message || '';
	$('pw-new').value = '';
	$('pw-confirm').value = '';
	($('pw-old').value ? $('pw-new') : $('pw-old')).focus();
}

async function doPassword(ev) {
	ev.preventDefault();
	const old = $('pw-old').value;
	const neu = $('pw-new').value;
	const err = $('pw-error');
	const refuse = (msg, field) => {
		err.textContent = msg;
		err.hidden = false;
		$(field).focus();
	};
	if (!old) return refuse('Saisissez votre mot de passe actuel.', 'pw-old');
	if (neu.length < 8) return refuse('Le nouveau mot de passe doit avoir au moins 8 caractères.', 'pw-new');
	if (neu === old) return refuse('Le nouveau mot de passe doit être différent de l\'actuel.', 'pw-new');
	if (neu !== $('pw-confirm').value) return refuse('Les deux nouveaux mots de passe ne sont pas identiques.', 'pw-confirm');
	$('pw-submit').disabled = true;
	try {
		await api('POST', '/api/v1/password', { old, new: neu });
		$('pw-old').value = '';
		$('pw-new').value = '';
		$('pw-confirm').value = '';
		err.hidden = true;
		startSession({ csrf: S.csrf, login: S.login, role: S.role, must_change: false });
	} catch (e) {
		if (e.status === 401) return;       // the session is gone: the login screen is back
		if (e.status === 403 && e.data && e.data.code === 'wrong_password') {
			$('pw-old').value = '';
			refuse('Mot de passe actuel incorrect.', 'pw-old');
		} else if (e.status === 400) {
			refuse('Ce mot de passe n\'est pas accepté : au moins 8 caractères, différent de l\'actuel.', 'pw-new');
		} else {
			refuse(e.message, 'pw-new');
		}
	} finally {
		$('pw-submit').disabled = false;
	}
}

// ------------------------------------------------------------------ counters

function normCounter(c) {
	const n = Number(c.counter ?? c.number ?? c.id);
	return {
		n,
		name: c.name || c.counter_name || `Guichet ${n}`,
		state: c.state || 'open',
		// An array of codes or of {code}, or a string of codes ("BA", "B A").
		services: Array.isArray(c.services)
			? c.services.map((s) => (typeof s === 'string' ? s : s.code))
			: String(c.services || '').match(/[A-Z]/g) || [],
		ticket: c.ticket || null,
		agent: c.agent || c.login || null,
	};
}

async function loadCounters() {
	const { data } = await api('GET', '/api/v1/counters');
	const list = Array.isArray(data) ? data : (data && data.counters) || [];
	S.counters = list.map(normCounter).filter((c) => Number.isFinite(c.n));
	return S.counters;
}

async function loadServices() {
	const { data } = await api('GET', '/api/v1/services');
	S.services = (data && data.services) || [];
	renderQueue();
}

async function chooseScreen(preferred) {
	show('choose');
	const err = $('choose-error');
	err.hidden = true;
	try {
		await loadCounters();
	} catch (e) {
		if (e.status === 401) return;
		err.textContent = e.message;
		err.hidden = false;
		return;
	}
	if (preferred && S.counters.some((c) => c.n === preferred)) {
		enterCounter(preferred);
		return;
	}
	const ul = $('counter-list');
	ul.replaceChildren();
	for (const c of S.counters) {
		const li = document.createElement('li');
		const b = document.createElement('button');
		b.type = 'button';
		b.className = 'btn counter-btn';
		b.dataset.counter = String(c.n);
		const t = document.createElement('span');
		t.className = 'c-title';
		t.textContent = c.name;
		const m = document.createElement('span');
		m.className = 'c-meta';
		const st = { open: 'ouvert', paused: 'en pause', closed: 'fermé' }[c.state] || c.state;
		m.textContent = `Services ${c.services.join(', ') || '—'} · ${st}${c.ticket ? ` · ticket ${c.ticket.number}` : ''}`;
		b.append(t, m);
		b.addEventListener('click', () => enterCounter(c.n));
		li.append(b);
		ul.append(li);
	}
	const first = ul.querySelector('button');
	if (first) first.focus();
}

// Arrow keys move between the counter buttons.
function chooseKeys(ev) {
	if (!['ArrowDown', 'ArrowUp', 'ArrowLeft', 'ArrowRight'].includes(ev.key)) return;
	const btns = [...$('counter-list').querySelectorAll('button')];
	const i = btns.indexOf(document.activeElement);
	if (i < 0) return;
	const d = ev.key === 'ArrowDown' || ev.key === 'ArrowRight' ? 1 : -1;
	btns[(i + d + btns.length) % btns.length].focus();
	ev.preventDefault();
}

async function enterCounter(n) {
	const c = S.counters.find((x) => x.n === n);
	if (!c) return;
	S.counter = n;
	sessionStorage.setItem('kiosk.counter', String(n));
	S.cstate = c.state;
	S.ticket = c.ticket;
	$('c-name').textContent = c.name;
	show('counter');
	renderCounter();
	focusScan(true);
	if (c.state === 'closed') await act('open');
	loadServices().catch(() => {});
	loadAppointments().catch(() => {});
}

function myCounter() {
	return S.counters.find((c) => c.n === S.counter) || null;
}

// ------------------------------------------------------------------ rendering

function langName(code) {
	if (!code) return '—';
	return LANGS[code] ? `${LANGS[code]} (${code})` : code;
}

function serviceName(code) {
	const s = S.services.find((x) => x.code === code);
	const name = s && s.name ? (s.name.fr || Object.values(s.name)[0]) : '';
	return name ? `${code} — ${name}` : code || '—';
}

function renderCounter() {
	const t = S.ticket;
	$('t-empty').hidden = !!t;
	$('t-body').hidden = !t;
	if (t) {
		$('t-number').textContent = t.number;
		$('t-service').textContent = serviceName(t.service);
		$('t-lang').textContent = langName(t.lang);
		$('t-called').textContent = hhmm(t.called_at) || '—';
		$('t-recalls').textContent = String(t.recalls ?? 0);
		$('t-priority').hidden = !t.priority;
		const at = t.kind === 'appointment' && t.appointment ? hhmm(t.appointment.start) : '';
		$('t-appt').hidden = !at;
		$('t-appt-text').textContent = at ? `Rendez-vous de ${at}` : '';
	}
	const pill = $('c-state');
	pill.dataset.state = S.cstate;
	pill.textContent = { open: 'ouvert', paused: '⏸ en pause', closed: '✖ fermé' }[S.cstate] || S.cstate;
	const open = S.cstate !== 'closed';
	$('btn-next').disabled = !open || S.cstate === 'paused';
	for (const id of ['btn-recall', 'btn-noshow', 'btn-done', 'btn-transfer']) $(id).disabled = !t;
	$('btn-pause').disabled = !open;
	$('btn-pause').firstChild.textContent = S.cstate === 'paused' ? 'Reprendre ' : 'Pause ';
	$('btn-close-counter').textContent = open ? 'Fermer le guichet' : 'Ouvrir le guichet';
	renderQueue();
}

function fmtDuration(s) {
	if (s == null || !Number.isFinite(Number(s))) return '—';
	const m = Math.round(Number(s) / 60);
	if (m < 60) return `${m} min`;
	return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')}`;
}

// Longest wait: the server may give it in seconds, or the oldest waiting
// ticket's issue time.
function longestWait(s) {
	if (s.longest_wait_s != null) return fmtDuration(s.longest_wait_s);
	if (s.oldest_issued_at) {
		const ms = Date.parse(s.oldest_issued_at);
		if (!Number.isNaN(ms)) return fmtDuration(Math.max(0, (Date.now() - ms) / 1000));
	}
	return '—';
}

function renderQueue() {
	const tb = $('queue-body');
	if (!tb) return;
	const mine = new Set((myCounter() || { services: [] }).services);
	tb.replaceChildren();
	for (const s of S.services) {
		const tr = document.createElement('tr');
		if (mine.has(s.code)) tr.className = 'mine';
		const name = s.name ? (s.name.fr || Object.values(s.name)[0]) : '';
		const cells = [
			[`${s.code} — ${name}`, ''],
			[s.open === false ? 'fermé' : String(s.waiting ?? 0), 'num'],
			[longestWait(s), 'num'],
		];
		for (const [text, cls] of cells) {
			const td = document.createElement('td');
			td.textContent = text;
			if (cls) td.className = cls;
			tr.append(td);
		}
		if (mine.has(s.code)) tr.firstChild.title = 'servi par votre guichet';
		tb.append(tr);
	}
}

// ------------------------------------------------------------------ appointments

async function loadAppointments() {
	const { data } = await api('GET', '/api/v1/appointments');
	S.appts = (data && Array.isArray(data.appointments)) ? data.appointments : [];
	renderAppts();
}

function renderAppts() {
	const tb = $('appt-body');
	const list = S.appts;
	tb.replaceChildren();
	$('appt-table').hidden = !list.length;
	$('ap-empty').hidden = !!list.length;
	const n = {};
	for (const a of list) n[a.state] = (n[a.state] || 0) + 1;
	$('ap-summary').textContent = list.length
		? ['arrived', 'not_yet', 'late', 'no_show', 'cancelled']
			.filter((k) => n[k]).map((k) => `${n[k]} ${APPT_STATES[k].word}`).join(' · ')
		: '';
	for (const a of list) {
		const tr = document.createElement('tr');
		tr.dataset.id = a.id;
		tr.dataset.state = a.state;
		const time = document.createElement('td');
		time.className = 'time';
		time.textContent = hhmm(a.start) || '—';
		const svc = document.createElement('td');
		svc.textContent = a.service;
		svc.title = serviceName(a.service);
		const ref = document.createElement('td');
		ref.className = 'ref';
		ref.textContent = a.id;
		ref.title = a.id;
		const st = document.createElement('td');
		const word = document.createElement('span');
		const info = APPT_STATES[a.state] || { mark: '?', word: a.state };
		word.className = 'ap-state';
		word.dataset.state = a.state;
		word.textContent = `${info.mark} ${info.word}${a.state === 'arrived' && a.ticket ? ` (${a.ticket})` : ''}`;
		st.append(word);
		const act = document.createElement('td');
		act.className = 'act';
		if (a.state === 'not_yet' || a.state === 'late' || a.state === 'no_show') {
			const b = document.createElement('button');
			b.type = 'button';
			b.className = 'btn btn-small';
			b.textContent = 'Arrivée…';
			b.setAttribute('aria-label', `Enregistrer l'arrivée : rendez-vous de ${hhmm(a.start)}, service ${a.service}, réf. ${a.id}`);
			b.addEventListener('click', () => openCheckin(a));
			act.append(b);
		}
		tr.append(time, svc, ref, st, act);
		tb.append(tr);
	}
}

let apptsTimer = null;
function scheduleAppts() {
	if (apptsTimer) return;
	apptsTimer = setTimeout(() => {
		apptsTimer = null;
		loadAppointments().catch(() => {});
	}, 2000);
}

function openCheckin(a) {
	if (S.busy) return;
	S.checkin = a;
	const when = APPT_STATES[a.state] ? ` (${APPT_STATES[a.state].word})` : '';
	$('ci-what').textContent = `Rendez-vous de ${hhmm(a.start)}${when} · ${serviceName(a.service)} · réf. ${a.id}`;
	$('ci-reason').value = '';
	$('ci-error').hidden = true;
	$('dlg-checkin').showModal();
	$('ci-reason').focus();
}

async function submitCheckin(ev) {
	ev.preventDefault();
	const a = S.checkin;
	const reason = $('ci-reason').value.trim();
	const err = $('ci-error');
	if (!a || S.busy) return;
	if (reason.length < 3) {
		err.textContent = 'Le motif est obligatoire (3 caractères au moins).';
		err.hidden = false;
		$('ci-reason').focus();
		return;
	}
	S.busy = true;
	$('ci-submit').disabled = true;
	try {
		const { status, data } = await api('POST', `/api/v1/appointments/${encodeURIComponent(a.id)}/checkin`, { reason });
		$('dlg-checkin').close();
		const t = data || {};
		say(status === 200 && t.duplicate
			? `Ce rendez-vous était déjà enregistré : ticket ${t.number}.`
			: `Arrivée enregistrée : ticket ${t.number} (rendez-vous de ${hhmm(a.start)}), à donner à la personne.`, 'ok');
		await loadAppointments().catch(() => {});
	} catch (e) {
		if (e.status === 401) return;
		err.textContent = e.status === 409 && e.data && e.data.code === 'cancelled'
			? 'Ce rendez-vous a été annulé : pas d\'arrivée possible.'
			: e.message;
		err.hidden = false;
		$('ci-reason').focus();
		loadAppointments().catch(() => {});
	} finally {
		S.busy = false;
		$('ci-submit').disabled = false;
	}
}

function say(text, kind) {
	const m = $('msg');
	m.textContent = text;
	m.dataset.kind = kind || 'info';
}

// ------------------------------------------------------------------ convocations

// Days are the site's calendar days, "YYYY-MM-DD": computed at noon UTC,
// so that no zone nor summer time moves them.
function dayShift(day, n) {
	const d = new Date(`${day}T12:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}

function dayDiff(a, b) {
	return Math.round((Date.parse(`${a}T12:00:00Z`) - Date.parse(`${b}T12:00:00Z`)) / 86400000);
}

const DAY_WORDS = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

function dayName(day) {
	const words = DAY_WORDS.format(new Date(`${day}T12:00:00Z`));
	const rel = { 0: 'aujourd\'hui', 1: 'demain', '-1': 'hier' }[S.cvToday ? dayDiff(day, S.cvToday) : NaN];
	return rel ? `${words} (${rel})` : words;
}

const validDay = (d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T12:00:00Z`));

function openConvocations() {
	if (S.busy) return;
	show('convocations');
	$('cv-msg').textContent = '';
	$('cv-day').focus();
	// Without a day, the server answers its own today: the site's, not this machine's.
	loadConvocations(null).catch(() => {});
}

function backToCounter() {
	if (S.counter == null) {
		chooseScreen(null);
		return;
	}
	show('counter');
	renderCounter();
	focusScan(true);
	loadAppointments().catch(() => {});
}

function cvSay(text, kind) {
	const m = $('cv-msg');
	m.textContent = text;
	m.dataset.kind = kind || 'info';
}

// The convocations of a day (null: today), then the languages (from the
// day's appointments, which list convocations too) and the places (the
// day's figures). Either of those two missing: the list without them.
async function loadConvocations(day) {
	const seq = ++S.cvSeq;
	let data;
	try {
		({ data } = await api('GET', `/api/v1/convocations${day ? `?day=${encodeURIComponent(day)}` : ''}`));
	} catch (e) {
		if (seq === S.cvSeq && e.status !== 401) cvSay(`Liste impossible à charger : ${e.message}`, 'error');
		throw e;
	}
	if (seq !== S.cvSeq) return;
	const d = data.day;
	if (!day) S.cvToday = d;
	const q = `?day=${encodeURIComponent(d)}`;
	const [appts, stats] = await Promise.all([
		api('GET', `/api/v1/appointments${q}`).then((r) => r.data).catch(() => null),
		api('GET', `/api/v1/stats${q}`).then((r) => r.data).catch(() => null),
	]);
	if (seq !== S.cvSeq) return;
	S.cvDay = d;
	S.convs = (Array.isArray(data.convocations) ? data.convocations : []).slice().sort((a, b) =>
		a.from.localeCompare(b.from) || a.service.localeCompare(b.service) || (a.place - b.place));
	S.cvLangs = {};
	for (const a of (appts && appts.appointments) || []) if (a.code) S.cvLangs[`${a.service}:${a.code}`] = a.lang;
	S.cvPlaces = (stats && stats.convocations) || {};
	if ($('cv-msg').dataset.kind === 'error') cvSay('');
	renderConvocations();
}

function cvGo(day) {
	if (!validDay(day)) {
		cvSay('Jour attendu au format jj/mm/aaaa.', 'error');
		return;
	}
	$('cv-msg').textContent = '';
	$('cv-day').value = day;
	loadConvocations(day).catch(() => {});
}

const cvShift = (n) => cvGo(dayShift(S.cvDay || S.cvToday || new Date().toISOString().slice(0, 10), n));

function cvWhat(c) {
	return `${c.from}–${c.to}, service ${c.service}, code ${c.code}`;
}

function renderConvocations() {
	const day = S.cvDay;
	if (document.activeElement !== $('cv-day') || !$('cv-day').value) $('cv-day').value = day;
	$('cv-dayname').textContent = dayName(day);
	$('cv-title').textContent = `Convocations du ${dayName(day)}`;
	const future = S.cvToday && day > S.cvToday;
	const past = S.cvToday && day < S.cvToday;

	// Places of the day, by service: taken (cancelled ones given back) out of
	// the service's places per open day; on a later day, how many are free.
	const ul = $('cv-places');
	ul.replaceChildren();
	for (const code of Object.keys(S.cvPlaces).sort()) {
		const f = S.cvPlaces[code];
		if (!f.places && !f.for_day) continue;
		const taken = Math.max(0, (f.for_day || 0) - (f.cancelled || 0));
		const li = document.createElement('li');
		li.dataset.service = code;
		li.dataset.taken = String(taken);
		li.dataset.places = String(f.places || 0);
		const name = document.createElement('strong');
		name.textContent = serviceName(code);
		const parts = [`${taken} place${taken > 1 ? 's' : ''} prise${taken > 1 ? 's' : ''} sur ${f.places || 0} par jour ouvert`];
		if (future && f.places > taken) {
			const free = f.places - taken;
			parts.push(`${free} libre${free > 1 ? 's' : ''}`);
		}
		if (f.cancelled) parts.push(`${f.cancelled} annulée${f.cancelled > 1 ? 's' : ''}`);
		if (f.honoured) parts.push(`${f.honoured} arrivée${f.honoured > 1 ? 's' : ''}`);
		if (past && f.missed) parts.push(`${f.missed} non venue${f.missed > 1 ? 's' : ''}`);
		li.append(name, ` : ${parts.join(' · ')}`);
		ul.append(li);
	}
	ul.hidden = !ul.children.length;

	const tb = $('cv-body');
	const list = S.convs;
	tb.replaceChildren();
	$('cv-table').hidden = !list.length;
	$('cv-empty').hidden = !!list.length;
	$('cv-empty').textContent = `Aucune convocation le ${dayName(day)}.`;
	$('cv-caption').textContent = `Convocations du ${dayName(day)}, par créneau`;
	for (const c of list) {
		const tr = document.createElement('tr');
		tr.dataset.id = String(c.id);
		tr.dataset.state = c.state;
		const td = (text, cls) => {
			const e = document.createElement('td');
			if (cls) e.className = cls;
			e.textContent = text;
			return e;
		};
		const svc = td(c.service, 'svc');
		svc.title = serviceName(c.service);
		const lang = c.lang !== undefined ? c.lang : S.cvLangs[`${c.service}:${c.code}`];
		const st = document.createElement('td');
		const info = CV_STATES[c.state] || { mark: '?', word: c.state };
		const word = document.createElement('span');
		word.className = 'cv-state';
		word.dataset.state = c.state;
		word.textContent = `${info.mark} ${info.word}${c.state === 'honoured' && c.ticket ? ` — ticket ${c.ticket}` : ''}`;
		st.append(word);
		if (c.state === 'cancelled' && c.cancel_reason) {
			const why = document.createElement('span');
			why.className = 'cv-reason';
			why.textContent = `Motif : ${c.cancel_reason}`;
			st.append(why);
		}
		const act = document.createElement('td');
		act.className = 'act';
		if (c.state === 'booked') {
			const b = document.createElement('button');
			b.type = 'button';
			b.className = 'btn btn-small';
			b.textContent = 'Annuler…';
			b.setAttribute('aria-label', `Annuler la convocation de ${cvWhat(c)}`);
			b.addEventListener('click', () => openCvCancel(c, b));
			act.append(b);
		}
		tr.append(td(`${c.from}–${c.to}`, 'time'), svc, td(c.code, 'code'),
			td(lang ? langName(lang) : '—', 'lang'), st, act);
		tb.append(tr);
	}
}

let cvTimer = null;
function scheduleConvs() {
	if (cvTimer || document.body.dataset.screen !== 'convocations') return;
	cvTimer = setTimeout(() => {
		cvTimer = null;
		if (document.body.dataset.screen === 'convocations' && S.cvDay) loadConvocations(S.cvDay).catch(() => {});
	}, 2000);
}

// The reason as the server counts it: 3 to 300 bytes of UTF-8.
const utf8len = (t) => new TextEncoder().encode(t).length;

function cvCount() {
	const n = utf8len($('cc-reason').value.trim());
	$('cc-count').textContent = n > 300 ? `Trop long : ${n} / 300 (une lettre accentuée compte pour deux)` : `${n} / 300`;
}

function openCvCancel(c, btn) {
	if (S.cvBusy) return;
	S.cvCancel = { c, btn };
	$('cc-what').textContent = `${dayName(c.date)} · ${c.from}–${c.to} · ${serviceName(c.service)} · code ${c.code}`;
	$('cc-reason').value = '';
	$('cc-error').hidden = true;
	cvCount();
	$('dlg-cvcancel').showModal();
	$('cc-reason').focus();
}

async function submitCvCancel(ev) {
	ev.preventDefault();
	const cur = S.cvCancel;
	const reason = $('cc-reason').value.trim();
	const err = $('cc-error');
	if (!cur || S.cvBusy) return;
	const refuse = (msg) => {
		err.textContent = msg;
		err.hidden = false;
		$('cc-reason').focus();
	};
	if (reason.length < 3) return refuse('Le motif est obligatoire (3 caractères au moins).');
	if (utf8len(reason) > 300) return refuse('Le motif est trop long : 300 caractères au plus (une lettre accentuée compte pour deux).');
	const { c } = cur;
	S.cvBusy = true;
	$('cc-submit').disabled = true;
	try {
		await api('POST', `/api/v1/convocations/${encodeURIComponent(c.id)}/cancel`, { reason });
		S.cvCancel = null;
		$('dlg-cvcancel').close();
		cvSay(`Convocation de ${cvWhat(c)} annulée : sa place est remise à disposition.`, 'ok');
		await loadConvocations(S.cvDay).catch(() => {});
		$('cv-list').focus();
	} catch (e) {
		if (e.status === 401) return;
		let msg = e.message;
		if (e.status === 409) {
			msg = 'Cette convocation ne peut plus être annulée : elle a déjà été annulée, ou la personne est déjà arrivée. La liste est mise à jour.';
		} else if (e.status === 404) {
			msg = 'Cette convocation n\'existe plus. La liste est mise à jour.';
		} else if (e.status === 400) {
			msg = `Motif refusé par le serveur : ${e.message}`;
		}
		refuse(msg);
		loadConvocations(S.cvDay).catch(() => {});
	} finally {
		S.cvBusy = false;
		$('cc-submit').disabled = false;
	}
}

function convocationKeys(ev) {
	if (document.querySelector('dialog[open]') || ev.ctrlKey || ev.altKey || ev.metaKey) return;
	if (ev.key === 'PageUp' || ev.key === 'PageDown') {
		ev.preventDefault();
		cvShift(ev.key === 'PageUp' ? -1 : 1);
	} else if (ev.key === 'Escape') {
		ev.preventDefault();
		backToCounter();
	}
}

function wireConvocations() {
	$('btn-convocations').addEventListener('click', openConvocations);
	$('btn-back-counter').addEventListener('click', backToCounter);
	$('cv-prev').addEventListener('click', () => cvShift(-1));
	$('cv-next').addEventListener('click', () => cvShift(1));
	$('cv-today').addEventListener('click', () => {
		$('cv-msg').textContent = '';
		loadConvocations(null).catch(() => {});
	});
	// A date typed in parts fires a change at each part: wait for a pause.
	let typed = null;
	$('cv-day').addEventListener('change', (ev) => {
		clearTimeout(typed);
		const v = ev.target.value;
		if (!v || v === S.cvDay) return;
		typed = setTimeout(() => cvGo(v), 400);
	});
	$('cv-dayform').addEventListener('submit', (ev) => {
		ev.preventDefault();
		clearTimeout(typed);
		cvGo($('cv-day').value);
	});
	$('cvcancel-form').addEventListener('submit', submitCvCancel);
	$('cc-reason').addEventListener('input', () => {
		cvCount();
		$('cc-error').hidden = true;
	});
	const dlg = $('dlg-cvcancel');
	dlg.querySelector('.dlg-cancel').addEventListener('click', () => dlg.close());
	dlg.addEventListener('close', () => {
		const cur = S.cvCancel;
		S.cvCancel = null;
		// Back to the button that opened it, or to the list when it is gone.
		if (cur && cur.btn && cur.btn.isConnected) cur.btn.focus();
		else if (document.body.dataset.screen === 'convocations') $('cv-list').focus();
	});
}

// ------------------------------------------------------------------ actions

const ACTIONS = {
	'call-next': { ok: (t) => (t ? `Appel de ${t.number}.` : '') },
	recall: { ok: (t) => `Rappel de ${t.number} (rappel n° ${t.recalls ?? '?'}).` },
	'no-show': { ok: (t, prev) => `${prev} marqué absent.` },
	done: { ok: (t, prev, body) => `${prev} terminé : ${OUTCOMES[body.outcome]}.` },
	transfer: { ok: (t, prev, body) => `${prev} transféré vers le service ${body.service}.` },
	pause: { ok: () => 'Guichet en pause : aucun ticket ne vous sera attribué.' },
	resume: { ok: () => 'Guichet rouvert aux appels.' },
	open: { ok: () => 'Guichet ouvert.' },
	close: { ok: () => 'Guichet fermé pour la journée.' },
	call: { ok: (t) => `Appel hors ordre de ${t.number} (motif enregistré).` },
};

async function act(verb, body) {
	if (S.busy || S.counter == null) return false;
	S.busy = true;
	document.body.dataset.busy = '1';
	const prev = S.ticket ? S.ticket.number : '';
	// A call finishes only the ticket this screen shows as current: after a
	// lost answer, the server refuses (409 not_current) rather than close
	// a ticket the agent never saw.
	// The same for the actions on the current ticket.
	if (['call-next', 'call', 'recall', 'no-show', 'done', 'transfer'].includes(verb)) {
		body = { ...(body || {}), current: prev || null };
	}
	try {
		const { status, data } = await api('POST', `/api/v1/counters/${S.counter}/${verb}`, body);
		if (status === 204) {
			if (verb === 'call-next') S.ticket = null;
			say(verb === 'call-next' ? 'Personne en attente pour vos services.' : 'Rien à faire.', 'info');
		} else {
			if (data) {
				S.ticket = data.ticket || null;
				if (data.state) S.cstate = data.state;
			}
			if (verb === 'pause') S.cstate = data && data.state ? data.state : 'paused';
			if (verb === 'resume' || verb === 'open') S.cstate = data && data.state ? data.state : 'open';
			if (verb === 'close') S.cstate = data && data.state ? data.state : 'closed';
			say(ACTIONS[verb].ok(S.ticket, prev, body || {}), 'ok');
		}
		const c = myCounter();
		if (c) {
			c.ticket = S.ticket;
			c.state = S.cstate;
		}
		renderCounter();
		return true;
	} catch (e) {
		if (e.status === 409 && e.data && e.data.code === 'not_current' && e.data.counter) {
			// The counter moved on without us seeing it (a lost answer):
			// show what is called there now; nothing was closed.
			S.ticket = e.data.counter.ticket || null;
			const c = myCounter();
			if (c) c.ticket = S.ticket;
			renderCounter();
			say(`Le ticket ${e.data.current} est appelé à votre guichet : rien n'a été clôturé. `
				+ 'Vérifiez-le, puis recommencez.', 'error');
		} else if (e.status !== 401) {
			say(e.message, 'error');
		}
		if (e.data && e.data.uncertain) refreshMine();
		return false;
	} finally {
		S.busy = false;
		delete document.body.dataset.busy;
	}
}

// After an action without an answer: what the server says our counter has.
async function refreshMine() {
	try {
		const { data } = await api('GET', '/api/v1/counters');
		const c = data && (data.counters || []).find((x) => x.counter === S.counter);
		if (!c) return;
		S.ticket = c.ticket || null;
		if (c.state) S.cstate = c.state;
		const mine = myCounter();
		if (mine) {
			mine.ticket = S.ticket;
			mine.state = S.cstate;
		}
		renderCounter();
	} catch {
		/* still unreachable: the message already says so */
	}
}

function openDialog(id) {
	if (!S.ticket || S.busy) return;
	const d = $(id);
	for (const el of d.querySelectorAll('.dlg-ticket')) el.textContent = S.ticket.number;
	if (id === 'dlg-transfer') {
		const box = $('transfer-choices');
		box.replaceChildren();
		for (const s of S.services) {
			if (s.code === S.ticket.service) continue;
			const b = document.createElement('button');
			b.type = 'button';
			b.className = 'btn btn-choice';
			b.dataset.service = s.code;
			const k = document.createElement('kbd');
			k.textContent = s.code;
			b.append(k, ` ${s.name ? (s.name.fr || Object.values(s.name)[0]) : ''}`);
			box.append(b);
		}
	}
	d.showModal();
	const first = d.querySelector('.btn-choice');
	if (first) first.focus();
}

async function chooseInDialog(d, btn) {
	if (!btn) return;
	d.close();
	if (d.id === 'dlg-done') await act('done', { outcome: btn.dataset.outcome });
	else await act('transfer', { service: btn.dataset.service });
	focusScan(true);
}

function setupDialog(d) {
	d.addEventListener('click', (ev) => {
		const b = ev.target.closest('button');
		if (!b) return;
		if (b.classList.contains('dlg-cancel')) d.close();
		else if (b.classList.contains('btn-choice')) chooseInDialog(d, b);
	});
	d.addEventListener('keydown', (ev) => {
		if (ev.ctrlKey || ev.altKey || ev.metaKey || ev.repeat) return;
		let b = null;
		if (d.id === 'dlg-done' && /^[1-4]$/.test(ev.key)) {
			b = d.querySelectorAll('.btn-choice')[Number(ev.key) - 1];
		} else if (d.id === 'dlg-transfer' && /^[a-z]$/i.test(ev.key)) {
			b = d.querySelector(`.btn-choice[data-service="${ev.key.toUpperCase()}"]`);
		}
		if (b) {
			ev.preventDefault();
			chooseInDialog(d, b);
		}
	});
	d.addEventListener('close', () => focusScan(true));
}

async function callSpecific(ev) {
	ev.preventDefault();
	const num = $('sp-number');
	const reason = $('sp-reason');
	const err = $('sp-error');
	const number = num.value.trim().toUpperCase();
	err.hidden = true;
	if (!/^[A-Z][0-9]{1,4}$/.test(number)) {
		err.textContent = 'Numéro de ticket attendu, par exemple A042.';
		err.hidden = false;
		num.focus();
		return;
	}
	if (reason.value.trim().length < 3) {
		err.textContent = 'Le motif est obligatoire (3 caractères au moins) pour appeler un ticket hors ordre.';
		err.hidden = false;
		reason.focus();
		return;
	}
	const ok = await act('call', { number, reason: reason.value.trim() });
	if (ok) {
		num.value = '';
		reason.value = '';
		$('scan').focus({ preventScroll: true });
	} else {
		err.textContent = $('msg').textContent;
		err.hidden = false;
	}
}

// ------------------------------------------------------------------ slip check

const ICONS = {
	check: '<svg class="v-icon" viewBox="0 0 40 40" aria-hidden="true"><circle cx="20" cy="20" r="18" fill="currentColor"/><path d="M11 21l6 6 12-14" stroke="#fff" stroke-width="4.5" fill="none" stroke-linecap="round" stroke-linejoin="round"/></svg>',
	cross: '<svg class="v-icon" viewBox="0 0 40 40" aria-hidden="true"><rect x="2" y="2" width="36" height="36" rx="6" fill="currentColor"/><path d="M13 13l14 14M27 13L13 27" stroke="#fff" stroke-width="4.5" stroke-linecap="round"/></svg>',
	question: '<svg class="v-icon" viewBox="0 0 40 40" aria-hidden="true"><path d="M20 2l18 34H2z" fill="currentColor"/><text x="20" y="33" text-anchor="middle" font-size="20" font-weight="700" fill="#fff" font-family="sans-serif">?</text></svg>',
};

const VERDICTS = {
	valid: { ok: 'yes', icon: 'check', word: 'VALIDE', detail: 'Ticket authentique, du jour et de ce site.' },
	forged: { ok: 'no', icon: 'cross', word: 'FALSIFIÉ', detail: 'Signature invalide : ce ticket n\'a pas été émis par ce système. Ne pas servir ; prévenir le responsable.' },
	other_day: { ok: 'no', icon: 'cross', word: 'AUTRE JOUR', detail: 'Ticket authentique mais d\'un autre jour : il n\'est plus valable.' },
	other_site: { ok: 'no', icon: 'cross', word: 'AUTRE SITE', detail: 'Ticket authentique mais émis par un autre site.' },
	already_served: { ok: 'no', icon: 'cross', word: 'DÉJÀ SERVI', detail: 'Ce ticket a déjà été servi : il ne vaut qu\'une fois.' },
	unknown_format: { ok: 'maybe', icon: 'question', word: 'FORMAT INCONNU', detail: 'Ce code n\'est pas un ticket de ce système. Scanner à nouveau.' },
};

function holderOf(d) {
	const t = (d && d.ticket) || {};
	return d.holder_ref || d.holder || t.holder_ref || t.holder_masked || t.holder || null;
}

function showVerdict(result, data, error) {
	const box = $('v-result');
	box.replaceChildren();
	const v = VERDICTS[result] || (error
		? { ok: 'maybe', icon: 'question', word: 'VÉRIFICATION IMPOSSIBLE', detail: error }
		: { ok: 'maybe', icon: 'question', word: String(result).toUpperCase(), detail: 'Réponse inattendue du serveur.' });
	box.dataset.ok = v.ok;
	box.dataset.result = result || 'error';
	box.insertAdjacentHTML('afterbegin', ICONS[v.icon]);
	const word = document.createElement('div');
	word.className = 'v-word';
	word.textContent = v.word;
	const detail = document.createElement('div');
	detail.className = 'v-detail';
	const t = data && data.ticket;
	let facts = '';
	if (t && t.number) {
		facts = `Ticket ${t.number}${t.service ? ` · ${serviceName(t.service)}` : ''}`;
		if (t.issued_at) facts += ` · émis à ${hhmm(t.issued_at)}`;
		if (t.day) facts += ` · ${t.day}`;
		facts += '. ';
	}
	detail.textContent = facts + v.detail;
	box.append(word, detail);
	const h = data && holderOf(data);
	if (h) {
		const hd = document.createElement('div');
		hd.className = 'v-holder';
		hd.textContent = `Référence du porteur : ${h} — comparer avec la pièce présentée.`;
		box.append(hd);
	}
	box.hidden = false;
}

async function verify(payload) {
	if (!payload) return;
	try {
		const { data } = await api('POST', '/api/v1/verify', { payload });
		showVerdict(data && data.result, data, null);
	} catch (e) {
		if (e.status === 401) return;
		showVerdict(null, null, e.message);
	}
}

// ------------------------------------------------------------------ focus

function isTextEntry(el) {
	if (!el) return false;
	if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable) return true;
	return el.tagName === 'INPUT' && !['button', 'submit', 'checkbox', 'radio'].includes(el.type);
}

// Give the scan field the focus unless the agent is typing elsewhere or a
// dialog is open. force: also take it from a button (after an action).
function focusScan(force) {
	if (document.body.dataset.screen !== 'counter') return;
	if (document.querySelector('dialog[open]')) return;
	const a = document.activeElement;
	if (a === $('scan')) return;
	if (isTextEntry(a)) return;
	if (!force && a && a !== document.body && a !== document.documentElement) return;
	$('scan').focus({ preventScroll: true });
}

// ------------------------------------------------------------------ keyboard

const KEYS = {
	F2: () => act('call-next'),
	F3: () => S.ticket && act('recall'),
	F4: () => S.ticket && act('no-show'),
	F6: () => openDialog('dlg-done'),
	F7: () => openDialog('dlg-transfer'),
	F8: () => togglePause(),
	F9: () => $('sp-number').focus(),
};

function onKey(ev) {
	const screen = document.body.dataset.screen;
	if (screen === 'choose') return chooseKeys(ev);
	if (screen === 'convocations') return convocationKeys(ev);
	if (screen !== 'counter' || document.querySelector('dialog[open]')) return;
	const f = KEYS[ev.key];
	if (f) {
		ev.preventDefault();
		if (!ev.repeat) Promise.resolve(f()).then(() => focusScan(false));
		return;
	}
	if (ev.key === 'Escape') {
		$('scan').value = '';
		$('v-result').hidden = true;
		if (document.activeElement) document.activeElement.blur();
		focusScan(true);
		return;
	}
	// A character typed while no text field has the focus (the scanner, or
	// the agent on a button): send it to the scan field.
	const a = document.activeElement;
	if (ev.key.length === 1 && !ev.ctrlKey && !ev.altKey && !ev.metaKey && !isTextEntry(a)) {
		if (ev.key === ' ' && a && a.tagName === 'BUTTON') return;
		$('scan').focus({ preventScroll: true });
	}
}

async function togglePause() {
	if (S.cstate === 'closed') return;
	await act(S.cstate === 'paused' ? 'resume' : 'pause');
}

// ------------------------------------------------------------------ live

const ALERT_KINDS = {
	burst: 'Émission anormale de tickets',
	holder_refusals: 'Demandes répétées d\'une même personne',
	outside_hours: 'Tentatives hors des horaires',
	reprints: 'Réimpressions nombreuses',
	paper: 'Consommation de papier anormale',
	login_throttled: 'Mots de passe faux répétés (connexions ralenties)',
	checkin_guess: 'Codes de rendez-vous refusés en série (quelqu\'un essaie des codes ?)',
};

function addAlert(a) {
	const ul = $('alerts');
	if (a.id != null && S.alertsSeen.has(String(a.id))) return;
	if (a.id != null && ul.querySelector(`li[data-id="${CSS.escape(String(a.id))}"]`)) return;
	const li = document.createElement('li');
	if (a.id != null) li.dataset.id = String(a.id);
	li.dataset.kind = a.kind || '';
	const time = document.createElement('time');
	const now = new Date();
	time.textContent = hhmm(a.at) || `${String(now.getHours()).padStart(2, '0')}:${String(now.getMinutes()).padStart(2, '0')}`;
	const text = document.createElement('span');
	const kind = ALERT_KINDS[a.kind] || a.kind || 'Alerte';
	text.textContent = `⚠ ${kind}${a.message ? ` — ${a.message}` : ''}`;
	const ok = document.createElement('button');
	ok.type = 'button';
	ok.className = 'btn btn-small';
	ok.textContent = 'Vu';
	ok.setAttribute('aria-label', `Vu (masquer l'alerte : ${kind})`);
	ok.addEventListener('click', () => {
		if (a.id != null) S.alertsSeen.add(String(a.id));
		li.remove();
		$('alerts-empty').hidden = ul.children.length > 0;
		focusScan(true);
	});
	li.append(time, text, ok);
	ul.prepend(li);
	while (ul.children.length > 20) ul.lastChild.remove();
	$('alerts-empty').hidden = true;
}

let resyncTimer = null;
function scheduleResync(ms = 300) {
	clearTimeout(resyncTimer);
	resyncTimer = setTimeout(() => resync().catch(() => {}), ms);
}

let servicesTimer = null;
function scheduleServices() {
	if (servicesTimer) return;
	servicesTimer = setTimeout(() => {
		servicesTimer = null;
		loadServices().catch(() => {});
	}, 2000);
}

// Today's open alerts, raised before the page opened or while the link was
// down (the event stream only brings new ones). The server lists them newest
// first; they are added oldest first, so the newest ends on top.
async function loadAlerts() {
	const { data } = await api('GET', '/api/v1/alerts');
	const list = data && Array.isArray(data.alerts) ? data.alerts : [];
	for (const a of list.slice(0, 20).reverse()) addAlert(a);
}

async function resync() {
	const [, , board] = await Promise.all([
		loadCounters(),
		loadServices(),
		getJSON('/api/v1/board', 5000).catch(() => null),
		loadAlerts().catch(() => {}),
		loadAppointments().catch(() => {}),
	]);
	const c = myCounter();
	if (c && document.body.dataset.screen === 'counter') {
		S.ticket = c.ticket;
		S.cstate = c.state;
		renderCounter();
	}
	return board ? Number(board.last_event) || 0 : 0;
}

function startLive() {
	if (S.link) return;
	S.link = new LiveLink({
		url: '/api/v1/events',
		handlers: {
			call: (d) => {
				if (Number(d.counter) === S.counter) scheduleResync();
			},
			counts: (d) => {
				for (const u of d.services || []) {
					const s = S.services.find((x) => x.code === u.code);
					if (s) Object.assign(s, u);
				}
				renderQueue();
				scheduleServices();
				// A check-in (or a call) changed the counts: who arrived.
				scheduleAppts();
				scheduleConvs();
			},
			counter: (d) => {
				const c = S.counters.find((x) => x.n === Number(d.counter));
				if (c && d.state) c.state = d.state;
				if (Number(d.counter) === S.counter && d.state) {
					S.cstate = d.state;
					renderCounter();
				}
			},
			alert: addAlert,
		},
		resync,
		probe: async () => Number((await getJSON('/api/v1/board', 5000)).last_event) || 0,
		onState: (s) => {
			$('conn-banner').hidden = s === 'open';
			document.body.dataset.link = s;
		},
	});
	S.link.start();
	// Waits grow between events: refresh the queue table now and then.
	S.svcTimer = setInterval(() => {
		if (document.body.dataset.screen === 'counter' && S.link && S.link.state === 'open') {
			loadServices().catch(() => {});
			// Late and no-show follow the clock, not an event.
			loadAppointments().catch(() => {});
		}
		if (document.body.dataset.screen === 'convocations' && S.link && S.link.state === 'open' && !S.cvBusy) {
			loadConvocations(S.cvDay || null).catch(() => {});
		}
	}, 30000);
}

function stopLive() {
	clearInterval(S.svcTimer);
	if (S.link) S.link.stop();
	S.link = null;
	$('conn-banner').hidden = true;
}

// ------------------------------------------------------------------ start

function wire() {
	$('login-form').addEventListener('submit', doLogin);
	$('password-form').addEventListener('submit', doPassword);
	for (const b of document.querySelectorAll('.js-logout')) b.addEventListener('click', logout);
	$('btn-change').addEventListener('click', () => {
		sessionStorage.removeItem('kiosk.counter');
		S.counter = null;
		chooseScreen(null);
	});
	$('btn-close-counter').addEventListener('click', async () => {
		await act(S.cstate === 'closed' ? 'open' : 'close');
		focusScan(true);
	});
	const click = (id, f) => $(id).addEventListener('click', async () => {
		await f();
		focusScan(true);
	});
	click('btn-next', () => act('call-next'));
	click('btn-recall', () => act('recall'));
	click('btn-noshow', () => act('no-show'));
	$('btn-done').addEventListener('click', () => openDialog('dlg-done'));
	$('btn-transfer').addEventListener('click', () => openDialog('dlg-transfer'));
	click('btn-pause', togglePause);
	$('specific-form').addEventListener('submit', callSpecific);
	setupDialog($('dlg-done'));
	setupDialog($('dlg-transfer'));
	$('checkin-form').addEventListener('submit', submitCheckin);
	$('dlg-checkin').querySelector('.dlg-cancel').addEventListener('click', () => $('dlg-checkin').close());
	$('dlg-checkin').addEventListener('close', () => {
		S.checkin = null;
		focusScan(true);
	});
	wireConvocations();
	$('scan').addEventListener('keydown', (ev) => {
		if (ev.key !== 'Enter') return;
		ev.preventDefault();
		const payload = ev.target.value.trim();
		ev.target.value = '';
		verify(payload);
	});
	document.addEventListener('keydown', onKey);
	// Focus fell on nothing (a click on the page, a button that went
	// disabled, a closed dialog): back to the scan field.
	document.addEventListener('focusout', () => setTimeout(() => focusScan(false), 0));
	window.addEventListener('focus', () => focusScan(false));
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
