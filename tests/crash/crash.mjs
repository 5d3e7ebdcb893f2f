// Crash safety (issue 16 item 3, docs/reliability.md "Crash safety (kill -9)"): real writes through
// the HTTP API from several concurrent clients, `kill -9` of `huiqi serve` at a random moment while
// they are in flight, a restart on the same database, and after each restart:
//   * every write the server acknowledged (2xx) is there, with what it must have created;
//   * nothing half-written is visible anywhere in the database (not only in our own writes): an
//     offer list without all its entries, a sent list without its offers, an offer without its
//     notice, a confirmation without its payment entry, any of them without its audit row;
//   * at most one outbox row per notice and channel;
//   * `huiqi audit verify` passes (the hash chain and its checkpoint).
// At the end the outbox is drained and the SMS file channel must hold each notice's message
// exactly once.
// Usage (tests/crash_test.sh sets these): HUIQI_BIN, HUIQI_DB, HUIQI_STATE_DIR, HUIQI_DATA_DIR,
// HUIQI_CRASH_ROUNDS, HUIQI_CRASH_DIR (logs and the acknowledged-writes journal)
//   node tests/crash/crash.mjs
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Server, Session, sql, auditVerify, sleep, rnd, pick } from './lib.mjs';

const ROUNDS = Number(process.env.HUIQI_CRASH_ROUNDS || 8);
const DIR = process.env.HUIQI_CRASH_DIR;
const STATE = process.env.HUIQI_STATE_DIR;
const WORKERS = 4;
const ITEM = '失业保险稳岗返还'; // the 免申即享 item of 人社局 in the demo data

const failures = [];
const fail = (m) => {
  failures.push(m);
  console.log('FAIL ' + m);
};
const acked = []; // {kind, ...what it must have created}
const journal = `${DIR}/acked.jsonl`;
const ack = (w) => {
  acked.push(w);
  appendFileSync(journal, JSON.stringify(w) + '\n');
};
const stats = { sent: 0, acked: 0, refused: 0, lost_in_flight: 0, kills: 0 };
const refusedBy = {}; // "409 offer_not_pending" → count

const server = new Server(`${DIR}/server.log`);
let S = {};
let itemId = 0;
const accounts = {}; // login → bank account id
const names = {}; // login → the enterprise's name (a bank account's holder must bear it)

async function signInAll() {
  S = {};
  for (const l of ['rsj_officer', 'rsj_reviewer', 'ent_xingchen', 'ent_lvyuan']) {
    S[l] = new Session(server, l);
    await S[l].signIn();
  }
}

// ---- the writes: each returns nothing; an acknowledged one is journaled with what it made ----
let seq = 0;
const tag = () => `crash-${process.pid}-${++seq}`;

const ops = {
  async correction() {
    const who = pick(['ent_xingchen', 'ent_lvyuan']);
    const note = tag();
    const r = await S[who].call('POST', '/api/v1/me/enterprise/corrections', {
      attribute: 'rd_ratio', value: `${rnd(1, 9)}.${rnd(0, 9)}%`, note,
    });
    if (r.ok) ack({ kind: 'correction', id: r.json.id, note });
    return r;
  },
  async offerList() {
    const amount = 100000 + rnd(0, 99999);
    const r = await S.rsj_officer.call('POST', `/api/v1/dept/items/${itemId}/offer-lists`, {
      default_amount_fen: amount,
    });
    if (r.ok) ack({ kind: 'offer_list', id: r.json.id, entries: r.json.entries });
    return r;
  },
  async approve() {
    const drafts = acked.filter((w) => w.kind === 'offer_list' && !w.approved);
    if (!drafts.length) return ops.offerList();
    const w = pick(drafts);
    const r = await S.rsj_reviewer.call('POST', `/api/v1/dept/offer-lists/${w.id}/approve`);
    if (r.ok) {
      w.approved = true;
      ack({ kind: 'approve', id: w.id, entries: w.entries });
    }
    return r;
  },
  async bankAccount() {
    const who = pick(['ent_xingchen', 'ent_lvyuan']);
    const number = '6222' + String(rnd(100000000, 999999999)) + String(rnd(100000, 999999));
    const r = await S[who].call('POST', '/api/v1/me/bank-accounts', {
      account_name: names[who], bank_name: '中国银行常州分行', account_number: number,
    });
    if (r.ok) ack({ kind: 'bank_account', id: r.json.id, masked: r.json.masked });
    return r;
  },
  async confirm() {
    const who = pick(['ent_xingchen', 'ent_lvyuan']);
    const mine = await S[who].call('GET', '/api/v1/me/offers?page_size=100');
    if (!mine.ok) return mine;
    const pending = mine.json.items.filter((o) => o.status === 'pending');
    if (!pending.length) return ops.approve();
    const o = pick(pending);
    const r = await S[who].call('POST', `/api/v1/me/offers/${o.id}/confirm`, { account_id: accounts[who] });
    if (r.ok) ack({ kind: 'confirm', id: o.id, account: accounts[who] });
    return r;
  },
  async records() {
    const project = tag();
    const n = rnd(1, 20);
    let csv = '统一社会信用代码,事项编码,金额(元),拨付日期,资金来源,文件依据,项目,所属期\n';
    for (let i = 0; i < n; i++) {
      const uscc = pick([S.ent_xingchen.me.uscc, S.ent_lvyuan.me.uscc]);
      csv += `${uscc},,${rnd(100, 9999)}.${rnd(10, 99)},2026-11-${String(rnd(1, 30)).padStart(2, '0')},省级财政,人社发〔2026〕1号,${project},2026-${i}\n`;
    }
    const r = await S.rsj_officer.call('POST', '/api/v1/dept/subsidy-records/import', csv, 'text/csv');
    if (r.ok) {
      if (r.json.accepted !== n) fail(`records: ${n} rows sent, the 2xx answer says accepted ${r.json.accepted}`);
      ack({ kind: 'records', project, rows: n });
    }
    return r;
  },
};
const MIX = ['correction', 'correction', 'offerList', 'approve', 'approve', 'bankAccount', 'confirm', 'confirm',
             'confirm', 'records', 'records'];

async function worker(state) {
  while (!state.stop) {
    const op = pick(MIX);
    stats.sent++;
    let r;
    try {
      r = await ops[op]();
    } catch (e) {
      stats.lost_in_flight++; // the connection died with the server: the outcome is unknown
      continue;
    }
    if (r.ok) stats.acked++;
    else {
      stats.refused++;
      const key = `${op} ${r.status} ${r.json?.error?.code ?? ''}`;
      refusedBy[key] = (refusedBy[key] || 0) + 1;
      // 409 (a race between two workers on one offer, one list) and 422 are answers; a 5xx while the
      // server is up is a failure.
      if (r.status >= 500 && !state.stop) fail(`${op}: ${r.status} ${r.text.slice(0, 200)}`);
    }
  }
}

// ---- the checks ----
const one = (q) => Number(sql(q)[0]?.[0] ?? 'NaN');
const none = (what, q) => {
  const rows = sql(q);
  if (rows.length) fail(`${what}: ${rows.length} (e.g. ${rows.slice(0, 3).map((r) => r.join('|')).join('; ')})`);
};
const auditOf = (action, entity, idExpr) =>
  `NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = '${action}' AND a.entity = '${entity}' ` +
  `AND a.entity_id = CAST(${idExpr} AS TEXT))`;

// Everything the acknowledged writes must have made, read in one query per table (psql starts
// a connection per query).
function checkAcknowledged(round) {
  const map = (q) => new Map(sql(q).map(([k, ...v]) => [k, v]));
  const corrections = map(`SELECT id, note FROM enterprise_corrections WHERE note LIKE 'crash-%'`);
  const lists = map(`SELECT id, entry_count, status FROM offer_lists`);
  const offersOf = map(`SELECT list_id, COUNT(*) FROM offers GROUP BY list_id`);
  const accountRows = map(`SELECT id, masked FROM bank_accounts`);
  const confirmed = map(`SELECT id, bank_account_id FROM offers WHERE status = 'confirmed'`);
  const entries = map(`SELECT source_id, COUNT(*) FROM payment_entries WHERE source = 'offer' GROUP BY source_id`);
  const records = map(`SELECT project, COUNT(*) FROM subsidy_records WHERE project LIKE 'crash-%' GROUP BY project`);
  let n = 0;
  for (const w of acked) {
    n++;
    const id = String(w.id);
    const where = `round ${round}: acknowledged ${w.kind} ${w.id ?? w.project}`;
    if (w.kind === 'correction') {
      if (corrections.get(id)?.[0] !== w.note) fail(`${where} is missing`);
    } else if (w.kind === 'offer_list') {
      if (Number(lists.get(id)?.[0]) !== w.entries) fail(`${where} is missing or lost entries`);
    } else if (w.kind === 'approve') {
      if (lists.get(id)?.[1] !== 'sent') fail(`${where}: the list is not sent`);
      if (Number(offersOf.get(id)?.[0]) !== w.entries) fail(`${where}: not ${w.entries} offers`);
    } else if (w.kind === 'bank_account') {
      if (accountRows.get(id)?.[0] !== w.masked) fail(`${where} is missing`);
    } else if (w.kind === 'confirm') {
      if (confirmed.get(id)?.[0] !== String(w.account)) fail(`${where}: the offer is not confirmed with account ${w.account}`);
      if (Number(entries.get(id)?.[0]) !== 1) fail(`${where}: no payment entry`);
    } else if (w.kind === 'records') {
      if (Number(records.get(w.project)?.[0]) !== w.rows) fail(`${where}: not ${w.rows} subsidy records`);
    }
  }
  return n;
}

function checkNothingHalfWritten() {
  none('offer lists whose entry_count differs from their entries',
       `SELECT l.id, l.entry_count FROM offer_lists l WHERE l.entry_count <> ` +
       `(SELECT COUNT(*) FROM offer_list_entries e WHERE e.list_id = l.id)`);
  none('sent offer lists without an offer for each entry',
       `SELECT l.id FROM offer_lists l WHERE l.status = 'sent' AND l.entry_count <> ` +
       `(SELECT COUNT(*) FROM offers o WHERE o.list_id = l.id)`);
  none('offers of a list that is not sent', `SELECT o.id FROM offers o JOIN offer_lists l ON l.id = o.list_id WHERE l.status <> 'sent'`);
  none('offer lists without their create audit row', `SELECT l.id FROM offer_lists l WHERE ${auditOf('offer_list.create', 'offer_list', 'l.id')}`);
  none('sent offer lists without their approve audit row',
       `SELECT l.id FROM offer_lists l WHERE l.status = 'sent' AND ${auditOf('offer_list.approve', 'offer_list', 'l.id')}`);
  none('offers without their offer.created notice',
       `SELECT o.id FROM offers o WHERE NOT EXISTS (SELECT 1 FROM notices n WHERE n.kind = 'offer.created' ` +
       `AND n.entity = 'offer' AND n.entity_id = CAST(o.id AS TEXT))`);
  none('confirmed offers without a bank account, payment entry, audit row or notice',
       `SELECT o.id FROM offers o WHERE o.status = 'confirmed' AND (o.bank_account_id IS NULL ` +
       `OR NOT EXISTS (SELECT 1 FROM payment_entries p WHERE p.source = 'offer' AND p.source_id = o.id) ` +
       `OR ${auditOf('offer.confirm', 'offer', 'o.id')} ` +
       `OR NOT EXISTS (SELECT 1 FROM notices n WHERE n.kind = 'offer.confirmed' AND n.entity_id = CAST(o.id AS TEXT)))`);
  none('payment entries of an offer that is not confirmed',
       `SELECT p.id FROM payment_entries p JOIN offers o ON o.id = p.source_id WHERE p.source = 'offer' AND o.status <> 'confirmed'`);
  none('corrections without their audit row',
       `SELECT c.id FROM enterprise_corrections c WHERE ${auditOf('enterprise.correction.propose', 'enterprise_correction', 'c.id')}`);
  none('bank accounts without their audit row',
       `SELECT b.id FROM bank_accounts b WHERE ${auditOf('bank_account.create', 'bank_account', 'b.id')}`);
  none('applications without their create audit row',
       `SELECT p.id FROM applications p WHERE ${auditOf('application.create', 'application', 'p.id')}`);
  none('submitted applications without their submit audit row',
       `SELECT p.id FROM applications p WHERE p.status <> 'draft' AND ${auditOf('application.submit', 'application', 'p.id')}`);
  // An import is one transaction with one audit row: as many import audit rows as distinct crash
  // projects is not checkable per row (the audit row carries counts), so count rows per project:
  // a project is written whole or not at all.
  none('subsidy-record imports written in part',
       `SELECT project, COUNT(*) FROM subsidy_records WHERE project LIKE 'crash-%' GROUP BY project ` +
       `HAVING COUNT(*) <> MAX(CAST(SUBSTR(period, 6) AS INTEGER)) + 1`);
  none('notices with two outbox rows for one channel',
       `SELECT notice_id, channel, COUNT(*) FROM outbox GROUP BY notice_id, channel HAVING COUNT(*) > 1`);
}

async function checkReadsBack() {
  // The API reads the same rows back (the last few acknowledged of each kind).
  for (const w of acked.filter((x) => x.kind === 'confirm').slice(-5)) {
    for (const who of ['ent_xingchen', 'ent_lvyuan']) {
      const r = await S[who].call('GET', `/api/v1/me/offers/${w.id}`);
      if (r.ok && r.json.status !== 'confirmed') fail(`GET offer ${w.id}: status ${r.json.status}`);
    }
  }
  for (const w of acked.filter((x) => x.kind === 'offer_list').slice(-5)) {
    const r = await S.rsj_officer.call('GET', `/api/v1/dept/offer-lists/${w.id}`);
    if (!r.ok || r.json.entries !== w.entries) fail(`GET offer list ${w.id}: ${r.status} entries ${r.json?.entries}`);
  }
}

function checkAudit(round) {
  const v = auditVerify();
  if (!v.ok) fail(`round ${round}: huiqi audit verify: ${v.out}`);
}

// ---- the outbox, drained at the end ----
async function drainOutbox() {
  // Rows claimed by the killed server stay 'sending' until their lease (120 s) ends; end it now
  // instead of waiting, which is what the clock would do.
  await server.stop();
  sql(`UPDATE outbox SET claimed_until = 0 WHERE status = 'sending'`);
  sql(`UPDATE outbox SET next_attempt_at = 0 WHERE status = 'pending'`);
  await server.start();
  let left = -1;
  for (let i = 0; i < 100; i++) {
    left = one(`SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')`);
    if (left === 0) break;
    await sleep(200);
  }
  if (left !== 0) fail(`outbox: ${left} rows still undelivered 20 s after the last restart`);
  none('outbox rows with more than one successful attempt',
       `SELECT outbox_id, COUNT(*) FROM outbox_attempts WHERE ok = 1 GROUP BY outbox_id HAVING COUNT(*) > 1`);
  const dead = sql(`SELECT id, last_error FROM outbox WHERE status = 'dead'`);
  if (dead.length) fail(`outbox: ${dead.length} dead rows (${dead[0].join(' ')})`);
  const log = existsSync(`${STATE}/sms-outbox.log`) ? readFileSync(`${STATE}/sms-outbox.log`, 'utf8') : '';
  const lines = new Map();
  for (const line of log.split('\n')) {
    const key = line.split('\t')[3];
    if (key && /^n\d+-/.test(key)) lines.set(key, (lines.get(key) || 0) + 1);
  }
  const twice = [...lines].filter(([, c]) => c > 1);
  if (twice.length) fail(`SMS file channel: ${twice.length} messages delivered more than once (${twice.slice(0, 5).map(([k, c]) => `${k}×${c}`).join(', ')})`);
  const sent = sql(`SELECT idempotency_key FROM outbox WHERE channel = 'sms' AND status = 'sent'`).map((r) => r[0]);
  const missing = sent.filter((k) => !lines.has(k));
  if (missing.length) fail(`SMS file channel: ${missing.length} sent rows with no line (${missing.slice(0, 5).join(', ')})`);
  return { rows: sent.length, lines: [...lines.values()].reduce((a, b) => a + b, 0), twice: twice.length };
}

// ---- the run ----
writeFileSync(journal, '');
await server.start();
await signInAll();
itemId = Number(sql(`SELECT i.id FROM items i JOIN item_catalogue c ON c.id = i.catalogue_id WHERE c.name = '${ITEM}' AND i.status = 'published'`)[0][0]);
for (const who of ['ent_xingchen', 'ent_lvyuan']) {
  names[who] = sql(`SELECT name FROM enterprises WHERE uscc = '${S[who].me.uscc}'`)[0][0];
  const r = await S[who].call('POST', '/api/v1/me/bank-accounts', {
    account_name: names[who], bank_name: '中国银行常州分行', account_number: `62220202001${who === 'ent_lvyuan' ? 2 : 1}2233445`,
  });
  if (!r.ok) throw new Error(`bank account for ${who}: ${r.status} ${r.text}`);
  accounts[who] = r.json.id;
}
const t0 = Date.now();
let checked = 0;
for (let round = 1; round <= ROUNDS; round++) {
  const state = { stop: false };
  const running = Array.from({ length: WORKERS }, () => worker(state));
  await sleep(rnd(300, 1500)); // writes in flight at a random moment
  state.stop = true;
  server.kill9();
  stats.kills++;
  await Promise.all(running);
  await server.wait();
  await server.start(); // the sessions are rows in the database: they survive the restart
  checked += checkAcknowledged(round);
  checkNothingHalfWritten();
  await checkReadsBack();
  checkAudit(round);
  console.log(`round ${round}: ${stats.acked} acknowledged so far, ${stats.lost_in_flight} cut off in flight, ${failures.length} failures`);
  if (failures.length) break;
}
const outbox = await drainOutbox();
checkNothingHalfWritten();
checkAudit('final');
await server.stop();
const byKind = {};
for (const w of acked) byKind[w.kind] = (byKind[w.kind] || 0) + 1;
console.log(`crash figures: db=${process.env.HUIQI_DB.split(':')[0]} rounds=${ROUNDS} kills=${stats.kills} ` +
            `requests=${stats.sent} acknowledged=${stats.acked} refused=${stats.refused} cut_off=${stats.lost_in_flight} ` +
            `acknowledged_checks=${checked} by_kind=${JSON.stringify(byKind)} sms_rows=${outbox.rows} ` +
            `sms_lines=${outbox.lines} sms_twice=${outbox.twice} seconds=${((Date.now() - t0) / 1000).toFixed(1)} ` +
            `failures=${failures.length}`);
console.log(`refused (an answer, not a failure): ${JSON.stringify(refusedBy)}`);
process.exit(failures.length ? 1 : 0);
