import { createApp } from 'vue'
import { createPinia } from 'pinia'
import { vLoading } from 'element-plus'
// Components come in per page (unplugin-vue-components); what is used from script — messages,
// message boxes, the v-loading directive — brings its CSS here.
import 'element-plus/theme-chalk/base.css'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import 'element-plus/es/components/loading/style/css'
import './styles.css'
import App from './App.vue'
import router from './router'
import { onUnauthenticated } from './api'
import { useAuth } from './stores/auth'

const app = createApp(App)
app.use(createPinia())
app.use(router)
app.directive('loading', vLoading)
onUnauthenticated(() => {
  useAuth().user = null
  const here = router.currentRoute.value
  if (here.path !== '/login') router.push({ path: '/login', query: { redirect: here.fullPath, expired: '1' } })
})
app.mount('#app')
