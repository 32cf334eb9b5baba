// console.test.mjs: the staff console in a real browser against a real
// server. Covers: a wrong password is refused with a message; a POST
// without the CSRF header is refused (403) while the same POST with it
// passes; an agent on a manager-only route gets 403; a keyboard-only agent
// does a whole cycle (login, counter, call, recall, done); a scanned valid,
// forged, already-served and unknown slip each get their own answer, in
// words and icon, even when the focus was elsewhere.

import {
	run, makeSite, startServer, launch, newPage, issue, counterOp, apiCall,
	consoleLogin, chooseCounter, assert, noPageErrors, USERS,
} from './lib.mjs';

run('console', async () => {
	const site = makeSite();
	const srv = await startServer(site);
	const browser = await launch();
	const page = await newPage(browser);

	// --- wrong password --------------------------------------------------
	await page.goto(`${srv.base}/console`);
	await page.waitForSelector('#login:visible', { timeout: 10000 });
	await page.fill('#login', 'marie');
	await page.fill('#password', 'not-her-password');
	await page.click('#login-submit');
	await page.waitForSelector('#login-error:visible', { timeout: 5000 });
	const refused = await page.textContent('#login-error');
	assert(/incorrect/i.test(refused), `refusal message, got "${refused}"`);
	assert(await page.isVisible('#screen-login'), 'still on the login screen');
	assert(!(await page.isVisible('#screen-choose')), 'not let in');

	// --- keyboard-only cycle ----------------------------------------------
	// One ticket waiting for counter 2's services (A, B).
	const t = await issue(srv, site, 'A', { lang: 'ar' });
	await page.goto(`${srv.base}/console`);
	await page.waitForSelector('#login:visible', { timeout: 10000 });
	await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'login', null, { timeout: 5000 });
	await page.keyboard.type('marie');
	await page.keyboard.press('Tab');
	await page.keyboard.type(USERS.marie.password);
	await page.keyboard.press('Enter');
	await page.waitForSelector('#screen-choose:visible', { timeout: 10000 });
	await page.waitForFunction(() => document.activeElement && document.activeElement.dataset.counter === '1', null, { timeout: 5000 });
	// The focus must be visible: a real outline on the focused button.
	const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
	assert(outline !== 'none', `focused counter button has an outline (got ${outline})`);
	await page.keyboard.press('ArrowDown');
	await page.waitForFunction(() => document.activeElement.dataset.counter === '2', null, { timeout: 2000 });
	await page.keyboard.press('Enter');
	await page.waitForSelector('#screen-counter:visible', { timeout: 10000 });
	await page.waitForFunction(() => document.body.dataset.link === 'open', null, { timeout: 10000 });
	await page.waitForFunction(() => document.activeElement.id === 'scan', null, { timeout: 5000 });
	// The shortcuts are listed on screen.
	const keys = await page.textContent('footer.keys');
	for (const k of ['F2', 'F3', 'F6']) assert(keys.includes(k), `shortcut ${k} listed`);

	await page.keyboard.press('F2');
	await page.waitForFunction((n) => document.getElementById('t-number').textContent === n, t.number, { timeout: 5000 });
	assert((await page.textContent('#t-lang')).includes('arabe'), 'language shown in words');
	await page.keyboard.press('F3');
	await page.waitForFunction(() => document.getElementById('t-recalls').textContent === '1', null, { timeout: 5000 });
	await page.keyboard.press('F6');
	await page.waitForSelector('#dlg-done[open]', { timeout: 2000 });
	await page.keyboard.press('1');
	await page.waitForSelector('#t-empty:visible', { timeout: 5000 });
	await page.waitForFunction(() => document.activeElement.id === 'scan', null, { timeout: 2000 });
	const after = await apiCall(srv, 'GET', `/api/v1/tickets/${t.id}`, { token: site.tokens.sofia });
	assert(after.status === 200 && after.data.state === 'served', `ticket served, got ${JSON.stringify(after.data)}`);
	assert(after.data.outcome === 'complete', `outcome complete, got ${after.data.outcome}`);
	assert(after.data.recalls === 1, `one recall recorded, got ${after.data.recalls}`);

	// --- CSRF and roles, as raw requests from the logged-in page ---------
	const noCsrf = await page.evaluate(async () => {
		const r = await fetch('/api/v1/counters/2/pause', { method: 'POST' });
		return { status: r.status, body: await r.json().catch(() => null) };
	});
	assert(noCsrf.status === 403, `POST without X-CSRF-Token refused with 403, got ${noCsrf.status}`);
	const wrongCsrf = await page.evaluate(async () => {
		const r = await fetch('/api/v1/counters/2/pause', { method: 'POST', headers: { 'X-CSRF-Token': 'forged' } });
		return r.status;
	});
	assert(wrongCsrf === 403, `POST with a wrong X-CSRF-Token refused with 403, got ${wrongCsrf}`);
	const state = await apiCall(srv, 'GET', '/api/v1/counters', { token: site.tokens.sofia });
	const c2 = state.data.counters.find((c) => c.counter === 2);
	assert(c2.state === 'open', `refused POSTs changed nothing (counter 2 is ${c2.state})`);
	// The same POST with the session's token goes through.
	const withCsrf = await page.evaluate(async () => {
		const s = await (await fetch('/api/v1/session')).json();
		const r = await fetch('/api/v1/counters/2/pause', { method: 'POST', headers: { 'X-CSRF-Token': s.csrf } });
		const r2 = await fetch('/api/v1/counters/2/resume', { method: 'POST', headers: { 'X-CSRF-Token': s.csrf } });
		return [r.status, r2.status];
	});
	assert(withCsrf[0] === 200 && withCsrf[1] === 200, `POST with the CSRF token accepted, got ${withCsrf}`);
	// Reprint is for managers (and kiosks): an agent's session gets 403.
	const waiting = await issue(srv, site, 'E', { lang: 'fr' });
	const role = await page.evaluate(async (id) => {
		const s = await (await fetch('/api/v1/session')).json();
		const r = await fetch(`/api/v1/tickets/${id}/reprint`, { method: 'POST', headers: { 'X-CSRF-Token': s.csrf } });
		return r.status;
	}, waiting.id);
	assert(role === 403, `agent on a manager-only route gets 403, got ${role}`);
	const mgr = await apiCall(srv, 'POST', `/api/v1/tickets/${waiting.id}/reprint`, { token: site.tokens.sofia });
	assert(mgr.status === 200, `the manager may reprint (sanity), got ${mgr.status} ${JSON.stringify(mgr.data)}`);

	// --- slip checks ------------------------------------------------------
	const valid = await issue(srv, site, 'B', { lang: 'fr', holder: 'ab 12345-c' });
	const served = await issue(srv, site, 'D', { lang: 'fr' });
	let r = await counterOp(srv, site.tokens.karim, 7, 'call-next');
	assert(r.status === 200 && r.data.ticket.number === served.number, `counter 7 called ${served.number}`);
	r = await counterOp(srv, site.tokens.karim, 7, 'done', { outcome: 'complete' });
	assert(r.status === 200, 'served ticket done');
	const parts = valid.token.split('*');
	parts[5] = String(Number(parts[5]) + 7);          // the classic forgery: another number
	const forged = parts.join('*');

	const cases = [
		{ payload: valid.token, result: 'valid', word: 'VALIDE', ok: 'yes' },
		{ payload: forged, result: 'forged', word: 'FALSIFIÉ', ok: 'no' },
		{ payload: served.token, result: 'already_served', word: 'DÉJÀ SERVI', ok: 'no' },
		{ payload: 'HELLO-WORLD', result: 'unknown_format', word: 'FORMAT INCONNU', ok: 'maybe' },
	];
	for (const [i, c] of cases.entries()) {
		// Put the focus somewhere else first: the scanner's keystrokes must
		// still land in the check field.
		if (i % 2 === 1) await page.focus('#btn-next');
		else await page.evaluate(() => document.activeElement.blur());
		await page.keyboard.type(c.payload);
		await page.keyboard.press('Enter');
		await page.waitForFunction((want) => {
			const b = document.getElementById('v-result');
			return !b.hidden && b.dataset.result === want;
		}, c.result, { timeout: 5000 });
		const v = await page.evaluate(() => {
			const b = document.getElementById('v-result');
			return { text: b.textContent, ok: b.dataset.ok, icon: !!b.querySelector('svg.v-icon') };
		});
		assert(v.text.includes(c.word), `${c.result}: says "${c.word}" in words, got "${v.text}"`);
		assert(v.ok === c.ok && v.icon, `${c.result}: styled ${c.ok} with an icon`);
		if (c.result === 'valid') {
			assert(v.text.includes('•••45C'), `valid slip shows the masked holder reference, got "${v.text}"`);
		}
		assert(await page.evaluate(() => document.getElementById('scan').value === ''), 'scan field cleared');
	}
	// The counter did not act on any of those keystrokes.
	assert(await page.isVisible('#t-empty'), 'no ticket called by scanning');

	// --- calling out of order needs a reason -----------------------------
	const spec = await issue(srv, site, 'B', { lang: 'fr' });
	await page.keyboard.press('F9');
	await page.keyboard.type(spec.number);
	await page.keyboard.press('Enter');
	await page.waitForSelector('#sp-error:visible', { timeout: 2000 });
	assert(/motif/i.test(await page.textContent('#sp-error')), 'reason required');
	assert(await page.isVisible('#t-empty'), 'nothing called without a reason');
	await page.focus('#sp-reason');
	await page.keyboard.type('rendez-vous médical urgent');
	await page.keyboard.press('Enter');
	await page.waitForFunction((n) => document.getElementById('t-number').textContent === n, spec.number, { timeout: 5000 });
	await page.waitForFunction(() => document.activeElement.id === 'scan', null, { timeout: 2000 });

	// --- transfer (F7 then the service's letter), no-show, pause ----------
	await page.keyboard.press('F7');
	await page.waitForSelector('#dlg-transfer[open]', { timeout: 2000 });
	assert(!(await page.isVisible('#dlg-transfer .btn-choice[data-service="B"]')), 'no transfer to its own service');
	await page.keyboard.press('c');
	await page.waitForSelector('#t-empty:visible', { timeout: 5000 });
	let tr = await apiCall(srv, 'GET', `/api/v1/tickets/${spec.id}`, { token: site.tokens.sofia });
	assert(tr.data.service === 'C' && tr.data.state === 'waiting', `transferred to C and waiting: ${JSON.stringify(tr.data)}`);
	const ns = await issue(srv, site, 'A');
	await page.keyboard.press('F2');
	await page.waitForFunction((n) => document.getElementById('t-number').textContent === n, ns.number, { timeout: 5000 });
	await page.keyboard.press('F4');
	await page.waitForSelector('#t-empty:visible', { timeout: 5000 });
	tr = await apiCall(srv, 'GET', `/api/v1/tickets/${ns.id}`, { token: site.tokens.sofia });
	assert(tr.data.state === 'no_show', `marked no-show: ${tr.data.state}`);
	await page.keyboard.press('F8');
	await page.waitForFunction(() => document.getElementById('c-state').dataset.state === 'paused', null, { timeout: 5000 });
	assert(/pause/.test(await page.textContent('#c-state')), 'paused said in words');
	assert(await page.isDisabled('#btn-next'), 'no call while paused');
	await page.keyboard.press('F8');
	await page.waitForFunction(() => document.getElementById('c-state').dataset.state === 'open', null, { timeout: 5000 });
	assert(await page.isEnabled('#btn-next'), 'calling again after resume');

	// --- alerts: a burst of slips from one kiosk reaches the console ------
	for (let i = 0; i < 9; i++) await issue(srv, site, 'E');
	await page.waitForSelector('#alerts li[data-kind="burst"]', { timeout: 3000 });
	const alertText = await page.textContent('#alerts li[data-kind="burst"]');
	assert(/Émission anormale/.test(alertText), `burst alert in words: "${alertText}"`);

	noPageErrors(page);
});
