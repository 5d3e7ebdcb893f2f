// What crash.mjs and iofault.mjs share: the server process (start, kill -9, restart on the same
// database and port), a logged-in session, SQL read straight from the database (sqlite3 / psql,
// not through the server under test), `huiqi audit verify`.
import { spawn, spawnSync } from 'node:child_process';
import { openSync } from 'node:fs';
import { createServer } from 'node:net';

const BIN = process.env.HUIQI_BIN;
const DB = process.env.HUIQI_DB;
const PASSWORD = process.env.HUIQI_DEMO_PASSWORD || 'Huiqi@2026';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const rnd = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo + 1));
export const pick = (a) => a[Math.floor(Math.random() * a.length)];

export function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

export class Server {
  constructor(logPath, extraArgs = []) {
    this.logPath = logPath;
    this.extraArgs = extraArgs;
    this.proc = null;
    this.port = 0;
    this.exited = null;
    // A run that throws must not leave its server behind.
    process.on('exit', () => this.proc?.kill('SIGKILL'));
  }
  get base() {
    return `http://127.0.0.1:${this.port}`;
  }
  async start() {
    if (!this.port) this.port = await freePort();
    const log = openSync(this.logPath, 'a');
    this.proc = spawn(BIN, ['serve', '--db', DB, '--listen', `127.0.0.1:${this.port}`, '--demo-identity',
                            ...this.extraArgs], { stdio: ['ignore', log, log] });
    this.exited = new Promise((r) => this.proc.once('exit', (code, signal) => r({ code, signal })));
    let gone = false;
    this.exited.then(() => (gone = true));
    for (let i = 0; i < 300 && !gone; i++) {
      try {
        const r = await fetch(this.base + '/api/v1/health', { signal: AbortSignal.timeout(1000) });
        if (r.ok) return;
      } catch {}
      await sleep(100);
    }
    throw new Error(`the server did not start on ${this.base} (see ${this.logPath})`);
  }
  kill9() {
    if (this.proc) this.proc.kill('SIGKILL');
  }
  async wait() {
    if (this.proc) await this.exited;
    this.proc = null;
  }
  async stop() {
    if (!this.proc) return;
    this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc?.kill('SIGKILL'), 10000);
    await this.exited;
    clearTimeout(t);
    this.proc = null;
  }
}

export class Session {
  constructor(server, login) {
    this.server = server;
    this.login = login;
    this.cookie = '';
    this.csrf = '';
    this.me = null;
  }
  async call(method, path, body, contentType, timeoutMs = 30000) {
    const headers = {};
    if (this.cookie) headers.cookie = `huiqi_session=${this.cookie}`;
    if (this.csrf && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    let payload;
    if (body !== undefined && typeof body === 'string') {
      payload = body;
      headers['content-type'] = contentType || 'text/plain';
    } else if (method !== 'GET') {
      payload = JSON.stringify(body ?? {});
      headers['content-type'] = 'application/json';
    }
    const r = await fetch(this.server.base + path, {
      method, headers, body: payload, signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await r.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {}
    return { status: r.status, ok: r.status >= 200 && r.status < 300, text, json };
  }
  async signIn() {
    const r = await fetch(this.server.base + '/api/v1/auth/login', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: this.login, password: PASSWORD }), signal: AbortSignal.timeout(30000),
    });
    if (r.status !== 200) throw new Error(`${this.login} cannot log in: ${r.status} ${await r.text()}`);
    const c = r.headers.get('set-cookie') || '';
    this.cookie = c.slice(c.indexOf('=') + 1, c.indexOf(';'));
    this.csrf = (await r.json()).csrf_token;
    this.me = (await this.call('GET', '/api/v1/me')).json;
  }
}

//! Rows of a query as arrays of strings, read with sqlite3 or psql (not the server under test).
export function sql(q) {
  let r;
  if (DB.startsWith('sqlite:')) {
    r = spawnSync('sqlite3', ['-batch', '-bail', '-noheader', '-separator', '\t', '-cmd', '.timeout 10000',
                              DB.slice('sqlite:'.length), q], { encoding: 'utf8' });
  } else {
    r = spawnSync('psql', [DB, '-XAtq', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', q], { encoding: 'utf8' });
  }
  if (r.status !== 0) throw new Error(`sql failed: ${q}\n${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

export function auditVerify() {
  const r = spawnSync(BIN, ['audit', 'verify', '--db', DB], { encoding: 'utf8' });
  return { ok: r.status === 0, out: (r.stdout + r.stderr).trim() };
}
