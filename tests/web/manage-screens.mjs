// manage-screens.mjs: the README screenshots of the manager's page
// (/manage, 1366 wide), one per section, against a real server with a
// realistic morning: tickets issued, a service closed for today, a closure
// ahead, kiosks (one whose printer is out of paper), a notice and accounts
// when this server has those routes.
//   cd tests/web && node manage-screens.mjs [OUTDIR]     (default: docs/screens)
// The browser runs in French (--lang=fr-FR): with Debian's chromium-l10n
// the date fields read 14/12/2026, as on an office PC; without it, in
// Chromium's own American format.

import fs from 'node:fs';
import path from 'node:path';
import {
	ROOT, run, makeSite, startServer, launch, issue, apiCall, USERS,
} from './lib.mjs';

const out = path.resolve(process.argv[2] || path.join(ROOT, 'docs', 'screens'));

// "2026-12-05" plus n days, as a calendar day.
function plus(day, n) {
	const d = new Date(`${day}T12:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}

run('manage-screens', async () => {
	fs.mkdirSync(out, { recursive: true });
	const site = makeSite();
	const srv = await startServer(site);
	const tok = site.tokens.sofia;
	const today = (await apiCall(srv, 'GET', '/api/v1/health')).data.time.slice(0, 10);
	const call = async (method, p, body) => {
		const r = await apiCall(srv, method, p, { token: tok, body });
		if (r.status >= 300) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(r.data)}`);
		return r.data;
	};

	// A morning: tickets in every service; a second kiosk whose printer ran out.
	let last = null;
	for (const [svc, k] of [['A', 9], ['B', 14], ['C', 6], ['D', 3], ['E', 5]]) {
		for (let i = 0; i < k; i++) {
			last = await issue(srv, site, svc);
			await apiCall(srv, 'POST', `/api/v1/tickets/${last.id}/printed`, { token: site.deviceKey, body: { status: 'confirmed', paper_mm: 108 + (i % 3) * 4 } });
		}
	}
	const hall = await call('POST', '/api/v1/devices', { name: 'borne-hall-2' });
	const t = await apiCall(srv, 'POST', '/api/v1/tickets', { token: hall.key, body: { service: 'C', lang: 'ar' } });
	await apiCall(srv, 'POST', `/api/v1/tickets/${t.data.id}/printed`, { token: hall.key, body: { status: 'failed', reason: 'paper out' } });
	await call('POST', '/api/v1/devices', { name: 'borne-etage' });
	const old = await call('POST', '/api/v1/devices', { name: 'borne-ancienne' });
	await apiCall(srv, 'POST', '/api/v1/tickets', { token: old.key, body: { service: 'E', lang: 'fr' } });
	await call('POST', '/api/v1/devices/borne-ancienne/revoke');

	// Today: naturalisation closed this afternoon, fewer places in C.
	await call('PATCH', '/api/v1/services/D/today', { open: false, reason: 'pas d\'accueil cet après-midi (formation)' });
	await call('PATCH', '/api/v1/services/C/today', { capacity: 110, reason: 'deux agents absents' });

	// Calendar: a strike day next week and the Christmas closure.
	await call('POST', '/api/v1/closures', { from: plus(today, 4), to: plus(today, 4), reason: 'Grève nationale' });
	await call('POST', '/api/v1/closures', { from: plus(today, 19), to: plus(today, 21), reason: 'Fermeture de fin d\'année' });

	// Counters: counter 2 takes renewals first.
	const probe = await apiCall(srv, 'PATCH', '/api/v1/counters/2', { token: tok, body: { services: 'BA' } });
	if (probe.status !== 200) console.log(`counters: PATCH not on this server (${probe.status})`);

	// Notices and accounts, when this server has them.
	if ((await apiCall(srv, 'GET', '/api/v1/notices', { token: tok })).status === 200) {
		await call('POST', '/api/v1/notices', {
			from: today, to: today, screens: ['board', 'kiosk'],
			text: { fr: 'Naturalisation : pas d\'accueil cet après-midi', en: 'Naturalisation: no reception this afternoon', ar: 'التجنس: لا استقبال بعد ظهر اليوم' },
		});
		await call('POST', '/api/v1/notices', {
			from: plus(today, 1), to: plus(today, 4), screens: ['kiosk'],
			text: { fr: 'Grève nationale jeudi : le site sera fermé', en: 'National strike on Thursday: the site will be closed' },
		});
	}
	const hasUsers = (await apiCall(srv, 'GET', '/api/v1/users', { token: tok })).status === 200;

	// A French office PC: dates in the fields read 14/12/2026.
	const browser = await launch({ lang: 'fr-FR' });
	const frPage = async () => (await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'fr-FR' })).newPage();
	const page = await frPage();
	await page.goto(`${srv.base}/manage`);
	await page.waitForSelector('#login:visible', { timeout: 10000 });
	await page.screenshot({ path: path.join(out, 'manage-login.png') });
	await page.fill('#login', 'sofia');
	await page.fill('#password', USERS.sofia.password);
	await page.click('#login-submit');
	await page.waitForSelector('#screen-manage:visible', { timeout: 10000 });
	await page.waitForFunction(() => Number(document.body.dataset.loaded || 0) > 0, null, { timeout: 10000 });

	// The page as it opens: the header and today's services.
	await page.screenshot({ path: path.join(out, 'manage.png') });

	// Today, with the form filled in to close a service.
	await page.click('#today-body tr[data-code="E"] button');
	await page.selectOption('#td-open', 'false');
	await page.fill('#td-reason', 'fuite d\'eau au guichet 7');
	await shot(page, 'sec-today', 'manage-today.png');

	await page.fill('#cl-from', plus(today, 9));
	await page.fill('#cl-to', plus(today, 9));
	await page.fill('#cl-hours', '08:30-12:00');
	await page.fill('#cl-reason', 'Travaux : ouvert le matin seulement');
	await shot(page, 'sec-calendar', 'manage-calendar.png');

	await page.click('#notice-form summary').catch(() => {});
	await page.fill('#nt-fr', 'Travaux : entrée par la porte B');
	await page.fill('#nt-en', 'Building works: please use door B');
	await page.fill('#nt-ar', 'أشغال: يرجى استخدام الباب B');
	await shot(page, 'sec-notices', 'manage-notices.png');

	if (hasUsers) {
		await page.fill('#us-login', 'nadia');
		await page.click('#user-form button[type="submit"]');
		await page.waitForSelector('#secret-user:visible', { timeout: 5000 });
	}
	await shot(page, 'sec-users', 'manage-users.png');

	await page.fill('#dv-name', 'borne-hall-3');
	await page.click('#device-form button[type="submit"]');
	await page.waitForSelector('#secret-device:visible', { timeout: 5000 });
	await shot(page, 'sec-devices', 'manage-devices.png');

	await shot(page, 'sec-counters', 'manage-counters.png');

	// The confirmation before a revoke.
	await page.click('#devices-body tr[data-name="borne-etage"] button');
	await page.waitForSelector('#dlg-confirm[open]', { timeout: 3000 });
	await page.screenshot({ path: path.join(out, 'manage-confirm.png') });
	await page.keyboard.press('Escape');

	// An agent: refused.
	const ag = await frPage();
	await ag.goto(`${srv.base}/manage`);
	await ag.waitForSelector('#login:visible', { timeout: 10000 });
	await ag.fill('#login', 'marie');
	await ag.fill('#password', USERS.marie.password);
	await ag.click('#login-submit');
	await ag.waitForSelector('#screen-refused:visible', { timeout: 10000 });
	await ag.screenshot({ path: path.join(out, 'manage-refused.png') });
	console.log(`wrote ${out}/manage*.png`);
});

// One section, its own box only. In a window tall enough for any section,
// so that the sticky header never covers its top.
async function shot(page, id, file) {
	const vp = page.viewportSize();
	await page.setViewportSize({ width: vp.width, height: 2000 });
	const loc = page.locator(`#${id}`);
	await loc.scrollIntoViewIfNeeded();
	await loc.screenshot({ path: path.join(out, file) });
	await page.setViewportSize(vp);
}
