import inflateModule from '../../wasm/inflate/inflate.wasm'
import { wasmInflater } from '../flows/wasm-inflater'

/**
 * The Worker's inflater for compressed flow files: libdeflate's decoder and zlib, in
 * WebAssembly (wasm/inflate/).
 */
export const workerInflater = wasmInflater(inflateModule)
