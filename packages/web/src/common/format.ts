import dayjs from 'dayjs';
import type { TFunction } from 'i18next';

export function formatDateTime(value: string | null | undefined): string {
  return value ? dayjs(value).format('YYYY-MM-DD HH:mm:ss') : '';
}

export function formatMinute(value: string | null | undefined): string {
  return value ? dayjs(value).format('YYYY-MM-DD HH:mm') : '';
}

export function formatDate(value: string | null | undefined): string {
  return value ? dayjs(value).format('YYYY-MM-DD') : '';
}

export function formatTime(value: string | null | undefined): string {
  return value ? dayjs(value).format('HH:mm') : '';
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
