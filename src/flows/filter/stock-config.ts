/**
 * The definitions every stage can use without sending a config: flow-tools 0.68.5's stock
 * `configs/filter.cfg`, verbatim, followed by the variable-driven definitions of M. W. Lucas,
 * *Network Flow Analysis* (2010) that the stock file lacks (`ip-addr`, `ip-port`, `not-ip-port`,
 * `not-ip-addr`, as in the fixtures' `filter-extended.cfg`). The book prints `ip-port` with
 * `match ip-destination-address VAR_PORT`, which flow-nfilter rejects; this is the working form.
 */
export const STOCK_FILTER_CFG = `
filter-primitive UDPTCP
  type ip-protocol
  permit tcp
  permit udp

filter-primitive UDP
  type ip-protocol
  permit udp

filter-primitive TCP
  type ip-protocol
  permit tcp

filter-primitive ICMP
  type ip-protocol
  permit icmp

filter-primitive MCAST
  type ip-address-mask
  permit 224.0.0.0 240.0.0.0

filter-primitive VAR_ADDR
  type ip-address
  permit @{ADDR:-0.0.0.0}

filter-primitive VAR_PORT
  type ip-port
  permit @{PORT:-0}

filter-primitive VAR_PROT
  type ip-protocol
  permit @{PROT:-0}

filter-definition udptcp
  match ip-protocol UDPTCP

filter-definition tcp
  match ip-protocol TCP

filter-definition udp
  match ip-protocol UDP

filter-definition icmp
  match ip-protocol ICMP

filter-definition mcast
  match ip-destination-address MCAST

filter-definition ip-src-addr
  match ip-source-address VAR_ADDR

filter-definition ip-dst-addr
  match ip-destination-address VAR_ADDR

filter-definition ip-prot
  match ip-protocol VAR_PROT

filter-definition ip-src-port
  match ip-source-port VAR_PORT

filter-definition ip-dst-port
  match ip-destination-port VAR_PORT


`

export const BOOK_FILTER_CFG = `
filter-definition ip-addr
  match ip-source-address VAR_ADDR
  or
  match ip-destination-address VAR_ADDR

filter-definition ip-port
  match ip-source-port VAR_PORT
  or
  match ip-destination-port VAR_PORT

filter-definition not-ip-port
  invert
  match ip-source-port VAR_PORT
  or
  match ip-destination-port VAR_PORT

filter-definition not-ip-addr
  invert
  match ip-source-address VAR_ADDR
  or
  match ip-destination-address VAR_ADDR
`

/** Both, in the order flow-nfilter would read them from one file. */
export const BUILTIN_FILTER_CFG = `${STOCK_FILTER_CFG}\n${BOOK_FILTER_CFG}`
