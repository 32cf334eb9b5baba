// concurrency.test.mjs: two agents, in two browsers, press "Appeler le
// suivant" at the same instant (both clicks scheduled for the same
// millisecond of the shared clock). With two tickets waiting they get two
// different tickets; with one, exactly one gets it and the other is told
// nobody is waiting. Repeated over several rounds.

import {
	run, makeSite, startServer, launch, newPage, issue, apiCall,
	consoleLogin, chooseCounter, assert, noPageErrors,
} from './lib.mjs';

const ROUNDS = 6;

// Click "call next" on every page at wall-clock time `at`.
async function pressAllAt(pages, at) {
	await Promise.all(pages.map((p) => p.evaluate((when) => {
		window.__pressed = null;
		setTimeout(() => {
			window.__pressed = Date.now();
			document.getElementById('btn-next').click();
		}, Math.max(0, when - Date.now()));
	}, at)));
}

// The page's outcome once its request has been answered.
async function outcome(page) {
	await page.waitForFunction(() => window.__pressed && !document.body.dataset.busy
		&& document.getElementById('msg').textContent !== '', null, { timeout: 10000 });
	return page.evaluate(() => ({
		number: document.getElementById('t-body').hidden ? null : document.getElementById('t-number').textContent,
		msg: document.getElementById('msg').textContent,
		pressed: window.__pressed,
	}));
}

run('concurrency', async () => {
	const site = makeSite();
	const srv = await startServer(site);
	const browser = await launch();
	// Counters 1 and 2 both serve A then B.
	const a = await newPage(browser);
	const b = await newPage(browser);
	await consoleLogin(a, srv, 'marie');
	await chooseCounter(a, 1);
	await consoleLogin(b, srv, 'karim');
	await chooseCounter(b, 2);

	const seen = new Set();
	let together = 0;   // rounds whose two presses were within 20 ms
	for (let round = 0; round < ROUNDS; round++) {
		const two = round % 2 === 0;
		const issued = [await issue(srv, site, 'A')];
		if (two) issued.push(await issue(srv, site, 'A'));
		await Promise.all([a, b].map((p) => p.evaluate(() => {
			document.getElementById('msg').textContent = '';
		})));
		await pressAllAt([a, b], Date.now() + 300);
		const [ra, rb] = await Promise.all([outcome(a), outcome(b)]);
		// A loaded machine may fire one page's timer late: that round still
		// checks the outcome, but only rounds pressed together count as races.
		if (Math.abs(ra.pressed - rb.pressed) <= 20) together++;
		const got = [ra.number, rb.number].filter(Boolean);
		const want = issued.map((t) => t.number).sort();
		if (two) {
			assert(got.length === 2 && ra.number !== rb.number, `round ${round}: two different tickets, got ${ra.number} / ${rb.number}`);
			assert(JSON.stringify([...got].sort()) === JSON.stringify(want), `round ${round}: the two waiting tickets, got ${got}`);
		} else {
			assert(got.length === 1 && got[0] === want[0], `round ${round}: exactly one agent gets ${want[0]}, got ${ra.number} / ${rb.number}`);
			const empty = ra.number ? rb : ra;
			assert(/personne en attente/i.test(empty.msg), `round ${round}: the other is told nobody waits ("${empty.msg}")`);
		}
		for (const n of got) {
			assert(!seen.has(n), `${n} called twice across rounds`);
			seen.add(n);
		}
	}
	// The server agrees: every ticket was called once, by one counter.
	const c = await apiCall(srv, 'GET', '/api/v1/counters', { token: site.tokens.sofia });
	const held = c.data.counters.filter((x) => x.ticket).map((x) => x.ticket.number);
	assert(new Set(held).size === held.length, `no ticket held by two counters: ${held}`);
	assert(together >= ROUNDS / 2, `only ${together} of ${ROUNDS} rounds were pressed together`);
	console.log(`${ROUNDS} rounds (${together} pressed within 20 ms), ${seen.size} tickets, each called once`);
	noPageErrors(a, b);
});
