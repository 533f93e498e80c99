import type { Dayjs } from 'dayjs';
import { fromPickerTime, pickerNow } from '../../common/format';
import type { CalendarWindow, FreezeWindow } from '../../api/types';

export interface WindowConflicts {
  freezes: FreezeWindow[];
  windows: CalendarWindow[];
}

const overlaps = (aStart: string, aEnd: string, bStart: string, bEnd: string) =>
  Date.parse(aStart) < Date.parse(bEnd) && Date.parse(bStart) < Date.parse(aEnd);

/**
 * What each window overlaps in time: freeze windows and other releases' windows. (Whether two
 * releases really conflict depends on their CIs; the plan's conflict check on the server says so.)
 */
export function overlapsOf(windows: CalendarWindow[], freezes: FreezeWindow[]): Map<string, WindowConflicts> {
  const result = new Map<string, WindowConflicts>();
  for (const w of windows) {
    result.set(w.releaseId, {
      freezes: freezes.filter((f) => overlaps(w.start, w.end, f.startsAt, f.endsAt)),
      windows: windows.filter((o) => o.releaseId !== w.releaseId && overlaps(w.start, w.end, o.start, o.end)),
    });
  }
  return result;
}

/** Whether [start, end) touches the day (a calendar cell: a day in Beijing time). */
export function onDay(day: Dayjs, start: string, end: string): boolean {
  const from = Date.parse(fromPickerTime(day.startOf('day')));
  const to = Date.parse(fromPickerTime(day.endOf('day')));
  return Date.parse(start) <= to && Date.parse(end) > from;
}

/**
 * The month a `?month=YYYY-MM` parameter asks for, as the start of that month; the current month
 * when the parameter is missing or malformed (dayjs alone would read a missing month, "-01", as 2001).
 */
export function monthFromParam(value: string | null | undefined, now: Dayjs = pickerNow()): Dayjs {
  const match = /^(\d{4})-(\d{2})$/.exec(value?.trim() ?? '');
  const month = match ? Number(match[2]) : 0;
  if (!match || month < 1 || month > 12) return now.startOf('month');
  return now
    .startOf('month')
    .year(Number(match[1]))
    .month(month - 1);
}
