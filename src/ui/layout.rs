//! Pane geometry: three panes side by side from 100 columns, one pane at a time below. Pure.

use ratatui::layout::Rect;

use crate::app::Pane;

/// Below this width only the focused pane is shown, like newsboat.
pub const NARROW_WIDTH: u16 = 100;

/// Where each visible pane goes; a pane that is not shown has `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaneAreas {
    pub categories: Option<Rect>,
    pub articles: Option<Rect>,
    pub reader: Option<Rect>,
    pub status: Rect,
}

impl PaneAreas {
    pub fn get(&self, pane: Pane) -> Option<Rect> {
        match pane {
            Pane::Categories => self.categories,
            Pane::Articles => self.articles,
            Pane::Reader => self.reader,
        }
    }

    /// The visible pane under a screen position.
    pub fn pane_at(&self, column: u16, row: u16) -> Option<(Pane, Rect)> {
        [Pane::Categories, Pane::Articles, Pane::Reader]
            .into_iter()
            .filter_map(|pane| self.get(pane).map(|rect| (pane, rect)))
            .find(|(_, rect)| rect.contains((column, row).into()))
    }
}

pub fn is_narrow(area: Rect) -> bool {
    area.width < NARROW_WIDTH
}

/// Split the screen: panes on top, one status line at the bottom.
pub fn panes(area: Rect, focus: Pane) -> PaneAreas {
    let status_height = u16::from(area.height > 0);
    let status = Rect::new(
        area.x,
        area.y + area.height.saturating_sub(1),
        area.width,
        status_height,
    );
    let main = Rect::new(
        area.x,
        area.y,
        area.width,
        area.height.saturating_sub(status_height),
    );
    if is_narrow(area) {
        let mut areas = PaneAreas {
            categories: None,
            articles: None,
            reader: None,
            status,
        };
        match focus {
            Pane::Categories => areas.categories = Some(main),
            Pane::Articles => areas.articles = Some(main),
            Pane::Reader => areas.reader = Some(main),
        }
        return areas;
    }
    let categories_width = (main.width / 5).clamp(20, 32);
    let rest = main.width - categories_width;
    // The list gets a little more than half: titles need the room more than the body does.
    let articles_width = rest * 11 / 20;
    let reader_width = rest - articles_width;
    PaneAreas {
        categories: Some(Rect::new(main.x, main.y, categories_width, main.height)),
        articles: Some(Rect::new(
            main.x + categories_width,
            main.y,
            articles_width,
            main.height,
        )),
        reader: Some(Rect::new(
            main.x + categories_width + articles_width,
            main.y,
            reader_width,
            main.height,
        )),
        status,
    }
}

/// The area inside a pane's border.
pub fn inner(rect: Rect) -> Rect {
    Rect::new(
        rect.x.saturating_add(1),
        rect.y.saturating_add(1),
        rect.width.saturating_sub(2),
        rect.height.saturating_sub(2),
    )
}

/// The area a pane gets when it is shown (in the narrow layout, when it has the focus).
pub fn pane_area(area: Rect, pane: Pane) -> Rect {
    panes(area, pane).get(pane).unwrap_or_default()
}

/// Rows of a list pane (categories, articles) inside its border.
pub fn list_rows(area: Rect, pane: Pane) -> usize {
    usize::from(inner(pane_area(area, pane)).height).max(1)
}

/// Columns the reader renders its body at: its inner width less one column of padding each side.
pub fn reader_body_width(area: Rect) -> u16 {
    inner(pane_area(area, Pane::Reader))
        .width
        .saturating_sub(2)
        .max(10)
}

/// Rows the body scrolls in, once the header (about six rows) is drawn.
pub fn reader_body_rows(area: Rect) -> usize {
    usize::from(
        inner(pane_area(area, Pane::Reader))
            .height
            .saturating_sub(6),
    )
    .max(1)
}
