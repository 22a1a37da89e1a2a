//! The CMS-style pages of the demo site (VSB list and article pages), rendered from the
//! `assets/demo/site/` templates and the section content; pure, no HTTP.

use super::content::{Article, Content, Lang, OWNER, PageEncoding, Section};

const LIST_EN: &str = include_str!("../../assets/demo/site/list.html");
const LIST_ZH: &str = include_str!("../../assets/demo/site/list_zh.html");
const ARTICLE_EN: &str = include_str!("../../assets/demo/site/article.html");
const ARTICLE_ZH: &str = include_str!("../../assets/demo/site/article_zh.html");
const INDEX: &str = include_str!("../../assets/demo/site/index.html");

/// A rendered page: its bytes in the section's encoding and the Content-Type to send.
#[derive(Debug)]
pub struct Page {
    pub body: Vec<u8>,
    pub content_type: &'static str,
}

/// Which list page of a section a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListPage {
    /// `/{slug}.htm`
    First,
    /// `/{slug}/{n}.htm`: reverse numbered, the last page is `1.htm`.
    Numbered(usize),
}

pub fn index() -> Page {
    Page {
        body: INDEX.as_bytes().to_vec(),
        content_type: "text/html; charset=UTF-8",
    }
}

/// How many list pages a section has.
pub fn page_count(section: &Section) -> usize {
    section
        .articles
        .len()
        .div_ceil(section.page_size.max(1))
        .max(1)
}

/// A section's list page, or `None` when the page number is out of range.
pub fn list_page(content: &Content, section: &Section, which: ListPage) -> Option<Page> {
    let total = page_count(section);
    // k is the 1-based position counted from the newest page.
    let k = match which {
        ListPage::First => 1,
        ListPage::Numbered(n) if n >= 1 && n < total => total - n + 1,
        ListPage::Numbered(_) => return None,
    };
    let size = section.page_size.max(1);
    let articles: Vec<&Article> = section
        .articles
        .iter()
        .skip((k - 1) * size)
        .take(size)
        .collect();
    let root = if k == 1 { "" } else { "../" };
    let unit = if section.lang == Lang::Zh { 8 } else { 7 };
    let rows: Vec<String> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| list_row(content, section, a, root, unit, i))
        .collect();
    let spans: Vec<String> = articles
        .iter()
        .map(|a| format!("'dynclicks_u{unit}_{}'", a.id))
        .collect();
    let ids: Vec<String> = articles.iter().map(|a| a.id.to_string()).collect();
    let batch = format!(
        "_showDynClickBatch([{}],[{}],\"wbnews\", {OWNER})",
        spans.join(","),
        ids.join(",")
    );
    let template = if section.lang == Lang::Zh {
        LIST_ZH
    } else {
        LIST_EN
    };
    let html = fill(
        template,
        &[
            ("section", &escape(&section.name)),
            ("slug", &section.slug),
            ("root", root),
            ("tree", &section.tree.to_string()),
            ("owner", &OWNER.to_string()),
            ("rows", &rows.join("\n")),
            ("batch", &batch),
            ("pager", &pager(section, k, total)),
        ],
    );
    Some(encode(section, &html))
}

fn list_row(
    content: &Content,
    section: &Section,
    article: &Article,
    root: &str,
    unit: u32,
    index: usize,
) -> String {
    let date = content
        .article_time(article)
        .format(&section.list_date)
        .to_string();
    let limit = if section.lang == Lang::Zh { 18 } else { 48 };
    let shown = shorten(&article.title, limit);
    format!(
        "        <li id=\"line_u{unit}_{index}\"><span> {date}</span>\n          \
         <a href=\"{root}info/{tree}/{id}.htm\" title=\"{title}\"><em>{shown}</em></a>\n          \
         <span id=\"dynclicks_u{unit}_{id}\" name=\"dynclicks_u{unit}_{id}\"></span></li>",
        tree = section.tree,
        id = article.id,
        title = escape(&article.title),
        shown = escape(&shown),
    )
}

/// The VSB pager; "next" always follows the reverse numbering.
fn pager(section: &Section, k: usize, total: usize) -> String {
    let zh = section.lang == Lang::Zh;
    let (first, prev, next, last) = if zh {
        ("首页", "上页", "下页", "尾页")
    } else {
        ("First", "Prev", "Next", "Last")
    };
    let slug = &section.slug;
    // Links are relative to the page: page 1 lives at the root, the others inside `{slug}/`.
    let href = |target: usize| -> String {
        match (k == 1, target == 1) {
            (true, true) => format!("{slug}.htm"),
            (true, false) => format!("{slug}/{}.htm", total - target + 1),
            (false, true) => format!("../{slug}.htm"),
            (false, false) => format!("{}.htm", total - target + 1),
        }
    };
    let mut out = format!(
        "<span class=\"p_pages\"><span class=\"p_t\">{}</span> <span class=\"p_t\">{k}/{total}</span>",
        if zh {
            format!("共{}条", section.articles.len())
        } else {
            format!("{} items", section.articles.len())
        }
    );
    if k == 1 {
        out += &format!(
            " <span class=\"p_first_d\">{first}</span> <span class=\"p_prev_d\">{prev}</span>"
        );
    } else {
        out += &format!(
            " <span class=\"p_first p_fun\"><a href=\"{}\">{first}</a></span> <span class=\"p_prev p_fun\"><a href=\"{}\">{prev}</a></span>",
            href(1),
            href(k - 1)
        );
    }
    for page in 1..=total {
        if page == k {
            out += &format!(" <span class=\"p_no_d\">{page}</span>");
        } else {
            out += &format!(
                " <span class=\"p_no\"><a href=\"{}\">{page}</a></span>",
                href(page)
            );
        }
    }
    if k < total {
        out += &format!(
            " <span class=\"p_next p_fun\"><a href=\"{}\">{next}</a></span> <span class=\"p_last p_fun\"><a href=\"{}\">{last}</a></span>",
            href(k + 1),
            href(total)
        );
    } else {
        out += &format!(
            " <span class=\"p_next_d\">{next}</span> <span class=\"p_last_d\">{last}</span>"
        );
    }
    out + "</span>"
}

/// An article page, `/info/{tree}/{id}.htm`.
pub fn article_page(content: &Content, section: &Section, article: &Article) -> Page {
    let zh = section.lang == Lang::Zh;
    let at = content.article_time(article);
    let body = article_body(article, zh);
    let attachments = article
        .attachment
        .as_ref()
        .map(|a| {
            let link = format!(
                "<a href=\"/system/_content/download.jsp?urltype=news.DownloadAttachUrl&amp;owner={OWNER}&amp;wbfileid={}\" target=\"_blank\">{}</a>",
                a.file_id,
                escape(&a.name)
            );
            let times = format!(
                "<span id=\"nattach{0}\"><script language=\"javascript\">getClickTimes({0},{1},\"wbnewsfile\",\"attach\")</script></span>",
                a.file_id, article.id
            );
            if zh {
                format!("<ul style=\"list-style-type:none;\"><li>附件【{link}】已下载{times}次</li></ul>")
            } else {
                format!("<ul style=\"list-style-type:none;\"><li>Attachment: {link} (downloaded {times} times)</li></ul>")
            }
        })
        .unwrap_or_default();
    let template = if zh { ARTICLE_ZH } else { ARTICLE_EN };
    let html = fill(
        template,
        &[
            ("title", &escape(&article.title)),
            ("section", &escape(&section.name)),
            ("slug", &section.slug),
            ("tree", &section.tree.to_string()),
            ("id", &article.id.to_string()),
            ("owner", &OWNER.to_string()),
            ("datetime", &at.format("%Y-%m-%d %H:%M:%S").to_string()),
            ("datetime_short", &at.format("%Y-%m-%d %H:%M").to_string()),
            ("body", &body),
            ("attachments", &attachments),
        ],
    );
    encode(section, &html)
}

/// Body paragraphs as a VSB editor writes them, with the images after the first paragraph.
fn article_body(article: &Article, zh: bool) -> String {
    let mut out = Vec::new();
    for (i, paragraph) in article.paragraphs.iter().enumerate() {
        let class = if i == 0 {
            " class=\"vsbcontent_start\""
        } else {
            ""
        };
        let text = if zh {
            format!("<span style=\"font-family:宋体;font-size:12pt;\">{paragraph}</span>")
        } else {
            paragraph.clone()
        };
        out.push(format!(
            "<p{class} style=\"text-indent:2em;line-height:1.75em;\">{text}</p>"
        ));
        if i == 0 {
            for image in &article.images {
                out.push(format!(
                    "<p class=\"vsbcontent_img\" style=\"text-align:center;\"><img class=\"img_vsb_content\" src=\"../../images/{file}\" width=\"600\" alt=\"{alt}\" /></p>\n<p style=\"text-align:center;\">{caption}</p>",
                    file = image.file,
                    alt = escape(&image.caption),
                    caption = escape(&image.caption),
                ));
            }
        }
    }
    out.join("\n")
}

/// Encodes a page as its section is served: GBK named only in the meta, or UTF-8 (with a BOM).
fn encode(section: &Section, html: &str) -> Page {
    match section.encoding {
        PageEncoding::Gbk => {
            let (bytes, _, _) = encoding_rs::GBK.encode(html);
            Page {
                body: bytes.into_owned(),
                content_type: "text/html",
            }
        }
        PageEncoding::Utf8 => {
            let mut body = Vec::with_capacity(html.len() + 3);
            if section.bom {
                body.extend_from_slice(b"\xEF\xBB\xBF");
            }
            body.extend_from_slice(html.as_bytes());
            Page {
                body,
                content_type: "text/html; charset=UTF-8",
            }
        }
    }
}

/// Replaces each `{{key}}` of the template.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_string(), |text, (key, value)| {
            text.replace(&format!("{{{{{key}}}}}"), value)
        })
}

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A list title as VSB templates cut it, with an ellipsis.
fn shorten(title: &str, limit: usize) -> String {
    if title.chars().count() <= limit {
        title.to_string()
    } else {
        let cut: String = title.chars().take(limit).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn content() -> Content {
        Content::load(Utc::now()).unwrap()
    }

    #[test]
    fn pages_follow_reverse_numbering() {
        let content = content();
        let section = content.section("xwzx").unwrap();
        assert_eq!(page_count(section), 3);
        let first =
            String::from_utf8(list_page(&content, section, ListPage::First).unwrap().body).unwrap();
        assert!(first.contains("<span class=\"p_next p_fun\"><a href=\"xwzx/2.htm\">"));
        assert!(first.contains("href=\"info/1141/2010.htm\""));
        let second = String::from_utf8(
            list_page(&content, section, ListPage::Numbered(2))
                .unwrap()
                .body,
        )
        .unwrap();
        assert!(second.contains("<span class=\"p_next p_fun\"><a href=\"1.htm\">"));
        assert!(second.contains("href=\"../info/1141/"));
        assert!(second.contains("<a href=\"../xwzx.htm\">"));
        let last = String::from_utf8(
            list_page(&content, section, ListPage::Numbered(1))
                .unwrap()
                .body,
        )
        .unwrap();
        assert!(last.contains("p_next_d"));
        assert!(list_page(&content, section, ListPage::Numbered(3)).is_none());
        assert!(list_page(&content, section, ListPage::Numbered(0)).is_none());
    }

    #[test]
    fn every_article_is_listed_once() {
        let content = content();
        for section in &content.sections {
            let mut html = String::new();
            html += &String::from_utf8_lossy(
                &list_page(&content, section, ListPage::First).unwrap().body,
            );
            for n in 1..page_count(section) {
                html += &String::from_utf8_lossy(
                    &list_page(&content, section, ListPage::Numbered(n))
                        .unwrap()
                        .body,
                );
            }
            for article in &section.articles {
                let link = format!("info/{}/{}.htm\"", section.tree, article.id);
                assert_eq!(html.matches(&link).count(), 1, "{link}");
            }
        }
    }

    #[test]
    fn chinese_pages_encode_to_gbk_without_loss() {
        let content = content();
        let section = content.section("xydt").unwrap();
        for article in &section.articles {
            let html = fill(
                ARTICLE_ZH,
                &[
                    ("body", &article_body(article, true)),
                    ("title", &article.title),
                ],
            );
            let (_, _, lossy) = encoding_rs::GBK.encode(&html);
            assert!(!lossy, "{}", article.title);
        }
        let (_, _, lossy) = encoding_rs::GBK.encode(LIST_ZH);
        assert!(!lossy);
    }
}
