import { Calendar, DatePicker } from 'antd';
import dayjsGenerateConfig from '@rc-component/picker/generate/dayjs';
import type { Dayjs } from 'dayjs';
import { pickerNow } from './format';

/**
 * Ant Design's date picker and calendar with Beijing's "now": the 此刻 button, today's mark and
 * the month they open on are Beijing's, whatever the browser's zone. Their values are Beijing
 * wall-clock times (`toPickerTime` / `fromPickerTime` in format.ts). Every picker and calendar in
 * the app is one of these (common/beijingPickers.test.ts).
 */
const beijingConfig = { ...dayjsGenerateConfig, getNow: pickerNow };

export const BeijingDatePicker = DatePicker.generatePicker<Dayjs>(beijingConfig);
export const BeijingCalendar = Calendar.generateCalendar<Dayjs>(beijingConfig);
