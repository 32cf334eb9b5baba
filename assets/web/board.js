// board.js: the waiting-room display. Reads GET /api/v1/board after every
// (re)connection, applies server-sent events, and announces each call.
//
// Announcements go through ONE queue: chime, then the call's speech file,
// each clip awaited to its 'ended' event (or 'error', or a time-out computed
// from its duration, after which it is stopped), so two clips never play at
// once and none is cut off by the next. window.__announcer exposes a
// read-only copy of the clip log (start/end times) for tests.

import { LiveLink, getJSON, hhmm, parseTime, pad, zoneTime } from './live.js';

const CHIME = '/static/chime.wav';
const FLASH_MS = 8000;          // how long a new call stays highlighted
const GAP_MS = 400;             // silence between two announcements
const STALE_MS = 120000;        // an announcement older than this is dropped
const FREE_MS = 6000;           // "tickets are free" language rotation
const NOTICE_MS = 7000;         // how long one translation of a notice stays

// "Tickets are free, never pay", in the kiosk's languages, in their script.
const FREE = [
	{ lang: 'fr', text: 'Les tickets sont gratuits — ne payez jamais.' },
	{ lang: 'en', text: 'Tickets are free — never pay anyone.' },
	{ lang: 'ar', dir: 'rtl', text: 'التذاكر مجانية — لا تدفع أبدًا.' },
	{ lang: 'fa-AF', dir: 'rtl', text: 'نوبت‌ها رایگان است — هرگز پول ندهید.' },
	{ lang: 'ps', dir: 'rtl', text: 'ټکټونه وړیا دي — هېڅکله پیسې مه ورکوئ.' },
	{ lang: 'es', text: 'Los tickets son gratuitos — no pague nunca.' },
	{ lang: 'pt', text: 'As senhas são gratuitas — nunca pague.' },
	{ lang: 'ru', text: 'Талоны бесплатные — никогда не платите.' },
	{ lang: 'uk', text: 'Талони безкоштовні — ніколи не платіть.' },
	{ lang: 'tr', text: 'Sıra numaraları ücretsizdir — asla para ödemeyin.' },
	{ lang: 'bn', text: 'টিকিট বিনামূল্যে — কখনও টাকা দেবেন না।' },
	{ lang: 'ta', text: 'டோக்கன்கள் இலவசம் — பணம் கொடுக்காதீர்கள்.' },
	{ lang: 'zh', text: '排队号码免费 — 切勿付钱。' },
	{ lang: 'ht', text: 'Tikè yo gratis — pa janm peye pèsonn.' },
];

const $ = (id) => document.getElementById(id);

const state = {
	site: null,
	calls: [],             // newest first, at most 5: {number, counter, counter_name, recall, at, event,
	                       // kind, appointment: {start, duration_min} for an appointment's ticket}
	services: [],          // [{code, name:{fr,..}, waiting, left_today, open}]
	notices: [],           // today's notices for the board: [{id, text:{fr,..}}]
	draws: [],             // today's draws: [{id, service, status, commitment, tickets}]
	skewMs: 0,             // server clock minus ours
	offsetMin: null,       // the site's UTC offset, from the server's time
	announced: 0,          // highest event number already announced
	lastEvent: 0,          // highest event number applied to the screen
};

// ---------------------------------------------------------------- rendering

function counterLabel(c) {
	return c.counter_name || (c.counter != null ? `Guichet ${c.counter}` : '');
}

function counterShort(c) {
	return c.counter != null ? String(c.counter) : (c.counter_name || '');
}

// An appointment's call: the appointment's time, "10:30" (the server gives
// it in the site's own offset), or '' for a walk-in's.
function apptTime(c) {
	return c && c.kind === 'appointment' && c.appointment ? hhmm(c.appointment.start) : '';
}

// "RDV 10:30", read out as "rendez-vous de 10:30": the abbreviation is for
// the eye, the words for a screen reader.
function apptLabel(c) {
	const frag = document.createDocumentFragment();
	const abbr = document.createElement('span');
	abbr.setAttribute('aria-hidden', 'true');
	abbr.textContent = 'RDV ';
	const words = document.createElement('span');
	words.className = 'visually-hidden';
	words.textContent = 'rendez-vous de ';
	const time = document.createElement('time');
	time.dateTime = c.appointment.start;
	time.textContent = apptTime(c);
	frag.append(abbr, words, time);
	return frag;
}

function renderCalls(freshEvent) {
	const cur = state.calls[0];
	// No call yet today: a sentence in words instead of a dash and a lone arrow.
	$('now-body').hidden = !cur;
	$('now-empty').hidden = !!cur;
	$('history-empty').hidden = !!cur;
	document.body.dataset.calls = cur ? 'some' : 'none';
	$('now-number').textContent = cur ? cur.number : '';
	$('now-counter').textContent = cur ? counterLabel(cur) : '\u00a0';
	const appt = $('now-appt');
	appt.replaceChildren();
	appt.hidden = !apptTime(cur);
	if (!appt.hidden) appt.append(apptLabel(cur));
	const ol = $('history');
	ol.replaceChildren();
	state.calls.slice(0, 5).forEach((c, i) => {
		const li = document.createElement('li');
		if (i === 0) li.className = 'current';
		if (freshEvent && c.event === freshEvent) li.classList.add('fresh');
		const num = document.createElement('span');
		num.className = 'num';
		num.textContent = c.number;
		if (c.recall) {
			const t = document.createElement('span');
			t.className = 'tag';
			t.textContent = 'rappel';
			num.append(t);
		}
		li.dataset.kind = c.kind || 'ticket';
		if (apptTime(c)) {
			const t = document.createElement('span');
			t.className = 'tag tag-appt';
			t.append(apptLabel(c));
			num.append(t);
		}
		const ctr = document.createElement('span');
		ctr.className = 'ctr';
		const hidden = document.createElement('span');
		hidden.className = 'visually-hidden';
		hidden.textContent = 'guichet ';
		ctr.append(hidden, counterShort(c));
		li.append(num, ctr);
		ol.append(li);
	});
}

function renderServices() {
	const ul = $('services');
	ul.replaceChildren();
	for (const s of state.services) {
		const li = document.createElement('li');
		// Closed: outside hours, or by a manager for today (open_today).
		const closed = s.open === false || s.open_today === false;
		if (closed) li.classList.add('closed');
		li.dataset.code = s.code;
		const code = document.createElement('span');
		code.className = 'svc-code';
		code.textContent = s.code;
		const name = document.createElement('span');
		name.className = 'svc-name';
		name.textContent = (s.name && (s.name.fr || Object.values(s.name)[0])) || '';
		const count = document.createElement('span');
		count.className = 'svc-count';
		if (closed) {
			count.textContent = 'fermé';
		} else {
			count.textContent = String(s.waiting ?? 0);
			const small = document.createElement('small');
			small.textContent = ' en attente';
			count.append(small);
		}
		li.append(code, name, count);
		ul.append(li);
	}
}

let flashTimer = null;
function flash(call) {
	const now = $('now');
	const badge = $('now-badge');
	now.classList.remove('flash');
	void now.offsetWidth;          // restart the animation
	now.classList.add('flash');
	badge.textContent = call.recall ? 'RAPPEL' : 'NOUVEL APPEL';
	badge.hidden = false;
	const at = apptTime(call);
	$('sr-live').textContent = `${call.recall ? 'Rappel' : 'Appel'} : ticket ${call.number}${at ? `, rendez-vous de ${at}` : ''}, ${counterLabel(call)}.`;
	clearTimeout(flashTimer);
	flashTimer = setTimeout(() => {
		now.classList.remove('flash');
		badge.hidden = true;
		renderCalls(0);
	}, FLASH_MS);
}

// ---------------------------------------------------------------- clock

// The site's wall clock, never the browser's zone: in the site's IANA zone
// (site.timezone) when the browser knows it, which also follows a
// daylight-saving change between two answers; else at the offset of the
// server's last time; else (no answer yet) the browser's own.
function siteNow() {
	const ms = Date.now() + state.skewMs;
	const tz = state.site && state.site.timezone;
	const z = zoneTime(ms, tz);
	if (z) return { ms, h: z.h, m: z.m, s: z.s, date: dateFmt(tz).format(new Date(ms)) };
	if (state.offsetMin === null) {
		const d = new Date(ms);
		return { ms, h: d.getHours(), m: d.getMinutes(), s: d.getSeconds(), date: dateFmt(undefined).format(d) };
	}
	const d = new Date(ms + state.offsetMin * 60000);
	return { ms, h: d.getUTCHours(), m: d.getUTCMinutes(), s: d.getUTCSeconds(), date: dateFmt('UTC').format(d) };
}

const dateFmts = new Map();
function dateFmt(timeZone) {
	if (!dateFmts.has(timeZone)) {
		dateFmts.set(timeZone, new Intl.DateTimeFormat('fr-FR', { timeZone, weekday: 'long', day: 'numeric', month: 'long' }));
	}
	return dateFmts.get(timeZone);
}

let clockTimer = null;
let shownDay = '';
function tick() {
	const now = siteNow();
	// A new day: other notices may start or end. A draw may open (no event
	// says so): the board is read again once a minute (refreshDraws).
	if (shownDay && now.date !== shownDay) refreshNotices();
	else if (shownDay) refreshDraws();
	shownDay = now.date;
	$('clock-time').textContent = `${pad(now.h)}:${pad(now.m)}`;
	$('clock-date').textContent = now.date;
	// Sleep until the next minute starts, not a tick every second.
	clearTimeout(clockTimer);
	clockTimer = setTimeout(tick, (60 - now.s) * 1000 - (now.ms % 1000) + 20);
}

// ---------------------------------------------------------------- free text

let freeIdx = 0;
function rotateFree() {
	const el = $('free-text');
	const f = FREE[freeIdx];
	el.textContent = f.text;
	el.lang = f.lang;
	if (f.dir) el.dir = f.dir;
	else el.removeAttribute('dir');
	// Long sentences shrink to fit on one line rather than being cut.
	el.style.fontSize = '';
	let vh = parseFloat(getComputedStyle(el).fontSize) / (window.innerHeight / 100);
	while (el.scrollWidth > el.clientWidth + 1 && vh > 3) {
		vh -= 0.25;
		el.style.fontSize = `${vh}vh`;
	}
	el.classList.remove('enter');
	void el.offsetWidth;
	el.classList.add('enter');
	freeIdx = (freeIdx + 1) % FREE.length;
}

// ---------------------------------------------------------------- notices

// Languages written right to left (the kiosk's: core/i18n.c).
const RTL = new Set(FREE.filter((f) => f.dir === 'rtl').map((f) => f.lang));

let slides = [];        // {id, lang, text, i, of}: every translation of every notice
let slideIdx = 0;
let slideTimer = null;
let noticesKey = '';

// Today's draws (GET /api/v1/board's `draws`) as notices of their own in
// the same banner: while open, the commitment (anyone can later check the
// draw against it: docs/DRAW.md); once closed, the entries that won a
// ticket, by the start of their entry number, a few per slide.
const DRAW_PER_SLIDE = 8;
function drawNotices(draws) {
	const out = [];
	for (const d of Array.isArray(draws) ? draws : []) {
		if (!d || typeof d.commitment !== 'string') continue;
		if (d.status !== 'closed') {
			out.push({ id: `draw-${d.id}`, text: {
				fr: `Tirage au sort, service ${d.service} : inscrivez-vous à la borne. Engagement : ${d.commitment}`,
				en: `Draw, service ${d.service}: enrol at the kiosk. Commitment: ${d.commitment}`,
			} });
			continue;
		}
		const t = Array.isArray(d.tickets) ? d.tickets : [];
		if (!t.length) continue;
		for (let k = 0; k < t.length; k += DRAW_PER_SLIDE) {
			const part = t.slice(k, k + DRAW_PER_SLIDE)
				.map((x) => `${x.ticket} ${String(x.entry).slice(0, 8)}`).join(' · ');
			out.push({ id: `draw-${d.id}-${k}`, text: {
				fr: `Tirage ${d.service}, tickets : ${part}`,
				en: `Draw ${d.service}, tickets: ${part}`,
			} });
		}
	}
	return out;
}

function applyNotices(notices) {
	if (!Array.isArray(notices)) return;
	const list = [...notices, ...drawNotices(state.draws)];
	const key = JSON.stringify(list);
	if (key === noticesKey) return;      // unchanged: the cycle goes on where it is
	noticesKey = key;
	state.notices = notices;
	slides = [];
	list.forEach((n, i) => {
		const t = (n && n.text) || {};
		// French first, then the other languages as the server gave them.
		const langs = Object.keys(t).sort((a, b) => (b === 'fr') - (a === 'fr'));
		for (const lang of langs) {
			if (typeof t[lang] === 'string' && t[lang]) slides.push({ id: n.id, lang, text: t[lang], i, of: list.length });
		}
	});
	slideIdx = 0;
	clearTimeout(slideTimer);
	document.body.dataset.notices = slides.length ? 'some' : 'none';
	$('notice').hidden = !slides.length;
	if (slides.length) showSlide();
	else $('notice-text').textContent = '';
}

function showSlide() {
	const s = slides[slideIdx];
	const el = $('notice-text');
	el.textContent = s.text;
	el.lang = s.lang;
	el.dataset.id = String(s.id);
	if (RTL.has(s.lang)) el.dir = 'rtl';
	else el.removeAttribute('dir');
	$('notice-count').textContent = s.of > 1 ? `${s.i + 1}/${s.of}` : '';
	// Two lines at most: a long text shrinks rather than being cut. (The
	// banner's max-height, not clientHeight: the glyphs of some scripts
	// reach a few pixels beyond their line box.)
	el.style.fontSize = '';
	const cs = getComputedStyle(el);
	const maxH = parseFloat(cs.maxHeight);
	let vh = parseFloat(cs.fontSize) / (window.innerHeight / 100);
	while (el.scrollHeight > maxH && vh > 2.5) {
		vh -= 0.25;
		el.style.fontSize = `${vh}vh`;
	}
	el.classList.remove('enter');
	void el.offsetWidth;
	el.classList.add('enter');
	slideIdx = (slideIdx + 1) % slides.length;
	if (slides.length > 1) slideTimer = setTimeout(showSlide, NOTICE_MS);
}

function refreshNotices() {
	getJSON('/api/v1/board').then((b) => {
		if (Array.isArray(b.draws)) state.draws = b.draws;
		applyNotices(b.notices);
	}).catch(() => {});
}

function onNotices(d) {
	applyNotices(d.notices);
}

// ---------------------------------------------------------------- sound

const clipLog = [];     // {kind, src, number, start, end, result}
const queue = [];       // {number, audio, queuedAt}
let busy = false;
let blocked = false;

function showSoundHelp() {
	const o = $('sound-overlay');
	if (!o.hidden) return;
	o.hidden = false;
	$('sound-enable').focus();
}

function enableSound() {
	// This click is the user gesture the browser wanted.
	const a = new Audio(CHIME);
	a.volume = 0.6;
	a.play().then(() => {
		blocked = false;
		$('sound-overlay').hidden = true;
	}).catch(() => {});
}

// Play one clip to its end. Resolves with 'ended', 'error', 'timeout' or
// 'blocked'; in every case the clip is stopped before the promise settles.
function playClip(src, kind, item) {
	const entry = { kind, src, number: item.number, start: performance.now(), end: null, result: null };
	clipLog.push(entry);
	const a = new Audio();
	a.preload = 'auto';
	return new Promise((resolve) => {
		let done = false;
		let timer = null;
		const finish = (result) => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			a.pause();
			a.removeAttribute('src');
			a.load();
			entry.end = performance.now();
			entry.result = result;
			resolve(result);
		};
		const arm = (ms) => {
			clearTimeout(timer);
			timer = setTimeout(() => finish('timeout'), ms);
		};
		a.addEventListener('ended', () => finish('ended'));
		a.addEventListener('error', () => finish('error'));
		a.addEventListener('loadedmetadata', () => {
			if (Number.isFinite(a.duration)) arm(a.duration * 1000 + 3000);
		});
		arm(20000);            // nothing known yet: a generous ceiling
		a.src = src;
		a.play().catch((err) => {
			if (err && err.name === 'NotAllowedError') {
				blocked = true;
				showSoundHelp();
				finish('blocked');
			} else {
				finish('error');
			}
		});
	});
}

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

async function pump() {
	if (busy) return;
	busy = true;
	try {
		while (queue.length) {
			const item = queue.shift();
			if (performance.now() - item.queuedAt > STALE_MS || blocked) continue;
			await playClip(CHIME, 'chime', item);
			if (item.audio && !blocked) await playClip(item.audio, 'speech', item);
			if (queue.length) await wait(GAP_MS);
		}
	} finally {
		busy = false;
	}
}

function announce(call) {
	queue.push({ number: call.number, audio: call.audio || null, queuedAt: performance.now() });
	pump();
}

// Read-only view for tests and for a technician's console.
Object.defineProperty(window, '__announcer', {
	value: Object.freeze({
		get log() { return clipLog.map((e) => ({ ...e })); },
		get pending() { return queue.length + (busy ? 1 : 0); },
		get blocked() { return blocked; },
	}),
	writable: false,
	configurable: false,
});

// On load, find out whether this browser lets us play sound by ourselves.
function probeAutoplay() {
	const a = new Audio(CHIME);
	a.volume = 0;
	a.play().then(() => a.pause()).catch((err) => {
		if (err && err.name === 'NotAllowedError') {
			blocked = true;
			showSoundHelp();
		}
	});
}

// ---------------------------------------------------------------- live data

function applyTime(t) {
	const p = parseTime(t);
	if (!p) return;
	state.skewMs = p.ms - Date.now();
	state.offsetMin = p.offsetMin;
	tick();
}

function mergeServices(list) {
	if (!Array.isArray(list)) return;
	for (const u of list) {
		const s = state.services.find((x) => x.code === u.code);
		if (s) Object.assign(s, u);
		else state.services.push({ ...u });
	}
	renderServices();
}

async function resync() {
	const b = await getJSON('/api/v1/board');
	if (b.site) {
		state.site = b.site;
		$('site-name').textContent = b.site.name || b.site.id || '';
	}
	applyTime(b.time);
	const last = Number(b.last_event) || 0;
	// The server's list is the truth; keep only calls it cannot know yet.
	const newer = state.calls.filter((c) => c.event > last);
	state.calls = [...newer, ...(Array.isArray(b.calls) ? b.calls : [])]
		.sort((x, y) => (y.event || 0) - (x.event || 0)).slice(0, 5);
	if (Array.isArray(b.services)) state.services = b.services.map((s) => ({ ...s }));
	if (Array.isArray(b.draws)) state.draws = b.draws;
	applyNotices(b.notices);
	// Calls made while we were away are shown, not announced afterwards.
	if (last > state.announced) state.announced = last;
	if (last > state.lastEvent) state.lastEvent = last;
	renderCalls(0);
	renderServices();
	return last;
}

async function probe() {
	const b = await getJSON('/api/v1/board', 5000);
	applyTime(b.time);
	return Number(b.last_event) || 0;
}

function onCall(c, id) {
	const ev = Number(c.event) || id || 0;
	if (ev && state.calls.some((x) => x.event === ev)) return;   // already shown
	const call = { ...c, event: ev };
	state.calls = [call, ...state.calls].slice(0, 5);
	if (ev > state.lastEvent) state.lastEvent = ev;
	renderCalls(ev);
	flash(call);
	if (!ev || ev > state.announced) {
		if (ev) state.announced = ev;
		announce(call);
	}
}

// A draw's close issues its tickets (a counts event); its opening and the
// enrolments send none. So the draws are read again after counts events
// and at each new minute, at most once every DRAWS_MS.
const DRAWS_MS = 5000;
let drawsAt = 0;
let drawsTimer = null;
function refreshDraws() {
	const wait = drawsAt + DRAWS_MS - Date.now();
	if (wait > 0) {
		// Recently read: once more when the interval is over, not now.
		if (!drawsTimer) drawsTimer = setTimeout(() => { drawsTimer = null; refreshDraws(); }, wait);
		return;
	}
	drawsAt = Date.now();
	refreshNotices();
}

function onCounts(d) {
	mergeServices(d.services);
	refreshDraws();
}

function setConn(s) {
	$('conn').hidden = s === 'open';
	document.body.dataset.link = s;
}

function main() {
	tick();
	rotateFree();
	setInterval(rotateFree, FREE_MS);
	$('sound-enable').addEventListener('click', enableSound);
	probeAutoplay();
	const link = new LiveLink({
		url: '/api/v1/events',
		handlers: { call: onCall, counts: onCounts, notices: onNotices },
		resync,
		probe,
		onState: setConn,
	});
	setConn('connecting');
	link.start();
	window.__board = {
		get link() { return link.state; },
		get notices() { return state.notices.map((n) => ({ ...n })); },
		get draws() { return state.draws.map((d) => ({ ...d })); },
	};
}

main();
