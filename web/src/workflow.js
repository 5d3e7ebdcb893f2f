// Shared words and helpers of the application pages (申报、审核): status and stage labels in
// Chinese, tag colours, and how to find the open application of an item.
import { api } from './api'

export const APP_STATUS_TYPE = {
  draft: 'info',
  submitted: 'primary',
  returned: 'warning',
  in_review: 'primary',
  publicity: 'warning',
  approved: 'success',
  rejected: 'danger',
  withdrawn: 'info',
}
export const appStatusType = (s) => APP_STATUS_TYPE[s] || 'info'

// Statuses an applicant can still act on (the server refuses a second open application of an item).
export const OPEN_STATUSES = ['draft', 'submitted', 'returned', 'in_review', 'publicity']

export const STAGE_KIND = {
  accept: '受理',
  review: '审核',
  joint_review: '会审',
  site_check: '现场核查',
  third_party: '第三方评审',
  publicity: '公示',
}
export const stageKindLabel = (k) => STAGE_KIND[k] || k

export const STAGE_STATUS = {
  waiting: { label: '未开始', type: 'info' },
  active: { label: '办理中', type: 'primary' },
  paused: { label: '待补正（计时暂停）', type: 'warning' },
  done: { label: '已完成', type: 'success' },
  refused: { label: '不予通过', type: 'danger' },
  cancelled: { label: '已取消', type: 'info' },
}

export const DECISION = {
  accept: '予以受理',
  approve: '同意',
  reject: '不予通过',
  refuse: '不予通过',
  return: '退回补正',
}
export const decisionLabel = (d) => DECISION[d] || d

export const PROVIDED = {
  upload: '已上传',
  data_sharing: '数据共享获取',
  missing: '未提供',
}

// The fields of a material or form value the API names: "materials.2" → material 2, "values.x" → field x.
export function problemTarget(field) {
  const m = /^materials[.[](\d+)/.exec(field || '')
  if (m) return { type: 'material', key: m[1] }
  const v = /^values[.[]([^.\]]+)/.exec(field || '')
  if (v) return { type: 'field', key: v[1] }
  return null
}

// Starts a draft of `itemId`, or finds the application of it that is already open.
// Resolves to the application's id.
export async function startOrResume(itemId) {
  try {
    const a = await api.post('/me/applications', { item_id: Number(itemId) })
    return a.id
  } catch (e) {
    if (e.code !== 'already_open') throw e
    // The 409 carries the open application's id (error.details); older servers only its case number.
    const named = (e.details || []).find((d) => d.application_id)
    if (named) return named.application_id
    const mine = (await api.get('/me/applications', { page_size: 100 })).items || []
    const open = mine.find((a) => a.item_id === Number(itemId) && OPEN_STATUSES.includes(a.status))
    if (!open) throw e
    return open.id
  }
}

// The page of the applicant for an application: the form while it can be edited, the detail otherwise.
export function applicantLink(a) {
  return a.status === 'draft' ? `/space/applications/${a.id}/form` : `/space/applications/${a.id}`
}

export const dayText = (d) => (d ? d : '—')
