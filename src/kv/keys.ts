/** Every KV key is built here, and carries a version so a layout change never reads old data. */
export const keys = {
  filterSet: (name: string) => `filterset:v1:${name}`,
  filterSetPrefix: 'filterset:v1:',
  analysis: (id: string) => `analysis:v1:${id}`,
} as const
