//! Dates as news pages write them: "2024-06-27 17:01:51", "2024/6/27", "2024年6月27日",
//! "[06-23]" without a year; local times in the site's zone. Pure.

use std::sync::OnceLock;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use regex::Regex;

fn full_date() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*[T ]?\s*(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?",
        )
        .unwrap_or_else(|_| unreachable!("a fixed regex"))
    })
}

fn month_day() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
            .unwrap_or_else(|_| unreachable!("a fixed regex"))
    })
}

/// Reads a date from page text: the configured strftime `formats` first (on the whole text),
/// then any `YYYY-MM-DD[ HH:MM[:SS]]`-like date in it, then a text that is only a yearless `MM-DD`
/// (the latest such date not after tomorrow). Times without a zone are in `zone`.
pub fn parse_page_date(
    text: &str,
    formats: &[String],
    zone: FixedOffset,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let text = text
        .trim()
        .trim_matches(|c| matches!(c, '[' | ']' | '(' | ')' | '【' | '】'));
    if text.is_empty() || text.len() > 400 {
        return None;
    }
    for format in formats {
        if let Ok(dt) = DateTime::parse_from_str(text, format) {
            return Some(dt.with_timezone(&Utc));
        }
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return local(naive, zone);
        }
        if let Ok(date) = NaiveDate::parse_from_str(text, format) {
            return local(date.and_time(NaiveTime::MIN), zone);
        }
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt.with_timezone(&Utc));
    }
    if let Some(c) = full_date().captures(text) {
        let num = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
        let date = NaiveDate::from_ymd_opt(i32::try_from(num(1)?).ok()?, num(2)?, num(3)?)?;
        let time = match (num(4), num(5)) {
            (Some(h), Some(m)) => NaiveTime::from_hms_opt(h, m, num(6).unwrap_or(0))?,
            _ => NaiveTime::MIN,
        };
        return local(date.and_time(time), zone);
    }
    let c = month_day().captures(text)?;
    let month: u32 = c.get(1)?.as_str().parse().ok()?;
    let day: u32 = c.get(2)?.as_str().parse().ok()?;
    let today = now.with_timezone(&zone).date_naive();
    let this_year = NaiveDate::from_ymd_opt(today.year(), month, day)?;
    let date = if this_year > today.succ_opt().unwrap_or(today) {
        NaiveDate::from_ymd_opt(today.year() - 1, month, day)?
    } else {
        this_year
    };
    local(date.and_time(NaiveTime::MIN), zone)
}

fn local(naive: NaiveDateTime, zone: FixedOffset) -> Option<DateTime<Utc>> {
    zone.from_local_datetime(&naive)
        .single()
        .map(|d| d.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cst() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).unwrap()
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap()
    }

    #[test]
    fn numeric_and_cjk_dates() {
        let want = Utc.with_ymd_and_hms(2024, 6, 27, 9, 1, 51).unwrap();
        assert_eq!(
            parse_page_date("2024-06-27 17:01:51", &[], cst(), now()),
            Some(want)
        );
        assert_eq!(
            parse_page_date("Time:2024-06-27 17:01:51 Click:", &[], cst(), now()),
            Some(want)
        );
        assert_eq!(
            parse_page_date("2024年6月27日 17:01:51", &[], cst(), now()),
            Some(want)
        );
        let day = Utc.with_ymd_and_hms(2024, 6, 26, 16, 0, 0).unwrap();
        assert_eq!(parse_page_date("2024/06/27", &[], cst(), now()), Some(day));
        assert_eq!(parse_page_date(" 2024.6.27 ", &[], cst(), now()), Some(day));
    }

    #[test]
    fn yearless_dates_take_the_latest_past_year() {
        let jan = parse_page_date("[01-15]", &[], cst(), now()).unwrap();
        assert_eq!(jan.with_timezone(&cst()).year(), 2026);
        let dec = parse_page_date("12-30", &[], cst(), now()).unwrap();
        assert_eq!(dec.with_timezone(&cst()).year(), 2025);
    }

    #[test]
    fn formats_come_first() {
        let formats = vec!["%d.%m.%Y".to_string()];
        let got = parse_page_date("27.06.2024", &formats, cst(), now()).unwrap();
        assert_eq!(got, Utc.with_ymd_and_hms(2024, 6, 26, 16, 0, 0).unwrap());
        assert_eq!(parse_page_date("no date here", &[], cst(), now()), None);
    }
}
