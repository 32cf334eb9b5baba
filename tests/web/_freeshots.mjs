import { run, makeSite, startServer, launch, newPage, issue, counterOp, until } from '/work/main/tests/web/lib.mjs';
run('freeshots', async () => {
  const site = makeSite(); const srv = await startServer(site); const b = await launch();
  const p = await newPage(b, { width: 1920, height: 1080 });
  await p.goto(`${srv.base}/board`);
  await p.waitForFunction(() => document.body.dataset.link === 'open');
  await issue(srv, site, 'A', { lang: 'ar' });
  await counterOp(srv, site.tokens.karim, 1, 'call-next');
  await p.waitForFunction(() => document.getElementById('now').classList.contains('flash'));
  await p.screenshot({ path: '/tmp/screens/flash.png' });
  const seen = new Set();
  while (seen.size < 14) {
    const l = await p.evaluate(() => document.getElementById('free-text').lang);
    if (!seen.has(l)) { seen.add(l); await p.screenshot({ path: `/tmp/screens/free-${l}.png`, clip: { x: 0, y: 972, width: 1920, height: 108 } }); }
    await until(() => p.evaluate((x) => document.getElementById('free-text').lang !== x, l), 8000, 'rotate');
  }
});
