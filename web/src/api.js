// The one way the app talks to the server: JSON over /api/v1, the session cookie, the CSRF
// token on every change, and errors turned into ApiError with a Chinese message.
import { reactive } from 'vue'

export const session = reactive({ csrf: '' })

// Called when a request made with a session is refused as unauthenticated (the session expired
// or was ended elsewhere); main.js sends the user to the login page.
let unauthenticated = () => {}
export function onUnauthenticated(fn) {
  unauthenticated = fn
}

export class ApiError extends Error {
  constructor(status, body, path) {
    const e = (body && body.error) || {}
    let message = e.message
    if (!message) {
      if (status === 404) message = `接口暂未开放或记录不存在（404：${path}）`
      else if (status === 0) message = '无法连接服务器，请检查网络后重试'
      else if (status >= 500) message = `服务器出错（${status}），请稍后再试`
      else message = `请求失败（${status}）`
    }
    super(message)
    this.status = status
    this.code = e.code || (status === 404 ? 'not_found' : 'http_' + status)
    this.field = e.field || ''
    this.similar = e.similar || []
    // Every problem when there are several ({"field", "message"} each), e.g. an incomplete submission.
    this.details = Array.isArray(e.details) ? e.details : []
    this.path = path
    this.body = body
  }
}

function query(params) {
  if (!params) return ''
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue
    q.append(k, v)
  }
  const s = q.toString()
  return s ? '?' + s : ''
}

export async function request(method, path, { params, body } = {}) {
  const url = '/api/v1' + path + query(params)
  const headers = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (method !== 'GET' && session.csrf) headers['X-CSRF-Token'] = session.csrf
  let res
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch (err) {
    throw new ApiError(0, null, path)
  }
  let data = null
  const text = await res.text()
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = null // not JSON (a proxy's error page): ApiError then words the message by status
    }
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data, path)
    if (res.status === 401 && err.code === 'unauthenticated' && session.csrf && path !== '/me') {
      session.csrf = ''
      unauthenticated(err)
    }
    throw err
  }
  return data
}

// Uploads one file as the request body (POST /api/v1/files?name=…&purpose=…): the server
// streams it to disk and types it by content. Resolves to {id, name, kind, kind_label, size, sha256}.
export async function uploadFile(file, { purpose = 'application' } = {}) {
  const path = '/files'
  // encodeURIComponent, not URLSearchParams: a space must be %20 (the server reads no "+").
  const url = `/api/v1${path}?name=${encodeURIComponent(file.name)}&purpose=${encodeURIComponent(purpose)}`
  const headers = { Accept: 'application/json', 'Content-Type': file.type || 'application/octet-stream' }
  if (session.csrf) headers['X-CSRF-Token'] = session.csrf
  let res
  try {
    res = await fetch(url, { method: 'POST', headers, credentials: 'same-origin', body: file })
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

export const api = {
  get: (path, params) => request('GET', path, { params }),
  post: (path, body = {}) => request('POST', path, { body }),
  put: (path, body = {}) => request('PUT', path, { body }),
  patch: (path, body = {}) => request('PATCH', path, { body }),
  del: (path) => request('DELETE', path),
}

// Money in fen → “12.5万元” / “3,000元”.
export function fenText(fen) {
  if (fen === null || fen === undefined) return ''
  const yuan = fen / 100
  if (Math.abs(yuan) >= 10000) return (yuan / 10000).toLocaleString('zh-CN', { maximumFractionDigits: 2 }) + '万元'
  return yuan.toLocaleString('zh-CN', { maximumFractionDigits: 2 }) + '元'
}

// Search snippets carry <mark> only: escape everything, then let <mark> back in.
export function safeSnippet(html) {
  const esc = String(html || '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
  return esc.replace(/&lt;mark&gt;/g, '<mark>').replace(/&lt;\/mark&gt;/g, '</mark>')
}

export const LEVELS = [
  { code: 'national', label: '国家级' },
  { code: 'provincial', label: '省级' },
  { code: 'municipal', label: '市级' },
  { code: 'county', label: '县区级' },
]

export const PERIODS = [
  { code: 'open', label: '申报中' },
  { code: 'upcoming', label: '未开始' },
  { code: 'closed', label: '已截止' },
]

export function statusType(status) {
  return (
    {
      draft: 'info',
      in_review: 'warning',
      published: 'success',
      superseded: '',
      repealed: 'danger',
      withdrawn: 'danger',
    }[status] || 'info'
  )
}

// "2026-12-09T10:15:54+08:00" (Asia/Shanghai, as the server writes times) → "2026-12-09 10:15".
export function shortTime(ts) {
  if (!ts) return ''
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(ts)
  return m ? `${m[1]} ${m[2]}` : ts
}
