const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/** The last second toISOString writes with a four-digit year (9999-12-31T23:59:59Z). */
const LAST_FOUR_DIGIT_SECOND = 253_402_300_799;

/**
 * `new Date(seconds * 1000).toISOString()` for whole Unix seconds from 1970 to 9999, written here: V8 formats a
 * date through vsnprintf, which cost more than the rest of an item's wire form (a GET /api/data formats every
 * item's times). The calendar is proleptic Gregorian UTC, as ECMA-262 §21.4.1 has it (days to year, month and day
 * by H. Hinnant's civil_from_days). Anything else (a fraction of a second, a time before 1970 or after 9999) is
 * left to toISOString itself.
 */
export function isoFromSeconds(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > LAST_FOUR_DIGIT_SECOND) return new Date(seconds * 1000).toISOString();
  const days = Math.floor(seconds / 86_400);
  const inDay = seconds - days * 86_400;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1_460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(inDay / 3_600);
  const minute = Math.floor((inDay - hour * 3_600) / 60);
  const second = inDay - hour * 3_600 - minute * 60;
  return `${year}-${pad2(month)}-${pad2(day)}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}.000Z`;
}
