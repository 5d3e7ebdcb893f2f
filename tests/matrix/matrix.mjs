// The route × role matrix (issue 16 item 1, docs/reliability.md): every route the running server
// registered (GET /api/v1/admin/routes, straight from the router) is called as each principal —
// anonymous, two enterprises, an individual, officer, reviewer and admin of two departments,
// counter staff, finance and the platform admin — with real objects owned by each. What each cell
// must answer follows from what the route declares beside its handler (http::Access: login,
// kinds, roles; On(kind) / Owned(kind) for what its path names):
//   * the gate: anonymous on a login route → 401; a kind or role the route does not admit → 403;
//   * Owned(kind): another owner's object (enterprise B's application for enterprise A, the other
//     department's policy for department X's staff, someone else's notice) → 403 or 404, and the
//     refused call leaves no audit row;
//   * everyone the gate admits, with their own object (or any object for On routes): neither 401
//     nor 403;
//   * no cell ever answers 5xx; a logged-in route never shows an enterprise another's USCC.
// A route whose path names a kind this file has no objects for fails the run, unless that kind is
// listed in NO_FIXTURE_YET (which also fails once objects appear, so the list only shrinks).
// Usage: HUIQI_URL=http://127.0.0.1:PORT node tests/matrix/matrix.mjs   (tests/matrix/run.sh)
import { writeFileSync } from 'node:fs';

const base = process.env.HUIQI_URL;
if (!base) throw new Error('HUIQI_URL is not set');
const PASSWORD = process.env.HUIQI_DEMO_PASSWORD || 'Huiqi@2026';

// Department X is 市场监管局 and Y 数据局: the demo enterprises have applications with both.
const PRINCIPALS = {
  anonymous: null,
  entA: 'ent_xingchen',
  entB: 'ent_lvyuan',
  person: 'person_li',
  xOfficer: 'sjj_officer',
  xReviewer: 'sjj_reviewer',
  xAdmin: 'sjj_admin',
  yOfficer: 'sju_officer',
  yReviewer: 'sju_reviewer',
  yAdmin: 'sju_admin',
  counter: 'zwb_counter',
  finance: 'czj_finance',
  admin: 'admin',
};
// Kinds no fixture is made for yet (a dead outbox entry needs a channel that keeps failing). Their routes are still called by everyone (the gate, no 5xx) with an id that does not
// exist; the ownership cells for them are not exercised (docs/reliability.md says so).
const NO_FIXTURE_YET = new Set(['outbox']);
const MISSING_ID = 987654321;

class Session {
  constructor(name, login) {
    this.name = name;
    this.login = login;
    this.cookie = '';
    this.csrf = '';
    this.me = null;
  }
  async call(method, path, body) {
    const headers = {};
    if (this.cookie) headers.cookie = `huiqi_session=${this.cookie}`;
    if (this.csrf && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    let payload;
    if (method !== 'GET' && method !== 'DELETE') {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body ?? {});
    }
    const r = await fetch(base + path, { method, headers, body: payload, redirect: 'manual' });
    const text = await r.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {}
    return { status: r.status, text, json };
  }
  async signIn() {
    if (!this.login) return;
    const r = await fetch(base + '/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: this.login, password: PASSWORD }),
    });
    if (r.status !== 200) throw new Error(`${this.login} cannot log in: ${r.status} ${await r.text()}`);
    const c = r.headers.get('set-cookie') || '';
    this.cookie = c.slice(c.indexOf('=') + 1, c.indexOf(';'));
    this.csrf = (await r.json()).csrf_token;
    this.me = (await this.call('GET', '/api/v1/me')).json;
    this.me.roles = (this.me.roles || []).map((r) => r.code ?? r);
  }
}

const failures = [];
const fail = (msg) => failures.push(msg);
const must = (r, what) => {
  if (r.status >= 300) throw new Error(`fixture: ${what} answered ${r.status}: ${r.text.slice(0, 300)}`);
  return r.json;
};

// ---- principals ----
const S = {};
for (const [name, login] of Object.entries(PRINCIPALS)) {
  S[name] = new Session(name, login);
  await S[name].signIn();
}
const X = S.xOfficer.me.department_id;
const Y = S.yOfficer.me.department_id;
const ucA = S.entA.me.uscc;
const ucB = S.entB.me.uscc;
if (!X || !Y || X === Y || !ucA || !ucB) throw new Error('the demo principals are not what this test expects');

// ---- objects, each with its owners: enterprise ('A'/'B'), departments, user (login) ----
const objects = {}; // kind → [{id, ent, depts, user}]
const add = (kind, o) => (objects[kind] ||= []).push({ ent: null, depts: [], user: null, ...o });

for (const [ent, s] of [['A', S.entA], ['B', S.entB]]) {
  const apps = must(await s.call('GET', '/api/v1/me/applications?page_size=100'), 'my applications').items;
  for (const a of apps) {
    const full = must(await s.call('GET', `/api/v1/applications/${a.id}`), 'an application');
    const depts = [...new Set(full.stages.map((st) => st.department_id))];
    add('application', { id: a.id, ent, depts, status: a.status });
    for (const st of full.stages) add('stage', { id: st.id, ent, depts: [st.department_id] });
    for (const m of full.materials) if (m.file_id) add('file', { id: m.file_id, ent, depts });
    for (const o of full.opinions) add('opinion', { id: o.id, ent, depts });
  }
  for (const n of must(await s.call('GET', '/api/v1/me/notices?page_size=5'), 'notices').items)
    add('notice', { id: n.id, ent, user: s.login });
  for (const m of must(await s.call('GET', '/api/v1/me/enterprise/members'), 'members').items)
    add('member', { id: m.id, ent, user: m.login });
  const inv = must(await s.call('POST', '/api/v1/me/enterprise/invitations', { note: '矩阵测试' }), 'an invitation');
  add('invitation', { id: inv.id, ent });
  const sub = must(await s.call('POST', '/api/v1/me/subscriptions', { kind: 'keyword', value: '人才' }), 'a subscription');
  add('subscription', { id: sub.id, ent, user: s.login });
}
{
  const sub = must(await S.person.call('POST', '/api/v1/me/subscriptions', { kind: 'keyword', value: '创业' }), 'a subscription');
  add('subscription', { id: sub.id, user: S.person.login });
}
const publishedItems = {};
for (const [dept, s] of [[X, S.xOfficer], [Y, S.yOfficer]]) {
  for (const p of must(await s.call('GET', '/api/v1/dept/policies?page_size=100'), 'department policies').items)
    add('policy', { id: p.id, depts: [dept], status: p.status });
  for (const it of must(await s.call('GET', '/api/v1/dept/items?page_size=100'), 'department items').items) {
    add('item', { id: it.id, depts: [dept], status: it.status });
    if (it.status === 'published') (publishedItems[dept] ||= []).push(it.id);
  }
  const c = must(
    await s.call('POST', '/api/v1/dept/push-campaigns', { item_id: publishedItems[dept][0], target: 'eligible', message: '矩阵测试' }),
    'a push campaign',
  );
  add('campaign', { id: c.id, depts: [dept] });
}
// A campaign of X to A and B by list, submitted (small batches need no approval) and sent by the
// scheduler: each gets a push.
{
  const c = must(
    await S.xOfficer.call('POST', '/api/v1/dept/push-campaigns', {
      item_id: publishedItems[X][0], target: 'list', usccs: [ucA, ucB], message: '矩阵测试推送',
    }),
    'a list campaign',
  );
  must(await S.xOfficer.call('POST', `/api/v1/dept/push-campaigns/${c.id}/submit`, {}), 'submitting the campaign');
  for (const [ent, s] of [['A', S.entA], ['B', S.entB]]) {
    let pushes = [];
    for (let i = 0; i < 100 && pushes.length === 0; i++) {
      pushes = must(await s.call('GET', '/api/v1/me/pushes'), 'my pushes').items;
      if (!pushes.length) await new Promise((r) => setTimeout(r, 100));
    }
    for (const p of pushes) add('push', { id: p.id, ent, user: s.login });
  }
}
// 免申即享 (department Z, the one running 失业保险稳岗返还 in the demo): a list derived from the
// item's rule and approved, so every demo enterprise holds an offer; a second list left in draft;
// a claim (我符合条件但未收到) of each enterprise.
const noApplication = must(await S.anonymous.call('GET', '/api/v1/items?page_size=100'), 'items').items.filter(
  (it) => it.no_application && it.status === 'published',
);
if (noApplication.length < 2) throw new Error('the demo has fewer than two published 免申即享 items');
{
  const z = noApplication[0].department.id;
  const code = noApplication[0].department.code; // CZ-RSJ → rsj_officer
  const prefix = code.replace(/^CZ-/, '').replace(/-/g, '').toLowerCase();
  const zOfficer = new Session('zOfficer', `${prefix}_officer`);
  const zReviewer = new Session('zReviewer', `${prefix}_reviewer`);
  await zOfficer.signIn();
  await zReviewer.signIn();
  const item = noApplication[0].id;
  const list = must(await zOfficer.call('POST', `/api/v1/dept/items/${item}/offer-lists`, { default_amount_fen: 100000 }), 'an offer list');
  must(await zReviewer.call('POST', `/api/v1/dept/offer-lists/${list.id}/approve`, {}), 'approving the offer list');
  const draft = must(await zOfficer.call('POST', `/api/v1/dept/items/${item}/offer-lists`, { default_amount_fen: 50000 }), 'a draft offer list');
  add('offer_list', { id: list.id, depts: [z] });
  add('offer_list', { id: draft.id, depts: [z] });
  for (const [ent, s] of [['A', S.entA], ['B', S.entB]]) {
    for (const o of must(await s.call('GET', '/api/v1/me/offers'), 'my offers').items) add('offer', { id: o.id, ent, depts: [o.department_id] });
  }
  // B confirms its offer onto its own account; the department confirms the entry; finance sets
  // the budget and batches it (A's offer stays open for the cells).
  const offerB = objects.offer.find((o) => o.ent === 'B');
  const account = must(
    await S.entB.call('POST', '/api/v1/me/bank-accounts', {
      account_name: S.entB.me.display_name,
      bank_name: '中国工商银行常州分行',
      account_number: '6222 0200 0000 1234',
    }),
    'a bank account',
  );
  must(await S.entB.call('POST', `/api/v1/me/offers/${offerB.id}/confirm`, { account_id: account.id }), 'confirming an offer');
  const entries = must(await zReviewer.call('GET', `/api/v1/payment-entries?item_id=${item}`), 'payment entries').items;
  for (const e of entries) add('payment_entry', { id: e.id, ent: e.uscc === ucB ? 'B' : null, depts: [z] });
  must(await zReviewer.call('POST', '/api/v1/dept/payment-entries/confirm', { ids: entries.map((e) => e.id) }), 'confirming entries');
  must(await S.finance.call('POST', '/api/v1/finance/budgets', { item_id: item, funding_source: '市级财政', total_fen: 100000000 }), 'a budget');
  const batch = must(await S.finance.call('POST', '/api/v1/finance/batches', { item_id: item, funding_source: '市级财政' }), 'a payment batch');
  add('batch', { id: batch.id, depts: [z] });
}
for (const [ent, s, it] of [['A', S.entA, noApplication[0]], ['B', S.entB, noApplication[1]]]) {
  const r = await s.call('POST', `/api/v1/items/${it.id}/claims`, { text: '矩阵测试：我符合条件但未收到' });
  if (r.status === 201) add('claim', { id: r.json.id, ent, depts: [it.department.id] });
  else console.log(`note: claim fixture for ${ent}: ${r.status} ${r.text.slice(0, 160)}`);
}
// An objection (异议) by enterprise B against an application of A in 公示.
for (const a of objects.application.filter((o) => o.ent === 'A' && o.status === 'publicity')) {
  const r = await S.entB.call('POST', `/api/v1/applications/${a.id}/objections`, { text: '矩阵测试异议' });
  if (r.status === 201) add('objection', { id: r.json.id, depts: a.depts });
  else console.log(`note: objection fixture: ${r.status} ${r.text.slice(0, 160)}`);
}
// A correction (更正) of enterprise A's archive.
{
  const archive = must(await S.entA.call('GET', '/api/v1/me/enterprise'), 'my archive');
  const employees = Number(JSON.stringify(archive).match(/"employees"[^0-9]*([0-9]+)/)?.[1] ?? 100);
  const r = await S.entA.call('POST', '/api/v1/me/enterprise/corrections', { attribute: 'employees', value: employees + 7, note: '矩阵测试' });
  if (r.status === 201) add('correction', { id: r.json.id, ent: 'A', depts: r.json.department_id ? [r.json.department_id] : [] });
  else console.log(`note: correction fixture: ${r.status} ${r.text.slice(0, 160)}`);
}
// Reference objects anyone admitted may name.
const throwaway = must(
  await S.admin.call('POST', '/api/v1/admin/users', { kind: 'individual', login: `matrix_${Date.now()}`, display_name: '矩阵测试', password: 'Matrix#2026x' }),
  'a throwaway account',
);
add('user', { id: throwaway.id });
add('department', { id: X });
for (const s of must(await S.admin.call('GET', '/api/v1/admin/seals'), 'seals').items) if (s.seal) add('seal', { id: s.seal.id });
add('enterprise', { id: ucA, ent: 'A' });
add('date', { id: '2030-01-07' });
add('year', { id: '2030' });
{
  // A template or sample a guide links to (the public download route's object).
  const item = must(await S.anonymous.call('GET', `/api/v1/items/${publishedItems[X][0]}`), 'an item');
  for (const prefix of ['/files/templates/', '/files/samples/']) {
    const m = JSON.stringify(item).match(new RegExp(prefix.replace(/\//g, '\\/') + '([^"?]+)'));
    if (m) add('guide_file', { id: m[1], prefix });
  }
}

// ---- the cells ----
const routes = must(await S.admin.call('GET', '/api/v1/admin/routes'), 'the route table').items;
const ownerOf = (s, o) => {
  const me = s.me;
  if (!me) return false;
  if (me.kind === 'platform_admin') return true;
  if (o.user && o.user === me.login) return true;
  if (o.user) return false; // a user's own object (notice, subscription): only that user
  if (me.kind === 'enterprise') return (o.ent === 'A' && me.uscc === ucA) || (o.ent === 'B' && me.uscc === ucB);
  if (me.kind === 'department_staff') return o.depts.includes(me.department_id);
  return false;
};
const gate = (route, s) => {
  if (!route.login_required) return 'pass';
  if (!s.me) return 401;
  if (route.kinds.length && !route.kinds.includes(s.me.kind)) return 403;
  if (route.roles.length && s.me.kind === 'department_staff' && !route.roles.some((r) => s.me.roles.includes(r))) return 403;
  return 'pass';
};
const fill = (pattern, id) => pattern.replace(/\{[a-z_]+\}/, String(id));
const leaks = (s, r) => {
  if (!s.me || s.me.kind === 'platform_admin' || r.status !== 200) return null;
  const other = s.me.uscc === ucA ? ucB : ucA;
  if ((s.me.kind === 'enterprise' || s.me.kind === 'individual') && r.text.includes(other)) return other;
  return null;
};
// Calls that end the caller's session or change what later cells rely on run last.
const LAST = (route) => /\/auth\/(logout|password)$|\/members\/\{id\}$|\/disable$/.test(route.pattern);

let cells = 0;
const counts = { gate401: 0, gate403: 0, foreign: 0, bodyFirst: 0, allowed: 0 };
const fixtureMissing = new Set();
const bodyFirstRoutes = new Set();
const plan = { refused: [], reads: [], writes: [], last: [] };
for (const route of routes) {
  if (route.pattern === '/api/v1/admin/routes') continue;
  const kind = route.object;
  const pool = kind ? (objects[kind] || []).filter((o) => !o.prefix || route.pattern.startsWith(o.prefix)) : [];
  if (kind && pool.length === 0) {
    if (!NO_FIXTURE_YET.has(kind)) fixtureMissing.add(kind);
  }
  for (const [name, s] of Object.entries(S)) {
    const g = gate(route, s);
    const usable = pool.find((o) => !o.status || o.status === 'published') || pool[0];
    const anyId = kind ? (usable?.id ?? MISSING_ID) : null;
    const path = kind ? fill(route.pattern, anyId) : route.pattern;
    if (g !== 'pass') {
      plan.refused.push({ route, name, s, path, expect: [g], why: `gate ${g}` });
      continue;
    }
    if (route.owned && pool.length) {
      const foreign = pool.find((o) => !ownerOf(s, o));
      const own = pool.find((o) => ownerOf(s, o));
      if (foreign) plan.refused.push({ route, name, s, path: fill(route.pattern, foreign.id), expect: [403, 404], why: 'another owner' });
      if (own) (route.method === 'GET' ? plan.reads : LAST(route) ? plan.last : plan.writes).push({ route, name, s, path: fill(route.pattern, own.id), own: true });
      continue;
    }
    (route.method === 'GET' ? plan.reads : LAST(route) ? plan.last : plan.writes).push({ route, name, s, path, own: !!pool.length });
  }
}

const auditTop = async () => must(await S.admin.call('GET', '/api/v1/admin/audit?page_size=1'), 'audit').items[0]?.id ?? 0;
const report = [];
async function run(cell) {
  const r = await cell.s.call(cell.route.method, cell.path, {});
  cells++;
  const label = `${cell.route.method} ${cell.route.pattern} as ${cell.name} (${cell.path})`;
  report.push(`${r.status}\t${cell.route.method}\t${cell.path}\t${cell.name}`);
  if (r.status >= 500) fail(`${label}: ${r.status} ${r.text.slice(0, 200)}`);
  const leaked = leaks(cell.s, r);
  if (leaked && cell.route.login_required) fail(`${label}: shows another enterprise's USCC ${leaked}`);
  if (cell.expect && cell.why === 'another owner' && r.status === 400 && !cell.route.owner_checked) {
    // A kind without a router owner check whose handler reads the body first: acceptable only
    // when the answer says nothing about the object — the same error for an id that does not exist.
    const probe = await cell.s.call(cell.route.method, fill(cell.route.pattern, MISSING_ID), {});
    const same = probe.status === 400 && probe.json?.error?.code === r.json?.error?.code && probe.json?.error?.field === r.json?.error?.field;
    if (!same) fail(`${label}: answered ${r.status} ${r.text.slice(0, 160)} but ${probe.status} for a missing id: the answer depends on the object`);
    counts.foreign++;
    counts.bodyFirst++;
    bodyFirstRoutes.add(`${cell.route.method} ${cell.route.pattern}`);
    return r;
  }
  if (cell.expect) {
    if (!cell.expect.includes(r.status)) fail(`${label}: expected ${cell.expect.join('/')} (${cell.why}), got ${r.status} ${r.text.slice(0, 200)}`);
    if (cell.expect[0] === 401) counts.gate401++;
    else if (cell.why === 'another owner') counts.foreign++;
    else counts.gate403++;
  } else {
    if (r.status === 401 || r.status === 403) fail(`${label}: admitted by the route's access rule but answered ${r.status} ${r.text.slice(0, 200)}`);
    if (r.status === 404 && cell.own && cell.route.method === 'GET') fail(`${label}: its own object answered 404 ${r.text.slice(0, 200)}`);
    counts.allowed++;
  }
  return r;
}

// Past the owner check, the owner's own object gets the body's errors, naming the field.
{
  const own = objects.offer.find((o) => o.ent === 'A');
  const empty = await S.entA.call('POST', `/api/v1/me/offers/${own.id}/confirm`, {});
  if (empty.status !== 400 || empty.json?.error?.field !== 'account_id') fail(`confirming one's own offer without an account: ${empty.status} ${empty.text.slice(0, 160)}`);
  const typed = await S.entA.call('POST', `/api/v1/me/offers/${own.id}/confirm`, { account_id: 'x' });
  if (typed.status !== 400) fail(`confirming with a wrong-typed account id: ${typed.status} ${typed.text.slice(0, 160)}`);
}

// Refused cells first: none of them may write anything (no audit row by the caller).
const mark = await auditTop();
for (const cell of plan.refused) await run(cell);
const after = [];
for (let page = 1; ; page++) {
  const rows = must(await S.admin.call('GET', `/api/v1/admin/audit?page_size=100&page=${page}`), 'audit').items;
  after.push(...rows.filter((a) => a.id > mark));
  if (rows.length < 100 || rows[rows.length - 1].id <= mark) break;
}
const refusedUsers = new Set(plan.refused.map((c) => c.s.me?.id).filter(Boolean));
for (const a of after) if (refusedUsers.has(a.actor_user_id)) fail(`a refused call left an audit row: ${a.action} ${a.entity} ${a.entity_id} by ${a.actor}`);
for (const cell of plan.reads) await run(cell);
for (const cell of plan.writes) await run(cell);
// Logging out last of all: the other session-changing calls still need the session.
plan.last.sort((a, b) => /logout$/.test(a.route.pattern) - /logout$/.test(b.route.pattern));
for (const cell of plan.last) await run(cell);

const missing = [...fixtureMissing];
if (missing.length) fail(`routes name kinds this test has no objects for: ${missing.join(', ')} (add fixtures above)`);
for (const k of NO_FIXTURE_YET) if ((objects[k] || []).length) fail(`kind ${k} has fixtures now: take it off NO_FIXTURE_YET`);

const summary = `routes ${routes.length - 1}, principals ${Object.keys(S).length}, cells ${cells} ` +
  `(gate 401: ${counts.gate401}, gate 403: ${counts.gate403}, another owner's object refused: ${counts.foreign}, ` +
  `of which the body was checked before the object (same answer as for a missing id): ${counts.bodyFirst}, admitted: ${counts.allowed}); ` +
  `owner checks in the router for: ${[...new Set(routes.filter((r) => r.owner_checked).map((r) => r.object))].sort().join(' ')}; ` +
  `kinds with objects: ${Object.keys(objects).sort().join(' ')}; without: ${[...NO_FIXTURE_YET].join(' ')}`;
console.log(summary);
if (bodyFirstRoutes.size) console.log(`routes whose handler checks the body before the object: ${[...bodyFirstRoutes].join(', ')}`);
if (process.env.HUIQI_MATRIX_REPORT) writeFileSync(process.env.HUIQI_MATRIX_REPORT, report.join('\n') + '\n');
if (failures.length) {
  console.log(`${failures.length} cells differ from what their route declares:`);
  for (const f of failures) console.log('FAIL: ' + f);
  process.exit(1);
}
console.log('matrix: every cell as declared');
