// board.test.mjs: the waiting-room board in a real browser against a real
// server. Covers: before the first call, a calm "no call yet" state in
// French and English (BOARD_SHOT=FILE.png saves it); each call shows on the board within 1 s (pushed, not
// polled) and is highlighted; a recall is shown and announced again; the
// announcement queue plays chime + speech for every call strictly one
// after the other, never cut off (window.__announcer.log).

import {
	run, makeSite, startServer, launch, newPage, issue, counterOp,
	assert, noPageErrors, until,
} from './lib.mjs';

run('board', async () => {
	const site = makeSite();
	const srv = await startServer(site);
	const tok = site.tokens.karim;
	const browser = await launch();
	const board = await newPage(browser, { width: 1920, height: 1080 });
	await board.goto(`${srv.base}/board`);
	await board.waitForFunction(() => document.body.dataset.link === 'open', null, { timeout: 10000 });
	assert(await board.isHidden('#conn'), 'no reconnecting indicator while connected');
	assert(await board.isHidden('#sound-overlay'), 'autoplay allowed: no sound overlay');
	const site0 = await board.textContent('#site-name');
	assert(/Seine-Saint-Denis/.test(site0), `site name shown, got ${site0}`);
	assert(/^\d\d:\d\d$/.test(await board.textContent('#clock-time')), 'clock shows HH:MM');

	// --- before the first call of the day: words, not a dash and an arrow ---
	assert(await board.evaluate(() => document.body.dataset.calls) === 'none', 'board knows no call yet');
	assert(await board.isVisible('#now-empty'), 'empty state shown before the first call');
	assert(await board.isHidden('#now-body'), 'no number, no lone arrow before the first call');
	assert(await board.isHidden('.now-counter .arrow'), 'the arrow is not on screen');
	const emptyFr = await board.textContent('#now-empty .empty-main');
	const emptyEn = await board.textContent('#now-empty .empty-en');
	assert(/Pas encore d.appel/.test(emptyFr), `French empty state, got "${emptyFr}"`);
	assert(/No call yet/.test(emptyEn), `English empty state, got "${emptyEn}"`);
	assert(await board.isVisible('#history-empty'), 'the history says none yet');
	assert(await board.isHidden('#now-badge'), 'no highlight before the first call');
	// Calm: no yellow panel, and the empty sentence fits in its panel.
	const calm = await board.evaluate(() => {
		const now = document.getElementById('now');
		const e = document.getElementById('now-empty').getBoundingClientRect();
		const r = now.getBoundingClientRect();
		return { flash: now.classList.contains('flash'), fits: e.left >= r.left && e.right <= r.right && e.bottom <= r.bottom };
	});
	assert(!calm.flash && calm.fits, `empty state calm and inside its panel: ${JSON.stringify(calm)}`);
	if (process.env.BOARD_SHOT) await board.screenshot({ path: process.env.BOARD_SHOT });

	for (const [svc, lang] of [['A', 'ar'], ['C', 'fr'], ['D', 'zh'], ['E', 'fr'], ['B', 'ru']]) {
		await issue(srv, site, svc, { lang });
	}
	await board.waitForFunction(() => {
		const li = document.querySelector('#services li[data-code="A"] .svc-count');
		return li && li.textContent.startsWith('1');
	}, null, { timeout: 2000 });

	// --- three calls fired at once, then a recall: each on screen < 1 s ---
	const calls = [];
	const t0 = Date.now();
	const rs = await Promise.all([1, 5, 7].map((c) => counterOp(srv, tok, c, 'call-next')));
	for (const r of rs) {
		assert(r.status === 200, `call-next: ${r.status} ${JSON.stringify(r.data)}`);
		calls.push(r.data.ticket.number);
	}
	await board.waitForFunction(() => document.body.dataset.calls === 'some', null, { timeout: 1000 });
	assert(await board.isHidden('#now-empty'), 'empty state gone after the first call');
	assert(await board.isHidden('#history-empty'), 'history placeholder gone after the first call');
	await board.waitForFunction((nums) => {
		const shown = [...document.querySelectorAll('#history .num')].map((e) => e.firstChild.textContent);
		return nums.every((n) => shown.includes(n));
	}, calls, { timeout: 1000 });
	console.log(`3 simultaneous calls on the board after ${Date.now() - t0} ms`);
	// The server decided their order: the board lists them newest first.
	calls.splice(0, 3, ...(await board.evaluate(() => [...document.querySelectorAll('#history .num')]
		.map((e) => e.firstChild.textContent).slice(0, 3).reverse())));
	assert(await board.evaluate(() => document.getElementById('now').classList.contains('flash')), 'call highlighted');
	assert((await board.textContent('#now-badge')).includes('APPEL'), 'highlight says so in words');

	const recall = await counterOp(srv, tok, 1, 'recall');
	assert(recall.status === 200, `recall: ${recall.status}`);
	await board.waitForFunction((n) => document.getElementById('now-number').textContent === n
		&& document.getElementById('now-badge').textContent === 'RAPPEL', recall.data.ticket.number, { timeout: 1000 });

	// Two more single calls, timed one by one.
	const lat = [];
	for (const c of [8, 3]) {
		const s = Date.now();
		const r = await counterOp(srv, tok, c, 'call-next');
		assert(r.status === 200, `call-next ${c}: ${r.status}`);
		const n = r.data.ticket.number;
		await board.waitForFunction((want) => document.getElementById('now-number').textContent === want, n, { timeout: 1000 });
		lat.push(Date.now() - s);
		const ctr = await board.textContent('#now-counter');
		assert(ctr === r.data.name, `counter shown as "${r.data.name}", got "${ctr}"`);
		calls.push(n);
	}
	console.log(`call -> board latencies: ${lat.join(', ')} ms`);

	// Services' waiting counts follow.
	await board.waitForFunction(() => [...document.querySelectorAll('#services .svc-count')]
		.every((e) => /^0\b/.test(e.textContent)), null, { timeout: 2000 });

	// --- the announcements: 3 calls + 1 recall + 2 calls = 6, in order ----
	const expected = [calls[0], calls[1], calls[2], recall.data.ticket.number, calls[3], calls[4]];
	await until(() => board.evaluate((n) => {
		const log = window.__announcer.log;
		return window.__announcer.pending === 0 && log.filter((e) => e.end !== null).length >= n;
	}, expected.length * 2), 90000, 'all announcements played');
	const log = await board.evaluate(() => window.__announcer.log);
	assert(log.length === expected.length * 2, `one chime and one speech per call: ${log.length} clips`);
	for (let i = 0; i < log.length; i++) {
		const e = log[i];
		assert(e.result === 'ended', `clip ${i} (${e.kind} ${e.src}) played to its end, got ${e.result}`);
		assert(e.kind === (i % 2 ? 'speech' : 'chime'), `clip ${i} is a ${i % 2 ? 'speech' : 'chime'}`);
		assert(e.number === expected[i >> 1], `clip ${i} is for ${expected[i >> 1]}, got ${e.number}`);
		if (e.kind === 'speech') assert(e.src.startsWith(`/audio/${e.number}-`), `speech file ${e.src}`);
		assert(e.end - e.start > 500, `clip ${i} lasted ${e.end - e.start} ms`);
		if (i > 0) {
			assert(e.start >= log[i - 1].end, `clip ${i} starts (${e.start}) after clip ${i - 1} ends (${log[i - 1].end})`);
		}
	}
	const total = (log[log.length - 1].end - log[0].start) / 1000;
	console.log(`${log.length} clips in ${total.toFixed(1)} s, none overlapping`);

	// The announcer hook is read-only.
	const ro = await board.evaluate(() => {
		try {
			window.__announcer.log.push({});
			window.__announcer = null;
		} catch {
			// strict-mode modules would throw; either way nothing changes
		}
		return window.__announcer && window.__announcer.log.length;
	});
	assert(ro === log.length, 'window.__announcer cannot be altered from outside');

	noPageErrors(board);
});
