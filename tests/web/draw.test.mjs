// draw.test.mjs: the draw at opening on the waiting-room board (issue #13),
// in a real browser against a real server. A manager opens a draw; the
// board shows its commitment in the banner (in French, then English);
// kiosks enrol three people; the manager closes it; the board lists the
// winning entries by the start of their entry number, with their tickets,
// as GET /api/v1/draws/{id} publishes them. Never the secret on the board.
// The stats page links the day's draws.
// DRAW_SHOT=FILE.png saves the board with the results.

import {
	run, makeSite, startServer, launch, newPage, apiCall, issue, assert, noPageErrors,
} from './lib.mjs';

run('draw', async () => {
	const site = makeSite();
	const srv = await startServer(site);
	const mgr = site.tokens.sofia;
	const browser = await launch();
	const board = await newPage(browser, { width: 1920, height: 1080 });
	await board.goto(`${srv.base}/board`);
	await board.waitForFunction(() => document.body.dataset.link === 'open', null, { timeout: 10000 });
	assert(await board.isHidden('#notice'), 'no banner without a notice or a draw');

	const open = await apiCall(srv, 'POST', '/api/v1/draws', { token: mgr, body: { service: 'C', places: 2 } });
	assert(open.status === 201, `open: 201, got ${open.status} ${JSON.stringify(open.data)}`);
	const { id, commitment } = open.data;
	assert(/^[0-9a-f]{64}$/.test(commitment), `commitment: ${commitment}`);
	// An opening sends no event: a ticket issued elsewhere (a counts event)
	// makes the board read its draws again.
	await issue(srv, site, 'E');
	await board.waitForFunction((c) => document.getElementById('notice-text').textContent.includes(c),
		commitment, { timeout: 10000 });
	const shown = await board.evaluate(() => ({
		text: document.getElementById('notice-text').textContent,
		draws: window.__board.draws,
	}));
	assert(/Tirage au sort, service C|Draw, service C/.test(shown.text), `the banner names the draw: ${shown.text}`);
	assert(shown.draws.length === 1 && shown.draws[0].status === 'open', `one open draw: ${JSON.stringify(shown.draws)}`);
	assert(!JSON.stringify(shown.draws).includes('secret'), 'no secret on the board');

	for (let i = 0; i < 3; i++) {
		const e = await apiCall(srv, 'POST', `/api/v1/draws/${id}/entries`, { token: site.deviceKey, body: { lang: 'ar' } });
		assert(e.status === 201, `enrol ${i}: 201, got ${e.status} ${JSON.stringify(e.data)}`);
	}
	const close = await apiCall(srv, 'POST', `/api/v1/draws/${id}/close`, { token: mgr });
	assert(close.status === 200, `close: 200, got ${close.status} ${JSON.stringify(close.data)}`);
	const pub = await apiCall(srv, 'GET', `/api/v1/draws/${id}`);
	const winners = pub.data.results.filter((r) => r.outcome === 'ticket');
	assert(winners.length === 2, `2 winners: ${JSON.stringify(pub.data.results)}`);
	// After a reload (a resync reads the draws at once), the results.
	await board.reload();
	await board.waitForFunction(() => document.body.dataset.link === 'open', null, { timeout: 10000 });
	const want = winners.map((w) => `${w.ticket} ${w.entry.slice(0, 8)}`).join(' · ');
	await board.waitForFunction((w) => document.getElementById('notice-text').textContent.endsWith(w),
		want, { timeout: 10000 });
	const fits = await board.evaluate(() => {
		const el = document.getElementById('notice-text');
		return el.scrollHeight <= parseFloat(getComputedStyle(el).maxHeight);
	});
	assert(fits, 'the results fit in the banner');
	if (process.env.DRAW_SHOT) await board.screenshot({ path: process.env.DRAW_SHOT });

	// The stats page links the day's draws.
	const stats = await newPage(browser);
	await stats.goto(`${srv.base}/stats`);
	await stats.waitForSelector('#draws:visible', { timeout: 10000 });
	const href = await stats.getAttribute('#draws-list a', 'href');
	assert(href === `/api/v1/draws/${id}`, `the stats page links the draw: ${href}`);
	noPageErrors(board, stats);
});
