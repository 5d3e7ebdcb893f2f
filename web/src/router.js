import { createRouter, createWebHistory } from 'vue-router'
import { useAuth } from './stores/auth'

// Every page is its own chunk; the home page loads only what it shows.
const routes = [
  { path: '/', name: 'home', component: () => import('./views/public/Home.vue'), meta: { title: '首页' } },
  { path: '/search', name: 'search', component: () => import('./views/public/Search.vue'), meta: { title: '政策搜索' } },
  { path: '/policies', name: 'policies', component: () => import('./views/public/Policies.vue'), meta: { title: '政策库' } },
  { path: '/policies/:id', name: 'policy', component: () => import('./views/public/PolicyDetail.vue'), meta: { title: '政策详情' } },
  { path: '/items', name: 'items', component: () => import('./views/public/Items.vue'), meta: { title: '申报事项' } },
  { path: '/items/:id', name: 'item', component: () => import('./views/public/ItemDetail.vue'), meta: { title: '办事指南' } },
  { path: '/login', name: 'login', component: () => import('./views/public/Login.vue'), meta: { title: '登录' } },
  { path: '/register', name: 'register', component: () => import('./views/public/Register.vue'), meta: { title: '企业注册' } },
  { path: '/results', name: 'results', component: () => import('./views/public/Results.vue'), meta: { title: '结果公开' } },
  { path: '/notices', name: 'notices', component: () => import('./views/Notices.vue'), meta: { title: '消息中心', need: 'login' } },
  // Subscriptions and pushes (issue 15, docs/push.md): the recipient's settings, the one-click unsubscribe.
  { path: '/space/subscriptions', component: () => import('./views/Subscriptions.vue'), meta: { title: '我的订阅', need: 'login' } },
  { path: '/unsubscribe', name: 'unsubscribe', component: () => import('./views/public/Unsubscribe.vue'), meta: { title: '退订推送' } },

  { path: '/space', redirect: '/space/matches' },
  { path: '/space/matches', component: () => import('./views/enterprise/Matches.vue'), meta: { title: '为您匹配', need: 'enterprise' } },
  { path: '/space/archive', component: () => import('./views/enterprise/Archive.vue'), meta: { title: '企业档案', need: 'enterprise' } },
  { path: '/space/members', component: () => import('./views/enterprise/Members.vue'), meta: { title: '企业成员', need: 'enterprise' } },
  { path: '/space/applications', component: () => import('./views/enterprise/Applications.vue'), meta: { title: '我的申报', need: 'enterprise' } },
  { path: '/space/applications/:id', component: () => import('./views/enterprise/ApplicationDetail.vue'), meta: { title: '申报进度', need: 'enterprise' } },
  { path: '/space/applications/:id/form', component: () => import('./views/enterprise/ApplyForm.vue'), meta: { title: '申报表', need: 'enterprise' } },
  { path: '/space/notices', redirect: '/notices' },
  { path: '/space/payments', component: () => import('./views/enterprise/Payments.vue'), meta: { title: '我的兑付', need: 'enterprise' } },

  { path: '/dept', redirect: '/dept/policies' },
  { path: '/dept/policies', component: () => import('./views/dept/Policies.vue'), meta: { title: '本部门政策', need: 'staff' } },
  { path: '/dept/policies/new', component: () => import('./views/dept/PolicyEdit.vue'), meta: { title: '新建政策', need: 'staff' } },
  { path: '/dept/policies/:id', component: () => import('./views/dept/PolicyEdit.vue'), meta: { title: '编辑政策', need: 'staff' } },
  { path: '/dept/policies/:id/items/new', component: () => import('./views/dept/ItemEdit.vue'), meta: { title: '新增事项', need: 'staff' } },
  { path: '/dept/items', component: () => import('./views/dept/Items.vue'), meta: { title: '本部门事项', need: 'staff' } },
  { path: '/dept/items/:id', component: () => import('./views/dept/ItemEdit.vue'), meta: { title: '编辑事项', need: 'staff' } },
  { path: '/dept/items/:id/workflow', component: () => import('./views/dept/ItemWorkflow.vue'), meta: { title: '申报表与审核流程', need: 'staff' } },
  { path: '/dept/rules', component: () => import('./views/dept/RulePlayground.vue'), meta: { title: '规则试算', need: 'staff' } },
  { path: '/dept/corrections', component: () => import('./views/dept/Corrections.vue'), meta: { title: '档案更正', need: 'staff' } },
  { path: '/dept/supervision', component: () => import('./views/dept/Supervision.vue'), meta: { title: '督办提醒', need: 'staff' } },
  { path: '/dept/review', component: () => import('./views/dept/ReviewQueue.vue'), meta: { title: '申报审核', need: 'staff' } },
  { path: '/dept/applications/:id', component: () => import('./views/dept/ReviewDetail.vue'), meta: { title: '审核申报', need: 'staff' } },
  // 免申即享 and payments (issue 14, docs/payments.md)
  { path: '/dept/offer-lists', component: () => import('./views/dept/OfferLists.vue'), meta: { title: '免申即享名单', need: 'staff' } },
  { path: '/dept/offer-lists/:id', component: () => import('./views/dept/OfferList.vue'), meta: { title: '名单详情', need: 'staff' } },
  { path: '/dept/offers', component: () => import('./views/dept/Offers.vue'), meta: { title: '兑现响应', need: 'staff' } },
  { path: '/dept/payments', component: () => import('./views/dept/Payments.vue'), meta: { title: '兑付清单', need: 'staff' } },
  { path: '/dept/pushes', component: () => import('./views/dept/Pushes.vue'), meta: { title: '政策推送', need: 'staff' } },
  { path: '/dept/subsidy-records', component: () => import('./views/dept/SubsidyRecords.vue'), meta: { title: '奖补数据', need: 'records' } },

  { path: '/finance', redirect: '/finance/batches' },
  { path: '/finance/budgets', component: () => import('./views/finance/Budgets.vue'), meta: { title: '预算管理', need: 'finance' } },
  { path: '/finance/batches', component: () => import('./views/finance/Batches.vue'), meta: { title: '支付批次', need: 'finance' } },
  { path: '/finance/batches/:id', component: () => import('./views/finance/Batch.vue'), meta: { title: '支付批次', need: 'finance' } },
  { path: '/finance/reconcile', component: () => import('./views/finance/Reconcile.vue'), meta: { title: '对账', need: 'finance' } },

  { path: '/admin', redirect: '/admin/supervision' },
  { path: '/admin/supervision', component: () => import('./views/admin/Supervision.vue'), meta: { title: '平台督查', need: 'admin' } },
  { path: '/admin/departments', component: () => import('./views/admin/Departments.vue'), meta: { title: '部门管理', need: 'admin' } },
  { path: '/admin/users', component: () => import('./views/admin/Users.vue'), meta: { title: '账号管理', need: 'admin' } },
  { path: '/admin/tags', component: () => import('./views/admin/Tags.vue'), meta: { title: '标签管理', need: 'admin' } },
  { path: '/admin/attributes', component: () => import('./views/admin/Attributes.vue'), meta: { title: '档案属性', need: 'admin' } },
  { path: '/admin/calendar', component: () => import('./views/admin/Calendar.vue'), meta: { title: '工作日历', need: 'admin' } },
  { path: '/admin/seals', component: () => import('./views/admin/Seals.vue'), meta: { title: '电子印章', need: 'admin' } },
  { path: '/admin/outbox', component: () => import('./views/admin/Outbox.vue'), meta: { title: '投递失败', need: 'admin' } },

  { path: '/:pathMatch(.*)*', name: 'notfound', component: () => import('./views/public/NotFound.vue'), meta: { title: '页面不存在' } },
]

const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

const allowed = {
  enterprise: (a) => a.isEnterprise,
  staff: (a) => a.isStaff || a.isAdmin,
  admin: (a) => a.isAdmin,
  finance: (a) => a.isFinance || a.isAdmin,
  records: (a) => a.isStaff || a.isFinance || a.isAdmin, // 奖补数据: departments and finance
  login: (a) => !!a.user,
}

router.beforeEach(async (to) => {
  const auth = useAuth()
  if (!auth.loaded) await auth.load()
  const need = to.meta.need
  if (need && !allowed[need](auth)) {
    return { path: '/login', query: { redirect: to.fullPath, need } }
  }
})

router.afterEach((to) => {
  document.title = `${to.meta.title || ''} · 惠企 常州惠企政策直达平台`
})

export default router
