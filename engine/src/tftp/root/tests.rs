use std::path::PathBuf;

use super::*;
use crate::tftp::files::{Durability, Incoming};
#[cfg(unix)]
use crate::tftp::wire::ErrorCode;

/// `outer/` holds `root/` (served) and `secret.txt` beside it.
struct Jail {
    outer: tempfile::TempDir,
}

impl Jail {
    fn new() -> Jail {
        let outer = tempfile::tempdir().expect("temp dir");
        let root = outer.path().join("root");
        std::fs::create_dir_all(root.join("sub")).expect("mkdir");
        std::fs::write(outer.path().join("secret.txt"), b"secret").expect("write");
        std::fs::write(root.join("file.bin"), b"public").expect("write");
        std::fs::write(root.join("sub/inner.bin"), b"inner").expect("write");
        Jail { outer }
    }

    fn root_path(&self) -> PathBuf {
        self.outer.path().join("root")
    }

    /// The root as the server opens it; `walk` forces the component walk.
    fn root(&self, walk: bool) -> Root {
        let root = Root::open(&self.root_path()).expect("open root");
        if walk {
            root.openat2.set(false);
        }
        root
    }
}

#[cfg(unix)]
fn read(root: &Root, name: &str) -> Result<Vec<u8>, Refusal> {
    let (mut file, size) = root.open_read(name)?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut file, &mut bytes).expect("read");
    assert_eq!(bytes.len() as u64, size);
    Ok(bytes)
}

#[cfg(unix)]
#[test]
fn test_links_inside_are_followed_and_links_out_refused() {
    use std::os::unix::fs::symlink;
    let jail = Jail::new();
    let root_path = jail.root_path();
    symlink("sub/inner.bin", root_path.join("inside")).expect("symlink");
    symlink("sub", root_path.join("dir-in")).expect("symlink");
    symlink("../file.bin", root_path.join("sub/back")).expect("symlink");
    symlink("..", root_path.join("sub/up")).expect("symlink");
    symlink("../secret.txt", root_path.join("out")).expect("symlink");
    symlink("../../secret.txt", root_path.join("sub/deep-out")).expect("symlink");
    symlink(jail.outer.path(), root_path.join("abs-out")).expect("symlink");
    symlink("loop", root_path.join("loop")).expect("symlink");
    for walk in [false, true] {
        let root = jail.root(walk);
        assert_eq!(
            root.uses_component_walk(),
            walk || !cfg!(target_os = "linux")
        );
        assert_eq!(read(&root, "inside").expect("inside"), b"inner", "{walk}");
        assert_eq!(read(&root, "dir-in/inner.bin").expect("dir-in"), b"inner");
        assert_eq!(read(&root, "sub/back").expect("back"), b"public");
        assert_eq!(read(&root, "sub/up/file.bin").expect("up"), b"public");
        for name in [
            "out",
            "sub/deep-out",
            "abs-out/secret.txt",
            "sub/up/out",
            "sub/up/up/x",
        ] {
            let refusal = read(&root, name).expect_err(name);
            assert!(
                matches!(
                    refusal.code,
                    ErrorCode::AccessViolation | ErrorCode::FileNotFound
                ),
                "{name} ({walk}): {refusal:?}"
            );
            assert!(!refusal.message.contains("secret"), "{refusal:?}");
        }
        assert!(read(&root, "loop").is_err());
        assert_eq!(
            read(&root, "missing").expect_err("missing").code,
            ErrorCode::FileNotFound
        );
        assert_eq!(
            read(&root, "sub").expect_err("a folder").code,
            ErrorCode::FileNotFound
        );
    }
}

#[cfg(unix)]
#[test]
fn test_hard_link_to_a_file_outside_is_not_served() {
    let jail = Jail::new();
    std::fs::hard_link(
        jail.outer.path().join("secret.txt"),
        jail.root_path().join("hard"),
    )
    .expect("link");
    for walk in [false, true] {
        let root = jail.root(walk);
        let refusal = read(&root, "hard").expect_err("a hard link is refused");
        assert_eq!(refusal.code, ErrorCode::AccessViolation);
        assert!(read(&root, "file.bin").is_ok());
    }
}

#[cfg(unix)]
#[test]
fn test_a_fifo_is_refused_without_blocking() {
    let jail = Jail::new();
    let fifo = std::ffi::CString::new(
        jail.root_path()
            .join("fifo")
            .into_os_string()
            .into_encoded_bytes(),
    )
    .expect("path");
    // SAFETY: `fifo` is a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    for walk in [false, true] {
        // Without O_NONBLOCK this open would wait for a writer forever.
        let refusal = read(&jail.root(walk), "fifo").expect_err("a FIFO is refused");
        assert_eq!(refusal.code, ErrorCode::FileNotFound);
    }
}

#[cfg(unix)]
#[test]
fn test_upload_targets_stay_inside() {
    use std::os::unix::fs::symlink;
    let jail = Jail::new();
    let root_path = jail.root_path();
    symlink(jail.outer.path(), root_path.join("out-dir")).expect("symlink");
    symlink("sub", root_path.join("in-dir")).expect("symlink");
    symlink("../secret.txt", root_path.join("link.txt")).expect("symlink");
    for walk in [false, true] {
        let root = jail.root(walk);
        let refused = |name: &str, overwrite: bool| {
            root.upload_target(name, overwrite)
                .err()
                .unwrap_or_else(|| panic!("{name} ({walk}) was accepted"))
        };
        assert_eq!(
            refused("out-dir/new.txt", true).code,
            ErrorCode::AccessViolation
        );
        assert_eq!(refused("link.txt", true).code, ErrorCode::AccessViolation);
        assert_eq!(refused("sub", true).code, ErrorCode::AccessViolation);
        assert_eq!(refused("file.bin", false).code, ErrorCode::FileExists);
        assert_eq!(
            refused("missing/new.txt", true).message,
            "the folder does not exist"
        );
        // A link to a folder inside leads to that folder.
        let (folder, name) = root.upload_target("in-dir/new.txt", false).expect("inside");
        let mut incoming = Incoming::create_in(folder, name, false).expect("create");
        incoming.write(b"new").expect("write");
        incoming.commit(Durability::Cached).expect("commit");
        assert_eq!(
            std::fs::read(root_path.join("sub/new.txt")).expect("read"),
            b"new"
        );
        std::fs::remove_file(root_path.join("sub/new.txt")).expect("remove");
    }
    assert_eq!(
        std::fs::read(jail.outer.path().join("secret.txt")).expect("read"),
        b"secret"
    );
    assert!(!jail.outer.path().join("new.txt").exists());
}

#[test]
fn test_leftovers_are_removed_and_nothing_else() {
    let jail = Jail::new();
    let root_path = jail.root_path();
    let leftovers = [
        root_path.join(".netassist-4242-7.netassist-part"),
        root_path.join("sub/.netassist-4242-8.netassist-part"),
    ];
    for path in &leftovers {
        std::fs::write(path, b"partial").expect("write");
    }
    // A user's file that merely looks alike stays.
    let lookalike = root_path.join(".report.netassist-part");
    std::fs::write(&lookalike, b"mine").expect("write");
    let root = jail.root(false);
    // An upload in progress (of another server on the same folder) stays.
    let (folder, name) = root.upload_target("busy.bin", false).expect("target");
    let mut running = Incoming::create_in(folder, name, false).expect("create");
    running.write(b"running").expect("write");

    let removed = root.remove_leftovers();
    for path in &leftovers {
        assert!(!path.exists(), "{} is left", path.display());
    }
    assert!(lookalike.exists());
    if cfg!(unix) {
        assert_eq!(removed, 2, "the running upload's file is locked");
        running
            .commit(Durability::Cached)
            .expect("the running upload goes on");
        assert_eq!(
            std::fs::read(root_path.join("busy.bin")).expect("read"),
            b"running"
        );
    }
}

/// Makes `openat2` fail with `errno` on the calling thread only (a
/// seccomp filter is per thread unless asked otherwise), as an old kernel
/// (ENOSYS) or a container runtime's filter (EPERM) does.
#[cfg(target_os = "linux")]
fn refuse_openat2_on_this_thread(errno: i32) {
    let statement = |code: u32, jt: u8, jf: u8, k: u32| libc::sock_filter {
        code: code as u16,
        jt,
        jf,
        k,
    };
    // seccomp_data: the system call number at offset 0, the architecture
    // at offset 4.
    const AUDIT_ARCH_X86_64: u32 = 0xC000_003E;
    const AUDIT_ARCH_AARCH64: u32 = 0xC000_00B7;
    let arch = if cfg!(target_arch = "x86_64") {
        AUDIT_ARCH_X86_64
    } else {
        AUDIT_ARCH_AARCH64
    };
    let mut filter = [
        statement(libc::BPF_LD | libc::BPF_W | libc::BPF_ABS, 0, 0, 4),
        statement(libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K, 0, 3, arch),
        statement(libc::BPF_LD | libc::BPF_W | libc::BPF_ABS, 0, 0, 0),
        statement(
            libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K,
            0,
            1,
            libc::SYS_openat2 as u32,
        ),
        statement(
            libc::BPF_RET | libc::BPF_K,
            0,
            0,
            libc::SECCOMP_RET_ERRNO | errno as u32,
        ),
        statement(libc::BPF_RET | libc::BPF_K, 0, 0, libc::SECCOMP_RET_ALLOW),
    ];
    let program = libc::sock_fprog {
        len: filter.len() as u16,
        filter: filter.as_mut_ptr(),
    };
    // SAFETY: prctl with these arguments only restricts this thread;
    // `program` points at `filter`, which outlives the call.
    unsafe {
        assert_eq!(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
        assert_eq!(
            libc::prctl(
                libc::PR_SET_SECCOMP,
                libc::SECCOMP_MODE_FILTER,
                &program as *const libc::sock_fprog
            ),
            0,
            "{}",
            std::io::Error::last_os_error()
        );
    }
}

/// Where `openat2` is refused, the component walk takes over: files are
/// served, links out refused, and the root remembers to walk from then on.
#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
#[test]
fn test_the_walk_takes_over_when_openat2_is_refused() {
    let jail = Jail::new();
    std::os::unix::fs::symlink("../secret.txt", jail.root_path().join("out")).expect("symlink");
    for errno in [libc::ENOSYS, libc::EPERM] {
        let root_path = jail.root_path();
        std::thread::scope(|scope| {
            scope.spawn(|| {
                refuse_openat2_on_this_thread(errno);
                let root = Root::open(&root_path).expect("open root");
                assert!(!root.uses_component_walk());
                assert_eq!(read(&root, "sub/inner.bin").expect("served"), b"inner");
                assert!(
                    root.uses_component_walk(),
                    "{errno}: openat2 was not refused"
                );
                let refusal = read(&root, "out").expect_err("a link out");
                assert_eq!(refusal.code, ErrorCode::AccessViolation);
                let (folder, name) = root.upload_target("sub/new.bin", false).expect("target");
                let mut incoming = Incoming::create_in(folder, name, false).expect("create");
                incoming.write(b"new").expect("write");
                incoming.commit(Durability::Cached).expect("commit");
            });
        });
        assert_eq!(
            std::fs::read(root_path.join("sub/new.bin")).expect("read"),
            b"new"
        );
        std::fs::remove_file(root_path.join("sub/new.bin")).expect("remove");
    }
}
