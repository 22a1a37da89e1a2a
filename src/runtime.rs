//! The TUI loop: owns the terminal, one inbox, runs effects, draws when dirty.
//!
//! Terminal input arrives from its own thread (input.rs) on one channel; store replies, rendered
//! bodies and refresh events on another. The loop drains what is there, the terminal's input
//! first (up to a frame's worth of time), updates, and draws once if anything changed; a key is
//! drawn at once. It never waits on I/O itself. Only while a refresh runs does a timer redraw
//! (30 frames a second), so that progress moves; with `--log-level trace` every frame's draw time
//! and input latency go to the log (target `tidings::frames`), which `benches/tui_refresh.py` reads.

mod effects;
mod input;
mod setup;
mod terminal;

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;

use crate::app::{self, Action, Effect, Input, Msg, State};
use crate::config::keymap::Keymap;
use crate::config::theme::Theme;
use crate::refresh::RefreshContext;

pub use setup::{Targets, start};
pub use terminal::restore as restore_terminal;

/// How long one batch of inputs may take before the screen is drawn.
const FRAME: Duration = Duration::from_millis(16);

/// While a refresh runs the screen is redrawn at least this often (its progress and spinner).
const REFRESH_FRAME: Duration = Duration::from_millis(33);

/// While a refresh runs, frames no key asked for come at most this often (40 a second): progress
/// needs no more, and each frame takes processor time from the refresh (and from the terminal,
/// which decodes it).
const REFRESH_FRAME_MIN: Duration = Duration::from_millis(25);

/// While a refresh runs, lists it changed are reloaded at most every this many frames (~4 a
/// second), whatever the number of sources finishing meanwhile.
const RELOAD_EVERY_FRAMES: u32 = 8;

/// What the reader starts with.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub keymap: Keymap,
    /// Replaced by `Theme::no_color()` when `NO_COLOR` is set.
    pub theme: Theme,
    /// Refresh every source right after start.
    pub refresh_on_start: bool,
    /// Refresh every source this often while running.
    pub refresh_every: Option<Duration>,
    /// Shown in the status line when nothing else is (e.g. how to add sources to the demo).
    pub idle_hint: Option<String>,
}

/// Whether `NO_COLOR` asks for no colours (set and not empty).
pub fn no_color_requested() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty())
}

/// Run the reader until the user quits or SIGTERM/SIGHUP arrives. The terminal is restored on
/// every way out, panics included.
pub async fn run(
    ctx: Arc<RefreshContext>,
    targets: Arc<Targets>,
    options: Options,
) -> io::Result<()> {
    let theme = if no_color_requested() {
        Theme::no_color()
    } else {
        options.theme.clone()
    };
    let mut tui = terminal::Tui::enter()?;
    let size = tui.terminal.size()?;
    let mut state = State::new(options.keymap.clone(), size.width, size.height);
    state.status.idle_hint = options.idle_hint.clone();

    let (inbox, mut received) = unbounded_channel::<Input>();
    let (keys, mut keys_received) = unbounded_channel::<input::Stamped>();
    let reading = input::spawn(keys)?;
    let (store_effects, store_worker) =
        effects::spawn_store_worker(ctx.store.clone(), inbox.clone());
    // Articles stored by a headless refresh may still wait for the search index; it catches up
    // after the first frames are drawn.
    let indexing_store = ctx.store.clone();
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        effects::catch_up_search_index(&indexing_store).await;
    });
    let mut runner = Runner {
        ctx,
        targets,
        inbox,
        store_effects,
        refresh: None,
    };

    let mut first = app::start(&mut state);
    if options.refresh_on_start {
        first.extend(app::update(&mut state, Action::RefreshAll.into()));
    }
    runner.run_all(first, &mut tui)?;

    let result = event_loop(
        &mut state,
        &theme,
        &options,
        &mut tui,
        &mut runner,
        Inboxes {
            keys: &mut keys_received,
            messages: &mut received,
        },
    )
    .await;

    drop(reading);
    store_worker.abort();
    if let Some(refresh) = runner.refresh.take() {
        refresh.abort();
    }
    drop(tui);
    result
}

/// The loop's two inboxes: the terminal's input (read on its own thread, stamped) goes first.
struct Inboxes<'a> {
    keys: &'a mut UnboundedReceiver<input::Stamped>,
    messages: &'a mut UnboundedReceiver<Input>,
}

impl Inboxes<'_> {
    /// What is waiting, the terminal's input first; with when a terminal input was read.
    fn try_next(&mut self) -> Option<(Input, Option<Instant>)> {
        match self.keys.try_recv() {
            Ok((input, read_at)) => Some((input, Some(read_at))),
            Err(_) => self.messages.try_recv().ok().map(|input| (input, None)),
        }
    }
}

async fn event_loop(
    state: &mut State,
    theme: &Theme,
    options: &Options,
    tui: &mut terminal::Tui,
    runner: &mut Runner,
    mut inboxes: Inboxes<'_>,
) -> io::Result<()> {
    let mut signals = Signals::new()?;
    let mut timer = options.refresh_every.map(|every| {
        let mut interval = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        interval
    });
    let mut frame_timer = tokio::time::interval(REFRESH_FRAME);
    let mut ticks: u32 = 0;
    frame_timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut dirty = true;
    let mut last_draw = Instant::now();
    // When the oldest input not yet on screen arrived, and when the first key not yet on screen
    // was read. While a refresh floods the inbox with progress, only keys are drawn at once and
    // the rest at most every REFRESH_FRAME_MIN; otherwise every batch is drawn when it is done.
    let mut waiting: Option<Instant> = None;
    let mut key_waiting: Option<Instant> = None;
    let mut terminal_open = true;
    loop {
        let throttled = state.status.refreshing() && key_waiting.is_none();
        if dirty && (!throttled || last_draw.elapsed() >= REFRESH_FRAME_MIN) {
            let now = chrono::Local::now().fixed_offset();
            let started = Instant::now();
            tui.terminal
                .draw(|frame| crate::ui::draw(frame, state, theme, now))?;
            last_draw = Instant::now();
            dirty = false;
            // For a key: from reading it to the frame that shows it.
            let key = key_waiting.take();
            let oldest = waiting.take();
            let since = key.or(oldest);
            tracing::trace!(
                target: "tidings::frames",
                draw_us = started.elapsed().as_micros() as u64,
                input_us = since.map(|at| at.elapsed().as_micros() as u64),
                key = key.is_some(),
                refreshing = state.status.refreshing(),
                "frame"
            );
        }
        if state.quitting {
            return Ok(());
        }
        let redraw_at = (dirty && throttled).then(|| last_draw + REFRESH_FRAME_MIN);
        let first = tokio::select! {
            biased;
            key = inboxes.keys.recv(), if terminal_open => match key {
                Some((input, read_at)) => (input, Some(read_at)),
                None => {
                    terminal_open = false;
                    continue;
                }
            },
            input = inboxes.messages.recv() => match input {
                Some(input) => (input, None),
                None => return Ok(()),
            },
            _ = signals.recv() => {
                tracing::info!("terminated by signal");
                return Ok(());
            }
            _ = sleep_until(redraw_at) => continue,
            _ = frame_timer.tick(), if state.status.refreshing() => {
                dirty = true;
                ticks += 1;
                if !ticks.is_multiple_of(RELOAD_EVERY_FRAMES) {
                    continue;
                }
                (Input::Msg(Box::new(Msg::RefreshTick)), None)
            }
            _ = tick(&mut timer) => {
                if state.status.refreshing() {
                    continue;
                }
                (Input::Action(Action::RefreshAll), None)
            }
        };
        let arrived = Instant::now();
        let deadline = arrived + FRAME;
        let mut next = Some(first);
        while let Some((input, read_at)) = next.take() {
            waiting.get_or_insert(arrived);
            let from_user = is_user_input(&input);
            if from_user {
                key_waiting.get_or_insert(read_at.unwrap_or(arrived));
            }
            let effects = app::update(state, input);
            runner.run_all(effects, tui)?;
            // A key is drawn before anything else queued behind it is handled.
            if from_user || state.quitting || Instant::now() >= deadline {
                break;
            }
            // A key read meanwhile comes before the messages.
            next = inboxes.try_next();
        }
        dirty = true;
    }
}

/// Input from the person at the terminal, which is drawn without waiting for the next frame.
fn is_user_input(input: &Input) -> bool {
    matches!(
        input,
        Input::Key(_) | Input::Mouse(_) | Input::Resize { .. } | Input::Paste(_)
    )
}

/// Waits until `at`, or forever when there is nothing to wait for.
async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending::<()>().await,
    }
}

async fn tick(timer: &mut Option<tokio::time::Interval>) {
    match timer {
        Some(timer) => {
            timer.tick().await;
        }
        None => std::future::pending::<()>().await,
    }
}

/// Runs effects: store requests to the store worker, refreshes and links as tasks, terminal
/// effects (copy, suspend) right here since they need the terminal.
struct Runner {
    ctx: Arc<RefreshContext>,
    targets: Arc<Targets>,
    inbox: UnboundedSender<Input>,
    store_effects: UnboundedSender<Effect>,
    refresh: Option<JoinHandle<()>>,
}

impl Runner {
    fn run_all(&mut self, effects: Vec<Effect>, tui: &mut terminal::Tui) -> io::Result<()> {
        for effect in effects {
            self.run(effect, tui)?;
        }
        Ok(())
    }

    fn run(&mut self, effect: Effect, tui: &mut terminal::Tui) -> io::Result<()> {
        if effects::is_store_effect(&effect) {
            if self.store_effects.send(effect).is_err() {
                tracing::error!("the store worker has stopped");
            }
            return Ok(());
        }
        match effect {
            Effect::FetchSources { scope } => {
                let task = effects::spawn_refresh(
                    Arc::clone(&self.ctx),
                    Arc::clone(&self.targets),
                    scope,
                    self.inbox.clone(),
                );
                if let Some(previous) = self.refresh.replace(task) {
                    // `update` starts no refresh while one runs; a finished handle is harmless.
                    drop(previous);
                }
            }
            Effect::OpenUrl(url) => effects::open_url(url, self.inbox.clone()),
            Effect::CopyToClipboard(text) => {
                if let Err(error) = tui.copy(&text) {
                    tracing::warn!(%error, "cannot copy with OSC 52");
                }
            }
            Effect::Suspend => tui.suspend()?,
            Effect::Quit => {}
            other => tracing::error!(?other, "effect not handled"),
        }
        Ok(())
    }
}

/// SIGTERM, SIGHUP and SIGINT end the reader cleanly (the terminal is restored on the way out).
struct Signals {
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hangup: tokio::signal::unix::Signal,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
}

impl Signals {
    #[cfg(unix)]
    fn new() -> io::Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            terminate: signal(SignalKind::terminate())?,
            hangup: signal(SignalKind::hangup())?,
            interrupt: signal(SignalKind::interrupt())?,
        })
    }

    #[cfg(not(unix))]
    fn new() -> io::Result<Signals> {
        Ok(Signals {})
    }

    #[cfg(unix)]
    async fn recv(&mut self) {
        tokio::select! {
            _ = self.terminate.recv() => {}
            _ = self.hangup.recv() => {}
            _ = self.interrupt.recv() => {}
        }
    }

    #[cfg(not(unix))]
    async fn recv(&mut self) {
        let _ = tokio::signal::ctrl_c().await;
    }
}
