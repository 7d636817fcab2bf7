import { z } from 'zod'
import { absFilePath } from './fields'
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
] as const
// No `none`: with one selector it logs nothing (it only excludes a facility from a wider one).

const schema = z
  .object({
    facility: z
      .enum(FACILITIES)
      .describe('Facility, e.g. local7 (the default of flow-capture, SmokePing syslogfacility)'),
    priority: z.enum(PRIORITIES).default('*').describe('Lowest priority logged (or * for all)'),
    exact: z.boolean().default(false).describe('Only this priority (the =priority form)'),
    file: absFilePath.describe('Log file the messages go to'),
    sync: z
      .boolean()
      .default(true)
      .describe('false prefixes the file with - (no fsync after each line)'),
  })
  .superRefine((s, ctx) => {
    // `=*` names no single priority: rsyslog and sysklogd set the bit 1 << 0xff (the table value
    // of `*`), FreeBSD syslogd compares with a priority past LOG_DEBUG; no message has it.
    if (s.exact && s.priority === '*') {
      ctx.addIssue({
        code: 'custom',
        path: ['exact'],
        message: 'exact (=priority) needs one priority, not *: =* logs nothing',
      })
    }
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
