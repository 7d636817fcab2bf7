import inflateModule from '../../wasm/inflate/inflate.wasm'
import { wasmInflater } from '../flows/wasm-inflater'

/** The Worker's inflater for compressed flow files: zlib in WebAssembly (wasm/inflate/). */
export const workerInflater = wasmInflater(inflateModule)
