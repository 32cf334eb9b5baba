// idem.test.mjs: the console after a lost call-next answer (issue #14,
// item 3). The page's request reaches the real server, which finishes the
// current ticket and calls the next one; the answer is then thrown away
// (page.route: route.fetch, then route.abort), as a flaky network would.
// The console must send the same request again with the same
// Idempotency-Key and the ticket it saw as "current", get the first
// answer back, and show the ticket that was called; the ticket called by
// the lost answer must NOT be closed unseen. When every attempt's answer
// is lost, the console says the action may have been done and shows what
// the counter has now, and nothing more is closed. (A stale screen's 409
// not_current is checked without a browser, in test_idem and it_idem: here
// the page's own event stream would refresh the screen first.)

import {
	run, makeSite, startServer, launch, newPage, issue, apiCall,
	consoleLogin, chooseCounter, assert, noPageErrors,
} from './lib.mjs';

run('idem', async () => {
	const site = makeSite();
	const srv = await startServer(site);
	const browser = await launch();
	const page = await newPage(browser);
	const state = async (t) => (await apiCall(srv, 'GET', `/api/v1/tickets/${t.id}`,
		{ token: site.tokens.sofia })).data.state;

	// Counter 5 serves C only.
	const t1 = await issue(srv, site, 'C');
	const t2 = await issue(srv, site, 'C');
	const t3 = await issue(srv, site, 'C');
	await consoleLogin(page, srv, 'marie');
	await chooseCounter(page, 5);
	const shown = (n) => page.waitForFunction((want) => document.getElementById('t-number').textContent === want,
		n, { timeout: 15000 });

	// A first call, answered normally.
	await page.keyboard.press('F2');
	await shown(t1.number);

	// Intercept call-next: `lose` answers are lost after the server handled them.
	const seen = [];
	let lose = 0;
	await page.route('**/api/v1/counters/5/call-next', async (route) => {
		const rq = route.request();
		seen.push({ key: rq.headers()['idempotency-key'], body: rq.postData() });
		if (lose > 0) {
			lose--;
			const res = await route.fetch();      // the server did it...
			seen[seen.length - 1].status = res.status();
			await route.abort('connectionreset'); // ...and the answer is lost
			return;
		}
		await route.continue();
	});

	// --- one answer lost: the retry gets the first answer --------------------
	lose = 1;
	await page.keyboard.press('F2');
	await shown(t2.number);
	assert(seen.length === 2, `one request and one retry, got ${seen.length}`);
	assert(seen[0].status === 200, `the server answered the first one (${seen[0].status})`);
	assert(seen[0].key && /^[A-Za-z0-9_-]{22}$/.test(seen[0].key), `a key was sent: ${seen[0].key}`);
	assert(seen[1].key === seen[0].key, `the retry used the same key (${seen[0].key}, ${seen[1].key})`);
	assert(JSON.parse(seen[0].body).current === t1.number, `'current' was ${t1.number}: ${seen[0].body}`);
	assert(seen[1].body === seen[0].body, 'the retry sent the same body');
	assert(await state(t1) === 'served', `${t1.number} served (the agent saw it)`);
	assert(await state(t2) === 'called', `${t2.number} still called, not closed unseen (${await state(t2)})`);
	assert(await state(t3) === 'waiting', `${t3.number} still waiting`);

	// --- every answer lost: "may have been done", and the counter refreshed ---
	seen.length = 0;
	lose = 4;
	await page.keyboard.press('F2');
	await page.waitForFunction(() => /peut-être été faite/.test(document.getElementById('msg').textContent),
		null, { timeout: 20000 });
	assert(seen.length === 4, `four attempts, got ${seen.length}`);
	assert(seen.every((s) => s.key === seen[0].key), 'all four with the same key');
	await shown(t3.number);                        // what the counter has now
	assert(await state(t2) === 'served', `${t2.number} served (the agent saw it)`);
	assert(await state(t3) === 'called', `${t3.number} called, not closed (${await state(t3)})`);
	const msg = await page.textContent('#msg');
	assert(!/Personne en attente/.test(msg), `no "nobody waiting" claim: ${msg}`);

	noPageErrors(page);
	await browser.close();
});
