/**
 * {{#time: format | date | language}}: PHP's date() codes (with MediaWiki's xg, and "…" and \
 * for literal text) on the dates strtotime reads most in templates: ISO dates and times, "1 May
 * 2020", "May 1, 2020", "May 2020", a year alone, @seconds, now/today, and "+1 day" and the like.
 * Month and day names are in the wiki's language; times in UTC, as Wikipedia's servers give them.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const UNITS: Record<string, number> = {
  sec: 1,
  second: 1,
  min: 60,
  minute: 60,
  hour: 3600,
  day: 86_400,
  week: 604_800,
};

function monthNumber(word: string): number | undefined {
  const index = MONTHS.indexOf(word.slice(0, 3).toLowerCase());
  return index < 0 ? undefined : index + 1;
}

function utc(year: number, month: number, day: number, time = '00:00:00'): Date | undefined {
  const [hours = 0, minutes = 0, seconds = 0] = time.split(':').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds));
  if (Number.isNaN(date.getTime()) || date.getUTCMonth() !== month - 1) return undefined;
  if (year >= 0 && year < 100) date.setUTCFullYear(year);
  return date;
}

/** One relative step ("+1 day", "-2 months", "next year"), applied to `date`. */
function applyRelative(date: Date, amountText: string, unitText: string): Date | undefined {
  const amount = amountText === 'next' ? 1 : amountText === 'last' ? -1 : Number(amountText.replace(/\s/g, ''));
  const unit = unitText.toLowerCase().replace(/s$/, '');
  const result = new Date(date.getTime());
  if (unit === 'month') result.setUTCMonth(result.getUTCMonth() + amount);
  else if (unit === 'year') result.setUTCFullYear(result.getUTCFullYear() + amount);
  else if (UNITS[unit] !== undefined) result.setTime(result.getTime() + amount * UNITS[unit]! * 1000);
  else return undefined;
  return result;
}

/** The date a #time call names, or undefined when it is not one we can read. */
export function parseDate(text: string, now: Date): Date | undefined {
  let rest = text.trim().replace(/\s+/g, ' ');
  if (rest === '' || /^now$/i.test(rest)) return now;
  if (/^@-?\d+$/.test(rest)) {
    const date = new Date(Number(rest.slice(1)) * 1000);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  const today = utc(now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate())!;
  let date: Date | undefined;
  const relative: [string, string][] = [];
  rest = rest.replace(
    /\s*([+-]\s*\d+|next|last)\s+(sec|second|min|minute|hour|day|week|month|year)s?\b/gi,
    (_, amount: string, unit: string) => {
      relative.push([amount, unit]);
      return '';
    },
  );
  rest = rest.trim();
  const time = /(?:^|[ T])(\d{1,2}:\d{2}(?::\d{2})?)(?:Z|[+-]00:?00)?$/.exec(rest);
  const clock = time?.[1];
  if (time) rest = rest.slice(0, time.index).trim();
  let match: RegExpExecArray | null;
  if (rest === '' || /^today$/i.test(rest)) date = today;
  else if (/^tomorrow$/i.test(rest)) date = applyRelative(today, '1', 'day');
  else if (/^yesterday$/i.test(rest)) date = applyRelative(today, '-1', 'day');
  else if ((match = /^(\d{4})$/.exec(rest))) date = utc(Number(match[1]), now.getUTCMonth() + 1, now.getUTCDate());
  else if ((match = /^(-?\d{1,4})-(\d{1,2})(?:-(\d{1,2}))?$/.exec(rest)))
    date = utc(Number(match[1]), Number(match[2]), Number(match[3] ?? 1));
  else if ((match = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(rest)))
    date = utc(Number(match[3]), Number(match[2]), Number(match[1]));
  else if ((match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(rest)))
    date = utc(Number(match[3]), Number(match[1]), Number(match[2]));
  else if ((match = /^(\d{1,2})(?:st|nd|rd|th)? ([a-z]+)\.?,? (\d{1,4})$/i.exec(rest))) {
    const month = monthNumber(match[2]!);
    date = month ? utc(Number(match[3]), month, Number(match[1])) : undefined;
  } else if ((match = /^([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{1,4})$/i.exec(rest))) {
    const month = monthNumber(match[1]!);
    date = month ? utc(Number(match[3]), month, Number(match[2])) : undefined;
  } else if ((match = /^([a-z]+)\.?,? (\d{4})$/i.exec(rest))) {
    const month = monthNumber(match[1]!);
    date = month ? utc(Number(match[2]), month, 1) : undefined;
  } else if ((match = /^(\d{1,2}) ([a-z]+)$/i.exec(rest))) {
    const month = monthNumber(match[2]!);
    date = month ? utc(now.getUTCFullYear(), month, Number(match[1])) : undefined;
  }
  if (date && clock)
    date = utc(
      date.getUTCFullYear(),
      date.getUTCMonth() + 1,
      date.getUTCDate(),
      clock.length === 5 ? `${clock}:00` : clock,
    );
  for (const [amount, unit] of relative) date = date && applyRelative(date, amount, unit);
  // Out of JavaScript's range (±275,760 years) or not a date at all: an invalid time, not a crash.
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** The ISO 8601 week of a date (1–53). */
function isoWeek(date: Date): number {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  return Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
}

function names(language: string, date: Date) {
  const format = (options: Intl.DateTimeFormatOptions) => {
    try {
      return new Intl.DateTimeFormat(language, { ...options, timeZone: 'UTC' });
    } catch {
      return new Intl.DateTimeFormat('en', { ...options, timeZone: 'UTC' });
    }
  };
  return {
    month: () => format({ month: 'long' }).format(date),
    monthShort: () => format({ month: 'short' }).format(date).replace(/\.$/, ''),
    monthGenitive: () =>
      format({ day: 'numeric', month: 'long' })
        .formatToParts(date)
        .find((part) => part.type === 'month')?.value ?? format({ month: 'long' }).format(date),
    weekday: () => format({ weekday: 'long' }).format(date),
    weekdayShort: () => format({ weekday: 'short' }).format(date).replace(/\.$/, ''),
  };
}

/** PHP's English ordinal suffix of a day: 1st, 2nd, 3rd, 4th, 11th, 22nd. */
function ordinalSuffix(day: number): string {
  if (day % 100 >= 11 && day % 100 <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][day % 10] ?? 'th';
}

/** Roman numerals, for `xr`. */
function roman(value: number): string {
  const numerals: [number, string][] = [
    [1000, 'M'],
    [900, 'CM'],
    [500, 'D'],
    [400, 'CD'],
    [100, 'C'],
    [90, 'XC'],
    [50, 'L'],
    [40, 'XL'],
    [10, 'X'],
    [9, 'IX'],
    [5, 'V'],
    [4, 'IV'],
    [1, 'I'],
  ];
  let rest = value;
  let out = '';
  for (const [amount, numeral] of numerals) {
    while (rest >= amount) {
      out += numeral;
      rest -= amount;
    }
  }
  return out;
}

function daysInMonth(date: Date): number {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
}

function code(letter: string, date: Date, language: string): string | undefined {
  const named = names(language, date);
  const hours = date.getUTCHours();
  const year = date.getUTCFullYear();
  switch (letter) {
    case 'Y':
      return String(year);
    case 'y':
      return pad(year % 100);
    case 'L':
      return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? '1' : '0';
    case 'o':
      return String(new Date(date.getTime() + (4 - (date.getUTCDay() || 7)) * 86_400_000).getUTCFullYear());
    case 'n':
      return String(date.getUTCMonth() + 1);
    case 'm':
      return pad(date.getUTCMonth() + 1);
    case 'M':
      return named.monthShort();
    case 'F':
      return named.month();
    case 'j':
      return String(date.getUTCDate());
    case 'd':
      return pad(date.getUTCDate());
    case 'z':
      return String(Math.floor((date.getTime() - Date.UTC(year, 0, 1)) / 86_400_000));
    case 'W':
      return pad(isoWeek(date));
    case 'N':
      return String(date.getUTCDay() || 7);
    case 'w':
      return String(date.getUTCDay());
    case 'D':
      return named.weekdayShort();
    case 'l':
      return named.weekday();
    case 'a':
      return hours < 12 ? 'am' : 'pm';
    case 'A':
      return hours < 12 ? 'AM' : 'PM';
    case 'g':
      return String(hours % 12 || 12);
    case 'h':
      return pad(hours % 12 || 12);
    case 'G':
      return String(hours);
    case 'H':
      return pad(hours);
    case 'i':
      return pad(date.getUTCMinutes());
    case 's':
      return pad(date.getUTCSeconds());
    case 'U':
      return String(Math.floor(date.getTime() / 1000));
    case 't':
      return String(daysInMonth(date));
    case 'c':
      return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
    case 'r':
      return date.toUTCString().replace('GMT', '+0000');
    case 'S':
      return ordinalSuffix(date.getUTCDate());
    case 'O':
      return '+0000';
    case 'P':
      return '+00:00';
    case 'e':
    case 'T':
      return 'UTC';
    case 'Z':
      return '0';
    default:
      return undefined;
  }
}

export function formatTime(
  format: string,
  dateText: string,
  language: string | undefined,
  page: { now: Date; language: string },
): string {
  const date = parseDate(dateText, page.now);
  if (!date) return '<strong class="error">Error: Invalid time.</strong>';
  const lang = language || page.language;
  let out = '';
  for (let index = 0; index < format.length; index++) {
    const char = format[index]!;
    if (char === '\\' && index + 1 < format.length) {
      out += format[++index];
    } else if (char === '"') {
      const end = format.indexOf('"', index + 1);
      if (end < 0) out += '"';
      else {
        out += format.slice(index + 1, end);
        index = end;
      }
    } else if (char === 'x' && index + 1 < format.length) {
      const next = format[++index]!;
      if (next === 'g') out += names(lang, date).monthGenitive();
      else if (next === 'x') out += 'x';
      else if (next === 'r') {
        const value = Number(code(format[++index] ?? '', date, lang));
        out += value > 0 && value < 4000 ? roman(value) : '';
      } else out += code(format[++index] ?? '', date, lang) ?? ''; // xn, xN…: the plain value
    } else {
      out += code(char, date, lang) ?? char;
    }
  }
  return out;
}
