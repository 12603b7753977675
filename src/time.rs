//! Dates: today (honouring `LESSONS_TODAY` in every command), the UTC day
//! of a time, dates on the command line, and the civil arithmetic reports
//! do for every lesson.

use jiff::civil::Date;

use crate::Error;

/// Today in the local time zone, or `LESSONS_TODAY` (YYYY-MM-DD) for
/// reproducible runs, scripts and tests.
pub fn today() -> Result<Date, Error> {
    match std::env::var("LESSONS_TODAY") {
        Ok(s) if !s.is_empty() => s.parse().map_err(|_| {
            Error::Usage(format!(
                "LESSONS_TODAY=`{s}` is not a date; write YYYY-MM-DD"
            ))
        }),
        _ => Ok(jiff::ZonedDateTime::now().date()),
    }
}

/// A date given on the command line (`--since`, `--as-of`, ...).
pub fn parse_date(s: &str) -> Result<Date, String> {
    s.parse::<Date>()
        .map_err(|_| format!("`{s}` is not a date; write YYYY-MM-DD"))
}

/// The UTC day of a time in seconds since the Unix epoch.
pub fn day(secs: i64) -> Date {
    let ts = jiff::Timestamp::from_second(secs).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    jiff::tz::Offset::UTC.to_datetime(ts).date()
}

/// [`day`] as `YYYY-MM-DD`.
pub fn day_text(secs: i64) -> String {
    day(secs).to_string()
}

/// The UTC day of a time, counted from 1970-01-01.
pub fn day_number(secs: i64) -> i64 {
    secs.div_euclid(86_400)
}

/// The civil date of a day number (H. Hinnant's `civil_from_days`): a
/// report turns 100,000 times into days, and this costs a few operations.
pub fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The day number of a date (the inverse of [`civil`]).
pub fn days_from_civil(date: Date) -> i64 {
    let (m, d) = (i64::from(date.month()), i64::from(date.day()));
    let y = i64::from(date.year()) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A day number as `YYYY-MM-DD`.
pub fn day_number_text(days: i64) -> String {
    let (y, m, d) = civil(days);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_agree_with_jiff() {
        let epoch = jiff::civil::date(1970, 1, 1);
        for n in (-800_000..800_000).step_by(997).chain(-400..400) {
            let date = epoch.checked_add(jiff::Span::new().days(n)).unwrap();
            let (y, m, d) = civil(n);
            assert_eq!(
                (y, m, d),
                (
                    i64::from(date.year()),
                    i64::from(date.month()),
                    i64::from(date.day())
                )
            );
            assert_eq!(days_from_civil(date), n);
            assert_eq!(day_number(n * 86_400 + 86_399), n);
            assert_eq!(day(n * 86_400), date);
            if date.year() >= 0 {
                assert_eq!(day_number_text(n), date.to_string());
            }
        }
    }

    #[test]
    fn dates_on_the_command_line() {
        assert_eq!(parse_date("2024-03-12"), Ok(jiff::civil::date(2024, 3, 12)));
        assert!(parse_date("12/03/2024").unwrap_err().contains("YYYY-MM-DD"));
    }
}
