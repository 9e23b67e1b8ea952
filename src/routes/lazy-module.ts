/**
 * A module loaded with `import()` on first use and kept for the isolate (a chat SDK is paid for by the
 * first request of its surface only). A failed import is not kept: the next request tries again.
 */
export function lazyModule<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = null
      throw error
    })
    return loading
  }
}
