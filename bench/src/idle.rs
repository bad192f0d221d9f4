//! idle: the release app under Xvfb with a TCP server open, watched for a
//! few seconds: the CPU it uses, as a share of one core, from
//! /proc/<pid>/stat (utime + stime).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::common::{Outcome, Reaped, Row, find_tool};

const NAME: &str = "idle";
/// Time for the window to come up and settle before it is watched.
const SETTLE: Duration = Duration::from_secs(4);

/// utime + stime of a process, in clock ticks.
fn cpu_ticks(pid: u32) -> Result<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .with_context(|| format!("reading /proc/{pid}/stat"))?;
    // The command name may hold spaces; the fields start after its ')'.
    let rest = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .context("parsing /proc/<pid>/stat")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After ')': state is field 3 of the whole line, utime 14, stime 15.
    let utime: u64 = fields.get(11).context("no utime")?.parse()?;
    let stime: u64 = fields.get(12).context("no stime")?.parse()?;
    Ok(utime + stime)
}

fn clock_ticks_per_sec() -> f64 {
    #[cfg(unix)]
    {
        // SAFETY: sysconf only reads a constant of the system.
        let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
        if ticks > 0 {
            return ticks as f64;
        }
    }
    100.0
}

fn app_binary() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let app = exe.parent()?.join("netassist");
    app.is_file().then_some(app)
}

/// Xvfb, stopped with SIGTERM so that it removes its lock and socket.
struct Xvfb(std::process::Child);

impl Drop for Xvfb {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Ok(pid) = i32::try_from(self.0.id()) {
            // SAFETY: signalling our own child, which has not been reaped.
            unsafe { libc::kill(pid, libc::SIGTERM) };
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(3) {
                if let Ok(Some(_)) = self.0.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_xvfb(xvfb: &Path, display: u32) -> Result<Xvfb> {
    let lock = PathBuf::from(format!("/tmp/.X{display}-lock"));
    if let Ok(text) = std::fs::read_to_string(&lock) {
        let alive = text
            .trim()
            .parse::<u32>()
            .is_ok_and(|pid| Path::new(&format!("/proc/{pid}")).exists());
        if alive {
            bail!(
                "display :{display} is in use ({}); choose another with --display",
                lock.display()
            );
        }
        // Left by an Xvfb that was killed: it is ours to clean.
        let _ = std::fs::remove_file(&lock);
        let _ = std::fs::remove_file(format!("/tmp/.X11-unix/X{display}"));
    }
    let child = Xvfb(
        Command::new(xvfb)
            .args([
                &format!(":{display}"),
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting Xvfb")?,
    );
    let socket = PathBuf::from(format!("/tmp/.X11-unix/X{display}"));
    let started = Instant::now();
    while !socket.exists() {
        if started.elapsed() > Duration::from_secs(10) {
            bail!("Xvfb did not open display :{display} within 10 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(child)
}

/// Where the send box is in a fresh 1080×700 window of a TCP server,
/// laid out by kittest exactly as the app lays it out.
fn send_box_center() -> Result<(i32, i32)> {
    use egui_kittest::kittest::Queryable;
    let settings = super::common::settings(
        netassist_engine::net::Protocol::TcpServer,
        "127.0.0.1:0",
        None,
        1000,
    );
    let mut harness = egui_kittest::Harness::builder()
        .with_size([1080.0, 700.0])
        .allow_missing_glyphs()
        .build_eframe(move |cc| {
            netassist::gui::App::with_settings(
                &cc.egui_ctx,
                settings,
                &netassist::cli::Args::default(),
            )
        });
    for _ in 0..5 {
        harness.step();
    }
    let rect = harness
        .query_by_role_and_label(egui::accesskit::Role::MultilineTextInput, "Data send")
        .context("no send box in the layout")?
        .rect();
    let center = rect.center();
    Ok((center.x.round() as i32, center.y.round() as i32))
}

/// Clicks into the send box of the window on `display` with xdotool.
fn focus_send_box(display: u32) -> Result<String> {
    let xdotool =
        find_tool("xdotool").context("xdotool is not installed (Debian package: xdotool)")?;
    let (x, y) = send_box_center()?;
    let status = Command::new(xdotool)
        .args(["search", "--sync", "--limit", "1", "--name", "NetAssist"])
        .args(["windowfocus", "--sync", "%1"])
        .args([
            "mousemove",
            "--window",
            "%1",
            &x.to_string(),
            &y.to_string(),
        ])
        .args(["click", "1"])
        .env("DISPLAY", format!(":{display}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .context("running xdotool")?;
    if !status.success() {
        bail!("xdotool failed: {status}");
    }
    Ok(format!("({x}, {y})"))
}

pub fn run(secs: f64, display: u32) -> Result<Outcome> {
    let Some(xvfb) = find_tool("Xvfb") else {
        return Ok(Outcome::skip(
            NAME,
            "Xvfb is not installed (Debian package: xvfb)",
        ));
    };
    let Some(app) = app_binary() else {
        return Ok(Outcome::skip(
            NAME,
            "target/release/netassist is not built next to this program; run `cargo build --release` first",
        ));
    };
    let mut out = Outcome::default();
    let _xvfb = start_xvfb(&xvfb, display)?;
    // A fresh home, so the window neither reads nor overwrites the user's
    // remembered settings.
    let home = std::env::temp_dir().join(format!("netassist-bench-idle-{}", std::process::id()));
    std::fs::create_dir_all(&home)?;
    let mut app = Reaped(
        Command::new(&app)
            .args([
                "--mode",
                "tcp-server",
                "--local",
                "127.0.0.1:0",
                "--open",
                "--lang",
                "en",
            ])
            .env("DISPLAY", format!(":{display}"))
            .env_remove("WAYLAND_DISPLAY")
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .context("starting the app")?,
    );
    std::thread::sleep(SETTLE);
    if let Some(status) = app.0.try_wait()? {
        let mut err = String::new();
        if let Some(mut stderr) = app.0.stderr.take() {
            use std::io::Read;
            let _ = stderr.read_to_string(&mut err);
        }
        let _ = std::fs::remove_dir_all(&home);
        bail!("the app exited under Xvfb ({status}): {}", err.trim());
    }
    let pid = app.0.id();
    let startup = cpu_ticks(pid)?;
    let t0 = Instant::now();
    let before = cpu_ticks(pid)?;
    std::thread::sleep(Duration::from_secs_f64(secs.clamp(1.0, 120.0)));
    let after = cpu_ticks(pid)?;
    let elapsed = t0.elapsed().as_secs_f64();
    let hz = clock_ticks_per_sec();
    let percent = (after - before) as f64 / hz / elapsed * 100.0;
    out.note(format!(
        "window with a TCP server listening on 127.0.0.1 (opened with --open), no client, \
         watched {elapsed:.1} s after {:.0} s of start-up ({:.2} s CPU to start)",
        SETTLE.as_secs_f64(),
        startup as f64 / hz
    ));
    out.row(Row::new(NAME, "CPU idle, nothing focused", percent, "% of one core").at_most(1.0));
    // Then the send box focused, as the issue asks: clicked with xdotool
    // where the same window laid out by kittest has it.
    match focus_send_box(display) {
        Ok(at) => {
            std::thread::sleep(Duration::from_secs(1));
            let t0 = Instant::now();
            let before = cpu_ticks(pid)?;
            std::thread::sleep(Duration::from_secs_f64(secs.clamp(1.0, 120.0)));
            let after = cpu_ticks(pid)?;
            let elapsed = t0.elapsed().as_secs_f64();
            let percent = (after - before) as f64 / hz / elapsed * 100.0;
            out.note(format!(
                "clicked into the send box at {at} (window coordinates from a kittest layout \
                 of the same window) and watched {elapsed:.1} s"
            ));
            out.row(
                Row::new(NAME, "CPU idle, send box clicked", percent, "% of one core").at_most(1.0),
            );
        }
        Err(e) => out.note(format!("the send box could not be focused: {e:#}")),
    }
    drop(app);
    let _ = std::fs::remove_dir_all(&home);
    Ok(out)
}
