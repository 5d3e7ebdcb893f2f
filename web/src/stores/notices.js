// The unread count of the 消息中心, shown in the header for every logged-in user: refreshed when
// the page changes (at most every 15 s) and by the 消息中心 page after marking notices read.
import { defineStore } from 'pinia'
import { api } from '../api'

export const useNotices = defineStore('notices', {
  state: () => ({ unread: 0, at: 0 }),
  actions: {
    async refresh(force = false) {
      if (!force && Date.now() - this.at < 15000) return
      this.at = Date.now()
      try {
        this.unread = (await api.get('/me/notices/unread-count')).unread || 0
      } catch (e) {
        if (e?.status !== 401) console.warn('未读消息数未能加载', e)
      }
    },
    set(n) {
      this.unread = n
      this.at = Date.now()
    },
    clear() {
      this.unread = 0
      this.at = 0
    },
  },
})
