// Whether the window is phone-narrow (≤ 768 px, the breakpoint styles.css folds layouts at),
// kept current when the window is resized or rotated.
import { onBeforeUnmount, ref } from 'vue'

export const NARROW_QUERY = '(max-width: 768px)'

export function useNarrow() {
  const mq = window.matchMedia(NARROW_QUERY)
  const narrow = ref(mq.matches)
  const update = (e) => (narrow.value = e.matches)
  mq.addEventListener('change', update)
  onBeforeUnmount(() => mq.removeEventListener('change', update))
  return narrow
}
