//! One run, from the configuration to the exit status: open the output
//! (never one of the inputs), start the single writer, show every input's
//! history ([`Followed::start`]), follow ([`crate::follow_loop`]) unless
//! `--no-follow`, then the last partial lines, `--stats` and the status.
//!
//! Exit status: 0 on success (also on a signal, a closed pipe, or `--until`
//! matching); 1 when `--until` never matched before the inputs ended; 2
//! when the output cannot be written, when an input cannot be listed
//! (unless `--until` matched), and when a file could not be read in a run
//! that did not follow or whose `--until` never matched.

use std::io::{IsTerminal, Write};

use workdist::ExitStatus;
use workdist::color::use_color;
use workdist::pipe::BROKEN_PIPE_STATUS;

use crate::config::Config;
use crate::follow::identity;
use crate::follow_loop;
use crate::followed::{Ended, Followed};
use crate::inputs::InputKind;
use crate::output::Format;
use crate::state::{self, Loaded, Tracker};
use crate::writer::{Ending, RawStdout, Writer};

pub fn execute(mut config: Config) -> anyhow::Result<ExitStatus> {
    raise_fd_limit();
    // --state: the state found, before the output is touched (it says
    // how long the output should be).
    let prior = config.state.as_deref().map(state::load);
    let mut output_file = None;
    // The writer: stdout, or a file opened for appending (never one of
    // the inputs: ptail would read its own output, without end).
    let mut exclude = None;
    let (out, tty): (Box<dyn Write + Send>, bool) = match &config.output {
        Some(p) => {
            let existed = p.exists();
            let open = |read: bool| {
                std::fs::OpenOptions::new()
                    .read(read)
                    .append(true)
                    .create(true)
                    .open(p)
            };
            // With --state, readable too: the state fingerprints the
            // output's last bytes (an output that cannot be read goes
            // without).
            let file = match open(prior.is_some()) {
                Err(e) if prior.is_some() && e.kind() == std::io::ErrorKind::PermissionDenied => {
                    open(false)
                }
                other => other,
            }
            .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?;
            let id = file.metadata().map(|m| identity(&m))?;
            if let Some(input) = config.inputs.iter().find(|i| {
                i.kind == InputKind::File
                    && std::fs::metadata(&i.path).is_ok_and(|m| identity(&m) == id)
            }) {
                if !existed {
                    let _ = std::fs::remove_file(p);
                }
                anyhow::bail!(
                    "{}: the output file (-o) is also an input; ptail would read what it writes",
                    input.shown(&input.path)
                );
            }
            exclude = Some(id);
            if let Some(prior) = &prior {
                output_file = Some(cut_back(&file, p, id, prior)?);
            }
            (Box::new(file), false)
        }
        None => {
            crate::writer::widen_pipe();
            (Box::new(RawStdout), std::io::stdout().is_terminal())
        }
    };
    let format = Format::new(&config).with_color(use_color(config.color, tty));
    // With --state the writer counts what it writes: the state commits
    // only lines that were written.
    let (out, written) = state::Counted::new(out);
    let writer = if config.output.is_none() {
        Writer::stdout(Box::new(out))
    } else {
        Writer::new(Box::new(out))
    };

    let inputs = std::mem::take(&mut config.inputs);
    let mut tail = Followed::new(&config, inputs, format, writer, exclude);
    // With --state, a stop during the history must still end the run
    // properly (the state saved): the signals are caught from here on,
    // and following, seeing the stop, ends at once.
    let mut signals = None;
    if let (Some(path), Some(prior)) = (&config.state, prior) {
        signals = Some(follow_loop::Signals::register()?);
        let mut tracker = Tracker::new(path.clone(), written, output_file, config.state_retention);
        if matches!(prior, Loaded::None) {
            tracker.save_initial(&|m| eprintln!("ptail: {m}"));
        }
        tail.set_state(&config, tracker, prior);
    }
    tail.start(&config);
    let followed = config.follow && !tail.done();
    if followed {
        follow_loop::follow(&config, &mut tail, signals)?;
        tail.finish_all();
    }
    let mut ended = tail.end();
    let output = finish_output(&mut ended.writer);
    if let Some(mut t) = ended.state.take() {
        // The last state, once the writer is done: it covers every line
        // written, and only those (a closed pipe dropped the rest).
        t.save(&ended.followers, true, &|m| eprintln!("ptail: {m}"));
    }
    if config.stats {
        print_stats(&ended);
    }
    Ok(output.unwrap_or_else(|| exit_status(&config, &ended, followed)))
}

/// `--state` with `-o`: cut the output back to the length the state
/// recorded (what was written after the last state is written again), if
/// it is the same file the state names: same device and inode, and (where
/// the state knows them) the same creation time and the same bytes before
/// that length. The one case where `-o` truncates: a file created anew at
/// the output's name (perhaps on the same inode) or rewritten by another
/// program is appended to, never cut, said once.
fn cut_back(
    file: &std::fs::File,
    path: &std::path::Path,
    id: crate::follow::Id,
    prior: &Loaded,
) -> anyhow::Result<state::OutputFile> {
    let meta = file.metadata()?;
    let len = meta.len();
    let born = state::birth(&meta);
    let mut base = len;
    if let Loaded::Saved(saved) = prior
        && let Some(o) = saved.output
        && o.id == id
    {
        if len < o.len {
            eprintln!(
                "ptail: {}: shorter ({len} bytes) than the state says ({} bytes): truncated by someone else?",
                path.display(),
                o.len
            );
        } else if len > o.len {
            match o.same_output(file, born) {
                Ok(()) => {
                    file.set_len(o.len).map_err(|e| {
                        anyhow::anyhow!("{}: cannot cut the output back: {e}", path.display())
                    })?;
                    file.sync_data()?;
                    base = o.len;
                }
                Err(why) => eprintln!(
                    "ptail: {}: {why}: not cut back to the {} bytes the state covers; appending to it",
                    path.display(),
                    o.len
                ),
            }
        }
    }
    Ok(state::OutputFile {
        file: file.try_clone()?,
        id,
        base,
        born,
    })
}

/// The end of the output. A closed pipe ends the run successfully whatever
/// else happened; a write error (a full disk under `-o`) is an error.
/// `None`: everything was written, the run's own status stands.
fn finish_output(writer: &mut Writer) -> Option<ExitStatus> {
    match writer.finish() {
        Ending::Completed => None,
        Ending::BrokenPipe => Some(BROKEN_PIPE_STATUS),
        Ending::Failed(e) => {
            eprintln!("ptail: cannot write the output: {e}");
            Some(ExitStatus::Error)
        }
    }
}

/// The status of a run whose output was all written. After following,
/// an input that could not be listed is an error (unless `--until`
/// matched) and the inputs ended only if `--until` did not match; a run
/// that did not follow ended with its history.
fn exit_status(config: &Config, end: &Ended, followed: bool) -> ExitStatus {
    if followed && end.input_error && !end.matched {
        return ExitStatus::Error;
    }
    let ended = !followed || !end.matched;
    if config.until.is_some() {
        if end.matched {
            return ExitStatus::Found;
        }
        if ended {
            return if end.errored {
                ExitStatus::Error
            } else {
                ExitStatus::NotFound
            };
        }
    }
    if end.errored && !config.follow {
        ExitStatus::Error
    } else {
        ExitStatus::Found
    }
}

/// `--stats`: one line per followed file, on stderr.
fn print_stats(end: &Ended) {
    let width = end
        .sources
        .iter()
        .map(|s| s.label().chars().count())
        .max()
        .unwrap_or(6)
        .max(6);
    eprintln!(
        "{:<width$}  {:>10}  {:>12}  {:>9}  {:>11}  {:>11}",
        "source", "lines", "bytes", "rotations", "truncations", "longest lag"
    );
    for (s, f) in end.sources.iter().zip(&end.followers) {
        eprintln!(
            "{:<width$}  {:>10}  {:>12}  {:>9}  {:>11}  {:>8.3} ms",
            s.label(),
            f.stats.lines,
            f.stats.bytes,
            f.stats.rotations,
            f.stats.truncations,
            f.stats.longest_lag().as_secs_f64() * 1000.0
        );
    }
}

/// Following many files keeps one descriptor open per file: raise the soft
/// limit to the hard one.
fn raise_fd_limit() {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut lim = getrlimit(Resource::Nofile);
    if lim.current < lim.maximum {
        lim.current = lim.maximum;
        let _ = setrlimit(Resource::Nofile, lim);
    }
}
