#!/usr/bin/env node
// tests/browser/check.js: open amdahl report pages in headless Chromium, offline, and
// check what a reader would see. Node's standard library only (no npm): Chromium is
// driven over the DevTools protocol on a pipe (--remote-debugging-pipe: fd 3 in, fd 4
// out, each message JSON ending in a NUL byte).
//
//   node tests/browser/check.js [--chromium PATH] [--screenshot OUT.png] [--pdf OUT.pdf]
//        PAGE.html [--hostile PAGE.html]...
//
// For every page: it loads from a file:// URL with the network cut off (a proxy that
// does not exist, nothing bypassed but loopback) and any request for anything but the
// page itself counts as a failure; the console has no error and no exception; every
// <figure> holds an inline SVG drawn with a non-zero size, both on the page and inside
// the SVG (its content's bounding box); it prints on A4 (the PDF's media box). The first
// page's whole length is kept as a screenshot (--screenshot). A --hostile page holds
// labels that would run script if they were not escaped: its title must be unchanged, no
// <img> or <script> may exist, and the label must be in the text as written.
// Exit 0 when every check passed, 1 otherwise (each failure on stderr).
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const args = process.argv.slice(2);
let chromium = '/usr/bin/chromium', screenshot = null, pdfOut = null;
const pages = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--chromium') chromium = args[++i];
  else if (args[i] === '--screenshot') screenshot = args[++i];
  else if (args[i] === '--pdf') pdfOut = args[++i];
  else if (args[i] === '--hostile') pages.push({ file: args[++i], hostile: true });
  else pages.push({ file: args[i], hostile: false });
}
if (pages.length === 0) {
  console.error('usage: check.js [--chromium PATH] [--screenshot OUT.png] PAGE.html [--hostile PAGE.html]');
  process.exit(2);
}

const failures = [];
const fail = (page, what) => failures.push(`${path.basename(page)}: ${what}`);
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'amdahl-chromium-'));
const chrome = spawn(chromium, [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--no-default-browser-check',
  '--disable-default-apps', '--disable-extensions', '--mute-audio', '--hide-scrollbars',
  // Offline: every request would go through a proxy on a port where nothing listens.
  '--proxy-server=127.0.0.1:9', '--proxy-bypass-list=<-loopback>',
  `--user-data-dir=${profile}`, '--remote-debugging-pipe', 'about:blank',
], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
let chromeErr = '';
chrome.stderr.on('data', (d) => { chromeErr = (chromeErr + d).slice(-4000); });
chrome.on('error', (e) => { console.error(`check.js: cannot start ${chromium}: ${e.message}`); process.exit(1); });
let closing = false;
// A Chromium that ends at once closes the pipe under the first write: say so once, below.
chrome.stdio[3].on('error', () => {});
chrome.on('exit', (code, signal) => {
  if (closing) return;
  console.error(`check.js: Chromium ended (${signal || 'exit ' + code}) before the checks did:\n${chromeErr}`);
  process.exit(1);
});

// ---- the protocol ----
let nextId = 1, buffered = Buffer.alloc(0);
const waiting = new Map(), listeners = [];
chrome.stdio[4].on('data', (chunk) => {
  buffered = Buffer.concat([buffered, chunk]);
  let end;
  while ((end = buffered.indexOf(0)) >= 0) {
    const msg = JSON.parse(buffered.subarray(0, end).toString('utf8'));
    buffered = buffered.subarray(end + 1);
    if (msg.id && waiting.has(msg.id)) {
      const { resolve, reject } = waiting.get(msg.id);
      waiting.delete(msg.id);
      if (msg.error) reject(new Error(`${msg.error.message} (${msg.error.code})`));
      else resolve(msg.result);
    } else if (msg.method) {
      for (const l of listeners.slice()) l(msg);
    }
  }
});
function send(method, params = {}, sessionId) {
  const id = nextId++;
  const msg = { id, method, params };
  if (sessionId) msg.sessionId = sessionId;
  chrome.stdio[3].write(JSON.stringify(msg) + '\0');
  return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
}
function once(method, sessionId, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${method} within ${timeoutMs} ms`)), timeoutMs);
    const l = (msg) => {
      if (msg.method === method && msg.sessionId === sessionId) {
        clearTimeout(timer);
        listeners.splice(listeners.indexOf(l), 1);
        resolve(msg.params);
      }
    };
    listeners.push(l);
  });
}

// What the page shows, measured in the page (no script of the page's own runs: this is the test's).
const probe = `(() => {
  const figs = Array.from(document.querySelectorAll('figure'));
  return JSON.stringify({
    title: document.title,
    scripts: document.scripts.length,
    imgs: document.images.length,
    text: document.body.textContent,
    figures: figs.map((f) => {
      const svg = f.querySelector(':scope > svg');
      if (!svg) return { svg: false };
      const r = svg.getBoundingClientRect(), b = svg.getBBox();
      return { svg: true, w: r.width, h: r.height, bw: b.width, bh: b.height,
               name: svg.querySelector(':scope > title') ? svg.querySelector(':scope > title').textContent : '',
               caption: f.querySelector('figcaption') ? f.querySelector('figcaption').textContent.length : 0 };
    }),
    tables: document.querySelectorAll('table').length,
  });
})()`;

async function checkPage(page, first) {
  const url = 'file://' + path.resolve(page.file);
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  const problems = [];
  const onEvent = (msg) => {
    if (msg.sessionId !== sessionId) return;
    const p = msg.params;
    if (msg.method === 'Runtime.exceptionThrown')
      problems.push(`exception: ${p.exceptionDetails.text} ${p.exceptionDetails.exception ? p.exceptionDetails.exception.description : ''}`);
    else if (msg.method === 'Runtime.consoleAPICalled' && (p.type === 'error' || p.type === 'assert'))
      problems.push(`console.${p.type}: ${p.args.map((a) => a.value || a.description).join(' ')}`);
    else if (msg.method === 'Log.entryAdded' && p.entry.level === 'error')
      problems.push(`console error (${p.entry.source}): ${p.entry.text}`);
    else if (msg.method === 'Network.requestWillBeSent' && p.request.url !== url && !p.request.url.startsWith('data:'))
      problems.push(`fetched ${p.request.url}`);
  };
  listeners.push(onEvent);
  for (const m of ['Runtime.enable', 'Log.enable', 'Page.enable', 'Network.enable'])
    await send(m, {}, sessionId);
  await send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false }, sessionId);
  const loaded = once('Page.loadEventFired', sessionId, 20000);
  const nav = await send('Page.navigate', { url }, sessionId);
  if (nav.errorText) problems.push(`cannot open: ${nav.errorText}`);
  await loaded;
  const r = await send('Runtime.evaluate', { expression: probe, returnByValue: true }, sessionId);
  const seen = JSON.parse(r.result.value);

  if (seen.figures.length === 0) problems.push('no figure');
  seen.figures.forEach((f, i) => {
    if (!f.svg) problems.push(`figure ${i + 1} holds no inline SVG`);
    else if (!(f.w > 100 && f.h > 50 && f.bw > 50 && f.bh > 50))
      problems.push(`figure ${i + 1} (${f.name}) renders at ${f.w}x${f.h}, content ${f.bw}x${f.bh}`);
    else if (!f.name || !f.caption) problems.push(`figure ${i + 1} has no title or caption`);
  });
  if (seen.tables === 0) problems.push('no table');
  if (seen.scripts !== 0) problems.push(`${seen.scripts} script element(s)`);
  if (page.hostile) {
    if (!seen.title.startsWith('amdahl report')) problems.push(`a label's script ran: the title is now '${seen.title}'`);
    if (seen.imgs !== 0) problems.push(`a label became ${seen.imgs} <img> element(s)`);
    if (!seen.text.includes("<script>document.title='pwned'</script>"))
      problems.push('the label is not in the text as written');
  }
  // Print on A4: Chromium takes the page's @page size; the PDF's media box says what it got.
  await send('Emulation.setEmulatedMedia', { media: 'print' }, sessionId);
  const pdf = await send('Page.printToPDF', { preferCSSPageSize: true, printBackground: true }, sessionId);
  const pdfBytes = Buffer.from(pdf.data, 'base64');
  const box = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(pdfBytes.toString('latin1'));
  if (!box || Math.abs(box[1] - 595.3) > 2 || Math.abs(box[2] - 841.9) > 2)
    problems.push(`printed on ${box ? box[1] + 'x' + box[2] : 'no'} points, not A4 (595x842)`);
  const pagesPrinted = (pdfBytes.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  if (first && pdfOut) fs.writeFileSync(pdfOut, pdfBytes);
  await send('Emulation.setEmulatedMedia', { media: 'screen' }, sessionId);
  if (first && screenshot) {
    const { cssContentSize } = await send('Page.getLayoutMetrics', {}, sessionId);
    const height = Math.min(Math.ceil(cssContentSize.height), 16000);
    const shot = await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true,
      clip: { x: 0, y: 0, width: 1280, height, scale: 1 } }, sessionId);
    fs.writeFileSync(screenshot, Buffer.from(shot.data, 'base64'));
  }
  listeners.splice(listeners.indexOf(onEvent), 1);
  await send('Target.closeTarget', { targetId });
  problems.forEach((p) => fail(page.file, p));
  console.log(`${page.file}: ${seen.figures.length} figures, ${seen.tables} tables, ${pagesPrinted} A4 pages` +
    `${page.hostile ? ', labels stayed text' : ''}: ${problems.length ? 'FAILED' : 'ok'}`);
}

const deadline = setTimeout(() => {
  console.error('check.js: Chromium did not answer within 90 s\n' + chromeErr);
  chrome.kill('SIGKILL');
  process.exit(1);
}, 90000);

(async () => {
  try {
    for (let i = 0; i < pages.length; i++) await checkPage(pages[i], i === 0);
  } catch (e) {
    failures.push(`${e.message}\n${chromeErr}`);
  }
  closing = true;
  try {
    await Promise.race([send('Browser.close'), new Promise((r) => setTimeout(r, 2000))]);
  } catch (e) { /* it is going anyway */ }
  clearTimeout(deadline);
  chrome.kill('SIGKILL');
  fs.rmSync(profile, { recursive: true, force: true });
  for (const f of failures) console.error(`check.js: ${f}`);
  process.exit(failures.length ? 1 : 0);
})();
