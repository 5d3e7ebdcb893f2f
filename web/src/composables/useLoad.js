// Loading and error state of a page's reads, written once: every view that fetches something
// shows a skeleton (or v-loading) while `loading`, and an ErrorBox with `error` when it failed.
//
//   const { loading, error, run: load } = useLoad(async () => { items.value = (await api.get('/x')).items })
//   onMounted(load)
//
// `run` clears the previous error, sets `loading` until `fn` settles, and keeps the error
// instead of throwing (the page shows it). When calls overlap (a filter changed while the
// previous list was loading), only the latest one sets `loading` and `error`.
import { ref } from 'vue'
import { ElMessage } from 'element-plus'

export function useLoad(fn, { loading: initial = true } = {}) {
  const loading = ref(initial)
  const error = ref(null)
  const data = ref(null)
  let seq = 0
  async function run(...args) {
    const mine = ++seq
    loading.value = true
    error.value = null
    try {
      const result = await fn(...args)
      if (mine === seq) data.value = result ?? null
      return result
    } catch (e) {
      if (mine === seq) error.value = e
      return undefined
    } finally {
      if (mine === seq) loading.value = false
    }
  }
  return { loading, error, data, run }
}

// A secondary read a page works without — the options of a select, the names of codes: when it
// fails the page carries on, and says so once in a warning (and the console) instead of
// leaving an empty list unexplained. Resolves to the result, or undefined after a failure.
export async function loadOptional(what, fn) {
  try {
    return await fn()
  } catch (e) {
    console.warn(`${what}未能加载`, e)
    ElMessage({ type: 'warning', message: `${what}未能加载：${e?.message || e}`, grouping: true, duration: 5000 })
    return undefined
  }
}
