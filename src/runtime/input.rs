//! Terminal input on a thread of its own, at the reader's own priority: a key is read, and stamped
//! with the time it was read, as soon as it arrives, whatever the background threads are doing.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossterm::event::{self, Event};
use tokio::sync::mpsc::UnboundedSender;

use crate::app::Input;

/// How often the thread looks whether it should stop.
const POLL: Duration = Duration::from_millis(50);

/// Terminal input as it arrives, with when it was read.
pub type Stamped = (Input, Instant);

/// Stops the input thread when dropped (within `POLL`; not waited for, so quitting stays fast).
pub struct InputThread {
    stop: Arc<AtomicBool>,
}

impl Drop for InputThread {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Starts reading terminal events into `inputs`. The thread ends on `stop`, when the loop is gone,
/// or when the terminal cannot be read (logged; the loop then gets no more input).
pub fn spawn(inputs: UnboundedSender<Stamped>) -> std::io::Result<InputThread> {
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = Arc::clone(&stop);
    std::thread::Builder::new()
        .name("tidings-input".to_owned())
        .spawn(move || read_events(&inputs, &stopped))?;
    Ok(InputThread { stop })
}

fn read_events(inputs: &UnboundedSender<Stamped>, stop: &AtomicBool) {
    while !stop.load(Ordering::Relaxed) {
        let ready = match event::poll(POLL) {
            Ok(ready) => ready,
            Err(error) => {
                tracing::error!(%error, "cannot read terminal events");
                return;
            }
        };
        if !ready {
            continue;
        }
        let input = match event::read() {
            Ok(Event::Key(key)) => Input::Key(key),
            Ok(Event::Mouse(mouse)) => Input::Mouse(mouse),
            Ok(Event::Resize(width, height)) => Input::Resize { width, height },
            Ok(Event::Paste(text)) => Input::Paste(text),
            Ok(_) => continue,
            Err(error) => {
                tracing::error!(%error, "cannot read terminal events");
                return;
            }
        };
        if inputs.send((input, Instant::now())).is_err() {
            return;
        }
    }
}
