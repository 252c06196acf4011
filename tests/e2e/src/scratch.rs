//! Where a test's browsers live on disk, and how they are cleaned away.
//!
//! Every [`crate::Env`] gets one folder of its own under the run's folder:
//!
//! ```text
//! $LSA_E2E_TMP (scripts/test.sh: one per run)  or  $TMPDIR/lsa-e2e-<test process id>
//! └── env-<pid>-<n>/            chromedriver's log, TMPDIR, XDG_CONFIG_HOME and XDG_CACHE_HOME
//!     ├── chromedriver.log
//!     └── profile-<k>/          one Chromium --user-data-dir per browser (and per start attempt)
//! ```
//!
//! The folder's path is on the command line of every process the test starts (chromedriver's
//! `--log-path`, Chromium's `--user-data-dir`, crashpad's `--database` under XDG_CONFIG_HOME), so
//! they can be found and killed by it: killing chromedriver alone leaves its Chromium running.
//! Chromium's own temporary folders (`org.chromium.Chromium.*`) go there too, through TMPDIR.
//! [`Scratch`] kills and removes everything on drop — after a pass, a failed assertion (the panic
//! unwinds through it) or a failed start. A test process killed outright runs no drop: its
//! folder is swept by the next [`Scratch::new`] in the default layout, and by `scripts/test.sh`
//! (which owns `$LSA_E2E_TMP`) in any case.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The environment variable naming the run's folder (set by `scripts/test.sh`).
pub const RUN_DIR_VAR: &str = "LSA_E2E_TMP";

/// The prefix of a default run folder in the system temp dir: `lsa-e2e-<pid>`.
const DEFAULT_PREFIX: &str = "lsa-e2e-";

/// One test environment's folder; everything in it, and every process naming it, goes on drop.
#[derive(Debug)]
pub struct Scratch {
    dir: PathBuf,
    /// The default run folder (`$TMPDIR/lsa-e2e-<pid>`), removed once empty.
    default_run: Option<PathBuf>,
    profiles: AtomicUsize,
}

impl Scratch {
    /// A new, empty folder for one environment.
    pub fn new() -> Scratch {
        static ENVS: AtomicUsize = AtomicUsize::new(0);
        let (run, default_run) = match std::env::var_os(RUN_DIR_VAR) {
            Some(dir) if !dir.is_empty() => (PathBuf::from(dir), None),
            _ => {
                sweep_dead_default_runs();
                let run =
                    std::env::temp_dir().join(format!("{DEFAULT_PREFIX}{}", std::process::id()));
                (run.clone(), Some(run))
            }
        };
        let n = ENVS.fetch_add(1, Ordering::Relaxed);
        let dir = run.join(format!("env-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("the e2e scratch folder can be made");
        Scratch { dir, default_run, profiles: AtomicUsize::new(0) }
    }

    /// The folder itself.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A new (not yet existing) Chromium profile folder inside.
    pub fn new_profile(&self) -> PathBuf {
        let k = self.profiles.fetch_add(1, Ordering::Relaxed);
        self.dir.join(format!("profile-{k}"))
    }
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch::new()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        remove_tree(&self.dir);
        if let Some(run) = &self.default_run {
            // Only succeeds when empty: other environments of this process may still be in it.
            let _ = std::fs::remove_dir(run);
        }
    }
}

/// Kills every process whose command line mentions `path`, then removes the folder.
fn remove_tree(path: &Path) {
    kill_mentioning(path);
    // A process that was killed no longer writes; a few tries cover a slow file system.
    for _ in 0..20 {
        match std::fs::remove_dir_all(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                std::thread::sleep(Duration::from_millis(100));
            }
            _ => return,
        }
    }
    eprintln!("e2e: could not remove {}", path.display());
}

/// The ids of the processes (not this one) whose command line contains `needle`.
pub fn pids_mentioning(needle: &Path) -> Vec<u32> {
    let needle = needle.as_os_str().as_encoded_bytes();
    let me = std::process::id();
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| *pid != me)
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|c| c.windows(needle.len()).any(|w| w == needle))
        })
        .collect()
}

/// SIGKILLs every process whose command line mentions `path` (chromedriver, Chromium and all its
/// helpers, crashpad) until none is left or 10 s have passed. Never panics (it runs in drops).
pub fn kill_mentioning(path: &Path) {
    let start = Instant::now();
    loop {
        let pids = pids_mentioning(path);
        if pids.is_empty() {
            return;
        }
        if start.elapsed() > Duration::from_secs(10) {
            eprintln!("e2e: processes still running after SIGKILL: {pids:?} ({})", path.display());
            return;
        }
        let _ = std::process::Command::new("kill")
            .arg("-KILL")
            .args(pids.iter().map(u32::to_string))
            .stderr(std::process::Stdio::null())
            .status();
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Removes default run folders (`lsa-e2e-<pid>`) whose test process is gone, with whatever still
/// runs from them: what a test process killed outright (no drop ran) left behind.
fn sweep_dead_default_runs() {
    let tmp = std::env::temp_dir();
    let Ok(entries) = std::fs::read_dir(&tmp) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix(DEFAULT_PREFIX)) else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else { continue };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            remove_tree(&entry.path());
        }
    }
}
