// wrangler (esbuild) bundles a .wasm import as a compiled WebAssembly.Module (CompiledWasm).
declare module '*.wasm' {
  const module: WebAssembly.Module
  export default module
}
