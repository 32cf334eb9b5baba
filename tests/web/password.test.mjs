// password.test.mjs: a temporary password in the staff console (issue #16).
// A manager adds an agent through the API (POST /api/v1/users, no password:
// a temporary one). The agent logs in with it, by keyboard: the console
// shows "Choisir un nouveau mot de passe" instead of the counters, in
// French, with its fields labelled; a wrong confirmation and a too-short
// password are refused in words without a request; the new one is sent to
// POST /api/v1/password and the console goes on to the choice of counter in
// the same session. Then a reset by the manager: the open console falls
// back to the login at its next request, and the next login asks again.

import {
	run, makeSite, startServer, launch, newPage, apiCall, until, assert, noPageErrors,
} from './lib.mjs';

async function typeLogin(page, srv, login, password) {
	await page.goto(`${srv.base}/console`);
	await page.waitForSelector('#login:visible', { timeout: 10000 });
	await page.fill('#login', login);
	await page.fill('#password', password);
	await page.keyboard.press('Enter');
}

run('password', async () => {
	const site = makeSite();
	const srv = await startServer(site);
	const made = await apiCall(srv, 'POST', '/api/v1/users', {
		token: site.tokens.sofia, body: { login: 'jeanne', role: 'agent', reason: 'arrivée' },
	});
	assert(made.status === 201, `POST /api/v1/users: ${made.status} ${JSON.stringify(made.data)}`);
	const temp = made.data.temporary_password;
	assert(made.data.must_change === true && typeof temp === 'string' && temp.length >= 12,
		`a temporary password, got ${JSON.stringify(made.data)}`);

	const browser = await launch();
	const page = await newPage(browser);
	await typeLogin(page, srv, 'jeanne', temp);
	await page.waitForSelector('#screen-password:visible', { timeout: 10000 });
	assert(!(await page.isVisible('#screen-choose')), 'no counters before the new password');
	const title = await page.textContent('#screen-password h1');
	assert(title.includes('Choisir un nouveau mot de passe'), `French title, got "${title}"`);
	for (const id of ['pw-old', 'pw-new', 'pw-confirm']) {
		const label = await page.textContent(`label[for="${id}"]`);
		assert(label && label.trim().length > 0, `#${id} has a label`);
	}
	// The temporary password just typed is already in; the focus is on the new one.
	await page.waitForFunction(() => document.activeElement.id === 'pw-new', null, { timeout: 5000 });
	// The server refuses everything else meanwhile.
	const cookies = await page.context().cookies();
	const session = cookies.find((c) => c.name === 'kiosk_session');
	assert(session, 'a session cookie');
	const blocked = await fetch(`${srv.base}/api/v1/counters`, { headers: { Cookie: `kiosk_session=${session.value}` } });
	const bj = await blocked.json();
	assert(blocked.status === 403 && bj.code === 'password_change_required', `counters meanwhile: ${blocked.status} ${JSON.stringify(bj)}`);

	// Refused in words, on the page.
	await page.keyboard.type('jeanne-2026-guichet');
	await page.keyboard.press('Tab');
	await page.keyboard.type('jeanne-2026-autre');
	await page.keyboard.press('Enter');
	await page.waitForSelector('#pw-error:visible', { timeout: 5000 });
	assert(/identiques/.test(await page.textContent('#pw-error')), 'a confirmation that differs');
	await page.fill('#pw-new', 'court');
	await page.fill('#pw-confirm', 'court');
	await page.keyboard.press('Enter');
	await page.waitForFunction(() => /8 caractères/.test(document.getElementById('pw-error').textContent), null, { timeout: 5000 });

	// The new password: on to the counters, same session.
	await page.fill('#pw-new', 'jeanne-2026-guichet');
	await page.fill('#pw-confirm', 'jeanne-2026-guichet');
	await page.keyboard.press('Enter');
	await page.waitForSelector('#screen-choose:visible', { timeout: 10000 });
	assert((await page.textContent('#screen-choose .who-login')) === 'jeanne', 'logged in as jeanne');
	const list = await apiCall(srv, 'GET', '/api/v1/users', { token: site.tokens.sofia });
	const j = list.data.users.find((u) => u.login === 'jeanne');
	assert(j && j.must_change === false, `must_change cleared, got ${JSON.stringify(j)}`);

	// A reset: the open console loses its session at the next request.
	const reset = await apiCall(srv, 'PATCH', '/api/v1/users/jeanne', {
		token: site.tokens.sofia, body: { password_reset: true },
	});
	assert(reset.status === 200 && reset.data.temporary_password, `reset: ${reset.status}`);
	await page.click('.counter-btn[data-counter="1"]');
	await page.waitForSelector('#screen-login:visible', { timeout: 10000 });
	// The old password no longer works; the new temporary one asks again.
	await typeLogin(page, srv, 'jeanne', 'jeanne-2026-guichet');
	await page.waitForSelector('#login-error:visible', { timeout: 5000 });
	await typeLogin(page, srv, 'jeanne', reset.data.temporary_password);
	await page.waitForSelector('#screen-password:visible', { timeout: 10000 });
	// A wrong current password, from the server.
	await page.fill('#pw-old', 'pas-le-bon-mot');
	await page.fill('#pw-new', 'jeanne-2027-guichet');
	await page.fill('#pw-confirm', 'jeanne-2027-guichet');
	await page.click('#pw-submit');
	await page.waitForFunction(() => /incorrect/.test(document.getElementById('pw-error').textContent), null, { timeout: 5000 });
	await page.fill('#pw-old', reset.data.temporary_password);
	await page.fill('#pw-new', 'jeanne-2027-guichet');
	await page.fill('#pw-confirm', 'jeanne-2027-guichet');
	await page.click('#pw-submit');
	// On as usual: the counter chosen before (kept in this tab) opens again.
	await page.waitForSelector('#screen-counter:visible', { timeout: 10000 });
	await until(async () => {
		const r = await apiCall(srv, 'GET', '/api/v1/users', { token: site.tokens.sofia });
		return r.data.users.find((u) => u.login === 'jeanne').must_change === false;
	}, 5000, 'must_change cleared after the reset');
	noPageErrors(page);
});
