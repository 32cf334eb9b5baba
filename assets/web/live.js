// live.js: the live link to the queue server, shared by the staff console
// and the waiting-room board. Served as /static/live.js; no build step.
//
// One EventSource on /api/v1/events. The browser reconnects it by itself
// after a network error; when it gives up (the server answered an error, so
// readyState is CLOSED) we open a new one with a growing delay. After EVERY
// (re)connection the page resyncs its whole state over plain GETs, since
// events sent while we were away are not all replayed.
//
// A Wi-Fi drop can leave a TCP connection half-open: the EventSource then
// believes it is connected and hears nothing. So a probe runs every
// probeMs: it asks the server for its latest event number (the page gives
// the function). If the probe fails, the link is shown as lost; if the
// server has an event we never received, twice in a row, the EventSource is
// torn down and reopened, which resyncs. The server may also send a
// `resync` event when it had to skip events for a slow client.

const EVENT_TYPES = ['call', 'counts', 'counter', 'alert', 'notices'];

export class LiveLink {
	// url: the SSE URL. handlers: {call, counts, counter, alert, notices}(data, id).
	// resync: async () => latest event number known to the server (or 0).
	// probe: async () => latest event number (throws when unreachable).
	// onState(state): 'connecting' | 'open' | 'lost'.
	constructor({ url, handlers, resync, probe, onState, probeMs = 20000 }) {
		this.url = url;
		this.handlers = handlers || {};
		this.resync = resync;
		this.probe = probe;
		this.onState = onState || (() => {});
		this.probeMs = probeMs;
		this.es = null;
		this.state = 'connecting';
		this.lastSeen = 0;          // highest event number received or resynced
		this.retryMs = 1000;        // next manual reopen delay
		this.reopenTimer = null;
		this.probeTimer = null;
		this.missed = 0;            // consecutive probes that saw a newer event
		this.lostSince = 0;         // when the link was last seen lost
	}

	start() {
		this.open();
		this.probeTimer = setInterval(() => this.check(), this.probeMs);
		window.addEventListener('online', () => this.check());
		document.addEventListener('visibilitychange', () => {
			if (!document.hidden) this.check();
		});
	}

	stop() {
		clearTimeout(this.reopenTimer);
		clearInterval(this.probeTimer);
		if (this.es) this.es.close();
		this.es = null;
		this.stopped = true;
	}

	setState(s) {
		if (s === this.state) return;
		this.state = s;
		if (s === 'lost') this.lostSince = Date.now();
		this.onState(s);
	}

	open() {
		clearTimeout(this.reopenTimer);
		if (this.stopped) return;
		if (this.es) this.es.close();
		const es = new EventSource(this.url);
		this.es = es;
		es.onopen = () => {
			if (es !== this.es) return;
			this.retryMs = 1000;
			this.missed = 0;
			this.doResync(true);
		};
		es.onerror = () => {
			if (es !== this.es) return;
			this.setState('lost');
			if (es.readyState === EventSource.CLOSED) {
				// The browser gave up (HTTP error): reopen ourselves, later.
				this.reopenTimer = setTimeout(() => this.open(), this.retryMs);
				this.retryMs = Math.min(this.retryMs * 2, 15000);
			}
		};
		// The server fell behind for this stream and skipped events.
		es.addEventListener('resync', () => {
			if (es === this.es) this.doResync(false);
		});
		for (const type of EVENT_TYPES) {
			es.addEventListener(type, (ev) => {
				if (es !== this.es) return;
				let data;
				try {
					data = JSON.parse(ev.data);
				} catch {
					return;
				}
				const id = Number(ev.lastEventId) || Number(data && data.event) || 0;
				if (id > this.lastSeen) this.lastSeen = id;
				const h = this.handlers[type];
				if (h) h(data, id);
			});
		}
	}

	// Fetch the full state; mark the link open only when that worked.
	async doResync(fromOpen) {
		try {
			const last = await this.resync();
			if (this.stopped) return;
			if (typeof last === 'number' && last > this.lastSeen) this.lastSeen = last;
			if (!fromOpen || this.es.readyState === EventSource.OPEN) this.setState('open');
		} catch {
			this.setState('lost');
			// The stream is up but the state could not be read: try again soon.
			clearTimeout(this.reopenTimer);
			this.reopenTimer = setTimeout(() => this.open(), this.retryMs);
			this.retryMs = Math.min(this.retryMs * 2, 15000);
		}
	}

	async check() {
		if (this.stopped) return;
		let last;
		try {
			last = await this.probe();
		} catch {
			this.setState('lost');
			return;
		}
		if (!this.es || this.es.readyState !== EventSource.OPEN) {
			// Server answers but our stream is not up: do not wait for the
			// browser's own retry timer if it has been a while.
			if (this.state === 'lost' && Date.now() - this.lostSince > 5000) this.open();
			return;
		}
		if (typeof last === 'number' && last > this.lastSeen) {
			if (++this.missed >= 2) this.open();   // half-open stream: start over
		} else {
			this.missed = 0;
		}
	}
}

// fetch JSON with a deadline; throws on network error, timeout or non-2xx
// (the error has .status and .data).
export async function getJSON(url, timeoutMs = 8000) {
	const ctl = new AbortController();
	const t = setTimeout(() => ctl.abort(), timeoutMs);
	try {
		const r = await fetch(url, { signal: ctl.signal, cache: 'no-store', credentials: 'same-origin' });
		const text = await r.text();
		let data = null;
		try {
			data = text ? JSON.parse(text) : null;
		} catch {
			data = null;
		}
		if (!r.ok) {
			const e = new Error((data && data.error) || `HTTP ${r.status}`);
			e.status = r.status;
			e.data = data;
			throw e;
		}
		return data;
	} finally {
		clearTimeout(t);
	}
}

// "2026-11-27T09:14:05+01:00" -> {ms: epoch ms, offsetMin: 60}; null if bad.
export function parseTime(s) {
	if (typeof s !== 'string') return null;
	const ms = Date.parse(s);
	if (Number.isNaN(ms)) return null;
	const m = /([+-])(\d\d):?(\d\d)$/.exec(s);
	const offsetMin = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : (/Z$/.test(s) ? 0 : null);
	return { ms, offsetMin };
}

// "HH:MM" of an RFC 3339 time, in its own offset (the site's local time).
export function hhmm(s) {
	const t = parseTime(s);
	if (!t) return '';
	if (t.offsetMin === null) {
		const d = new Date(t.ms);
		return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
	}
	const d = new Date(t.ms + t.offsetMin * 60000);
	return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

// The wall clock in an IANA zone (the site's, from the API's site.timezone),
// whatever the browser's own zone: {h, m, s, day: "YYYY-MM-DD"} of epoch
// milliseconds ms, or null when the browser does not know the zone.
const zoneFmts = new Map();
export function zoneTime(ms, timeZone) {
	if (typeof timeZone !== 'string' || !timeZone) return null;
	let f = zoneFmts.get(timeZone);
	if (f === undefined) {
		try {
			f = new Intl.DateTimeFormat('en-GB', {
				timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
				hour: '2-digit', minute: '2-digit', second: '2-digit',
			});
		} catch {
			f = null;   // RangeError: a zone this browser does not have
		}
		zoneFmts.set(timeZone, f);
	}
	if (!f) return null;
	const p = {};
	for (const x of f.formatToParts(new Date(ms))) p[x.type] = x.value;
	return {
		h: Number(p.hour) % 24, m: Number(p.minute), s: Number(p.second),
		day: `${p.year}-${p.month}-${p.day}`,
	};
}

export function pad(n) {
	return String(n).padStart(2, '0');
}
