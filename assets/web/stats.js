// stats.js: the public open figures page (/stats). Served as
// /static/stats.js; no build step, no library, no network beyond this
// server (the site has no internet).
//
// One GET /api/v1/stats?day=YYYY-MM-DD gives, per service, 25 rows: the
// whole day (hour null) and each local hour, and each service's figures
// per channel (appointments, walk-ins). From it this file fills the
// summary, the two channels side by side, three tables and three charts
// drawn as inline SVG, and builds the two CSV links in the browser. Every chart carries a <title> and a <desc> in
// words, and the tables hold the same numbers, so nothing is said by a
// picture or a colour alone. Waits are percentiles: they are never added
// up across services, only shown per service.

const COUNTS = ['issued', 'served', 'no_show', 'not_served', 'attestations', 'refused_duplicates'];
const CSV_COLS = ['issued', 'served', 'no_show', 'not_served', 'attestations', 'refused_duplicates',
	'wait_p50_s', 'wait_p90_s', 'service_avg_s'];
// The figures per service and channel ("channels"), in the columns of
// `kiosk admin report --channels` (a cell is empty where the channel has
// no such figure).
const CH_COLS = ['capacity', 'left', 'booked', 'cancelled', 'checked_in', 'late_walkin',
	'late_attestation', 'no_show', 'pending', 'issued', 'turned_away', 'called', 'wait_mean_s',
	'wait_p50_s', 'wait_p90_s'];
const CHANNELS = ['appointment', 'walkin'];
import { parseTime, pad, zoneTime } from './live.js';

const NS = 'http://www.w3.org/2000/svg';
const REFRESH_MS = 60000;
// Series styles: colour, marker and dash differ, so they can be told apart
// without colour (and in black and white print).
const SERIES = [
	{ color: '#0a3d91', marker: 'circle', dash: '' },
	{ color: '#a34700', marker: 'square', dash: '7 4' },
	{ color: '#1b6b35', marker: 'triangle', dash: '2 3' },
	{ color: '#6d2277', marker: 'diamond', dash: '10 3 2 3' },
	{ color: '#3d4a57', marker: 'cross', dash: '4 2' },
];

const $ = (id) => document.getElementById(id);
const state = {
	data: null,        // last answer of /api/v1/stats
	day: null,         // the day asked for, null = today (then the page refreshes)
	service: '',       // '' = all services
	timer: 0,          // refresh timer
	seq: 0,            // request counter: late answers are dropped
};

// -- formatting --------------------------------------------------------------

const nf = new Intl.NumberFormat('fr-FR');
const fmtInt = (n) => nf.format(n);

function fmtDur(s) {
	if (!s) return '—';
	if (s < 60) return 'moins d\u2019une minute';
	const m = Math.round(s / 60);
	if (m < 60) return `${m}\u00a0min`;
	return `${Math.floor(m / 60)}\u00a0h\u00a0${String(m % 60).padStart(2, '0')}`;
}

function parseDay(day) {
	const [y, m, d] = day.split('-').map(Number);
	return new Date(y, m - 1, d, 12);   // noon: safe across daylight-saving changes
}

function isoDay(date) {
	return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-` +
		String(date.getDate()).padStart(2, '0');
}

function fmtDayLong(day) {
	return parseDay(day).toLocaleDateString('fr-FR', { weekday: 'long', day: 'numeric',
		month: 'long', year: 'numeric' });
}

// Today and "now" on the site's clock (site.timezone of the last answer),
// not the browser's: a browser in another zone must not show another day
// or hour. Before the first answer, the browser's own.
function siteZone() {
	return state.data && state.data.site ? state.data.site.timezone : null;
}
function todayIso() {
	const z = zoneTime(Date.now(), siteZone());
	return z ? z.day : isoDay(new Date());
}
function siteHHMM(rfc3339) {
	const t = parseTime(rfc3339);
	const z = zoneTime(t ? t.ms : Date.now(), siteZone());
	if (z) return `${pad(z.h)}:${pad(z.m)}`;
	return new Date().toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit' });
}
const hourLabel = (h) => `${h}\u00a0h`;

// -- data --------------------------------------------------------------------

function serviceName(code) {
	const s = state.data.services.find((x) => x.code === code);
	return s ? (s.name.fr || code) : code;
}

function dayRow(code) {
	return state.data.rows.find((r) => r.service === code && r.hour === null);
}

// Sum of the counts of the given rows (a whole-day or an hourly total).
function sum(rows) {
	const t = {};
	for (const k of COUNTS) t[k] = rows.reduce((a, r) => a + r[k], 0);
	return t;
}

// Rows of one hour: for a service, its own row; for all, the summed counts
// (waits stay per service: they do not add up).
function hourRow(h) {
	const rows = state.data.rows.filter((r) => r.hour === h &&
		(!state.service || r.service === state.service));
	if (state.service) return rows[0];
	return sum(rows);
}

const active = (r) => COUNTS.some((k) => r[k] > 0) || r.wait_p50_s > 0 || r.service_avg_s > 0;

// Hours shown: the first to the last hour with any activity, whatever the
// service chosen, so the axis does not jump when switching service.
function hourRange() {
	const hours = state.data.rows.filter((r) => r.hour !== null && active(r)).map((r) => r.hour);
	if (!hours.length) return [];
	const out = [];
	for (let h = Math.min(...hours); h <= Math.max(...hours); h++) out.push(h);
	return out;
}

// The same columns and rows as `kiosk admin report --csv DAY`.
function buildCsv(data) {
	const lines = ['day,service,hour,' + CSV_COLS.join(',')];
	for (const r of data.rows) {
		const hour = r.hour === null ? 'all' : String(r.hour).padStart(2, '0');
		lines.push([data.day, r.service, hour, ...CSV_COLS.map((k) => r[k])].join(','));
	}
	return lines.map((l) => l + '\n').join('');
}

// The same columns and rows as `kiosk admin report --channels DAY`.
function buildChannelsCsv(data) {
	const lines = ['day,service,channel,' + CH_COLS.join(',')];
	for (const c of data.channels || [])
		for (const ch of CHANNELS)
			lines.push([data.day, c.service, ch, ...CH_COLS.map((k) => (k in c[ch] ? c[ch][k] : ''))].join(','));
	return lines.map((l) => l + '\n').join('');
}

// -- the two channels ----------------------------------------------------------

function channelOf(code) {
	return (state.data.channels || []).find((c) => c.service === code);
}

// A channel's figures for the services given: counts and places added up;
// the mean wait weighted by the people called; percentiles only for one
// service (they do not add up: null).
function channelSum(codes, ch) {
	const rows = codes.map(channelOf).filter(Boolean).map((c) => c[ch]);
	const t = {};
	for (const k of CH_COLS) t[k] = rows.reduce((a, r) => a + (r[k] || 0), 0);
	t.wait_mean_s = t.called ? Math.round(rows.reduce((a, r) => a + r.wait_mean_s * r.called, 0) / t.called) : 0;
	t.wait_p50_s = rows.length === 1 ? rows[0].wait_p50_s : null;
	t.wait_p90_s = rows.length === 1 ? rows[0].wait_p90_s : null;
	return t;
}

function waitText(t) {
	if (!t.called) return noCall();
	const mean = t.wait_mean_s < 60 ? 'moins d\u2019une minute' : fmtDur(t.wait_mean_s);
	if (t.wait_p50_s === null) return `moyenne ${mean}`;
	return `moyenne ${mean} · médiane ${t.wait_p50_s < 60 ? 'moins d\u2019une minute' : fmtDur(t.wait_p50_s)}`;
}

const places = (t) => `${fmtInt(t.capacity)} place${t.capacity > 1 ? 's' : ''} prévue${t.capacity > 1 ? 's' : ''}` +
	` · ${fmtInt(t.left)} encore libre${t.left > 1 ? 's' : ''}`;

// A list of figures: items {key, label, value, sub?, warn?}; each value's
// element is #ch-<channel>-<key> (the tests read them).
function figList(ch, items) {
	const dl = $(`ch-${ch}`);
	dl.textContent = '';
	for (const it of items) {
		const div = document.createElement('div');
		const dt = document.createElement('dt');
		const dd = document.createElement('dd');
		dt.textContent = it.label;
		dd.id = `ch-${ch}-${it.key}`;
		dd.textContent = it.value;
		if (it.warn) dd.className = 'warn';
		div.append(dt, dd);
		if (it.sub) {
			const sub = document.createElement('dd');
			sub.className = 'fig-sub';
			sub.textContent = it.sub;
			div.appendChild(sub);
		}
		dl.appendChild(div);
	}
}

function fillChannels() {
	const codes = state.service ? [state.service] : state.data.services.map((s) => s.code);
	const a = channelSum(codes, 'appointment'), w = channelSum(codes, 'walkin');
	figList('appointment', [
		{ key: 'booked', label: 'Rendez-vous pris', value: fmtInt(a.booked), sub: places(a) },
		{ key: 'checked_in', label: 'Présentés à l\u2019heure', value: fmtInt(a.checked_in) },
		{ key: 'late', label: 'En retard', value: fmtInt(a.late_walkin + a.late_attestation),
			sub: `${fmtInt(a.late_walkin)} passé${a.late_walkin > 1 ? 's' : ''} sans rendez-vous · ` +
				`${fmtInt(a.late_attestation)} avec une attestation de passage` },
		{ key: 'no_show', label: 'Absents 15 minutes après l\u2019heure', value: fmtInt(a.no_show), warn: a.no_show > 0 },
		{ key: 'pending', label: 'À venir (pas encore comptés absents)', value: fmtInt(a.pending) },
		{ key: 'cancelled', label: 'Annulés', value: fmtInt(a.cancelled) },
		{ key: 'wait', label: 'Attente avant l\u2019appel', value: waitText(a) },
	]);
	figList('walkin', [
		{ key: 'issued', label: 'Tickets délivrés', value: fmtInt(w.issued), sub: places(w) },
		{ key: 'turned_away', label: 'Renvoyés faute de place', value: fmtInt(w.turned_away),
			sub: 'attestations de passage', warn: w.turned_away > 0 },
		{ key: 'wait', label: 'Attente avant l\u2019appel', value: waitText(w) },
	]);
	$('channels-scope').textContent = state.service ?
		`service ${state.service} · ${serviceName(state.service)}` : 'tous les services';
	const tbody = $('table-channels').tBodies[0];
	tbody.textContent = '';
	const row = (label, ap, wk, dim, total) => {
		const tr = document.createElement('tr');
		if (dim) tr.className = 'dim';
		if (total) tr.className = 'total';
		cell(tr, label, '', 'th');
		cell(tr, fmtInt(ap.capacity), 'num');
		cell(tr, fmtInt(ap.booked), 'num');
		cell(tr, fmtInt(ap.checked_in), 'num');
		cell(tr, fmtInt(ap.late_walkin + ap.late_attestation), 'num');
		cell(tr, fmtInt(ap.no_show), ap.no_show ? 'num warn' : 'num');
		cell(tr, fmtInt(ap.cancelled), 'num');
		cell(tr, ap.wait_p50_s === null ? '' : fmtDur(ap.wait_p50_s), 'num');
		cell(tr, fmtInt(wk.capacity), 'num');
		cell(tr, fmtInt(wk.issued), 'num');
		cell(tr, fmtInt(wk.turned_away), wk.turned_away ? 'num warn' : 'num');
		cell(tr, wk.wait_p50_s === null ? '' : fmtDur(wk.wait_p50_s), 'num');
		tbody.appendChild(tr);
	};
	for (const s of state.data.services)
		row(`${s.code} · ${s.name.fr}`, channelSum([s.code], 'appointment'), channelSum([s.code], 'walkin'),
			state.service && state.service !== s.code, false);
	const all = state.data.services.map((s) => s.code);
	row('Total', channelSum(all, 'appointment'), channelSum(all, 'walkin'), false, true);
}

// -- SVG ---------------------------------------------------------------------

function svgEl(name, attrs, parent) {
	const e = document.createElementNS(NS, name);
	for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
	if (parent) parent.appendChild(e);
	return e;
}

function svgText(parent, x, y, str, attrs) {
	const t = svgEl('text', { x, y, ...attrs }, parent);
	t.textContent = str;
	return t;
}

// An <svg role="img"> with a title and a description in words.
function newChart(box, id, w, h, title, desc) {
	box.textContent = '';
	const svg = svgEl('svg', { viewBox: `0 0 ${w} ${h}`, role: 'img', class: 'svg',
		'aria-labelledby': `${id}-t ${id}-d`, preserveAspectRatio: 'xMidYMid meet' }, box);
	const t = svgEl('title', { id: `${id}-t` }, svg);
	t.textContent = title;
	const d = svgEl('desc', { id: `${id}-d` }, svg);
	d.textContent = desc;
	const defs = svgEl('defs', {}, svg);
	const p = svgEl('pattern', { id: `${id}-hatch`, width: 6, height: 6,
		patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' }, defs);
	svgEl('rect', { width: 6, height: 6, fill: '#fbe3cf' }, p);
	svgEl('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#a34700', 'stroke-width': 3 }, p);
	return svg;
}

// A round axis maximum and its step (1, 2 or 5 times a power of ten).
function niceScale(max, ticks = 4) {
	if (max <= 0) return { max: ticks, step: 1 };
	const raw = max / ticks;
	const p = 10 ** Math.floor(Math.log10(raw));
	const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw);
	return { max: Math.ceil(max / step) * step, step };
}

function marker(parent, kind, x, y, color, r = 4.5) {
	const a = { fill: color, stroke: '#fff', 'stroke-width': 1.5 };
	switch (kind) {
	case 'square': return svgEl('rect', { x: x - r, y: y - r, width: 2 * r, height: 2 * r, ...a }, parent);
	case 'triangle': return svgEl('path', { d: `M${x} ${y - r - 1}L${x + r + 1} ${y + r}L${x - r - 1} ${y + r}Z`, ...a }, parent);
	case 'diamond': return svgEl('path', { d: `M${x} ${y - r - 1}L${x + r + 1} ${y}L${x} ${y + r + 1}L${x - r - 1} ${y}Z`, ...a }, parent);
	case 'cross': return svgEl('path', { d: `M${x - r} ${y - r}L${x + r} ${y + r}M${x + r} ${y - r}L${x - r} ${y + r}`,
		stroke: color, 'stroke-width': 2.5, fill: 'none' }, parent);
	default: return svgEl('circle', { cx: x, cy: y, r, ...a }, parent);
	}
}

// Legend entries: [{label, swatch: 'solid'|'light'|'hatch'|series}].
function legend(box, items) {
	box.textContent = '';
	for (const it of items) {
		const span = document.createElement('span');
		span.className = 'legend-item';
		const svg = svgEl('svg', { viewBox: '0 0 28 14', width: 28, height: 14, 'aria-hidden': 'true' }, span);
		if (it.series) {
			svgEl('line', { x1: 1, y1: 7, x2: 27, y2: 7, stroke: it.series.color, 'stroke-width': 2.5,
				'stroke-dasharray': it.series.dash }, svg);
			marker(svg, it.series.marker, 14, 7, it.series.color, 4);
		} else if (it.swatch === 'hatch') {
			const defs = svgEl('defs', {}, svg);
			const p = svgEl('pattern', { id: `lg-${it.id}`, width: 6, height: 6, patternUnits: 'userSpaceOnUse',
				patternTransform: 'rotate(45)' }, defs);
			svgEl('rect', { width: 6, height: 6, fill: '#fbe3cf' }, p);
			svgEl('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#a34700', 'stroke-width': 3 }, p);
			svgEl('rect', { x: 1, y: 1, width: 26, height: 12, fill: `url(#lg-${it.id})`, stroke: '#a34700' }, svg);
		} else if (it.swatch === 'light') {
			svgEl('rect', { x: 1, y: 1, width: 26, height: 12, fill: '#d6e2f5', stroke: '#0a3d91', 'stroke-width': 1.5 }, svg);
		} else if (it.swatch === 'line') {
			svgEl('line', { x1: 14, y1: 0, x2: 14, y2: 14, stroke: '#14202b', 'stroke-width': 2,
				'stroke-dasharray': '3 2' }, svg);
		} else {
			svgEl('rect', { x: 1, y: 1, width: 26, height: 12, fill: '#0a3d91' }, svg);
		}
		span.append(' ', it.label);
		box.appendChild(span);
	}
}

// Per service: a stacked bar of demand (tickets issued, then people turned
// away) against the day's capacity, and a bar of people received.
function drawServices() {
	const box = $('chart-services');
	const codes = state.data.services.map((s) => s.code);
	const rows = codes.map((c) => ({ code: c, cap: state.data.services.find((s) => s.code === c).capacity,
		...dayRow(c) }));
	const W = 760, labelH = 18, barH = 16, gap = 4, groupH = labelH + 2 * barH + gap + 26;
	const H = 22 + rows.length * groupH, L = 8, R = 200;
	const scale = niceScale(Math.max(1, ...rows.map((r) => Math.max(r.cap, r.issued + r.attestations, r.served))));
	const x = (v) => L + (W - L - R) * v / scale.max;
	const desc = rows.map((r) => `${r.code} ${serviceName(r.code)} : capacité ${r.cap}, ` +
		`${r.issued} tickets délivrés, ${r.attestations} personnes renvoyées faute de place, ` +
		`${r.served} reçues`).join(' ; ') + '.';
	const svg = newChart(box, 'cs', W, H, 'Demande, capacité et personnes reçues par service', desc);
	// grid
	for (let v = 0; v <= scale.max; v += scale.step) {
		svgEl('line', { x1: x(v), x2: x(v), y1: 8, y2: H - 4, class: 'grid' }, svg);
		svgText(svg, x(v), H, fmtInt(v), { class: 'tick', 'text-anchor': 'middle' });
	}
	rows.forEach((r, i) => {
		const y0 = 12 + i * groupH;
		svgText(svg, L, y0 + 12, `${r.code} · ${serviceName(r.code)}`, { class: 'label' });
		const yb = y0 + labelH;
		svgEl('rect', { x: L, y: yb, width: Math.max(0, x(r.issued) - L), height: barH, fill: '#0a3d91' }, svg);
		if (r.attestations > 0) {
			svgEl('rect', { x: x(r.issued), y: yb, width: x(r.issued + r.attestations) - x(r.issued),
				height: barH, fill: 'url(#cs-hatch)', stroke: '#a34700' }, svg);
		}
		let t = `${fmtInt(r.issued)} délivrés`;
		if (r.attestations) t += ` + ${fmtInt(r.attestations)} renvoyés`;
		svgText(svg, x(Math.max(r.issued + r.attestations, r.cap)) + 6, yb + 12, t, { class: 'value' });
		const ys = yb + barH + gap;
		svgEl('rect', { x: L, y: ys, width: Math.max(0, x(r.served) - L), height: barH, fill: '#d6e2f5',
			stroke: '#0a3d91', 'stroke-width': 1.5 }, svg);
		svgText(svg, x(Math.max(r.served, r.cap)) + 6, ys + 12, `${fmtInt(r.served)} reçus`, { class: 'value value-muted' });
		// capacity
		svgEl('line', { x1: x(r.cap), x2: x(r.cap), y1: yb - 3, y2: ys + barH + 3, class: 'cap' }, svg);
		svgText(svg, x(r.cap), ys + barH + 15, `capacité ${fmtInt(r.cap)}`, { class: 'cap-label',
			'text-anchor': r.cap < scale.max * 0.1 ? 'start' : 'middle' });
	});
	legend($('legend-services'), [
		{ label: 'Tickets délivrés', swatch: 'solid' },
		{ label: 'Renvoyés faute de place (attestations)', swatch: 'hatch', id: 'cs' },
		{ label: 'Personnes reçues', swatch: 'light' },
		{ label: 'Capacité du jour', swatch: 'line' },
	]);
}

// Per hour: tickets issued and people turned away, side by side.
function drawHours(hours) {
	const box = $('chart-hours');
	const W = 640, H = 300, L = 40, R = 8, T = 22, B = 34;
	const rows = hours.map((h) => ({ h, ...hourRow(h) }));
	const scale = niceScale(Math.max(1, ...rows.map((r) => Math.max(r.issued, r.attestations))));
	const band = (W - L - R) / Math.max(1, hours.length), bw = Math.min(22, band * 0.36);
	const y = (v) => T + (H - T - B) * (1 - v / scale.max);
	const desc = 'Par heure, tickets délivrés puis personnes renvoyées : ' + rows.map((r) =>
		`${r.h} h : ${r.issued} et ${r.attestations}`).join(' ; ') + '.';
	const svg = newChart(box, 'ch', W, H, $('chart-hours-title').textContent, desc);
	for (let v = 0; v <= scale.max; v += scale.step) {
		svgEl('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid' }, svg);
		svgText(svg, L - 6, y(v) + 4, fmtInt(v), { class: 'tick', 'text-anchor': 'end' });
	}
	rows.forEach((r, i) => {
		const cx = L + band * (i + 0.5);
		svgEl('rect', { x: cx - bw - 1, y: y(r.issued), width: bw, height: y(0) - y(r.issued), fill: '#0a3d91' }, svg);
		if (r.attestations > 0)
			svgEl('rect', { x: cx + 1, y: y(r.attestations), width: bw, height: y(0) - y(r.attestations),
				fill: 'url(#ch-hatch)', stroke: '#a34700' }, svg);
		if (r.issued > 0)
			svgText(svg, cx - bw / 2 - 1, y(r.issued) - 4, fmtInt(r.issued), { class: 'value-s', 'text-anchor': 'middle' });
		if (r.attestations > 0)
			svgText(svg, cx + bw / 2 + 1, y(r.attestations) - 4, fmtInt(r.attestations),
				{ class: 'value-s value-warn', 'text-anchor': 'middle' });
		svgText(svg, cx, H - B + 18, hourLabel(r.h), { class: 'tick', 'text-anchor': 'middle' });
	});
	svgEl('line', { x1: L, x2: W - R, y1: y(0), y2: y(0), class: 'axis' }, svg);
	legend($('legend-hours'), [
		{ label: 'Tickets délivrés', swatch: 'solid' },
		{ label: 'Renvoyés faute de place', swatch: 'hatch', id: 'ch' },
	]);
}

// Waits by hour of arrival: for one service, its median and 9-in-10; for
// all, each service's median (a line each).
function drawWaits(hours) {
	const box = $('chart-waits');
	const W = 640, H = 300, L = 44, R = 30, T = 22, B = 34;
	let series;
	if (state.service) {
		const rows = state.data.rows.filter((r) => r.service === state.service);
		series = [
			{ name: 'Attente médiane', code: 'méd.', style: SERIES[0], key: 'wait_p50_s', rows },
			{ name: 'Attente 9 sur 10', code: '9/10', style: SERIES[1], key: 'wait_p90_s', rows },
		];
	} else {
		series = state.data.services.map((s, i) => ({ name: `${s.code} · ${s.name.fr}`, code: s.code,
			style: SERIES[i % SERIES.length], key: 'wait_p50_s',
			rows: state.data.rows.filter((r) => r.service === s.code) }));
	}
	for (const s of series)
		s.points = hours.map((h) => {
			const r = s.rows.find((x) => x.hour === h);
			return r && r[s.key] > 0 ? { h, v: r[s.key] / 60 } : null;
		});
	series = series.filter((s) => s.points.some(Boolean));
	const scale = niceScale(Math.max(1, ...series.flatMap((s) => s.points.filter(Boolean).map((p) => p.v))));
	const band = (W - L - R) / Math.max(1, hours.length);
	const x = (i) => L + band * (i + 0.5), y = (v) => T + (H - T - B) * (1 - v / scale.max);
	const desc = series.length ? series.map((s) => `${s.name} : ` + s.points.filter(Boolean)
		.map((p) => `${p.h} h ${Math.round(p.v)} min`).join(', ')).join(' ; ') + '.' :
		noCall() + '.';
	const svg = newChart(box, 'cw', W, H, $('chart-waits-title').textContent, desc);
	for (let v = 0; v <= scale.max; v += scale.step) {
		svgEl('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid' }, svg);
		svgText(svg, L - 6, y(v) + 4, `${fmtInt(v)}`, { class: 'tick', 'text-anchor': 'end' });
	}
	hours.forEach((h, i) => svgText(svg, x(i), H - B + 18, hourLabel(h), { class: 'tick', 'text-anchor': 'middle' }));
	svgEl('line', { x1: L, x2: W - R, y1: y(0), y2: y(0), class: 'axis' }, svg);
	for (const s of series) {
		let d = '', last = null;
		s.points.forEach((p, i) => {
			if (!p) { last = null; return; }
			d += `${last === null ? 'M' : 'L'}${x(i).toFixed(1)} ${y(p.v).toFixed(1)}`;
			last = i;
		});
		svgEl('path', { d, fill: 'none', stroke: s.style.color, 'stroke-width': 2.5,
			'stroke-dasharray': s.style.dash, 'stroke-linejoin': 'round' }, svg);
		s.points.forEach((p, i) => { if (p) marker(svg, s.style.marker, x(i), y(p.v), s.style.color); });
		// Direct label at the line's last point.
		const li = s.points.map(Boolean).lastIndexOf(true);
		svgText(svg, x(li) + 8, y(s.points[li].v) + 4, s.code, { class: 'value-s', fill: s.style.color });
	}
	if (!series.length)
		svgText(svg, W / 2, H / 2, noCall(), { class: 'label', 'text-anchor': 'middle' });
	legend($('legend-waits'), series.map((s) => ({ label: s.name, series: s.style })));
}

// -- tables ------------------------------------------------------------------

function cell(tr, text, cls, tag = 'td') {
	const c = document.createElement(tag);
	c.textContent = text;
	if (cls) c.className = cls;
	if (tag === 'th') c.scope = 'row';
	tr.appendChild(c);
	return c;
}

function fillServicesTable() {
	const tbody = $('table-services').tBodies[0];
	tbody.textContent = '';
	for (const s of state.data.services) {
		const r = dayRow(s.code), tr = document.createElement('tr');
		if (state.service && state.service !== s.code) tr.className = 'dim';
		cell(tr, `${s.code} · ${s.name.fr}`, '', 'th');
		cell(tr, fmtInt(s.capacity), 'num');
		for (const k of COUNTS.slice(0, 4)) cell(tr, fmtInt(r[k]), 'num');
		cell(tr, fmtInt(r.attestations), r.attestations ? 'num warn' : 'num');
		cell(tr, fmtInt(r.refused_duplicates), 'num');
		cell(tr, fmtDur(r.wait_p50_s), 'num');
		cell(tr, fmtDur(r.wait_p90_s), 'num');
		cell(tr, fmtDur(r.service_avg_s), 'num');
		tbody.appendChild(tr);
	}
	const t = sum(state.data.services.map((s) => dayRow(s.code))), tr = document.createElement('tr');
	tr.className = 'total';
	cell(tr, 'Total', '', 'th');
	cell(tr, fmtInt(state.data.services.reduce((a, s) => a + s.capacity, 0)), 'num');
	for (const k of COUNTS) cell(tr, fmtInt(t[k]), 'num');
	for (let i = 0; i < 3; i++) cell(tr, '', 'num');
	tbody.appendChild(tr);
}

function fillHoursTable(hours) {
	const table = $('table-hours'), one = !!state.service;
	const head = ['Heure', 'Délivrés', 'Reçus', 'Absents', 'Non reçus à la fermeture',
		'Attestations de passage', 'Doublons refusés'];
	if (one) head.push('Attente médiane', 'Attente 9 sur 10', 'Durée au guichet');
	const htr = table.tHead.rows[0];
	htr.textContent = '';
	for (const [i, h] of head.entries()) {
		const th = document.createElement('th');
		th.scope = 'col';
		if (i) th.className = 'num';
		th.textContent = h;
		htr.appendChild(th);
	}
	table.caption.textContent = `Chiffres heure par heure — ${one ? `service ${state.service} · ${serviceName(state.service)}` : 'tous les services'}`;
	const tbody = table.tBodies[0];
	tbody.textContent = '';
	for (const h of hours) {
		const r = hourRow(h), tr = document.createElement('tr');
		cell(tr, `${hourLabel(h)} – ${hourLabel(h + 1)}`, '', 'th');
		for (const k of COUNTS) cell(tr, fmtInt(r[k]), k === 'attestations' && r[k] ? 'num warn' : 'num');
		if (one) {
			cell(tr, fmtDur(r.wait_p50_s), 'num');
			cell(tr, fmtDur(r.wait_p90_s), 'num');
			cell(tr, fmtDur(r.service_avg_s), 'num');
		}
		tbody.appendChild(tr);
	}
	$('hours-note').hidden = one;
}

// -- the page ----------------------------------------------------------------

// "Nobody called yet" today; "nobody called" on a past day.
const noCall = () => state.data.day < todayIso() ? 'aucun appel ce jour-là' :
	'personne n\u2019a encore été appelé';

function fillSummary() {
	const codes = state.service ? [state.service] : state.data.services.map((s) => s.code);
	const t = sum(codes.map(dayRow));
	for (const k of COUNTS) $(`sum-${k}`).textContent = fmtInt(t[k]);
	let wait;
	if (state.service) {
		const r = dayRow(state.service);
		wait = r.wait_p50_s ? `médiane ${fmtDur(r.wait_p50_s)} · 9 sur 10 : ${fmtDur(r.wait_p90_s)} ou moins` :
			noCall();
	} else {
		const w = codes.map((c) => ({ c, v: dayRow(c).wait_p50_s })).filter((x) => x.v > 0)
			.sort((a, b) => a.v - b.v);
		if (!w.length) wait = noCall();
		else if (w.length === 1) wait = `médiane ${fmtDur(w[0].v)} (service ${w[0].c})`;
		else wait = `médiane de ${fmtDur(w[0].v)} (service ${w[0].c}) à ${fmtDur(w[w.length - 1].v)} ` +
			`(service ${w[w.length - 1].c}) selon le service`;
	}
	$('sum-wait').textContent = wait;
	const scope = state.service ? `service ${state.service} · ${serviceName(state.service)}` : 'tous les services';
	$('summary-scope').textContent = scope;
	$('hours-scope').textContent = scope;
	$('summary-day').textContent = fmtDayLong(state.data.day);
}

function fillServiceSelect() {
	const sel = $('service');
	const want = ['', ...state.data.services.map((s) => s.code)].join(',');
	if (sel.dataset.codes !== want) {
		sel.length = 1;
		for (const s of state.data.services)
			sel.add(new Option(`${s.code} · ${s.name.fr}`, s.code));
		sel.dataset.codes = want;
	}
	if (state.service && !state.data.services.some((s) => s.code === state.service))
		state.service = '';
	sel.value = state.service;
}

function render() {
	const d = state.data;
	document.title = `Chiffres ouverts — ${d.site.name} — ${d.day}`;
	$('site-name').textContent = d.site.name;
	$('foot-site').textContent = d.site.name;
	$('day').value = d.day;
	$('day').max = todayIso();
	$('next-day').disabled = d.day >= todayIso();
	fillServiceSelect();
	fillSummary();
	const hours = hourRange();
	const empty = hours.length === 0;
	// A day without any activity has nothing to draw: the tables say it.
	$('chart-services').closest('figure').hidden = empty;
	if (!empty)
		drawServices();
	fillServicesTable();
	for (const id of ['chart-hours', 'chart-waits'])
		if (empty) $(id).textContent = '';
	if (!empty) {
		drawHours(hours);
		drawWaits(hours);
	} else {
		$('legend-hours').textContent = '';
		$('legend-waits').textContent = '';
	}
	fillHoursTable(hours);
	// (a server without the figures per channel: the section stays hidden)
	$('channels').hidden = !d.channels;
	$('csv-channels').hidden = !d.channels;
	if (d.channels) {
		fillChannels();
		const c = $('csv-channels');
		c.href = 'data:text/csv;charset=utf-8,' + encodeURIComponent(buildChannelsCsv(d));
		c.download = `chiffres-canaux-${d.site.id}-${d.day}.csv`;
	}
	$('status').textContent = empty ? 'Aucune activité enregistrée ce jour-là.' : '';
	const csv = buildCsv(d);
	const a = $('csv');
	a.href = 'data:text/csv;charset=utf-8,' + encodeURIComponent(csv);
	a.download = `chiffres-${d.site.id}-${d.day}.csv`;
	a.dataset.rows = String(d.rows.length);
	$('updated').textContent = `chiffres du ${fmtDayLong(d.day)}, mis à jour à ${siteHHMM(d.time)}`;
	document.body.dataset.state = 'ready';
}

// The day's draws (issue #13): a link to each one's published JSON, which
// anyone can check (docs/DRAW.md). The section stays hidden without any.
async function loadDraws(day) {
	let list = [];
	try {
		const r = await fetch(`/api/v1/draws?day=${day}`, { cache: 'no-store' });
		if (r.ok) list = (await r.json()).draws || [];
	} catch (e) {
		list = [];
	}
	const ul = $('draws-list');
	ul.replaceChildren();
	for (const d of list) {
		const li = document.createElement('li');
		const a = document.createElement('a');
		a.href = d.url;
		a.textContent = `Service ${d.service} — ${d.places} places — ` +
			(d.status === 'closed' ? 'tiré' : 'inscriptions ouvertes');
		const c = document.createElement('code');
		c.textContent = ` ${d.commitment.slice(0, 16)}…`;
		li.append(a, c);
		ul.append(li);
	}
	$('draws').hidden = list.length === 0;
}

function syncUrl() {
	const p = new URLSearchParams();
	if (state.day) p.set('day', state.day);
	if (state.service) p.set('service', state.service);
	const q = p.toString();
	history.replaceState(null, '', q ? `?${q}` : location.pathname);
}

async function load() {
	const seq = ++state.seq;
	clearTimeout(state.timer);
	document.body.dataset.state = 'loading';
	try {
		const r = await fetch(`/api/v1/stats${state.day ? `?day=${state.day}` : ''}`, { cache: 'no-store' });
		const j = await r.json();
		if (!r.ok) throw new Error(j.error || `HTTP ${r.status}`);
		if (seq !== state.seq) return;
		state.data = j;
		render();
		loadDraws(j.day);
	} catch (e) {
		if (seq !== state.seq) return;
		document.body.dataset.state = 'error';
		$('status').textContent = `Les chiffres ne peuvent pas être chargés (${e.message}). ` +
			'Nouvel essai dans une minute.';
	}
	// Today's figures move: refresh them. A past day does not change.
	if (!state.day || state.day === todayIso())
		state.timer = setTimeout(load, REFRESH_MS);
}

function setDay(day) {
	state.day = !day || day === todayIso() ? null : day;
	syncUrl();
	load();
}

function shiftDay(n) {
	const d = parseDay(state.data ? state.data.day : todayIso());
	d.setDate(d.getDate() + n);
	setDay(isoDay(d));
}

function start() {
	const p = new URLSearchParams(location.search);
	const day = p.get('day');
	if (day && /^\d{4}-\d{2}-\d{2}$/.test(day)) state.day = day;
	state.service = (p.get('service') || '').toUpperCase().slice(0, 1);
	$('day').addEventListener('change', (e) => { if (e.target.value) setDay(e.target.value); });
	$('prev-day').addEventListener('click', () => shiftDay(-1));
	$('next-day').addEventListener('click', () => shiftDay(1));
	$('today').addEventListener('click', () => setDay(null));
	$('service').addEventListener('change', (e) => {
		state.service = e.target.value;
		syncUrl();
		if (state.data) render();
	});
	load();
}

start();
