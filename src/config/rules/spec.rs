//! Validated rules as JSON, so the store can keep each source's rules next to it and any refresh
//! path (headless or the reader) rebuilds them by source id without carrying config around.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{HnRules, JsonRules, ListTarget, SourceRules, compile_page};

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Spec {
    Page {
        table: toml::Table,
        preset: Option<String>,
        lists: Vec<ListTarget>,
        delay_ms: Option<u64>,
        max_pages: usize,
        counter_window_days: u32,
    },
    Hackernews(HnRules),
    Json(JsonRules),
}

impl SourceRules {
    /// The rules as JSON, for the store.
    pub fn to_json(&self) -> Result<String, String> {
        let spec = match self {
            SourceRules::Page(page) => Spec::Page {
                table: page.table.clone(),
                preset: page.preset.clone(),
                lists: page.lists.clone(),
                delay_ms: page
                    .delay
                    .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
                max_pages: page.max_pages,
                counter_window_days: page.counter_window_days,
            },
            SourceRules::Hackernews(hn) => Spec::Hackernews(hn.clone()),
            SourceRules::Json(json) => Spec::Json((**json).clone()),
        };
        serde_json::to_string(&spec).map_err(|e| e.to_string())
    }

    /// Rebuilds rules stored with [`SourceRules::to_json`].
    pub fn from_json(text: &str) -> Result<SourceRules, String> {
        let spec: Spec = serde_json::from_str(text).map_err(|e| format!("stored rules: {e}"))?;
        Ok(match spec {
            Spec::Page {
                table,
                preset,
                lists,
                delay_ms,
                max_pages,
                counter_window_days,
            } => {
                let mut page = compile_page(table).map_err(|e| e.message)?;
                page.preset = preset;
                page.lists = lists;
                page.delay = delay_ms.map(Duration::from_millis);
                page.max_pages = max_pages.max(1);
                page.counter_window_days = counter_window_days;
                SourceRules::Page(Box::new(page))
            }
            Spec::Hackernews(hn) => SourceRules::Hackernews(hn),
            Spec::Json(json) => SourceRules::Json(Box::new(json)),
        })
    }
}

/// Rules are equal when they would be stored the same (compiled selectors have no equality).
impl PartialEq for SourceRules {
    fn eq(&self, other: &SourceRules) -> bool {
        match (self.to_json(), other.to_json()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_rules_survive_a_round_trip() {
        let mut page = super::super::preset("vsb").unwrap();
        page.max_pages = 7;
        page.delay = Some(Duration::from_millis(20));
        page.lists = vec![ListTarget {
            url: "b.htm".into(),
            category: Some("B".into()),
        }];
        let json = SourceRules::Page(Box::new(page)).to_json().unwrap();
        let SourceRules::Page(back) = SourceRules::from_json(&json).unwrap() else {
            panic!("not a page")
        };
        assert_eq!(back.max_pages, 7);
        assert_eq!(back.delay, Some(Duration::from_millis(20)));
        assert_eq!(back.lists[0].url, "b.htm");
        assert_eq!(back.preset.as_deref(), Some("vsb"));
        assert_eq!(back.list.item.text, "li[id^=line_u], tr[id^=line_u]");
    }
}
