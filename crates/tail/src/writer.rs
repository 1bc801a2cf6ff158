//! The single writer: the reading thread writes each batch itself.
//!
//! Output is formatted into one pending batch ([`crate::followed`]) and
//! written here with one `write(2)` (more only for a short write) at the
//! end of each wake-up or when the batch is full. There is no writer
//! thread and no channel: handing a batch to another thread cost a wake-up,
//! a buffer per batch in flight (allocated and faulted in when none was
//! handed back yet) and a cold read of the batch on the other core, for
//! nothing a follower needs — one thread reads every file anyway, and a
//! bounded channel blocked it on a slow consumer just the same. Written
//! from the thread that filled it, a batch is written from a warm cache
//! and its buffer is reused as it is.
//!
//! * **Back-pressure**: a consumer that stops reading stops ptail in
//!   `write(2)`; memory does not grow.
//! * **A closed pipe** (`EPIPE`; SIGPIPE is ignored, as in every Rust
//!   program) closes the writer: [`Writer::is_closed`], and the run ends
//!   with status 0. Any other write error ends it with status 2.
//! * **Standard output is written through its descriptor**, not through
//!   `std::io::Stdout`'s line buffer: a batch is whole lines already.
//! * **A pipe on standard output is widened to 1 MiB** (`F_SETPIPE_SZ`,
//!   the most an unprivileged process may ask by default; never
//!   narrowed, and a refusal is ignored): the default 64 KiB makes a busy
//!   run wake its consumer, and be woken by it, for every 64 KiB. With
//!   1 MiB both sides move data in larger pieces: at 64 busy files, 1.3-1.6x
//!   the lines per second into a reader that reads 1 MiB at a time
//!   (`bench/tail.py`). Memory is used only while data waits in the pipe,
//!   but the user's pipe quota (`fs.pipe-user-pages-soft`, 64 MiB by
//!   default) is charged the full 1 MiB at once: past about 60 widened
//!   pipes, the kernel refuses (ignored) and makes that user's new pipes
//!   small. A reader that exits without reading (`| head`) can leave up
//!   to 1 MiB it never saw; `--state` counts it as written (README).
//! * **Whole lines are spliced** when standard output is a pipe and the
//!   lines go out as they are (no prefix, filter, timestamp, `--state` or
//!   `--stats`): `splice(2)` moves them from the file's pages to the pipe,
//!   so they are never copied into ptail and out again ([`Writer::splice`],
//!   `follow::splice_lines`). What is pending is written first, so the
//!   order is kept. A splice never waits in the kernel for room in the
//!   pipe (it would then move whatever the file holds when room comes):
//!   it waits in poll(2), and the file's start is checked again before
//!   each splice call, so a file copied and truncated meanwhile is left
//!   for the follower to read from its start. The pipe holds references
//!   to the file's pages until the reader takes them: a file overwritten
//!   in place (not appended to, not truncated: no logger does this)
//!   within that time shows the new bytes. `PTAIL_NO_SPLICE=1` turns splicing off (the lines are read
//!   and written, as for every other output); a file the kernel cannot
//!   splice from is read.

use std::io::{self, Write};
use std::os::fd::AsFd;

/// How the output ended ([`Writer::finish`]).
#[derive(Debug)]
pub enum Ending {
    /// Everything handed over was written.
    Completed,
    /// The reader went away: what was left is dropped.
    BrokenPipe,
    /// A write failed (a full disk under `-o`).
    Failed(io::Error),
}

/// The output: see the module comment.
pub struct Writer {
    out: Box<dyn Write + Send>,
    ended: Option<Ending>,
    /// `out` is standard output, and a pipe: [`Writer::splice`] works.
    splice: bool,
}

impl Writer {
    pub fn new(out: Box<dyn Write + Send>) -> Writer {
        Writer {
            out,
            ended: None,
            splice: false,
        }
    }

    /// A writer to standard output (written through `out`) that may also
    /// splice into it, when it is a pipe and `PTAIL_NO_SPLICE` is not set.
    pub fn stdout(out: Box<dyn Write + Send>) -> Writer {
        let splice = stdout_is_pipe() && std::env::var_os("PTAIL_NO_SPLICE").is_none();
        Writer {
            out,
            ended: None,
            splice,
        }
    }

    /// Whether [`Writer::splice`] can be used.
    pub fn can_splice(&self) -> bool {
        self.splice
    }

    /// Write `batch` (emptied), then move `len` bytes of `file`, from its
    /// position on, into the output pipe. Returns how many bytes were
    /// moved (fewer only if the file shrank meanwhile, or `unchanged`
    /// said it no longer starts as it did: a line cut that way is ended
    /// with a newline, as the reading path ends a partial line), or
    /// `None` if nothing could be (the kernel cannot splice from this
    /// file: read it instead). Once the writer is closed, everything
    /// counts as moved, as batches are dropped.
    ///
    /// The pipe may be full (a slow reader): the splice does not wait in
    /// the kernel, where it would go on with whatever the file holds at
    /// its position when room comes. It waits for room, then asks
    /// `unchanged` again: a file cut and written past the position
    /// meanwhile (copytruncate while the reader was away) holds other
    /// lines there, and is left for the follower to find cut and read
    /// from its start. Splicing on used to show the new file's lines from
    /// the old offset, often from the middle of a line.
    pub fn splice(
        &mut self,
        batch: &mut Vec<u8>,
        file: &std::fs::File,
        len: u64,
        unchanged: &dyn Fn() -> bool,
    ) -> Option<u64> {
        use rustix::io::Errno;
        // The follower looked at the file's start just before: look again
        // only after something may have waited (the batch's write, or
        // room in the pipe), not once more per splice.
        let mut look = !batch.is_empty();
        self.write(batch);
        if self.ended.is_some() {
            return Some(len);
        }
        let stdout = io::stdout();
        let mut done = 0u64;
        while done < len {
            if std::mem::take(&mut look) && !unchanged() {
                break;
            }
            let want = usize::try_from(len - done).unwrap_or(usize::MAX);
            match rustix::pipe::splice(
                file,
                None,
                stdout.as_fd(),
                None,
                want,
                rustix::pipe::SpliceFlags::NONBLOCK,
            ) {
                Ok(0) => break, // the file shrank
                Ok(n) => done += n as u64,
                Err(Errno::INTR) => {}
                Err(Errno::AGAIN) => {
                    wait_for_room(&stdout);
                    look = true;
                }
                Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) if done == 0 => return None,
                Err(e) => {
                    self.ended = Some(if e == Errno::PIPE {
                        Ending::BrokenPipe
                    } else {
                        Ending::Failed(e.into())
                    });
                    return Some(len);
                }
            }
        }
        if done > 0 && done < len {
            self.write(&mut b"\n".to_vec());
        }
        Some(done)
    }

    /// Write `batch` whole and empty it (its buffer is kept for the next).
    /// Once the writer is closed, batches are dropped.
    pub fn write(&mut self, batch: &mut Vec<u8>) {
        if self.ended.is_none()
            && !batch.is_empty()
            && let Err(e) = self.out.write_all(batch).and_then(|()| self.out.flush())
        {
            self.ended = Some(if e.kind() == io::ErrorKind::BrokenPipe {
                Ending::BrokenPipe
            } else {
                Ending::Failed(e)
            });
        }
        batch.clear();
    }

    /// True once a write failed or found the pipe closed: the run is over.
    pub fn is_closed(&self) -> bool {
        self.ended.is_some()
    }

    /// How the output ended.
    pub fn finish(&mut self) -> Ending {
        match self.ended.take() {
            Some(e) => e,
            None => match self.out.flush() {
                Ok(()) => Ending::Completed,
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ending::BrokenPipe,
                Err(e) => Ending::Failed(e),
            },
        }
    }
}

/// The size `widen_pipe` asks for.
const PIPE_SIZE: usize = 1 << 20;

fn stdout_is_pipe() -> bool {
    rustix::fs::fstat(io::stdout()).is_ok_and(|st| {
        rustix::fs::FileType::from_raw_mode(st.st_mode) == rustix::fs::FileType::Fifo
    })
}

/// Widen standard output to [`PIPE_SIZE`] when it is a pipe narrower than
/// that (see the module comment).
pub fn widen_pipe() {
    let stdout = io::stdout();
    if stdout_is_pipe()
        && rustix::pipe::fcntl_getpipe_size(&stdout).is_ok_and(|size| size < PIPE_SIZE)
    {
        let _ = rustix::pipe::fcntl_setpipe_size(&stdout, PIPE_SIZE);
    }
}

/// Standard output, written through its descriptor (no buffer of its own).
pub struct RawStdout;

impl Write for RawStdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let stdout = io::stdout();
        Ok(rustix::io::write(stdout.as_fd(), buf)?)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Wait until the pipe `out` has room (or its reader is gone: the next
/// splice says so).
fn wait_for_room(out: &io::Stdout) {
    use rustix::event::{PollFd, PollFlags, poll};
    let mut fds = [PollFd::new(out, PollFlags::OUT)];
    let _ = poll(&mut fds, None);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Records what reached it; fails with `fail` once set.
    #[derive(Clone, Default)]
    struct Probe {
        got: Arc<Mutex<Vec<u8>>>,
        fail: Arc<Mutex<Option<io::ErrorKind>>>,
    }

    impl Write for Probe {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if let Some(k) = *self.fail.lock().expect("probe lock") {
                return Err(k.into());
            }
            // Short writes: write_all must finish the batch.
            let n = buf.len().min(7);
            self.got
                .lock()
                .expect("probe lock")
                .extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn batches_are_written_whole_and_their_buffer_kept() {
        let probe = Probe::default();
        let mut w = Writer::new(Box::new(probe.clone()));
        let mut batch = Vec::with_capacity(1024);
        batch.extend_from_slice(b"one line\nand another one\n");
        let cap = batch.capacity();
        w.write(&mut batch);
        assert!(batch.is_empty());
        assert_eq!(batch.capacity(), cap);
        batch.extend_from_slice(b"third\n");
        w.write(&mut batch);
        assert_eq!(
            &probe.got.lock().expect("probe lock")[..],
            b"one line\nand another one\nthird\n"
        );
        assert!(matches!(w.finish(), Ending::Completed));
    }

    #[test]
    fn a_closed_pipe_closes_the_writer_and_drops_the_rest() {
        let probe = Probe::default();
        let mut w = Writer::new(Box::new(probe.clone()));
        let mut batch = b"a\n".to_vec();
        w.write(&mut batch);
        *probe.fail.lock().expect("probe lock") = Some(io::ErrorKind::BrokenPipe);
        batch.extend_from_slice(b"b\n");
        w.write(&mut batch);
        assert!(w.is_closed());
        *probe.fail.lock().expect("probe lock") = None;
        batch.extend_from_slice(b"c\n");
        w.write(&mut batch);
        assert!(batch.is_empty());
        assert_eq!(&probe.got.lock().expect("probe lock")[..], b"a\n");
        assert!(matches!(w.finish(), Ending::BrokenPipe));
    }

    #[test]
    fn another_write_error_is_a_failure() {
        let probe = Probe::default();
        *probe.fail.lock().expect("probe lock") = Some(io::ErrorKind::StorageFull);
        let mut w = Writer::new(Box::new(probe));
        w.write(&mut b"x\n".to_vec());
        assert!(w.is_closed());
        assert!(matches!(w.finish(), Ending::Failed(e) if e.kind() == io::ErrorKind::StorageFull));
    }
}
