/** A history value: a number (loss % or median ms), `U` (unknown round) or `S` (start-up). */
export type HistoryValue = number | 'U' | 'S'

type Test = (v: HistoryValue) => boolean
type Element = { kind: 'value'; test: Test } | { kind: 'gap'; max: number }

/** A compiled pattern: elements old → new, matched against the end of a history. */
export type CompiledPattern = { elements: Element[]; length: number }

export class AlertPatternError extends Error {
  override name = 'AlertPatternError'
}

// The element grammar of SmokePing's Smokeping.pm (compiled into closures: Workers forbid eval).
const ELEMENT =
  /^(==|!=|<|>|<=|>=|\*)(\d+(?:\.\d*)?|U|S|\d*\*)(%?)(?:(<|>|<=|>=)(\d+(?:\.\d*)?)(%?))?$/

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '>': (a, b) => a > b,
  '<=': (a, b) => a <= b,
  '>=': (a, b) => a >= b,
}

/**
 * Compiles a SmokePing alert pattern (`>0%,*12*,>0%`). Loss patterns need `%` on every value,
 * rtt patterns take plain milliseconds.
 *
 * @example compileAlertPattern('>0%,*12*,>0%,*12*,>0%', 'loss')
 */
export function compileAlertPattern(pattern: string, type: 'loss' | 'rtt'): CompiledPattern {
  const parts = pattern.split(',').map((p) => p.trim())
  if (parts.length === 0 || parts.some((p) => p === ''))
    throw new AlertPatternError(`pattern '${pattern}' has an empty element`)
  const elements = parts.map((p) => compileElement(p, type))
  // Gaps alone compare nothing: such a pattern matched every round, an alert that never rests.
  if (!elements.some((e) => e.kind === 'value'))
    throw new AlertPatternError(
      `pattern '${pattern}' has only *X* gaps: it needs at least one value to compare (==*, for any)`,
    )
  return { elements, length: elements.filter((e) => e.kind === 'value').length }
}

function compileElement(text: string, type: 'loss' | 'rtt'): Element {
  const m = ELEMENT.exec(text)
  if (!m) throw new AlertPatternError(`pattern entry '${text}' is invalid`)
  const [, op = '', value = '', pct = '', op2, value2, pct2 = ''] = m
  if (op === '*' || value.endsWith('*')) {
    // `*X*` skips up to X values; `==*` matches any one value.
    if (op === '==' && value === '*') return { kind: 'value', test: () => true }
    const gap = /^(\d+)\*$/.exec(value)
    if (op !== '*' || !gap || Number(gap[1]) < 1)
      throw new AlertPatternError(
        `pattern entry '${text}' is invalid (use *X* with X >= 1, or ==*)`,
      )
    return { kind: 'gap', max: Number(gap[1]) }
  }
  if (value === 'U' || value === 'S') {
    // SmokePing's own rules (Smokeping.pm): U takes == or !=, S only == (the start-up marker).
    if (value === 'S' && op !== '==')
      throw new AlertPatternError(`'${text}': S is only valid with the == operator`)
    if (op !== '==' && op !== '!=')
      throw new AlertPatternError(`'${text}': invalid operator ${op} with U (== or != only)`)
    return { kind: 'value', test: op === '==' ? (v) => v === value : (v) => v !== value }
  }
  for (const p of op2 ? [pct, pct2] : [pct]) {
    if (type === 'loss' && p !== '%')
      throw new AlertPatternError(`loss should be specified in % (in '${text}')`)
    if (type === 'rtt' && p === '%')
      throw new AlertPatternError(`rtt is in milliseconds, without % (in '${text}')`)
  }
  const first = compare(op, Number(value))
  const second = op2 && value2 !== undefined ? compare(op2, Number(value2)) : undefined
  return { kind: 'value', test: second ? (v) => first(v) && second(v) : first }
}

function compare(op: string, bound: number): Test {
  const fn = COMPARE[op]
  if (!fn) throw new AlertPatternError(`unknown operator '${op}'`)
  return (v) => typeof v === 'number' && fn(v, bound)
}

/**
 * Whether the newest values of `history` (old → new) match: the last element is the round just
 * finished, gaps skip up to X values.
 */
export function matchesHistory(
  pattern: CompiledPattern,
  history: readonly HistoryValue[],
): boolean {
  return matchFrom(pattern.elements, pattern.elements.length - 1, history, history.length - 1)
}

function matchFrom(
  elements: readonly Element[],
  e: number,
  history: readonly HistoryValue[],
  h: number,
): boolean {
  if (e < 0) return true
  const el = elements[e]
  if (!el) return false
  if (el.kind === 'gap') {
    for (let skip = 0; skip <= el.max && h - skip >= -1; skip++) {
      if (matchFrom(elements, e - 1, history, h - skip)) return true
    }
    return false
  }
  const v = history[h]
  if (v === undefined) return false
  return el.test(v) && matchFrom(elements, e - 1, history, h - 1)
}

/** How many past values a pattern can look at (elements plus the widest gaps). */
export function historyNeeded(pattern: CompiledPattern): number {
  return pattern.elements.reduce((n, e) => n + (e.kind === 'gap' ? e.max : 1), 0)
}
