// The I/O-fault pass of the crash test (docs/reliability.md "Crash safety (kill -9)"): the SQLite
// database and the state directory live on a small loop-mounted ext4 of their own (HUIQI_IO_MOUNT),
// which is (1) filled up and (2) made read-only with `chattr +i` on the database, its WAL, the
// audit checkpoint and the directory — immutable stops writes through descriptors already open and
// stops root too, where chmod stops neither, and `mount -o remount,ro` is refused (EBUSY) while
// the server holds files open for writing. The -shm file is left alone: it is SQLite's mmap'ed
// WAL index, not data. In each case writes must
// be answered with a clean 5xx in the standard JSON error body within the request timeout (no
// crash, no hang), reads keep working, and once space (or write access) returns, writes succeed
// again without a restart and `huiqi audit verify` passes.
// Usage (tests/crash_test.sh): HUIQI_BIN, HUIQI_DB, HUIQI_STATE_DIR, HUIQI_IO_MOUNT, HUIQI_CRASH_DIR
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { Server, Session, auditVerify, sleep, rnd, sql } from './lib.mjs';

const MOUNT = process.env.HUIQI_IO_MOUNT;
const DIR = process.env.HUIQI_CRASH_DIR;
const failures = [];
const fail = (m) => {
  failures.push(m);
  console.log('FAIL ' + m);
};
const server = new Server(`${DIR}/iofault-server.log`);
let seq = 0;

function fillUp(path) {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(1 << 16);
  let bytes = 0;
  try {
    for (;;) bytes += writeSync(fd, chunk);
  } catch (e) {
    if (e.code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
  return bytes;
}

function immutable(on) {
  const state = process.env.HUIQI_STATE_DIR;
  const paths = readdirSync(state).filter((f) => !f.endsWith('-shm')).map((f) => `${state}/${f}`);
  paths.push(state);
  const r = spawnSync('chattr', [on ? '+i' : '-i', ...paths], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`chattr ${on ? '+i' : '-i'}: ${r.stderr}`);
}

// The writes tried under the fault: small (a correction) and large (a 3,000-row import).
function csv(rows) {
  let s = '统一社会信用代码,事项编码,金额(元),拨付日期,资金来源,文件依据,项目,所属期\n';
  const p = `io-${process.pid}-${++seq}`;
  for (let i = 0; i < rows; i++) s += `${S.ent.me.uscc},,${rnd(100, 999)}.00,2026-11-20,省级财政,人社发〔2026〕1号,${p},2026-${i}\n`;
  return s;
}
const writes = {
  correction: () => S.ent.call('POST', '/api/v1/me/enterprise/corrections',
                                { attribute: 'rd_ratio', value: `${rnd(1, 9)}.${rnd(0, 9)}%`, note: `io-${++seq}` }),
  import: () => S.officer.call('POST', '/api/v1/dept/subsidy-records/import', csv(3000), 'text/csv'),
  bankAccount: () => S.ent.call('POST', '/api/v1/me/bank-accounts', {
    account_name: S.ent.name, bank_name: '中国银行常州分行', account_number: `6222${rnd(100000000, 999999999)}123456`,
  }),
};
const S = {};

// Under the fault: every write answered, 2xx or a clean 5xx with {"error":{"code","message"}};
// at least one refused (else the fault was not reached); reads still answer 200.
async function underFault(name) {
  const seen = [];
  let refused = 0;
  for (let i = 0; i < 3; i++) {
    for (const [w, call] of Object.entries(writes)) {
      const t = Date.now();
      let r;
      try {
        r = await call();
      } catch (e) {
        fail(`${name}: ${w} got no answer (${e.name}: ${e.message}) after ${Date.now() - t} ms`);
        continue;
      }
      seen.push(`${w} ${r.status} ${r.json?.error?.code ?? ''} ${Date.now() - t}ms`);
      if (r.ok) continue;
      if (r.status < 500 || !r.json?.error?.code || !r.json?.error?.message) {
        fail(`${name}: ${w} answered ${r.status} ${r.text.slice(0, 200)} (want a 5xx JSON error)`);
      } else refused++;
    }
  }
  if (!refused) fail(`${name}: no write was refused — the fault did not reach the database`);
  for (const [path, who] of [['/api/v1/health', S.ent], ['/api/v1/me', S.ent], ['/api/v1/me/offers', S.ent],
                             ['/api/v1/subsidy-records?page_size=5', S.officer]]) {
    const r = await who.call('GET', path).catch((e) => ({ status: e.message }));
    if (r.status !== 200) fail(`${name}: read ${path} answered ${r.status}`);
  }
  if (server.proc?.exitCode !== null) fail(`${name}: the server exited`);
  console.log(`${name}: ${seen.join('; ')}`);
  return { refused, answers: seen.length };
}

async function recovered(name) {
  for (const [w, call] of Object.entries(writes)) {
    let r;
    for (let i = 0; i < 10; i++) {
      r = await call();
      if (r.ok) break;
      await sleep(300);
    }
    if (!r.ok) fail(`${name}: after the fault ended, ${w} still answers ${r.status} ${r.text.slice(0, 200)}`);
  }
  const v = auditVerify();
  if (!v.ok) fail(`${name}: huiqi audit verify: ${v.out}`);
}

await server.start();
S.ent = new Session(server, 'ent_xingchen');
S.officer = new Session(server, 'rsj_officer');
await S.ent.signIn();
await S.officer.signIn();
S.ent.name = sql(`SELECT name FROM enterprises WHERE uscc = '${S.ent.me.uscc}'`)[0][0];
await recovered('before');

const filler = `${MOUNT}/filler`;
const bytes = fillUp(filler);
const full = await underFault(`disk full (${(bytes / 1048576).toFixed(1)} MB filler)`);
rmSync(filler);
await recovered('disk full');

immutable(true);
let ro;
try {
  ro = await underFault('read-only (chattr +i)');
} finally {
  immutable(false);
}
await recovered('read-only');
await server.stop();
const v = auditVerify();
if (!v.ok) fail(`after stop: huiqi audit verify: ${v.out}`);
console.log(`iofault figures: full refused=${full.refused}/${full.answers} read_only refused=${ro.refused}/${ro.answers} failures=${failures.length}`);
process.exit(failures.length ? 1 : 0);
