// Shared words and helpers of the 免申即享 / 兑付 pages (issue 14, docs/payments.md): status
// labels and tag colours, 元 ↔ fen without floating point, CSV bodies and CSV downloads, and the
// import report an upload answers (or a 422 import_invalid carries).
import { ApiError, fenText, session } from './api'

export const LIST_STATUS = { draft: ['待审核', 'warning'], sent: ['已审核并推送', 'success'], discarded: ['已作废', 'info'] }
export const OFFER_STATUS = {
  pending: ['待确认', 'warning'],
  confirmed: ['已确认', 'success'],
  declined: ['已放弃', 'info'],
  objected: ['有异议待答复', 'danger'],
  expired: ['已逾期', 'info'],
}
export const ENTRY_STATUS = {
  pending: ['待部门确认', 'warning'],
  confirmed: ['待支付', 'primary'],
  in_batch: ['支付中', 'primary'],
  paid: ['已到账', 'success'],
  failed: ['支付失败', 'danger'],
  returned: ['资金退回', 'danger'],
}
export const BATCH_STATUS = { open: ['已生成', 'warning'], exported: ['已导出', 'primary'], settled: ['已结算', 'success'] }
export const CLAIM_STATUS = { open: ['待答复', 'warning'], pending: ['待答复', 'warning'], answered: ['已答复', 'success'] }

const TABLES = { list: LIST_STATUS, offer: OFFER_STATUS, entry: ENTRY_STATUS, batch: BATCH_STATUS, claim: CLAIM_STATUS }
// The label the server gives (status_label), else ours, else the code.
export const statusLabel = (kind, row) => row?.status_label || TABLES[kind][row?.status]?.[0] || row?.status || ''
export const statusTagType = (kind, status) => TABLES[kind][status]?.[1] || 'info'

// "1234.5" 元 → 123450 fen (null when it is not an amount with at most two decimals).
export function yuanToFen(text) {
  const m = /^\s*(\d{1,12})(?:\.(\d{1,2}))?\s*$/.exec(String(text ?? '').replace(/,/g, ''))
  if (!m) return null
  return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'))
}
// fen → "1234.50" (for inputs and CSV files).
export function fenYuan(fen) {
  if (fen === null || fen === undefined) return ''
  const neg = fen < 0
  const a = Math.abs(fen)
  return `${neg ? '-' : ''}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`
}
// An amount for people: the server's `<key>_display` when it sent one, else from the fen.
export function money(row, key = 'amount') {
  const fen = row?.[key + '_fen']
  const shown = row?.[key + '_display']
  if (shown) return /元/.test(shown) ? shown : `${shown} 元`
  if (fen === null || fen === undefined) return '按实际核定'
  return fenText(fen)
}

// A CSV (a File/Blob as chosen, so a GBK file reaches the server unchanged, or a string) as the
// request body. Resolves to the JSON answer; throws ApiError as api.js does.
export async function postCsv(path, body, params) {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== '') q.append(k, v)
  const url = '/api/v1' + path + (q.toString() ? '?' + q : '')
  const headers = { Accept: 'application/json', 'Content-Type': 'text/csv; charset=utf-8' }
  if (session.csrf) headers['X-CSRF-Token'] = session.csrf
  let res
  try {
    res = await fetch(url, { method: 'POST', headers, credentials: 'same-origin', body })
  } catch {
    throw new ApiError(0, null, path)
  }
  const text = await res.text()
  let data = null
  try {
    data = text ? JSON.parse(text) : null
  } catch {
    data = null
  }
  if (!res.ok) throw new ApiError(res.status, data, path)
  return data
}

// Downloads what GET /api/v1<path> answers (a CSV) as a file named `name`; resolves to its text.
export async function downloadFile(path, name) {
  let res
  try {
    res = await fetch('/api/v1' + path, { credentials: 'same-origin', headers: { Accept: 'text/csv, application/json' } })
  } catch {
    throw new ApiError(0, null, path)
  }
  const blob = await res.blob()
  if (!res.ok) {
    let data = null
    try {
      data = JSON.parse(await blob.text())
    } catch {
      data = null
    }
    throw new ApiError(res.status, data, path)
  }
  const cd = res.headers.get('Content-Disposition') || ''
  const m = /filename\*=UTF-8''([^;]+)|filename="?([^";]+)"?/i.exec(cd)
  const filename = m ? decodeURIComponent(m[1] || m[2]) : name
  const href = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = href
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(href), 10000)
  return blob.text()
}

// The import report of an answer or of a refused import (422 import_invalid carries it in the
// error's details, or as `report`): {rows, accepted, rejected, unchanged, committed, problems}.
export function reportOf(x) {
  if (!x) return null
  if (x instanceof ApiError) {
    const e = x.body?.error || {}
    const r = e.report || x.body?.report || (e.details && !Array.isArray(e.details) ? e.details : null)
    if (r) return { committed: false, ...r, problems: r.problems || [] }
    if (x.details.length || x.code === 'import_invalid') return { committed: false, problems: x.details }
    return null
  }
  return x.report || x
}

// The facts an offer was made from, as rows {label, value, source, as_of} whatever shape they came in.
export function factRows(facts) {
  if (!facts) return []
  const rows = Array.isArray(facts) ? facts : Object.entries(facts).map(([key, v]) => (v && typeof v === 'object' && !Array.isArray(v) ? { key, ...v } : { key, value: v }))
  return rows.map((f) => ({
    label: f.label || f.name || f.key,
    value: show(f.value_label ?? f.display ?? f.value),
    source: f.source_label || f.source || '',
    as_of: f.as_of || f.date || f.updated_at || f.recorded_at || '',
  }))
}
function show(v) {
  if (v === null || v === undefined || v === '') return '—'
  if (Array.isArray(v)) return v.map(show).join('、')
  if (typeof v === 'object') return v.label || v.text || v.name || JSON.stringify(v)
  if (v === true) return '是'
  if (v === false) return '否'
  return String(v)
}
