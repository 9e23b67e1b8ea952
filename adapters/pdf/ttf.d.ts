/** TrueType fonts imported as binary Data modules (wrangler.toml `rules`; vitest.workers.config.ts). */
declare module '*.ttf' {
  const data: ArrayBuffer
  export default data
}
