// stats.test.mjs: the open figures page (/stats) shows the two channels,
// with and without an appointment, side by side (issue #12). A simulated
// day of the demo site (build/tools/fairday: walk-ins, and appointments
// booked, cancelled, checked in, late, absent) behind a real `kiosk serve`:
//
//   - for all services and for one, each figure of each channel on the
//     page is the one GET /api/v1/stats?day= answers (counts added up over
//     the services; the mean wait weighted by the people called);
//   - the table per service and channel has a row per service and a total;
//   - the "CSV par canal" link, built in the browser, is byte for byte what
//     `kiosk admin report --channels DAY` prints;
//   - axe-core finds no serious or critical violation, for all services and
//     for one;
//   - no error in the page's scripts.
// SHOTS=DIR saves the page's screenshots.

import { spawnSync } from 'node:child_process';
import path from 'node:path';

import {
	run, makeSite, startServer, launch, newPage, assert, axe, KIOSK, SITE, noPageErrors,
} from './lib.mjs';

const DAY = '2026-11-26';   // a Thursday: the demo site is open
const FAIRDAY = path.join(path.dirname(KIOSK), 'tools', 'fairday');

function sh(cmd, args) {
	const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60000 });
	if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.status} ${r.stderr}`);
	return r.stdout;
}


const digits = (s) => s.replace(/[\s\u202f\u00a0]/g, '');

// What the page must show for the services given, from the JSON.
function expected(data, codes) {
	const out = {};
	for (const ch of ['appointment', 'walkin']) {
		const rows = data.channels.filter((c) => codes.includes(c.service)).map((c) => c[ch]);
		const t = {};
		for (const k of Object.keys(rows[0])) t[k] = rows.reduce((a, r) => a + r[k], 0);
		t.mean = t.called ? Math.round(rows.reduce((a, r) => a + r.wait_mean_s * r.called, 0) / t.called) : 0;
		out[ch] = t;
	}
	return out;
}

async function shown(page, ch, key) {
	return (await page.textContent(`#ch-${ch}-${key}`)).trim();
}

async function checkChannels(page, data, codes, what) {
	const want = expected(data, codes);
	const a = want.appointment, w = want.walkin;
	const eq = async (ch, key, v) => {
		const got = digits(await shown(page, ch, key));
		assert(got === String(v), `${what}: ${ch} ${key} shows ${got}, expected ${v}`);
	};
	await eq('appointment', 'booked', a.booked);
	await eq('appointment', 'checked_in', a.checked_in);
	await eq('appointment', 'late', a.late_walkin + a.late_attestation);
	await eq('appointment', 'no_show', a.no_show);
	await eq('appointment', 'pending', a.pending);
	await eq('appointment', 'cancelled', a.cancelled);
	await eq('walkin', 'issued', w.issued);
	await eq('walkin', 'turned_away', w.turned_away);
	// The places and what is left of them, in words under the counts.
	for (const [ch, t] of [['appointment', a], ['walkin', w]]) {
		const sub = digits(await page.textContent(`#ch-${ch}-${ch === 'walkin' ? 'issued' : 'booked'} + dd`));
		assert(sub.includes(`${t.capacity}place`) && sub.includes(`${t.left}encore`),
			`${what}: ${ch} places '${sub}', expected ${t.capacity} and ${t.left} left`);
	}
	// The mean wait, in minutes as the page rounds them.
	for (const [ch, t] of [['appointment', a], ['walkin', w]]) {
		const text = await shown(page, ch, 'wait');
		if (t.called && t.mean >= 3600) {
			const m = Math.round(t.mean / 60);
			const h = `${Math.floor(m / 60)}\u00a0h\u00a0${String(m % 60).padStart(2, '0')}`;
			assert(text.startsWith(`moyenne ${h}`), `${what}: ${ch} wait '${text}', expected moyenne ${h}`);
		} else if (t.called && t.mean >= 60) {
			assert(text.startsWith(`moyenne ${Math.round(t.mean / 60)}\u00a0min`), `${what}: ${ch} wait '${text}'`);
		}
		assert(text.includes('médiane') === (codes.length === 1 && t.called > 0),
			`${what}: ${ch} wait '${text}': a median only for one service`);
	}
}

run('stats', async () => {
	const site = makeSite();
	sh(FAIRDAY, ['--db', site.db, '--site', SITE, '--day', DAY]);
	const srv = await startServer(site);
	const browser = await launch();
	const data = await (await fetch(`${srv.base}/api/v1/stats?day=${DAY}`)).json();
	assert(Array.isArray(data.channels) && data.channels.length === data.services.length,
		`channels: ${JSON.stringify(data.channels)}`);
	const all = data.services.map((s) => s.code);
	const sum = expected(data, all);
	// A day worth testing: each kind of appointment and walk-ins turned away.
	for (const k of ['booked', 'cancelled', 'checked_in', 'late_walkin', 'late_attestation', 'no_show'])
		assert(sum.appointment[k] > 0, `the simulated day has no appointment ${k}`);
	assert(sum.walkin.turned_away > 0, 'the simulated day turned no walk-in away');

	const page = await newPage(browser, { width: 1366, height: 900 }, { bypassCSP: true });
	await page.goto(`${srv.base}/stats?day=${DAY}`);
	await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 10000 });
	assert(await page.isVisible('#channels'), 'the channels section is shown');
	if (process.env.SHOTS) {    // SHOTS=DIR: the README's pictures of the page
		await page.screenshot({ path: path.join(process.env.SHOTS, 'stats.png'), fullPage: true });
		await page.locator('#channels').screenshot({ path: path.join(process.env.SHOTS, 'stats-channels.png') });
	}
	const titles = await page.$$eval('#channels h3', (hs) => hs.map((h) => h.textContent.replace(/\s+/g, ' ').trim()));
	assert(titles.length === 2 && titles[0].startsWith('Avec rendez-vous') && titles[1].startsWith('Sans rendez-vous'),
		`the two channels' titles: ${titles}`);
	// Side by side on a wide screen: same top, the appointments on the left.
	const boxes = await page.$$eval('#channels .channel', (els) => els.map((e) => e.getBoundingClientRect().toJSON()));
	assert(Math.abs(boxes[0].top - boxes[1].top) < 2 && boxes[0].left < boxes[1].left,
		`side by side: ${JSON.stringify(boxes)}`);
	await checkChannels(page, data, all, 'all services');

	// The table: a row per service and a total.
	const rows = await page.$$eval('#table-channels tbody tr', (trs) => trs.map((tr) =>
		[...tr.children].map((c) => c.textContent.replace(/[\s\u202f\u00a0]/g, ''))));
	assert(rows.length === data.services.length + 1, `${rows.length} rows in the channels table`);
	for (const [i, s] of data.services.entries()) {
		const c = data.channels.find((x) => x.service === s.code);
		const r = rows[i];
		const want = [c.appointment.capacity, c.appointment.booked, c.appointment.checked_in,
			c.appointment.late_walkin + c.appointment.late_attestation, c.appointment.no_show,
			c.appointment.cancelled];
		assert(r[0].startsWith(s.code), `row ${i}: ${r[0]}`);
		assert(JSON.stringify(r.slice(1, 7)) === JSON.stringify(want.map(String)), `row ${s.code}: ${r} vs ${want}`);
		assert(r[8] === String(c.walkin.capacity) && r[9] === String(c.walkin.issued) &&
			r[10] === String(c.walkin.turned_away), `row ${s.code} walk-ins: ${r}`);
	}
	const tot = rows[rows.length - 1];
	assert(tot[0] === 'Total' && tot[2] === String(sum.appointment.booked) && tot[9] === String(sum.walkin.issued),
		`total row: ${tot}`);

	// The CSV per channel, built in the browser, is the admin's.
	const href = await page.getAttribute('#csv-channels', 'href');
	assert(href.startsWith('data:text/csv;charset=utf-8,'), `CSV link: ${href.slice(0, 40)}`);
	const csv = decodeURIComponent(href.slice('data:text/csv;charset=utf-8,'.length));
	const admin = sh(KIOSK, ['admin', '--db', site.db, 'report', '--channels', DAY]);
	assert(csv === admin, `the page's CSV differs from 'kiosk admin report --channels':\n${csv}\n---\n${admin}`);
	assert(csv.split('\n').length === 2 * data.services.length + 2, `CSV lines: ${csv.split('\n').length}`);
	await axe(page, 'stats, all services');

	// One service: its own figures, with its median.
	const one = data.channels.filter((c) => c.appointment.booked > 0)[0].service;
	await page.selectOption('#service', one);
	await page.waitForFunction((c) => document.getElementById('channels-scope').textContent.startsWith(`service ${c}`),
		one, { timeout: 5000 });
	await checkChannels(page, data, [one], `service ${one}`);
	await axe(page, `stats, service ${one}`);
	noPageErrors(page);
});
