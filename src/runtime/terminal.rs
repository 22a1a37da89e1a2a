//! The terminal's lifecycle, in one place: enter raw mode and the alternate screen, restore on
//! every exit path (drop, panic, signal), suspend on Ctrl-Z and resume, and OSC 52 copies.

use std::io::{self, BufWriter, Stdout, Write};
use std::panic::PanicHookInfo;
use std::sync::Arc;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// Frames go out in one write each: the standard output writes every kilobyte, and each write
/// wakes the terminal, which then draws a frame in pieces.
pub type Backend = CrosstermBackend<BufWriter<Stdout>>;

/// Room for a full frame of a big terminal with colours.
const FRAME_BUFFER_BYTES: usize = 256 * 1024;

type PanicHook = Arc<dyn Fn(&PanicHookInfo<'_>) + Send + Sync + 'static>;

/// Owns the terminal while the TUI runs; dropping it restores the terminal and the panic hook.
pub struct Tui {
    pub terminal: Terminal<Backend>,
    previous_hook: Option<PanicHook>,
}

impl Tui {
    /// Enter the TUI. A panic from here on restores the terminal before the report is printed.
    pub fn enter() -> io::Result<Tui> {
        let previous: PanicHook = Arc::from(std::panic::take_hook());
        let chained = Arc::clone(&previous);
        std::panic::set_hook(Box::new(move |info| {
            restore();
            chained(info);
        }));
        let mut tui = Tui {
            terminal: Terminal::new(CrosstermBackend::new(BufWriter::with_capacity(
                FRAME_BUFFER_BYTES,
                io::stdout(),
            )))?,
            previous_hook: Some(previous),
        };
        setup()?;
        tui.redraw_all()?;
        Ok(tui)
    }

    /// Ctrl-Z: give the terminal back, stop until `fg`, then take it again and redraw everything.
    pub fn suspend(&mut self) -> io::Result<()> {
        restore();
        stop_self();
        setup()?;
        self.redraw_all()
    }

    /// Clear the screen and make the next draw write every cell. (`Terminal::clear` would ask
    /// the terminal for the cursor position, which not every terminal answers.)
    fn redraw_all(&mut self) -> io::Result<()> {
        let size = self.terminal.size()?;
        self.terminal
            .resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
    }

    /// Copy text to the clipboard of the terminal (and over SSH) with OSC 52.
    pub fn copy(&mut self, text: &str) -> io::Result<()> {
        let sequence = format!("\x1b]52;c;{}\x07", base64(text.as_bytes()));
        let backend = self.terminal.backend_mut();
        backend.write_all(sequence.as_bytes())?;
        backend.flush()
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        restore();
        if let Some(previous) = self.previous_hook.take() {
            let _ = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| previous(info)));
        }
    }
}

fn setup() -> io::Result<()> {
    enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )
}

/// Put the terminal back as we found it. Safe to call more than once, and from a panic hook.
pub fn restore() {
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
}

/// Stop this process as the shell's job control expects (SIGTSTP), without `unsafe`: the `kill`
/// utility sends it by argv. Waiting for `kill` to exit means the signal is pending when we return
/// from the wait, so the process stops before it takes the terminal back.
fn stop_self() {
    #[cfg(unix)]
    {
        let pid = std::process::id().to_string();
        let status = std::process::Command::new("kill")
            .args(["-TSTP", &pid])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
        if let Err(error) = status {
            tracing::warn!(%error, "cannot suspend");
        }
    }
}

/// Standard base64 with padding, for OSC 52.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::base64;

    #[test]
    fn base64_matches_rfc_4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(
            base64("https://example.edu/新闻".as_bytes()),
            "aHR0cHM6Ly9leGFtcGxlLmVkdS/mlrDpl7s="
        );
    }
}
