//! Reading the reader's panes off a captured screen (rows joined by newlines, 120 columns): the
//! helpers the pseudo-terminal tests share.

/// The text of the first pane on a line: between the first two `│`.
pub fn first_pane(line: &str) -> Option<&str> {
    let rest = line.split_once('│')?.1;
    Some(rest.split_once('│').map_or(rest, |(cell, _)| cell))
}

/// The reader pane's text (120 columns): what follows the second pane on each line.
pub fn reader_text(screen: &str) -> String {
    screen
        .lines()
        .filter_map(|line| line.split('│').nth(5))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
}
