// notice.test.mjs: the manager's notices on the waiting-room board, in a
// real browser against a real server. A manager adds a notice through the
// API (POST /api/v1/notices); the open board shows it at once (the
// `notices` event, not a reload), in a banner readable from across the
// room, cycling from French to its other translations (Arabic right to
// left); a notice for the kiosk only never shows; an agent may not add
// one; deleting it (DELETE /api/v1/notices/{id}) takes it off at once.
// NOTICE_SHOT=FILE.png saves the board with the notice.

import {
	run, makeSite, startServer, launch, newPage, apiCall, issue, counterOp, assert, noPageErrors,
} from './lib.mjs';

const KEY = () => `notice-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;

run('notice', async () => {
	const site = makeSite();
	const srv = await startServer(site);
	const mgr = site.tokens.sofia;
	const browser = await launch();
	const board = await newPage(browser, { width: 1920, height: 1080 });
	await board.goto(`${srv.base}/board`);
	await board.waitForFunction(() => document.body.dataset.link === 'open', null, { timeout: 10000 });
	assert(await board.isHidden('#notice'), 'no banner without a notice');
	// A call on the board, so the banner must share the screen with it.
	await issue(srv, site, 'C');
	const call = await counterOp(srv, site.tokens.karim, 6, 'call-next');
	assert(call.status === 200, `call-next: ${call.status} ${JSON.stringify(call.data)}`);
	await board.waitForFunction(() => document.body.dataset.calls === 'some', null, { timeout: 5000 });

	// The site's day, from the server.
	const b0 = await apiCall(srv, 'GET', '/api/v1/board');
	const today = String(b0.data.time).slice(0, 10);
	assert(/^\d{4}-\d\d-\d\d$/.test(today), `site's day from the board's time, got ${b0.data.time}`);
	assert(Array.isArray(b0.data.notices) && b0.data.notices.length === 0, 'GET /api/v1/board: no notice yet');

	const fr = "Naturalisation : pas d'accueil cet après-midi";
	const body = {
		from: today, to: today, screens: ['board'],
		text: { fr, en: 'Naturalisation: no reception this afternoon', ar: 'التجنس: لا استقبال بعد الظهر' },
	};
	// An agent may not; bad input is a clear 400.
	const denied = await apiCall(srv, 'POST', '/api/v1/notices', { token: site.tokens.karim, body, headers: { 'Idempotency-Key': KEY() } });
	assert(denied.status === 403, `agent: 403, got ${denied.status}`);
	const noFr = await apiCall(srv, 'POST', '/api/v1/notices', { token: mgr, body: { ...body, text: { en: 'x' } }, headers: { 'Idempotency-Key': KEY() } });
	assert(noFr.status === 400 && /fr/.test(noFr.data.error), `no French: 400, got ${noFr.status} ${JSON.stringify(noFr.data)}`);

	// A kiosk-only notice: never on the board.
	const kiosk = await apiCall(srv, 'POST', '/api/v1/notices', {
		token: mgr, headers: { 'Idempotency-Key': KEY() },
		body: { from: today, to: today, screens: ['kiosk'], text: { fr: 'Seulement au kiosque' } },
	});
	assert(kiosk.status === 201, `kiosk notice: 201, got ${kiosk.status} ${JSON.stringify(kiosk.data)}`);

	// Added: on the board at once, in French first.
	const t0 = Date.now();
	const add = await apiCall(srv, 'POST', '/api/v1/notices', { token: mgr, body, headers: { 'Idempotency-Key': KEY() } });
	assert(add.status === 201, `add: 201, got ${add.status} ${JSON.stringify(add.data)}`);
	const id = add.data.id;
	await board.waitForSelector('#notice:visible', { timeout: 3000 });
	await board.waitForFunction((t) => document.getElementById('notice-text').textContent === t, fr, { timeout: 3000 });
	const ms = Date.now() - t0;
	assert(ms < 3000, `shown within 3 s, took ${ms} ms`);
	const shown = await board.evaluate(() => {
		const el = document.getElementById('notice-text');
		const r = el.getBoundingClientRect();
		const cs = getComputedStyle(el);
		return {
			lang: el.lang, px: parseFloat(cs.fontSize), weight: cs.fontWeight,
			fits: el.scrollHeight <= parseFloat(cs.maxHeight) && r.right <= window.innerWidth,
			notices: window.__board.notices, text: document.getElementById('notice').textContent,
		};
	});
	assert(shown.lang === 'fr', `French first, got ${shown.lang}`);
	// Readable from across the room: at least 40 px on a 1080p TV, bold.
	assert(shown.px >= 40 && Number(shown.weight) >= 700, `large bold type, got ${shown.px}px ${shown.weight}`);
	assert(shown.fits, 'the text fits in the banner');
	// Everything still fits: the call above the waiting counts, the history
	// inside its panel, nothing under the banner.
	const layout = await board.evaluate(() => {
		const r = (sel) => document.querySelector(sel).getBoundingClientRect();
		const last = [...document.querySelectorAll('#history li')].pop();
		return {
			banner: r('#notice').bottom, title: r('#now-title').top, counter: r('.now-counter').bottom,
			hist: last ? last.getBoundingClientRect().bottom : 0, waiting: r('.waiting').top,
		};
	});
	assert(layout.title >= layout.banner && layout.counter <= layout.waiting && layout.hist <= layout.waiting,
		`the calls fit between the banner and the waiting counts: ${JSON.stringify(layout)}`);
	assert(shown.notices.length === 1 && shown.notices[0].id === id, `the board has only the board's notice: ${JSON.stringify(shown.notices)}`);
	assert(!/sofia/.test(JSON.stringify(shown.notices)) && !/Seulement/.test(shown.text), 'never who wrote it, nor the kiosk notice');
	// The public answer has no author either.
	const b1 = await apiCall(srv, 'GET', '/api/v1/board');
	assert(b1.data.notices.length === 1 && !('by' in b1.data.notices[0]), `public form: ${JSON.stringify(b1.data.notices)}`);
	if (process.env.NOTICE_SHOT) await board.screenshot({ path: process.env.NOTICE_SHOT });

	// Its translations follow, Arabic right to left.
	await board.waitForFunction(() => document.getElementById('notice-text').lang === 'ar', null, { timeout: 20000 });
	assert(await board.getAttribute('#notice-text', 'dir') === 'rtl', 'Arabic is right to left');
	await board.waitForFunction(() => document.getElementById('notice-text').lang === 'en', null, { timeout: 20000 });

	// A second one of 200 characters: they take turns (7 s a text: the
	// long one comes fourth); it shrinks to fit on two lines rather than
	// being cut.
	const long = 'Travaux : '.padEnd(200, 'accès par la porte B. ');
	const add2 = await apiCall(srv, 'POST', '/api/v1/notices', {
		token: mgr, headers: { 'Idempotency-Key': KEY() },
		body: { from: today, to: today, screens: ['board'], text: { fr: long } },
	});
	assert(add2.status === 201, `long notice: 201, got ${add2.status} ${JSON.stringify(add2.data)}`);
	await board.waitForFunction((t) => document.getElementById('notice-text').textContent === t, long, { timeout: 35000 });
	const fit = await board.evaluate(() => {
		const el = document.getElementById('notice-text');
		const cs = getComputedStyle(el);
		return { px: parseFloat(cs.fontSize), fits: el.scrollHeight <= parseFloat(cs.maxHeight), count: document.getElementById('notice-count').textContent };
	});
	assert(fit.fits && fit.px >= 27, `the long notice fits, still large: ${JSON.stringify(fit)}`);
	assert(fit.count === '2/2', `the banner says which of two: ${fit.count}`);
	await board.waitForFunction((t) => document.getElementById('notice-text').textContent === t, fr, { timeout: 35000 });
	const del2 = await apiCall(srv, 'DELETE', `/api/v1/notices/${add2.data.id}`, { token: mgr, headers: { 'Idempotency-Key': KEY() } });
	assert(del2.status === 200, `delete the long one: ${del2.status}`);

	// The manager's list has both, with who added them.
	const list = await apiCall(srv, 'GET', '/api/v1/notices', { token: mgr });
	assert(list.status === 200 && list.data.notices.length === 2 && list.data.notices[0].by === 'sofia',
		`manager's list: ${JSON.stringify(list.data)}`);

	// Deleted: off the board at once.
	const t1 = Date.now();
	const del = await apiCall(srv, 'DELETE', `/api/v1/notices/${id}`, { token: mgr, headers: { 'Idempotency-Key': KEY() } });
	assert(del.status === 200, `delete: 200, got ${del.status}`);
	await board.waitForSelector('#notice', { state: 'hidden', timeout: 3000 });
	assert(Date.now() - t1 < 3000, 'gone within 3 s');
	assert(await board.evaluate(() => document.body.dataset.notices) === 'none', 'the banner row is gone');
	const again = await apiCall(srv, 'DELETE', `/api/v1/notices/${id}`, { token: mgr, headers: { 'Idempotency-Key': KEY() } });
	assert(again.status === 404, `deleted twice: 404, got ${again.status}`);
	noPageErrors(board);
});
