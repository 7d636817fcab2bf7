import { z } from 'zod'
import { absPath } from './fields'
import { defineGenerator } from './generator'

// syslog.conf(5) / rsyslog legacy selector syntax: facility.priority<TAB>action.
const FACILITIES = [
  'auth',
  'authpriv',
  'cron',
  'daemon',
  'ftp',
  'kern',
  'lpr',
  'mail',
  'news',
  'syslog',
  'user',
  'uucp',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
  '*',
] as const
const PRIORITIES = [
  'debug',
  'info',
  'notice',
  'warning',
  'err',
  'crit',
  'alert',
  'emerg',
  '*',
  'none',
] as const

const schema = z.object({
  facility: z
    .enum(FACILITIES)
    .describe('Facility, e.g. local7 (the default of flow-capture, SmokePing syslogfacility)'),
  priority: z.enum(PRIORITIES).default('*').describe('Lowest priority logged (or * for all)'),
  exact: z.boolean().default(false).describe('Only this priority (the =priority form)'),
  file: absPath.describe('Log file the messages go to'),
  sync: z
    .boolean()
    .default(true)
    .describe('false prefixes the file with - (no fsync after each line)'),
})

/** One syslog.conf line sending a facility to a file. */
export const syslogConf = defineGenerator({
  kind: 'syslog-conf',
  title: 'syslog.conf line',
  purpose:
    'Add to /etc/syslog.conf (or a file in /etc/rsyslog.d/), create the file, then restart syslogd/rsyslog',
  comment: '#',
  filename: 'syslog.conf',
  schema,
  render(s) {
    const selector = `${s.facility}.${s.exact ? '=' : ''}${s.priority}`
    return `${selector}\t${s.sync ? '' : '-'}${s.file}`
  },
})
