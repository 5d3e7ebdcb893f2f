// The rule builder's form ↔ text mapping (web/src/rules.js) against a real server: the attribute
// schema comes from GET /api/v1/attributes and rule text is read only by POST /api/v1/rules/check,
// whose AST becomes the form rows. The test starts `huiqi serve` on a fresh SQLite database.
//   node --test tests/browser/rules.test.mjs          (ctest: web_rules)
// Env: HUIQI_BIN (default build/huiqi), HUIQI_DATA_DIR (default data/).
import assert from 'node:assert/strict'
import { spawn, execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { rowsFromAst, rowsText, schemaFrom, newRow, opsFor } from '../../web/src/rules.js'

const root = new URL('../..', import.meta.url).pathname
const BIN = process.env.HUIQI_BIN || join(root, 'build/huiqi')
const DATA = process.env.HUIQI_DATA_DIR || join(root, 'data')
const LOGIN = 'rules_test_admin'
const PASSWORD = 'RulesTest@2026-x'

let server
let base
let tmp
let cookie = ''
let csrf = ''

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

async function call(method, path, body) {
  const headers = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (cookie) headers.Cookie = cookie
  if (csrf && method !== 'GET') headers['X-CSRF-Token'] = csrf
  const res = await fetch(base + '/api/v1' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const set = res.headers.getSetCookie?.() || []
  if (set.length) cookie = set.map((c) => c.split(';')[0]).join('; ')
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

// The server's reading of a rule: {canonical, ast, conditions}.
async function check(rule) {
  const r = await call('POST', '/rules/check', { rule })
  assert.equal(r.status, 200, `POST /rules/check ${rule}: ${JSON.stringify(r.body)}`)
  assert.ok('ast' in r.body, `POST /rules/check returns the rule's AST (is ${BIN} older than the web app?)`)
  return r.body
}
async function schema() {
  const r = await call('GET', '/attributes')
  assert.equal(r.status, 200, 'GET /attributes')
  return { list: r.body.items, schema: schemaFrom(r.body.items) }
}

before(async () => {
  assert.ok(existsSync(BIN), `the server binary ${BIN} is not built (set HUIQI_BIN)`)
  tmp = mkdtempSync(join(tmpdir(), 'huiqi-rules-'))
  const db = `sqlite:${join(tmp, 'h.db')}`
  const env = { ...process.env, HUIQI_DATA_DIR: DATA, HUIQI_PASSWORD: PASSWORD }
  execFileSync(BIN, ['migrate', '--db', db], { env, stdio: 'pipe' })
  execFileSync(BIN, ['user', 'add', '--db', db, '--kind', 'platform_admin', '--login', LOGIN, '--name', '规则测试管理员'], { env, stdio: 'pipe' })
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  server = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], { env, stdio: ['ignore', 'ignore', 'pipe'] })
  let log = ''
  server.stderr.on('data', (d) => (log += d))
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(base + '/api/v1/health')).ok) break
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  const login = await call('POST', '/auth/login', { login: LOGIN, password: PASSWORD })
  assert.equal(login.status, 200, `login: ${JSON.stringify(login.body)} ${log.slice(-500)}`)
  csrf = login.body.csrf_token
})

after(async () => {
  // Wait for the server to exit: it writes its last audit checkpoint beside the database on the way out.
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve))
    server.kill()
    await exited
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true })
})

test('the form offers exactly the attributes the server serves', async () => {
  const { list, schema: s } = await schema()
  assert.deepEqual(
    s.attrs.map((a) => a.key),
    list.filter((a) => a.active !== false).map((a) => a.key),
  )
  for (const key of ['region', 'revenue', 'tags', 'dishonest', 'scale']) assert.ok(s.byKey[key], `the server serves ${key}`)
  assert.equal(s.byKey.revenue.unit, '万元', 'money is entered in 万元')
  assert.equal(s.byKey.region.table, 'region')
  assert.deepEqual(s.byKey.tax_credit_grade.values, list.find((a) => a.key === 'tax_credit_grade').enum_values)
  assert.deepEqual(opsFor(s, 'dishonest').map((o) => o.op), ['is', 'not'])
  assert.equal(newRow(s).attr, 'revenue')
})

test('form rows built from the server’s AST print back to the server’s canonical text', async () => {
  const { schema: s } = await schema()
  for (const text of [
    'region under "3204" and revenue >= 2000万 and has "高新技术企业"',
    'employees >= 10 and rd_ratio >= 3.5% and not dishonest',
    'scale in ["小型", "微型"] and tax_credit_grade = "A"',
    'industry under "C" and not has "失信企业"',
    'registered_capital < 500万 and revenue >= 5000 and total_assets <= 1.5亿',
    'established_on <= "2023-01-01" and registration_type != "个体工商户"',
    '营业收入 不低于 1.5亿 且 非 失信被执行人',
    'dishonest',
  ]) {
    const first = await check(text)
    const rows = rowsFromAst(s, first.ast)
    assert.ok(rows, `the form shows ${text}`)
    assert.equal(rows.length, first.conditions.length, `one row per condition of ${text}`)
    const again = await check(rowsText(s, rows))
    assert.equal(again.canonical, first.canonical, `the rows of ${text} print back to the same rule`)
    assert.deepEqual(again.ast, first.ast, `the rows of ${text} mean the same rule`)
  }
})

test('rows carry values in the form’s units (万元, %, dates)', async () => {
  const { schema: s } = await schema()
  const rows = async (text) => rowsFromAst(s, (await check(text)).ast)
  assert.deepEqual(await rows('revenue >= 1.5亿'), [{ attr: 'revenue', op: '>=', value: '15000' }])
  assert.deepEqual(await rows('revenue >= 5000'), [{ attr: 'revenue', op: '>=', value: '0.5' }])
  assert.deepEqual(await rows('rd_ratio >= 3.5%'), [{ attr: 'rd_ratio', op: '>=', value: '3.5' }])
  assert.deepEqual(await rows('established_on <= "2023-01-01"'), [{ attr: 'established_on', op: '<=', value: '2023-01-01' }])
  assert.deepEqual(await rows('region under "320412" and not has "失信企业" and not dishonest'), [
    { attr: 'region', op: 'under', value: '320412' },
    { attr: 'tags', op: 'not has', value: '失信企业' },
    { attr: 'dishonest', op: 'not', value: '' },
  ])
  assert.deepEqual(await rows('tax_credit_grade in ["A", "B"]'), [{ attr: 'tax_credit_grade', op: 'in', value: ['A', 'B'] }])
})

test('rules the form cannot show are left to the text view', async () => {
  const { schema: s } = await schema()
  for (const text of [
    'revenue >= 2000万 or employees >= 100',
    '(revenue >= 2000万 or employees >= 10) and not dishonest',
    'has "专精特新中小企业" within 3 years',
    'employees between 10 and 100',
    'not (revenue >= 2000万 and employees >= 10)',
  ]) {
    assert.equal(rowsFromAst(s, (await check(text)).ast), null, text)
  }
  assert.deepEqual(rowsFromAst(s, null), [])
  // An attribute the server no longer serves is not shown as a row.
  assert.equal(rowsFromAst(schemaFrom([]), (await check('employees >= 10')).ast), null)
})

test('a registered attribute joins the form at once', async () => {
  const add = await call('POST', '/admin/attributes', { key: 'patents', label: '有效专利数', type: 'int', unit: '件', source: '市场监管' })
  assert.equal(add.status, 201, JSON.stringify(add.body))
  const { schema: s } = await schema()
  assert.equal(s.byKey.patents?.unit, '件')
  const first = await check('patents >= 5 and established_on >= "2020-01-01"')
  const rows = rowsFromAst(s, first.ast)
  assert.deepEqual(rows, [
    { attr: 'patents', op: '>=', value: '5' },
    { attr: 'established_on', op: '>=', value: '2020-01-01' },
  ])
  assert.equal((await check(rowsText(s, rows))).canonical, first.canonical)
})

test('incomplete rows are left out of the text', () => {
  const s = schemaFrom([
    { key: 'revenue', label: '营业收入', type: 'money' },
    { key: 'employees', label: '从业人数', type: 'int' },
    { key: 'region', label: '注册地', type: 'code', code_table: 'region' },
  ])
  assert.equal(rowsText(s, [{ attr: 'revenue', op: '>=', value: '' }, { attr: 'employees', op: '>=', value: '10' }]), 'employees >= 10')
  assert.equal(rowsText(s, [{ attr: 'region', op: 'under', value: '' }]), '')
  assert.equal(rowsText(s, [{ attr: 'revenue', op: '>=', value: '12x' }]), '')
})
