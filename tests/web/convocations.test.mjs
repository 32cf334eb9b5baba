// convocations.test.mjs: the console's convocations of a day (issue #13),
// in a real browser against a real server whose clock is set (libfaketime,
// as tests/it_convocations.sh does). Covers:
//   - Thursday 3 December 2026, 09:30 in Paris: today's one walk-in place
//     of A, then POST /api/v1/tickets gives convocations, one a window on
//     Friday, Monday and Tuesday (A, 2 places a day), one a day for B;
//   - Monday 7 December, 09:55 (the server restarted at that date): one
//     convocation checked in at the kiosk; then in the console, opened
//     from the counter's bar: today's list by window, with the check-in
//     code, the language in words, and the state in words (prévue,
//     arrivée with its ticket); the places taken per service; Page Down,
//     the next day; Page Up, back; the date field, Friday, whose
//     convocations are "non venue"; Sunday, none;
//   - a keyboard-only cancel on Tuesday: the button, the dialog, a reason
//     of 3 characters at least (refused before), then the list shows it
//     cancelled with its reason and one place free; the API agrees; the
//     next applicant turned away gets that place back, and the list shows
//     them by itself;
//   - a cancel that lost a race (another agent cancelled it first): 409,
//     said in words in the dialog, and the list updated;
//   - Escape: back to the counter; axe-core: no serious or critical
//     violation on the view and on its dialog.
// SHOTS=DIR saves console-convocations.png (and the dialog's).

import path from 'node:path';
import {
	run, makeSite, startServer, stopServer, launch, newPage, apiCall, consoleLogin, chooseCounter,
	assert, noPageErrors, until, axe,
} from './lib.mjs';

const SITE = `[site]
id = web-convoc
name = Site de test
timezone = Europe/Paris
mon = 09:00-12:00
tue = 09:00-12:00
wed = 09:00-12:00
thu = 09:00-12:00
fri = 09:00-12:00
sat = closed
sun = closed
[service A]
name = Premier titre
capacity = 1
convocations = 2
convocation_days = 7
convocation_window = 60
[service B]
name = Renouvellement
capacity = 0
convocations = 1
convocation_days = 7
convocation_window = 30
[counter 1]
services = A B
[alerts]
burst_per_minute = 0
holder_refusals = 0
`;

const rowsOf = (page) => page.$$eval('#cv-body tr', (trs) => trs.map((tr) => ({
	id: Number(tr.dataset.id), state: tr.dataset.state,
	cells: [...tr.querySelectorAll('td')].map((td) => td.textContent.trim()),
	button: !!tr.querySelector('button'),
})));

async function dayShown(page, day, what) {
	await page.waitForFunction((d) => document.getElementById('cv-day').value === d, day, { timeout: 5000 });
	await until(async () => (await page.textContent('#cv-dayname')).includes(what), 5000, `the day named ${what}`);
}

run('convocations', async () => {
	const site = makeSite({ siteText: SITE });
	// ---- Thursday: convocations given ------------------------------------------------
	let srv = await startServer(site, undefined, { alwaysOpen: false, clock: '2026-12-03 08:30:00' });
	const dk = site.deviceKey;
	const ask = async (service, lang) => {
		const r = await apiCall(srv, 'POST', '/api/v1/tickets', { token: dk, body: { service, lang } });
		assert(r.status === 201, `${service}: ${r.status} ${JSON.stringify(r.data)}`);
		return r.data;
	};
	assert((await ask('A', 'fr')).kind === 'ticket', 'the day\'s walk-in place');
	const got = {};
	for (const [k, svc, lang] of [['aFri9', 'A', 'ar'], ['aFri10', 'A', 'en'], ['aMon9', 'A', 'uk'],
		['aMon10', 'A', 'fa'], ['aTue9', 'A', 'ta'], ['aTue10', 'A', 'es'],
		['bFri', 'B', 'fr'], ['bMon', 'B', 'ps'], ['bTue', 'B', 'ru']]) {
		got[k] = await ask(svc, lang);
		assert(got[k].kind === 'convocation', `${k}: a convocation: ${JSON.stringify(got[k])}`);
	}
	const when = (k) => `${got[k].date} ${got[k].from}`;
	assert(when('aFri9') === '2026-12-04 09:00' && when('aMon10') === '2026-12-07 10:00'
		&& when('aTue10') === '2026-12-08 10:00' && when('bTue') === '2026-12-08 09:00',
	`in order over the windows: ${Object.keys(got).map(when)}`);
	await stopServer(srv);

	// ---- Monday 09:55: one checked in --------------------------------------------------
	srv = await startServer(site, undefined, { alwaysOpen: false, clock: '2026-12-07 08:55:00' });
	const ci = await apiCall(srv, 'POST', '/api/v1/appointments/checkin', { token: dk, body: { code: got.aMon10.code } });
	assert(ci.status === 201, `check-in of Monday 10:00: ${ci.status} ${JSON.stringify(ci.data)}`);
	const arrived = ci.data.number;

	// A French browser, as the agents' are (the date field's jj/mm/aaaa).
	const browser = await launch({ lang: 'fr-FR' });
	const page = await newPage(browser, undefined, { bypassCSP: true });
	await consoleLogin(page, srv, 'marie');
	await chooseCounter(page, 1);
	await page.click('#btn-convocations');
	await page.waitForSelector('#screen-convocations:visible', { timeout: 5000 });
	await dayShown(page, '2026-12-07', 'lundi 7 décembre 2026 (aujourd\'hui)');
	await page.waitForSelector('#cv-body tr', { timeout: 5000 });

	// --- today: by window, the code, the language, the state --------------------------------
	let rows = await rowsOf(page);
	assert(rows.length === 3, `Monday: 3 convocations, got ${JSON.stringify(rows)}`);
	assert(rows.map((r) => r.cells[0]).join(' ') === '09:00–10:00 09:00–09:30 10:00–11:00'
		&& rows.map((r) => r.cells[1]).join('') === 'ABA', `by window: ${JSON.stringify(rows.map((r) => r.cells.slice(0, 2)))}`);
	assert(rows[0].cells[2] === got.aMon9.code && rows[0].cells[3].includes('ukrainien'),
		`code and language in words: ${rows[0].cells}`);
	assert(rows[1].cells[3].includes('pachto'), `B's language: ${rows[1].cells}`);
	assert(rows[0].state === 'booked' && rows[0].cells[4].includes('prévue') && rows[0].button,
		`booked, with a cancel button: ${JSON.stringify(rows[0])}`);
	assert(rows[2].state === 'honoured' && rows[2].cells[4].includes(`arrivée — ticket ${arrived}`) && !rows[2].button,
		`arrived with its ticket, no button: ${JSON.stringify(rows[2])}`);
	const places = await page.$$eval('#cv-places li', (lis) => lis.map((li) => li.textContent));
	assert(places.length === 2 && /^A — Premier titre : 2 places prises sur 2 par jour ouvert · 1 arrivée$/.test(places[0])
		&& /^B — Renouvellement : 1 place prise sur 1/.test(places[1]), `places per service: ${JSON.stringify(places)}`);

	// --- other days: the keys, the date field ---------------------------------------------------
	await page.keyboard.press('PageUp');
	await dayShown(page, '2026-12-06', 'dimanche 6 décembre 2026 (hier)');
	await page.waitForSelector('#cv-empty:visible', { timeout: 5000 });
	assert((await page.textContent('#cv-empty')).includes('Aucune convocation'), 'Sunday: none');
	await page.fill('#cv-day', '2026-12-04');
	await dayShown(page, '2026-12-04', 'vendredi 4 décembre 2026');
	await page.waitForSelector('#cv-body tr', { timeout: 5000 });
	rows = await rowsOf(page);
	assert(rows.length === 3 && rows.every((r) => r.state === 'missed' && r.cells[4].includes('non venue') && !r.button),
		`Friday's, missed, no button: ${JSON.stringify(rows)}`);
	await page.click('#cv-today');
	await dayShown(page, '2026-12-07', 'aujourd\'hui');
	await page.keyboard.press('PageDown');
	await dayShown(page, '2026-12-08', 'mardi 8 décembre 2026 (demain)');
	await until(async () => (await rowsOf(page)).length === 3, 5000, 'Tuesday\'s three');
	await axe(page, 'console convocations');

	// --- cancel, keyboard only ---------------------------------------------------------------
	const id10 = got.aTue10.id;
	await page.focus(`#cv-body tr[data-id="${id10}"] button`);
	await page.keyboard.press('Enter');
	await page.waitForSelector('#dlg-cvcancel[open]', { timeout: 5000 });
	assert(await page.evaluate(() => document.activeElement.id) === 'cc-reason', 'the reason field has the focus');
	const what = await page.textContent('#cc-what');
	assert(what.includes('10:00–11:00') && what.includes(got.aTue10.code) && what.includes('mardi 8 décembre'),
		`the dialog names it: ${what}`);
	await page.keyboard.type('ab');
	await page.keyboard.press('Enter');
	await page.waitForSelector('#cc-error:visible', { timeout: 5000 });
	assert(/3 caractères au moins/.test(await page.textContent('#cc-error')), 'a reason of 3 characters at least');
	assert(await page.isVisible('#dlg-cvcancel'), 'still open');
	await axe(page, 'console convocation cancel dialog');
	if (process.env.SHOTS) await page.screenshot({ path: path.join(process.env.SHOTS, 'console-convocation-cancel.png') });
	await page.keyboard.press('Control+A');
	await page.keyboard.type('La personne demande un autre jour');
	assert(await page.isHidden('#cc-error'), 'the error goes once the reason is typed again');
	await page.keyboard.press('Enter');
	await page.waitForSelector('#dlg-cvcancel:not([open])', { state: 'attached', timeout: 5000 });
	await page.waitForFunction((id) => {
		const tr = document.querySelector(`#cv-body tr[data-id="${id}"]`);
		return tr && tr.dataset.state === 'cancelled' && !tr.querySelector('button');
	}, id10, { timeout: 5000 });
	const msg = await page.textContent('#cv-msg');
	assert(/annulée : sa place est remise à disposition/.test(msg), `said: ${msg}`);
	const row10 = (await rowsOf(page)).find((r) => r.id === id10);
	assert(row10.cells[4].includes('annulée') && row10.cells[4].includes('Motif : La personne demande un autre jour'),
		`cancelled with its reason: ${row10.cells[4]}`);
	const placeA = await page.textContent('#cv-places li[data-service="A"]');
	assert(placeA.includes('1 place prise sur 2') && placeA.includes('1 libre') && placeA.includes('1 annulée'),
		`the place back: ${placeA}`);
	const api = await apiCall(srv, 'GET', '/api/v1/convocations?day=2026-12-08', { token: site.tokens.karim });
	const c10 = api.data.convocations.find((c) => c.id === id10);
	assert(c10.state === 'cancelled' && c10.cancel_reason === 'La personne demande un autre jour',
		`the API agrees: ${JSON.stringify(c10)}`);

	// --- the place goes to the next applicant turned away --------------------------------------
	assert((await ask('A', 'fr')).kind === 'ticket', 'Monday\'s walk-in place');
	const again = await ask('A', 'bn');
	assert(again.kind === 'convocation' && again.date === '2026-12-08' && again.from === '10:00',
		`the freed place given again: ${JSON.stringify(again)}`);
	await page.waitForSelector(`#cv-body tr[data-id="${again.id}"][data-state="booked"]`, { timeout: 10000 });
	rows = await rowsOf(page);
	assert(rows.length === 4 && rows[3].id === again.id && rows[3].cells[3].includes('bengali'),
		`the new one, by window: ${JSON.stringify(rows)}`);
	await until(async () => (await page.textContent('#cv-places li[data-service="A"]')).includes('2 places prises sur 2'),
		5000, 'A full again');

	// --- a race lost: someone else cancelled it first ------------------------------------------
	const id9 = got.aTue9.id;
	const other = await apiCall(srv, 'POST', `/api/v1/convocations/${id9}/cancel`, { token: site.tokens.karim,
		body: { reason: 'Annulée au téléphone' }, headers: { 'Idempotency-Key': 'web-convoc-race-1' } });
	assert(other.status === 200, `the other agent's cancel: ${other.status}`);
	await page.focus(`#cv-body tr[data-id="${id9}"] button`);
	await page.keyboard.press('Enter');
	await page.waitForSelector('#dlg-cvcancel[open]', { timeout: 5000 });
	await page.keyboard.type('Demande de la personne');
	await page.keyboard.press('Enter');
	await page.waitForSelector('#cc-error:visible', { timeout: 5000 });
	const refused = await page.textContent('#cc-error');
	assert(/ne peut plus être annulée/.test(refused), `409 in words: ${refused}`);
	await page.waitForFunction((id) => {
		const tr = document.querySelector(`#cv-body tr[data-id="${id}"]`);
		return tr && tr.dataset.state === 'cancelled';
	}, id9, { timeout: 5000 });
	await page.keyboard.press('Escape');
	await page.waitForSelector('#dlg-cvcancel:not([open])', { state: 'attached', timeout: 5000 });
	const c9 = (await apiCall(srv, 'GET', '/api/v1/convocations?day=2026-12-08', { token: site.tokens.karim }))
		.data.convocations.find((c) => c.id === id9);
	assert(c9.cancel_reason === 'Annulée au téléphone', `the first reason kept: ${JSON.stringify(c9)}`);
	assert(await page.evaluate(() => document.activeElement.id) === 'cv-list', 'the focus back on the list');
	if (process.env.SHOTS) {
		await page.evaluate(() => document.activeElement.blur());
		await page.screenshot({ path: path.join(process.env.SHOTS, 'console-convocations.png') });
	}

	// --- back to the counter ---------------------------------------------------------------------
	await page.keyboard.press('Escape');
	await page.waitForSelector('#screen-counter:visible', { timeout: 5000 });
	await page.waitForFunction(() => document.activeElement.id === 'scan', null, { timeout: 5000 });
	const fits = await page.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight
		&& document.documentElement.scrollWidth <= window.innerWidth);
	assert(fits, 'the counter screen still fits 1366x768 without scrolling');
	noPageErrors(page);
});
