// screens.mjs: take the README screenshots of the console (1366x768) and
// the board (1920x1080) against a real server with a realistic morning.
//   cd tests/web && node screens.mjs [OUTDIR]     (default: docs/screens)

import fs from 'node:fs';
import path from 'node:path';
import {
	ROOT, run, makeSite, startServer, launch, newPage, issue, counterOp,
	consoleLogin, chooseCounter, until, apiCall,
} from './lib.mjs';

const out = path.resolve(process.argv[2] || path.join(ROOT, 'docs', 'screens'));

run('screens', async () => {
	fs.mkdirSync(out, { recursive: true });
	const site = makeSite();
	const srv = await startServer(site);
	const tok = site.tokens.karim;

	const browser = await launch();

	// Board before the first call of the day: the calm empty state.
	const early = await newPage(browser, { width: 1920, height: 1080 });
	await early.goto(`${srv.base}/board`);
	await early.waitForFunction(() => document.body.dataset.calls === 'none', null, { timeout: 10000 });
	await early.screenshot({ path: path.join(out, 'board-empty.png') });
	await early.close();

	// Console: Marie at counter 3 calls the priority ticket, then checks its slip.
	const con = await newPage(browser, { width: 1366, height: 768 });
	await consoleLogin(con, srv, 'marie');
	await chooseCounter(con, 3);

	// A morning: tickets in every service, in several languages.
	const langs = ['fr', 'ar', 'en', 'fa', 'ru', 'es', 'tr', 'zh', 'bn', 'uk'];
	let i = 0;
	for (const svc of ['A', 'B', 'C', 'D', 'E']) {
		const n = { A: 9, B: 12, C: 7, D: 3, E: 4 }[svc];
		for (let k = 0; k < n; k++) await issue(srv, site, svc, { lang: langs[i++ % langs.length] });
	}
	// Calls at other counters, for the board's history.
	for (const c of [5, 1, 7, 4, 2]) await counterOp(srv, tok, c, 'call-next');
	const prio = await issue(srv, site, 'B', { lang: 'ar', priority: true });

	await con.keyboard.press('F2');
	await con.waitForFunction(() => document.getElementById('t-number').textContent.trim() !== '', null, { timeout: 5000 });
	await con.keyboard.type(prio.token);
	await con.keyboard.press('Enter');
	await con.waitForSelector('#v-result:visible', { timeout: 5000 });
	// The morning's rush tripped the kiosk burst alert.
	await con.waitForSelector('#alerts li', { timeout: 5000 });

	// Board: after the console's call, once the highlight has faded.
	const board = await newPage(browser, { width: 1920, height: 1080 });
	await board.goto(`${srv.base}/board`);
	await board.waitForFunction(() => document.body.dataset.link === 'open', null, { timeout: 10000 });
	await counterOp(srv, tok, 6, 'call-next');
	await board.waitForFunction(() => document.getElementById('now').classList.contains('flash'), null, { timeout: 5000 });
	await board.waitForFunction(() => !document.getElementById('now').classList.contains('flash'), null, { timeout: 15000 });
	await until(() => board.evaluate(() => window.__announcer.pending === 0), 30000, 'announcements done');

	await con.screenshot({ path: path.join(out, 'console.png') });
	await board.screenshot({ path: path.join(out, 'board.png') });

	// The same board with a manager's notice, in French (its first turn).
	const today = String((await apiCall(srv, 'GET', '/api/v1/board')).data.time).slice(0, 10);
	const r = await apiCall(srv, 'POST', '/api/v1/notices', {
		token: site.tokens.sofia,
		body: {
			from: today, to: today, screens: ['board'],
			text: { fr: "Naturalisation : pas d'accueil cet après-midi", en: 'Naturalisation: no reception this afternoon' },
		},
	});
	if (r.status !== 201) throw new Error(`POST /api/v1/notices: ${r.status} ${JSON.stringify(r.data)}`);
	await board.waitForSelector('#notice:visible', { timeout: 5000 });
	await board.waitForFunction(() => document.getElementById('notice-text').getAnimations().length === 0, null, { timeout: 5000 });
	await board.screenshot({ path: path.join(out, 'board-notice.png') });
	console.log(`wrote ${path.join(out, 'console.png')}, board.png, board-notice.png and board-empty.png`);
});
