//! The demo's Hacker-News-style API (`/hn/v0/…`): story lists and items in the real API's JSON
//! shapes, with scores that grow per fetch and over time. Pure rendering; the caller counts.

use chrono::Duration;
use serde_json::{Value, json};

use super::content::{Content, HnKind, HnStory};

/// The id lists the API serves, by file name.
pub fn list(content: &Content, name: &str) -> Option<Vec<u32>> {
    let hn = &content.hn;
    let of_kind = |kind: HnKind| -> Vec<u32> {
        newest_first(content)
            .into_iter()
            .filter(|s| s.kind == kind && !s.deleted && !s.dead)
            .map(|s| s.id)
            .collect()
    };
    match name {
        "topstories.json" => Some(hn.top.clone()),
        "beststories.json" => Some(hn.best.clone()),
        "newstories.json" => Some(newest_first(content).iter().map(|s| s.id).collect()),
        "askstories.json" => Some(of_kind(HnKind::Ask)),
        "showstories.json" => Some(of_kind(HnKind::Show)),
        "jobstories.json" => Some(of_kind(HnKind::Job)),
        _ => None,
    }
}

fn newest_first(content: &Content) -> Vec<&HnStory> {
    let mut stories: Vec<&HnStory> = content.hn.stories.iter().collect();
    stories.sort_by_key(|s| (s.hours_ago, std::cmp::Reverse(s.id)));
    stories
}

/// The largest item id, as `maxitem.json` answers.
pub fn max_item(content: &Content) -> u32 {
    let stories = content.hn.stories.iter().map(|s| s.id);
    let comments = content.hn.comments.iter().map(|c| c.id);
    stories.chain(comments).max().unwrap_or(0)
}

/// Every story id, for the per-item score counters.
pub fn story_ids(content: &Content) -> impl Iterator<Item = u32> + '_ {
    content.hn.stories.iter().map(|s| s.id)
}

/// `item/{id}.json`: a story or comment as the API shapes it; `fetch` is how far its counts have
/// moved on (earlier fetches plus time ticks). `None` for an unknown id (the API answers `null`).
pub fn item(content: &Content, id: u32, fetch: u64) -> Option<Value> {
    if let Some(story) = content.hn.stories.iter().find(|s| s.id == id) {
        return Some(story_json(content, story, fetch));
    }
    let comment = content.hn.comments.iter().find(|c| c.id == id)?;
    let parent_time = content
        .hn
        .stories
        .iter()
        .find(|s| s.id == comment.parent)
        .map_or(content.anchor, |s| content.hours_ago(s.hours_ago));
    let time = parent_time + Duration::minutes(comment.minutes_after);
    Some(json!({
        "by": comment.by,
        "id": comment.id,
        "parent": comment.parent,
        "text": comment.text,
        "time": time.min(content.anchor).timestamp(),
        "type": "comment",
    }))
}

fn story_json(content: &Content, story: &HnStory, fetch: u64) -> Value {
    let time = content.hours_ago(story.hours_ago).timestamp();
    if story.deleted {
        return json!({ "deleted": true, "id": story.id, "time": time, "type": "story" });
    }
    let kind = if story.kind == HnKind::Job {
        "job"
    } else {
        "story"
    };
    let mut item = json!({
        "by": story.by,
        "id": story.id,
        "score": story.score + story.step * fetch,
        "time": time,
        "title": story.title,
        "type": kind,
    });
    if let Value::Object(map) = &mut item {
        if kind == "story" {
            let comments = story.descendants + (story.step * fetch) / 3;
            map.insert("descendants".into(), json!(comments));
            if !story.kids.is_empty() {
                map.insert("kids".into(), json!(story.kids));
            }
        }
        if let Some(url) = story.url.as_ref().filter(|u| !u.is_empty()) {
            map.insert("url".into(), json!(url));
        }
        if let Some(text) = &story.text {
            map.insert("text".into(), json!(text));
        }
        if story.dead {
            map.insert("dead".into(), json!(true));
        }
    }
    item
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn lists_and_item_shapes() {
        let content = Content::load(Utc::now()).unwrap();
        let ask = list(&content, "askstories.json").unwrap();
        assert!(!ask.is_empty());
        let first = item(&content, ask[0], 0).unwrap();
        assert!(first["text"].is_string());
        assert!(first.get("url").is_none());
        let later = item(&content, ask[0], 5).unwrap();
        assert!(later["score"].as_u64() > first["score"].as_u64());
        let deleted = item(&content, 43016, 0).unwrap();
        assert_eq!(deleted["deleted"], json!(true));
        assert!(deleted.get("title").is_none());
        assert_eq!(item(&content, 43007, 0).unwrap()["dead"], json!(true));
        assert_eq!(item(&content, 43101, 0).unwrap()["type"], json!("comment"));
        assert!(item(&content, 1, 0).is_none());
        assert!(list(&content, "nostories.json").is_none());
        assert_eq!(max_item(&content), 43104);
    }
}
