//! `netassist --headless`: the engine with no window. The session opens at
//! once; every event becomes one line on stdout; stdin lines are sent.
//!
//! Memory: the program holds at most `net::MAX_EVENT_BYTES` of received
//! data for its output, however slowly stdout is read (see the comment at
//! `Event::Received` below).
//!
//! Exit status: 0 when all went well, 2 for bad arguments (refused before
//! anything is opened), 1 for a failure at run time (a port in use, a
//! refused connection, an error while sending, a failed transfer).

use std::fs::OpenOptions;
use std::io::BufRead;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use crossbeam_channel::{Receiver, after, never, select, unbounded};

use super::Args;
use super::config::{Plan, validate};
use super::output::{LogFile, Printer, log_peer};
use crate::describe::{Describer, Description};
use crate::log::{Direction, LogPeer};
use crate::net::{self, Command, Event, SessionHandle, Target};
use crate::tftp::TransferEvent;

/// How long a session may take to stop after Close before the program
/// gives up on it; sessions answer Close at once, so this is a safety net.
const STOP_GRACE: Duration = Duration::from_secs(10);

const EXIT_OK: u8 = 0;
const EXIT_RUNTIME_FAILURE: u8 = 1;
const EXIT_BAD_ARGUMENTS: u8 = 2;

pub fn run(args: Args) -> ExitCode {
    let plan = match validate(&args) {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("netassist: {e}");
            return ExitCode::from(EXIT_BAD_ARGUMENTS);
        }
    };
    let log_file = match &plan.log_file {
        None => None,
        Some(path) => match OpenOptions::new().create(true).append(true).open(path) {
            Ok(file) => Some(LogFile {
                file,
                path: path.clone(),
            }),
            Err(e) => {
                eprintln!(
                    "netassist: cannot open the log file '{}': {e}",
                    path.display()
                );
                return ExitCode::from(EXIT_BAD_ARGUMENTS);
            }
        },
    };
    // Opened here, before the session, so that a file that cannot be
    // created is said before anything opens (as with --log).
    let rx_file = match &plan.rx_file {
        None => None,
        Some(path) => {
            let lines = plan.rx_file_lines.then_some(net::LineFormat {
                render: plan.rx_render,
                timestamps: plan.timestamps,
            });
            match net::RxFileSpec::open(path, lines) {
                Ok(spec) => Some(spec),
                Err(e) => {
                    eprintln!(
                        "netassist: cannot open the receive file '{}': {e}",
                        path.display()
                    );
                    return ExitCode::from(EXIT_BAD_ARGUMENTS);
                }
            }
        }
    };
    let printer = Printer::new(plan.timestamps, plan.stdout_encoding, log_file);
    // The CLI drains events in its own loop, so it needs no wake-up call.
    let waker: net::Waker = Arc::new(|| {});
    // Echo runs on the session thread, with the engine's own-address rule
    // and per-peer cap, as auto-reply does in the window.
    let answers = net::Answers {
        echo: plan.echo,
        rules: Vec::new(),
    };
    let handle = match net::spawn_saving(plan.session.clone(), waker, answers, rx_file) {
        Ok(handle) => handle,
        Err(e) => {
            eprintln!("netassist: {e}");
            return ExitCode::from(EXIT_RUNTIME_FAILURE);
        }
    };
    let stdin_lines = if plan.read_stdin {
        spawn_stdin_reader()
    } else {
        never()
    };
    let mut runner = Runner {
        plan,
        printer,
        ready: false,
        waiting_lines: Vec::new(),
        stdin_ended: false,
        closing: false,
        failed: false,
        describer: Describer::new(),
        transfer_finished: false,
    };
    ExitCode::from(runner.run(handle, stdin_lines))
}

/// Reads stdin on its own thread, one message per line, as bytes: the
/// runner decodes them (UTF-8, else the send encoding). The thread is never joined:
/// it may sit in a read for ever, and the process ends when `main` returns
/// regardless. A closed or unreadable stdin counts as its end, so CI with
/// no stdin behaves like `< /dev/null`.
fn spawn_stdin_reader() -> Receiver<Vec<u8>> {
    let (lines_tx, lines_rx) = unbounded();
    let spawned = std::thread::Builder::new()
        .name("netassist-stdin".to_owned())
        .spawn(move || {
            let stdin = std::io::stdin();
            let mut reader = stdin.lock();
            let mut buf = Vec::new();
            loop {
                buf.clear();
                match reader.read_until(b'\n', &mut buf) {
                    Ok(0) => return,
                    Ok(_) => {
                        while matches!(buf.last(), Some(b'\n' | b'\r')) {
                            buf.pop();
                        }
                        if lines_tx.send(buf.clone()).is_err() {
                            return;
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => return,
                }
            }
        });
    // Without a reader thread the sender is dropped here, which reads as
    // the end of stdin: the program then behaves as with an empty stdin.
    drop(spawned);
    lines_rx
}

struct Runner {
    plan: Plan,
    printer: Printer,
    /// The session can send: bound (UDP), listening (TCP server, TFTP
    /// server) or connected (TCP client).
    ready: bool,
    /// Stdin lines that arrived before the session was ready, as bytes.
    waiting_lines: Vec<Vec<u8>>,
    stdin_ended: bool,
    /// Close was sent; waiting for `Stopped`.
    closing: bool,
    /// Something went wrong at run time: the exit status will be 1.
    failed: bool,
    /// Turns events into their lines, remembering each TFTP transfer's
    /// file for its DONE/FAILED line.
    describer: Describer,
    /// A TFTP transfer finished (the client's verdict at the end).
    transfer_finished: bool,
}

impl Runner {
    fn run(&mut self, handle: SessionHandle, mut stdin_lines: Receiver<Vec<u8>>) -> u8 {
        let mut deadline = self.plan.exit_after.map_or_else(never, after);
        let mut stop_grace = never();
        let mut stop_grace_armed = false;
        loop {
            select! {
                recv(handle.events()) -> event => match event {
                    Ok(Event::Stopped(error)) => return self.stopped(error, handle),
                    Ok(event) => self.event(event, &handle),
                    // The session always sends Stopped before it ends, so
                    // a closed channel means it is gone: nothing to wait for.
                    Err(_) => return self.exit_status(),
                },
                recv(stdin_lines) -> line => match line {
                    Ok(line) => self.stdin_line(&line, &handle),
                    Err(_) => {
                        stdin_lines = never();
                        self.stdin_ended = true;
                        self.close_if_stdin_done(&handle);
                    }
                },
                recv(deadline) -> _ => {
                    deadline = never();
                    self.close(&handle);
                },
                recv(stop_grace) -> _ => {
                    self.printer.note("ERROR the session did not stop in time");
                    // Dropping the handle would join a thread that does not
                    // answer; the process is about to end anyway.
                    std::mem::forget(handle);
                    return EXIT_RUNTIME_FAILURE;
                },
            }
            self.stop_if_log_failed(&handle);
            if self.closing && !stop_grace_armed {
                stop_grace_armed = true;
                stop_grace = after(STOP_GRACE);
            }
        }
    }

    /// A `--log` file that cannot be written (a full disk) ends the run
    /// with a sentence and exit status 1 instead of losing lines quietly.
    fn stop_if_log_failed(&mut self, handle: &SessionHandle) {
        if let Some(sentence) = self.printer.take_log_failure() {
            eprintln!("netassist: {sentence}");
            self.failed = true;
            self.close(handle);
        }
    }

    fn exit_status(&self) -> u8 {
        if self.failed {
            EXIT_RUNTIME_FAILURE
        } else {
            EXIT_OK
        }
    }

    fn stopped(&mut self, error: Option<net::SessionError>, handle: SessionHandle) -> u8 {
        if let Some(error) = error {
            self.printer.note(
                &Description::Closed {
                    error: Some(error.clone()),
                }
                .to_string(),
            );
            eprintln!("netassist: {error}");
            self.failed = true;
        } else if self.plan.session.protocol().transfers_one_file() && !self.transfer_finished {
            // Stopped early (by --exit-after, say) without an error: the
            // file did not arrive, so the run did not do its job.
            let message = "the transfer did not finish";
            self.printer.note(&format!("ERROR {message}"));
            eprintln!("netassist: {message}");
            self.failed = true;
        }
        // The last lines may be the ones that did not fit.
        if let Some(sentence) = self.printer.take_log_failure() {
            eprintln!("netassist: {sentence}");
            self.failed = true;
        }
        // Joins the session thread, which has already ended.
        drop(handle);
        self.exit_status()
    }

    fn close(&mut self, handle: &SessionHandle) {
        if !self.closing {
            self.closing = true;
            handle.send(Command::Close);
        }
    }

    /// At the end of stdin the program stops, unless `--exit-after` gives
    /// the time to stop (so that `echo hi | netassist … --exit-after 3`
    /// waits three seconds for replies). A TCP client that is still
    /// connecting first connects and sends what it was given.
    fn close_if_stdin_done(&mut self, handle: &SessionHandle) {
        if self.stdin_ended && self.ready && self.plan.exit_after.is_none() {
            self.close(handle);
        }
    }

    fn send(&mut self, to: Target, bytes: Vec<u8>, handle: &SessionHandle) {
        if !bytes.is_empty() && !self.closing {
            handle.send(Command::Send { to, bytes });
        }
    }

    fn stdin_line(&mut self, line: &[u8], handle: &SessionHandle) {
        if !self.plan.session.protocol().carries_messages() {
            // A TFTP server has nobody to send lines to; stdin only says
            // when to stop.
            return;
        }
        let encoded = match self.plan.outgoing.typed_line(line) {
            Ok(text) => self.plan.outgoing.encode(&text).map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match encoded {
            Ok(bytes) if self.ready => self.send(Target::Default, bytes, handle),
            Ok(bytes) => self.waiting_lines.push(bytes),
            Err(e) => {
                self.printer.note(&format!("ERROR {e}"));
                self.failed = true;
            }
        }
    }

    /// Called once the session can send: `--send` messages go first, then
    /// stdin lines that came early.
    fn became_ready(&mut self, handle: &SessionHandle) {
        if self.ready {
            return;
        }
        self.ready = true;
        if !greets_each_client(&self.plan.session) {
            for bytes in self.plan.initial_sends.clone() {
                self.send(Target::Default, bytes, handle);
            }
        }
        for bytes in std::mem::take(&mut self.waiting_lines) {
            self.send(Target::Default, bytes, handle);
        }
        self.close_if_stdin_done(handle);
    }

    /// Every event becomes its description's line (the English keywords
    /// of `describe::Description`), except data, which prints as RX/TX
    /// rows; what an event means for the run (ready, failed, stop) is
    /// decided here.
    fn event(&mut self, event: Event, handle: &SessionHandle) {
        let description = self.describer.describe(&event);
        match event {
            // Each line is written before the next event is taken, and
            // the chunks' share of the session's event budget is given
            // back when they are dropped here. So a stdout that nobody
            // reads blocks this loop, the budget fills, and the session
            // stops reading TCP (the peer waits) and counts the UDP
            // datagrams it cannot keep: nothing piles up in between.
            Event::Received(chunks) => {
                for chunk in &chunks {
                    let render = self.plan.rx_render;
                    let peer = LogPeer::Addr(chunk.peer);
                    self.printer
                        .traffic(chunk.at_ms(), Direction::Rx, peer, chunk.bytes, render);
                }
                return;
            }
            Event::Sent {
                at_ms, to, bytes, ..
            } => {
                let render = self.plan.tx_render;
                self.printer
                    .traffic(at_ms, Direction::Tx, log_peer(&to), &bytes, render);
                return;
            }
            _ => {}
        }
        if description.is_line() {
            self.printer.note(&description.to_string());
        }
        match event {
            Event::Opened { .. } if !connects_first(&self.plan.session) => {
                self.became_ready(handle);
            }
            // A server (TCP, TLS or WebSocket) greets each client with the
            // --send messages: at start there is nobody to send them to.
            Event::Connected { peer, .. } if greets_each_client(&self.plan.session) => {
                for bytes in self.plan.initial_sends.clone() {
                    self.send(Target::Peers(vec![peer]), bytes, handle);
                }
            }
            Event::Connected { .. } => self.became_ready(handle),
            // A --rx-file that cannot be written (a full disk) ends the run
            // with a sentence and exit status 1, as --log does.
            Event::RxFileFailed(failed) => {
                eprintln!("netassist: {failed}");
                self.failed = true;
                self.close(handle);
            }
            // A TFTP server's errors are its clients' refused requests (a
            // missing file, a forbidden path): the server itself goes on
            // working, so its run has not failed.
            Event::Error(_) if !self.plan.session.protocol().serves_files() => {
                self.failed = true;
            }
            Event::FileAborted { .. } => self.failed = true,
            Event::Transfer(TransferEvent::Finished { .. }) => self.transfer_finished = true,
            // A server goes on serving after one failed transfer; a
            // client's only transfer failing is the run failing.
            Event::Transfer(TransferEvent::Failed { .. })
                if self.plan.session.protocol().transfers_one_file() =>
            {
                self.failed = true;
            }
            // Connection attempts, progress, held answers (the engine
            // keeping a loop in check, not a failure of the run) and the
            // rest only print their line; `Stopped` is handled by the loop,
            // which ends with it.
            _ => {}
        }
    }
}

/// A client that can send only once connected (for TLS and WebSocket:
/// once its handshake is done, which is when `Connected` comes).
fn connects_first(session: &net::SessionConfig) -> bool {
    session.protocol().connects_to_one()
}

/// A server whose `--send` messages go to each client as it connects.
fn greets_each_client(session: &net::SessionConfig) -> bool {
    session.protocol().serves_clients()
}
