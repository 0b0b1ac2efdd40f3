// usage: node .crop-tmp.mjs file.html width y height out.png [dark]
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';
const [file, w, y, h, out, dark] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-background-networking'] });
const c = await b.newContext({ viewport: { width: +w, height: 600 }, colorScheme: dark ? 'dark' : 'light' });
const p = await c.newPage(); await p.goto(pathToFileURL(file).href);
await p.screenshot({ path: out, fullPage: true, clip: { x: 0, y: +y, width: +w, height: +h } });
await b.close();
