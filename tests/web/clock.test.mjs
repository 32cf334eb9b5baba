// clock.test.mjs: one clock (issue 15). A browser whose own time zone is
// UTC (timezoneId) shows the site's time (Europe/Paris, the demo site) on
// the board (clock and date) and on /stats ("mis à jour à HH:MM"), never
// its own. The server runs with TZ=UTC as well. Paris is UTC+1 or +2 all
// year, so the two hours always differ.

import {
	run, makeSite, startServer, launch, assert, noPageErrors,
} from './lib.mjs';

process.env.TZ = 'UTC';

const paris = (ms) => new Intl.DateTimeFormat('en-GB', {
	timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
}).format(new Date(ms));
const utc = (ms) => new Intl.DateTimeFormat('en-GB', {
	timeZone: 'UTC', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
}).format(new Date(ms));
const parisDate = (ms) => new Intl.DateTimeFormat('fr-FR', {
	timeZone: 'Europe/Paris', weekday: 'long', day: 'numeric', month: 'long',
}).format(new Date(ms));

// A page in a browser context whose time zone is UTC.
async function utcPage(browser, viewport) {
	const ctx = await browser.newContext({ viewport, timezoneId: 'UTC' });
	const page = await ctx.newPage();
	page.errors = [];
	page.on('pageerror', (e) => page.errors.push(e.message));
	return page;
}

run('clock', async () => {
	const site = makeSite();
	const srv = await startServer(site);
	const browser = await launch();

	// The browser really is in UTC.
	const board = await utcPage(browser, { width: 1920, height: 1080 });
	await board.goto(`${srv.base}/board`);
	const browserZone = await board.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
	assert(/^(UTC|Etc\/UTC)$/.test(browserZone), `browser zone UTC, got ${browserZone}`);
	await board.waitForFunction(() => document.body.dataset.link === 'open', null, { timeout: 10000 });

	// The board: HH:MM of Paris (either side of a minute change), not UTC's.
	const t0 = Date.now();
	const shown = (await board.textContent('#clock-time')).trim();
	const t1 = Date.now();
	const want = new Set([paris(t0), paris(t1)]);
	assert(want.has(shown), `board clock ${shown}, expected Paris ${[...want].join(' or ')} (UTC is ${utc(t0)})`);
	assert(shown !== utc(t0) && shown !== utc(t1), `board clock ${shown} is the browser's UTC time`);
	const date = (await board.textContent('#clock-date')).trim();
	const wantDate = new Set([parisDate(t0), parisDate(t1)]);
	assert(wantDate.has(date), `board date "${date}", expected "${[...wantDate].join('" or "')}"`);

	// /stats: "mis à jour à HH:MM" on the site's clock.
	const stats = await utcPage(browser, { width: 1366, height: 900 });
	const s0 = Date.now();
	await stats.goto(`${srv.base}/stats`);
	await stats.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 10000 });
	const s1 = Date.now();
	const updated = await stats.textContent('#updated');
	const m = /mis à jour à (\d\d:\d\d)/.exec(updated);
	assert(m, `"mis à jour à HH:MM" in "${updated}"`);
	const wantS = new Set([paris(s0), paris(s1)]);
	assert(wantS.has(m[1]), `stats updated at ${m[1]}, expected Paris ${[...wantS].join(' or ')} (UTC is ${utc(s0)})`);
	noPageErrors(board, stats);
});
