//! Unix: the served folder as a directory file descriptor, and every
//! file opened, created, renamed and removed relative to one.

use std::cell::Cell;
use std::collections::VecDeque;
use std::ffi::{CStr, CString, OsStr, OsString};
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path};

use super::{EntryKind, ResolveError, Want};

/// How a folder on the way is opened: only to look up names in it, which
/// needs search permission and not read permission (`O_PATH` where there
/// is one).
#[cfg(any(target_os = "linux", target_os = "android"))]
const FOLDER_FLAGS: libc::c_int = libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const FOLDER_FLAGS: libc::c_int = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC;

/// How a file to send is opened: `O_NONBLOCK` so that a FIFO swapped in
/// under the name cannot block the server's only thread in `open`, and
/// `O_NOCTTY` so that a terminal device never becomes ours. Only a
/// regular file is then accepted, checked on the open descriptor.
const READ_FLAGS: libc::c_int =
    libc::O_RDONLY | libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC;

/// How many symbolic links one name may lead through, as Linux allows.
const MAX_LINKS: usize = 40;

/// A folder held open: names are resolved relative to it, so renaming or
/// replacing any folder on its path afterwards changes nothing.
pub struct Folder {
    fd: OwnedFd,
}

/// Which folder a handle is, whatever path led to it.
pub type FolderId = (u64, u64);

fn c_name(name: &OsStr) -> io::Result<CString> {
    CString::new(name.as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a NUL byte in a name"))
}

/// Turns a `-1` return into the error `errno` holds.
fn check(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret == -1 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

fn openat(dir: RawFd, name: &OsStr, flags: libc::c_int, mode: libc::mode_t) -> io::Result<OwnedFd> {
    let name = c_name(name)?;
    loop {
        // SAFETY: `name` is a valid NUL-terminated string that outlives the
        // call; `dir` is an open descriptor borrowed for the call.
        let fd = unsafe { libc::openat(dir, name.as_ptr(), flags, libc::c_uint::from(mode)) };
        if fd >= 0 {
            // SAFETY: `openat` returned a new descriptor that nothing else owns.
            return Ok(unsafe { OwnedFd::from_raw_fd(fd) });
        }
        let error = io::Error::last_os_error();
        if error.kind() != io::ErrorKind::Interrupted {
            return Err(error);
        }
    }
}

fn stat_at(dir: RawFd, name: &OsStr) -> io::Result<libc::stat> {
    let name = c_name(name)?;
    // SAFETY: `stat` is plain old data, for which all zeroes is a value.
    let mut stat: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: `name` is NUL-terminated and `stat` is a valid place to write.
    check(unsafe { libc::fstatat(dir, name.as_ptr(), &mut stat, libc::AT_SYMLINK_NOFOLLOW) })?;
    Ok(stat)
}

fn unlink_at(dir: RawFd, name: &OsStr) -> io::Result<()> {
    let name = c_name(name)?;
    // SAFETY: `name` is NUL-terminated; `dir` is an open descriptor.
    check(unsafe { libc::unlinkat(dir, name.as_ptr(), 0) }).map(drop)
}

fn read_link_at(dir: RawFd, name: &OsStr) -> io::Result<OsString> {
    let name = c_name(name)?;
    let mut buf = vec![0u8; libc::PATH_MAX as usize];
    // SAFETY: `buf` is writable for its length, `name` is NUL-terminated.
    let len = unsafe { libc::readlinkat(dir, name.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) };
    if len < 0 {
        return Err(io::Error::last_os_error());
    }
    buf.truncate(len as usize);
    Ok(std::os::unix::ffi::OsStringExt::from_vec(buf))
}

impl Folder {
    /// Opens a folder by its path, following links: for the root itself
    /// and for a download folder the user chose.
    pub fn open_path(path: &Path) -> io::Result<Folder> {
        let path = c_name(path.as_os_str())?;
        // SAFETY: `path` is a valid NUL-terminated string.
        let fd = check(unsafe { libc::open(path.as_ptr(), FOLDER_FLAGS) })?;
        // SAFETY: `open` returned a new descriptor that nothing else owns.
        Ok(Folder {
            fd: unsafe { OwnedFd::from_raw_fd(fd) },
        })
    }

    pub fn from_fd(fd: OwnedFd) -> Folder {
        Folder { fd }
    }

    pub fn try_clone(&self) -> io::Result<Folder> {
        Ok(Folder {
            fd: self.fd.try_clone()?,
        })
    }

    pub fn id(&self) -> io::Result<FolderId> {
        // SAFETY: `stat` is plain old data, for which all zeroes is a value.
        let mut stat: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: the descriptor is open and `stat` is a valid place to write.
        check(unsafe { libc::fstat(self.fd.as_raw_fd(), &mut stat) })?;
        Ok((stat.st_dev as u64, stat.st_ino as u64))
    }

    /// What `name` in this folder is, without following a link.
    pub fn entry(&self, name: &OsStr) -> io::Result<Option<EntryKind>> {
        match stat_at(self.fd.as_raw_fd(), name) {
            Ok(stat) => Ok(Some(match stat.st_mode & libc::S_IFMT {
                libc::S_IFLNK => EntryKind::Link,
                libc::S_IFREG => EntryKind::File,
                _ => EntryKind::Other,
            })),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Creates a new file, never through a link. It is locked while open,
    /// so that another server cleaning up leftovers leaves it alone.
    pub fn create_temp(&self, name: &OsStr) -> io::Result<File> {
        let flags =
            libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL | libc::O_NOFOLLOW | libc::O_CLOEXEC;
        let fd = openat(self.fd.as_raw_fd(), name, flags, 0o666)?;
        // SAFETY: the descriptor is open. A file system without locks only
        // loses the protection against another server's cleanup.
        let _ = unsafe { libc::flock(fd.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        Ok(File::from(fd))
    }

    /// Renames within this folder, replacing `to` (a link under that name
    /// is replaced itself, never followed).
    pub fn rename(&self, from: &OsStr, to: &OsStr) -> io::Result<()> {
        let (from, to) = (c_name(from)?, c_name(to)?);
        let dir = self.fd.as_raw_fd();
        // SAFETY: both names are NUL-terminated; `dir` is open.
        check(unsafe { libc::renameat(dir, from.as_ptr(), dir, to.as_ptr()) }).map(drop)
    }

    /// Gives the file `from` a second name `to`; fails if `to` exists.
    pub fn link(&self, from: &OsStr, to: &OsStr) -> io::Result<()> {
        let (from, to) = (c_name(from)?, c_name(to)?);
        let dir = self.fd.as_raw_fd();
        // SAFETY: both names are NUL-terminated; `dir` is open. Flags 0:
        // a link under `from` is linked itself, not followed.
        check(unsafe { libc::linkat(dir, from.as_ptr(), dir, to.as_ptr(), 0) }).map(drop)
    }

    pub fn remove(&self, name: &OsStr) -> io::Result<()> {
        unlink_at(self.fd.as_raw_fd(), name)
    }
}

/// Opens `relative` (plain components only) beneath `root`, in a way that
/// cannot leave it whatever is renamed meanwhile: `openat2` with
/// `RESOLVE_BENEATH` on Linux while the kernel allows it (`openat2` is
/// cleared for good when it is refused), else the component walk.
pub fn open_beneath(
    root: &Folder,
    relative: &Path,
    want: Want,
    openat2: &Cell<bool>,
) -> Result<OwnedFd, ResolveError> {
    let flags = match want {
        Want::Folder => FOLDER_FLAGS,
        Want::File => READ_FLAGS,
    };
    #[cfg(target_os = "linux")]
    if openat2.get() {
        match openat2_beneath(root.fd.as_raw_fd(), relative, flags) {
            // An old kernel (ENOSYS) or a seccomp filter (EPERM, as some
            // container runtimes answer for calls they do not know).
            Err(ResolveError::Io(e))
                if matches!(e.raw_os_error(), Some(libc::ENOSYS | libc::EPERM)) =>
            {
                openat2.set(false);
            }
            other => return other,
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = openat2;
    walk_beneath(root.fd.as_raw_fd(), relative, flags)
}

#[cfg(target_os = "linux")]
fn openat2_beneath(
    root: RawFd,
    relative: &Path,
    flags: libc::c_int,
) -> Result<OwnedFd, ResolveError> {
    /// The kernel answers EAGAIN when a rename raced a `..` on the way;
    /// a few tries, then the request is refused.
    const TRIES: usize = 8;
    let path = c_name(relative.as_os_str())?;
    // SAFETY: `open_how` is plain old data, for which all zeroes is a value.
    let mut how: libc::open_how = unsafe { std::mem::zeroed() };
    how.flags = flags as u64;
    // Magic links (/proc/self/fd/N and the like) could lead anywhere.
    how.resolve = libc::RESOLVE_BENEATH | libc::RESOLVE_NO_MAGICLINKS;
    let mut last = io::Error::from_raw_os_error(libc::EAGAIN);
    for _ in 0..TRIES {
        // SAFETY: `path` is NUL-terminated, `how` is a valid open_how of
        // the size passed, and `root` is an open descriptor.
        let ret = unsafe {
            libc::syscall(
                libc::SYS_openat2,
                root,
                path.as_ptr(),
                &how as *const libc::open_how,
                std::mem::size_of::<libc::open_how>(),
            )
        };
        if ret >= 0 {
            // SAFETY: openat2 returned a new descriptor that nothing else owns.
            return Ok(unsafe { OwnedFd::from_raw_fd(ret as RawFd) });
        }
        last = io::Error::last_os_error();
        match last.raw_os_error() {
            Some(libc::EINTR | libc::EAGAIN) => continue,
            Some(libc::EXDEV) => return Err(ResolveError::Escapes),
            _ => return Err(ResolveError::Io(last)),
        }
    }
    Err(ResolveError::Io(last))
}

/// The component walk: one `openat` with `O_NOFOLLOW` per component, each
/// relative to the folder opened before. A link is read and its target
/// walked the same way; `..` goes back to a folder this walk holds, so it
/// can never climb above the root, and an absolute link is refused, as
/// `RESOLVE_BENEATH` does.
pub fn walk_beneath(
    root: RawFd,
    relative: &Path,
    flags: libc::c_int,
) -> Result<OwnedFd, ResolveError> {
    let mut pending: VecDeque<OsString> = VecDeque::new();
    for component in relative.components() {
        match component {
            Component::Normal(part) => pending.push_back(part.to_owned()),
            Component::CurDir => {}
            _ => return Err(ResolveError::Escapes),
        }
    }
    // The folders below the root that the walk stands in, innermost last.
    let mut folders: Vec<OwnedFd> = Vec::new();
    let mut links = 0;
    while let Some(part) = pending.pop_front() {
        if part == ".." {
            if folders.pop().is_none() {
                return Err(ResolveError::Escapes);
            }
            continue;
        }
        let dir = folders.last().map_or(root, |fd| fd.as_raw_fd());
        let last = pending.is_empty();
        let part_flags = if last { flags } else { FOLDER_FLAGS } | libc::O_NOFOLLOW;
        let open_error = match openat(dir, &part, part_flags, 0) {
            Ok(fd) if last => return Ok(fd),
            Ok(fd) => {
                folders.push(fd);
                continue;
            }
            Err(e) => e,
        };
        // Whatever the error (ELOOP, ENOTDIR, or EMLINK on FreeBSD), a
        // link under the name is followed; anything else is the answer.
        let Ok(target) = read_link_at(dir, &part) else {
            return Err(ResolveError::Io(open_error));
        };
        links += 1;
        if links > MAX_LINKS {
            return Err(ResolveError::Io(io::Error::from_raw_os_error(libc::ELOOP)));
        }
        let mut expanded = Vec::new();
        for component in Path::new(&target).components() {
            match component {
                Component::Normal(name) => expanded.push(name.to_owned()),
                Component::ParentDir => expanded.push(OsString::from("..")),
                Component::CurDir => {}
                Component::RootDir | Component::Prefix(_) => return Err(ResolveError::Escapes),
            }
        }
        for name in expanded.into_iter().rev() {
            pending.push_front(name);
        }
    }
    // The name ended in a folder the walk stands in (a link to `.` or
    // `..`): open that folder as asked.
    let dir = folders.last().map_or(root, |fd| fd.as_raw_fd());
    Ok(openat(dir, OsStr::new("."), flags, 0)?)
}

/// Makes reads of an opened file block again, as the transfer expects.
pub fn set_blocking(file: &File) -> io::Result<()> {
    let fd = file.as_raw_fd();
    // SAFETY: the descriptor is open; F_GETFL/F_SETFL only change flags.
    let flags = check(unsafe { libc::fcntl(fd, libc::F_GETFL) })?;
    // SAFETY: as above.
    check(unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) }).map(drop)
}

/// Whether a file has more than one name.
pub fn has_other_names(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.nlink() > 1
}

/// The names in a folder.
fn list(dir: RawFd) -> io::Result<Vec<OsString>> {
    // SAFETY: duplicating an open descriptor; the copy is ours.
    let copy = check(unsafe { libc::fcntl(dir, libc::F_DUPFD_CLOEXEC, 0) })?;
    // SAFETY: `copy` is an open folder descriptor, handed to the stream,
    // which closes it in `closedir`.
    let stream = unsafe { libc::fdopendir(copy) };
    if stream.is_null() {
        let error = io::Error::last_os_error();
        // SAFETY: the stream did not take `copy`, so it is closed here.
        unsafe { libc::close(copy) };
        return Err(error);
    }
    let mut names = Vec::new();
    loop {
        // SAFETY: `stream` is an open directory stream.
        let entry = unsafe { libc::readdir(stream) };
        if entry.is_null() {
            break;
        }
        // SAFETY: readdir returned a valid entry whose name is NUL-terminated.
        let name = unsafe { CStr::from_ptr((*entry).d_name.as_ptr()) };
        let name = OsStr::from_bytes(name.to_bytes());
        if name != "." && name != ".." {
            names.push(name.to_owned());
        }
    }
    // SAFETY: `stream` is open and not used after this.
    unsafe { libc::closedir(stream) };
    Ok(names)
}

/// Removes the temporary files a crashed server left beneath `root`:
/// regular files with names `is_ours` accepts, owned by this user, that
/// no running server holds locked. Links are never followed; at most
/// `max_folders` folders are looked at. Returns how many were removed.
pub fn remove_leftovers(root: &Folder, is_ours: fn(&OsStr) -> bool, max_folders: usize) -> usize {
    let listing = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC;
    let Ok(first) = openat(root.fd.as_raw_fd(), OsStr::new("."), listing, 0) else {
        return 0;
    };
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    let mut queue = VecDeque::from([first]);
    let mut seen = 1;
    let mut removed = 0;
    while let Some(dir) = queue.pop_front() {
        let Ok(names) = list(dir.as_raw_fd()) else {
            continue;
        };
        for name in names {
            let Ok(stat) = stat_at(dir.as_raw_fd(), &name) else {
                continue;
            };
            match stat.st_mode & libc::S_IFMT {
                libc::S_IFDIR if seen < max_folders => {
                    if let Ok(sub) = openat(dir.as_raw_fd(), &name, listing, 0) {
                        seen += 1;
                        queue.push_back(sub);
                    }
                }
                libc::S_IFREG if is_ours(&name) && stat.st_uid == me => {
                    let flags =
                        libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC;
                    let Ok(fd) = openat(dir.as_raw_fd(), &name, flags, 0) else {
                        continue;
                    };
                    // SAFETY: the descriptor is open.
                    let free =
                        unsafe { libc::flock(fd.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
                    if free && unlink_at(dir.as_raw_fd(), &name).is_ok() {
                        removed += 1;
                    }
                    drop(fd);
                }
                _ => {}
            }
        }
    }
    removed
}
