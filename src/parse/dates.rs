//! Tolerant date parsing for feeds: RFC 3339/822 and the broken variants real feeds use. Pure.
//!
//! Accepts RFC 822 without or with a wrong day name, single-digit days, two-digit years, odd zones
//! ("GMT+8", "+08:00", EST/PDT/...), missing seconds or zone; ISO 8601 short forms; month names
//! in English, German, French, Spanish, Italian, Portuguese and Dutch; `2024年6月27日 17:01`.
//! A date without a zone is taken as UTC. Anything unreadable is `None`, never a guess of "now".

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use regex::Regex;
use std::sync::OnceLock;

/// Parse a feed date in any of the forms this module knows, converted to UTC.
pub fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if text.is_empty() || text.len() > 100 {
        return None;
    }
    if let Ok(date) = DateTime::parse_from_rfc3339(text) {
        return Some(date.with_timezone(&Utc));
    }
    if let Ok(date) = DateTime::parse_from_rfc2822(text) {
        return Some(date.with_timezone(&Utc));
    }
    parse_iso(text)
        .or_else(|| parse_cjk(text))
        .or_else(|| parse_words(text))
}

/// Numeric forms: `2024-06-27`, `2024-06-27T17:01`, `2024/06/27 17:01:51.5 +0800`.
fn parse_iso(text: &str) -> Option<DateTime<Utc>> {
    static ISO: OnceLock<Option<Regex>> = OnceLock::new();
    let re = ISO
        .get_or_init(|| {
            Regex::new(
                r"(?i)^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(Z|UTC|GMT|UT|[+-]\d{1,2}(?::?\d{2})?)?$",
            )
            .ok()
        })
        .as_ref()?;
    let caps = re.captures(text)?;
    let num = |i: usize| caps.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let date = NaiveDate::from_ymd_opt(num(1)? as i32, num(2)?, num(3)?)?;
    let time = NaiveTime::from_hms_opt(
        num(4).unwrap_or(0),
        num(5).unwrap_or(0),
        num(6).unwrap_or(0),
    )?;
    let offset = match caps.get(7) {
        Some(zone) => zone_offset(zone.as_str())?,
        None => 0,
    };
    to_utc(date.and_time(time), offset)
}

/// Chinese/Japanese forms: `2024年6月27日`, optionally followed by `17:01[:51]` or `17时01分`.
fn parse_cjk(text: &str) -> Option<DateTime<Utc>> {
    static CJK: OnceLock<Option<Regex>> = OnceLock::new();
    let re = CJK
        .get_or_init(|| {
            Regex::new(
                r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?(?:\s*(?:星期.|周.)?\s*(\d{1,2})\s*[:：时時]\s*(\d{1,2})\s*(?:[:：分]\s*(\d{1,2})?\s*秒?)?)?",
            )
            .ok()
        })
        .as_ref()?;
    let caps = re.captures(text)?;
    let num = |i: usize| caps.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let date = NaiveDate::from_ymd_opt(num(1)? as i32, num(2)?, num(3)?)?;
    let time = NaiveTime::from_hms_opt(
        num(4).unwrap_or(0),
        num(5).unwrap_or(0),
        num(6).unwrap_or(0),
    )?;
    to_utc(date.and_time(time), 0)
}

/// Word forms in any order: `Thu, 27 Jun 2024 17:01:51 +0800`, `27. Mär 2024 17:01 MEZ`,
/// `June 27, 2024 5:01 PM EST`, `27-jun-24`.
fn parse_words(text: &str) -> Option<DateTime<Utc>> {
    let lower = text.to_lowercase().replace(',', " ");
    let mut tokens: Vec<String> = Vec::new();
    for raw in lower.split_whitespace() {
        // "27-jun-2024" and "27/jun/2024" are one token for the split above.
        if raw.contains(|c: char| c.is_alphabetic())
            && raw.contains(['-', '/'])
            && !is_zone_word(raw)
        {
            tokens.extend(
                raw.split(['-', '/'])
                    .filter(|t| !t.is_empty())
                    .map(str::to_string),
            );
        } else {
            tokens.push(raw.to_string());
        }
    }

    let (mut month, mut year) = (None::<u32>, None::<i32>);
    let mut time: Option<(u32, u32, u32)> = None;
    let mut offset: Option<i32> = None;
    let mut pm: Option<bool> = None;
    let mut numbers: Vec<u32> = Vec::new();

    for token in &tokens {
        let token = token.trim_end_matches('.');
        if token.is_empty() {
            continue;
        }
        let first = token.chars().next().unwrap_or(' ');
        if first.is_ascii_digit() && token.contains(':') {
            let (clock, zone) = split_clock(token);
            time = Some(parse_clock(clock)?);
            if let Some(zone) = zone {
                offset = Some(zone_offset(zone)?);
            }
        } else if token.chars().all(|c| c.is_ascii_digit()) {
            let value: u32 = token.parse().ok()?;
            if token.len() == 4 {
                year = Some(value as i32);
            } else if token.len() <= 2 {
                numbers.push(value);
            } else {
                return None;
            }
        } else if first == '+' || first == '-' {
            offset = Some(zone_offset(token)?);
        } else if token == "am" || token == "pm" || token == "a.m" || token == "p.m" {
            pm = Some(token.starts_with('p'));
        } else if is_zone_word(token) {
            offset = Some(zone_offset(token)?);
        } else if let Some(m) = month_number(token) {
            month = Some(m);
        } else if let Some(o) = named_zone_offset(token) {
            offset = Some(o);
        }
        // Anything else (day names, "de", "um", "à") is noise.
    }

    let month = month?;
    let mut numbers = numbers.into_iter();
    let day = numbers.next();
    if year.is_none() {
        let short = numbers.next()? as i32;
        year = Some(if short < 50 {
            2000 + short
        } else {
            1900 + short
        });
    }
    let (mut hour, minute, second) = time.unwrap_or((0, 0, 0));
    match pm {
        Some(true) if hour < 12 => hour += 12,
        Some(false) if hour == 12 => hour = 0,
        _ => {}
    }
    let date = NaiveDate::from_ymd_opt(year?, month, day?)?;
    let time = NaiveTime::from_hms_opt(hour, minute, second)?;
    to_utc(date.and_time(time), offset.unwrap_or(0))
}

/// "17:01:51+0800" → ("17:01:51", Some("+0800")); "17:01z" → ("17:01", Some("z")).
fn split_clock(token: &str) -> (&str, Option<&str>) {
    match token.find(|c: char| c == '+' || c == '-' || c.is_alphabetic()) {
        Some(at) => (
            token.get(..at).unwrap_or(token),
            token.get(at..).filter(|z| !z.is_empty()),
        ),
        None => (token, None),
    }
}

fn parse_clock(clock: &str) -> Option<(u32, u32, u32)> {
    let mut parts = clock.split(':');
    let hour = parts.next()?.parse().ok()?;
    let minute = parts.next()?.parse().ok()?;
    let second = match parts.next() {
        Some(s) => s.split(['.', ',']).next()?.parse().ok()?,
        None => 0,
    };
    Some((hour, minute, second))
}

fn to_utc(local: NaiveDateTime, offset_seconds: i32) -> Option<DateTime<Utc>> {
    let offset = FixedOffset::east_opt(offset_seconds)?;
    let date = offset.from_local_datetime(&local).single()?;
    Some(date.with_timezone(&Utc))
}

fn is_zone_word(token: &str) -> bool {
    token.starts_with("gmt") || token.starts_with("utc")
}

/// Offset in seconds for "Z", "UTC", "+08:00", "+0800", "+8", "GMT+8", "UTC-05:30".
fn zone_offset(zone: &str) -> Option<i32> {
    let zone = zone.trim().to_ascii_lowercase();
    if let Some(named) = named_zone_offset(&zone) {
        return Some(named);
    }
    let numeric = zone
        .strip_prefix("gmt")
        .or_else(|| zone.strip_prefix("utc"))
        .or_else(|| zone.strip_prefix("ut"))
        .unwrap_or(&zone);
    let (sign, digits) = match numeric.chars().next()? {
        '+' => (1, numeric.get(1..)?),
        '-' => (-1, numeric.get(1..)?),
        _ => return None,
    };
    let (hours, minutes) = match digits.split_once(':') {
        Some((h, m)) => (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?),
        None if digits.len() <= 2 => (digits.parse::<i32>().ok()?, 0),
        None if digits.len() == 4 => (
            digits.get(..2)?.parse::<i32>().ok()?,
            digits.get(2..)?.parse::<i32>().ok()?,
        ),
        None => return None,
    };
    if hours > 14 || minutes > 59 {
        return None;
    }
    Some(sign * (hours * 3600 + minutes * 60))
}

/// RFC 822 zones plus the abbreviations feeds actually use. "CST" is US Central, as RFC 822 says.
fn named_zone_offset(zone: &str) -> Option<i32> {
    let hours: f32 = match zone {
        "z" | "ut" | "utc" | "gmt" | "wet" => 0.0,
        "est" => -5.0,
        "edt" => -4.0,
        "cst" => -6.0,
        "cdt" => -5.0,
        "mst" => -7.0,
        "mdt" => -6.0,
        "pst" => -8.0,
        "pdt" => -7.0,
        "akst" => -9.0,
        "akdt" => -8.0,
        "hst" => -10.0,
        "bst" | "cet" | "met" | "mez" | "west" => 1.0,
        "cest" | "mest" | "mesz" | "eet" | "sast" => 2.0,
        "eest" | "msk" => 3.0,
        "ist" => 5.5,
        "hkt" | "sgt" | "awst" | "pht" => 8.0,
        "jst" | "kst" => 9.0,
        "aest" => 10.0,
        "aedt" => 11.0,
        "nzst" => 12.0,
        "nzdt" => 13.0,
        _ => return None,
    };
    Some((hours * 3600.0) as i32)
}

/// Month number for an English, German, French, Spanish, Italian, Portuguese or Dutch name or
/// abbreviation (lowercase, trailing dot removed).
fn month_number(token: &str) -> Option<u32> {
    const NAMES: [&[&str]; 12] = [
        &[
            "january", "januar", "jänner", "janvier", "janv", "enero", "gennaio", "janeiro",
            "januari",
        ],
        &[
            "february",
            "februar",
            "février",
            "fevrier",
            "févr",
            "fév",
            "febrero",
            "febbraio",
            "fevereiro",
            "februari",
        ],
        &[
            "march", "märz", "mär", "mrz", "maerz", "mars", "marzo", "março", "marco", "maart",
            "mrt",
        ],
        &["april", "avril", "avr", "abril", "aprile"],
        &["may", "mai", "mayo", "maggio", "maio", "mei", "mag"],
        &["june", "juni", "juin", "junio", "giugno", "giu", "junho"],
        &[
            "july", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho",
        ],
        &["august", "août", "aout", "agosto", "ago", "augustus"],
        &[
            "september",
            "septembre",
            "septiembre",
            "setiembre",
            "settembre",
            "setembro",
            "sept",
            "set",
        ],
        &[
            "october", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro", "out",
        ],
        &["november", "novembre", "noviembre", "novembro"],
        &[
            "december",
            "dezember",
            "dez",
            "décembre",
            "decembre",
            "déc",
            "diciembre",
            "dic",
            "dicembre",
            "dezembro",
        ],
    ];
    // Exact names and listed abbreviations first, then a unique 3+ letter prefix ("sep", "janv").
    for (index, names) in NAMES.iter().enumerate() {
        if names.contains(&token) {
            return Some(index as u32 + 1);
        }
    }
    if token.chars().count() < 3 {
        return None;
    }
    let mut found = None;
    for (index, names) in NAMES.iter().enumerate() {
        if names.iter().any(|name| name.starts_with(token)) {
            if found.is_some_and(|f| f != index) {
                return None;
            }
            found = Some(index);
        }
    }
    found.map(|index| index as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> String {
        parse_date(text)
            .map(|d| d.to_rfc3339())
            .unwrap_or_else(|| "none".into())
    }

    #[test]
    fn rfc822_variants() {
        let want = "2024-06-27T09:01:51+00:00";
        assert_eq!(utc("Thu, 27 Jun 2024 17:01:51 +0800"), want);
        assert_eq!(utc("27 Jun 2024 17:01:51 +0800"), want);
        assert_eq!(utc("Mon, 27 Jun 2024 17:01:51 +0800"), want);
        assert_eq!(utc("Thu, 27 Jun 2024 17:01:51 GMT+8"), want);
        assert_eq!(utc("Thu, 27 Jun 2024 17:01:51 UTC+08:00"), want);
        assert_eq!(utc("Thu, 27 Jun 2024 17:01:51 +08:00"), want);
        assert_eq!(utc("Thu, 27 Jun 24 17:01:51 +0800"), want);
        assert_eq!(utc("Thu, 27 June 2024 05:01:51 PM +0800"), want);
        assert_eq!(
            utc("Tue, 2 Jul 2024 10:00 EST"),
            "2024-07-02T15:00:00+00:00"
        );
        assert_eq!(
            utc("Tue, 2 Jul 2024 10:00:00 PDT"),
            "2024-07-02T17:00:00+00:00"
        );
        assert_eq!(utc("Tue, 2 Jul 2024 10:00:00"), "2024-07-02T10:00:00+00:00");
        assert_eq!(utc("June 27, 2024 9:01 am"), "2024-06-27T09:01:00+00:00");
    }

    #[test]
    fn iso_short_forms() {
        assert_eq!(utc("2024-06-27"), "2024-06-27T00:00:00+00:00");
        assert_eq!(utc("2024-06-27T17:01"), "2024-06-27T17:01:00+00:00");
        assert_eq!(utc("2024-06-27 17:01:51"), "2024-06-27T17:01:51+00:00");
        assert_eq!(utc("2024-06-27T17:01:51+0800"), "2024-06-27T09:01:51+00:00");
        assert_eq!(utc("2024/6/27 17:01"), "2024-06-27T17:01:00+00:00");
    }

    #[test]
    fn localized_months_and_cjk() {
        assert_eq!(
            utc("Mi, 27 Mär 2024 10:00:00 +0100"),
            "2024-03-27T09:00:00+00:00"
        );
        assert_eq!(utc("27. März 2024"), "2024-03-27T00:00:00+00:00");
        assert_eq!(
            utc("lun., 27 mai 2024 10:00:00 +0200"),
            "2024-05-27T08:00:00+00:00"
        );
        assert_eq!(utc("3 déc. 2024 08:00"), "2024-12-03T08:00:00+00:00");
        assert_eq!(
            utc("mar, 3 dic 2024 08:00:00 +0100"),
            "2024-12-03T07:00:00+00:00"
        );
        assert_eq!(utc("2024年6月27日"), "2024-06-27T00:00:00+00:00");
        assert_eq!(utc("2024年06月27日 17:01"), "2024-06-27T17:01:00+00:00");
    }

    #[test]
    fn nonsense_is_none() {
        for text in [
            "",
            "soon",
            "32 Jun 2024",
            "2024-13-01",
            "Jun 2024",
            "99:99 27 Jun 2024",
            "年月日",
        ] {
            assert!(parse_date(text).is_none(), "{text}");
        }
    }
}
