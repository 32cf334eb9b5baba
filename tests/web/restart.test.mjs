// restart.test.mjs: the board and the console recover by themselves after
// the server dies (kill -9) and comes back on the same port and database.
// While it is down both show their "reconnexion" notice; calls made right
// after the restart (possibly before the pages' streams are back) must show
// on both, which only a resync after reconnection guarantees; and live
// events flow again afterwards.

import {
	run, makeSite, startServer, stopServer, launch, newPage, issue, counterOp,
	consoleLogin, chooseCounter, assert, noPageErrors,
} from './lib.mjs';

run('restart', async () => {
	const site = makeSite();
	let srv = await startServer(site);
	const port = srv.port;
	const browser = await launch();

	const board = await newPage(browser, { width: 1920, height: 1080 });
	await board.goto(`${srv.base}/board`);
	await board.waitForFunction(() => document.body.dataset.link === 'open', null, { timeout: 10000 });
	const con = await newPage(browser);
	await consoleLogin(con, srv, 'marie');
	await chooseCounter(con, 1);

	const first = await issue(srv, site, 'C');
	let r = await counterOp(srv, site.tokens.karim, 5, 'call-next');
	assert(r.status === 200, 'first call');
	await board.waitForFunction((n) => document.getElementById('now-number').textContent === n, first.number, { timeout: 1000 });

	// --- the server dies ---------------------------------------------------
	await stopServer(srv, true);
	await board.waitForSelector('#conn:visible', { timeout: 10000 });
	await con.waitForSelector('#conn-banner:visible', { timeout: 10000 });
	const banner = await con.textContent('#conn-banner');
	assert(/connexion perdue/i.test(banner), `console says the link is lost: "${banner}"`);

	// Work goes on elsewhere in the building while the pages are cut off:
	// a ticket for Marie's counter, and one for counter 4.
	srv = await startServer(site, port);
	const forMarie = await issue(srv, site, 'A', { lang: 'uk' });
	const forFour = await issue(srv, site, 'C', { lang: 'fr' });
	r = await counterOp(srv, site.tokens.marie, 1, 'call-next');
	assert(r.status === 200 && r.data.ticket.number === forMarie.number, `counter 1 called ${forMarie.number}`);
	r = await counterOp(srv, site.tokens.karim, 4, 'call-next');
	assert(r.status === 200 && r.data.ticket.number === forFour.number, `counter 4 called ${forFour.number}`);

	// Both pages come back by themselves and show the true state.
	await board.waitForSelector('#conn', { state: 'hidden', timeout: 15000 });
	await board.waitForFunction((n) => document.getElementById('now-number').textContent === n, forFour.number, { timeout: 5000 });
	const hist = await board.evaluate(() => [...document.querySelectorAll('#history .num')].map((e) => e.firstChild.textContent));
	assert(hist.includes(forMarie.number) && hist.includes(first.number), `history after restart: ${hist}`);
	await con.waitForSelector('#conn-banner', { state: 'hidden', timeout: 15000 });
	await con.waitForFunction((n) => document.getElementById('t-number').textContent === n
		&& !document.getElementById('t-body').hidden, forMarie.number, { timeout: 5000 });
	assert((await con.textContent('#t-lang')).includes('ukrainien'), 'ticket language after resync');

	// Live again: a call reaches the board within 1 s, and the console's
	// session (in the database) survived, so its actions work.
	const live = await issue(srv, site, 'E');
	const s = Date.now();
	r = await counterOp(srv, site.tokens.karim, 8, 'call-next');
	assert(r.status === 200, 'live call');
	await board.waitForFunction((n) => document.getElementById('now-number').textContent === n, live.number, { timeout: 1000 });
	console.log(`after restart: call on the board in ${Date.now() - s} ms`);
	await con.keyboard.press('F3');
	await con.waitForFunction(() => document.getElementById('t-recalls').textContent === '1', null, { timeout: 5000 });

	noPageErrors(board, con);
});
