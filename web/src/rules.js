// The rule builder's model: the attributes of the enterprise archive (rules/schema.cpp) and a
// two-way mapping between form rows and the canonical rule text the server prints.
export const ATTRS = [
  { key: 'region', label: '注册地', type: 'code', table: 'region' },
  { key: 'industry', label: '行业', type: 'code', table: 'industry' },
  { key: 'scale', label: '企业规模', type: 'enum', values: ['大型', '中型', '小型', '微型'] },
  { key: 'registration_type', label: '登记注册类型', type: 'enum', values: ['有限责任公司', '股份有限公司', '个人独资企业', '合伙企业', '外商投资企业', '个体工商户', '农民专业合作社', '其他'] },
  { key: 'age', label: '成立年限', type: 'int', unit: '年' },
  { key: 'employees', label: '从业人数', type: 'int', unit: '人' },
  { key: 'revenue', label: '营业收入', type: 'money', unit: '万元' },
  { key: 'revenue_growth', label: '营业收入增长率', type: 'percent', unit: '%' },
  { key: 'registered_capital', label: '注册资本', type: 'money', unit: '万元' },
  { key: 'total_assets', label: '资产总额', type: 'money', unit: '万元' },
  { key: 'rd_expense', label: '研发费用', type: 'money', unit: '万元' },
  { key: 'rd_ratio', label: '研发费用占比', type: 'percent', unit: '%' },
  { key: 'tax_paid', label: '纳税额', type: 'money', unit: '万元' },
  { key: 'export_value', label: '出口额', type: 'money', unit: '万元' },
  { key: 'tax_credit_grade', label: '纳税信用等级', type: 'enum', values: ['A', 'B', 'M', 'C', 'D'] },
  { key: 'dishonest', label: '失信被执行人', type: 'bool' },
  { key: 'tags', label: '资质标签', type: 'tags' },
]
export const ATTR = Object.fromEntries(ATTRS.map((a) => [a.key, a]))

// Attributes registered by the platform admin (GET /api/v1/attributes) join the built-in ones.
// Returns true when something was added.
export function registerAttributes(list) {
  let added = false
  for (const a of list || []) {
    if (ATTR[a.key] || a.active === false || a.derived) continue
    const type = { tagset: 'tags', tag_set: 'tags' }[a.type] || a.type
    const def = { key: a.key, label: a.label, type, unit: type === 'money' ? '万元' : a.unit || '', values: a.enum_values || [], table: a.code_table || '' }
    ATTRS.push(def)
    ATTR[a.key] = def
    added = true
  }
  return added
}

const NUM_OPS = [
  { op: '>=', label: '不低于' },
  { op: '<=', label: '不高于' },
  { op: '>', label: '高于' },
  { op: '<', label: '低于' },
  { op: '=', label: '等于' },
]
export function opsFor(attr) {
  const a = ATTR[attr]
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
    default:
      return NUM_OPS
  }
}

export function newRow(attr = 'revenue') {
  const ops = opsFor(attr)
  return { attr, op: ops[0]?.op || '>=', value: ATTR[attr]?.type === 'enum' ? [] : '' }
}

const q = (s) => `"${String(s).replace(/"/g, '')}"`

function num(v) {
  const s = String(v ?? '').trim()
  return /^-?\d+(\.\d+)?$/.test(s) ? s : null
}

// One row → one leaf of rule text, or null while the row is incomplete.
export function rowText(r) {
  const a = ATTR[r.attr]
  if (!a) return null
  switch (a.type) {
    case 'code':
      return r.value ? `${a.key} under ${q(r.value)}` : null
    case 'enum':
      if (r.op === 'in') return Array.isArray(r.value) && r.value.length ? `${a.key} in [${r.value.map(q).join(', ')}]` : null
      return r.value && !Array.isArray(r.value) ? `${a.key} ${r.op} ${q(r.value)}` : Array.isArray(r.value) && r.value.length === 1 ? `${a.key} ${r.op} ${q(r.value[0])}` : null
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

export function rowsText(rows) {
  return rows.map(rowText).filter(Boolean).join(' and ')
}

// Splits at top-level " and "; null when the rule uses or / parentheses / between (text view only).
function splitAnd(text) {
  const parts = []
  let depth = 0
  let quoted = false
  let cur = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '"') quoted = !quoted
    if (!quoted && (c === '[' || c === '(')) depth++
    if (!quoted && (c === ']' || c === ')')) depth--
    if (!quoted && depth === 0 && text.startsWith(' and ', i)) {
      parts.push(cur)
      cur = ''
      i += 4
      continue
    }
    if (!quoted && depth === 0 && (text.startsWith(' or ', i) || c === '(')) return null
    cur += c
  }
  if (cur.trim()) parts.push(cur)
  return parts.map((p) => p.trim())
}

function moneyWan(v) {
  const s = v.trim()
  let m
  if ((m = s.match(/^(-?[\d.]+)亿$/))) return String(+(parseFloat(m[1]) * 10000).toFixed(4))
  if ((m = s.match(/^(-?[\d.]+)万$/))) return m[1]
  if ((m = s.match(/^(-?[\d.]+)元?$/))) return String(+(parseFloat(m[1]) / 10000).toFixed(6))
  return null
}

// Canonical rule text (as /rules/check prints it) → rows, or null when the form cannot show it.
export function parseRows(text) {
  if (!text || !text.trim()) return []
  const parts = splitAnd(text.trim())
  if (!parts) return null
  const rows = []
  for (const p of parts) {
    let m
    if ((m = p.match(/^(not )?has "([^"]+)"( within \d+ years)?$/))) {
      if (m[3]) return null
      rows.push({ attr: 'tags', op: m[1] ? 'not has' : 'has', value: m[2] })
    } else if ((m = p.match(/^not (\w+)$/)) && ATTR[m[1]]?.type === 'bool') {
      rows.push({ attr: m[1], op: 'not', value: '' })
    } else if ((m = p.match(/^(\w+)$/)) && ATTR[m[1]]?.type === 'bool') {
      rows.push({ attr: m[1], op: 'is', value: '' })
    } else if ((m = p.match(/^(\w+) under "([^"]+)"$/)) && ATTR[m[1]]) {
      rows.push({ attr: m[1], op: 'under', value: m[2] })
    } else if ((m = p.match(/^(\w+) in \[(.*)\]$/)) && ATTR[m[1]]?.type === 'enum') {
      rows.push({ attr: m[1], op: 'in', value: [...m[2].matchAll(/"([^"]*)"/g)].map((x) => x[1]) })
    } else if ((m = p.match(/^(\w+) (>=|<=|>|<|=|!=) (.+)$/)) && ATTR[m[1]]) {
      const a = ATTR[m[1]]
      let v = m[3]
      if (a.type === 'enum' || a.type === 'code') {
        if (a.type === 'code' || m[2] === '=' || m[2] === '!=') {
          v = v.replace(/^"|"$/g, '')
          rows.push(a.type === 'enum' ? { attr: a.key, op: m[2], value: v } : { attr: a.key, op: 'under', value: v })
          continue
        }
        return null
      }
      if (a.type === 'date') {
        v = v.replace(/^"|"$/g, '')
        if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return null
        rows.push({ attr: a.key, op: m[2], value: v })
        continue
      }
      if (a.type === 'money') v = moneyWan(v)
      else if (a.type === 'percent') v = v.replace(/%$/, '')
      else if (a.type === 'bool') return null
      if (v === null || !/^-?[\d.]+$/.test(v)) return null
      rows.push({ attr: a.key, op: m[2], value: v })
    } else {
      return null
    }
  }
  return rows
}
