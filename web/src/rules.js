// The rule builder's model. Everything about the rule language comes from the server:
//   - the attributes (keys, labels, types, enum values, code tables) from GET /api/v1/attributes,
//   - the reading of rule text from POST /api/v1/rules/check, whose `ast` (the JSON form an item's
//     rule is stored in, rules/rule_json.h) this file turns into form rows.
// The only thing written here is the way back: form rows → rule text, which the server then
// checks and canonicalises like any text an officer types.

// GET /api/v1/attributes → the attributes the form offers, in the server's order. Money is
// entered in 万元 (the rule language's 万), whatever unit the archive displays it in.
export function schemaFrom(list) {
  const attrs = []
  for (const a of list || []) {
    if (a.active === false) continue
    const type = { tagset: 'tags', tag_set: 'tags' }[a.type] || a.type
    attrs.push({
      key: a.key,
      label: a.label,
      type,
      unit: type === 'money' ? '万元' : a.unit || '',
      values: a.enum_values || [],
      table: a.code_table || '',
      derived: !!a.derived,
      // The units an archive figure is typed in (万元 / 元 / 亿元, 人, %), the default first.
      units: a.units || [],
      source: a.source || '',
    })
  }
  return { attrs, byKey: Object.fromEntries(attrs.map((a) => [a.key, a])) }
}

// The schema, read once per page load and shared by every page that names attributes.
let schemaPromise = null
export function loadSchema(api) {
  if (!schemaPromise) {
    schemaPromise = api.get('/attributes').then(
      (r) => schemaFrom(r.items || r),
      (e) => {
        schemaPromise = null // a later page may try again
        throw e
      },
    )
  }
  return schemaPromise
}
// After the admin registers an attribute, pages read the schema afresh.
export function forgetSchema() {
  schemaPromise = null
}

const NUM_OPS = [
  { op: '>=', label: '不低于' },
  { op: '<=', label: '不高于' },
  { op: '>', label: '高于' },
  { op: '<', label: '低于' },
  { op: '=', label: '等于' },
]
const DATE_OPS = [
  { op: '<=', label: '不晚于' },
  { op: '>=', label: '不早于' },
  { op: '<', label: '早于' },
  { op: '>', label: '晚于' },
  { op: '=', label: '等于' },
]
export function opsFor(schema, key) {
  const a = schema.byKey[key]
  if (!a) return []
  switch (a.type) {
    case 'code':
      return [{ op: 'under', label: '属于' }]
    case 'enum':
      return [
        { op: 'in', label: '属于其一' },
        { op: '=', label: '等于' },
        { op: '!=', label: '不等于' },
      ]
    case 'bool':
      return [
        { op: 'is', label: '是' },
        { op: 'not', label: '不是' },
      ]
    case 'tags':
      return [
        { op: 'has', label: '拥有' },
        { op: 'not has', label: '不拥有' },
      ]
    case 'date':
      return DATE_OPS
    default:
      return NUM_OPS
  }
}

export function newRow(schema, key) {
  const first = schema.byKey.revenue ? 'revenue' : schema.attrs.find((a) => !a.derived)?.key || ''
  const attr = key || first
  const ops = opsFor(schema, attr)
  return { attr, op: ops[0]?.op || '>=', value: schema.byKey[attr]?.type === 'enum' && ops[0]?.op === 'in' ? [] : '' }
}

const q = (s) => `"${String(s).replace(/"/g, '')}"`

function num(v) {
  const s = String(v ?? '').trim()
  return /^-?\d+(\.\d+)?$/.test(s) ? s : null
}

// One row → one condition of rule text, or null while the row is incomplete.
export function rowText(schema, r) {
  const a = schema.byKey[r.attr]
  if (!a) return null
  switch (a.type) {
    case 'code':
      return r.value ? `${a.key} under ${q(r.value)}` : null
    case 'enum':
      if (r.op === 'in') return Array.isArray(r.value) && r.value.length ? `${a.key} in [${r.value.map(q).join(', ')}]` : null
      if (Array.isArray(r.value)) return r.value.length === 1 ? `${a.key} ${r.op} ${q(r.value[0])}` : null
      return r.value ? `${a.key} ${r.op} ${q(r.value)}` : null
    case 'bool':
      return r.op === 'not' ? `not ${a.key}` : a.key
    case 'tags':
      return r.value ? `${r.op} ${q(r.value)}` : null
    case 'money': {
      const n = num(r.value)
      return n === null ? null : `${a.key} ${r.op} ${n}万`
    }
    case 'percent': {
      const n = num(r.value)
      return n === null ? null : `${a.key} ${r.op} ${n}%`
    }
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(String(r.value || '').trim()) ? `${a.key} ${r.op} ${q(r.value.trim())}` : null
    default: {
      const n = num(r.value)
      return n === null ? null : `${a.key} ${r.op} ${n}`
    }
  }
}

export function rowsText(schema, rows) {
  return rows
    .map((r) => rowText(schema, r))
    .filter(Boolean)
    .join(' and ')
}

// ---- the server's AST → form rows ---------------------------------------------------------
// Values in the AST are exact integers at the schema's scales (rules/schema.h): money in fen,
// percent in hundredths of a point, decimal in ten-thousandths, dates in days since 1970-01-01.

// An integer divided by 10^places, as a plain decimal without float noise: (150000, 6) → "0.15".
function scaled(n, places) {
  const neg = n < 0
  const s = String(Math.abs(n)).padStart(places + 1, '0')
  const whole = s.slice(0, s.length - places)
  const frac = s.slice(s.length - places).replace(/0+$/, '')
  return (neg ? '-' : '') + whole + (frac ? '.' + frac : '')
}
function dayText(days) {
  return new Date(days * 86400000).toISOString().slice(0, 10)
}
function numberFor(type, n) {
  if (!Number.isSafeInteger(n)) return null
  switch (type) {
    case 'money':
      return scaled(n, 6) // fen → 万元
    case 'percent':
      return scaled(n, 2)
    case 'decimal':
      return scaled(n, 4)
    case 'date':
      return dayText(n)
    case 'int':
      return String(n)
    default:
      return null
  }
}
const CMP = new Set(['>=', '<=', '>', '<', '=', '!='])

// One leaf of the AST (or not(leaf)) → one row, or null when the form has no row for it.
function leafRow(schema, n) {
  if (!n || typeof n !== 'object') return null
  if (n.op === 'not') {
    const c = n.arg || {}
    if (c.op === 'has' && !c.within_years) return schema.byKey.tags ? { attr: 'tags', op: 'not has', value: c.tag } : null
    const a = schema.byKey[c.attr]
    if (a?.type === 'bool' && c.op === '=' && c.value === 1) return { attr: a.key, op: 'not', value: '' }
    return null
  }
  if (n.op === 'has') return n.within_years || !schema.byKey.tags ? null : { attr: 'tags', op: 'has', value: n.tag }
  const a = schema.byKey[n.attr]
  if (!a) return null
  if (n.op === 'under') return a.type === 'code' ? { attr: a.key, op: 'under', value: n.code } : null
  if (n.op === 'in') return a.type === 'enum' && Array.isArray(n.texts) ? { attr: a.key, op: 'in', value: [...n.texts] } : null
  if (!CMP.has(n.op)) return null // between, …
  if (a.type === 'enum') return (n.op === '=' || n.op === '!=') && typeof n.text === 'string' ? { attr: a.key, op: n.op, value: n.text } : null
  if (a.type === 'bool') return n.op === '=' && n.value === 1 ? { attr: a.key, op: 'is', value: '' } : null
  if (n.op === '!=' || n.text !== undefined) return null
  const v = numberFor(a.type, n.value)
  return v === null ? null : { attr: a.key, op: n.op, value: v }
}

// The AST of a rule (from /rules/check) → form rows; [] for no rule; null when the form cannot
// show it (或, nested groups, 区间, 近N年内, or a condition of a kind the form has no row for).
export function rowsFromAst(schema, ast) {
  if (ast === null || ast === undefined) return []
  const leaves = []
  const walk = (n) => {
    if (n && n.op === 'and' && Array.isArray(n.args)) n.args.forEach(walk)
    else leaves.push(n)
  }
  walk(ast)
  const rows = []
  for (const leaf of leaves) {
    const row = leafRow(schema, leaf)
    if (!row) return null
    rows.push(row)
  }
  return rows
}

// ---- a rule for people ----------------------------------------------------------------------
// The server's reading of rule text (POST /rules/check → {canonical, ast, conditions}), once per
// text for the whole page: a list of offers made under one rule asks once.
const readings = new Map()
export function readRule(api, rule) {
  if (!readings.has(rule)) {
    readings.set(
      rule,
      api.post('/rules/check', { rule }).catch((e) => {
        readings.delete(rule) // a later page may try again
        throw e
      }),
    )
  }
  return readings.get(rule)
}

// /rules/check's answer → the rule as Chinese lines. Its `conditions` are the leaves in
// rules::Leaves order (left to right, not(leaf) counting as its leaf); the lines group them as
// rules::DescribeLines does: one line per condition of the top-level "and", an "or" as one line
// joined by “或” (nested groups in parentheses), so nobody reads alternatives as requirements.
const GROUP_OPS = new Set(['and', 'or', 'not'])
const isLeaf = (n) => !!n && (!GROUP_OPS.has(n.op) || (n.op === 'not' && !GROUP_OPS.has(n.arg?.op)))
function leafCount(n) {
  if (isLeaf(n)) return 1
  if (n?.op === 'not') return leafCount(n.arg)
  return (n?.args || []).reduce((s, c) => s + leafCount(c), 0)
}
export function describeLines({ ast, conditions } = {}) {
  const texts = (conditions || []).map((c) => c.text || c.canonical)
  if (!ast || leafCount(ast) !== texts.length) return texts // a shape not foreseen here: the conditions as they come
  let next = 0
  const group = (n, nested) => {
    if (isLeaf(n)) return texts[next++]
    if (n.op === 'not') return `不满足：（${group(n.arg, false)}）`
    const out = n.args.map((c) => group(c, true)).join(n.op === 'and' ? '，且' : '，或')
    return nested ? `（${out}）` : out
  }
  return ast.op === 'and' ? ast.args.map((c) => group(c, false)) : [group(ast, false)]
}
