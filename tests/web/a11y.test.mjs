// a11y.test.mjs: axe-core (from node_modules, injected into the page) on
// every screen of the console (login, counter choice, the counter with a
// priority ticket, a slip verdict and the done dialog) and on the board
// (with calls, with a manager's notice in French and Arabic, and with the
// sound overlay shown). Fails on any "serious" or "critical" violation.

import {
	run, makeSite, startServer, launch, newPage, issue, counterOp, apiCall,
	consoleLogin, assert, axe, noPageErrors, chooseCounter,
} from './lib.mjs';


run('a11y', async () => {
	const site = makeSite();
	const srv = await startServer(site);
	const browser = await launch();

	// --- console -------------------------------------------------------------
	const con = await newPage(browser, undefined, { bypassCSP: true });
	await con.goto(`${srv.base}/console`);
	await con.waitForSelector('#login:visible', { timeout: 10000 });
	// The refused state too: the error message must be readable.
	await con.fill('#login', 'marie');
	await con.fill('#password', 'wrong');
	await con.click('#login-submit');
	await con.waitForSelector('#login-error:visible', { timeout: 5000 });
	let minor = await axe(con, 'console login');

	await consoleLogin(con, srv, 'marie');
	minor += await axe(con, 'console counter choice');

	const t = await issue(srv, site, 'A', { lang: 'ta', priority: true, holder: 'ZX9876543' });
	await chooseCounter(con, 1);
	await con.keyboard.press('F2');
	await con.waitForSelector('#t-priority:visible', { timeout: 5000 });
	await con.keyboard.type(t.token);
	await con.keyboard.press('Enter');
	await con.waitForSelector('#v-result:visible', { timeout: 5000 });
	for (let i = 0; i < 9; i++) await issue(srv, site, 'E');     // a burst: an alert shows
	await con.waitForSelector('#alerts li', { timeout: 3000 });
	minor += await axe(con, 'console counter');
	await con.keyboard.press('F6');
	await con.waitForSelector('#dlg-done[open]', { timeout: 2000 });
	minor += await axe(con, 'console done dialog');
	await con.keyboard.press('Escape');

	// --- board ---------------------------------------------------------------
	const board = await newPage(browser, { width: 1920, height: 1080 }, { bypassCSP: true });
	await board.goto(`${srv.base}/board`);
	await board.waitForFunction(() => document.body.dataset.link === 'open', null, { timeout: 10000 });
	await issue(srv, site, 'C', { lang: 'bn' });
	await counterOp(srv, site.tokens.karim, 5, 'call-next');
	await board.waitForFunction(() => document.querySelectorAll('#history li').length >= 2, null, { timeout: 2000 });
	minor += await axe(board, 'board (flashing a call)');
	await board.waitForFunction(() => !document.getElementById('now').classList.contains('flash'), null, { timeout: 15000 });
	minor += await axe(board, 'board');
	// A manager's notice in the banner, in French and in Arabic (right to left).
	const today = String((await apiCall(srv, 'GET', '/api/v1/board')).data.time).slice(0, 10);
	const n = await apiCall(srv, 'POST', '/api/v1/notices', {
		token: site.tokens.sofia,
		body: { from: today, to: today, screens: ['board'], text: { fr: "Pas d'accueil cet après-midi", ar: 'لا استقبال بعد الظهر' } },
	});
	assert(n.status === 201, `POST /api/v1/notices: ${n.status} ${JSON.stringify(n.data)}`);
	await board.waitForSelector('#notice:visible', { timeout: 5000 });
	minor += await axe(board, 'board with a notice');
	await board.waitForFunction(() => document.getElementById('notice-text').lang === 'ar', null, { timeout: 15000 });
	minor += await axe(board, 'board with a notice in Arabic');

	// The sound overlay, in a browser that blocks autoplay.
	const { chromium } = await import('playwright-core');
	const strict = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--autoplay-policy=document-user-activation-required'],
	});
	try {
		const p = await (await strict.newContext({ viewport: { width: 1920, height: 1080 }, bypassCSP: true })).newPage();
		await p.goto(`${srv.base}/board`);
		await p.waitForSelector('#sound-overlay:visible', { timeout: 10000 });
		assert(await p.evaluate(() => document.activeElement.id === 'sound-enable'), 'the enable-sound button has the focus');
		minor += await axe(p, 'board sound overlay');
		await p.click('#sound-enable');
		await p.waitForSelector('#sound-overlay', { state: 'hidden', timeout: 5000 });
		assert(await p.evaluate(() => !window.__announcer.blocked), 'sound enabled by the touch');
	} finally {
		await strict.close();
	}
	console.log(`a11y: no serious or critical violation (${minor} minor/moderate listed above)`);
	noPageErrors(con, board);
});
