import { defineStore } from 'pinia'
import { api, session } from '../api'

export const useAuth = defineStore('auth', {
  state: () => ({ user: null, loaded: false, notice: null }),
  getters: {
    kind: (s) => (s.user ? s.user.kind : ''),
    isEnterprise: (s) => s.user?.kind === 'enterprise',
    isStaff: (s) => s.user?.kind === 'department_staff',
    isAdmin: (s) => s.user?.kind === 'platform_admin',
    isFinance: (s) => s.user?.kind === 'finance',
    roles: (s) => (s.user?.roles || []).map((r) => r.code),
  },
  actions: {
    hasRole(...codes) {
      return this.isAdmin || this.roles.some((r) => codes.includes(r))
    },
    async load() {
      try {
        const me = await api.get('/me')
        session.csrf = me.csrf_token || ''
        this.user = me
      } catch (e) {
        // 401 is the normal answer for a visitor who is not logged in; anything else (the
        // server unreachable) also leaves the app logged out, but is worth a line in the console.
        if (e?.status !== 401) console.warn('无法确认登录状态', e)
        this.user = null
        session.csrf = ''
      }
      this.loaded = true
    },
    async login(login, password) {
      const r = await api.post('/auth/login', { login, password })
      session.csrf = r.csrf_token
      this.user = r.user
      this.loaded = true
      // Failed attempts on this account since the last login (the server tells once).
      this.notice = r.notice || null
      return r.user
    },
    async logout() {
      try {
        await api.post('/auth/logout')
      } finally {
        this.user = null
        session.csrf = ''
      }
    },
    home() {
      if (this.isEnterprise) return '/space/matches'
      if (this.isStaff) return '/dept/policies'
      if (this.isAdmin) return '/admin/supervision'
      if (this.isFinance) return '/finance/batches'
      return '/'
    },
  },
})
