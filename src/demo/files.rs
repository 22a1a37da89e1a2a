//! The demo site's static files (images, CMS script stubs, an attachment), baked into the binary.

/// The images under `/images/`, by file name.
const IMAGES: &[(&str, &[u8])] = &[
    (
        "campus-gate.png",
        include_bytes!("../../assets/demo/images/campus-gate.png"),
    ),
    (
        "canteen.png",
        include_bytes!("../../assets/demo/images/canteen.png"),
    ),
    (
        "chart.png",
        include_bytes!("../../assets/demo/images/chart.png"),
    ),
    (
        "chip.png",
        include_bytes!("../../assets/demo/images/chip.png"),
    ),
    (
        "delegation.png",
        include_bytes!("../../assets/demo/images/delegation.png"),
    ),
    (
        "graduation.png",
        include_bytes!("../../assets/demo/images/graduation.png"),
    ),
    (
        "library.png",
        include_bytes!("../../assets/demo/images/library.png"),
    ),
    (
        "logo.png",
        include_bytes!("../../assets/demo/images/logo.png"),
    ),
    (
        "robotics.png",
        include_bytes!("../../assets/demo/images/robotics.png"),
    ),
    (
        "seminar.png",
        include_bytes!("../../assets/demo/images/seminar.png"),
    ),
    (
        "server-rack.png",
        include_bytes!("../../assets/demo/images/server-rack.png"),
    ),
    (
        "sports-day.png",
        include_bytes!("../../assets/demo/images/sports-day.png"),
    ),
    (
        "workshop.png",
        include_bytes!("../../assets/demo/images/workshop.png"),
    ),
];

/// The CMS's scripts under `/system/resource/js/`; stubs, since the reader never runs them.
const SCRIPTS: &[(&str, &str)] = &[
    (
        "counter.js",
        include_str!("../../assets/demo/site/static/counter.js"),
    ),
    (
        "dynclicks.js",
        include_str!("../../assets/demo/site/static/dynclicks.js"),
    ),
];

/// The body served for every attachment: a minimal one-page PDF.
pub const ATTACHMENT: &[u8] = include_bytes!("../../assets/demo/site/static/attachment.pdf");

pub fn image(name: &str) -> Option<&'static [u8]> {
    IMAGES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, bytes)| *bytes)
}

pub fn script(name: &str) -> Option<&'static str> {
    SCRIPTS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_pngs() {
        for (name, bytes) in IMAGES {
            assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{name}");
        }
        assert!(ATTACHMENT.starts_with(b"%PDF-"));
    }
}
