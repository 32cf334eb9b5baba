// alerts.test.mjs: the console shows the day's open alerts as soon as it
// opens (issue 15), not only those raised while it is open. An alert is
// raised before any console exists (five wrong passwords for karim, then a
// sixth: login_throttled); marie logs in afterwards and must see it, with
// its time as HH:MM; "Vu" hides it, a new page shows it once again. A new
// alert still arrives live on the event stream.

import {
	run, makeSite, startServer, launch, newPage, apiCall, consoleLogin, chooseCounter,
	until, assert, noPageErrors,
} from './lib.mjs';

async function wrongLogins(srv, login, n) {
	for (let i = 0; i < n; i++) {
		await fetch(`${srv.base}/api/v1/login`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ login, password: `wrong-${i}` }),
		});
	}
}

run('alerts', async () => {
	const site = makeSite();
	const srv = await startServer(site);

	// Raised before the console opens.
	await wrongLogins(srv, 'karim', 6);
	const listed = await until(async () => {
		const r = await apiCall(srv, 'GET', '/api/v1/alerts', { token: site.tokens.sofia });
		return r.status === 200 && r.data.alerts.length > 0 ? r.data.alerts : null;
	}, 5000, 'the login_throttled alert in GET /api/v1/alerts');
	assert(listed[0].kind === 'login_throttled', `alert kind, got ${listed[0].kind}`);

	const browser = await launch();
	const page = await newPage(browser);
	await consoleLogin(page, srv, 'marie');
	await chooseCounter(page, 1);
	await page.waitForSelector('#alerts li[data-kind="login_throttled"]', { timeout: 5000 });
	assert(await page.isHidden('#alerts-empty'), '"Aucune alerte" hidden while one is shown');
	const text = await page.textContent('#alerts li');
	assert(/Mots de passe faux/.test(text), `alert in words, got "${text}"`);
	const shown = await page.textContent('#alerts li time');
	assert(/^\d\d:\d\d$/.test(shown), `alert time HH:MM, got "${shown}"`);

	// "Vu" hides it on this page. A new page loads it again: it is still
	// one of the day's alerts on the server.
	await page.click('#alerts li button');
	await page.waitForSelector('#alerts-empty:visible', { timeout: 2000 });
	await page.reload();
	await page.waitForSelector('#screen-counter:visible, #screen-choose:visible', { timeout: 10000 });
	await page.waitForFunction(() => document.body.dataset.link === 'open', null, { timeout: 10000 });
	await page.waitForSelector('#alerts li[data-kind="login_throttled"]', { timeout: 5000 });
	assert((await page.$$('#alerts li')).length === 1, 'one alert, not a duplicate');

	// A new alert still arrives live.
	await wrongLogins(srv, 'sofia', 6);
	await page.waitForFunction(() => document.querySelectorAll('#alerts li').length === 2, null, { timeout: 5000 });
	noPageErrors(page);
});
