// lib.mjs: what every browser test needs. Sets up a temporary database with
// the real `build/kiosk admin`, runs a real `build/kiosk serve` on
// 127.0.0.1 and a free port, drives Debian's chromium through
// playwright-core, and tears everything down at the end, even on failure.
//
// Every wait has a deadline: poll a condition, never sleep and hope.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '..', '..');
const BUILD = path.resolve(ROOT, process.env.BUILD || 'build');
export const KIOSK = path.join(BUILD, 'kiosk');
export const SITE = path.join(ROOT, 'assets', 'demo', 'site.ini');
export const AXE = path.join(here, 'node_modules', 'axe-core', 'axe.min.js');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// Agents of the demo database. Passwords are long enough for any policy.
export const USERS = {
	marie: { password: 'marie-test-pw-2026', role: 'agent' },
	karim: { password: 'karim-test-pw-2026', role: 'agent' },
	sofia: { password: 'sofia-test-pw-2026', role: 'manager' },
};

const cleanups = [];

// Run fn(env) and always clean up; exit non-zero on failure.
export async function run(name, fn) {
	const t0 = Date.now();
	let code = 0;
	const timer = setTimeout(() => {
		console.error(`${name}: global deadline reached`);
		cleanupAll().finally(() => process.exit(1));
	}, Number(process.env.WEB_TEST_DEADLINE_MS || 240000));
	try {
		await fn();
		console.log(`${name}: ok (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
	} catch (e) {
		code = 1;
		console.error(`${name}: FAILED: ${e && e.stack ? e.stack : e}`);
	} finally {
		clearTimeout(timer);
		await cleanupAll();
	}
	process.exit(code);
}

async function cleanupAll() {
	while (cleanups.length) {
		const f = cleanups.pop();
		try {
			await f();
		} catch (e) {
			console.error('cleanup:', e.message);
		}
	}
}

// A child we started must not outlive us, even on an uncaught error.
const children = new Set();
process.on('exit', () => {
	for (const c of children) {
		try {
			c.kill('SIGKILL');
		} catch {
			// already gone
		}
	}
});

export function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.unref();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

function admin(db, args, input) {
	const r = spawnSync(KIOSK, ['admin', '--db', db, ...args], {
		input: input ?? '',
		encoding: 'utf8',
		timeout: 30000,
	});
	if (r.status !== 0) {
		throw new Error(`kiosk admin ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
	}
	return r.stdout.trim();
}

// A fresh site: database, signing key, agents, one kiosk device. timezone:
// the demo site in another zone (a test that needs the site's local day
// to be far from midnight, whatever the hour it runs at). siteText: a site
// file of the test's own instead of the demo's.
export function makeSite({ timezone, siteText } = {}) {
	if (!fs.existsSync(KIOSK)) throw new Error(`${KIOSK} not built: run make`);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiosk-web-'));
	cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
	const db = path.join(dir, 'queue.db');
	let siteFile = SITE;
	if (siteText) {
		siteFile = path.join(dir, 'site.ini');
		fs.writeFileSync(siteFile, siteText);
	} else if (timezone) {
		siteFile = path.join(dir, 'site.ini');
		fs.writeFileSync(siteFile, fs.readFileSync(SITE, 'utf8').replace(/^timezone = .*$/m, `timezone = ${timezone}`));
	}
	admin(db, ['init', '--site', siteFile]);
	admin(db, ['keygen']);
	const tokens = {};
	for (const [login, u] of Object.entries(USERS)) {
		admin(db, ['user', 'add', login, '--role', u.role], `${u.password}\n`);
		tokens[login] = lastLine(admin(db, ['user', 'token', login]));
	}
	const deviceKey = lastLine(admin(db, ['device', 'add', 'kiosk-test']));
	return { dir, db, tokens, deviceKey };
}

function lastLine(s) {
	const lines = s.split('\n').map((l) => l.trim()).filter(Boolean);
	return lines[lines.length - 1];
}

// Start `kiosk serve` and wait until /api/v1/health answers. alwaysOpen:
// false keeps the site file's opening hours; clock: 'YYYY-MM-DD HH:MM:SS'
// (UTC), the server's clock starts there and runs on (libfaketime, as
// tests/it_convocations.sh does; the browser keeps the real time).
export async function startServer(site, port, { alwaysOpen = true, clock } = {}) {
	port = port || (await freePort());
	const args = ['serve', '--db', site.db, '--listen', `127.0.0.1:${port}`,
		'--web', path.join(ROOT, 'assets', 'web'), ...(alwaysOpen ? ['--always-open'] : [])];
	const env = clock ? { ...process.env, ...fakeClock(clock) } : process.env;
	const child = spawn(KIOSK, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT, env });
	children.add(child);
	const srv = { child, port, base: `http://127.0.0.1:${port}`, log: '', exited: false };
	child.stdout.on('data', (d) => { srv.log += d; });
	child.stderr.on('data', (d) => { srv.log += d; });
	child.on('exit', () => {
		srv.exited = true;
		children.delete(child);
	});
	cleanups.push(() => stopServer(srv));
	await until(async () => {
		if (srv.exited) throw new Error(`kiosk serve exited:\n${srv.log}`);
		try {
			const r = await fetch(`${srv.base}/api/v1/health`);
			return r.ok;
		} catch {
			return false;
		}
	}, 10000, 'server health');
	return srv;
}

// The environment that starts a program's clock at `at` (UTC).
function fakeClock(at) {
	const r = spawnSync('dpkg', ['-L', 'libfaketime'], { encoding: 'utf8' });
	const lib = (r.stdout || '').split('\n').find((l) => /\/libfaketimeMT\.so\.1$/.test(l));
	if (!lib) throw new Error('libfaketime is needed (make test-deps)');
	const asan = process.env.ASAN_OPTIONS;
	return {
		TZ: 'UTC', FAKETIME: `@${at}`, FAKETIME_DONT_FAKE_MONOTONIC: '1', LD_PRELOAD: lib,
		// under ASan libfaketime comes before its runtime: allowed
		ASAN_OPTIONS: `${asan ? `${asan}:` : ''}verify_asan_link_order=0`,
	};
}

// Stop a server: SIGTERM, then SIGKILL if it lingers. kill9: crash it.
export async function stopServer(srv, kill9 = false) {
	if (srv.exited) return;
	srv.child.kill(kill9 ? 'SIGKILL' : 'SIGTERM');
	try {
		await until(() => srv.exited, 5000, 'server exit');
	} catch {
		srv.child.kill('SIGKILL');
		await until(() => srv.exited, 5000, 'server exit after SIGKILL');
	}
}

// Poll cond() every 25 ms until it is truthy, or throw after ms.
export async function until(cond, ms, what) {
	const end = Date.now() + ms;
	let last;
	for (;;) {
		try {
			last = await cond();
			if (last) return last;
		} catch (e) {
			if (e && /exited/.test(e.message)) throw e;
			last = e;
		}
		if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
		await new Promise((r) => setTimeout(r, 25));
	}
}

// lang: the browser's own language (date fields, e.g. 'fr-FR'); default
// Chromium's.
export async function launch({ lang } = {}) {
	const browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
			'--disable-component-update', '--disable-sync', '--no-first-run',
			'--autoplay-policy=no-user-gesture-required', ...(lang ? [`--lang=${lang}`] : [])],
		env: lang ? { ...process.env, LANG: `${lang.replace('-', '_')}.UTF-8`, LANGUAGE: lang.replace('-', '_') } : undefined,
	});
	cleanups.push(() => browser.close());
	return browser;
}

// A page that fails the test on any uncaught error in the page's scripts.
// bypassCSP: only to inject axe-core; every other test keeps the server's
// Content-Security-Policy, so a page that breaks it fails.
export async function newPage(browser, viewport = { width: 1366, height: 768 }, { bypassCSP = false } = {}) {
	const ctx = await browser.newContext({ viewport, bypassCSP });
	const page = await ctx.newPage();
	page.errors = [];
	page.on('pageerror', (e) => page.errors.push(e.message));
	page.on('console', (m) => {
		if (m.type() === 'error' && !/Failed to load resource|net::ERR_|EventSource/.test(m.text())) {
			page.errors.push(`console: ${m.text()}`);
		}
	});
	return page;
}

// --- the API as scripts use it (bearer keys) ------------------------------

export async function apiCall(srv, method, p, { token, body, headers } = {}) {
	const h = { ...(headers || {}) };
	if (token) h.Authorization = `Bearer ${token}`;
	if (body !== undefined) h['Content-Type'] = 'application/json';
	const r = await fetch(srv.base + p, {
		method,
		headers: h,
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await r.text();
	let data = null;
	try {
		data = text ? JSON.parse(text) : null;
	} catch {
		data = text;
	}
	return { status: r.status, data };
}

// Services of the demo site that bind a ticket to its holder's document.
const BIND = new Set(['A', 'B', 'D']);
let docSeq = 0;

export async function issue(srv, site, service, { lang = 'fr', priority = false, holder } = {}) {
	const body = { service, lang, priority };
	// One active ticket per person: every ticket gets its own document number.
	if (holder || BIND.has(service)) holder = holder || `TEST${process.pid}X${++docSeq}`;
	if (holder) body.holder = holder;
	const r = await apiCall(srv, 'POST', '/api/v1/tickets', { token: site.deviceKey, body });
	if (r.status !== 201) throw new Error(`issue ${service}: ${r.status} ${JSON.stringify(r.data)}`);
	return r.data;
}

export async function counterOp(srv, token, n, verb, body) {
	return apiCall(srv, 'POST', `/api/v1/counters/${n}/${verb}`, { token, body });
}

// --- the console, driven as an agent would ---------------------------------

export async function consoleLogin(page, srv, login) {
	await page.goto(`${srv.base}/console`);
	await page.waitForSelector('#login:visible', { timeout: 10000 });
	await page.fill('#login', login);
	await page.fill('#password', USERS[login].password);
	await page.click('#login-submit');
	await page.waitForSelector('#screen-choose:visible, #screen-counter:visible', { timeout: 10000 });
}

export async function chooseCounter(page, n) {
	await page.click(`.counter-btn[data-counter="${n}"]`);
	await page.waitForSelector('#screen-counter:visible', { timeout: 10000 });
	await page.waitForFunction(() => document.body.dataset.link === 'open', null, { timeout: 10000 });
}

export function assert(cond, msg) {
	if (!cond) throw new Error(`assertion failed: ${msg}`);
}

export function noPageErrors(...pages) {
	for (const p of pages) {
		if (p.errors.length) throw new Error(`page errors:\n${p.errors.join('\n')}`);
	}
}

// axe-core on the page as it is: every violation is listed; a serious or
// critical one fails. Colours are judged as they settle: a text fading in
// (the board's notice changes language every few seconds) is half
// transparent for 0.6 s, which axe would measure as the text's colour, so
// the check runs with reduced motion, once animations have stopped.
// Returns how many violations (of any impact) were listed.
export async function axe(page, what) {
	await page.emulateMedia({ reducedMotion: 'reduce' });
	await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'),
		null, { timeout: 5000 });
	await page.addScriptTag({ path: AXE });
	const res = await page.evaluate(async () => {
		// eslint-disable-next-line no-undef
		const r = await axe.run(document, { resultTypes: ['violations'] });
		return r.violations.map((v) => ({
			id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\n').slice(0, 2).join(' ')),
		}));
	});
	await page.emulateMedia({ reducedMotion: null });
	for (const v of res) console.log(`${what}: ${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.join('\n    ')}`);
	const bad = res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	assert(bad.length === 0, `${what}: ${bad.length} serious/critical axe violations: ${bad.map((v) => v.id).join(', ')}`);
	return res.length;
}
