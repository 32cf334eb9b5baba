// manage.test.mjs: the manager's page (/manage) in a real browser against a
// real server. Each section is driven from the page as a manager would, and
// its effect is checked where it matters: the kiosk's view (GET
// /api/v1/services with the kiosk's device key, and its tickets), the board
// (/board page), and the API.
//   - an agent who logs in is told the page is not for them; the routes
//     answer 403 to an agent anyway;
//   - close a service for today: the kiosk's list and the board show it
//     closed, a ticket for it is refused;
//   - add a kiosk (its key shown once), issue with that key, revoke it
//     from the page (after a confirmation): its next ticket gets 401;
//   - add a closure for today: the kiosk's view says closed and
//     site.next_opening moves on; delete it: open again;
//   - changed hours on a day ahead; bad input gets the server's reason;
//   - notices: on the board at once and in the kiosk's view; delete;
//   - accounts: add (temporary password once), reset, disable; an admin
//     adds a manager, whose first login asks for a new password; a manager
//     cannot create an admin;
//   - counters: services in order and name;
//   - every write the page sent carried JSON, X-CSRF-Token and an
//     Idempotency-Key;
//   - axe-core: no serious or critical violation (login, page, dialog,
//     refusal);
//   - one keyboard-only pass (Tab, arrows and Enter) that closes a service.

import { spawnSync } from 'node:child_process';
import {
	run, makeSite, startServer, launch, newPage, apiCall, USERS, KIOSK,
	assert, axe, noPageErrors,
} from './lib.mjs';

// An admin of this test's site, made before the server starts (it holds
// the database's lock).
const ADMIN = { login: 'ines', password: 'ines-test-pw-2026' };
function addAdmin(site) {
	const r = spawnSync(KIOSK, ['admin', '--db', site.db, 'user', 'add', ADMIN.login, '--role', 'admin'],
		{ input: `${ADMIN.password}\n`, encoding: 'utf8', timeout: 30000 });
	if (r.status !== 0) throw new Error(`admin user add: ${r.stderr}`);
}


async function manageLogin(page, srv, login, password) {
	await page.goto(`${srv.base}/manage`);
	await page.waitForSelector('#login:visible', { timeout: 10000 });
	await page.fill('#login', login);
	await page.fill('#password', password || USERS[login].password);
	await page.click('#login-submit');
}

// Wait for the page to have read every section again after a change.
async function loaded(page, after) {
	await page.waitForFunction((n) => Number(document.body.dataset.loaded || 0) > n, after, { timeout: 10000 });
}
const loads = (page) => page.evaluate(() => Number(document.body.dataset.loaded || 0));

async function msg(page, section, kind) {
	await page.waitForFunction(([s, k]) => {
		const m = document.getElementById(`msg-${s}`);
		return m && m.dataset.kind === k && m.textContent.trim() !== '';
	}, [section, kind], { timeout: 10000 });
	return page.textContent(`#msg-${section}`);
}

async function kioskView(srv, site) {
	const r = await apiCall(srv, 'GET', '/api/v1/services', { token: site.deviceKey });
	assert(r.status === 200, `kiosk's services: ${r.status}`);
	return r.data;
}

const svc = (view, code) => view.services.find((s) => s.code === code);

run('manage', async () => {
	const site = makeSite();
	addAdmin(site);
	const srv = await startServer(site);
	const browser = await launch();
	const health = await apiCall(srv, 'GET', '/api/v1/health');
	const today = health.data.time.slice(0, 10);      // the site's local day

	// --- an agent: refused by the page and by the server ----------------------
	const ag = await newPage(browser, undefined, { bypassCSP: true });
	await manageLogin(ag, srv, 'marie');
	await ag.waitForSelector('#screen-refused:visible', { timeout: 10000 });
	const refusal = await ag.textContent('#refused-text');
	assert(/réservée aux responsables/.test(refusal) && /marie/.test(refusal) && /agent/.test(refusal),
		`the agent is told why: ${refusal}`);
	assert(await ag.isHidden('#screen-manage'), 'no section shown to an agent');
	await axe(ag, 'manage refusal');
	const agentTok = site.tokens.marie;
	for (const [m, p, b] of [['GET', '/api/v1/devices'], ['GET', '/api/v1/closures'],
		['PATCH', '/api/v1/services/A/today', { open: false, reason: 'x' }],
		['POST', '/api/v1/closures', { from: today, to: today, reason: 'x' }],
		['POST', '/api/v1/devices', { name: 'rogue' }], ['POST', '/api/v1/devices/kiosk-test/revoke']]) {
		const r = await apiCall(srv, m, p, { token: agentTok, body: b });
		assert(r.status === 403, `agent ${m} ${p}: 403, got ${r.status}`);
	}

	// --- a manager ----------------------------------------------------------------
	const page = await newPage(browser, { width: 1366, height: 900 });
	// Every write the page sends: JSON, its CSRF token and an Idempotency-Key.
	const writes = [];
	page.on('request', (q) => {
		if (q.method() !== 'GET' && q.url().includes('/api/v1/')) writes.push({ m: q.method(), u: q.url(), h: q.headers(), body: q.postData() });
	});
	await page.goto(`${srv.base}/manage`);
	await page.waitForSelector('#login:visible', { timeout: 10000 });
	await page.fill('#login', 'sofia');
	await page.fill('#password', 'wrong-password');
	await page.click('#login-submit');
	await page.waitForSelector('#login-error:visible', { timeout: 5000 });
	await manageLogin(page, srv, 'sofia');
	await page.waitForSelector('#screen-manage:visible', { timeout: 10000 });
	await loaded(page, 0);
	assert(await page.locator('#today-body tr').count() === 5, 'five services listed for today');
	assert(await page.locator('#devices-body tr[data-name="kiosk-test"]').count() === 1, 'the kiosk is listed');
	assert(await page.locator('#counters-body tr').count() === 8, 'eight counters listed');

	const board = await newPage(browser, { width: 1920, height: 1080 });
	await board.goto(`${srv.base}/board`);
	await board.waitForFunction(() => document.body.dataset.link === 'open', null, { timeout: 10000 });
	assert(await board.locator('#services li[data-code="A"].closed').count() === 0, 'A open on the board');

	// --- Aujourd'hui: close A for today ----------------------------------------------
	assert(svc(await kioskView(srv, site), 'A').open === true, 'A open for the kiosk before');
	let n = await loads(page);
	await page.click('#today-body tr[data-code="A"] button');
	await page.selectOption('#td-open', 'false');
	// No reason: refused by the page, nothing sent.
	await page.click('#td-submit');
	assert(/motif est obligatoire/i.test(await msg(page, 'today', 'error')), 'a reason is required');
	await page.fill('#td-reason', 'trois agents absents');
	await page.click('#td-submit');
	assert(/Service A/.test(await msg(page, 'today', 'ok')), 'closing A confirmed');
	await loaded(page, n);
	assert(/Fermé/.test(await page.textContent('#today-body tr[data-code="A"]')), 'the page shows A closed');
	let v = await kioskView(srv, site);
	assert(svc(v, 'A').open === false && svc(v, 'A').open_today === false, `the kiosk sees A closed: ${JSON.stringify(svc(v, 'A'))}`);
	assert(svc(v, 'B').open === true, 'B still open');
	await board.waitForSelector('#services li[data-code="A"].closed', { timeout: 3000 });
	assert(/fermé/.test(await board.textContent('#services li[data-code="A"]')), 'the board says A is closed');
	let r = await apiCall(srv, 'POST', '/api/v1/tickets', { token: site.deviceKey, body: { service: 'A', lang: 'fr', holder: 'ZZ1234567' } });
	assert(r.status === 409, `a ticket for A is refused: ${r.status}`);

	// A capacity change, and the server's own error shown for a bad one.
	n = await loads(page);
	await page.click('#today-body tr[data-code="C"] button');
	await page.fill('#td-capacity', '40');
	await page.fill('#td-reason', 'deux agents en formation');
	await page.click('#td-submit');
	await msg(page, 'today', 'ok');
	await loaded(page, n);
	assert(svc(await kioskView(srv, site), 'C').capacity === 40, 'C capacity 40 for the kiosk');
	// The priority reserve, sent only when changed.
	{
		n = await loads(page);
		await page.click('#today-body tr[data-code="B"] button');
		await page.fill('#td-reserve', '3');
		await page.fill('#td-reason', 'moins de rendez-vous prioritaires');
		await page.click('#td-submit');
		assert(/réserve prioritaire 3/.test(await msg(page, 'today', 'ok')), 'reserve changed');
		await loaded(page, n);
		v = await kioskView(srv, site);
		assert(svc(v, 'B').priority_reserve === 3 && svc(v, 'B').capacity === 90, `B reserve 3, capacity kept: ${JSON.stringify(svc(v, 'B'))}`);
		assert(/\b3\b/.test(await page.textContent('#today-body tr[data-code="B"] td:nth-child(6)')), 'the page shows the reserve');
	}
	await page.click('#today-body tr[data-code="C"] button');
	await page.fill('#td-capacity', '100001');
	await page.fill('#td-reason', 'trop');
	await page.click('#td-submit');
	const capErr = await msg(page, 'today', 'error');
	assert(/capacity/.test(capErr) && /400/.test(capErr), `the server's reason shown: ${capErr}`);

	// --- Bornes: add one, its key once, revoke it -------------------------------------
	n = await loads(page);
	await page.fill('#dv-name', 'kiosk-hall-2');
	await page.click('#device-form button[type="submit"]');
	await msg(page, 'devices', 'ok');
	await page.waitForSelector('#secret-device:visible', { timeout: 5000 });
	const key = (await page.textContent('#secret-device .secret-value')).trim();
	assert(key.length >= 20, `the new key is shown: ${key}`);
	await loaded(page, n);
	r = await apiCall(srv, 'POST', '/api/v1/tickets', { token: key, body: { service: 'C', lang: 'fr' } });
	assert(r.status === 201, `the new kiosk issues: ${r.status}`);
	await page.click('#secret-device .js-hide');
	assert(await page.isHidden('#secret-device') && (await page.textContent('#secret-device .secret-value')) === '', 'the key is gone from the page once hidden');

	await page.click('#devices-body tr[data-name="kiosk-hall-2"] button.js-revoke');
	await page.waitForSelector('#dlg-confirm[open]', { timeout: 3000 });
	assert(await page.evaluate(() => document.activeElement.id) === 'dlg-cancel', 'the dialog starts on Annuler');
	await page.keyboard.press('Escape');         // first: changed our mind
	await page.waitForSelector('#dlg-confirm', { state: 'hidden', timeout: 3000 });
	r = await apiCall(srv, 'POST', '/api/v1/tickets', { token: key, body: { service: 'C', lang: 'fr' } });
	assert(r.status === 201, `cancelled: the kiosk still issues (${r.status})`);
	n = await loads(page);
	await page.click('#devices-body tr[data-name="kiosk-hall-2"] button.js-revoke');
	await page.click('#dlg-ok');
	assert(/révoquée/.test(await msg(page, 'devices', 'ok')), 'revoked');
	await loaded(page, n);
	assert(/Révoquée/.test(await page.textContent('#devices-body tr[data-name="kiosk-hall-2"]')), 'listed as revoked');
	r = await apiCall(srv, 'POST', '/api/v1/tickets', { token: key, body: { service: 'C', lang: 'fr' } });
	assert(r.status === 401, `the revoked kiosk's next ticket is refused: ${r.status}`);
	// The paper counter: each slip printed by kiosk-test, then a new roll.
	r = await apiCall(srv, 'POST', '/api/v1/tickets', { token: site.deviceKey, body: { service: 'C', lang: 'fr' } });
	assert(r.status === 201, `kiosk-test issues: ${r.status}`);
	r = await apiCall(srv, 'POST', `/api/v1/tickets/${r.data.id}/printed`, { token: site.deviceKey, body: { status: 'confirmed', paper_mm: 1234 } });
	assert(r.status === 200, `its print is reported: ${r.status}`);
	await page.reload();
	await page.waitForSelector('#devices-body tr[data-name="kiosk-test"]', { timeout: 5000 });
	const paperCell = '#devices-body tr[data-name="kiosk-test"] td.paper';
	let paper = await page.textContent(paperCell);
	assert(/\b[1-9]\d* tickets? · [1-9]\d*,\d m/.test(paper) && !/depuis/.test(paper), `the paper counter: ${paper}`);
	await page.click(`${paperCell} button.js-roll`);
	await page.click('#dlg-ok');
	assert(/remis à zéro/.test(await msg(page, 'devices', 'ok')), 'a new roll');
	await page.waitForFunction((sel) => /^0 ticket · 0,0 m depuis le \d\d\/\d\d\/\d{4}/.test(document.querySelector(sel).textContent.trim()), paperCell, { timeout: 5000 });
	// A name already active: the server's reason.
	await page.fill('#dv-name', 'kiosk-test');
	await page.click('#device-form button[type="submit"]');
	assert(/409/.test(await msg(page, 'devices', 'error')), 'an active name is refused with the server\'s reason');

	// --- Calendrier: closed today, next opening moves on ----------------------------
	const before = (await kioskView(srv, site)).site;
	assert(before.open === true && before.next_opening, `open before: ${JSON.stringify(before)}`);
	n = await loads(page);
	await page.fill('#cl-from', today);
	await page.fill('#cl-to', today);
	await page.fill('#cl-reason', 'Grève');
	await page.click('#closure-form button[type="submit"]');
	await msg(page, 'calendar', 'ok');
	await loaded(page, n);
	const after = (await kioskView(srv, site)).site;
	assert(after.open === false && after.closure && after.closure.reason === 'Grève', `closed for the kiosk: ${JSON.stringify(after)}`);
	assert(after.next_opening.day > today && after.next_opening.day >= before.next_opening.day,
		`next opening moved on: ${before.next_opening.day} -> ${after.next_opening.day}`);
	const shown = await page.textContent('#next-opening');
	const [y, mo, d] = after.next_opening.day.split('-');
	assert(shown.includes(`${d}/${mo}/${y}`), `the page shows the next opening: ${shown}`);
	assert(await page.locator('#closures-body tr').count() === 1, 'the closure is listed');
	r = await apiCall(srv, 'POST', '/api/v1/tickets', { token: site.deviceKey, body: { service: 'E', lang: 'fr' } });
	assert(r.status === 409, `no ticket on a closed day: ${r.status}`);
	// Bad range: the server's reason.
	await page.fill('#cl-from', today);
	await page.fill('#cl-to', '2000-01-01');
	await page.fill('#cl-reason', 'à l\'envers');
	await page.click('#closure-form button[type="submit"]');
	assert(/400/.test(await msg(page, 'calendar', 'error')), 'a range backwards is refused');
	// Delete it, after the confirmation.
	n = await loads(page);
	await page.click('#closures-body tr button');
	await page.click('#dlg-ok');
	await msg(page, 'calendar', 'ok');
	await loaded(page, n);
	assert((await kioskView(srv, site)).site.open === true, 'open again once the closure is deleted');
	assert(await page.isVisible('#closures-empty'), 'no closure left');

	// Changed hours on a day ahead.
	const ahead = new Date(`${today}T12:00:00Z`);
	ahead.setUTCDate(ahead.getUTCDate() + 3);
	const day3 = ahead.toISOString().slice(0, 10);
	n = await loads(page);
	await page.fill('#cl-from', day3);
	await page.fill('#cl-to', day3);
	await page.fill('#cl-hours', '09:00-12:00');
	await page.fill('#cl-reason', 'travaux : le matin seulement');
	await page.click('#closure-form button[type="submit"]');
	await msg(page, 'calendar', 'ok');
	await loaded(page, n);
	const cls = await apiCall(srv, 'GET', '/api/v1/closures', { token: site.tokens.sofia });
	const withHours = cls.data.closures.find((c) => c.from === day3);
	assert(withHours, `the closure of ${day3} is kept`);
	{
		assert(withHours.hours === '09:00-12:00', `hours kept: ${JSON.stringify(withHours)}`);
		assert(/ouvert 09:00 – 12:00/.test(await page.textContent(`#closures-body tr[data-id="${withHours.id}"]`)), 'the page shows the changed hours');
		await page.fill('#cl-from', day3);
		await page.fill('#cl-to', day3);
		await page.fill('#cl-hours', '12:00-09:00');
		await page.fill('#cl-reason', 'à l\'envers');
		await page.click('#closure-form button[type="submit"]');
		assert(/400/.test(await msg(page, 'calendar', 'error')), 'hours backwards are refused by the server');
	}

	// --- Annonces -------------------------------------------------------------------------
	{
		n = await loads(page);
		await page.fill('#nt-from', today);
		await page.fill('#nt-to', today);
		await page.fill('#nt-fr', 'Naturalisation : pas d\'accueil cet après-midi');
		await page.click('#notice-form summary');
		await page.fill('#nt-en', 'Naturalisation: no reception this afternoon');
		await page.click('#notice-form button[type="submit"]');
		await msg(page, 'notices', 'ok');
		await loaded(page, n);
		assert(await page.locator('#notices-body tr').count() === 1, 'the notice is listed');
		await board.waitForFunction(() => document.body.textContent.includes('pas d\'accueil cet après-midi'), null, { timeout: 5000 });
		const kn = (await kioskView(srv, site)).notices || [];
		assert(kn.some((x) => x.text.fr.includes('pas d\'accueil') && x.text.en.startsWith('Naturalisation: no')),
			`the kiosk gets the notice in French and English: ${JSON.stringify(kn)}`);
		// A board-only notice is not the kiosk's.
		n = await loads(page);
		await page.fill('#nt-fr', 'Écran du hall seulement');
		await page.uncheck('#nt-kiosk');
		await page.click('#notice-form button[type="submit"]');
		await msg(page, 'notices', 'ok');
		await loaded(page, n);
		assert(!((await kioskView(srv, site)).notices || []).some((x) => x.text.fr.includes('hall seulement')), 'a board-only notice is not on the kiosk');
		await page.check('#nt-kiosk');
		// No French text: refused by the page, nothing sent.
		await page.click('#notice-form button[type="submit"]');
		assert(/français est obligatoire/.test(await msg(page, 'notices', 'error')), 'French is required');
		assert(await page.locator('#notices-body tr').count() === 2, 'two notices listed');
		// The first one goes, after the confirmation.
		n = await loads(page);
		await page.click('#notices-body tr:first-child button');
		await page.click('#dlg-ok');
		await msg(page, 'notices', 'ok');
		await loaded(page, n);
		await board.waitForFunction(() => !document.body.textContent.includes('pas d\'accueil cet après-midi'), null, { timeout: 5000 });
	}

	// --- Comptes --------------------------------------------------------------------------
	{
		// A manager adds an agent: the temporary password is shown once.
		assert(await page.locator('#users-body tr[data-login="marie"]').count() === 1, 'the accounts are listed');
		assert(await page.locator('#us-role option[value="admin"]:not([disabled])').count() === 0, 'a manager is not offered the admin role');
		assert(await page.locator('#users-body tr[data-login="ines"] button').count() === 0, 'a manager has no button on an admin');
		n = await loads(page);
		await page.fill('#us-login', 'nadia');
		await page.click('#user-form button[type="submit"]');
		await msg(page, 'users', 'ok');
		await page.waitForSelector('#secret-user:visible', { timeout: 5000 });
		const temp = (await page.textContent('#secret-user .secret-value')).trim();
		await loaded(page, n);
		r = await apiCall(srv, 'POST', '/api/v1/login', { body: { login: 'nadia', password: temp } });
		assert(r.status === 200 && r.data.must_change === true, `the temporary password logs in, must change: ${r.status} ${JSON.stringify(r.data)}`);
		// The same login again: the server's reason.
		await page.fill('#us-login', 'nadia');
		await page.click('#user-form button[type="submit"]');
		assert(/409/.test(await msg(page, 'users', 'error')), 'an existing login is refused');
		// Reset, after the confirmation: another temporary password.
		n = await loads(page);
		await page.click('#users-body tr[data-login="nadia"] button:has-text("Réinitialiser")');
		await page.click('#dlg-ok');
		await msg(page, 'users', 'ok');
		await loaded(page, n);
		const temp2 = (await page.textContent('#secret-user .secret-value')).trim();
		assert(temp2 && temp2 !== temp, 'a new temporary password is shown');
		r = await apiCall(srv, 'POST', '/api/v1/login', { body: { login: 'nadia', password: temp } });
		assert(r.status === 401, `the old one no longer works: ${r.status}`);
		// Disable, after the confirmation.
		n = await loads(page);
		await page.click('#users-body tr[data-login="nadia"] button:has-text("Désactiver")');
		await page.click('#dlg-ok');
		await msg(page, 'users', 'ok');
		await loaded(page, n);
		assert(/désactivé/.test(await page.textContent('#users-body tr[data-login="nadia"]')), 'nadia disabled');
		r = await apiCall(srv, 'POST', '/api/v1/login', { body: { login: 'nadia', password: temp2 } });
		assert(r.status === 401, `a disabled account cannot log in: ${r.status}`);
		r = await apiCall(srv, 'POST', '/api/v1/users', { token: site.tokens.sofia, body: { login: 'boss', role: 'admin' } });
		assert(r.status === 403, `a manager cannot create an admin: ${r.status}`);

		// An admin adds a manager; the manager's first login asks for a new
		// password on the page, then goes on to the sections.
		const adm = await newPage(browser, { width: 1366, height: 900 });
		await manageLogin(adm, srv, ADMIN.login, ADMIN.password);
		await adm.waitForSelector('#screen-manage:visible', { timeout: 10000 });
		await loaded(adm, 0);
		n = await loads(adm);
		await adm.fill('#us-login', 'paul');
		await adm.selectOption('#us-role', 'manager');
		await adm.click('#user-form button[type="submit"]');
		await msg(adm, 'users', 'ok');
		await loaded(adm, n);
		const ptemp = (await adm.textContent('#secret-user .secret-value')).trim();
		// The admin changes marie's role from the table.
		n = await loads(adm);
		await adm.selectOption('#role-marie', 'manager');
		await adm.click('#users-body tr[data-login="marie"] button:has-text("Changer le rôle")');
		await msg(adm, 'users', 'ok');
		await loaded(adm, n);
		const us = await apiCall(srv, 'GET', '/api/v1/users', { token: site.tokens.sofia });
		assert(us.data.users.find((u) => u.login === 'marie').role === 'manager', 'marie is a manager now');
		r = await apiCall(srv, 'PATCH', '/api/v1/users/marie', { token: site.tokens.karim, body: { role: 'agent' } });
		assert(r.status === 403, `an agent cannot change roles: ${r.status}`);
		await apiCall(srv, 'PATCH', '/api/v1/users/marie', { token: site.tokens.sofia, body: { role: 'agent' } });

		const pp = await newPage(browser, { width: 1366, height: 900 });
		await manageLogin(pp, srv, 'paul', ptemp);
		await pp.waitForSelector('#screen-password:visible', { timeout: 10000 });
		assert(await pp.isHidden('#screen-manage'), 'no section before the new password');
		await pp.fill('#pw-old', ptemp);
		await pp.fill('#pw-new', 'paul-own-pw-2026');
		await pp.fill('#pw-new2', 'paul-own-pw-2027');
		await pp.click('#password-form button[type="submit"]');
		await pp.waitForSelector('#pw-error:visible', { timeout: 3000 });
		await pp.fill('#pw-new2', 'paul-own-pw-2026');
		await pp.click('#password-form button[type="submit"]');
		await pp.waitForSelector('#screen-manage:visible', { timeout: 10000 });
		await loaded(pp, 0);
		assert(await pp.locator('#today-body tr').count() === 5, 'the new manager sees the sections');
		noPageErrors(adm, pp);
	}

	// --- Guichets -------------------------------------------------------------------------
	{
		n = await loads(page);
		await page.fill('#cs-2', 'ba');
		await page.fill('#cn-2', 'Guichet 2 (accueil)');
		await page.click('#counters-body tr[data-counter="2"] button');
		await msg(page, 'counters', 'ok');
		await loaded(page, n);
		const cs = await apiCall(srv, 'GET', '/api/v1/counters', { token: site.tokens.sofia });
		const c2 = cs.data.counters.find((c) => c.counter === 2);
		assert(c2.services === 'BA' && c2.name === 'Guichet 2 (accueil)', `counter 2 serves B then A, renamed: ${JSON.stringify(c2)}`);
		assert(await page.inputValue('#cs-2') === 'BA', 'the page shows BA');
		// An unknown service: the server's reason.
		await page.fill('#cs-3', 'AZ');
		await page.press('#cs-3', 'Enter');
		assert(/400/.test(await msg(page, 'counters', 'error')), 'an unknown code is refused');
	}

	const kinds = new Set();
	for (const w of writes) {
		const p = new URL(w.u).pathname;
		kinds.add(`${w.m} ${p.replace(/\/[^/]*\d[^/]*$|\/(kiosk-hall-2|nadia)(?=\/|$)/, '/X')}`);
		if (p === '/api/v1/login') continue;
		assert(w.h['x-csrf-token'], `${w.m} ${p} carries the CSRF token`);
		if (p !== '/api/v1/logout' && p !== '/api/v1/password') assert(/^[A-Za-z0-9_-]{22}$/.test(w.h['idempotency-key'] || ''), `${w.m} ${p} carries an Idempotency-Key`);
		if (w.body) assert(w.h['content-type'] === 'application/json', `${w.m} ${p} is JSON`);
	}
	console.log(`manage: ${writes.length} writes checked (${[...kinds].sort().join(', ')})`);

	// --- keyboard only: close service E ------------------------------------------------
	const kb = await newPage(browser, { width: 1366, height: 900 });
	await manageLogin(kb, srv, 'sofia');
	await kb.waitForSelector('#screen-manage:visible', { timeout: 10000 });
	await loaded(kb, 0);
	const target = 'Modifier le service E';
	let found = false;
	for (let i = 0; i < 80 && !found; i++) {
		await kb.keyboard.press('Tab');
		const lab = await kb.evaluate(() => document.activeElement && document.activeElement.getAttribute('aria-label'));
		found = !!lab && lab.startsWith(target);
	}
	assert(found, 'Tab reaches the "Modifier" button of service E');
	// The focus ring is visible on a focused button.
	const ring = await kb.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
	assert(ring !== 'none', `focus visible (outline ${ring})`);
	await kb.keyboard.press('Enter');
	assert(await kb.evaluate(() => document.activeElement.id) === 'td-open', 'Enter puts the focus on the state field');
	assert(await kb.inputValue('#td-service') === 'E', 'the form is on service E');
	await kb.keyboard.press('ArrowDown');          // Ouvert -> Fermé
	assert(await kb.inputValue('#td-open') === 'false', 'the arrow chose Fermé');
	for (const id of ['td-capacity', 'td-reserve', 'td-reason']) {
		await kb.keyboard.press('Tab');
		assert(await kb.evaluate(() => document.activeElement.id) === id, `Tab goes to ${id}`);
	}
	await kb.keyboard.type('fuite d\'eau au guichet');
	n = await loads(kb);
	await kb.keyboard.press('Enter');
	assert(/Service E/.test(await msg(kb, 'today', 'ok')), 'closed from the keyboard');
	await loaded(kb, n);
	assert(svc(await kioskView(srv, site), 'E').open === false, 'the kiosk sees E closed');
	await board.waitForSelector('#services li[data-code="E"].closed', { timeout: 3000 });

	// --- axe-core -----------------------------------------------------------------------
	const ax = await newPage(browser, { width: 1366, height: 900 }, { bypassCSP: true });
	await ax.goto(`${srv.base}/manage`);
	await ax.waitForSelector('#login:visible', { timeout: 10000 });
	await axe(ax, 'manage login');
	await manageLogin(ax, srv, 'sofia');
	await ax.waitForSelector('#screen-manage:visible', { timeout: 10000 });
	await loaded(ax, 0);
	await ax.click('#notice-form summary').catch(() => {});
	await axe(ax, 'manage page');
	await ax.click('#devices-body tr[data-name="kiosk-test"] button');
	await ax.waitForSelector('#dlg-confirm[open]', { timeout: 3000 });
	await axe(ax, 'manage confirmation');
	await ax.keyboard.press('Escape');

	noPageErrors(ag, page, board, kb, ax);
	assert(!/ERROR|AddressSanitizer/.test(srv.log), `server log clean:\n${srv.log}`);
});
