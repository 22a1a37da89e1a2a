//! The demo site's content, baked in from `assets/demo/` and parsed once when the server starts;
//! owns the data shapes only, never rendering or HTTP.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use serde::Deserialize;

const SECTIONS: [&str; 3] = [
    include_str!("../../assets/demo/sections/xwzx.toml"),
    include_str!("../../assets/demo/sections/gjjl.toml"),
    include_str!("../../assets/demo/sections/xydt.toml"),
];
const TECH_FEED: &str = include_str!("../../assets/demo/feeds/tech.toml");
const CAMPUS_FEED: &str = include_str!("../../assets/demo/feeds/campus.toml");
const HN: &str = include_str!("../../assets/demo/hn.toml");

/// The CMS site's owner id, the last argument of `_showDynClicks` and `_showDynClickBatch`.
pub const OWNER: u64 = 1730264815;

/// Everything the demo serves, parsed.
#[derive(Debug)]
pub struct Content {
    pub sections: Vec<Section>,
    pub tech: Feed,
    pub campus: Feed,
    pub hn: HnData,
    /// 00:00 UTC of the day the server started. Dates in the content count back from it, so they
    /// stay the same through a day, across restarts, and are never in the future.
    pub anchor: DateTime<Utc>,
}

/// One CMS column: its list pages and articles, newest first.
#[derive(Debug, Deserialize)]
pub struct Section {
    pub slug: String,
    pub name: String,
    pub tree: u32,
    pub lang: Lang,
    pub encoding: PageEncoding,
    pub bom: bool,
    pub page_size: usize,
    /// The chrono format of the dates on list rows.
    #[serde(default = "default_list_date")]
    pub list_date: String,
    #[serde(rename = "article")]
    pub articles: Vec<Article>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Zh,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum PageEncoding {
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "gbk")]
    Gbk,
}

/// One CMS article page.
#[derive(Debug, Deserialize)]
pub struct Article {
    pub id: u32,
    pub title: String,
    pub days_ago: i64,
    pub time: String,
    pub clicks: u64,
    pub step: u64,
    #[serde(default)]
    pub images: Vec<Image>,
    pub attachment: Option<Attachment>,
    pub paragraphs: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Image {
    pub file: String,
    pub caption: String,
}

#[derive(Debug, Deserialize)]
pub struct Attachment {
    pub name: String,
    pub file_id: u32,
}

/// An RSS or Atom feed's items.
#[derive(Debug, Deserialize)]
pub struct Feed {
    pub title: String,
    pub description: String,
    pub category: String,
    #[serde(rename = "item")]
    pub items: Vec<FeedItem>,
}

#[derive(Debug, Deserialize)]
pub struct FeedItem {
    pub id: u32,
    pub title: String,
    pub author: String,
    pub hours_ago: i64,
    pub views: u64,
    pub step: u64,
    pub comments: u64,
    pub tags: Vec<String>,
    pub body: String,
}

/// The Hacker-News-style API's items and lists.
#[derive(Debug, Deserialize)]
pub struct HnData {
    pub top: Vec<u32>,
    pub best: Vec<u32>,
    #[serde(rename = "story")]
    pub stories: Vec<HnStory>,
    #[serde(rename = "comment")]
    pub comments: Vec<HnComment>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HnKind {
    Story,
    Ask,
    Show,
    Job,
}

#[derive(Debug, Deserialize)]
pub struct HnStory {
    pub id: u32,
    pub kind: HnKind,
    pub by: String,
    pub hours_ago: i64,
    pub title: String,
    pub url: Option<String>,
    pub text: Option<String>,
    pub score: u64,
    pub step: u64,
    pub descendants: u64,
    pub kids: Vec<u32>,
    #[serde(default)]
    pub deleted: bool,
    #[serde(default)]
    pub dead: bool,
}

#[derive(Debug, Deserialize)]
pub struct HnComment {
    pub id: u32,
    pub by: String,
    pub parent: u32,
    pub minutes_after: i64,
    pub text: String,
}

impl Content {
    /// Parses the baked-in content; the day of `started` anchors the relative dates.
    pub fn load(started: DateTime<Utc>) -> std::io::Result<Content> {
        let sections = SECTIONS
            .iter()
            .map(|text| parse::<Section>("section", text))
            .collect::<std::io::Result<Vec<_>>>()?;
        Ok(Content {
            sections,
            tech: parse("tech feed", TECH_FEED)?,
            campus: parse("campus feed", CAMPUS_FEED)?,
            hn: parse("hn", HN)?,
            anchor: started.date_naive().and_time(NaiveTime::MIN).and_utc(),
        })
    }

    pub fn section(&self, slug: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.slug == slug)
    }

    /// The section and article with this tree and news id.
    pub fn article(&self, tree: u32, id: u32) -> Option<(&Section, &Article)> {
        self.sections
            .iter()
            .filter(|s| s.tree == tree)
            .find_map(|s| s.articles.iter().find(|a| a.id == id).map(|a| (s, a)))
    }

    /// The publish time of a CMS article: `days_ago` (at least 1) days before the anchor's day,
    /// at its time of day.
    pub fn article_time(&self, article: &Article) -> DateTime<Utc> {
        let day: NaiveDate = (self.anchor - Duration::days(article.days_ago.max(1))).date_naive();
        let time = NaiveTime::parse_from_str(&article.time, "%H:%M:%S").unwrap_or(NaiveTime::MIN);
        day.and_time(time).and_utc()
    }

    pub fn hours_ago(&self, hours: i64) -> DateTime<Utc> {
        self.anchor - Duration::hours(hours.max(0))
    }

    /// Ten-minute steps from the anchor to `at`: counts grow by one step each, so a reader that
    /// restarts the demo later still sees larger numbers than before.
    pub fn ticks(&self, at: DateTime<Utc>) -> u64 {
        u64::try_from((at - self.anchor).num_minutes() / 10).unwrap_or(0)
    }
}

fn default_list_date() -> String {
    "%Y-%m-%d".to_string()
}

fn parse<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> std::io::Result<T> {
    toml::from_str(text).map_err(|err| std::io::Error::other(format!("demo {what}: {err}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_parses_and_ids_are_unique() {
        let content = Content::load(Utc::now()).unwrap();
        assert_eq!(content.sections.len(), 3);
        assert!(content.tech.items.len() >= 12);
        assert!(content.campus.items.len() >= 8);
        assert!(content.hn.stories.len() >= 15);
        let mut ids: Vec<u32> = content
            .sections
            .iter()
            .flat_map(|s| s.articles.iter().map(|a| a.id))
            .chain(content.tech.items.iter().map(|i| i.id))
            .chain(content.campus.items.iter().map(|i| i.id))
            .collect();
        let all = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all);
        for id in content.hn.top.iter().chain(&content.hn.best) {
            assert!(content.hn.stories.iter().any(|s| s.id == *id), "{id}");
        }
    }

    #[test]
    fn dates_are_stable_through_the_day_and_ticks_count_ten_minutes() {
        let morning = DateTime::parse_from_rfc3339("2026-11-20T00:05:00Z")
            .unwrap()
            .to_utc();
        let evening = DateTime::parse_from_rfc3339("2026-11-20T23:55:00Z")
            .unwrap()
            .to_utc();
        let early = Content::load(morning).unwrap();
        let late = Content::load(evening).unwrap();
        let article = &early.sections[0].articles[0];
        assert_eq!(early.article_time(article), late.article_time(article));
        assert_eq!(early.ticks(morning), 0);
        assert_eq!(late.ticks(evening), 143);
        assert_eq!(early.ticks(evening + Duration::minutes(20)), 145);
    }

    #[test]
    fn article_times_are_never_in_the_future() {
        let content = Content::load(Utc::now()).unwrap();
        for section in &content.sections {
            for article in &section.articles {
                assert!(content.article_time(article) < content.anchor);
            }
        }
    }
}
