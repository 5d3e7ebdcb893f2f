// Errors the API names a field for ({"error": {"field": "title", "message": …}}, ApiError.field)
// shown on that form field — el-form-item's :error — instead of only in a box or a toast.
//
//   const fe = useFieldErrors({ title: '政策标题', 'interpretation.text': '解读内容' }, () => f)
//   <el-form-item label="政策标题" :error="fe.of('title')">
//   <ErrorBox :error="fe.error.value" />
//   try { await api.post(…) } catch (e) { fe.show(e) }
//
// `fields` lists the form's fields (key → label). A field the API names is matched exactly or
// by its longest listed prefix ("materials[2].name" → "materials"). The message then sits on
// the field and, with `summary`, also in `error` as "标签：message" (long forms, where the field
// may be off screen); an error without a listed field goes to `error` unchanged. Editing the
// field clears its message (when `model` — a getter of the form's reactive object — is given).
import { reactive, ref, watch } from 'vue'

function valueAt(obj, path) {
  let v = obj
  for (const part of path.split('.')) v = v == null ? undefined : v[part]
  return v
}

export function useFieldErrors(fields, model = null, { summary = false } = {}) {
  const messages = reactive({})
  const error = ref(null)
  const stops = []

  function fieldOf(name) {
    if (!name) return ''
    if (name in fields) return name
    let best = ''
    for (const k of Object.keys(fields)) {
      const boundary = name[k.length]
      if (name.startsWith(k) && (boundary === '.' || boundary === '[') && k.length > best.length) best = k
    }
    return best
  }
  function clear() {
    for (const k of Object.keys(messages)) delete messages[k]
    while (stops.length) stops.pop()()
    error.value = null
  }
  // Shows `e` (an ApiError, an Error or a message); true when it went onto a field.
  function show(e, field = e?.field) {
    clear()
    const key = fieldOf(field)
    if (!key) {
      error.value = e
      return false
    }
    const message = typeof e === 'string' ? e : e?.message || String(e)
    messages[key] = message
    if (summary) error.value = `${fields[key]}：${message}`
    if (model) {
      stops.push(
        watch(
          () => JSON.stringify(valueAt(model(), key) ?? null),
          () => {
            delete messages[key]
          },
        ),
      )
    }
    return true
  }
  const of = (key) => messages[key] || ''
  return { of, show, clear, error, messages }
}
