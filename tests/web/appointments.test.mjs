// appointments.test.mjs: appointments booked online at the counter, in a
// real browser against a real server (issue #12). Covers:
//   - the calling order seen from the console: an appointment whose time
//     has come is called before a walk-in who came first (F2);
//   - the console's current-ticket card says "Rendez-vous de HH:MM" for an
//     appointment's ticket, and nothing of the kind for a walk-in's;
//   - the board marks an appointment's call with "RDV HH:MM" (in words for
//     a screen reader too) in the current call and in the history, and not
//     a walk-in's;
//   - the console lists today's appointments with their state in words
//     (arrivé with the ticket, à venir, en retard, non venu, annulé), a
//     button only for those not arrived, and refreshes by itself when a
//     kiosk checks one in;
//   - a keyboard-only manual check-in: the button, the dialog, a reason
//     required, then the ticket, the list updated, and the API agreeing;
//   - axe-core: no serious or critical violation on the counter screen with
//     the list and with the check-in dialog open; the counter screen still
//     fits 1366x768 without scrolling.
// SHOTS=DIR saves console and board screenshots.

import path from 'node:path';
import {
	run, makeSite, startServer, launch, newPage, issue, apiCall, consoleLogin, chooseCounter,
	assert, noPageErrors, until, axe,
} from './lib.mjs';

const MIN = 60000;


// "HH:MM" of an RFC 3339 time in the site's zone (the server's own offset).
function hhmm(s) {
	return s.slice(11, 16);
}

// A zone where it is about noon now: the appointments of this test, from
// 25 minutes ago to 90 minutes on, are then all today's, whatever the hour
// the test runs at. Etc/GMT-5 is UTC+5.
function noonZone() {
	const o = 12 - new Date().getUTCHours();
	return o === 0 ? 'Etc/GMT' : o > 0 ? `Etc/GMT-${o}` : `Etc/GMT+${-o}`;
}

run('appointments', async () => {
	const site = makeSite({ timezone: noonZone() });
	const srv = await startServer(site);
	const mgr = site.tokens.sofia;
	const board0 = await apiCall(srv, 'GET', '/api/v1/board');
	const hour = Number(board0.data.time.slice(11, 13));
	assert(hour >= 11 && hour <= 12, `the site's time is about noon: ${board0.data.time}`);
	const now = Date.now();
	const at = (min) => new Date(now + min * MIN).toISOString().replace(/\.\d+Z$/, 'Z');
	const put = async (id, service, start, code, status = 'booked') => {
		const r = await apiCall(srv, 'POST', '/api/v1/appointments', { token: mgr,
			body: { id, service, start, duration_min: 20, code, status } });
		assert(r.status === 201 || r.status === 200, `put ${id}: ${r.status} ${JSON.stringify(r.data)}`);
		return r.data;
	};
	const arr = await put('rdv-arr', 'A', at(-5), 'WEBARR1');
	await put('rdv-late', 'B', at(-8), 'WEBLATE1');
	await put('rdv-ns', 'D', at(-25), 'WEBNS01');
	const ny = await put('rdv/ny', 'A', at(90), 'WEBNY01');
	await put('rdv-can', 'B', at(60), 'WEBCAN1', 'cancelled');

	// A walk-in first, then the appointment checks in at the kiosk.
	const walk = await issue(srv, site, 'A');
	const ci = await apiCall(srv, 'POST', '/api/v1/appointments/checkin', { token: site.deviceKey,
		body: { code: 'WEBARR1' } });
	assert(ci.status === 201 && ci.data.kind === 'appointment', `kiosk check-in: ${ci.status} ${JSON.stringify(ci.data)}`);
	const apptTicket = ci.data.number;

	const browser = await launch();
	const board = await newPage(browser, { width: 1920, height: 1080 });
	await board.goto(`${srv.base}/board`);
	await board.waitForFunction(() => document.body.dataset.link === 'open', null, { timeout: 10000 });
	const page = await newPage(browser, undefined, { bypassCSP: true });
	await consoleLogin(page, srv, 'marie');
	await chooseCounter(page, 1);

	// --- the list -----------------------------------------------------------
	await page.waitForSelector('#appt-body tr[data-id="rdv-can"]', { timeout: 10000 });
	const rows = await page.$$eval('#appt-body tr', (trs) => trs.map((tr) => ({
		id: tr.dataset.id, state: tr.dataset.state, text: tr.querySelector('.ap-state').textContent,
		button: !!tr.querySelector('button'),
	})));
	const row = (id) => rows.find((r) => r.id === id);
	assert(rows.length === 5, `5 appointments listed, got ${JSON.stringify(rows)}`);
	assert(rows[0].id === 'rdv-ns' && rows[4].id === 'rdv/ny', `by start: ${rows.map((r) => r.id)}`);
	assert(row('rdv-arr').state === 'arrived' && row('rdv-arr').text.includes(`arrivé (${apptTicket})`),
		`arrived with its ticket: ${JSON.stringify(row('rdv-arr'))}`);
	assert(row('rdv-late').text.includes('en retard'), `late: ${row('rdv-late').text}`);
	assert(row('rdv-ns').text.includes('non venu'), `no-show: ${row('rdv-ns').text}`);
	assert(row('rdv/ny').text.includes('à venir'), `not yet: ${row('rdv/ny').text}`);
	assert(row('rdv-can').text.includes('annulé'), `cancelled: ${row('rdv-can').text}`);
	assert(!row('rdv-arr').button && !row('rdv-can').button, 'no check-in button for the arrived and the cancelled');
	assert(row('rdv-late').button && row('rdv-ns').button && row('rdv/ny').button, 'a button for each not arrived');
	const summary = await page.textContent('#ap-summary');
	assert(/1 arrivé/.test(summary) && /1 à venir/.test(summary) && /1 en retard/.test(summary)
		&& /1 non venu/.test(summary) && /1 annulé/.test(summary), `summary: ${summary}`);

	// --- calling: the appointment first, and said so --------------------------
	await page.keyboard.press('F2');
	await page.waitForFunction((n) => document.getElementById('t-number').textContent === n, apptTicket, { timeout: 5000 });
	const card = await page.textContent('#t-appt');
	assert(await page.isVisible('#t-appt') && card.includes(`Rendez-vous de ${hhmm(arr.start)}`),
		`the card says the appointment's time: "${card}"`);
	await board.waitForFunction((n) => document.getElementById('now-number').textContent === n, apptTicket, { timeout: 2000 });
	assert(await board.isVisible('#now-appt'), 'the board marks the appointment call');
	const badge = await board.textContent('#now-appt');
	assert(badge.includes('RDV') && badge.includes(hhmm(arr.start)) && badge.includes('rendez-vous de'),
		`RDV badge with the time, and its words: "${badge}"`);
	const hist = await board.$eval('#history li', (li) => ({ kind: li.dataset.kind,
		tag: li.querySelector('.tag-appt') ? li.querySelector('.tag-appt').textContent : '' }));
	assert(hist.kind === 'appointment' && hist.tag.includes(hhmm(arr.start)), `history tag: ${JSON.stringify(hist)}`);
	const sr = await board.textContent('#sr-live');
	assert(sr.includes(`rendez-vous de ${hhmm(arr.start)}`), `announced in words: ${sr}`);
	if (process.env.SHOTS) {
		await board.screenshot({ path: path.join(process.env.SHOTS, 'board-appointment.png') });
		await page.screenshot({ path: path.join(process.env.SHOTS, 'console-appointment.png') });
	}

	await page.keyboard.press('F2');
	await page.waitForFunction((n) => document.getElementById('t-number').textContent === n, walk.number, { timeout: 5000 });
	assert(await page.isHidden('#t-appt'), 'a walk-in: no appointment line');
	await board.waitForFunction((n) => document.getElementById('now-number').textContent === n, walk.number, { timeout: 2000 });
	assert(await board.isHidden('#now-appt'), 'a walk-in call: no RDV badge');
	const hist2 = await board.$eval('#history li', (li) => ({ kind: li.dataset.kind, tag: !!li.querySelector('.tag-appt') }));
	assert(hist2.kind === 'ticket' && !hist2.tag, `walk-in in the history: ${JSON.stringify(hist2)}`);

	// --- a kiosk checks in: the list follows by itself ------------------------
	const ci2 = await apiCall(srv, 'POST', '/api/v1/appointments/checkin', { token: site.deviceKey,
		body: { code: 'WEBLATE1' } });
	assert(ci2.status === 201, `late check-in in its window: ${ci2.status}`);
	await page.waitForFunction(() => {
		const tr = document.querySelector('#appt-body tr[data-id="rdv-late"]');
		return tr && tr.dataset.state === 'arrived';
	}, null, { timeout: 8000 });

	// --- by hand, keyboard only ------------------------------------------------
	await axe(page, 'console with the appointments');
	await page.focus('#appt-body tr[data-id="rdv/ny"] button');
	await page.keyboard.press('Enter');
	await page.waitForSelector('#dlg-checkin[open]', { timeout: 5000 });
	assert(await page.evaluate(() => document.activeElement.id) === 'ci-reason', 'the reason field has the focus');
	const what = await page.textContent('#ci-what');
	assert(what.includes(`Rendez-vous de ${hhmm(ny.start)}`) && what.includes('rdv/ny'), `the dialog names it: ${what}`);
	await axe(page, 'console check-in dialog');
	await page.keyboard.press('Enter');
	await page.waitForSelector('#ci-error:visible', { timeout: 5000 });
	assert(/motif est obligatoire/.test(await page.textContent('#ci-error')), 'a reason is required');
	await page.keyboard.type('Confirmation perdue, pièce vérifiée');
	await page.keyboard.press('Enter');
	await page.waitForSelector('#dlg-checkin:not([open])', { state: 'attached', timeout: 5000 });
	await until(async () => /Arrivée enregistrée : ticket A\d+/.test(await page.textContent('#msg')), 5000, 'the ticket in the message');
	const msg = await page.textContent('#msg');
	const handTicket = msg.match(/ticket (A\d+)/)[1];
	await page.waitForFunction(() => {
		const tr = document.querySelector('#appt-body tr[data-id="rdv/ny"]');
		return tr && tr.dataset.state === 'arrived' && !tr.querySelector('button');
	}, null, { timeout: 5000 });
	const list = await apiCall(srv, 'GET', '/api/v1/appointments', { token: site.tokens.karim });
	const got = list.data.appointments.find((a) => a.id === 'rdv/ny');
	assert(got.state === 'arrived' && got.ticket === handTicket, `the API agrees: ${JSON.stringify(got)}`);
	// Escape closes the dialog without doing anything.
	await page.focus('#appt-body tr[data-id="rdv-ns"] button');
	await page.keyboard.press('Enter');
	await page.waitForSelector('#dlg-checkin[open]', { timeout: 5000 });
	await page.keyboard.press('Escape');
	await page.waitForSelector('#dlg-checkin:not([open])', { state: 'attached', timeout: 5000 });
	const ns = (await apiCall(srv, 'GET', '/api/v1/appointments', { token: site.tokens.karim }))
		.data.appointments.find((a) => a.id === 'rdv-ns');
	assert(ns.state === 'no_show', `Escape checked nobody in: ${ns.state}`);

	const fits = await page.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight
		&& document.documentElement.scrollWidth <= window.innerWidth);
	assert(fits, 'the counter screen fits 1366x768 without scrolling');
	if (process.env.SHOTS) await page.screenshot({ path: path.join(process.env.SHOTS, 'console-appointments.png') });
	noPageErrors(page, board);
});
