import dayjs, { type Dayjs } from 'dayjs';
import utc from 'dayjs/plugin/utc';
import type { TFunction } from 'i18next';

dayjs.extend(utc);

/**
 * Every time the web shows is Beijing time (UTC+8, no daylight saving), the policy's own zone, as
 * in documents, notices and the quarter of a release (KP-1) — whatever zone the browser is in.
 * The header says so ("北京时间").
 */
const BEIJING_OFFSET_MINUTES = 8 * 60;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

const beijing = (value: string) => dayjs(value).utcOffset(BEIJING_OFFSET_MINUTES);

export function formatDateTime(value: string | null | undefined): string {
  return value ? beijing(value).format('YYYY-MM-DD HH:mm:ss') : '';
}

export function formatMinute(value: string | null | undefined): string {
  return value ? beijing(value).format('YYYY-MM-DD HH:mm') : '';
}

/** A date; a calendar date without a time (an effective date) is shown as it is, not moved. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '';
  return DATE_ONLY.test(value) ? value : beijing(value).format('YYYY-MM-DD');
}

export function formatTime(value: string | null | undefined): string {
  return value ? beijing(value).format('HH:mm') : '';
}

/**
 * Date pickers show and edit Beijing time too. Ant Design's pickers work in the browser's zone, so
 * a picker holds Beijing's wall-clock time as if it were local: 11:08 in Beijing is shown as 11:08
 * in a browser in London as in Shanghai, and what the person picks is read back as Beijing time.
 */
const WALL_CLOCK = 'YYYY-MM-DDTHH:mm:ss.SSS';

/** The picker value showing an instant (ISO 8601) at its Beijing wall-clock time. */
export function toPickerTime(value: string): Dayjs {
  return dayjs(beijing(value).format(WALL_CLOCK));
}

/** The instant (ISO 8601, UTC) a picker value means when read as Beijing wall-clock time. */
export function fromPickerTime(value: Dayjs): string {
  return dayjs.utc(value.format(WALL_CLOCK)).subtract(BEIJING_OFFSET_MINUTES, 'minute').toISOString();
}

/** Now, as a picker value: what "today" and "now" are in Beijing. */
export function pickerNow(): Dayjs {
  return toPickerTime(new Date().toISOString());
}

/**
 * A duration as people read it: 41 秒, 2 分 05 秒, 1 小时 3 分, 2 天 4 小时 (41 s, 2 min 5 s,
 * 1 h 3 min, 2 d 4 h). For times that were measured (a step's, elapsed, a decision's); planned
 * minutes stay "25 分钟". Nothing to show (null, not a number): "—".
 */
export function formatDuration(t: TFunction, seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const total = Math.max(0, Math.round(seconds));
  if (total < 60) return t('common.duration.seconds', { s: total });
  if (total < 3600) {
    const s = total % 60;
    return t('common.duration.minutes', { m: Math.floor(total / 60), s, ss: String(s).padStart(2, '0') });
  }
  const minutes = Math.round(total / 60);
  if (minutes < 24 * 60) {
    const [h, m] = [Math.floor(minutes / 60), minutes % 60];
    return m ? t('common.duration.hours', { h, m }) : t('common.duration.hoursOnly', { h });
  }
  const hours = Math.round(minutes / 60);
  const [d, h] = [Math.floor(hours / 24), hours % 24];
  return h ? t('common.duration.days', { d, h }) : t('common.duration.daysOnly', { d });
}
